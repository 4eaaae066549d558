// Source: issue #20 (CAR-T in lupus): the lymphodepletion actually given on a CAR-T enrolment — drug, dose per m²,
// days relative to the infusion, and the body surface area from height and weight with the formula named: Mosteller RD.
// N Engl J Med 1987;317:1098 (170 cm, 70 kg → 1.8181 m²) or Du Bois D, Du Bois EF. Arch Intern Med 1916;17:863-71
// (→ 1.8097 m²). The doses below are test values, not a regimen (the template sets none).
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Visits;

namespace Stroma.Data.Tests;

public sealed class LymphodepletionTests
{
    private static readonly DateOnly Day0 = new(2024, 3, 1);

    private static ManualClock Clock() => ManualClock.At("2024-03-01T09:00:00Z");

    private static async Task EnrolAsync(StromaDbContext db, string protocolKey = ProtocolTemplates.CarTSleKey)
    {
        await CellTherapyFixture.PatientAsync(db, "S01-001");
        var enrolled = await Enrolments.EnrolAsync(db, "S01-001", protocolKey, new EnrolmentRequest(Day0, 70m, Day0.AddDays(-10), new ConsentRecord(Day0.AddDays(-20), "1")));
        enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
    }

    private static LymphodepletionRequest Request(BsaFormula? formula = null, params LymphodepletionGiven[] drugs) =>
        new("S01-001", 170m, 70m, Day0.AddDays(-6), drugs.Length > 0 ? drugs
            : [new LymphodepletionGiven("fludarabine", 25m, [-5, -4, -3]), new LymphodepletionGiven("cyclophosphamide", 1000m, [-3])], formula);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAsync_TwoDrugsProtocolFormula_StoresBsaDailyAmountAndDates(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "nurse.li", clock: Clock());
        await EnrolAsync(db);

