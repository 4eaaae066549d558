using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Stroma.Data.Model;

namespace Stroma.Data.Audit;

/// <summary>A hard delete was attempted: clinical and registry records are never removed, only marked deleted.</summary>
public sealed class HardDeleteRefusedException(string message) : InvalidOperationException(message);

/// <summary>A saved clinical record was changed without <see cref="StromaDbContext.ChangeReason"/>.</summary>
public sealed class ChangeReasonRequiredException(string message) : InvalidOperationException(message);

/// <summary>
/// The ONE place that writes provenance and the audit trail. Before every save it refuses hard deletes and edits of
/// audit rows, requires a reason for changes to saved clinical records, stamps created/updated fields and the
/// concurrency <see cref="TrackedRecord.Version"/>, and appends hash-chained <see cref="AuditEntry"/> rows in the
/// same save (so in the same transaction). Stateless: one instance serves every context.
/// </summary>
public sealed class AuditInterceptor : SaveChangesInterceptor
{
    public static AuditInterceptor Instance { get; } = new();

    private static readonly HashSet<string> Bookkeeping =
    [
        nameof(TrackedRecord.Version), nameof(TrackedRecord.CreatedAt), nameof(TrackedRecord.CreatedBy),
        nameof(TrackedRecord.UpdatedAt), nameof(TrackedRecord.UpdatedBy),
    ];

    private AuditInterceptor()
    {
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is StromaDbContext { BypassAudit: false } db)
        {
            var entries = Stamp(db);
            if (entries.Count > 0)
            {
                var (sequence, hash) = AuditAppendLock.LockHead(db);
                AuditChain.Link(entries, sequence, hash);
                db.AuditEntries.AddRange(entries);
            }
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is StromaDbContext { BypassAudit: false } db)
        {
            var entries = Stamp(db);
            if (entries.Count > 0)
            {
                var (sequence, hash) = await AuditAppendLock.LockHeadAsync(db, cancellationToken).ConfigureAwait(false);
                AuditChain.Link(entries, sequence, hash);
                db.AuditEntries.AddRange(entries);
            }
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is StromaDbContext db)
        {
            AuditAppendLock.Commit(db);
            db.ChangeReason = null;
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is StromaDbContext db)
        {
            await AuditAppendLock.CommitAsync(db, cancellationToken).ConfigureAwait(false);
            db.ChangeReason = null;
        }

        return result;
    }

    // A save that fails or is cancelled releases the audit append lock (the transaction begun for it rolls back).
    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } db)
        {
            AuditAppendLock.Abandon(db);
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } db)
        {
            AuditAppendLock.Abandon(db);
        }
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesCanceled(eventData);
        return Task.CompletedTask;
    }

    private static List<AuditEntry> Stamp(StromaDbContext db)
    {
        db.ChangeTracker.DetectChanges();
        var now = db.Clock.GetUtcNow();
        var actor = db.Actor;
        var reason = string.IsNullOrWhiteSpace(db.ChangeReason) ? null : db.ChangeReason.Trim();
        var audit = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (entry.Entity is AuditEntry)
            {
                if (entry.State is EntityState.Modified or EntityState.Deleted)
                {
                    throw new HardDeleteRefusedException("The audit trail is append-only: an audit entry cannot be changed or deleted.");
                }

                continue;
            }

            if (entry.State == EntityState.Deleted)
            {
                throw new HardDeleteRefusedException(
                    $"{entry.Metadata.ClrType.Name} {KeyOf(entry)} cannot be hard-deleted; mark it deleted with a reason (StromaDbContext.MarkDeleted).");
            }

            if (entry.Entity is not TrackedRecord record)
            {
                continue;
            }

            if (entry.State == EntityState.Added)
            {
                record.Version = 1;
                record.CreatedAt = now;
                record.CreatedBy = actor;
                audit.Add(Entry(now, actor, "insert", entry, "*", null, Snapshot(entry), reason));
            }
            else if (entry.State == EntityState.Modified)
            {
                var changed = entry.Properties
                    .Where(p => p.IsModified && !Bookkeeping.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue))
                    .ToList();
                if (changed.Count == 0)
                {
                    continue;
                }

                if (record is ClinicalRecord && reason is null)
                {
                    throw new ChangeReasonRequiredException(
                        $"{entry.Metadata.ClrType.Name} {KeyOf(entry)} is saved clinical data: set StromaDbContext.ChangeReason before changing it.");
                }

                var action = "update";
                if (record is ClinicalRecord clinical && changed.Any(p => p.Metadata.Name == nameof(ClinicalRecord.DeletedAt)))
                {
                    action = clinical.DeletedAt is null ? "undelete" : "delete";
                }

                var version = entry.Property(nameof(TrackedRecord.Version));
                version.CurrentValue = (int)version.OriginalValue! + 1;
                record.UpdatedAt = now;
                record.UpdatedBy = actor;
                foreach (var property in changed)
                {
                    audit.Add(Entry(now, actor, action, entry, property.Metadata.Name,
                        Audited(property.Metadata, property.OriginalValue), Audited(property.Metadata, property.CurrentValue), reason));
                }
            }
        }

        return audit;
    }

    private static AuditEntry Entry(DateTimeOffset now, string actor, string action, EntityEntry entry, string field,
        string? oldValue, string? newValue, string? reason) => new()
        {
            Timestamp = now,
            UserName = actor,
            Action = action,
            Entity = entry.Metadata.ClrType.Name,
            EntityKey = KeyOf(entry),
            Field = field,
            OldValue = oldValue,
            NewValue = newValue,
            Reason = reason,
        };

    private static string KeyOf(EntityEntry entry) =>
        string.Join("|", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => Canonical(entry.Property(p.Name).CurrentValue)));

    private static string Snapshot(EntityEntry entry)
    {
        var fields = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in entry.Properties)
        {
            if (!Bookkeeping.Contains(property.Metadata.Name))
            {
                fields[property.Metadata.Name] = Audited(property.Metadata, property.CurrentValue);
            }
        }

        return JsonSerializer.Serialize(fields);
    }

    /// <summary>What the trail writes for a field's value: <see cref="AuditRedactedAttribute.Placeholder"/> for a secret.</summary>
    private static string? Audited(Microsoft.EntityFrameworkCore.Metadata.IProperty property, object? value) =>
        value is not null && property.PropertyInfo?.IsDefined(typeof(AuditRedactedAttribute), inherit: false) == true
            ? AuditRedactedAttribute.Placeholder
            : Canonical(value);

    /// <summary>The invariant text form of a stored value, as the audit trail keeps it.</summary>
    internal static string? Canonical(object? value) => value switch
    {
        null => null,
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => StoredInstant.ToAuditText(t),
        bool b => b ? "true" : "false",
        Guid g => g.ToString("D"),
        Enum e => e.ToString(),
        // Engines keep different scales (SQLite "12.0", PostgreSQL numeric "12.000000"): write the number itself.
        decimal m => m.ToString("0.############################", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
