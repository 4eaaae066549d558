// Source: issue #8 "Lab entry (single and a panel at once) with unit choice, conversion and flags; lab import upload
// with the reject report" and docs/web.md "Lab entry and lab import". Factors and ranges are the catalog's
// (docs/labs.md): creatinine 1 mg/dL = 88.4 µmol/L (AMA table; creatinine has no default range, so the test enters the
// laboratory's printed range 0.6-1.2 mg/dL, an illustrative value); default urea 2.5-6.5 mmol/L,
// potassium 3.5-5.5 mmol/L with critical ≤2.8 / ≥6.2 (the published example laboratory); urea nitrogen (bun) has no
// sourced default (LAB010).
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using LabFlag = Stroma.Clinical.Labs.LabFlag;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.LabEntry;

/// <summary>A registry with sites A and B, a patient, visit and laboratory at each, and the accounts the tests need.</summary>
public static class LabSeed
{
    public sealed record Records(Guid PatientA, Guid PatientB, Guid VisitA, Guid LabA);

    public static async Task<Records> SeedAsync(WebFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var ids = new Dictionary<string, Guid>();
        foreach (var site in new[] { "A", "B" })
        {
            var siteId = ids[$"site.{site}"] = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
            db.Laboratories.Add(new Laboratory { Id = ids[$"lab.{site}"] = Guid.CreateVersion7(), SiteId = siteId, Code = "LAB", Name = $"Lab {site}" });
            db.Patients.Add(new Patient { Id = ids[$"patient.{site}"] = Guid.CreateVersion7(), SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1985 });
            db.Visits.Add(new Visit { Id = ids[$"visit.{site}"] = Guid.CreateVersion7(), PatientId = ids[$"patient.{site}"], VisitDate = new DateOnly(2024, 3, 1), Type = "baseline" });
        }

        await db.SaveChangesAsync();
        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        await factory.AddUserAsync("coord2", false, ("A", SiteRole.Coordinator));
        await factory.AddUserAsync("monitor", false, ("A", SiteRole.Monitor));
        await factory.AddUserAsync("stats", false, ("A", SiteRole.Statistician));
        return new Records(ids["patient.A"], ids["patient.B"], ids["visit.A"], ids["lab.A"]);
    }

    /// <summary>A low C3 (0.62 g/L) of patient A from laboratory A at <paramref name="time"/>, with the laboratory's note.</summary>
    public static async Task AddC3Async(WebFactory factory, Records seed, DateTimeOffset time, string note)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(seed);
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        db.LabResults.Add(new LabResult
        {
            Id = Guid.CreateVersion7(),
            PatientId = seed.PatientA,
            LaboratoryId = seed.LabA,
            Analyte = "c3",
            SpecimenTime = time,
            ReportedValue = "0.62",
            ReportedUnit = "g/L",
            NormalisedValue = 0.62m,
            NormalisedUnit = "g/L",
            Flag = LabFlag.Low,
            Note = note,
        });
        await db.SaveChangesAsync();
    }
}

