// Source: docs/labs.md "Correcting a stored result": a stored lab result is corrected with a reason (21 CFR 11.10(e):
// changes do not obscure what was recorded: the audit trail keeps the replaced values), normalised and flagged again
// by the same normaliser as every lab writer, and never under a signed visit.
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using LabFlag = Stroma.Clinical.Labs.LabFlag;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class LabCorrectionTests
{
    private static ManualClock Clock() => ManualClock.At("2024-06-30T09:00:00Z");

    private static readonly DateTimeOffset Taken = new(2024, 2, 1, 8, 0, 0, TimeSpan.FromHours(8));

    /// <summary>A patient with a visit (signed or not) and a creatinine of 90 µmol/L entered against the report's 45–84 (high).</summary>
    private static async Task<(Guid ResultId, Guid VisitId)> ArrangeAsync(StromaDbContext db)
    {
        var site = new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site 1" };
        var patient = new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "S1-001", Sex = Sex.Female, BirthYear = 1985 };
        var visit = new Visit { Id = Guid.CreateVersion7(), PatientId = patient.Id, VisitDate = new DateOnly(2024, 2, 1), Kind = VisitKind.Scheduled, Type = "month_3" };
        db.AddRange(site, patient, visit);
        await db.SaveChangesAsync();
        var entry = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default,
            new LabEntryRequest(patient.Id, visit.Id, null, Taken, [new LabEntryValue("creatinine", "90", "umol/L", "45-84")]));
        entry.Saved.ShouldBeTrue();
        return (await db.LabResults.Select(r => r.Id).SingleAsync(), visit.Id);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_WithReason_ReplacesValueReflagsAndAuditsTheOldValueWithTheReason(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("coordinator", Clock());
        var (id, _) = await ArrangeAsync(db);

        var outcome = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default,
            new LabCorrectionRequest(id, "0.7", "mg/dL", "0.5-0.95", "transcribed from the wrong report"));

        outcome.Saved.ShouldBeTrue(string.Join("; ", outcome.Issues));
        var row = await db.LabResults.AsNoTracking().SingleAsync();
        (row.ReportedValue, row.ReportedUnit, row.ReportedRange, row.NormalisedValue, row.NormalisedUnit, row.Flag, row.Version)
            .ShouldBe(("0.7", "mg/dL", "0.5-0.95", 61.88m, "umol/L", LabFlag.Normal, 2)); // 0.7 mg/dL × 88.4
        (row.Analyte, row.SpecimenTime).ShouldBe(("creatinine", Taken.ToUniversalTime()));
        var audit = await db.AuditEntries.AsNoTracking().Where(e => e.Entity == nameof(LabResult) && e.Action == "update").ToListAsync();
        audit.Single(e => e.Field == nameof(LabResult.ReportedValue)).ShouldSatisfyAllConditions(
            e => (e.OldValue, e.NewValue).ShouldBe(("90", "0.7")),
            e => e.Reason.ShouldBe("transcribed from the wrong report"),
            e => e.UserName.ShouldBe("coordinator"));
        audit.Single(e => e.Field == nameof(LabResult.Flag)).OldValue.ShouldBe("High");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_NoReason_RefusedLab017NothingChanged(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (id, _) = await ArrangeAsync(db);

        var outcome = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default, new LabCorrectionRequest(id, "70", "umol/L", "45-84", " "));

        outcome.Saved.ShouldBeFalse();
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.LabCorrectionWithoutReason && i.Path == "reason");
        (await db.LabResults.AsNoTracking().SingleAsync()).ReportedValue.ShouldBe("90");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_UnderASignedVisit_RefusedVisitLocked(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (id, visitId) = await ArrangeAsync(db);
        var visit = await db.Visits.SingleAsync(v => v.Id == visitId);
        (visit.SignedBy, visit.SignedByName, visit.SignedAt) = ("inv", "Dr Investigator", new DateTimeOffset(2024, 2, 2, 10, 0, 0, TimeSpan.Zero));
        visit.SignatureMeaning = "I confirm that the data recorded for this visit are accurate and complete.";
        db.ChangeReason = "signed";
        await db.SaveChangesAsync();

        var outcome = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default, new LabCorrectionRequest(id, "70", "umol/L", "45-84", "typo"));

        outcome.Saved.ShouldBeFalse();
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.VisitLocked && i.Path == "visit");
        (await db.LabResults.AsNoTracking().SingleAsync()).ReportedValue.ShouldBe("90");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_UnknownIdOrUnreadableValueOrSameValues_NotSavedWithTheReason(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        var (id, _) = await ArrangeAsync(db);

        var unknown = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default, new LabCorrectionRequest(Guid.CreateVersion7(), "70", "umol/L", null, "typo"));
        var unreadable = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default, new LabCorrectionRequest(id, "seventy", "umol/L", "45-84", "typo"));
        var same = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default, new LabCorrectionRequest(id, " 90 ", "umol/L", "45-84", "typo"));

        unknown.Issues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.UnknownLabResult);
        unreadable.Issues.ShouldContain(i => i.Code == IssueCodes.UnreadableValue);
        (same.Saved, same.Unchanged).ShouldBe((false, true));
        same.Issues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.LabCorrectionUnchanged);
        (await db.AuditEntries.CountAsync(e => e.Action == "update" && e.Entity == nameof(LabResult))).ShouldBe(0);
    }
}

