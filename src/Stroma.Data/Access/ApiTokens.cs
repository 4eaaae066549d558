using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.Access;

/// <summary>A token just made: <see cref="Token"/> is shown to the user once and kept nowhere.</summary>
public sealed record NewApiToken(Guid Id, string Token, string Prefix, DateTimeOffset ExpiresAt);

/// <summary>A token as its owner sees it in the list (never the secret).</summary>
public sealed record ApiTokenListing(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>The user a presented token stands for, or null when it does not authenticate.</summary>
public sealed record ApiTokenUser(Guid TokenId, string Prefix, User User, bool MadeWithSecondFactor);

/// <summary>
/// Personal API tokens (the one writer of <see cref="ApiToken"/>; docs/security.md, "API tokens"). A token reads
/// <c>stp_</c> + 16 hexadecimal digits (the prefix, which finds it) + <c>_</c> + 43 base64url characters (a 256-bit
/// secret from the operating system's CSPRNG). Only the prefix and the SHA-256 of the secret are stored, so neither
/// the database nor a backup nor the audit trail holds a usable token; a presented secret is compared with the stored
/// hash in constant time. Lifetime: 1 to 365 days (30 unless chosen).
/// </summary>
public static class ApiTokens
{
    public const string PrefixStart = "stp_";

    public const int DefaultDays = 30;

    public const int MaxDays = 365;

    public const int MaxNameLength = 100;

    /// <summary>Last-used time is written at most this often per token.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Makes a token for <paramref name="userId"/> named <paramref name="name"/> that lasts <paramref name="days"/> days; audited (insert).</summary>
    public static async Task<(NewApiToken? Token, IReadOnlyList<Issue> Issues)> CreateAsync(StromaDbContext db, Guid userId, string? name, int? days,
        bool madeWithSecondFactor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var issues = new List<Issue>();
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0 || trimmed.Length > MaxNameLength)
        {
            issues.Add(Issue.Error(IssueCodes.ApiTokenName, "name",
                $"The token's name \"{trimmed}\" must be 1 to {MaxNameLength} characters (say what the script is, e.g. \"nightly lab pull\")."));
        }

        var lifetime = days ?? DefaultDays;
        if (lifetime is < 1 or > MaxDays)
        {
            issues.Add(Issue.Error(IssueCodes.ApiTokenLifetime, "days", $"A token lasts 1 to {MaxDays} days, not {lifetime}."));
        }

        if (issues.Count > 0)
        {
            return (null, issues);
        }

        var now = db.Clock.GetUtcNow();
        var prefix = PrefixStart + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Name = trimmed,
            Prefix = prefix,
            SecretHash = Hash(secret),
            ExpiresAt = now.AddDays(lifetime),
            MadeWithSecondFactor = madeWithSecondFactor,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.Entry(token).State = EntityState.Detached;
        return (new NewApiToken(token.Id, prefix + "_" + secret, prefix, token.ExpiresAt), []);
    }

    /// <summary>The user's tokens, newest first (revoked and expired ones too, so the list tells what happened).</summary>
    public static async Task<IReadOnlyList<ApiTokenListing>> ListAsync(StromaDbContext db, Guid userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .Select(t => new ApiTokenListing(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderByDescending(t => t.CreatedAt)];
    }

    /// <summary>Revokes one of the user's own tokens (audited); false when the user has no such live token.</summary>
    public static async Task<bool> RevokeAsync(StromaDbContext db, Guid userId, Guid tokenId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (token is null || token.RevokedAt is not null)
        {
            return false;
        }

        token.RevokedAt = db.Clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The enabled user a presented token stands for, when it is well formed, known, its secret matches, and it is
    /// neither revoked nor expired; else null (one answer for every refusal). Moves the token's last-used time when
    /// it is a minute or more old, without an audit entry.
    /// </summary>
    public static async Task<ApiTokenUser?> AuthenticateAsync(StromaDbContext db, string presented, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!TrySplit(presented, out var prefix, out var secret))
        {
            return null;
        }

        var row = await db.ApiTokens.AsNoTracking().Where(t => t.Prefix == prefix)
            .Select(t => new { t.Id, t.SecretHash, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.MadeWithSecondFactor, t.User })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var now = db.Clock.GetUtcNow();
        var expected = row?.SecretHash ?? new string('0', 64);
        var matches = CryptographicOperations.FixedTimeEquals(Convert.FromHexString(expected), SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
        if (row is null || !matches || row.RevokedAt is not null || row.ExpiresAt <= now || row.User is not { DisabledAt: null } user)
        {
            return null;
        }

        if (row.LastUsedAt is not { } used || now - used >= LastUsedResolution)
        {
            await db.ApiTokens.Where(t => t.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken).ConfigureAwait(false);
        }

        return new ApiTokenUser(row.Id, prefix, user, row.MadeWithSecondFactor);
    }

    /// <summary>Splits <c>stp_&lt;16 hex&gt;_&lt;43 base64url&gt;</c>; false for anything else.</summary>
    private static bool TrySplit(string? presented, out string prefix, out string secret)
    {
        prefix = secret = "";
        if (presented is null || presented.Length != PrefixStart.Length + 16 + 1 + 43 || !presented.StartsWith(PrefixStart, StringComparison.Ordinal)
            || presented[PrefixStart.Length + 16] != '_')
        {
            return false;
        }

        prefix = presented[..(PrefixStart.Length + 16)];
        secret = presented[(PrefixStart.Length + 17)..];
        return prefix[PrefixStart.Length..].All(char.IsAsciiHexDigitLower)
            && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
