#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

/// <summary>Builders shared by the cell-therapy data tests and the CLI tests: a site with patients, lots with passing results, a site specification.</summary>
public static class CellTherapyFixture
{
    /// <summary>A site specification for tests: the ISCT default with viability and endotoxin limits set (fictional values, not a recommendation).</summary>
    public static ReleaseSpecification TestSpecification { get; } = ReleaseSpecification.IsctMscDefault
        .WithLimit("viability", 70m, "test-1", "test site specification (fictional)")
        .WithLimit("endotoxin", 5m, "test-2", "test site specification (fictional)");

    public static Dictionary<string, ReleaseMeasurement> PassingResults() => new(StringComparer.Ordinal)
    {
        ["cd73"] = ReleaseMeasurement.Of(98.5m),
        ["cd90"] = ReleaseMeasurement.Of(99.1m),
        ["cd105"] = ReleaseMeasurement.Of(96.2m),
        ["cd45"] = ReleaseMeasurement.Of(0.4m),
        ["cd34"] = ReleaseMeasurement.Of(0.3m),
        ["cd14"] = ReleaseMeasurement.Of(0.5m),
        ["cd19"] = ReleaseMeasurement.Of(0.2m),
        ["hla_dr"] = ReleaseMeasurement.Of(0.6m),
        ["plastic_adherence"] = ReleaseMeasurement.Outcome(true),
        ["trilineage_differentiation"] = ReleaseMeasurement.Outcome(true),
        ["viability"] = ReleaseMeasurement.Of(93m),
        ["sterility"] = ReleaseMeasurement.Outcome(true),
        ["endotoxin"] = ReleaseMeasurement.Of(0.5m),
        ["mycoplasma"] = ReleaseMeasurement.Outcome(true),
    };

    public static CellLot Lot(string id, DateOnly manufactured, DateOnly expires, CellProductType type = CellProductType.UmbilicalCordMsc) =>
        new(id, type, "D-0001", "umbilical cord", "Demo GMP facility", manufactured, 4, CellCount.Cells(2e8m),
            CellConcentration.CellsPerMillilitre(2e6m), 95m, 100m, new LotStorage(StorageCondition.Cryopreserved, "LN2 tank 1"), expires);

    public static async Task<Patient> PatientAsync(StromaDbContext db, string studyId, string siteCode = "S01")
    {
        var site = Site(db, siteCode);

        var patient = new Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = studyId, Sex = Sex.Female, BirthYear = 1980 };
        db.Patients.Add(patient);
        await db.SaveChangesAsync();
        return patient;
    }

    /// <summary>The site <paramref name="siteCode"/>, added (not yet saved) when the registry does not have it.</summary>
    public static Site Site(StromaDbContext db, string siteCode = "S01")
    {
        var site = db.Sites.Local.FirstOrDefault(s => s.Code == siteCode) ?? db.Sites.FirstOrDefault(s => s.Code == siteCode);
        if (site is null)
        {
            site = new Site { Id = Guid.NewGuid(), Code = siteCode, Name = $"Site {siteCode}" };
            db.Sites.Add(site);
        }

        return site;
    }

    /// <summary>Registers <paramref name="lot"/> at <paramref name="siteCode"/> (the site added first when the registry does not have it).</summary>
    public static async Task<Stroma.Data.CellTherapy.CellTherapyResult<CellLotRecord>> RegisterAsync(StromaDbContext db, CellLot lot, bool lotIdIsIsbt128Din = false,
        string siteCode = "S01", CancellationToken cancellationToken = default)
    {
        if (Site(db, siteCode) is var site && db.Entry(site).State == Microsoft.EntityFrameworkCore.EntityState.Added)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return await Lots.RegisterAsync(db, lot, siteCode, lotIdIsIsbt128Din, cancellationToken);
    }

    /// <summary>The late-entry reason the fixtures give: their events lie in the tests' past (ignored when an entry is on time).</summary>
    public const string History = "entered from the lot's paper records (test history)";

    /// <summary>Registers, tests and releases a lot (entered late with <see cref="History"/> when its dates are past); returns it.</summary>
    public static async Task<CellLotRecord> ReleasedLotAsync(StromaDbContext db, CellLot lot, DateTimeOffset signedAt, string siteCode = "S01")
    {
        var registered = await RegisterAsync(db, lot, siteCode: siteCode);
        if (!registered.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", registered.Issues));
        }

        await Lots.RecordTestsAsync(db, lot.LotId, PassingResults(), lot.ManufacturedOn.AddDays(7), History);
        var decided = await Lots.DecideAsync(db, lot.LotId, TestSpecification, new ReleaseDecision(ReleaseVerdict.Release, "qa.lee", signedAt, "QA release for clinical use"), lateEntryReason: History);
        if (!decided.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", decided.Issues));
        }

        return registered.Value!;
    }
}
