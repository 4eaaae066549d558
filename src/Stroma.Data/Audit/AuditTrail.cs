using System.Text.Json;

namespace Stroma.Data.Audit;

/// <summary>Audit entries for bulk paths (import, demo, restore), which bypass the per-record interceptor.</summary>
public static class AuditTrail
{
    /// <summary>The pseudo-entity of entries that record an access (a read, an export, a refused request), not a change.</summary>
    public const string AccessEntity = "Access";

    /// <summary>The pseudo-entity of the entry that states the registry's provenance (<see cref="Registry.RegistryProvenance"/>).</summary>
    public const string ProvenanceEntity = "Registry";

    /// <summary>The action of a provenance entry.</summary>
    public const string ProvenanceAction = "provenance";

    /// <summary>
    /// Appends the entry stating where the registry's records come from (for <c>stroma demo</c>: synthetic), chained like
    /// every other entry and saved in the caller's transaction. The ledger check ignores it (no model entity is named
    /// <see cref="ProvenanceEntity"/>).
    /// </summary>
    public static async Task AppendProvenanceAsync(StromaDbContext db, IReadOnlyDictionary<string, object?> details, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = new AuditEntry
        {
            Timestamp = db.Clock.GetUtcNow(),
            UserName = db.Actor,
            Action = ProvenanceAction,
            Entity = ProvenanceEntity,
            EntityKey = "provenance",
            Field = "*",
            NewValue = JsonSerializer.Serialize(details),
            Reason = db.ChangeReason,
        };
        var (sequence, hash) = await AuditAppendLock.LockHeadAsync(db, cancellationToken).ConfigureAwait(false);
        AuditChain.Link([entry], sequence, hash);
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Appends one access entry (21 CFR 11.10(e) asks for changes; reads and exports of patient data are recorded too,
    /// as ICH E6(R3) and hospital policies expect): who (<see cref="StromaDbContext.Actor"/>), when, <paramref name="action"/>
    /// (<c>read</c>, <c>export</c>, <c>refused</c>), the record read (<paramref name="key"/>) and what (<paramref name="details"/>,
    /// JSON). Chained like every other entry; the ledger check ignores it (no model entity is named
    /// <see cref="AccessEntity"/>). Saves at once: call it on a context with no pending changes.
    /// </summary>
    public static async Task AppendAccessAsync(StromaDbContext db, string action, string key, IReadOnlyDictionary<string, object?> details,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = new AuditEntry
        {
            Timestamp = db.Clock.GetUtcNow(),
            UserName = db.Actor,
            Action = action,
            Entity = AccessEntity,
            EntityKey = key,
            Field = "*",
            // The record read or exported leads the details, so audit pages that show values (not keys) name it.
            NewValue = JsonSerializer.Serialize(new[] { new KeyValuePair<string, object?>("record", key) }.Concat(details).ToDictionary()),
        };
        var (sequence, hash) = await AuditAppendLock.LockHeadAsync(db, cancellationToken).ConfigureAwait(false);
        AuditChain.Link([entry], sequence, hash);
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.Entry(entry).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
    }

    /// <summary>
    /// Appends one <c>import</c> entry describing a bulk write of <paramref name="entity"/> rows, chained like every
    /// other entry and saved in the caller's transaction.
    /// </summary>
    public static async Task AppendBatchAsync(StromaDbContext db, string entity, string key, IReadOnlyDictionary<string, object?> details,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = new AuditEntry
        {
            Timestamp = db.Clock.GetUtcNow(),
            UserName = db.Actor,
            Action = "import",
            Entity = entity,
            EntityKey = key,
            Field = "*",
            NewValue = JsonSerializer.Serialize(details),
            Reason = db.ChangeReason,
        };
        var (sequence, hash) = await AuditAppendLock.LockHeadAsync(db, cancellationToken).ConfigureAwait(false);
        AuditChain.Link([entry], sequence, hash);
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();
    }
}
