// Source: issue #19 "A clinician's screens" ("a home page per role: ... QA's lots awaiting release") and docs/web.md
// ("The home page").
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Model;
using static Microsoft.Playwright.Assertions;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class HomeBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"home-{name}.png"), FullPage = true });

    /// <summary>A lot in quarantine at site H (one of them expired) and one at site K, which the QA user of H may not see.</summary>
    private async Task ArrangeAsync()
    {
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var (site, lot, expires) in new[] { ("H", "H-LOT-1", Today.AddDays(90)), ("H", "H-LOT-OLD", Today.AddDays(-1)), ("K", "K-LOT-1", Today.AddDays(90)) })
            {
                var siteId = db.Sites.Local.FirstOrDefault(s => s.Code == site)?.Id ?? Guid.CreateVersion7();
                if (db.Sites.Local.All(s => s.Code != site))
                {
                    db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                }

                db.CellLots.Add(new CellLotRecord
                {
                    Id = Guid.CreateVersion7(),
                    SiteId = siteId,
                    LotNumber = lot,
                    ProductType = CellProductType.UmbilicalCordMsc,
                    DonorPseudonym = "D1",
                    TissueSource = "umbilical cord",
                    ManufacturingSite = "lab",
                    ManufacturedOn = Today.AddDays(-30),
                    TotalCells = 2e8m,
                    CellsPerMillilitre = 1e6m,
                    ViabilityPercent = 95m,
                    VolumeMillilitres = 200m,
                    Storage = StorageCondition.Cryopreserved,
                    StorageLocation = "tank 1",
                    ExpiresOn = expires,
                    Status = LotStatus.Quarantine,
                });
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await browser.Factory.AddUserAsync("qa.h", false, ("H", SiteRole.CellLabQa));
    }

    [Fact]
    public async Task CellLabQa_HomeInEnglishAndChinese_ListsOwnSitesLotsAwaitingRelease_OpensOne()
    {
        await ArrangeAsync();
        var (context, page, errors) = await browser.NewPageAsync();
        try
        {
            await page.GotoAsync("/account/sign-in");
            await page.GetByLabel("User name").FillAsync("qa.h");
            await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
            await page.Locator("#nav-home").ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Your work");
            await Expect(page.Locator("#qa-title")).ToHaveTextAsync("Lots awaiting release (cell lab QA)");
            // The expired lot first (it expires first), marked; site K's lot not at all; no clinical section for QA.
            await Expect(page.Locator("#lots-awaiting-release tbody tr")).ToHaveCountAsync(2);
            await Expect(page.Locator("#lots-awaiting-release tbody tr").First).ToHaveAttributeAsync("data-lot", "H-LOT-OLD");
            await Expect(page.Locator("tr[data-lot='H-LOT-OLD'] .badge")).ToHaveTextAsync("Expired");
            await Expect(page.Locator("tr[data-lot='K-LOT-1']")).ToHaveCountAsync(0);
            await Expect(page.Locator("#sites")).ToHaveCountAsync(0);
            await ShotAsync(page, "01-qa-en");

            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "中文" }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("我的工作");
            await Expect(page.Locator("#lots-count")).ToHaveTextAsync("2 个待检（隔离）批次等待放行决定。");
            await Expect(page.Locator("tr[data-lot='H-LOT-OLD'] .badge")).ToHaveTextAsync("已过期");
            await ShotAsync(page, "02-qa-zh");

            // The lot link opens the lot, in quarantine, where QA records tests and decides.
            await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "H-LOT-1" }).ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("H-LOT-1");
            await Expect(page.Locator("#decision-form")).ToBeVisibleAsync();
        }
        finally
        {
            await context.DisposeAsync();
        }

        errors.ShouldBeEmpty();
    }
}
