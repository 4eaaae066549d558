// Source: issue #16 "A signature must lock everything recorded under the visit (assessments, labs, medications, infusion
// details)": Medication.VisitId existed with no writer; VisitMedications is the one writer (web visit page, stroma
// medication), audited and refused under a signed visit (VIS001), with the stop date of a running course allowed later.
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;
using Stroma.Data.Visits;

namespace Stroma.Data.Tests;

public sealed class MedicationTests
{
    private static readonly DateOnly VisitDay = new(2024, 2, 1);

    private static async Task<Visit> VisitAsync(StromaDbContext db)
    {
        var patient = await CellTherapyFixture.PatientAsync(db, "S01-001");
        var visit = new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = VisitDay, Kind = VisitKind.Scheduled, Type = "month_3" };
        db.Visits.Add(visit);
        await db.SaveChangesAsync();
        return visit;
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

    private static MedicationRequest Prednisone(Guid visitId) =>
        new(visitId, MedicationClass.Glucocorticoid, " prednisone ", 10m, "mg", "daily", 10m, VisitDay);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AddAsync_AtAVisit_StoredAtTheVisitAndAudited(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("coord.s01");
        var visit = await VisitAsync(db);

        var result = await VisitMedications.AddAsync(db, Prednisone(visit.Id));

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Issues));
        var stored = await db.Medications.AsNoTracking().SingleAsync();
        (stored.PatientId, stored.VisitId, stored.Drug, stored.Dose, stored.DoseUnit, stored.StopDate).ShouldBe((visit.PatientId, (Guid?)visit.Id, "prednisone", (decimal?)10m, "mg", (DateOnly?)null));
        var insert = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Entity == nameof(Medication) && e.Action == "insert");
        (insert.UserName, insert.EntityKey).ShouldBe(("coord.s01", stored.Id.ToString("D")));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AddAsync_BadInput_EveryIssueGatheredNothingWritten(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("coord.s01");
        var visit = await VisitAsync(db);
        var audit = await db.AuditEntries.CountAsync();

        var result = await VisitMedications.AddAsync(db, new MedicationRequest(visit.Id, MedicationClass.Immunosuppressant, " ", -1m, "mg", null, 5m, VisitDay, VisitDay.AddDays(-1)));
        var noUnit = await VisitMedications.AddAsync(db, new MedicationRequest(visit.Id, MedicationClass.Other, "aspirin", 100m, null, null, null, VisitDay));
        var unknown = await VisitMedications.AddAsync(db, Prednisone(Guid.NewGuid()));

        result.Issues.Select(i => (i.Code, i.Path)).ShouldBe([
            (IssueCodes.MedicationDrugMissing, "drug"), (IssueCodes.MedicationDoseInvalid, "dose"),
            (IssueCodes.MedicationDoseInvalid, "prednisoneEquivalent"), (IssueCodes.MedicationStopBeforeStart, "stopDate")]);
        noUnit.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.MedicationDoseInvalid, "doseUnit")]);
        unknown.Issues.Select(i => i.Code).ShouldBe([IssueCodes.UnknownVisit]);
        (await db.Medications.CountAsync()).ShouldBe(0);
        (await db.AuditEntries.CountAsync()).ShouldBe(audit);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AddAsync_SignedVisit_RefusedVisitLocked(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("coord.s01");
        var visit = await VisitAsync(db);
        await SignAsync(db, visit.Id);

        var result = await VisitMedications.AddAsync(db, Prednisone(visit.Id));

        result.Succeeded.ShouldBeFalse();
        result.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.VisitLocked, "visit")]);
        (await db.Medications.CountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task StopAsync_RunningCourseUnderASignedVisit_StopLaterSavedWithItsReasonOnOrBeforeTheVisitRefused(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("coord.s01");
        var visit = await VisitAsync(db);
        var id = (await VisitMedications.AddAsync(db, Prednisone(visit.Id))).Value!.Id;
        await SignAsync(db, visit.Id);

        var early = await VisitMedications.StopAsync(db, visit.PatientId, id, VisitDay, "tapered off");
        var otherPatient = await VisitMedications.StopAsync(db, Guid.NewGuid(), id, VisitDay.AddDays(30), "tapered off");
        var stopped = await VisitMedications.StopAsync(db, visit.PatientId, id, VisitDay.AddDays(30), "tapered off");
        var again = await VisitMedications.StopAsync(db, visit.PatientId, id, VisitDay.AddDays(40), null);

        early.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.VisitLocked, "stopDate")]);
        otherPatient.Issues.Select(i => i.Code).ShouldBe([IssueCodes.MedicationNotRunning]);
        stopped.Succeeded.ShouldBeTrue(string.Join("; ", stopped.Issues));
        again.Issues.Select(i => i.Code).ShouldBe([IssueCodes.MedicationNotRunning]);
        (await db.Medications.AsNoTracking().SingleAsync()).StopDate.ShouldBe(VisitDay.AddDays(30));
        var change = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Entity == nameof(Medication) && e.Field == nameof(Medication.StopDate));
        (change.OldValue, change.NewValue, change.Reason).ShouldBe((null, "2024-03-02", "course stopped on 2024-03-02: tapered off"));
    }
}
