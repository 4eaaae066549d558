using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Web.Hosting;

/// <summary>
/// The first start of a registry without accounts. There is no default password: either the administrator comes from
/// the command line (<c>--admin NAME</c> with the password in the <c>STROMA_ADMIN_PASSWORD</c> environment variable),
/// or the sign-in page leads to <c>/setup</c>, which creates the administrator and needs the one-time setup code printed on
/// the server's console (so only whoever started the server can claim it).
/// </summary>
public sealed class FirstRun
{
    private volatile bool hasAccounts;

    /// <summary>The one-time code /setup asks for (printed on the console at start; tests read it here).</summary>
    public string SetupCode { get; } = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 12);

    /// <summary>True once an account that can sign in exists (then /setup is closed for good).</summary>
    public bool HasAccounts => hasAccounts;

    public void AccountsExist() => hasAccounts = true;

    public bool CodeMatches(string? code) =>
        code is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant()), System.Text.Encoding.UTF8.GetBytes(SetupCode));

    /// <summary>True when the registry has an account with a password (the demo's generated users have none).</summary>
    public static Task<bool> AnyAccountAsync(StromaDbContext db, CancellationToken cancellationToken) =>
        db.Users.AnyAsync(u => u.PasswordHash != null, cancellationToken);

    /// <summary>Creates an administrator (<see cref="User.IsAdministrator"/>) with Identity's password rules.</summary>
    public static async Task<IdentityResult> CreateAdministratorAsync(UserManager<User> users, string userName, string displayName, string password)
    {
        ArgumentNullException.ThrowIfNull(users);
        var user = new User { UserName = userName, DisplayName = displayName, IsAdministrator = true };
        return await users.CreateAsync(user, password);
    }
}

/// <summary>
/// Before the server listens: applies migrations (creating the SQLite file on first use), then makes sure an
/// administrator can exist (from <c>--admin</c>, or by printing the setup code).
/// </summary>
internal sealed partial class FirstRunStartup(FirstRun firstRun, DataConfiguration database, IServiceProvider services,
    IConfiguration configuration, ILogger<FirstRunStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StromaDatabase.MigrateAsync(database, cancellationToken);
        }
        catch (MigrationLockException ex)
        {
            // A SQLite migration lock left behind: say what it is and the fix instead of waiting for ever; the host stops.
            LogMigrationLock(logger, ex.Issue.Code, ex.Issue.Message);
            throw;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        if (await FirstRun.AnyAccountAsync(db, cancellationToken))
        {
            firstRun.AccountsExist();
            return;
        }

        if (configuration["admin"] is { Length: > 0 } admin)
        {
            var password = Environment.GetEnvironmentVariable("STROMA_ADMIN_PASSWORD");
            if (string.IsNullOrEmpty(password))
            {
                throw new ArgumentException("--admin needs the administrator's password in the STROMA_ADMIN_PASSWORD environment variable.");
            }

            var result = await FirstRun.CreateAdministratorAsync(scope.ServiceProvider.GetRequiredService<UserManager<User>>(), admin, admin, password);
            if (!result.Succeeded)
            {
                throw new ArgumentException($"--admin {admin}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
            }

            firstRun.AccountsExist();
            LogAdmin(logger, admin);
            return;
        }

        LogSetup(logger);
        // Printed once, to the console only (not the log): whoever started the server creates the administrator.
        Console.WriteLine($"Stroma: no account exists yet. Open /setup and enter the setup code {firstRun.SetupCode} to create the administrator.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Administrator {Name} created from the command line")]
    private static partial void LogAdmin(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Cannot start: {Code}: {Detail}")]
    private static partial void LogMigrationLock(ILogger logger, string code, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No account exists: every page leads to /setup (setup code printed on the console)")]
    private static partial void LogSetup(ILogger logger);
}

/// <summary>
/// While no account exists, the sign-in page (where every protected page sends an anonymous visitor) leads to /setup
/// instead. The calculators, which need no account, stay open.
/// </summary>
public sealed class FirstRunMiddleware(RequestDelegate next, FirstRun firstRun)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!firstRun.HasAccounts && context.Request.Path.StartsWithSegments("/account/sign-in", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect("/setup");
            return Task.CompletedTask;
        }

        return next(context);
    }
}
