using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Stroma.Data.Audit;

/// <summary>
/// Serialises appends to the audit trail, so that two writers saving unrelated records at the same moment (two
/// coordinators, two <c>stroma</c> commands, a web save and an import) both succeed with consecutive sequence numbers
/// instead of one failing on a duplicate key. The next sequence number and previous hash are read inside a
/// transaction that already holds the engine's write lock, and that transaction is the one that inserts the entries:
/// <list type="bullet">
/// <item>SQLite: <c>BEGIN IMMEDIATE</c> (what Microsoft.Data.Sqlite issues for a non-deferred transaction) takes the
/// database's single write lock before the head is read; other writers wait up to the busy timeout.</item>
/// <item>PostgreSQL: <c>LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE</c>, a mode that conflicts with itself
/// and with inserts but not with reads, held until the transaction ends; the head is read after the lock is granted
/// (read committed takes a new snapshot per statement, so it sees the last committed entry).</item>
/// </list>
/// When the caller already has a transaction, the lock is taken inside it (and held until the caller commits);
/// otherwise one is begun here and committed or rolled back when the save completes
/// (<see cref="AuditInterceptor"/>'s <c>SavedChanges</c> and <c>SaveChangesFailed</c>).
/// </summary>
internal static class AuditAppendLock
{
    private static readonly ConditionalWeakTable<DbContext, IDbContextTransaction> Owned = new();

    /// <summary>Takes the append lock (beginning a transaction if none) and reads the chain's last link.</summary>
    internal static (long Sequence, string Hash) LockHead(StromaDbContext db)
    {
        var begun = db.Database.CurrentTransaction is null ? db.Database.BeginTransaction() : null;
        try
        {
            if (db.Database.IsNpgsql())
            {
                db.Database.ExecuteSqlRaw(LockStatement(db));
            }

            var head = AuditChain.Head(db);
            if (begun is not null)
            {
                Owned.AddOrUpdate(db, begun);
            }

            return head;
        }
        catch
        {
            begun?.Dispose();
            throw;
        }
    }

    /// <inheritdoc cref="LockHead"/>
    internal static async Task<(long Sequence, string Hash)> LockHeadAsync(StromaDbContext db, CancellationToken cancellationToken)
    {
        var begun = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync(LockStatement(db), cancellationToken).ConfigureAwait(false);
            }

            var head = await AuditChain.HeadAsync(db, cancellationToken).ConfigureAwait(false);
            if (begun is not null)
            {
                Owned.AddOrUpdate(db, begun);
            }

            return head;
        }
        catch
        {
            if (begun is not null)
            {
                await begun.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Commits the transaction begun by <see cref="LockHead"/> for this save, if any.</summary>
    internal static void Commit(DbContext db)
    {
        if (Owned.TryGetValue(db, out var transaction))
        {
            Owned.Remove(db);
            using (transaction)
            {
                transaction.Commit();
            }
        }
    }

    /// <inheritdoc cref="Commit"/>
    internal static async Task CommitAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (Owned.TryGetValue(db, out var transaction))
        {
            Owned.Remove(db);
            await using (transaction.ConfigureAwait(false))
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Rolls back (by disposing) the transaction begun for a save that failed or was cancelled, if any.</summary>
    internal static void Abandon(DbContext db)
    {
        if (Owned.TryGetValue(db, out var transaction))
        {
            Owned.Remove(db);
            transaction.Dispose();
        }
    }

    private static string LockStatement(StromaDbContext db)
    {
        var table = db.Model.FindEntityType(typeof(AuditEntry))!;
        var schema = table.GetSchema();
        var name = $"\"{table.GetTableName()}\"";
        return $"LOCK TABLE {(schema is null ? name : $"\"{schema}\".{name}")} IN SHARE ROW EXCLUSIVE MODE";
    }
}
