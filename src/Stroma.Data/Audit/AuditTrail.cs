using System.Text.Json;
using Microsoft.EntityFrameworkCore;

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
        await AppendAccessAsync(db, [AccessEntry(db, action, key, details)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An access entry by <see cref="StromaDbContext.Actor"/> of <paramref name="db"/>, stamped now, not yet chained: append
    /// it with <see cref="AppendAccessAsync(StromaDbContext, IReadOnlyList{AuditEntry}, CancellationToken)"/>, alone or
    /// with other requests' entries (the web app's page reads are appended a group at a time).
    /// </summary>
    public static AuditEntry AccessEntry(StromaDbContext db, string action, string key, IReadOnlyDictionary<string, object?> details)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(details);
        return new AuditEntry
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
    }

    /// <summary>
    /// Appends access entries made by <see cref="AccessEntry"/> (by any number of users), chained in the order given, in
    /// one transaction: all are on the trail when this returns, or none. Saves at once: call it on a context with no
    /// pending changes.
    /// </summary>
    public static async Task AppendAccessAsync(StromaDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Any(e => e.Entity != AccessEntity || e.Sequence != 0))
        {
            throw new ArgumentException("Only new access entries (AuditTrail.AccessEntry) are appended here.", nameof(entries));
        }

        var (sequence, hash) = await AuditAppendLock.LockHeadAsync(db, cancellationToken).ConfigureAwait(false);
        AuditChain.Link(entries, sequence, hash);
        db.AuditEntries.AddRange(entries);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var entry in entries)
            {
                db.Entry(entry).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
            }
        }
    }

    /// <summary>
    /// The last change on the trail: the newest entry that is not an access entry (<see cref="AccessEntity"/>), by
    /// sequence and hash, or (0, "") when nothing was written. Reads of patient pages and downloads append access entries
    /// only, so this moves exactly when the registry's records change (every write is audited in its own transaction,
    /// <see cref="AuditInterceptor"/>, and appends are serialised until commit, <see cref="AuditAppendLock"/>). One step
    /// of the partial index <c>IX_audit_entries_changes</c>, however many reads followed the last change.
    /// </summary>
    public static async Task<(long Sequence, string Hash)> LastChangeAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        var last = await Changes(db).Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return last is null ? (0, "") : (last.Sequence, last.Hash);
    }

    /// <summary>
    /// The entries that are not access entries, newest first: the query <see cref="LastChangeAsync"/> takes one row of,
    /// written so that each engine answers it from <c>IX_audit_entries_changes</c> (the filter is the index's own, as a
    /// constant: a parameter would not match a partial index).
    /// </summary>
    public static IQueryable<AuditEntry> Changes(StromaDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.AuditEntries.AsNoTracking().Where(e => e.Entity != AccessEntity).OrderByDescending(e => e.Sequence);
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
