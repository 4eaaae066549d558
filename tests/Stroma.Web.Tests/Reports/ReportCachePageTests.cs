// Source: issue #21 "Load and faults" and docs/web.md "Report cache": the study report page through the app as it runs
// (a demo registry of 8 patients over sites S1–S4), on SQLite and, when STROMA_TEST_POSTGRES is set, PostgreSQL:
// identical concurrent requests share one build; a write (a record saved, a bulk lab import) is in the next report;
// users with different site sets get separate builds, each of its own sites only; a cancelled request does not cancel
// the build another request waits for.
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using Stroma.Web.Features.Reports;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Reports;

public sealed partial class ReportCachePageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Uri U(string path) => new(path, UriKind.Relative);

    public static TheoryData<string> Engines
    {
        get
        {
            var data = new TheoryData<string> { "sqlite" };
            if (Environment.GetEnvironmentVariable("STROMA_TEST_POSTGRES") is { Length: > 0 })
            {
                data.Add("postgres");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Get_EightConcurrentIdenticalRequests_OneBuild(string engine)
    {
        await using var app = await DemoApp.CreateAsync(engine);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 8; i++)
        {
            clients.Add(await app.Factory.SignedInAsync("stat1"));
        }

        var before = app.Cache.Builds;
        var pages = await Task.WhenAll(clients.Select(c => c.GetStringAsync(U("/reports"), Ct)));
        var again = await clients[0].GetStringAsync(U("/reports"), Ct);

        (app.Cache.Builds - before).ShouldBe(1);
        pages.ShouldAllBe(p => p.Contains("Sites: S1.", StringComparison.Ordinal) && p.Contains("data-chart=\"km_overall_survival\"", StringComparison.Ordinal));
        Registered(again).ShouldBe(Registered(pages[0]));
        (app.Cache.Builds - before).ShouldBe(1, "an unchanged registry is not rebuilt");
        clients.ForEach(c => c.Dispose());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Get_AfterASaveAndALabImport_RebuiltWithTheNewData(string engine)
    {
        await using var app = await DemoApp.CreateAsync(engine);
        using var client = await app.Factory.SignedInAsync("stat1");
        var first = Registered(await client.GetStringAsync(U("/reports?site=S1"), Ct));
        var builds = app.Cache.Builds;

        // A save (the way every page saves: the app's context, audited in the same transaction), then the report.
        string studyId;
        await using (var scope = app.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var site = await db.Sites.SingleAsync(s => s.Code == "S1", Ct);
            db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "S1-NEW", Sex = Sex.Female, BirthYear = 1985 });
            await db.SaveChangesAsync(Ct);
            studyId = await db.Patients.Where(p => p.Site!.Code == "S1" && p.StudyId != "S1-NEW").Select(p => p.StudyId).FirstAsync(Ct);
        }

        var afterSave = Registered(await client.GetStringAsync(U("/reports?site=S1"), Ct));
        (app.Cache.Builds - builds).ShouldBe(1);

        // A bulk lab import writes its rows with one batch entry on the audit trail: that moves the marker too.
        var marker = await MarkerAsync(app);
        await using (var scope = app.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var csv = $"site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\nS1,{studyId},,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00Z\n";
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
            using var rejects = new StringWriter();
            (await global::Stroma.Data.Labs.LabImport.RunAsync(db, input, "labs.csv", rejects, ReportedUnitNormaliser.Instance, false, null, Ct)).Inserted.ShouldBe(1, rejects.ToString());
        }

        (await MarkerAsync(app)).Sequence.ShouldBeGreaterThan(marker.Sequence);
        await client.GetStringAsync(U("/reports?site=S1"), Ct);

        afterSave.ShouldBe(first + 1);
        (app.Cache.Builds - builds).ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Get_TwoUsersWithDifferentSiteSets_TwoBuildsEachSeesOnlyItsSites(string engine)
    {
        await using var app = await DemoApp.CreateAsync(engine);
        using var one = await app.Factory.SignedInAsync("stat1");
        using var two = await app.Factory.SignedInAsync("stat2");
        var before = app.Cache.Builds;

        var pages = await Task.WhenAll(one.GetStringAsync(U("/reports"), Ct), two.GetStringAsync(U("/reports"), Ct));

        (app.Cache.Builds - before).ShouldBe(2);
        pages[0].ShouldContain("Sites: S1.");
        pages[1].ShouldContain("Sites: S2.");
        Registered(pages[0]).ShouldBe(await CountAsync(app, "S1"));
        Registered(pages[1]).ShouldBe(await CountAsync(app, "S2"));
        using var refused = await two.GetAsync(U("/reports?site=S1"), Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Get_OneWaitingRequestCancelled_TheOtherGetsTheSharedBuild(string engine)
    {
        var gated = new Gate();
        await using var app = await DemoApp.CreateAsync(engine, services => services.AddSingleton<IReportSource>(sp =>
            new GatedSource(new StudyReportSource(sp.GetRequiredService<DataConfiguration>(), sp.GetRequiredService<TimeProvider>()), gated)));
        using var leaving = await app.Factory.SignedInAsync("stat1");
        using var staying = await app.Factory.SignedInAsync("stat1");
        var before = app.Cache.Builds;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var left = leaving.GetAsync(U("/reports"), cancel.Token);
        await gated.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var stayed = staying.GetAsync(U("/reports"), Ct);
        await UntilAsync(() => app.Cache.Waiting == 2);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => left);
        await UntilAsync(() => app.Cache.Waiting == 1);
        gated.Open.TrySetResult();
        using var response = await stayed;

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("Sites: S1.");
        (app.Cache.Builds - before).ShouldBe(1);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100, Ct);
        }

        condition().ShouldBeTrue();
    }

    private static int Registered(string html) => int.Parse(RegisteredPattern().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<RegistryMarker> MarkerAsync(DemoApp app)
    {
        await using var scope = app.Factory.Scope();
        return await RegistryMarker.ReadAsync(scope.ServiceProvider.GetRequiredService<StromaDbContext>(), Ct);
    }

    private static async Task<int> CountAsync(DemoApp app, string site)
    {
        await using var scope = app.Factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Patients.CountAsync(p => p.Site!.Code == site, Ct);
    }

    [GeneratedRegex("id=\"report-flow\">\\s*<tbody>\\s*<tr><th scope=\"row\">[^<]*</th><td>(\\d+)</td>")]
    private static partial Regex RegisteredPattern();

    private sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The real source, held at its start until the test opens the gate.</summary>
    private sealed class GatedSource(IReportSource inner, Gate gate) : IReportSource
    {
        public async Task<ReportBuild> BuildAsync(ReportScope scope, Action<RegistryMarker> reading, CancellationToken cancellationToken)
        {
            gate.Entered.TrySetResult();
            await gate.Open.Task.WaitAsync(cancellationToken);
            return await inner.BuildAsync(scope, reading, cancellationToken);
        }
    }

    /// <summary>The app on its own registry (SQLite file or a fresh PostgreSQL database): a demo of 8 patients, a statistician at S1 and one at S2.</summary>
    private sealed class DemoApp : IAsyncDisposable
    {
        private string? postgres;
        private string? admin;

        public WebFactory Factory { get; private set; } = null!;

        public ReportCache Cache => Factory.Services.GetRequiredService<ReportCache>();

        public static async Task<DemoApp> CreateAsync(string engine, Action<IServiceCollection>? services = null)
        {
            var app = new DemoApp();
            if (engine == "postgres")
            {
                app.admin = Environment.GetEnvironmentVariable("STROMA_TEST_POSTGRES")!;
                app.postgres = $"stroma_web_{Guid.NewGuid():N}";
                await AdminAsync(app.admin, $"CREATE DATABASE \"{app.postgres}\"");
            }

            app.Factory = new WebFactory
            {
                Database = app.postgres is null ? null : new NpgsqlConnectionStringBuilder(app.admin) { Database = app.postgres }.ToString(),
                TestServices = services,
            };
            await using (var scope = app.Factory.Scope())
            {
                await DemoRegistry.CreateAsync(scope.ServiceProvider.GetRequiredService<StromaDbContext>(), new DemoOptions(Patients: 8, Seed: 3));
            }

            await app.Factory.AddUserAsync("stat1", false, ("S1", SiteRole.Statistician));
            await app.Factory.AddUserAsync("stat2", false, ("S2", SiteRole.Statistician));
            return app;
        }

        public async ValueTask DisposeAsync()
        {
            await Factory.DisposeAsync();
            if (postgres is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await AdminAsync(admin!, $"DROP DATABASE IF EXISTS \"{postgres}\" WITH (FORCE)");
            }
        }

        private static async Task AdminAsync(string admin, string sql)
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ToString());
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(Ct);
        }
    }
}
