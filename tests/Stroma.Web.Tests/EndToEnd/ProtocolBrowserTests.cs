// Source: issue #14 (stored, versioned, signed protocols; the web side) and docs/web.md "Protocols": an administrator
// copies seed case 2 with doses (test doses: the seed gives none, so they are the site's choice), approves it with the
// password, enrols a patient on it, and the patient's administrations appear on the worklist; the page in Chinese too.
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using static Microsoft.Playwright.Assertions;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class ProtocolBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string Today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime)
        .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"protocols-{name}.png"), FullPage = true });

    [Fact]
    public async Task Administrator_CopiesSeedCase2WithDoses_Approves_Enrols_WorklistShowsTheProtocol_PageInChinese()
    {
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "P", Name = "Site P" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await browser.Factory.AddUserAsync("admin.p", true, ("P", SiteRole.Investigator));
        var (context, page, errors) = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/account/sign-in");
            await page.GetByLabel("User name").FillAsync("admin.p");
            await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();

            // Copy seed case 2 with a dose per component, then approve it with the password and a meaning.
            await page.GotoAsync("/admin/protocols");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Protocols");
            await Expect(page.Locator($"tr[data-key='{ProtocolTemplates.SeedCase2Key}'] [data-read-only]")).ToBeVisibleAsync();
            var form = page.Locator($"#copy-{ProtocolTemplates.SeedCase2Key}");
            await form.Locator("input[name='NewKey']").FillAsync("site_case_2");
            await page.Locator($"#Dose-{ProtocolTemplates.SeedCase2Key}-msc").FillAsync("1e6");
            await page.Locator($"#Dose-{ProtocolTemplates.SeedCase2Key}-nk").FillAsync("1e8");
            await page.Locator($"#Unit-{ProtocolTemplates.SeedCase2Key}-nk").SelectOptionAsync("cells");
            await page.Locator($"#copy-submit-{ProtocolTemplates.SeedCase2Key}").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/admin/protocols/site_case_2/1$"));
            await Expect(page.Locator("#components tr[data-component='nk']")).ToBeVisibleAsync();
            await page.Locator("#Meaning").FillAsync("approved for use in the study");
            await page.Locator("#Confirm").CheckAsync();
            await page.Locator("#Password").FillAsync(WebFactory.TestPassword);
            await page.Locator("#approve").ClickAsync();
            await Expect(page.Locator("#approval")).ToContainTextAsync("approved for use in the study");
            await ShotAsync(page, "01-approved");

            // Enrol a patient on it (day 0 today).
            await page.GotoAsync("/patients/enrol");
            await page.Locator("#StudyId").FillAsync("P-001");
            await page.Locator("input[name='Sex'][value='Female']").CheckAsync();
            await page.Locator("#BirthYear").FillAsync("1975");
            await page.Locator("#ConsentVersion").FillAsync("1");
            await page.Locator("#ConsentDate").FillAsync(Today);
            await page.Locator("#Protocol").SelectOptionAsync("site_case_2");
            await page.Locator("#Start").FillAsync(Today);
            await page.Locator("#enrol-form button[type='submit']").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/patients/[0-9a-f-]{36}$"));

            // The worklist shows the stored protocol's first administration for the new patient.
            await page.GotoAsync("/worklist");
            await Expect(page.Locator("tbody[data-patient='P-001'] tr[data-event='administration_1']")).ToBeVisibleAsync();
            await ShotAsync(page, "02-worklist");

            // The protocols page in Chinese.
            await page.GotoAsync("/admin/protocols/site_case_2/1");
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "中文" }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("方案");
            await Expect(page.Locator("#protocol-version h2")).ToContainTextAsync("已批准");
            await Expect(page.Locator($"tr[data-key='{ProtocolTemplates.SeedCase2Key}'] [data-read-only]")).ToContainTextAsync("内置模板，只读");
            await ShotAsync(page, "03-zh");
        }
        finally
        {
            await context.DisposeAsync();
        }

        errors.ShouldBeEmpty();
    }

    /// <summary>
    /// Issue #14's browser "Done when", once per language: an administrator (also the site's investigator) copies the
    /// seed_case_1 template (its dose is the case report's, so nothing to enter) and approves it, enrols a patient with
    /// day 0 today, sees administration 1 due on the worklist, records the infusion from a released lot (pre-checks
    /// pass), and the worklist no longer lists it. Site, patient, protocol and lot differ per language (one registry).
    /// </summary>
    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task Administrator_DefinesEnrolsInfuses_WorklistChanges(string language)
    {
        var zh = language == "zh-CN";
        var site = zh ? "PZ" : "PE";
        var key = zh ? "site_msc_zh" : "site_msc_en";
        var studyId = $"{site}-001";
        var lot = $"UC-{site}-1";
        // An infusion two hours ago (never in the future), day 0 on its UTC date so that the day-0 window holds.
        var start = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-2);
        var day0 = DateOnly.FromDateTime(start).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = site, Name = $"Site {site}" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
            await ReleasedLotAsync(db, lot, site);
        }

        await browser.Factory.AddUserAsync($"admin.{site.ToLowerInvariant()}", true, (site, SiteRole.Investigator));
        var (context, page, errors) = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/account/sign-in");
            await page.GetByLabel("User name").FillAsync($"admin.{site.ToLowerInvariant()}");
            await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
            await page.GotoAsync("/admin/protocols");
            if (zh)
            {
                await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "中文" }).ClickAsync();
            }

            await Expect(page.Locator("h1")).ToHaveTextAsync(zh ? "方案" : "Protocols");
            await page.Locator($"#NewKey-{ProtocolTemplates.SeedCase1Key}").FillAsync(key);
            await page.Locator($"#copy-submit-{ProtocolTemplates.SeedCase1Key}").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/admin/protocols/{key}/1$"));
            await page.Locator("#Meaning").FillAsync(zh ? "批准用于本研究" : "approved for use in the study");
            await page.Locator("#Confirm").CheckAsync();
            await page.Locator("#Password").FillAsync(WebFactory.TestPassword);
            await page.Locator("#approve").ClickAsync();
            await Expect(page.Locator("#protocol-version h2")).ToContainTextAsync(zh ? "已批准" : "approved");

            await page.GotoAsync("/patients/enrol");
            await page.Locator("#StudyId").FillAsync(studyId);
            await page.Locator("input[name='Sex'][value='Female']").CheckAsync();
            await page.Locator("#BirthYear").FillAsync("1985");
            await page.Locator("#ConsentVersion").FillAsync("1");
            await page.Locator("#ConsentDate").FillAsync(day0);
            await page.Locator("#Protocol").SelectOptionAsync(key);
            await page.Locator("#Start").FillAsync(day0);
            await page.Locator("#enrol-form button[type='submit']").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/patients/[0-9a-f-]{36}$"));
            var patientPath = new Uri(page.Url).AbsolutePath;

            // Before: administration 1 is on the worklist.
            await page.GotoAsync("/worklist");
            await Expect(page.Locator("h1")).ToHaveTextAsync(zh ? "工作清单" : "Worklist");
            var row = page.Locator($"tbody[data-patient='{studyId}'] tr[data-event='administration_1']");
            await Expect(row).ToBeVisibleAsync();
            await ShotAsync(page, $"04-worklist-before-{language}");

            // The infusion, checked then saved.
            await page.GotoAsync(patientPath);
            await page.Locator("#record-infusion").ClickAsync();
            await page.Locator("#Event").SelectOptionAsync($"{key}|administration_1");
            await page.Locator("#Component").SelectOptionAsync("msc");
            await page.Locator("#LotNumber").SelectOptionAsync(lot);
            await page.Locator("#Start").FillAsync(start.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#Offset").FillAsync("+00:00");
            await page.Locator("#Dose").FillAsync("5e7");
            await page.Locator("#DoseUnit").SelectOptionAsync("cells");
            await page.Locator("#check").ClickAsync();
            foreach (var check in new[] { "lot_released", "lot_not_expired", "product_type", "schedule_window", "dose", "consent" })
            {
                await Expect(page.Locator($"#checks tr[data-check='{check}']")).ToHaveAttributeAsync("data-outcome", "pass");
            }

            await page.Locator("#save").ClickAsync();
            await Expect(page.Locator("#infusions")).ToContainTextAsync(lot);
            await ShotAsync(page, $"05-infused-{language}");

            // After: administration 1 is done, so the worklist no longer lists it.
            await page.GotoAsync("/worklist");
            await Expect(page.Locator("h1")).ToHaveTextAsync(zh ? "工作清单" : "Worklist");
            await Expect(row).ToHaveCountAsync(0);
            await ShotAsync(page, $"06-worklist-after-{language}");
        }
        finally
        {
            await context.DisposeAsync();
        }

        errors.ShouldBeEmpty();
    }

    /// <summary>A UC-MSC lot registered, tested and released through the use cases (ISCT 2006 markers; test limits).</summary>
    private static async Task ReleasedLotAsync(StromaDbContext db, string number, string site)
    {
        var made = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(-40);
        var lot = new CellLot(number, CellProductType.UmbilicalCordMsc, "D-01", "umbilical cord", "cell lab", made, 3, CellCount.Cells(2e8m),
            CellConcentration.CellsPerMillilitre(1e6m), 95m, 200m, new LotStorage(StorageCondition.Cryopreserved, "tank 1"), new DateOnly(2099, 12, 31));
        (await Lots.RegisterAsync(db, lot, site, cancellationToken: TestContext.Current.CancellationToken)).Succeeded.ShouldBeTrue();
        var results = new Dictionary<string, ReleaseMeasurement>(StringComparer.Ordinal)
        {
            ["cd73"] = ReleaseMeasurement.Of(99m),
            ["cd90"] = ReleaseMeasurement.Of(99m),
            ["cd105"] = ReleaseMeasurement.Of(98m),
            ["cd45"] = ReleaseMeasurement.Of(0.5m),
            ["cd34"] = ReleaseMeasurement.Of(0.4m),
            ["cd14"] = ReleaseMeasurement.Of(0.3m),
            ["cd79a"] = ReleaseMeasurement.Of(0.2m),
            ["hla_dr"] = ReleaseMeasurement.Of(0.6m),
            ["plastic_adherence"] = ReleaseMeasurement.Outcome(true),
            ["trilineage_differentiation"] = ReleaseMeasurement.Outcome(true),
            ["viability"] = ReleaseMeasurement.Of(95m),
            ["sterility"] = ReleaseMeasurement.Outcome(true),
            ["endotoxin"] = ReleaseMeasurement.Of(0.5m),
            ["mycoplasma"] = ReleaseMeasurement.Outcome(true),
        };
        (await Lots.RecordTestsAsync(db, number, results, made.AddDays(7), "historical lot entered for the test", TestContext.Current.CancellationToken))
            .Succeeded.ShouldBeTrue();
        var spec = ReleaseSpecification.IsctMscDefault.WithLimit("viability", 70m, "site-1", "SOP 1").WithLimit("endotoxin", 5m, "site-1", "SOP 1");
        var decided = await Lots.DecideAsync(db, number, spec, new ReleaseDecision(ReleaseVerdict.Release, "qa.lab", DateTimeOffset.UtcNow, "QA release"),
            cancellationToken: TestContext.Current.CancellationToken);
        decided.Succeeded.ShouldBeTrue(string.Join("; ", decided.Issues));
    }
}
