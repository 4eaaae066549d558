// Source: docs/report.md "Adverse events": the cohort's adverse events (not deleted) by CTCAE v5.0 grade, relatedness
// (related = possible, probable or definite), causality and seriousness, counting events and patients. The expected
// rows are counted here with EF Core from the definition, independently of the report's own read.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Model;
using Stroma.Data.Report;

namespace Stroma.Data.Tests.Report;

public sealed class ReportSafetyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Build_AdverseEvents_CountTheCohortsEventsAndPatientsOfTheChosenSites(DatabaseEngine engine)
    {
        await using var database = await StudyReportTests.DemoAsync(engine);

        await using (var db = database.Open("dr.s1", ManualClock.At("2026-12-01T00:00:00Z")))
        {
            // Two graded, possibly related events of one S1 patient of the cohort (2 events, 1 patient), and a third,
            // serious one, deleted.
            var patient = await db.Patients.Where(p => p.Site!.Code == "S1" && p.DeletedAt == null
                    && db.ProtocolEnrolments.Any(e => e.PatientId == p.Id && e.ProtocolKey == "wang_2014" && e.DeletedAt == null)
                    && db.Visits.Any(v => v.PatientId == p.Id && v.Type == "baseline" && v.DeletedAt == null))
                .OrderBy(p => p.StudyId).Select(p => p.Id).FirstAsync(Token);
            AdverseEvent Event(int days, int grade, Causality causality, bool serious) => new()
            {
                Id = Guid.NewGuid(),
                PatientId = patient,
                Term = "infusion reaction",
                OnsetDate = new DateOnly(2025, 1, 1).AddDays(days),
                CtcaeGrade = grade,
                Causality = causality,
                Serious = serious,
            };
            db.AdverseEvents.AddRange(Event(10, 2, Causality.Possible, false), Event(40, 2, Causality.Possible, false));
            var deleted = Event(50, 3, Causality.Probable, true);
            db.AdverseEvents.Add(deleted);
            await db.SaveChangesAsync(Token);
            db.MarkDeleted(deleted, "entered for the wrong patient");
            await db.SaveChangesAsync(Token);
        }

        await using (var db = database.Open("reader", ManualClock.At("2026-12-11T00:00:00Z")))
        {
            foreach (var sites in new[] { new[] { "S1", "S2", "S3", "S4" }, ["S1"], ["S2"] })
            {
                var report = await StudyReportBuilder.BuildAsync(db, new StudyReportOptions("wang_2014", sites), Token);
                var cohortEvents = await db.AdverseEvents.Where(a => a.DeletedAt == null && a.Patient!.DeletedAt == null && sites.Contains(a.Patient.Site!.Code)
                        && db.ProtocolEnrolments.Any(e => e.PatientId == a.PatientId && e.ProtocolKey == "wang_2014" && e.DeletedAt == null)
                        && db.Visits.Any(v => v.PatientId == a.PatientId && v.Type == "baseline" && v.DeletedAt == null))
                    .Select(a => new { a.PatientId, a.CtcaeGrade, a.Causality, a.Serious }).ToListAsync(Token);
                var expected = cohortEvents.GroupBy(a => (a.CtcaeGrade, a.Causality, a.Serious))
                    .Select(g => (Grade: g.Key.CtcaeGrade?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not graded", Causality: g.Key.Causality.ToString(),
                        g.Key.Serious, Events: g.Count(), Patients: g.Select(a => a.PatientId).Distinct().Count()))
                    .OrderBy(r => r.Grade, StringComparer.Ordinal).ThenBy(r => r.Causality, StringComparer.Ordinal).ThenBy(r => r.Serious).ToList();

                report.AdverseEvents.Select(r => (r.Grade, r.Causality, r.Serious, r.Events, r.Patients))
                    .OrderBy(r => r.Grade, StringComparer.Ordinal).ThenBy(r => r.Causality, StringComparer.Ordinal).ThenBy(r => r.Serious).ToList()
                    .ShouldBe(expected, string.Join(",", sites));
                report.AdverseEvents.Where(r => r.Causality == "Possible").Select(r => r.Relatedness).ShouldAllBe(r => r == "related");
                report.AdverseEvents.ShouldNotContain(r => r.Causality == "Probable", "the deleted event");
                if (sites.Contains("S1"))
                {
                    report.AdverseEvents.ShouldContain(r => r.Grade == "2" && r.Causality == "Possible" && r.Events == 2 && r.Patients == 1);
                }
                else
                {
                    report.AdverseEvents.ShouldNotContain(r => r.Causality == "Possible", "another site's events");
                }
            }
        }
    }
}
