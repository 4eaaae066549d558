// Source: docs/report.md "Baseline characteristics": disease duration is the time from the first classification date
// to the baseline visit (months = days / 30.4375), and the nephritis subgroup is the enrolled patients with a lupus
// nephritis biopsy recorded; deleted diagnoses count for neither. The expected figures are derived here with EF Core.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Statistics;
using Stroma.Data.Model;
using Stroma.Data.Report;

namespace Stroma.Data.Tests.Report;

public sealed class ReportCohortDiagnosesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Build_DiseaseDurationAndNephritis_FromTheFirstClassificationAndAnyBiopsyNotDeleted(DatabaseEngine engine)
    {
        await using var database = await StudyReportTests.DemoAsync(engine);

        await using (var db = database.Open("dr.s1", ManualClock.At("2026-12-01T00:00:00Z")))
        {
            var cohort = await db.Patients.Where(p => p.DeletedAt == null && p.Site!.Code != "CR"
                    && db.ProtocolEnrolments.Any(e => e.PatientId == p.Id && e.ProtocolKey == "wang_2014" && e.DeletedAt == null))
                .OrderBy(p => p.StudyId).Select(p => p.Id).ToListAsync(Token);
            var withoutBiopsy = await db.Patients.Where(p => cohort.Contains(p.Id)
                    && !db.Diagnoses.Any(d => d.PatientId == p.Id && d.Kind == DiagnosisKind.LupusNephritisBiopsy))
                .Select(p => p.Id).ToListAsync(Token);
            withoutBiopsy.ShouldNotBeEmpty("the demo cohort has patients without a biopsy (38 of 40 have one)");
            Diagnosis Add(Guid patient, DiagnosisKind kind, DateOnly date)
            {
                var diagnosis = new Diagnosis { Id = Guid.NewGuid(), PatientId = patient, Kind = kind, DiagnosisDate = date };
                db.Diagnoses.Add(diagnosis);
                return diagnosis;
            }

            // Every patient gets a second, later classification (the first still counts) and an earlier one that is
            // deleted; every patient without a biopsy gets one that is deleted. Counting either deleted kind, or the
            // last classification instead of the first, changes every figure below.
            var deleted = new List<Diagnosis>();
            foreach (var patient in cohort)
            {
                Add(patient, DiagnosisKind.Classification, new DateOnly(2013, 12, 1));
                deleted.Add(Add(patient, DiagnosisKind.Classification, new DateOnly(1990, 1, 1)));
            }

            deleted.AddRange(withoutBiopsy.Select(patient => Add(patient, DiagnosisKind.LupusNephritisBiopsy, new DateOnly(2012, 6, 1))));
            await db.SaveChangesAsync(Token);
            foreach (var diagnosis in deleted)
            {
                db.MarkDeleted(diagnosis, "entered in error");
            }

            await db.SaveChangesAsync(Token);
        }

        await using (var db = database.Open("reader", ManualClock.At("2026-12-11T00:00:00Z")))
        {
            var report = await StudyReportBuilder.BuildAsync(db, new StudyReportOptions("wang_2014", []), Token);
            var enrolled = await db.Patients.Where(p => p.DeletedAt == null
                    && db.ProtocolEnrolments.Any(e => e.PatientId == p.Id && e.ProtocolKey == "wang_2014" && e.DeletedAt == null)
                    && db.Visits.Any(v => v.PatientId == p.Id && v.Type == "baseline" && v.DeletedAt == null))
                .Select(p => new
                {
                    Baseline = db.Visits.Where(v => v.PatientId == p.Id && v.Type == "baseline" && v.DeletedAt == null).Min(v => v.VisitDate),
                    Classifications = db.Diagnoses.Where(d => d.PatientId == p.Id && d.Kind == DiagnosisKind.Classification && d.DeletedAt == null).Select(d => d.DiagnosisDate).ToList(),
                    Biopsy = db.Diagnoses.Any(d => d.PatientId == p.Id && d.Kind == DiagnosisKind.LupusNephritisBiopsy && d.DeletedAt == null),
                })
                .ToListAsync(Token);
            var durations = enrolled.Where(p => p.Classifications.Count > 0)
                .Select(p => (p.Baseline.DayNumber - p.Classifications.Min().DayNumber) / 30.4375).ToList();
            var expected = Descriptive.Summarise(durations);

            report.Baseline.N.ShouldBe(enrolled.Count);
            report.Baseline.BiopsyProvenNephritis.ShouldBe(enrolled.Count(p => p.Biopsy));
            report.Baseline.DiseaseDurationN.ShouldBe(durations.Count);
            (report.Baseline.DiseaseDurationMedianMonths, report.Baseline.DiseaseDurationQ1, report.Baseline.DiseaseDurationQ3)
                .ShouldBe((expected.Median, expected.Q1, expected.Q3));
            report.Baseline.BiopsyProvenNephritis.ShouldBeLessThan(report.Baseline.N, "the deleted biopsies are not counted");
        }
    }
}
