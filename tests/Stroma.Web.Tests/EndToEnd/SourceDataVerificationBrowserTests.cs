// Source: issue #15 "Source data verification: a monitor marks fields or whole visits as verified; a later change
// un-verifies them" and docs/web.md, "Source data verification" (monitors of the visit's site only, password
// re-entered, the meaning confirmed; another site's visit answers 404).
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Data;
using Stroma.Data.Model;
using static Microsoft.Playwright.Assertions;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class SourceDataVerificationBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"sdv-{name}.png"), FullPage = true });

    /// <summary>V-001 at site V with a month-3 visit; W-001 at site W. A monitor and a coordinator at V, a monitor at W.</summary>
    private async Task<(Guid Patient, Guid Visit)> ArrangeAsync()
    {
        var patient = Guid.CreateVersion7();
        var visit = Guid.CreateVersion7();
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var siteV = Guid.CreateVersion7();
            var siteW = Guid.CreateVersion7();
            db.Sites.AddRange(new Site { Id = siteV, Code = "V", Name = "Site V" }, new Site { Id = siteW, Code = "W", Name = "Site W" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteV, StudyId = "V-001", Sex = Sex.Female, BirthYear = 1985 });
            db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = siteW, StudyId = "W-001", Sex = Sex.Female, BirthYear = 1990 });
            db.Visits.Add(new Visit { Id = visit, PatientId = patient, VisitDate = new DateOnly(2025, 3, 5), Kind = VisitKind.Scheduled, Type = "month_3" });
            await db.SaveChangesAsync(Ct);
        }

        await browser.Factory.AddUserAsync("monitor.v", false, ("V", SiteRole.Monitor));
        await browser.Factory.AddUserAsync("coord.v", false, ("V", SiteRole.Coordinator));
        await browser.Factory.AddUserAsync("monitor.w", false, ("W", SiteRole.Monitor));
        return (patient, visit);
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
    public async Task Verify_MonitorSignsWholeVisit_BadgeShownUntilCoordinatorChangesIt_OtherSiteMonitorGetsNotFound()
    {
        var (patient, visit) = await ArrangeAsync();

        // The monitor opens the verify page from the visit, confirms the meaning and re-enters the password.
        var (monitorContext, monitor, monitorErrors) = await browser.NewPageAsync();
        try
        {
            await SignInAsync(monitor, "monitor.v");
            await monitor.GotoAsync($"/visits/{visit}");
            await Expect(monitor.Locator("#sdv-status")).ToHaveAttributeAsync("data-verified", "false");
            await monitor.Locator("#verify-link").ClickAsync();
            await Expect(monitor).ToHaveURLAsync($"{browser.BaseAddress}visits/{visit}/verify");
            await Expect(monitor.Locator("#sdv-none")).ToBeVisibleAsync();

            // Without the meaning confirmed nothing is marked.
            await monitor.Locator("#Password").FillAsync(WebFactory.TestPassword);
            await monitor.Locator("#verify-button").ClickAsync();
            await Expect(monitor.Locator("#error-summary")).ToContainTextAsync("Confirm that you compared the data with the source documents.");

            await monitor.Locator("#Field").SelectOptionAsync("");
            await monitor.Locator("#Confirm").CheckAsync();
            await monitor.Locator("#Password").FillAsync(WebFactory.TestPassword);
            await monitor.Locator("#verify-button").ClickAsync();
            await Expect(monitor.Locator("#sdv-marks li[data-current='true'][data-field='']")).ToContainTextAsync("monitor.v");
            await ShotAsync(monitor, "01-verified");

            await monitor.GotoAsync($"/visits/{visit}");
            await Expect(monitor.Locator("#sdv-status")).ToHaveAttributeAsync("data-verified", "true");
            await monitor.GotoAsync($"/patients/{patient}");
            await Expect(monitor.Locator("#visits [data-sdv='verified']")).ToHaveCountAsync(1);
        }
        finally
        {
            await monitorContext.DisposeAsync();
        }

        monitorErrors.ShouldBeEmpty();

        // The coordinator of the site sees the badge, then records an assessment under the visit: the badge is gone.
        var (coordContext, coord, coordErrors) = await browser.NewPageAsync();
        try
        {
            await SignInAsync(coord, "coord.v");
            await coord.GotoAsync($"/patients/{patient}");
            await Expect(coord.Locator("#visits [data-sdv='verified']")).ToHaveCountAsync(1);
            await coord.GotoAsync($"/visits/{visit}/assess/pga");
            await coord.Locator("#score-form [name='pga']").FillAsync("1.5");
            await coord.Locator("#score-form button.primary").ClickAsync();
            await Expect(coord).ToHaveURLAsync($"{browser.BaseAddress}visits/{visit}");
            await Expect(coord.Locator("#sdv-status")).ToHaveAttributeAsync("data-verified", "false");
            await ShotAsync(coord, "02-cleared");
            await coord.GotoAsync($"/patients/{patient}");
            await Expect(coord.Locator("#visits tbody tr")).ToHaveCountAsync(1);
            await Expect(coord.Locator("#visits [data-sdv='verified']")).ToHaveCountAsync(0);
        }
        finally
        {
            await coordContext.DisposeAsync();
        }

        coordErrors.ShouldBeEmpty();

        // A monitor of another site: the visit does not exist for them.
        var (otherContext, other, otherErrors) = await browser.NewPageAsync();
        try
        {
            await SignInAsync(other, "monitor.w");
            var notFound = await other.GotoAsync($"/visits/{visit}/verify");
            notFound!.Status.ShouldBe((int)HttpStatusCode.NotFound);
            await Expect(other.Locator("#verify-form")).ToHaveCountAsync(0);
        }
        finally
        {
            await otherContext.DisposeAsync();
        }

        otherErrors.ShouldAllBe(e => e.Contains("404", StringComparison.Ordinal));

        await using var check = browser.Factory.Scope();
        var db = check.ServiceProvider.GetRequiredService<StromaDbContext>();
        var mark = await db.SdvMarks.AsNoTracking().SingleAsync(m => m.VisitId == visit, Ct);
        (mark.VerifiedBy, mark.Field, mark.ClearedBy).ShouldBe(("monitor.v", (string?)null, "coord.v"));
    }
}
