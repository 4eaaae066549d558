using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Stroma.Data.Audit;

/// <summary>
/// The secret that signs anchors: at least 32 bytes, from a file or an environment variable handed to the command
/// or the web app, never stored in the database (whoever can write the database must not be able to sign a new
/// anchor for a rewritten chain).
/// </summary>
public sealed class AnchorKey
{
    /// <summary>Shortest accepted key, in bytes (HMAC-SHA256's output length, RFC 2104 section 3).</summary>
    public const int MinimumBytes = 32;

    private readonly byte[] secret;

    private AnchorKey(byte[] secret) => this.secret = secret;

    /// <summary>A key from its bytes, or null when shorter than <see cref="MinimumBytes"/>.</summary>
    public static AnchorKey? FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length >= MinimumBytes ? new AnchorKey(bytes.ToArray()) : null;

    /// <summary>A key from text (a file's or a variable's content, surrounding white space removed), as UTF-8.</summary>
    public static AnchorKey? FromText(string? text) => text is null ? null : FromBytes(Encoding.UTF8.GetBytes(text.Trim()));

    internal string Sign(string message) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(message)));
}

/// <summary>How a chain stands against an anchor.</summary>
public enum AnchorStatus
{
    /// <summary>The chain is intact and holds the anchored entry with the anchored hash: it extends the anchor.</summary>
    Extended,

    /// <summary>The anchor's signature does not verify with the key given (a forged or edited anchor, or another key).</summary>
    BadSignature,

    /// <summary>The chain has fewer entries than the anchor: its tail was removed.</summary>
    Truncated,

    /// <summary>The anchored entry's hash differs: the chain was rewritten from that entry or before.</summary>
    Rewritten,

    /// <summary>The chain itself is broken (see <see cref="AuditChain.VerifyAsync"/>).</summary>
    Broken,
}

/// <summary>The outcome of <see cref="AuditAnchor.CheckAsync"/>.</summary>
public sealed record AnchorCheck(AnchorStatus Status, string Detail);

/// <summary>
/// A signed record of the audit chain's head: its entry count and the last entry's hash, the time of signing and an
/// HMAC-SHA256 (RFC 2104) over the three under a key kept outside the database. Kept outside the database too, an
/// anchor lets <c>audit verify --anchor</c> detect what the chain alone cannot: a removed tail, or a tail rewritten
/// with the public hash format (see docs/operations.md, "Anchors").
/// </summary>
/// <param name="Format">Always <see cref="FormatTag"/>.</param>
/// <param name="Entries">Entries in the chain when anchored.</param>
/// <param name="Head">The hash of entry <paramref name="Entries"/> (<see cref="AuditChain.Genesis"/> for an empty chain).</param>
/// <param name="SignedAt">When the anchor was written (UTC).</param>
/// <param name="Signature">Lowercase hex HMAC-SHA256 of <see cref="Message"/>.</param>
public sealed record AuditAnchor(string Format, long Entries, string Head, DateTimeOffset SignedAt, string Signature)
{
    public const string FormatTag = "stroma-anchor-v1";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The signed text: format, count, head and time, separated by new lines.</summary>
    public string Message => string.Join('\n', Format, Entries.ToString(CultureInfo.InvariantCulture), Head,
        SignedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));

    /// <summary>Signs the head of a verified chain.</summary>
    public static AuditAnchor Sign(AuditVerification chain, DateTimeOffset now, AnchorKey key)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(key);
        if (!chain.IsIntact)
        {
            throw new InvalidOperationException("A broken chain cannot be anchored.");
        }

        var unsigned = new AuditAnchor(FormatTag, chain.Entries, chain.HeadHash, now.ToUniversalTime(), "");
        return unsigned with { Signature = key.Sign(unsigned.Message) };
    }

    /// <summary>Verifies the chain and signs its head (null with the break when the chain is broken).</summary>
    public static async Task<(AuditAnchor? Anchor, AuditVerification Chain)> CreateAsync(StromaDbContext db, AnchorKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var chain = await AuditChain.VerifyAsync(db, cancellationToken).ConfigureAwait(false);
        return (chain.IsIntact ? Sign(chain, db.Clock.GetUtcNow(), key) : null, chain);
    }

    public bool IsSignedBy(AnchorKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Format == FormatTag && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(key.Sign(Message)), Encoding.ASCII.GetBytes(Signature ?? ""));
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Writes the anchor to <paramref name="path"/>: into a new file named after its time and entry count when the
    /// path is an existing directory (so earlier anchors are kept), else to that file (through a temporary file and
    /// a rename, so a reader never sees half an anchor). Returns the file written.
    /// </summary>
    public async Task<string> SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = Directory.Exists(path)
            ? Path.Combine(path, $"anchor-{SignedAt.ToUniversalTime():yyyyMMdd'T'HHmmss'Z'}-{Entries.ToString(CultureInfo.InvariantCulture)}.json")
            : path;
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, ToJson() + "\n", cancellationToken).ConfigureAwait(false);
        File.Move(temporary, file, overwrite: true);
        return file;
    }

    /// <summary>Reads an anchor file's text; null with a reason when it is not one.</summary>
    public static AuditAnchor? Parse(string text, out string? problem)
    {
        try
        {
            var anchor = JsonSerializer.Deserialize<AuditAnchor>(text, Json);
            problem = anchor switch
            {
                null => "the file is empty",
                { Format: not FormatTag } => $"its format is \"{anchor.Format}\", not {FormatTag}",
                { Entries: < 0 } => "its entry count is negative",
                { Head.Length: not 64 } => "its head is not a 64-digit hash",
                { Signature: null or "" } => "it has no signature",
                _ => null,
            };
            return problem is null ? anchor : null;
        }
        catch (JsonException e)
        {
            problem = $"it is not an anchor (JSON: {e.Message})";
            return null;
        }
    }

    /// <summary>
    /// Whether the chain in <paramref name="db"/> still extends this anchor: the signature verifies, the whole chain
    /// verifies, and its entry number <see cref="Entries"/> exists with hash <see cref="Head"/> (entries after it may
    /// have been added since).
    /// </summary>
    public async Task<AnchorCheck> CheckAsync(StromaDbContext db, AnchorKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!IsSignedBy(key))
        {
            return new AnchorCheck(AnchorStatus.BadSignature, "the anchor's signature does not verify with this key: the anchor was altered, or signed with another key");
        }

        var chain = await AuditChain.VerifyAsync(db, cancellationToken).ConfigureAwait(false);
        if (chain.Break is { } broken)
        {
            return new AnchorCheck(AnchorStatus.Broken, $"the chain is broken at entry {broken.Sequence}: {broken.Problem}");
        }

        if (chain.Entries < Entries)
        {
            return new AnchorCheck(AnchorStatus.Truncated,
                $"the chain has {chain.Entries} entries but the anchor of {SignedAt:u} saw {Entries}: its newest entries were removed");
        }

        var hash = Entries == 0 ? AuditChain.Genesis
            : await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == Entries).Select(e => e.Hash).SingleAsync(cancellationToken).ConfigureAwait(false);
        return string.Equals(hash, Head, StringComparison.Ordinal)
            ? new AnchorCheck(AnchorStatus.Extended, $"the chain extends the anchor of {SignedAt:u} ({Entries} entries, now {chain.Entries})")
            : new AnchorCheck(AnchorStatus.Rewritten,
                $"entry {Entries} has hash {hash[..16]}… but the anchor of {SignedAt:u} recorded {Head[..16]}…: the chain was rewritten up to that entry");
    }
}
