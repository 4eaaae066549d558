// Source: issue #14 "Calendars and worklists" (a coordinator's landing page, the patient's calendar, moving an event
// with a reason, in English and Chinese) and docs/web.md; calendars are Wang 2014's with Stroma's default windows.
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using static Microsoft.Playwright.Assertions;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class WorklistBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"worklist-{name}.png"), FullPage = true });

    /// <summary>W-001 at site W, enrolled on Wang 2014 three days ago (administration 1 missed, administration 2 in four
    /// days, month 1 in about four weeks); X-001 at site X, which the coordinator may not see.</summary>
    private async Task ArrangeAsync()
    {
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var site in new[] { "W", "X" })
            {
                var siteId = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1980 });
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            foreach (var studyId in new[] { "W-001", "X-001" })
            {
                var day0 = Today.AddDays(-3);
                var enrolled = await Enrolments.EnrolAsync(db, studyId, ProtocolTemplates.Wang2014Key,
                    new EnrolmentRequest(day0, Consent: new ConsentRecord(day0.AddDays(-10), "1")), TestContext.Current.CancellationToken);
                enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
            }
        }

        await browser.Factory.AddUserAsync("coord.w", false, ("W", SiteRole.Coordinator));
    }

    [Fact]
    public async Task Coordinator_WorklistInEnglishAndChinese_MovesAnEventOnTheCalendar_WorklistChanges()
    {
        await ArrangeAsync();
        var (context, page, errors) = await browser.NewPageAsync();
        try
        {
            // Signing in without a return address: a coordinator lands on the worklist.
            await page.GotoAsync("/account/sign-in");
            await page.GetByLabel("User name").FillAsync("coord.w");
            await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/worklist$"));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Worklist");
            var patient = page.Locator("tbody[data-patient='W-001']");
            await Expect(patient.Locator("tr[data-event='administration_1'] .badge")).ToHaveTextAsync("Missed");
            await Expect(patient.Locator("tr[data-event='administration_2'] .badge")).ToHaveTextAsync("Upcoming");
            await Expect(patient.Locator("tr[data-event='month_1']")).ToHaveCountAsync(0);
            await Expect(page.Locator("tbody[data-patient='X-001']")).ToHaveCountAsync(0);
            await ShotAsync(page, "01-en");

            // The same list in Chinese.
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "中文" }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("工作清单");
            await Expect(patient.Locator("tr[data-event='administration_1'] .badge")).ToHaveTextAsync("错过");
            await Expect(patient.Locator("tr[data-event='administration_1']")).ToContainTextAsync("第 1 次输注");
            await ShotAsync(page, "02-zh");

            // The patient's calendar, then "move" month 1 into the next two weeks: first without a reason.
            await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "W-001" }).ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("日程");
            await Expect(page.Locator("figure.calendar-chart svg")).ToBeVisibleAsync();
            await Expect(page.Locator("tr[data-event='month_1'] .badge")).ToHaveTextAsync("未到期");
            await page.Locator("tr[data-event='month_1'] a.move-link").ClickAsync();
            await Expect(page.Locator("#Event")).ToHaveValueAsync("wang_2014/month_1");
            var newDate = Today.AddDays(6).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await page.Locator("#NewDate").FillAsync(newDate);
            await page.Locator("#move-submit").ClickAsync();
            await Expect(page.Locator("#Reason-error")).ToHaveTextAsync("原因 为必填项。");
            await ShotAsync(page, "03-zh-error");
            await page.Locator("#Reason").FillAsync("患者下月出差");
            await page.Locator("#move-submit").PressAsync("Enter");
            await Expect(page.Locator("#done")).ToContainTextAsync(newDate);
            await Expect(page.Locator("tr[data-event='month_1'] td.target")).ToHaveTextAsync(newDate);
            await Expect(page.Locator("#history-wang_2014")).ToContainTextAsync("患者下月出差");
            await ShotAsync(page, "04-zh-moved");

            // Back on the worklist (its navigation link), in English again: month 1 is now due within the horizon.
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "English" }).ClickAsync();
            await page.Locator("#nav-worklist").ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Worklist");
            await Expect(patient.Locator("tr[data-event='month_1']")).ToContainTextAsync("Follow-up month 1");
            await Expect(patient.Locator("tr[data-event='month_1']")).ToContainTextAsync(newDate);
            await ShotAsync(page, "05-en-changed");

            // Record the month-1 contact from the worklist: the event is chosen for the user; once saved, the worklist
            // no longer lists it, and the contact reads in Chinese too.
            await patient.Locator("tr[data-event='month_1'] a.contact-link").ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("Record a follow-up contact");
            await Expect(page.Locator("#event")).ToHaveValueAsync("wang_2014|month_1");
            var today = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await page.Locator("#ContactDate").FillAsync(today);
            await page.Locator("#Rash").SelectOptionAsync("Better");
            await page.Locator("#save").ClickAsync();
            await Expect(page.Locator("#done")).ToContainTextAsync($"Contact of {today} recorded.");
            await Expect(page.Locator("#contacts tbody tr")).ToHaveCountAsync(1);
            await Expect(page.Locator("#contacts tbody tr")).ToContainTextAsync("Phone call");
            await Expect(page.Locator("#contacts tbody tr")).ToContainTextAsync("Better");
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "中文" }).ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("记录随访联系");
            await Expect(page.Locator("#contacts tbody tr")).ToContainTextAsync("好转");
            await ShotAsync(page, "06-zh-contact");
            await page.Locator("#nav-worklist").ClickAsync();
            await Expect(patient.Locator("tr[data-event='administration_2']")).ToHaveCountAsync(1);
            await Expect(patient.Locator("tr[data-event='month_1']")).ToHaveCountAsync(0);
        }
        finally
        {
            await context.DisposeAsync();
        }

        errors.ShouldBeEmpty();
    }
}
