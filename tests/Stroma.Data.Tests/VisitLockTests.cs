// Source: issue #16 "signed means locked": a signature locks everything recorded under the visit (assessments, labs,
// infusion details) on every path (web, CLI, CSV/HL7 import); one assessment per instrument per visit, a correction
// replaces it with a reason and the audit trail keeps the history; 21 CFR 11.10(e), 11.70.
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using System.Text;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using Stroma.Data.Visits;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class VisitLockTests
{
    private static readonly DateOnly VisitDay = new(2024, 2, 1);

    private static ManualClock Clock() => ManualClock.At("2024-06-30T09:00:00Z");

    private sealed record Arranged(Guid PatientId, Guid VisitId);

    private static async Task<Arranged> ArrangeAsync(StromaDbContext db, bool signed)
    {
        var site = new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site 1" };
        var patient = new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "S1-001", Sex = Sex.Female, BirthYear = 1985 };
        var visit = new Visit { Id = Guid.CreateVersion7(), PatientId = patient.Id, VisitDate = VisitDay, Kind = VisitKind.Scheduled, Type = "month_3" };
        db.AddRange(site, patient, visit);
        await db.SaveChangesAsync();
        if (signed)
        {
            await SignAsync(db, visit.Id);
        }

        return new Arranged(patient.Id, visit.Id);
    }

    private static async Task SignAsync(StromaDbContext db, Guid visitId)
    {
        var visit = await db.Visits.SingleAsync(v => v.Id == visitId);
        visit.SignedBy = "inv";
        visit.SignedByName = "Dr Investigator";
        visit.SignedAt = new DateTimeOffset(2024, 2, 2, 10, 0, 0, TimeSpan.Zero);
        visit.SignatureMeaning = "I confirm that the data recorded for this visit are accurate and complete.";
        db.ChangeReason = "signed";
        await db.SaveChangesAsync();
    }

    private static Dictionary<string, ItemValue> Sledai(params string[] present) =>
        Sledai2k.Descriptors.ToDictionary(d => d.Key, d => ItemValue.Of(present.Contains(d.Key)), StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LabEntry_SignedVisit_RefusedVisitLocked_NothingStored(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (patient, visit) = await ArrangeAsync(db, signed: true);

        var outcome = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default, new LabEntryRequest(patient, visit, null,
            new DateTimeOffset(2024, 2, 1, 8, 0, 0, TimeSpan.FromHours(8)), [new LabEntryValue("creatinine", "90", "umol/L", "45-84")]));

        outcome.Saved.ShouldBeFalse();
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.VisitLocked && i.Path == "visit" && i.Message.Contains("signed by Dr Investigator (inv)", StringComparison.Ordinal));
        (await db.LabResults.CountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LabImport_RowForSignedVisit_RejectedWithReason_CountedLikeOtherRejects(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var setup = database.Open(clock: Clock()))
        {
            await ArrangeAsync(setup, signed: true);
        }

        await using var db = database.Open("importer", Clock());
        var sink = new List<LabImportReject>();
        using var input = new MemoryStream(Encoding.UTF8.GetBytes("site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n"
            + "S1,S1-001,2024-02-01,creatinine,90,umol/L,45-84,,2024-02-01T08:00:00+08:00\n"
            + "S1,S1-001,,creatinine,91,umol/L,45-84,,2024-02-03T08:00:00+08:00\n"));
        var result = await LabImport.RunAsync(db, input, "labs.csv", TextWriter.Null, CatalogLabNormaliser.Default,
            new LabImportOptions { Partial = true, Rejects = sink }, null, TestContext.Current.CancellationToken);

        result.ShouldBe(new LabImportResult(2, 1, 0, 1, true));
        sink.ShouldHaveSingleItem();
        (sink[0].Line, sink[0].Field, sink[0].Value, sink[0].Issue.Code).ShouldBe((2L, "visit_date", "2024-02-01", IssueCodes.VisitLocked));
        (await db.LabResults.CountAsync(l => l.VisitId != null)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task SaveChanges_AnyWriteUnderSignedVisit_RefusedByTheGuard_UnlockAllowed(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (patient, visit) = await ArrangeAsync(db, signed: false);
        var assessment = AssessmentScoring.Score("sledai2k", Sledai("seizure"), patient, visit, VisitDay)!;
        assessment.Id = Guid.CreateVersion7();
        db.Assessments.Add(assessment);
        await db.SaveChangesAsync();
        await SignAsync(db, visit);

        // A path that skips the use cases (a direct write) is refused too: the assessment, a new lab and the visit itself.
        assessment.Total = 0m;
        db.ChangeReason = "sneaky";
        (await Should.ThrowAsync<VisitLockedException>(() => db.SaveChangesAsync())).Issue.Code.ShouldBe(IssueCodes.VisitLocked);
        db.ChangeTracker.Clear();
        db.LabResults.Add(new LabResult { Id = Guid.CreateVersion7(), PatientId = patient, VisitId = visit, Analyte = "creatinine", ReportedValue = "90", SpecimenTime = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero) });
        await Should.ThrowAsync<VisitLockedException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        var row = await db.Visits.SingleAsync(v => v.Id == visit);
        row.Notes = "changed after signing";
        db.ChangeReason = "sneaky";
        await Should.ThrowAsync<VisitLockedException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        (await db.Assessments.SingleAsync()).Total.ShouldBe(8m);

        // Unlocking (the signature fields only) is allowed; then the assessment may be corrected.
        row = await db.Visits.SingleAsync(v => v.Id == visit);
        (row.SignedBy, row.SignedByName, row.SignedAt, row.SignatureMeaning) = (null, null, null, null);
        db.ChangeReason = "unlocked: correction";
        await db.SaveChangesAsync();
        var corrected = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "sledai2k", Sledai(), assessment.Id, "seizure was not present"));
        corrected.Saved.ShouldNotBeNull(string.Join("; ", corrected.Issues));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Medication_RecordedAtSignedVisit_LockedExceptItsStopAfterTheVisit_UnlinkedOnesFree(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (patient, visit) = await ArrangeAsync(db, signed: false);
        Medication Course(Guid? at, string drug) => new()
        {
            Id = Guid.CreateVersion7(),
            PatientId = patient,
            VisitId = at,
            Class = MedicationClass.Glucocorticoid,
            Drug = drug,
            Dose = 10m,
            DoseUnit = "mg",
            Frequency = "daily",
            StartDate = VisitDay.AddDays(-30),
        };
        var recorded = Course(visit, "prednisone");
        var history = Course(null, "hydroxychloroquine");
        db.Medications.AddRange(recorded, history);
        await db.SaveChangesAsync();
        await SignAsync(db, visit);

        // Adding under the signed visit, changing or deleting what it recorded: refused (VIS001), nothing written.
        db.Medications.Add(Course(visit, "mycophenolate mofetil"));
        (await Should.ThrowAsync<VisitLockedException>(() => db.SaveChangesAsync())).Issue.Code.ShouldBe(IssueCodes.VisitLocked);
        db.ChangeTracker.Clear();
        foreach (var change in new Action<Medication>[] { m => m.Dose = 20m, m => m.StopDate = VisitDay, m => (m.DeletedAt, m.DeletionReason) = (Clock().GetUtcNow(), "wrong"), m => m.VisitId = null })
        {
            var row = await db.Medications.SingleAsync(m => m.Id == recorded.Id);
            change(row);
            db.ChangeReason = "sneaky";
            (await Should.ThrowAsync<VisitLockedException>(() => db.SaveChangesAsync())).Issue.Code.ShouldBe(IssueCodes.VisitLocked);
            db.ChangeTracker.Clear();
        }

        var stored = await db.Medications.AsNoTracking().SingleAsync(m => m.Id == recorded.Id);
        (stored.Dose, stored.StopDate, stored.DeletedAt, stored.VisitId).ShouldBe((10m, (DateOnly?)null, (DateTimeOffset?)null, (Guid?)visit));

        // The course ending after the visit is a new event: its stop date may be recorded. A medication recorded outside a visit is free.
        var ending = await db.Medications.SingleAsync(m => m.Id == recorded.Id);
        ending.StopDate = VisitDay.AddDays(20);
        db.ChangeReason = "course ended";
        await db.SaveChangesAsync();
        var free = await db.Medications.SingleAsync(m => m.Id == history.Id);
        free.Dose = 400m;
        db.ChangeReason = "dose changed";
        await db.SaveChangesAsync();
        (await db.Medications.AsNoTracking().SingleAsync(m => m.Id == recorded.Id)).StopDate.ShouldBe(VisitDay.AddDays(20));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAssessment_SecondOfTheSameInstrument_RefusedPointingAtCorrect_CorrectionKeepsHistory(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (_, visit) = await ArrangeAsync(db, signed: false);
        var first = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "sledai2k", Sledai("seizure", "arthritis")));
        first.Saved.ShouldNotBeNull();

        var second = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "sledai2k", Sledai("seizure")));
        var noReason = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "sledai2k", Sledai("seizure"), first.Saved.Id, " "));
        var pga = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "pga", new Dictionary<string, ItemValue> { ["pga"] = ItemValue.Of(1.5m) }));
        var corrected = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "sledai2k", Sledai("seizure"), first.Saved.Id, "arthritis not present on re-examination"));

        second.Saved.ShouldBeNull();
        second.Issues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.AssessmentAlreadyRecorded);
        second.Issues[0].Message.ShouldContain($"assessment {first.Saved.Id}): correct that assessment, with a reason");
        noReason.Issues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.CorrectionWithoutReason);
        pga.Saved.ShouldNotBeNull(string.Join("; ", pga.Issues));
        corrected.Saved!.Id.ShouldBe(first.Saved.Id);
        var stored = await db.Assessments.Where(a => a.VisitId == visit && a.Instrument == "sledai2k").ToListAsync();
        stored.ShouldHaveSingleItem().Total.ShouldBe(8m);
        var history = await db.AuditEntries.Where(a => a.Entity == "Assessment" && a.EntityKey == first.Saved.Id.ToString() && a.Field == "Total" && a.Action == "update").SingleAsync();
        (history.OldValue, history.NewValue, history.Reason).ShouldBe(("12", "8", "arthritis not present on re-examination"));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAssessment_BilagCorrected_RenalSubtotalAndGradeFollowTheNewResult(DatabaseEngine engine)
    {
        // Issue #22: the report reads BILAG-2004's renal value and grade from columns copied from the result; a correction
        // must copy them again with the new result (A = 12, C = 1: BILAG-2004 numeric, Yee 2010).
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (_, visit) = await ArrangeAsync(db, signed: false);
        static Dictionary<string, ItemValue> Bilag(string renal)
        {
            var items = new Dictionary<string, ItemValue>(StringComparer.Ordinal) { ["graded_by"] = ItemValue.Of("investigator.s1") };
            foreach (var system in Enum.GetValues<BilagSystem>())
            {
                items["grade_" + Bilag2004.SystemKey(system)] = ItemValue.Of(system == BilagSystem.Renal ? renal : "e");
                items["ever_involved_" + Bilag2004.SystemKey(system)] = ItemValue.Of(system == BilagSystem.Renal);
            }

            return items;
        }

        var first = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "bilag2004", Bilag("a")));
        first.Saved.ShouldNotBeNull(string.Join("; ", first.Issues));
        var corrected = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visit, "bilag2004", Bilag("c"), first.Saved.Id, "renal activity re-graded"));

        corrected.Saved.ShouldNotBeNull(string.Join("; ", corrected.Issues));
        db.ChangeTracker.Clear();
        var stored = await db.Assessments.SingleAsync(a => a.Id == first.Saved.Id);
        (stored.RenalSubtotal, stored.RenalGrade).ShouldBe((1m, "C"), stored.ResultJson);
        stored.ResultJson.ShouldContain("\"Key\":\"renal\",\"Label\":\"Renal\",\"Value\":1,\"Grade\":\"C\"");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task UniqueIndex_SecondAssessmentWrittenDirectly_RefusedByTheDatabase(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (patient, visit) = await ArrangeAsync(db, signed: false);
        foreach (var present in new[] { "seizure", "arthritis" })
        {
            var a = AssessmentScoring.Score("sledai2k", Sledai(present), patient, visit, VisitDay)!;
            a.Id = Guid.CreateVersion7();
            db.Assessments.Add(a);
        }

        await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        (await db.Assessments.CountAsync()).ShouldBe(0);
    }
}
