// Source: issue #19 "A clinician's screens": "A home page per role: a coordinator's worklist (due visits, infusions and
// contacts), an investigator's signatures to give, QA's lots awaiting release, a monitor's open queries, counts per
// site", and docs/web.md ("The home page"). Calendars are Wang 2014's (day 0 exact, day 7 ±1 day, monthly ±7 days);
// dates are relative to today, as the app's clock is the real one.
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Home;

public sealed class HomePageTests : IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

    private readonly WebFactory factory = new();
    private readonly Dictionary<string, Guid> ids = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The same records at sites A and B: a patient enrolled on Wang 2014 three days ago (administration 1 missed,
    /// administration 2 due in four days), two unsigned visits (one with an open query) and a signed one, a lot in
    /// quarantine and a released lot; and one user per role at site A, one with several roles, one with none.
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var site in new[] { "A", "B" })
            {
                var siteId = ids[$"site.{site}"] = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                var patientId = ids[$"patient.{site}"] = Guid.CreateVersion7();
                db.Patients.Add(new Patient { Id = patientId, SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1980 });
                var queried = ids[$"visit.{site}.queried"] = Guid.CreateVersion7();
                db.Visits.Add(new Visit { Id = queried, PatientId = patientId, VisitDate = Today.AddDays(-3), Type = "baseline" });
                db.Visits.Add(new Visit { Id = ids[$"visit.{site}.ready"] = Guid.CreateVersion7(), PatientId = patientId, VisitDate = Today.AddDays(-1), Type = "month_3" });
                db.Visits.Add(new Visit
                {
                    Id = Guid.CreateVersion7(),
                    PatientId = patientId,
                    VisitDate = Today.AddDays(-30),
                    Type = "screening",
                    SignedBy = "someone",
                    SignedByName = "Some One",
                    SignedAt = DateTimeOffset.UtcNow.AddDays(-20),
                    SignatureMeaning = "signed",
                });
                db.Queries.Add(new QueryRecord
                {
                    Id = Guid.CreateVersion7(),
                    SiteId = siteId,
                    PatientId = patientId,
                    RecordType = "visit",
                    RecordId = queried,
                    Field = "visit.date",
                    VisitId = queried,
                    Status = QueryStatus.Open,
                    Text = $"Query at {site}: please confirm the date",
                    RaisedBy = "someone",
                    RaisedAt = DateTimeOffset.UtcNow.AddDays(-2),
                });
                foreach (var (suffix, status) in new[] { ("Q", LotStatus.Quarantine), ("R", LotStatus.Released) })
                {
                    db.CellLots.Add(new CellLotRecord
                    {
                        Id = Guid.CreateVersion7(),
                        SiteId = siteId,
                        LotNumber = $"{site}-LOT-{suffix}",
                        ProductType = CellProductType.UmbilicalCordMsc,
                        DonorPseudonym = "D1",
                        TissueSource = "umbilical cord",
                        ManufacturingSite = "lab",
                        ManufacturedOn = Today.AddDays(-10),
                        TotalCells = 2e8m,
                        CellsPerMillilitre = 1e6m,
                        ViabilityPercent = 95m,
                        VolumeMillilitres = 200m,
                        Storage = StorageCondition.Cryopreserved,
                        StorageLocation = "tank 1",
                        ExpiresOn = Today.AddDays(100),
                        Status = status,
                    });
                }
            }

            await db.SaveChangesAsync(Ct);
            foreach (var studyId in new[] { "A-001", "B-001" })
            {
                var day0 = Today.AddDays(-3);
                var enrolled = await Enrolments.EnrolAsync(db, studyId, ProtocolTemplates.Wang2014Key,
                    new EnrolmentRequest(day0, Consent: new ConsentRecord(day0.AddDays(-10), "1")), Ct);
                enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
            }
        }

        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        await factory.AddUserAsync("inv", false, ("A", SiteRole.Investigator));
        await factory.AddUserAsync("qa", false, ("A", SiteRole.CellLabQa));
        await factory.AddUserAsync("monitor", false, ("A", SiteRole.Monitor));
        await factory.AddUserAsync("several", false, ("A", SiteRole.Coordinator), ("B", SiteRole.CellLabQa), ("B", SiteRole.Monitor));
        await factory.AddUserAsync("norole");
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private async Task<IDocument> HomeAsync(string user, string? language = null)
    {
        using var client = await factory.SignedInAsync(user, language);
        using var response = await client.GetAsync(new Uri("/home", UriKind.Relative), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, user);
        return await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync(Ct), Ct);
    }

    private static string[] Sections(IDocument page) => [.. page.QuerySelectorAll("main section[id]").Select(s => s.Id!)];

    /// <summary>The element's text with single spaces, table cells apart.</summary>
    private static string Text(IDocument page, string selector)
    {
        var element = page.QuerySelector(selector);
        var cells = element?.QuerySelectorAll("th, td").Select(c => c.TextContent).ToList() ?? [];
        var text = cells.Count > 0 ? string.Join(" ", cells) : element?.TextContent ?? "";
        return string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Home_Coordinator_DueInfusionsAndFollowUpsOfOwnSite_AndSiteCounts()
    {
        var page = await HomeAsync("coord");

        Sections(page).ShouldBe(["coordinator", "sites"]);
        page.QuerySelector("h1")!.TextContent.ShouldBe("Your work");
        // Administration 1 (day 0, exact) was missed three days ago; administration 2 is due in four days; month 1 is beyond two weeks.
        Text(page, "#coordinator-counts tr[data-kind='infusions']").ShouldBe("Infusions 2 1");
        Text(page, "#coordinator-counts tr[data-kind='follow-ups']").ShouldBe("Follow-up visits and contacts 0 0");
        Text(page, "#coordinator-worklist").ShouldBe("Open the worklist (1 patient)");
        Text(page, "#coordinator > p").ShouldContain("at A not yet recorded");
        Text(page, "#site-counts tbody").ShouldBe("A Site A 1 1");
        page.QuerySelector("#site-counts tr[data-site='B']").ShouldBeNull();
    }

    [Fact]
    public async Task Home_Investigator_UnsignedVisitsOfOwnSite_QueriedOneLinksToQueries()
    {
        var page = await HomeAsync("inv");

        Sections(page).ShouldBe(["investigator", "sites"]);
        Text(page, "#visits-to-sign-count").ShouldBe("2 visits await a signature.");
        var rows = page.QuerySelectorAll("#visits-to-sign tbody tr");
        rows.Select(r => r.GetAttribute("data-visit")).ShouldBe([ids["visit.A.queried"].ToString(), ids["visit.A.ready"].ToString()]);
        rows[0].TextContent.ShouldContain("Baseline");
        rows[0].TextContent.ShouldContain("1 open query");
        rows[0].QuerySelector("a.sign-link").ShouldBeNull();
        rows[1].TextContent.ShouldContain("Month 3");
        rows[1].QuerySelector("a.sign-link")!.GetAttribute("href").ShouldBe($"/visits/{ids["visit.A.ready"]}/sign");
        page.DocumentElement.OuterHtml.ShouldNotContain("B-001");
    }

    [Fact]
    public async Task Home_CellLabQa_QuarantinedLotsOfOwnSiteOnly_NoClinicalSections()
    {
        var page = await HomeAsync("qa");

        Sections(page).ShouldBe(["qa"]);
        Text(page, "#lots-count").ShouldBe("1 lot in quarantine awaits a release decision.");
        page.QuerySelectorAll("#lots-awaiting-release tbody tr").Select(r => r.GetAttribute("data-lot")).ShouldBe(["A-LOT-Q"]);
        page.DocumentElement.OuterHtml.ShouldNotContain("A-001");
    }

    [Fact]
    public async Task Home_Monitor_OpenQueriesAndVisitsToVerifyOfOwnSite()
    {
        var page = await HomeAsync("monitor");

        Sections(page).ShouldBe(["monitor", "sites"]);
        Text(page, "#monitor-queries-count").ShouldBe("1 open query");
        Text(page, "#monitor-queries tbody").ShouldContain("Query at A: please confirm the date");
        // Three visits at A, none verified.
        Text(page, "#sdv-to-do tbody").ShouldBe("A 3 3");
        page.DocumentElement.OuterHtml.ShouldNotContain("Query at B");
    }

    [Fact]
    public async Task Home_SeveralRolesAtTwoSites_EachSectionCoversOnlyItsRolesSite()
    {
        var page = await HomeAsync("several");

        Sections(page).ShouldBe(["coordinator", "qa", "monitor", "sites"]);
        Text(page, "#coordinator > p").ShouldContain("at A not yet recorded");
        page.QuerySelectorAll("#lots-awaiting-release tbody tr").Select(r => r.GetAttribute("data-lot")).ShouldBe(["B-LOT-Q"]);
        Text(page, "#monitor-queries tbody").ShouldContain("Query at B");
        Text(page, "#monitor-queries tbody").ShouldNotContain("Query at A");
        Text(page, "#sdv-to-do tbody").ShouldBe("B 3 3");
        page.QuerySelectorAll("#site-counts tbody tr").Select(r => r.GetAttribute("data-site")).ShouldBe(["A", "B"]);
    }

    [Fact]
    public async Task Home_Chinese_SectionsInChinese()
    {
        var page = await HomeAsync("several", "zh-CN");

        page.QuerySelector("h1")!.TextContent.ShouldBe("我的工作");
        Text(page, "#coordinator-counts tr[data-kind='infusions'] th").ShouldBe("输注");
        Text(page, "#lots-count").ShouldBe("1 个待检（隔离）批次等待放行决定。");
        Text(page, "#monitor-title").ShouldBe("未关闭的质疑与源数据核查（监查员）");
    }

    [Fact]
    public async Task Home_NoRole_SaysSo_AndAnonymousIsSentToSignIn()
    {
        var page = await HomeAsync("norole");
        using var anonymous = factory.Client();
        using var response = await anonymous.GetAsync(new Uri("/home", UriKind.Relative), Ct);

        Sections(page).ShouldBeEmpty();
        page.QuerySelector("#no-role").ShouldNotBeNull();
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
    }
}
