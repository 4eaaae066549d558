// Source: issue #20 "CAR-T in lupus": the study report's CAR-T section. Every expected figure below is derived by hand
// from the demo's three SYNTHETIC CAR-T patients (src/Stroma.Data/Demo/DemoCarT.cs, docs/cell-therapy.md):
//   S2-CART-1, day 0 2025-03-10: CRS grades days 1-14 = 1,2,2,1,0,...; ICANS = 0,0,0,1,1,0,...; early ICAHT 1, late 0;
//             visits to month 12 (2026-03-10).
//   S2-CART-2, day 0 2025-05-12: CRS = 1,1,0,...; ICANS all 0; ICAHT 0 and 0; visits to month 12 (2026-05-12).
//   S2-CART-3, day 0 2023-09-04: CRS and ICANS all 0; ICAHT 0 and 0; visits to year 2 (2025-09-04).
// Kaplan-Meier checked with R 4.2, survival 3.5:
//   summary(survfit(Surv(c(1, 1, 14), c(1, 1, 0)) ~ 1))  -> time 1: n.risk 3, n.event 2, survival 0.333,
//       lower 95% CI 0.06727839085, upper 1 (log intervals); median 1.
//   summary(survfit(Surv(c(4, 14, 14), c(1, 0, 0)) ~ 1)) -> time 4: n.risk 3, n.event 1, survival 0.667,
//       lower 0.2995071304, upper 1; median not reached.
using Shouldly;
using Stroma.Data.Demo;
using Stroma.Data.Report;

namespace Stroma.Data.Tests.Report;

public sealed class CarTReportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> DemoAsync(DatabaseEngine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("demo", ManualClock.At("2026-11-25T09:00:00Z"));
        await DemoRegistry.CreateAsync(db, new DemoOptions(), Token);
        return database;
    }

    private static async Task<StudyReport> ReportAsync(TestDatabase database, string protocol, params string[] sites)
    {
        await using var db = database.Open();
        return await StudyReportBuilder.BuildAsync(db, new StudyReportOptions(protocol, sites), Token);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Build_DemoCarTProtocol_GradesOnsetsAndFollowUpEqualTheHandDerivedFigures(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);

        var carT = (await ReportAsync(database, "s2_car_t_sle")).CarT.ShouldNotBeNull();

        carT.Infused.ShouldBe(3);
        Grades(carT, "crs").ShouldBe([1, 1, 1, 0, 0]);
        Grades(carT, "icans").ShouldBe([2, 1, 0, 0, 0]);
        Grades(carT, "icaht_early").ShouldBe([2, 1, 0, 0, 0]);
        Grades(carT, "icaht_late").ShouldBe([3, 0, 0, 0, 0]);
        carT.MaximumGrades.ShouldAllBe(g => g.Graded == 3 && g.NotGraded == 0);

        // CRS: onsets on day 1 and day 1; durations days 1-4 (4) and days 1-2 (2). ICANS: day 4, days 4-5 (2).
        carT.Episodes.Single(e => e.Toxicity == "crs").ShouldBe(new CarTEpisodes("crs", 2, 1, 1, 1, 3, 2, 4));
        carT.Episodes.Single(e => e.Toxicity == "icans").ShouldBe(new CarTEpisodes("icans", 1, 4, 4, 4, 2, 2, 2));

        var crs = carT.TimeToOnset.Single(c => c.Toxicity == "crs");
        (crs.N, crs.Events, crs.MedianDays).ShouldBe((3, 2, 1.0));
        var first = crs.Curve[0];
        (first.Time, first.AtRisk, first.Events).ShouldBe((1.0, 3, 2));
        first.Survival.ShouldBe(1.0 / 3, 1e-12);
        first.Lower!.Value.ShouldBe(0.06727839085, 1e-9);
        var icans = carT.TimeToOnset.Single(c => c.Toxicity == "icans");
        (icans.N, icans.Events, icans.MedianDays).ShouldBe((3, 1, (double?)null));
        icans.Curve[0].Survival.ShouldBe(2.0 / 3, 1e-12);
        icans.Curve[0].Lower!.Value.ShouldBe(0.2995071304, 1e-9);

        carT.Treatments.ShouldBe(new CarTTreatments(28, 0, 0));

        // Year 1: all three have a visit at month 12 or later; year 2: only S2-CART-3 (its year-2 visit); year 3: nobody yet.
        carT.Retention.ShouldBe(
        [
            new CarTRetentionYear(1, 3, 3, 0, 0, 0),
            new CarTRetentionYear(2, 3, 1, 0, 0, 2),
            new CarTRetentionYear(3, 3, 0, 0, 0, 3),
        ]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Build_ProtocolWithoutCarTOrSiteWithoutItsPatients_HasNoSectionOrNoPatients(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);

        (await ReportAsync(database, "wang_2014")).CarT.ShouldBeNull();
        var otherSite = (await ReportAsync(database, "s2_car_t_sle", "S1")).CarT.ShouldNotBeNull();
        otherSite.Infused.ShouldBe(0);
        otherSite.TimeToOnset.ShouldBeEmpty();
        otherSite.MaximumGrades.ShouldAllBe(g => g.Graded == 0 && g.ByGrade.All(n => n == 0));
        (await ReportAsync(database, "s2_car_t_sle", "S2")).CarT!.Infused.ShouldBe(3);
    }

    private static int[] Grades(CarTSection section, string toxicity) => [.. section.MaximumGrades.Single(g => g.Toxicity == toxicity).ByGrade];
}
