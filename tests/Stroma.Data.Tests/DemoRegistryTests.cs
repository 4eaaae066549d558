// Source: issue #5 "Demo and scale data"; published rows from Wang D et al. Arthritis Res Ther 2014;16:R79 Table 1
// (patients 1–13) and Table 2 (adverse events), as transcribed in docs/sources/responses.md.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Demo;
using Stroma.Data.Model;

namespace Stroma.Data.Tests;

public sealed class DemoRegistryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> DemoAsync(DatabaseEngine engine, DemoOptions options)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("demo", ManualClock.At("2026-11-25T09:00:00Z"));
        await DemoRegistry.CreateAsync(db, options, Token);
        return database;
    }

    [Fact]
    public async Task CreateAsync_ManyPatients_ReportsProgressAfterEachBlockUpToTheTotal()
    {
        // `stroma demo --patients 100000` runs for minutes; the command shows this progress on a terminal.
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var db = database.Open("demo", ManualClock.At("2026-11-25T09:00:00Z"));
        var reports = new List<(int Done, int Total)>();

        await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 4100, IncludeSeedCases: false, IncludeLabs: false), new Recorder(reports), Token);

        reports.ShouldBe([(2000, 4100), (4000, 4100), (4100, 4100)]);
        (await db.Patients.CountAsync(Token)).ShouldBe(4100);
    }

    private sealed class Recorder(List<(int Done, int Total)> reports) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => reports.Add(value);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Create_DefaultCohort_Has40PatientsAt4SitesPlusTheTwoSeedCases(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine, new DemoOptions());
        await using var db = database.Open();

        (await db.Patients.CountAsync(p => p.Site!.Code != "CR" && p.StudyId != "DEMO-NOW-1" && !p.StudyId.Contains("CART"), Token)).ShouldBe(40);
        (await db.Patients.Where(p => p.StudyId == "DEMO-NOW-1").Select(p => p.Site!.Code).SingleAsync(Token)).ShouldBe("S1", "the synthetic in-progress patient");
        (await db.Patients.Where(p => p.Site!.Code == "CR").Select(p => p.StudyId).OrderBy(s => s).ToListAsync(Token)).ShouldBe(["CR-001", "CR-002"]);
        (await db.Patients.Where(p => p.Site!.Code != "CR").Select(p => p.SiteId).Distinct().CountAsync(Token)).ShouldBe(4);
        (await db.Deaths.CountAsync(Token)).ShouldBe(3);
        var case1Infusions = await db.Visits.Where(v => v.Patient!.StudyId == "CR-001").OrderBy(v => v.VisitDate).Select(v => v.VisitDate).ToListAsync(Token);
        case1Infusions.ShouldBe([new DateOnly(2017, 8, 4), new DateOnly(2017, 9, 14), new DateOnly(2017, 10, 12)]);
        (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Create_CarTBlock_ThreeSyntheticPatientsWithTheirGradesLymphodepletionAndInfusion(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine, new DemoOptions());
        await using var db = database.Open();

        var patients = await db.Patients.Where(p => p.StudyId.Contains("CART")).Select(p => new { p.StudyId, Site = p.Site!.Code }).ToListAsync(Token);
        patients.OrderBy(p => p.StudyId).Select(p => (p.StudyId, p.Site)).ShouldBe([("S2-CART-1", "S2"), ("S2-CART-2", "S2"), ("S2-CART-3", "S2")]);
        (await db.Diagnoses.Where(d => d.Patient!.StudyId.Contains("CART")).AllAsync(d => d.Notes!.StartsWith("SYNTHETIC"), Token)).ShouldBeTrue();
        var grades = await db.Assessments.Where(a => a.Patient!.StudyId.Contains("CART") && (a.Instrument == "crs_astct2019" || a.Instrument == "icans_astct2019"))
            .Select(a => new { a.Patient!.StudyId, a.Instrument, a.Grade }).ToListAsync(Token);
        grades.Count.ShouldBe(3 * 14 * 2, "CRS and ICANS on each of days 1-14");
        // Grades are stored as "No CRS" / "No ICANS" or "Grade N".
        int Max(string id, string instrument) => grades.Where(g => g.StudyId == id && g.Instrument == instrument)
            .Max(g => g.Grade!.StartsWith("No ", StringComparison.Ordinal) ? 0 : g.Grade[^1] - '0');
        (Max("S2-CART-1", "crs_astct2019"), Max("S2-CART-1", "icans_astct2019")).ShouldBe((2, 1));
        (Max("S2-CART-2", "crs_astct2019"), Max("S2-CART-2", "icans_astct2019")).ShouldBe((1, 0));
        (Max("S2-CART-3", "crs_astct2019"), Max("S2-CART-3", "icans_astct2019")).ShouldBe((0, 0));
        grades.Where(g => g.Instrument == "crs_astct2019").Select(g => g.Grade).Distinct().Order(StringComparer.Ordinal).ShouldBe(["Grade 1", "Grade 2", "No CRS"]);
        (await db.Lymphodepletions.CountAsync(Token)).ShouldBe(6);
        (await db.Infusions.Where(i => i.ComponentKey == "car_t").Select(i => i.Patient!.StudyId).OrderBy(s => s).ToListAsync(Token)).ShouldBe(["S2-CART-1", "S2-CART-2", "S2-CART-3"]);
        (await db.Visits.Where(v => v.Patient!.StudyId == "S2-CART-3").Select(v => v.Type).ToListAsync(Token)).ShouldContain("year_2");
        (await db.ProtocolEnrolments.CountAsync(e => e.ProtocolKey == "wang_2014", Token)).ShouldBe(40, "the calibrated MSC cohort is unchanged");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Create_PublishedRows_KeepBaselineSledaiAndVisitSchedule(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine, new DemoOptions());
        await using var db = database.Open();

        // Table 1, patient 8: baseline SLEDAI 34; patient 1: 17.
        var baseline = await db.Assessments.Where(a => a.Visit!.Type == "baseline" && a.Instrument == "sledai2k")
            .Select(a => new { a.Patient!.StudyId, a.Total }).ToListAsync(Token);
        baseline.Single(b => b.StudyId == "S4-008").Total.ShouldBe(34m);
        baseline.Single(b => b.StudyId == "S1-001").Total.ShouldBe(17m);
        var types = await db.Visits.Where(v => v.Patient!.StudyId == "S1-001").OrderBy(v => v.VisitDate).Select(v => v.Type).ToListAsync(Token);
        types.ShouldBe(["baseline", "infusion_2", "month_1", "month_3", "month_6", "month_9", "month_12"]);

        // Table 2: patient 9 died on day 7, so has no visit from day 7 on.
        var nine = await db.Patients.SingleAsync(p => p.StudyId == "S1-009", Token);
        var death = await db.Deaths.SingleAsync(d => d.PatientId == nine.Id, Token);
        (await db.Visits.Where(v => v.PatientId == nine.Id).MaxAsync(v => v.VisitDate, Token)).ShouldBeLessThan(death.DeathDate);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Create_LabDependentDescriptors_AgreeWithThatVisitsLabs(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine, new DemoOptions());
        await using var db = database.Open();
        var assessments = await db.Assessments.Where(a => a.Instrument == "sledai2k").ToListAsync(Token);
        var labs = (await db.LabResults.Where(l => l.VisitId != null).ToListAsync(Token)).ToLookup(l => (l.VisitId, l.Analyte));

        assessments.Count.ShouldBe(192, "SLEDAI-2K of 40 patients at baseline, 39 at months 3 and 6, 37 at months 9 and 12 (none at month 1)");
        foreach (var assessment in assessments)
        {
            var present = JsonSerializer.Deserialize<Dictionary<string, bool>>(assessment.InputsJson)!.Where(kv => kv.Value).Select(kv => kv.Key).ToHashSet();
            decimal Lab(string analyte) => labs[(assessment.VisitId, analyte)].Single().NormalisedValue!.Value;
            (Lab("c3") < 0.9m).ShouldBe(present.Contains("low_complement"), $"C3 vs low_complement at {assessment.Id}");
            (Lab("anti_dsdna") > 30m).ShouldBe(present.Contains("increased_dna_binding"));
            (Lab("urine_protein_24h") > 0.5m).ShouldBe(present.Contains("proteinuria"));
            (Lab("urine_rbc_hpf") > 5m).ShouldBe(present.Contains("hematuria"));
            (Lab("platelets") < 100m).ShouldBe(present.Contains("thrombocytopenia"));
            (Lab("wbc") < 3m).ShouldBe(present.Contains("leukopenia"));
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Create_StoredAssessments_RecomputeToTheSameTotal(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine, new DemoOptions(Patients: 6));
        await using var db = database.Open();
        var assessments = await db.Assessments.ToListAsync(Token);

        assessments.ShouldNotBeEmpty();
        foreach (var assessment in assessments)
        {
            var again = AssessmentScoring.Recompute(assessment)!;
            again.Total.ShouldBe(assessment.Total);
            again.Version.ShouldBe(assessment.AlgorithmVersion);
            assessment.ResultJson.ShouldContain("\"Contributions\"");
        }
    }

    [Fact]
    public async Task Create_SameSeedTwice_GivesTheSameRegistry()
    {
        await using var first = await DemoAsync(DatabaseEngine.Sqlite, new DemoOptions(Patients: 25, Seed: 7));
        await using var second = await DemoAsync(DatabaseEngine.Sqlite, new DemoOptions(Patients: 25, Seed: 7));
        await using var a = first.Open();
        await using var b = second.Open();

        var left = await a.LabResults.OrderBy(l => l.Id).Select(l => new { l.Id, l.Analyte, l.ReportedValue }).ToListAsync(Token);
        var right = await b.LabResults.OrderBy(l => l.Id).Select(l => new { l.Id, l.Analyte, l.ReportedValue }).ToListAsync(Token);
        right.ShouldBe(left);
        left.Count.ShouldBeGreaterThan(25 * 70);
    }

    [Fact]
    public async Task Create_TwoLabAnalytes_IsTheFullRegistryWithoutTheOtherAnalytesRows()
    {
        await using var full = await DemoAsync(DatabaseEngine.Sqlite, new DemoOptions(Patients: 45, Seed: 7));
        await using var few = await DemoAsync(DatabaseEngine.Sqlite, new DemoOptions(Patients: 45, Seed: 7, LabAnalytes: ["urine_protein_24h", "creatinine"]));
        await using var a = full.Open();
        await using var b = few.Open();

        var kept = await a.LabResults.Where(l => l.Analyte == "urine_protein_24h" || l.Analyte == "creatinine").OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.PatientId, l.VisitId, l.Analyte, l.ReportedValue, l.SpecimenTime }).ToListAsync(Token);
        var written = await b.LabResults.OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.PatientId, l.VisitId, l.Analyte, l.ReportedValue, l.SpecimenTime }).ToListAsync(Token);
        written.Where(w => w.Analyte is "urine_protein_24h" or "creatinine").ShouldBe(kept, "the same rows, ids and values as in the full registry");
        var cohort = b.LabResults.Where(l => l.Patient!.Site!.Code != "CR" && l.Patient.StudyId != "DEMO-NOW-1" && !l.Patient.StudyId.Contains("CART"));
        (await cohort.Where(l => l.Analyte != "urine_protein_24h" && l.Analyte != "creatinine").CountAsync(Token)).ShouldBe(0);
        (await b.LabResults.Where(l => l.Patient!.Site!.Code == "CR").Select(l => l.Analyte).Distinct().CountAsync(Token))
            .ShouldBeGreaterThan(2, "the seed cases keep their own results whatever the selection");
        (await b.Assessments.Select(x => new { x.Id, x.Total }).OrderBy(x => x.Id).ToListAsync(Token))
            .ShouldBe(await a.Assessments.Select(x => new { x.Id, x.Total }).OrderBy(x => x.Id).ToListAsync(Token));
        var perPatient = await cohort.GroupBy(l => l.PatientId).Select(g => g.Count()).ToListAsync(Token);
        perPatient.Average().ShouldBeInRange(6, 12, "about 10 results a patient");
    }

    [Fact]
    public async Task Create_UnknownLabAnalyte_IsRefusedNamingTheDemosAnalytes()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var db = database.Open("demo", ManualClock.At("2026-11-25T09:00:00Z"));

        var error = await Should.ThrowAsync<InvalidOperationException>(() => DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 3, LabAnalytes: ["crp"]), Token));
        error.Message.ShouldContain("'crp'");
        error.Message.ShouldContain("urine_protein_24h");
        (await db.Patients.CountAsync(Token)).ShouldBe(0, "nothing written");
    }

    [Fact]
    public async Task Create_NonEmptyDatabase_IsRefused()
    {
        await using var database = await DemoAsync(DatabaseEngine.Sqlite, new DemoOptions(Patients: 1));
        await using var db = database.Open();

        await Should.ThrowAsync<InvalidOperationException>(() => DemoRegistry.CreateAsync(db, new DemoOptions(), Token));
    }
}
