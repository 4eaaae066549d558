// Source: issue #15 "queries are ... counted in the study report (open/answered/closed, age)" and docs/report.md
// "Data quality": per site of the report, the cohort's queries by status, the open ones' age in whole days, and the
// cohort's visits with a standing source data verification mark.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Access;
using Stroma.Data.Demo;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using Stroma.Data.Report;

namespace Stroma.Data.Tests.Report;

public sealed class ReportDataQualityTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<UserAccess> MonitorAsync(StromaDbContext db, string name, string site)
    {
        var user = new User { Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name };
        db.Users.Add(user);
        db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, SiteId = db.Sites.Single(s => s.Code == site).Id, Role = SiteRole.Monitor, StartDate = new DateOnly(2020, 1, 1) });
        await db.SaveChangesAsync(Token);
        return await UserAccess.LoadAsync(db, name, new DateOnly(2026, 12, 1), Token);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Build_QueriesAndSdvOfTheCohort_CountedPerSiteWithTheOpenQueriesAge(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var demo = database.Open("demo", ManualClock.At("2026-11-25T09:00:00Z")))
        {
            await DemoRegistry.CreateAsync(demo, new DemoOptions(), Token);
        }

        var clock = ManualClock.At("2026-12-01T00:00:00Z");
        await using (var db = database.Open("mon.s1", clock))
        {
            var monitor = await MonitorAsync(db, "mon.s1", "S1");
            var visits = await db.Visits.Where(v => v.Patient!.StudyId.StartsWith("S1-") && v.Type == "baseline").OrderBy(v => v.Patient!.StudyId)
                .Select(v => v.Id).Take(2).ToListAsync(Token);
            var q1 = await Queries.OpenAsync(db, monitor, new QueryTarget("visit", visits[0], "visit.date"), "Date as in the source?", Token);
            clock.Advance(TimeSpan.FromDays(4));
            var q2 = await Queries.OpenAsync(db, monitor, new QueryTarget("visit", visits[0], "visit.type"), "Type?", Token);
            clock.Advance(TimeSpan.FromDays(1));
            var q3 = await Queries.OpenAsync(db, monitor, new QueryTarget("visit", visits[1], "visit.date"), "Date?", Token);
            (await Queries.CloseAsync(db, monitor, q2.Value!.Id, "Seen in the source.", Token)).Succeeded.ShouldBeTrue();
            (await SourceDataVerification.MarkAsync(db, monitor, visits[1], null, new SdvSigner("mon.s1", "Monitor S1"), Token)).Succeeded.ShouldBeTrue();
            (q1.Succeeded, q3.Succeeded).ShouldBe((true, true));
        }

        StudyReport both, s2Only;
        int s1Visits, s2Visits;
        await using (var db = database.Open("reader", ManualClock.At("2026-12-11T00:00:00Z")))
        {
            both = await StudyReportBuilder.BuildAsync(db, new StudyReportOptions("wang_2014", ["S1", "S2"]), Token);
            s2Only = await StudyReportBuilder.BuildAsync(db, new StudyReportOptions("wang_2014", ["S2"]), Token);
            // The cohort's visits counted here by the definition (docs/report.md "Data quality"), independently of the
            // report's stream of visits: every visit not deleted of a patient not deleted, enrolled on the protocol, with a
            // baseline visit.
            Task<int> CohortVisitsAsync(string site) => db.Visits.CountAsync(v => v.DeletedAt == null && v.Patient!.DeletedAt == null && v.Patient.Site!.Code == site
                && db.ProtocolEnrolments.Any(e => e.PatientId == v.PatientId && e.ProtocolKey == "wang_2014" && e.DeletedAt == null)
                && db.Visits.Any(b => b.PatientId == v.PatientId && b.Type == "baseline" && b.DeletedAt == null), Token);
            (s1Visits, s2Visits) = (await CohortVisitsAsync("S1"), await CohortVisitsAsync("S2"));
        }

        var s1 = both.DataQuality!.Sites.Single(s => s.Site == "S1");
        var s2 = both.DataQuality.Sites.Single(s => s.Site == "S2");
        (s1.OpenQueries, s1.AnsweredQueries, s1.ClosedQueries).ShouldBe((2, 0, 1));
        (s1.MedianOpenAgeDays, s1.OldestOpenAgeDays).ShouldBe((7.5, 10), "open 10 and 5 days before the report");
        s1.VerifiedVisits.ShouldBe(1);
        (s1.Visits, s2.Visits).ShouldBe((s1Visits, s2Visits));
        s1Visits.ShouldBeGreaterThan(1);
        (s2.OpenQueries, s2.AnsweredQueries, s2.ClosedQueries, s2.MedianOpenAgeDays, s2.OldestOpenAgeDays, s2.VerifiedVisits).ShouldBe((0, 0, 0, (double?)null, (int?)null, 0));
        s2Only.DataQuality!.Sites.Select(s => s.Site).ShouldBe(["S2"]);
        s2Only.DataQuality.Sites[0].Visits.ShouldBe(s2.Visits);
    }
}
