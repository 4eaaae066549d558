// Source: issue #15 "Queries" (a query on one field of one record: opened by a monitor with text, answered by the site,
// closed or re-opened by whoever raised it, every step signed and timed; a monitor of another site sees nothing) and
// docs/data-quality.md, "The query life cycle".
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Data;
using Stroma.Data.Model;
using static Microsoft.Playwright.Assertions;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class QueryBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"queries-{name}.png"), FullPage = true });

    /// <summary>Q-001 at site Q with a baseline visit; R-001 at site R. A monitor and a coordinator at Q, a monitor at R.</summary>
    private async Task<(Guid Patient, Guid Visit, Guid OtherVisit)> ArrangeAsync()
    {
        var ids = new Dictionary<string, (Guid Patient, Guid Visit)>();
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var site in new[] { "Q", "R" })
            {
                var siteId = Guid.CreateVersion7();
                var patientId = Guid.CreateVersion7();
                var visitId = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                db.Patients.Add(new Patient { Id = patientId, SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1985 });
                db.Visits.Add(new Visit { Id = visitId, PatientId = patientId, VisitDate = new DateOnly(2025, 3, 4), Type = "baseline" });
                ids[site] = (patientId, visitId);
            }

            await db.SaveChangesAsync(Ct);
        }

        await browser.Factory.AddUserAsync("monitor.q", false, ("Q", SiteRole.Monitor));
        await browser.Factory.AddUserAsync("coord.q", false, ("Q", SiteRole.Coordinator));
        await browser.Factory.AddUserAsync("monitor.r", false, ("R", SiteRole.Monitor));
        return (ids["Q"].Patient, ids["Q"].Visit, ids["R"].Visit);
    }

    private static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).Not.ToHaveTextAsync("Sign in");
    }

    [Fact]
    public async Task Query_RaisedByMonitor_AnsweredByCoordinator_ClosedByMonitor_OtherSiteMonitorSeesNothing()
    {
        var (patient, visit, otherVisit) = await ArrangeAsync();

        // The monitor raises a query on the visit date from the patient's timeline.
        var (monitorContext, monitor, monitorErrors) = await browser.NewPageAsync();
        try
        {
            await SignInAsync(monitor, "monitor.q");
            await monitor.GotoAsync($"/patients/{patient}");
            await monitor.Locator("#visits a.raise-query").ClickAsync();
            await Expect(monitor.Locator("h1")).ToContainTextAsync("Raise a query");
            await monitor.Locator("#raise").ClickAsync();
            await Expect(monitor.Locator("#error-summary")).ToContainTextAsync("QLT");
            await monitor.Locator("#Field").SelectOptionAsync("visit.date");
            await monitor.Locator("#Question").FillAsync("The source document says 2025-03-05: please check the visit date.");
            await monitor.Locator("#raise").ClickAsync();
            await Expect(monitor).ToHaveURLAsync(new Regex("/queries\\?Patient="));
            await Expect(monitor.Locator("#done")).ToContainTextAsync("The query is open");
            var query = monitor.Locator("article.query[data-field='visit.date']");
            await Expect(query).ToHaveAttributeAsync("data-status", "Open");
            await Expect(query.Locator("li[data-step='Opened']")).ToContainTextAsync("monitor.q");
            await Expect(query.Locator("button.answer")).ToHaveCountAsync(0);
            await ShotAsync(monitor, "01-raised");

            // The coordinator sees it on the worklist, the timeline and the queries page, and answers it (in Chinese).
            var (coordContext, coord, coordErrors) = await browser.NewPageAsync();
            try
            {
                await SignInAsync(coord, "coord.q");
                await Expect(coord.Locator("#open-queries tr[data-field='visit.date']")).ToHaveCountAsync(1);
                await coord.GotoAsync($"/patients/{patient}");
                await Expect(coord.Locator("#patient-queries li")).ToContainTextAsync("Visit date");
                await Expect(coord.Locator("#visits a.raise-query")).ToHaveCountAsync(0);
                await coord.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "中文" }).ClickAsync();
                await coord.Locator("#patient-queries-link").ClickAsync();
                await Expect(coord.Locator("h1")).ToHaveTextAsync("质疑");
                var answer = coord.Locator("article.query[data-field='visit.date']");
                await Expect(answer.Locator(".badge")).ToHaveTextAsync("未解决");
                await answer.Locator("textarea").FillAsync("已核对原始病历：就诊日期为 2025-03-04，原始文件的日期是打印日期。");
                await answer.Locator("button.answer").ClickAsync();
                await Expect(coord.Locator("#done")).ToHaveTextAsync("质疑已答复。");
                await Expect(answer).ToHaveAttributeAsync("data-status", "Answered");
                await Expect(answer.Locator("button.close")).ToHaveCountAsync(0);
                await ShotAsync(coord, "02-answered-zh");
            }
            finally
            {
                await coordContext.DisposeAsync();
            }

            coordErrors.ShouldBeEmpty();

            // The monitor reads the answer and closes the query.
            await monitor.ReloadAsync();
            await Expect(query.Locator("li[data-step='Answered']")).ToContainTextAsync("coord.q");
            await query.Locator("textarea").FillAsync("Thank you: confirmed.");
            await query.Locator("button.close").ClickAsync();
            await Expect(monitor.Locator("#done")).ToHaveTextAsync("The query is closed.");
            await Expect(query).ToHaveAttributeAsync("data-status", "Closed");
            await Expect(query.Locator("li")).ToHaveCountAsync(3);
            await ShotAsync(monitor, "03-closed");
        }
        finally
        {
            await monitorContext.DisposeAsync();
        }

        monitorErrors.ShouldBeEmpty();

        // A monitor of another site: no query listed, and the first site's visit does not exist for them.
        var (otherContext, other, otherErrors) = await browser.NewPageAsync();
        try
        {
            await SignInAsync(other, "monitor.r");
            await other.GotoAsync("/queries");
            await Expect(other.Locator("#no-queries")).ToBeVisibleAsync();
            var notFound = await other.GotoAsync($"/queries/new?type=visit&id={visit}");
            notFound!.Status.ShouldBe((int)HttpStatusCode.NotFound);
            var own = await other.GotoAsync($"/queries/new?type=visit&id={otherVisit}");
            own!.Status.ShouldBe((int)HttpStatusCode.OK);
            await Expect(other.Locator("h1")).ToContainTextAsync("Raise a query");
        }
        finally
        {
            await otherContext.DisposeAsync();
        }

        // The 404 page logs its status in the console; nothing else may.
        otherErrors.ShouldAllBe(e => e.Contains("404", StringComparison.Ordinal));

        await using var check = browser.Factory.Scope();
        var db = check.ServiceProvider.GetRequiredService<StromaDbContext>();
        var steps = await db.QuerySteps.AsNoTracking().OrderBy(s => s.Number).Select(s => new { s.Kind, s.By }).ToListAsync(Ct);
        steps.Select(s => (s.Kind, s.By)).ShouldBe([(QueryStepKind.Opened, "monitor.q"), (QueryStepKind.Answered, "coord.q"), (QueryStepKind.Closed, "monitor.q")]);
    }
}
