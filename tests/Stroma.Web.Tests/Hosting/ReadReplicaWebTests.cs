// Source: issue #22 "Read replicas": the report, exports, the patient list, the timeline and the FHIR reads go to the
// replica; every write and every read that must see its own write goes to the primary; stopping the replica degrades
// to the primary with a logged warning. docs/operations.md "Read replicas". Runs against the primary and the streaming
// replica .ci/run starts (STROMA_TEST_POSTGRES and STROMA_TEST_POSTGRES_REPLICA).
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Hosting;

public sealed class ReadReplicaWebTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Timeline_ReplayPaused_ReadsTheReplica_YetAlwaysShowsTheBrowsersOwnWrite()
    {
        await using var pair = await ReplicaPair.CreateAsync();
        var log = new WarningLog();
        await using var factory = new WebFactory
        {
            Database = pair.Primary.Configuration.ConnectionString,
            TestServices = services => services.AddSingleton<ILoggerProvider>(log),
        };
        factory.Settings["read-database"] = pair.ReplicaConfiguration.ConnectionString;
        var patientId = await SeedAsync(factory);
        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        await factory.AddUserAsync("other", false, ("A", SiteRole.Coordinator));
        using var coord = await factory.SignedInAsync("coord");
        using var other = await factory.SignedInAsync("other");
        var timeline = new Uri($"/patients/{patientId}", UriKind.Relative);
        await pair.WaitForReplayAsync();

        await pair.PauseReplayAsync();
        try
        {
            // Another user's save is on the primary only: this browser, which wrote nothing since, reads the replica.
            await SaveAdverseEventAsync(other, patientId, "Nausea");
            var page = await PageAsync(coord, timeline, log);
            page.ShouldNotContain("Nausea", customMessage: "the timeline should have been read from the paused replica");

            // This browser's own save: its next read needs a newer head than the replica has, so it is served by the primary.
            await SaveAdverseEventAsync(coord, patientId, "Headache");
            page = await PageAsync(coord, timeline, log);
            page.ShouldContain("Headache");
            page.ShouldContain("Nausea");
            foreach (var path in new[] { "/patients", "/reports", $"/fhir/Patient/{patientId}" })
            {
                using var response = await coord.GetAsync(new Uri(path, UriKind.Relative), Ct);
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {string.Join("\n", log.Warnings)}");
            }
        }
        finally
        {
            await pair.ResumeReplayAsync();
        }

        await pair.WaitForReplayAsync();
        (await PageAsync(other, timeline, log)).ShouldContain("Headache");
    }

    [Fact]
    public async Task Pages_ReplicaUnreachable_AreServedFromThePrimary_WithAWarningInTheLog()
    {
        await using var pair = await ReplicaPair.CreateAsync();
        var log = new WarningLog();
        await using var factory = new WebFactory
        {
            Database = pair.Primary.Configuration.ConnectionString,
            TestServices = services => services.AddSingleton<ILoggerProvider>(log),
        };
        // A replica that does not answer: a port nothing listens on.
        factory.Settings["read-database"] = new NpgsqlConnectionStringBuilder(pair.ReplicaConfiguration.ConnectionString) { Port = ClosedPort(), Timeout = 2 }.ConnectionString;
        var patientId = await SeedAsync(factory);
        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        using var coord = await factory.SignedInAsync("coord");
        await SaveAdverseEventAsync(coord, patientId, "Headache");

        (await PageAsync(coord, new Uri($"/patients/{patientId}", UriKind.Relative), log)).ShouldContain("Headache");
        foreach (var path in new[] { "/patients", "/reports", "/exports?handler=Download&site=A", $"/fhir/Patient/{patientId}" })
        {
            using var response = await coord.GetAsync(new Uri(path, UriKind.Relative), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }

        log.Warnings.Count(w => w.Contains("reading from the primary until it answers again", StringComparison.Ordinal)).ShouldBe(1, string.Join("\n", log.Warnings));
    }

    [Fact]
    public async Task Timeline_OneProcessServesSqliteThenPostgres_BothAnswer()
    {
        // The timeline's compiled queries were bound to the first model they met: after a SQLite registry's timeline, a
        // PostgreSQL one (a primary or a replica) in the same process answered 500. Each model now has its own.
        await using var pair = await ReplicaPair.CreateAsync();
        foreach (var database in new[] { null, pair.Primary.Configuration.ConnectionString })
        {
            await using var factory = new WebFactory { Database = database };
            var patientId = await SeedAsync(factory);
            await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
            using var coord = await factory.SignedInAsync("coord");
            using var response = await coord.GetAsync(new Uri($"/patients/{patientId}", UriKind.Relative), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, database ?? "SQLite");
        }
    }

    [Fact]
    public void Start_ReplicaOfASqliteRegistry_RefusedWithTheReason()
    {
        using var factory = new WebFactory();
        factory.Settings["read-database"] = "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres";
        var refused = Should.Throw<ArgumentException>(() => factory.CreateClient());
        refused.Message.ShouldContain("SQLite has no replicas");
    }

    /// <summary>The page's text; on any other status than 200, fails with what the app logged (warnings and errors).</summary>
    private static async Task<string> PageAsync(HttpClient client, Uri path, WarningLog log)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {string.Join("\n", log.Warnings)}");
        return body;
    }

    private static async Task<Guid> SeedAsync(WebFactory factory)
    {
        var patientId = Guid.CreateVersion7();
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var siteId = Guid.CreateVersion7();
        db.Sites.Add(new Site { Id = siteId, Code = "A", Name = "Site A" });
        db.Patients.Add(new Patient { Id = patientId, SiteId = siteId, StudyId = "A-001", Sex = Sex.Female, BirthYear = 1970 });
        await db.SaveChangesAsync(Ct);
        return patientId;
    }

    private static async Task SaveAdverseEventAsync(HttpClient client, Guid patientId, string term)
    {
        var path = new Uri($"/patients/{patientId}/adverse-event", UriKind.Relative);
        var token = Html.Token(await client.GetStringAsync(path, Ct));
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Term"] = term,
            ["Onset"] = "2024-05-01",
            ["LateReason"] = "from the paper file",
            ["Grade"] = "1",
            ["Relatedness"] = "NotRelated",
            ["Outcome"] = "Recovered",
            ["__RequestVerificationToken"] = token,
        });
        using var response = await client.PostAsync(path, form, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Ct));
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class WarningLog : ILoggerProvider, ILogger
    {
        private readonly List<string> warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get
            {
                lock (warnings)
                {
                    return [.. warnings];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                lock (warnings)
                {
                    warnings.Add(formatter(state, exception) + (exception is null ? "" : Environment.NewLine + exception));
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
