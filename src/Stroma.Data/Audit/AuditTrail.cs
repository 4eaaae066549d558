using System.Text.Json;

namespace Stroma.Data.Audit;

/// <summary>Audit entries for bulk paths (import, demo, restore), which bypass the per-record interceptor.</summary>
public static class AuditTrail
{
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