        var result = await Lymphodepletions.RecordAsync(db, Request());

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Issues));
        result.Issues.ShouldBeEmpty();
        var stored = await db.Lymphodepletions.AsNoTracking().OrderBy(l => l.DrugKey).ToListAsync();
        stored.Select(l => (l.DrugKey, l.DoseMgPerSquareMetre, l.DaysRelativeToInfusion, l.FirstGivenOn, l.LastGivenOn, l.BsaFormula, l.BsaSquareMetres, l.DailyDoseMg)).ShouldBe([
            ("cyclophosphamide", 1000m, "-3", new DateOnly(2024, 2, 27), new DateOnly(2024, 2, 27), "mosteller", 1.8181m, 1818.10m),
            ("fludarabine", 25m, "-5,-4,-3", new DateOnly(2024, 2, 25), new DateOnly(2024, 2, 27), "mosteller", 1.8181m, 45.45m),
        ]);
        stored.ShouldAllBe(l => l.InfusionDate == Day0 && l.HeightCm == 170m && l.WeightKg == 70m && l.CreatedBy == "nurse.li" && !l.EnteredLate);
        (await db.AuditEntries.Where(a => a.Entity == "LymphodepletionRecord" && a.Action == "insert").Select(a => a.EntityKey).Distinct().CountAsync()).ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAsync_DuBoisNamed_UsesDuBois(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db);

        var result = await Lymphodepletions.RecordAsync(db, Request(BsaFormula.DuBois, new LymphodepletionGiven("fludarabine", 25m, [-5, -4, -3])));

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Issues));
        var record = result.Value!.ShouldHaveSingleItem();
        (record.BsaFormula, record.BsaSquareMetres, record.DailyDoseMg).ShouldBe(("du_bois", 1.8097m, 45.24m));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAsync_BadHeightUnknownDrugAndDaysAfterInfusion_EveryIssueNothingWritten(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db);

        var result = await Lymphodepletions.RecordAsync(db, Request() with
        {
            HeightCm = 1.7m,
            Drugs = [new LymphodepletionGiven("busulfan", 3.2m, [-3]), new LymphodepletionGiven("fludarabine", 25m, [-3, 1])],
        });

        result.Succeeded.ShouldBeFalse();
        result.Issues.Select(i => (i.Code, i.Path)).ShouldBe([
            (IssueCodes.OutOfRange, "height"),
            (IssueCodes.LymphodepletionUnknownDrug, "drug[0]"),
            (IssueCodes.LymphodepletionDaysInvalid, "drug[1].days"),
        ], ignoreOrder: true);
        (await db.Lymphodepletions.CountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAsync_MscEnrolment_RefusedCar005(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db, ProtocolTemplates.Wang2014Key);

        var result = await Lymphodepletions.RecordAsync(db, Request());

        result.Succeeded.ShouldBeFalse();
        result.Issues.ShouldContain(i => i.Code == IssueCodes.LymphodepletionNotCarT);
        (await db.Lymphodepletions.CountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAsync_DrugAlreadyRecorded_RefusedCar008(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db);
        (await Lymphodepletions.RecordAsync(db, Request(null, new LymphodepletionGiven("cyclophosphamide", 1000m, [-3])))).Succeeded.ShouldBeTrue();

        var again = await Lymphodepletions.RecordAsync(db, Request());

        again.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.LymphodepletionAlreadyRecorded, "drug[1]")]);
        (await db.Lymphodepletions.CountAsync()).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Change_VisitSignedOnACourseDayAfterRecording_RefusedVisitLocked(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db);
        (await Lymphodepletions.RecordAsync(db, Request())).Succeeded.ShouldBeTrue();
        var patientId = (await db.Patients.SingleAsync()).Id;
        db.Visits.Add(new Visit
        {
            Id = Guid.CreateVersion7(),
            PatientId = patientId,
            VisitDate = new DateOnly(2024, 2, 26),
            Kind = VisitKind.Unscheduled,
            Type = "unscheduled",
            SignedBy = "inv",
            SignedByName = "Dr Investigator",
            SignedAt = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero),
            SignatureMeaning = "approved",
        });
        await db.SaveChangesAsync();

        var record = await db.Lymphodepletions.SingleAsync(l => l.DrugKey == "fludarabine");
        record.DoseMgPerSquareMetre = 30m;
        db.ChangeReason = "typo";

        var locked = await Should.ThrowAsync<VisitLockedException>(() => db.SaveChangesAsync());
        locked.Issue.Code.ShouldBe(IssueCodes.VisitLocked);
        locked.Issue.Path.ShouldBe("lymphodepletion");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_DoseAndHeight_RecomputesBsaAndAmountKeepsOldValuesInTheAuditTrail(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "nurse.li", clock: Clock());
        await EnrolAsync(db);
        (await Lymphodepletions.RecordAsync(db, Request())).Succeeded.ShouldBeTrue();
        var id = (await db.Lymphodepletions.SingleAsync(l => l.DrugKey == "fludarabine")).Id;

        // 160 cm, 50 kg: Mosteller 1.4907 m² (docs/sources: 160 cm, 50 kg → 1.4907); 30 mg/m² × 1.4907 = 44.72 mg.
        var result = await Lymphodepletions.CorrectAsync(db, new LymphodepletionCorrection("S01-001", "fludarabine", "transcription error: chart says 30 mg/m², 160 cm, 50 kg",
            MgPerSquareMetre: 30m, HeightCm: 160m, WeightKg: 50m));

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Issues));
        result.Issues.ShouldBeEmpty(); // the template sets no dose or days, so nothing differs from it (CAR009)
        var stored = await db.Lymphodepletions.AsNoTracking().SingleAsync(l => l.Id == id);
        (stored.DoseMgPerSquareMetre, stored.HeightCm, stored.WeightKg, stored.BsaSquareMetres, stored.DailyDoseMg, stored.DaysRelativeToInfusion, stored.FirstGivenOn)
            .ShouldBe((30m, 160m, 50m, 1.4907m, 44.72m, "-5,-4,-3", new DateOnly(2024, 2, 25)));
        (await db.Lymphodepletions.CountAsync()).ShouldBe(2);
        var update = await db.AuditEntries.AsNoTracking().Where(a => a.Entity == "LymphodepletionRecord" && a.EntityKey == id.ToString() && a.Action == "update").ToListAsync();
        update.ShouldNotBeEmpty();
        update.ShouldAllBe(a => a.Reason == "transcription error: chart says 30 mg/m², 160 cm, 50 kg");
        update.ShouldContain(a => a.OldValue != null && a.OldValue.StartsWith("45.45", StringComparison.Ordinal) && a.NewValue != null && a.NewValue.StartsWith("44.72", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_NoReasonBadDaysOrUnrecordedDrug_RefusedNothingChanged(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db);
        (await Lymphodepletions.RecordAsync(db, Request(null, new LymphodepletionGiven("fludarabine", 25m, [-5, -4, -3])))).Succeeded.ShouldBeTrue();

        var refused = await Lymphodepletions.CorrectAsync(db, new LymphodepletionCorrection("S01-001", "fludarabine", " ", Days: [-3, 2]));
        var notRecorded = await Lymphodepletions.CorrectAsync(db, new LymphodepletionCorrection("S01-001", "cyclophosphamide", "typo", MgPerSquareMetre: 900m));
        var unchanged = await Lymphodepletions.CorrectAsync(db, new LymphodepletionCorrection("S01-001", "fludarabine", "checked", MgPerSquareMetre: 25m));

        refused.Issues.Select(i => (i.Code, i.Path)).ShouldBe([
            (IssueCodes.LymphodepletionCorrectionWithoutReason, "reason"),
            (IssueCodes.LymphodepletionDaysInvalid, "days"),
        ], ignoreOrder: true);
        notRecorded.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LymphodepletionNotRecorded]);
        unchanged.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LymphodepletionCorrectionUnchanged]);
        (await db.Lymphodepletions.AsNoTracking().SingleAsync()).DaysRelativeToInfusion.ShouldBe("-5,-4,-3");
        (await db.AuditEntries.CountAsync(a => a.Entity == "LymphodepletionRecord" && a.Action == "update")).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_VisitSignedOnACourseDayAfterRecording_RefusedVisitLockedNothingChanged(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db);
        (await Lymphodepletions.RecordAsync(db, Request())).Succeeded.ShouldBeTrue();
        db.Visits.Add(new Visit
        {
            Id = Guid.CreateVersion7(),
            PatientId = (await db.Patients.SingleAsync()).Id,
            VisitDate = new DateOnly(2024, 2, 26),
            Kind = VisitKind.Unscheduled,
            Type = "unscheduled",
            SignedBy = "inv",
            SignedByName = "Dr Investigator",
            SignedAt = new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero),
            SignatureMeaning = "approved",
        });
        await db.SaveChangesAsync();

        var result = await Lymphodepletions.CorrectAsync(db, new LymphodepletionCorrection("S01-001", "fludarabine", "typo", MgPerSquareMetre: 30m));

        result.Succeeded.ShouldBeFalse();
        result.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.VisitLocked, "lymphodepletion")]);
        (await db.Lymphodepletions.AsNoTracking().SingleAsync(l => l.DrugKey == "fludarabine")).DoseMgPerSquareMetre.ShouldBe(25m);
        (await db.AuditEntries.CountAsync(a => a.Entity == "LymphodepletionRecord" && a.Action == "update")).ShouldBe(0);
    }
}
