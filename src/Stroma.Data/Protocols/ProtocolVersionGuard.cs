using Microsoft.EntityFrameworkCore;
using Stroma.Data.Model;

namespace Stroma.Data.Protocols;

/// <summary>A save tried to change an approved or retired protocol version: such a version never changes; define version N+1.</summary>
public sealed class ApprovedProtocolVersionChangedException(string message) : InvalidOperationException(message);

/// <summary>
/// Refuses, before anything is written, any change to a protocol version that was approved (or retired) when it was
/// read: the approved definition and its signature are immutable, whatever code path tries to change them.
/// </summary>
internal static class ProtocolVersionGuard
{
    public static void Check(StromaDbContext db)
    {
        foreach (var entry in db.ChangeTracker.Entries<ProtocolVersionRecord>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted
                && entry.Property(v => v.Status).OriginalValue != ProtocolVersionStatus.Draft
                && entry.Properties.Any(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue)))
            {
                throw new ApprovedProtocolVersionChangedException(
                    $"Protocol {entry.Entity.ProtocolKey} version {entry.Entity.Number} is {entry.Property(v => v.Status).OriginalValue.ToString().ToLowerInvariant()} and cannot change: define a new version.");
            }
        }
    }
}
