// Source: issue #16 "Lots and custody ... are visible across sites: a site sees its own lots, the cell lab sees what
// it released, with the same 404 as other cross-site records" and docs/web.md (`/lots`, `/lots/{id}`, the infusion
// form's pick list: "the released lots of the patient's site").
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Model;
using static Microsoft.Playwright.Assertions;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class LotIsolationBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ShotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, $"lots-{name}.png"), FullPage = true });

    private static CellLotRecord Lot(Guid site, string number, LotStatus status) => new()
    {
        Id = Guid.CreateVersion7(),
        SiteId = site,
        LotNumber = number,
        ProductType = CellProductType.UmbilicalCordMsc,
        DonorPseudonym = "D1",
        TissueSource = "umbilical cord",
        ManufacturingSite = "lab",
        ManufacturedOn = new DateOnly(2026, 10, 1),
        TotalCells = 2e8m,
        CellsPerMillilitre = 1e6m,
        ViabilityPercent = 95m,
        VolumeMillilitres = 200m,
        Storage = StorageCondition.Cryopreserved,
        StorageLocation = "tank 1",
        ExpiresOn = new DateOnly(2027, 10, 1),
        Status = status,
    };

    /// <summary>
    /// Site A: a released and a quarantined lot and patient A-001; site B: a released lot. A coordinator at A.
    /// </summary>
    private async Task<(Guid Patient, Guid OtherSiteLot)> ArrangeAsync()
    {
        var patient = Guid.CreateVersion7();
        var siteA = Guid.CreateVersion7();
        var siteB = Guid.CreateVersion7();
        var lotB = Lot(siteB, "B-LOT-REL", LotStatus.Released);
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.AddRange(new Site { Id = siteA, Code = "A", Name = "Site A" }, new Site { Id = siteB, Code = "B", Name = "Site B" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteA, StudyId = "A-001", Sex = Sex.Female, BirthYear = 1985 });
            db.CellLots.AddRange(Lot(siteA, "A-LOT-REL", LotStatus.Released), Lot(siteA, "A-LOT-QUA", LotStatus.Quarantine), lotB);
            await db.SaveChangesAsync(Ct);
        }

        await browser.Factory.AddUserAsync("coord.a", false, ("A", SiteRole.Coordinator));
        return (patient, lotB.Id);
    }

    [Fact]
    public async Task Lots_CoordinatorOfSiteA_SeesOnlySiteALotsOtherSiteLotNotFoundInfusionPickListOwnSiteOnly()
    {
        var (patient, otherSiteLot) = await ArrangeAsync();
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("User name").FillAsync("coord.a");
        await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).Not.ToHaveTextAsync("Sign in");

        // The lot list: site A's two lots, nothing of site B.
        await page.GotoAsync("/lots");
        var rows = page.Locator("#lots tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        (await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.lot).sort()")).ShouldBe(["A-LOT-QUA", "A-LOT-REL"]);
        await Expect(page.Locator("#lots")).Not.ToContainTextAsync("B-LOT-REL");
        await ShotAsync(page, "01-site-a");

        // Site B's lot, by its address: the same not-found page as another site's patient.
        var notFound = await page.GotoAsync($"/lots/{otherSiteLot}");
        notFound!.Status.ShouldBe((int)HttpStatusCode.NotFound);
        await Expect(page.Locator("body")).Not.ToContainTextAsync("B-LOT-REL");

        // The infusion form's pick list: the released lots of the patient's site only.
        await page.GotoAsync($"/patients/{patient}/infusion");
        var options = page.Locator("#LotNumber option[value]:not([value=''])");
        (await options.EvaluateAllAsync<string[]>("os => os.map(o => o.value)")).ShouldBe(["A-LOT-REL"]);
        await ShotAsync(page, "02-infusion-pick-list");

        // The 404 page logs its status in the console; nothing else may.
        errors.ShouldAllBe(e => e.Contains("404", StringComparison.Ordinal));
    }
}
