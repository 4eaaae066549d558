using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Hosting;

namespace Stroma.Web.Tests;

/// <summary>
/// The app in memory, as <c>dotnet run</c> would start it (Production settings, the real instrument catalog), on its
/// own fresh SQLite registry in a temporary file (migrated at start; no account until a test creates one).
/// </summary>
public sealed class WebFactory : WebApplicationFactory<Program>
{
    public const string TestPassword = "Correct-Horse-7";

    // Each app started watches its settings files with one inotify instance; hundreds of apps over a run (and other
    // processes of the same user) exhaust Linux's default of 128 and every later start fails. The polling watcher
    // needs no inotify instance; the tests never change a settings file while an app runs.
    static WebFactory() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");

    private readonly string databaseFile = Path.Combine(Path.GetTempPath(), $"stroma-web-test-{Guid.NewGuid():N}.db");

    /// <summary>Another registry (a PostgreSQL connection string the test created), or null for the SQLite file.</summary>
    public string? Database { get; init; }

    /// <summary>The registry's SQLite file (for a test that also runs the CLI on it).</summary>
    public string DatabaseFile => databaseFile;

    /// <summary>Extra settings (e.g. <c>lab-ranges</c>), applied when the app starts: set them before the first request.</summary>
    public Dictionary<string, string> Settings { get; } = [];

    /// <summary>
    /// Keep the app's real rate limits (docs/security.md). Otherwise tests that post every form many times get limits
    /// far above what they send; the limiter itself still runs.
    /// </summary>
    public bool RealRateLimits { get; init; }

    /// <summary>
    /// Keep the app's default multi-factor requirement (<c>Security:RequireMfaForRoles</c>: investigators and
    /// administrators). Otherwise it is off, so tests of other features sign in with a password alone.
    /// </summary>
    public bool RequireMfa { get; init; }

    /// <summary>Replaces app services after the app registered its own (e.g. a counting password hasher).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production").UseSetting("database", Database ?? databaseFile);
        if (!RealRateLimits)
        {
            foreach (var limit in new[] { "SignInPerAddress", "SignInPerAccount", "PostsPerClient" })
            {
                builder.UseSetting($"Security:RateLimits:{limit}", "1000000");
            }
        }

        if (!RequireMfa)
        {
            builder.UseSetting("Security:RequireMfaForRoles", "");
        }

        // The console gets warnings and errors only, whatever a test sets for its own logger: the test process's console
        // is what CI prints when a test fails, and a test logging ASP.NET Core at Trace once buried the failure in it.
        builder.UseSetting("Logging:Console:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    /// <summary>A scope with the app's services, to arrange data the way the app itself stores it.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    /// <summary>Creates an account with <see cref="TestPassword"/> and the given roles (site code, role) through Identity.</summary>
    public async Task<User> AddUserAsync(string userName, bool administrator = false, params (string Site, SiteRole Role)[] roles)
    {
        await using var scope = Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = new User { UserName = userName, DisplayName = userName, IsAdministrator = administrator };
        var result = await users.CreateAsync(user, TestPassword);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        foreach (var (site, role) in roles)
        {
            var siteId = await db.Sites.Where(s => s.Code == site).Select(s => s.Id).SingleAsync();
            db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), UserId = user.Id, SiteId = siteId, Role = role, StartDate = new DateOnly(2000, 1, 1) });
        }

        await db.SaveChangesAsync();
        Services.GetRequiredService<FirstRun>().AccountsExist();
        return user;
    }

    /// <summary>A client signed in as <paramref name="userName"/> (with <see cref="TestPassword"/>).</summary>
    public async Task<HttpClient> SignedInAsync(string userName, string? language = null)
    {
        var client = Client(language);
        using var response = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", userName), ("Password", TestPassword));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {userName} failed: {(int)response.StatusCode}.");
        }

        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var path in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
        {
            File.Delete(path);
        }
    }

    public HttpClient Client(string? language = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (language is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        }

        return client;
    }
}

/// <summary>Small helpers for reading pages and posting forms the way a browser does.</summary>
public static partial class Html
{
    /// <summary>The antiforgery token of the first form on the page.</summary>
    public static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page.");
    }

    /// <summary>GETs the page, then POSTs the fields with its antiforgery token (the client keeps the cookie).</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, params (string Key, string Value)[] fields) =>
        PostFormAsync(client, path, path, fields);

    /// <summary>GETs <paramref name="pagePath"/>, then POSTs the fields with its token to <paramref name="postPath"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string postPath, params (string Key, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync(new Uri(pagePath, UriKind.Relative));
        var body = fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).Append(new("__RequestVerificationToken", Token(page)));
        using var content = new FormUrlEncodedContent(body);
        return await client.PostAsync(new Uri(postPath, UriKind.Relative), content);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