/// <summary>
/// Source: issue #15 "Checks run when data is saved": a correction of a stored lab result runs the protocol's edit checks
/// like a lab entry (docs/data-quality.md "Save-time checks"; the checks of <see cref="SaveCheckTests"/>: creatinine
/// above 500 µmol/L soft, above 3000 hard).
/// </summary>
public sealed class LabCorrectionCheckTests
{
    private static ManualClock Clock() => ManualClock.At("2024-06-30T09:00:00Z");

    private static async Task<Guid> StoredCreatinineAsync(StromaDbContext db)
    {
        var (patientId, visitId) = await SaveCheckTests.ArrangeAsync(db);
        var entry = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default,
            new LabEntryRequest(patientId, visitId, null, new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)), [new LabEntryValue("creatinine", "90", "umol/L", null)]));
        entry.Saved.ShouldBeTrue(string.Join("; ", entry.Issues));
        return await db.LabResults.Select(r => r.Id).SingleAsync();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_HardCheck_RefusedNothingChanged(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "coord.s01", clock: Clock());
        var id = await StoredCreatinineAsync(db);
        var audit = await db.AuditEntries.CountAsync();

        var outcome = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default, new LabCorrectionRequest(id, "5000", "umol/L", null, "typo"));
        await db.SaveChangesAsync();

        outcome.Saved.ShouldBeFalse();
        outcome.Issues.Where(i => i.IsError).Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.CheckHardFinding, "lab.creatinine")]);
        (await db.LabResults.AsNoTracking().SingleAsync()).ReportedValue.ShouldBe("90");
        (await db.Queries.CountAsync()).ShouldBe(0);
        (await db.AuditEntries.CountAsync()).ShouldBe(audit);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CorrectAsync_SoftCheck_SavedWithAWarningAndOneQuery(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "coord.s01", clock: Clock());
        var id = await StoredCreatinineAsync(db);

        var outcome = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default, new LabCorrectionRequest(id, "600", "umol/L", null, "transcribed from the wrong report"));

        outcome.Saved.ShouldBeTrue(string.Join("; ", outcome.Issues));
        outcome.Issues.Where(i => i.Code.StartsWith("QLT", StringComparison.Ordinal)).Select(i => (i.Code, i.Severity, i.Path))
            .ShouldBe([(IssueCodes.CheckSoftFinding, Severity.Warning, "lab.creatinine")]);
        (await db.LabResults.AsNoTracking().SingleAsync()).ReportedValue.ShouldBe("600");
        var query = await db.Queries.AsNoTracking().SingleAsync();
        (query.CheckKey, query.Field, query.ValueWhenOpened).ShouldBe(("creatinine_high", "lab.creatinine", "600"));
    }
}
