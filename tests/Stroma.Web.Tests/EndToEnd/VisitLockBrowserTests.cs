// Source: issue #16 "signed means locked": one assessment per instrument per visit (a second save points at "correct"),
// and unlocking a signed visit is itself an e-signature (password re-entered, meaning "unlock", reason); 21 CFR 11.50,
// 11.200(a)(1). SLEDAI-2K weights from Gladman 2002 as in Stroma.Clinical's Sledai2k (seizure 8).
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Data;
using Stroma.Data.Model;
using static Microsoft.Playwright.Assertions;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class VisitLockBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"visit-lock-{name}.png"), FullPage = true });

    private async Task<Guid> ArrangeAsync()
    {
        var visitId = Guid.CreateVersion7();
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var siteId = Guid.CreateVersion7();
            var patientId = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "V", Name = "Site V" });
            db.Patients.Add(new Patient { Id = patientId, SiteId = siteId, StudyId = "V-001", Sex = Sex.Female, BirthYear = 1985, ConsentVersion = "1.0", ConsentDate = new DateOnly(2024, 1, 1) });
            db.Visits.Add(new Visit { Id = visitId, PatientId = patientId, VisitDate = new DateOnly(2024, 2, 1), Kind = VisitKind.Scheduled, Type = "baseline" });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await browser.Factory.AddUserAsync("coord.v", false, ("V", SiteRole.Coordinator));
        await browser.Factory.AddUserAsync("inv.v", false, ("V", SiteRole.Investigator));
        return visitId;
    }

    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> SignInAsync(string user, string returnTo)
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await page.GotoAsync(returnTo);
        await Expect(page).ToHaveURLAsync(new Regex("/account/sign-in"));
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(returnTo) + "$"));
        return (context, page, errors);
    }

    [Fact]
    public async Task Visit_SecondSledaiRefused_SignedThenUnlockNeedsThePassword()
    {
        var visit = await ArrangeAsync();
        var visitPath = $"/visits/{visit}";
        var (coordContext, coord, coordErrors) = await SignInAsync("coord.v", visitPath + "/assess/sledai2k");
        var (invContext, inv, invErrors) = (default(IBrowserContext)!, default(IPage)!, new List<string>());
        try
        {
            await coord.GetByLabel("Seizure").CheckAsync();
            await coord.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save assessment" }).ClickAsync();
            await Expect(coord).ToHaveURLAsync(new Regex(Regex.Escape(visitPath) + "$"));

            // A second SLEDAI-2K at the same visit: refused, pointing at the saved one's correction.
            await coord.GotoAsync(visitPath + "/assess/sledai2k");
            await coord.GetByLabel("Arthritis").CheckAsync();
            await coord.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Save assessment" }).ClickAsync();
            await Expect(coord.Locator("#error-summary")).ToContainTextAsync("sledai2k is already recorded at this visit: correct the saved assessment");
            await ShotAsync(coord, "01-second-refused");

            (invContext, inv, invErrors) = await SignInAsync("inv.v", visitPath + "/sign");
            await inv.Locator("#Meaning input[type=radio]").First.CheckAsync();
            await inv.Locator("#Confirm").CheckAsync();
            await inv.GetByLabel("Password (to sign)").FillAsync(WebFactory.TestPassword);
            await inv.Locator("#sign-button").ClickAsync();
            await Expect(inv.Locator("#signer")).ToContainTextAsync("(inv.v)");

            // Unlocking: a reason alone is refused; with the password it unlocks.
            await inv.GotoAsync(visitPath + "/sign");
            await inv.Locator("#Reason").FillAsync("PGA was omitted");
            await inv.Locator("#unlock-button").ClickAsync();
            await Expect(inv.Locator("#error-summary")).ToContainTextAsync("Password is required.");
            await ShotAsync(inv, "02-unlock-needs-password");
            await inv.Locator("#Reason").FillAsync("PGA was omitted");
            await inv.Locator("#Password").FillAsync(WebFactory.TestPassword);
            await inv.Locator("#unlock-button").ClickAsync();
            await Expect(inv).ToHaveURLAsync(new Regex(Regex.Escape(visitPath) + "$"));
            await Expect(inv.Locator("#signer")).ToHaveCountAsync(0);
        }
        finally
        {
            await coordContext.DisposeAsync();
            if (invContext is not null)
            {
                await invContext.DisposeAsync();
            }
        }

        await using var check = browser.Factory.Scope();
        var db = check.ServiceProvider.GetRequiredService<StromaDbContext>();
        (await db.Assessments.CountAsync(a => a.VisitId == visit, TestContext.Current.CancellationToken)).ShouldBe(1);
        (await db.AuditEntries.CountAsync(a => a.Entity == "Visit" && a.Reason!.Contains("meaning \"unlock\", signed by inv.v (inv.v)"), TestContext.Current.CancellationToken)).ShouldBe(4);
        coordErrors.ShouldBeEmpty();
        invErrors.ShouldBeEmpty();
    }
}
