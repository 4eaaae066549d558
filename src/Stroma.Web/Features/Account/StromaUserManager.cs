using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Stroma.Data.Model;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Identity's user manager with a lockout that backs off: <see cref="StromaWebHost.MaxFailedSignIns"/> failures in a
/// row lock the account for <see cref="SecurityOptions.LockoutBase"/>, and each further failure (tried once the lock
/// has ended) doubles it, up to <see cref="SecurityOptions.LockoutMaximum"/>. A stranger who guesses a user name can
/// so only delay its owner by minutes at first, while a password guesser slows down exponentially (OWASP ASVS 4.0.3
/// V2.2.1: anti-automation without a trivial lockout denial of service). A successful sign-in resets the count.
/// </summary>
public sealed class StromaUserManager(
    IUserStore<User> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<User> passwordHasher,
    IEnumerable<IUserValidator<User>> userValidators,
    IEnumerable<IPasswordValidator<User>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<User>> logger,
    SecurityOptions security,
    TimeProvider clock)
    : UserManager<User>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    /// <summary>How long the lockout lasts after <paramref name="failures"/> failures in a row (zero below the threshold).</summary>
    public static TimeSpan LockoutAfter(int failures, int threshold, TimeSpan first, TimeSpan maximum)
    {
        if (failures < threshold)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - threshold, 30);
        var ticks = Math.Min((double)first.Ticks * Math.Pow(2, doublings), maximum.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    public override async Task<IdentityResult> AccessFailedAsync(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfDisposed();
        var lockout = (IUserLockoutStore<User>)Store;
        var failures = await lockout.IncrementAccessFailedCountAsync(user, CancellationToken);
        var duration = LockoutAfter(failures, Options.Lockout.MaxFailedAccessAttempts, security.LockoutBase, security.LockoutMaximum);
        if (duration > TimeSpan.Zero)
        {
            // Unlike Identity's default, the count is not reset at lockout: the next failure locks for twice as long.
            await lockout.SetLockoutEndDateAsync(user, clock.GetUtcNow() + duration, CancellationToken);
        }

        return await UpdateUserAsync(user);
    }
}

/// <summary>
/// A password hash of a random secret, verified when the user name is unknown, has no password, is disabled or locked,
/// so that every refused sign-in costs the same PBKDF2 work as a wrong password for a real account and its timing
/// does not tell which user names exist (OWASP ASVS 4.0.3 V2.2.x; OWASP Authentication Cheat Sheet, "Authentication
/// and error messages").
/// </summary>
public sealed class DummyCredential
{
    private static readonly User Nobody = new() { UserName = "nobody" };

    private readonly string hash = new PasswordHasher<User>().HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));

    /// <summary>Spends one password verification (always fails).</summary>
    public void Verify(IPasswordHasher<User> hasher, string password)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        hasher.VerifyHashedPassword(Nobody, hash, password ?? "");
    }
}
