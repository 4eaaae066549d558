// Source: issue #15 "Source data verification: a monitor marks fields or whole visits as verified; a later change
// un-verifies them" and docs/data-quality.md "Source data verification".
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data.Access;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using Stroma.Data.Quality;

namespace Stroma.Data.Tests;

public sealed class SourceDataVerificationTests
{
    private static readonly DateOnly Today = new(2024, 9, 30);

    private static ManualClock Clock() => ManualClock.At("2024-09-30T09:00:00Z");

    private static readonly DateTimeOffset Taken = new(2024, 8, 1, 8, 0, 0, TimeSpan.FromHours(8));

    /// <summary>S01-001 with a month-6 visit and a creatinine entered at it; S02-001 at another site.</summary>
    private static async Task<(Patient Patient, Guid Visit, Guid Result)> ArrangeAsync(StromaDbContext db)
    {
        var patient = await CellTherapyFixture.PatientAsync(db, "S01-001");
        await CellTherapyFixture.PatientAsync(db, "S02-001", "S02");
        var visit = new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2024, 8, 1), Kind = VisitKind.Scheduled, Type = "month_6" };
        db.Visits.Add(visit);
        await db.SaveChangesAsync();
        var entry = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default,
            new LabEntryRequest(patient.Id, visit.Id, null, Taken, [new LabEntryValue("creatinine", "80", "umol/L", "45-84")]));
        entry.Saved.ShouldBeTrue();
        return (patient, visit.Id, await db.LabResults.Select(r => r.Id).SingleAsync());
    }

    private static async Task<UserAccess> UserAsync(StromaDbContext db, string name, string site, SiteRole role)
    {
        var user = new User { Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name };
        db.Users.Add(user);
        db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, SiteId = db.Sites.Single(s => s.Code == site).Id, Role = role, StartDate = new DateOnly(2024, 1, 1) });
        await db.SaveChangesAsync();
        return await UserAccess.LoadAsync(db, name, Today);
    }

    private static SdvSigner Signer(UserAccess user) => new(user.UserName, $"Printed {user.UserName}");

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task MarkAsync_MonitorOfTheSite_SignedAuditedAndCountedOthersRefused(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "mon.s01", clock: Clock());
        var (_, visit, _) = await ArrangeAsync(db);
        var monitor = await UserAsync(db, "mon.s01", "S01", SiteRole.Monitor);
        var coordinator = await UserAsync(db, "coord.s01", "S01", SiteRole.Coordinator);
        var otherMonitor = await UserAsync(db, "mon.s02", "S02", SiteRole.Monitor);

        var marked = await SourceDataVerification.MarkAsync(db, monitor, visit, null, Signer(monitor));
        var again = await SourceDataVerification.MarkAsync(db, monitor, visit, null, Signer(monitor));
        var field = await SourceDataVerification.MarkAsync(db, monitor, visit, "lab.creatinine", Signer(monitor));
        var notVisitField = await SourceDataVerification.MarkAsync(db, monitor, visit, "ae.grade", Signer(monitor));
        var byCoordinator = await SourceDataVerification.MarkAsync(db, coordinator, visit, null, Signer(coordinator));
        var acrossSites = await SourceDataVerification.MarkAsync(db, otherMonitor, visit, null, Signer(otherMonitor));
        var unknown = await SourceDataVerification.MarkAsync(db, monitor, Guid.NewGuid(), null, Signer(monitor));

        marked.Succeeded.ShouldBeTrue(string.Join("; ", marked.Issues));
        marked.Value!.VerifiedBy.ShouldBe("mon.s01");
        marked.Value.VerifiedByName.ShouldBe("Printed mon.s01");
        marked.Value.VerifiedAt.ShouldBe(Clock().GetUtcNow());
        marked.Value.Meaning.ShouldBe(SourceDataVerification.MeaningVerified);
        again.Issues.Select(i => i.Code).ShouldBe([IssueCodes.SdvNotAllowed]);
        field.Succeeded.ShouldBeTrue(string.Join("; ", field.Issues));
        notVisitField.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.SdvNotAllowed, "field")]);
        byCoordinator.Issues.Select(i => i.Code).ShouldBe([IssueCodes.SdvNotAllowed]);
        acrossSites.Issues.Select(i => i.Code).ShouldBe([IssueCodes.SdvVisitNotFound]);
        unknown.Issues.Select(i => i.Code).ShouldBe([IssueCodes.SdvVisitNotFound]);
        (await db.SdvMarks.CountAsync()).ShouldBe(2);
        (await db.AuditEntries.CountAsync(a => a.Entity == nameof(SdvMark) && a.Action == "insert")).ShouldBe(2);
        (await SourceDataVerification.ListAsync(db, monitor)).Count.ShouldBe(2);
        (await SourceDataVerification.ListAsync(db, otherMonitor)).ShouldBeEmpty();
        var s01 = db.Sites.Single(s => s.Code == "S01").Id;
        var s02 = db.Sites.Single(s => s.Code == "S02").Id;
        (await SourceDataVerification.CoverageAsync(db, [s01, s02])).Select(c => (c.SiteCode, c.VerifiedVisits, c.Visits)).ShouldBe([("S01", 1, 1), ("S02", 0, 0)]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ClearOnChange_LabCorrectionAfterVerification_ClearsEveryMarkOfTheVisitWithTheReason(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(actor: "coord.s01", clock: clock);
        var (_, visit, result) = await ArrangeAsync(db);
        var monitor = await UserAsync(db, "mon.s01", "S01", SiteRole.Monitor);
        (await SourceDataVerification.MarkAsync(db, monitor, visit, null, Signer(monitor))).Succeeded.ShouldBeTrue();
        (await SourceDataVerification.MarkAsync(db, monitor, visit, "lab.creatinine", Signer(monitor))).Succeeded.ShouldBeTrue();
        clock.Advance(TimeSpan.FromHours(1));

        var corrected = await LabResultCorrection.CorrectAsync(db, CatalogLabNormaliser.Default,
            new LabCorrectionRequest(result, "85", "umol/L", "45-84", "transcribed from the wrong report"));

        corrected.Saved.ShouldBeTrue(string.Join("; ", corrected.Issues));
        var marks = await db.SdvMarks.AsNoTracking().ToListAsync();
        marks.Count.ShouldBe(2);
        marks.ShouldAllBe(m => m.ClearedAt == clock.GetUtcNow() && m.ClearedBy == "coord.s01");
        marks.ShouldAllBe(m => m.ClearedReason == "source data changed after verification: a lab result changed (transcribed from the wrong report)");
        (await db.AuditEntries.CountAsync(a => a.Entity == nameof(SdvMark) && a.Field == nameof(SdvMark.ClearedReason))).ShouldBe(2);
        var s01 = db.Sites.Single(s => s.Code == "S01").Id;
        (await SourceDataVerification.CoverageAsync(db, [s01])).Single().VerifiedVisits.ShouldBe(0);
        (await SourceDataVerification.MarkAsync(db, monitor, visit, null, Signer(monitor))).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ClearOnChange_VisitChangedOrLabAddedOrOtherVisitChanged_ClearsOnlyTheChangedVisit(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(actor: "coord.s01", clock: clock);
        var (patient, visit, _) = await ArrangeAsync(db);
        var otherVisit = new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2024, 9, 1), Kind = VisitKind.Unscheduled, Type = "flare" };
        var other = otherVisit.Id;
        db.Visits.Add(otherVisit);
        await db.SaveChangesAsync();
        var monitor = await UserAsync(db, "mon.s01", "S01", SiteRole.Monitor);
        (await SourceDataVerification.MarkAsync(db, monitor, visit, null, Signer(monitor))).Succeeded.ShouldBeTrue();
        (await SourceDataVerification.MarkAsync(db, monitor, other, null, Signer(monitor))).Succeeded.ShouldBeTrue();

        var tracked = await db.Visits.SingleAsync(v => v.Id == other);
        tracked.Notes = "patient phoned";
        db.ChangeReason = "note added";
        await db.SaveChangesAsync();
        var standing = await db.SdvMarks.AsNoTracking().Where(m => m.ClearedAt == null).Select(m => m.VisitId).ToListAsync();
        var added = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default,
            new LabEntryRequest(patient.Id, visit, null, Taken, [new LabEntryValue("wbc", "5.1", "10*9/L", "3.5-9.5")]));

        standing.ShouldBe([visit]);
        (await db.SdvMarks.AsNoTracking().SingleAsync(m => m.VisitId == other)).ClearedReason.ShouldBe("source data changed after verification: the visit changed (note added)");
        added.Saved.ShouldBeTrue();
        (await db.SdvMarks.AsNoTracking().SingleAsync(m => m.VisitId == visit)).ClearedReason.ShouldBe("source data changed after verification: a lab result added");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ClearForImportedLabs_ImportRowAtVerifiedVisit_ClearsItDuplicateDoesNot(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(actor: "coord.s01", clock: clock);
        var (_, visit, _) = await ArrangeAsync(db);
        var monitor = await UserAsync(db, "mon.s01", "S01", SiteRole.Monitor);
        (await SourceDataVerification.MarkAsync(db, monitor, visit, null, Signer(monitor))).Succeeded.ShouldBeTrue();
        clock.Advance(TimeSpan.FromHours(1));
        LabImportRow Row(string analyte, string value, string unit) => new("S01", "S01-001", "2024-08-01", analyte, value, unit, null, null, "2024-08-01T08:00:00+08:00");

        var duplicate = await LabImport.RunRowsAsync(db, [Row("creatinine", "80", "umol/L")], "dup.csv", CatalogLabNormaliser.Default, new LabImportOptions());
        var standingAfterDuplicate = await db.SdvMarks.AsNoTracking().CountAsync(m => m.ClearedAt == null);
        clock.Advance(TimeSpan.FromHours(1));
        var imported = await LabImport.RunRowsAsync(db, [Row("wbc", "5.1", "10*9/L")], "new.csv", CatalogLabNormaliser.Default, new LabImportOptions());

        (duplicate.Inserted, duplicate.Duplicates).ShouldBe((0, 1));
        standingAfterDuplicate.ShouldBe(1);
        imported.Inserted.ShouldBe(1);
        var mark = await db.SdvMarks.AsNoTracking().SingleAsync();
        mark.ClearedAt.ShouldBe(clock.GetUtcNow());
        mark.ClearedReason.ShouldBe("source data changed after verification: a lab result added (import)");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ClearForImportedLabs_ImportReachingMoreVisitsThanSqliteTakesParameters_ClearsTheVerifiedOne(DatabaseEngine engine)
    {
        // A 10^6-row import over 60 000 visits failed with "too many SQL variables" on SQLite (one parameter per visit id).
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(actor: "coord.s01", clock: clock);
        var (_, visit, _) = await ArrangeAsync(db);
        var monitor = await UserAsync(db, "mon.s01", "S01", SiteRole.Monitor);
        (await SourceDataVerification.MarkAsync(db, monitor, visit, null, Signer(monitor))).Succeeded.ShouldBeTrue();
        // The visit's creatinine was written by coord.s01 at this clock's time: as if this import had written it.
        var candidates = Enumerable.Range(0, 40_000).Select(_ => Guid.NewGuid()).Append(visit).ToArray();

        var cleared = await SourceDataVerification.ClearForImportedLabsAsync(db, candidates, clock.GetUtcNow(), TestContext.Current.CancellationToken);

        cleared.ShouldBe(1);
        (await db.SdvMarks.AsNoTracking().SingleAsync()).ClearedReason.ShouldBe("source data changed after verification: a lab result added (import)");
    }
}
