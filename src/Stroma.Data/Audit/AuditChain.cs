using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stroma.Data.Model;

namespace Stroma.Data.Audit;

/// <summary>The first place where the audit chain does not hold, or null when it is intact.</summary>
/// <param name="Sequence">Sequence number of the first entry that fails.</param>
/// <param name="Problem">What is wrong with it.</param>
public sealed record AuditBreak(long Sequence, string Problem);

/// <summary>The outcome of recomputing the whole chain.</summary>
/// <param name="Entries">How many entries were read.</param>
/// <param name="HeadHash">The last entry's hash (record it elsewhere to detect removal of the newest rows).</param>
/// <param name="Break">The first broken link, or null.</param>
public sealed record AuditVerification(long Entries, string HeadHash, AuditBreak? Break)
{
    public bool IsIntact => Break is null;
}

/// <summary>
/// Hashing and verification of the audit trail. The canonical serialisation is a fixed version tag followed by
/// every field of the entry in a fixed order, each written as its UTF-8 byte length, a colon and the bytes (null as
/// <c>-1:</c>), so no choice of field contents can make two different entries serialise alike. Timestamps are
/// written as UTC with microseconds (<see cref="StoredInstant"/>: the form and precision both engines store).
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    private const string FormatTag = "stroma-audit-v1";

    public static string ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = new StringBuilder(256);
        Append(text, FormatTag);
        Append(text, entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Append(text, StoredInstant.ToAuditText(entry.Timestamp));
        Append(text, entry.UserName);
        Append(text, entry.Action);
        Append(text, entry.Entity);
        Append(text, entry.EntityKey);
        Append(text, entry.Field);
        Append(text, entry.OldValue);
        Append(text, entry.NewValue);
        Append(text, entry.Reason);
        Append(text, entry.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Append(StringBuilder text, string? value)
    {
        if (value is null)
        {
            text.Append("-1:");
            return;
        }

        text.Append(Encoding.UTF8.GetByteCount(value)).Append(':').Append(value);
    }

    /// <summary>Links <paramref name="entries"/> after the entry (<paramref name="lastSequence"/>, <paramref name="lastHash"/>).</summary>
    internal static void Link(IEnumerable<AuditEntry> entries, long lastSequence, string lastHash)
    {
        foreach (var entry in entries)
        {
            entry.Sequence = ++lastSequence;
            entry.PreviousHash = lastHash;
            entry.Hash = ComputeHash(entry);
            lastHash = entry.Hash;
        }
    }

    /// <summary>Reads the chain's last link synchronously (for <c>SaveChanges</c>).</summary>
    internal static (long Sequence, string Hash) Head(StromaDbContext db)
    {
        var head = db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefault();
        return head is null ? (0, Genesis) : (head.Sequence, head.Hash);
    }

    /// <summary>Reads the chain's last link (0 and <see cref="Genesis"/> when empty).</summary>
    internal static async Task<(long Sequence, string Hash)> HeadAsync(StromaDbContext db, CancellationToken cancellationToken)
    {
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return head is null ? (0, Genesis) : (head.Sequence, head.Hash);
    }

    /// <summary>
    /// Streams the whole trail in sequence order and recomputes every hash; reports the first entry whose sequence,
    /// previous hash or own hash does not hold.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        long expected = 1, count = 0;
        var previous = Genesis;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable()
                           .WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            count++;
            if (entry.Sequence != expected)
            {
                return new AuditVerification(count, previous, new AuditBreak(entry.Sequence,
                    $"expected sequence {expected} but found {entry.Sequence}: entries are missing"));
            }

            if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
            {
                return new AuditVerification(count, previous, new AuditBreak(entry.Sequence,
                    "its previous-hash does not match the hash of the entry before it"));
            }

            var recomputed = ComputeHash(entry);
            if (!string.Equals(recomputed, entry.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(count, previous, new AuditBreak(entry.Sequence,
                    "its content does not match its hash: the row was altered after it was written"));
            }

            previous = entry.Hash;
            expected++;
        }

        return new AuditVerification(count, previous, null);
    }
}
