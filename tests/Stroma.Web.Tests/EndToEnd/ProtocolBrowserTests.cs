// Source: issue #14 (stored, versioned, signed protocols; the web side) and docs/web.md "Protocols": an administrator
// copies seed case 2 with doses (test doses: the seed gives none, so they are the site's choice), approves it with the
// password, enrols a patient on it, and the patient's administrations appear on the worklist; the page in Chinese too.
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
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
}
