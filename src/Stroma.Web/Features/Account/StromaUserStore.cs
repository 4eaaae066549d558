using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Web.Features.Account;

/// <summary>
/// ASP.NET Core Identity's store over the registry's own <see cref="User"/> table: Identity hashes and checks passwords,
/// counts failures and locks out; every change it makes is saved through <see cref="StromaDbContext"/>, so it is stamped
/// and audited like any record (secrets redacted). Users are disabled, never deleted. The second factor (TOTP,
/// docs/security.md) keeps the authenticator key and the recovery codes (hashed) on the same row.
/// </summary>
public sealed class StromaUserStore(StromaDbContext db) :
    IUserPasswordStore<User>, IUserSecurityStampStore<User>, IUserLockoutStore<User>,
    IUserAuthenticatorKeyStore<User>, IUserTwoFactorStore<User>, IUserTwoFactorRecoveryCodeStore<User>
{
    public async Task<IdentityResult> CreateAsync(User user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Id == Guid.Empty)
        {
            user.Id = Guid.CreateVersion7();
        }

        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(User user, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return IdentityResult.Success;
        }
        catch (DbUpdateConcurrencyException)
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
        }
    }

    public Task<IdentityResult> DeleteAsync(User user, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Users are disabled, never deleted: the audit trail names them.");

    /// <summary>
    /// The user by id: the security-stamp check runs it on every request (docs/security.md), so it is compiled once
    /// (<see cref="CompiledPerModel"/>), tracked as Identity expects of a store.
    /// </summary>
    public Task<User?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        Guid.TryParse(userId, out var id) ? ById(db, id) : Task.FromResult<User?>(null);

    private static readonly Func<StromaDbContext, Guid, Task<User?>> ById = CompiledPerModel.CompileSingle(
        (StromaDbContext db, Guid id) => db.Users.SingleOrDefault(u => u.Id == id));

    public Task<User?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        db.Users.SingleOrDefaultAsync(u => u.NormalizedUserName == normalizedUserName, cancellationToken);

    public Task<string> GetUserIdAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).Id.ToString());

    public Task<string?> GetUserNameAsync(User user, CancellationToken cancellationToken) => Task.FromResult<string?>(Checked(user).UserName);

    public Task SetUserNameAsync(User user, string? userName, CancellationToken cancellationToken)
    {
        Checked(user).UserName = userName ?? "";
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedUserNameAsync(User user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(Checked(user).NormalizedUserName);

    public Task SetNormalizedUserNameAsync(User user, string? normalizedName, CancellationToken cancellationToken)
    {
        Checked(user).NormalizedUserName = normalizedName ?? "";
        return Task.CompletedTask;
    }

    public Task SetPasswordHashAsync(User user, string? passwordHash, CancellationToken cancellationToken)
    {
        Checked(user).PasswordHash = passwordHash;
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).PasswordHash);

    public Task<bool> HasPasswordAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).PasswordHash is not null);

    public Task SetSecurityStampAsync(User user, string stamp, CancellationToken cancellationToken)
    {
        Checked(user).SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).SecurityStamp);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).LockoutEnd);

    public Task SetLockoutEndDateAsync(User user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        Checked(user).LockoutEnd = lockoutEnd;
        return Task.CompletedTask;
    }

    public Task<int> IncrementAccessFailedCountAsync(User user, CancellationToken cancellationToken) =>
        Task.FromResult(++Checked(user).AccessFailedCount);

    public Task ResetAccessFailedCountAsync(User user, CancellationToken cancellationToken)
    {
        Checked(user).AccessFailedCount = 0;
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).AccessFailedCount);

    /// <summary>Lockout applies to every account (Identity asks per user).</summary>
    public Task<bool> GetLockoutEnabledAsync(User user, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task SetLockoutEnabledAsync(User user, bool enabled, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetAuthenticatorKeyAsync(User user, string key, CancellationToken cancellationToken)
    {
        Checked(user).AuthenticatorKey = key;
        user.AuthenticatorLastStep = null;
        return Task.CompletedTask;
    }

    public Task<string?> GetAuthenticatorKeyAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).AuthenticatorKey);

    public Task SetTwoFactorEnabledAsync(User user, bool enabled, CancellationToken cancellationToken)
    {
        Checked(user).TwoFactorEnabled = enabled;
        return Task.CompletedTask;
    }

    public Task<bool> GetTwoFactorEnabledAsync(User user, CancellationToken cancellationToken) => Task.FromResult(Checked(user).TwoFactorEnabled);

    /// <summary>Keeps only a hash of each new code (<see cref="RecoveryCodes"/>); the codes are shown to the user once.</summary>
    public Task ReplaceCodesAsync(User user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recoveryCodes);
        Checked(user).RecoveryCodeHashes = RecoveryCodes.Join(recoveryCodes.Select(c => RecoveryCodes.Hash(user.Id, c)));
        return Task.CompletedTask;
    }

    /// <summary>True, and the code removed, when <paramref name="code"/> is one of the user's unused recovery codes.</summary>
    public Task<bool> RedeemCodeAsync(User user, string code, CancellationToken cancellationToken)
    {
        var hashes = RecoveryCodes.Split(Checked(user).RecoveryCodeHashes);
        var hash = RecoveryCodes.Hash(user.Id, code ?? "");
        var match = hashes.FirstOrDefault(h => RecoveryCodes.Same(h, hash));
        if (match is null)
        {
            return Task.FromResult(false);
        }

        user.RecoveryCodeHashes = RecoveryCodes.Join(hashes.Where(h => !ReferenceEquals(h, match)));
        return Task.FromResult(true);
    }

    public Task<int> CountCodesAsync(User user, CancellationToken cancellationToken) =>
        Task.FromResult(RecoveryCodes.Split(Checked(user).RecoveryCodeHashes).Count);

    public void Dispose()
    {
    }

    private static User Checked(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user;
    }
}

/// <summary>A disabled account (<see cref="User.DisabledAt"/>) cannot sign in: Identity reports "not allowed".</summary>
public sealed class EnabledAccountConfirmation : IUserConfirmation<User>
{
    public Task<bool> IsConfirmedAsync(UserManager<User> manager, User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Task.FromResult(user.DisabledAt is null);
    }
}

/// <summary>
/// How recovery codes are kept: PBKDF2-HMAC-SHA256 of the code (upper case, without spaces or dashes), salted with
/// the user's id, so a copy of the database or a backup does not reveal them (OWASP ASVS 4.0.3 V2.6.2: recovery codes
/// are one-time secrets stored like passwords). One derivation per redemption compares against every stored code.
/// </summary>
public static class RecoveryCodes
{
    /// <summary>PBKDF2 iterations: the codes are random (about 50 bits from Identity), so fewer are needed than for passwords.</summary>
    public const int Iterations = 10_000;

    public static string Hash(Guid userId, string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var normalised = new string([.. code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant)]);
        var hash = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(System.Text.Encoding.UTF8.GetBytes(normalised), userId.ToByteArray(),
            Iterations, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        return Convert.ToHexString(hash);
    }

    public static bool Same(string stored, string candidate) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(stored), System.Text.Encoding.ASCII.GetBytes(candidate));

    internal static List<string> Split(string? stored) => [.. (stored ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)];

    internal static string? Join(IEnumerable<string> hashes) => string.Join(';', hashes) is { Length: > 0 } joined ? joined : null;
}
