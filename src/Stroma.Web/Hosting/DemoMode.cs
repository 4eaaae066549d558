using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Model;

namespace Stroma.Web.Hosting;

/// <summary>
/// <c>--demo</c>: a fresh SQLite registry loaded with <see cref="DemoRegistry"/> (fictional and published,
/// de-identified data only) in a temporary file, one account with a random one-time password printed once at start
/// (an administrator and investigator at every demo site), and loopback addresses only.
/// </summary>
public sealed class DemoMode
{
    public const string UserName = "demo";

    private DemoMode(DataConfiguration database, string password)
    {
        Database = database;
        Password = password;
    }

    public DataConfiguration Database { get; }

    /// <summary>The one-time password (printed once at start; tests read it here).</summary>
    internal string Password { get; }

    public static DemoMode Create()
    {
        var file = Path.Combine(Path.GetTempPath(), $"stroma-demo-{Guid.NewGuid():N}.db");
        string password;
        do
        {
            password = RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
        }
        while (!password.Any(char.IsDigit) || !password.Any(char.IsLower) || !password.Any(char.IsUpper));

        return new DemoMode(DataConfiguration.Parse(file), password);
    }

    /// <summary>Refuses any address that is not loopback: the demo account must never be reachable from the network.</summary>
    public static void RequireLoopback(string? urls)
    {
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = new Uri(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal)).Host;
            var loopback = host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
            if (!loopback)
            {
                throw new ArgumentException($"--demo serves on loopback only; \"{url}\" is not a loopback address.");
            }
        }
    }
}

/// <summary>Builds the demo registry before the server starts listening, then prints the one-time credentials.</summary>
internal sealed partial class DemoStartup(DemoMode demo, FirstRun firstRun, IServiceProvider services, SecurityOptions security, ILogger<DemoStartup> logger,
    IHostApplicationLifetime lifetime, Microsoft.AspNetCore.Hosting.Server.IServer server) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StromaDatabase.MigrateAsync(demo.Database, cancellationToken);
        await using (var db = StromaDatabase.CreateContext(demo.Database, "demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(), cancellationToken);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = new User { UserName = DemoMode.UserName, DisplayName = "Demo", IsAdministrator = true };
            var created = await users.CreateAsync(user, demo.Password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"The demo account could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            }

            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var site in await db.Sites.Select(s => s.Id).ToListAsync(cancellationToken))
            {
                db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), UserId = user.Id, SiteId = site, Role = SiteRole.Investigator, StartDate = new DateOnly(2000, 1, 1) });
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        firstRun.AccountsExist();

        LogDemo(logger, demo.Database.Describe());
        // Printed once, to the console only (not the log): whoever started the server signs in with it.
        Console.WriteLine($"Stroma demo: sign in as \"{DemoMode.UserName}\" with the one-time password {demo.Password}");
        // Once the server listens, say where: a newcomer holding the credentials should not have to guess the address.
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.WriteLine($"Stroma demo: open {address.TrimEnd('/')}/account/sign-in to sign in");
            }
        });
        if (!security.MfaRoles.Administrators && security.MfaRoles.SiteRoles.Count == 0)
        {
            Console.WriteLine("Stroma demo: two-step sign-in (TOTP) is not required here (Security:RequireMfaForRoles is empty in the demo); "
                + "a real registry requires it for investigators and administrators. Try it at /account/two-factor.");
        }
    }

    /// <summary>The demo registry lives as long as the process: its temporary file is removed on shutdown.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(demo.Database.ConnectionString).DataSource;
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo mode: fictional registry in {Database}; loopback only; one-time credentials printed on the console")]
    private static partial void LogDemo(ILogger logger, string database);
}
