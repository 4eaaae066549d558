// Source: issue #15 "Checks run when data is saved (web, CLI, import: a soft check warns and opens a query; a hard check
// refuses)" and docs/data-quality.md "Save-time checks", on the web's new-visit form in Chromium. The two visit checks
// are the test-only study-declared examples of SaveCheckPageTests (not clinical rules).
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using static Microsoft.Playwright.Assertions;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class SaveCheckBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Key = "browser_visit_checks";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"save-checks-{name}.png"), FullPage = true });

    private static JsonObject Check(string key, string severity, string field, string when) => new()
    {
        ["key"] = key,
        ["kind"] = "cross_field",
        ["scope"] = "visit",
        ["severity"] = severity,
        ["field"] = field,
        ["when"] = when,
        ["message"] = new JsonObject { ["en"] = $"Study-declared check {key}.", ["zh-CN"] = $"研究定义的核查 {key}。" },
    };

    /// <summary>An approved protocol with a soft check (an unplanned visit) and a hard one (a visit before the enrolment's start); S-001 enrolled on it.</summary>
    private async Task<Guid> ArrangeAsync()
    {
        var protocol = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "examples", "protocol-checks.json"), Ct))!.AsObject();
        protocol["key"] = Key;
        protocol["checks"] = new JsonArray(
            Check("visit_type_unplanned", "soft", "visit.type", "visit.type = 'unplanned'"),
            Check("visit_before_enrolment", "hard", "visit.date", "visit.date < enrolment.start_date"));
        var patient = Guid.CreateVersion7();
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var defined = await ProtocolVersions.DefineAsync(db, protocol.ToJsonString(), null, Ct);
            defined.Succeeded.ShouldBeTrue(string.Join("; ", defined.Issues));
            (await ProtocolVersions.ApproveAsync(db, Key, 1, "approved", Ct)).Succeeded.ShouldBeTrue();
            var siteId = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "S", Name = "Site S" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = "S-001", Sex = Sex.Female, BirthYear = 1985, ConsentDate = new DateOnly(2024, 1, 1) });
            db.ProtocolEnrolments.Add(new ProtocolEnrolment
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient,
                ProtocolKey = Key,
                ProtocolVersion = "1",
                StartDate = new DateOnly(2024, 3, 1),
                ConsentSignedOn = new DateOnly(2024, 1, 1),
                ConsentProtocolVersion = "1",
            });
            await db.SaveChangesAsync(Ct);
        }

        await browser.Factory.AddUserAsync("coord.s", false, ("S", SiteRole.Coordinator));
        return patient;
    }

    [Fact]
    public async Task NewVisit_HardCheckRefusesOnTheFieldKeepingInput_SoftCheckSavesWithWarningAndOpensQuery()
    {
        var patient = await ArrangeAsync();
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("User name").FillAsync("coord.s");
        await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).Not.ToHaveTextAsync("Sign in");

        // Hard: a visit before the enrolment's start is refused, the message on the date field, what was typed kept.
        await page.GotoAsync($"/patients/{patient}/visits/new");
        await page.Locator("#VisitDate").FillAsync("2024-02-01");
        await page.Locator("#visit-form input[name='Kind'][value='Scheduled']").CheckAsync();
        await page.Locator("#Type").FillAsync("baseline");
        await page.Locator("#Notes").FillAsync("Typed before the refusal.");
        await page.Locator("#visit-form button.primary").ClickAsync();
        var dateError = page.Locator("#visit-form span.field-error[data-valmsg-for='VisitDate']");
        await Expect(dateError).ToHaveTextAsync("QLT005 [visit.date]: Study-declared check visit_before_enrolment. (check visit_before_enrolment, visit.date = 2024-02-01)");
        await Expect(page.Locator("#error-summary")).ToContainTextAsync("QLT005");
        await Expect(page).ToHaveURLAsync(new Regex($"/patients/{patient}/visits/new$"));
        await Expect(page.Locator("#VisitDate")).ToHaveValueAsync("2024-02-01");
        await Expect(page.Locator("#visit-form input[name='Kind'][value='Scheduled']")).ToBeCheckedAsync();
        await Expect(page.Locator("#Type")).ToHaveValueAsync("baseline");
        await Expect(page.Locator("#Notes")).ToHaveValueAsync("Typed before the refusal.");
        await ShotAsync(page, "01-hard-refused");
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            (await db.Visits.AsNoTracking().CountAsync(v => v.PatientId == patient, Ct)).ShouldBe(0);
        }

        // Soft: an unplanned visit is saved, the finding shown with it, and a query opened on the visit type.
        await page.Locator("#VisitDate").FillAsync("2024-04-02");
        await page.Locator("#visit-form input[name='Kind'][value='Unscheduled']").CheckAsync();
        await page.Locator("#Type").FillAsync("unplanned");
        await page.Locator("#visit-form button.primary").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/visits/[0-9a-f-]{36}$"));
        await Expect(page.Locator("#check-warnings")).ToContainTextAsync("QLT004 [visit.type]: Study-declared check visit_type_unplanned.");
        await ShotAsync(page, "02-soft-saved");

        await page.GotoAsync($"/queries?Patient={patient}");
        var query = page.Locator("article.query[data-field='visit.type']");
        await Expect(query).ToHaveCountAsync(1);
        await Expect(query).ToHaveAttributeAsync("data-status", "Open");
        await Expect(query).ToContainTextAsync("Study-declared check visit_type_unplanned.");
        await ShotAsync(page, "03-query");

        errors.ShouldBeEmpty();

        await using var check = browser.Factory.Scope();
        var saved = await check.ServiceProvider.GetRequiredService<StromaDbContext>().Visits.AsNoTracking().SingleAsync(v => v.PatientId == patient, Ct);
        (saved.VisitDate, saved.Type).ShouldBe((new DateOnly(2024, 4, 2), "unplanned"));
    }
}