public sealed class LabEntryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<LabResult>> ResultsAsync(WebFactory factory, Guid patient)
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().LabResults.AsNoTracking()
            .Where(l => l.PatientId == patient).ToListAsync(Ct);
    }

    [Fact]
    public async Task Panel_HappyPath_ConvertsFlagsStoresAndAudits()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        var page = $"/patients/{seed.PatientA}/labs?Panel=Kidney";

        var form = await client.GetStringAsync(new Uri(page, UriKind.Relative), Ct);
        form.ShouldContain("name=\"v.creatinine\"");
        form.ShouldContain("name=\"u.creatinine\"");
        form.ShouldContain("<option value=\"mg/dL\">mg/dL</option>");

        using var response = await Html.PostFormAsync(client, page, ("SpecimenTime", "2024-03-01T08:30"), ("Offset", "+08:00"),
            ("VisitId", seed.VisitA.ToString()), ("LaboratoryId", seed.LabA.ToString()),
            ("v.creatinine", "1.5"), ("u.creatinine", "mg/dL"), ("r.creatinine", "0.6-1.2"), ("v.urea", "4"), ("u.urea", "mmol/L"), ("v.bun", "12"), ("u.bun", "mg/dL"));
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("3 results saved");
        html.ShouldContain("132.6 umol/L");
        html.ShouldContain("<td class=\"flag flag-H\">H</td>");
        html.ShouldContain("No reference range configured: not flagged.");
        html.ShouldContain("LAB010");

        var rows = await ResultsAsync(factory, seed.PatientA);
        rows.Count.ShouldBe(3);
        var creatinine = rows.Single(r => r.Analyte == "creatinine");
        creatinine.ReportedValue.ShouldBe("1.5");
        creatinine.ReportedUnit.ShouldBe("mg/dL");
        creatinine.NormalisedValue.ShouldBe(132.6m);
        creatinine.NormalisedUnit.ShouldBe("umol/L");
        creatinine.Flag.ShouldBe(LabFlag.High);
        creatinine.VisitId.ShouldBe(seed.VisitA);
        creatinine.LaboratoryId.ShouldBe(seed.LabA);
        creatinine.SpecimenTime.ShouldBe(new DateTimeOffset(2024, 3, 1, 0, 30, 0, TimeSpan.Zero));
        creatinine.CreatedBy.ShouldBe("coord");
        rows.Single(r => r.Analyte == "urea").Flag.ShouldBe(LabFlag.Normal);
        rows.Single(r => r.Analyte == "bun").Flag.ShouldBe(LabFlag.None);

        await using var scope = factory.Scope();
        var audit = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().AuditEntries.AsNoTracking()
            .Where(a => a.Entity == nameof(LabResult) && a.EntityKey == creatinine.Id.ToString()).ToListAsync(Ct);
        audit.ShouldNotBeEmpty();
        audit.ShouldAllBe(a => a.UserName == "coord");

        // The same specimen again is refused, not stored twice.
        using var again = await Html.PostFormAsync(client, page, ("SpecimenTime", "2024-03-01T08:30"), ("Offset", "+08:00"),
            ("v.creatinine", "1.5"), ("u.creatinine", "mg/dL"));
        (await again.Content.ReadAsStringAsync(Ct)).ShouldContain("is already recorded for this patient");
        (await ResultsAsync(factory, seed.PatientA)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task Panel_UnreadableReportedRange_ErrorOnTheRangeField_NothingStored()
    {
        // Issue #16: a range "abc" must not be dropped for the default one (creatinine 90 is high against the report's 45-84).
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        var page = $"/patients/{seed.PatientA}/labs?Panel=Kidney";

        using var response = await Html.PostFormAsync(client, page, ("SpecimenTime", "2024-03-01T08:30"), ("Offset", "+08:00"),
            ("v.creatinine", "90"), ("u.creatinine", "umol/L"), ("r.creatinine", "abc"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("\"abc\" was not saved");
        html.ShouldContain("LAB007");
        html.ShouldContain("name=\"r.creatinine\" value=\"abc\"");
        html.ShouldContain("aria-invalid=\"true\">");
        (await ResultsAsync(factory, seed.PatientA)).ShouldBeEmpty();

        using var fromReport = await Html.PostFormAsync(client, page, ("SpecimenTime", "2024-03-01T08:30"), ("Offset", "+08:00"),
            ("v.creatinine", "90"), ("u.creatinine", "umol/L"), ("r.creatinine", "45-84"));
        (await ResultsAsync(factory, seed.PatientA)).ShouldHaveSingleItem().Flag.ShouldBe(LabFlag.High);
    }

    [Fact]
    public async Task Panel_SignedVisit_RefusedOnTheVisitField_NothingStored()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var visit = await db.Visits.SingleAsync(v => v.Id == seed.VisitA, Ct);
            (visit.SignedBy, visit.SignedByName, visit.SignedAt, visit.SignatureMeaning) = ("inv", "Dr Inv", new DateTimeOffset(2024, 3, 2, 9, 0, 0, TimeSpan.Zero), "I confirm");
            db.ChangeReason = "signed";
            await db.SaveChangesAsync(Ct);
        }

        using var client = await factory.SignedInAsync("coord");
        using var response = await Html.PostFormAsync(client, $"/patients/{seed.PatientA}/labs?Panel=Kidney", ("SpecimenTime", "2024-03-01T08:30"), ("Offset", "+08:00"),
            ("VisitId", seed.VisitA.ToString()), ("v.creatinine", "90"), ("u.creatinine", "umol/L"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("The chosen visit is signed and locked");
        html.ShouldContain("signed by Dr Inv (inv)");
        (await ResultsAsync(factory, seed.PatientA)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Single_CriticalPotassium_FlaggedLL()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        using var response = await Html.PostFormAsync(client, $"/patients/{seed.PatientA}/labs?Analyte=potassium",
            ("SpecimenTime", "2024-03-02T09:00"), ("Offset", "+08:00"), ("v.potassium", "2.5"), ("u.potassium", "mmol/L"));
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("<td class=\"flag flag-LL\">LL</td>");
        (await ResultsAsync(factory, seed.PatientA)).Single().Flag.ShouldBe(LabFlag.CriticalLow);
    }

    [Fact]
    public async Task Panel_TextInNumericField_PerFieldErrorAndNothingStored()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord", "zh-CN");
        using var response = await Html.PostFormAsync(client, $"/patients/{seed.PatientA}/labs?Panel=Kidney",
            ("SpecimenTime", "2024-03-01T08:30"), ("Offset", "+08:00"),
            ("v.creatinine", "abc"), ("u.creatinine", "umol/L"), ("v.urea", "4"), ("u.urea", "mmol/L"));
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("<a href=\"#i-v.creatinine\">Creatinine (serum/plasma)：“abc”未保存：LAB004");
        html.ShouldContain("aria-invalid=\"true\"");
        (await ResultsAsync(factory, seed.PatientA)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Panel_UnitNotConvertible_Refused()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        using var response = await Html.PostFormAsync(client, $"/patients/{seed.PatientA}/labs?Panel=Kidney",
            ("SpecimenTime", "2024-03-01T08:30"), ("Offset", "+08:00"), ("v.creatinine", "100"), ("u.creatinine", "U/L"));
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("href=\"#i-u.creatinine\"");
        html.ShouldContain("LAB003");
        (await ResultsAsync(factory, seed.PatientA)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("monitor")]
    [InlineData("stats")]
    public async Task Entry_WithoutEditRights_Forbidden(string user)
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync(user);
        var page = $"/patients/{seed.PatientA}/labs?Panel=Kidney";
        using var get = await client.GetAsync(new Uri(page, UriKind.Relative), Ct);
        get.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var token = Html.Token(await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct));
        using var content = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("SpecimenTime", "2024-03-01T08:30"), new("v.creatinine", "90")]);
        using var post = await client.PostAsync(new Uri(page, UriKind.Relative), content, Ct);
        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ResultsAsync(factory, seed.PatientA)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Entry_OtherSitesPatient_NotFound()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        var page = $"/patients/{seed.PatientB}/labs?Panel=Kidney";
        using var get = await client.GetAsync(new Uri(page, UriKind.Relative), Ct);
        get.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var token = Html.Token(await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct));
        using var content = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("SpecimenTime", "2024-03-01T08:30"), new("Offset", "+08:00"),
            new("v.creatinine", "90"), new("u.creatinine", "umol/L")]);
        using var post = await client.PostAsync(new Uri(page, UriKind.Relative), content, Ct);
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ResultsAsync(factory, seed.PatientB)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Timeline_Editor_LinksToLabEntry_MonitorDoesNot()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var coordinator = await factory.SignedInAsync("coord");
        (await coordinator.GetStringAsync(new Uri($"/patients/{seed.PatientA}", UriKind.Relative), Ct)).ShouldContain($"href=\"/patients/{seed.PatientA}/labs\"");
        using var monitor = await factory.SignedInAsync("monitor");
        (await monitor.GetStringAsync(new Uri($"/patients/{seed.PatientA}", UriKind.Relative), Ct)).ShouldNotContain($"/patients/{seed.PatientA}/labs");
    }
}
