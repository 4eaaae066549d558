// Source: issue #14 "Calendars and worklists" and docs/cell-therapy.md "Calendars and worklists"; Wang 2014 calendar
// (day 0 and day 7, follow-up at 1, 3, 6, 9, 12 months) with Stroma's default windows (day 0 exact, day 7 ±1 day,
// monthly ±7 days), as ProtocolTemplates generates it.
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Tests;

public sealed class WorklistTests
{
    private static readonly DateOnly AsOf = WorklistFixture.AsOf;

    private static ManualClock Clock() => WorklistFixture.Clock();

    private static Task ArrangeAsync(StromaDbContext db) => WorklistFixture.ArrangeAsync(db);

    private static List<(string Patient, string Event, DateOnly Target, DueState State, int DaysOverdue)> Lines(WorklistReport report) =>
        [.. report.Patients.SelectMany(p => p.Items).Select(i => (i.StudyId, i.EventKey, i.Target, i.State, i.DaysOverdue))];

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ForSites_DueOverdueAndMissed_ListedPerPatientWithoutDoneOutOfHorizonOrOtherSites(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeAsync(db);

        var (report, issues) = await Worklist.ForSitesAsync(db, ["S01"], AsOf, 14);

        issues.ShouldBeEmpty();
        report!.Sites.ShouldBe(["S01"]);
        // Most overdue patient first; S01-003's month 1 (contact) and S01-001's administration 1 (infusion) are done;
        // month 1 of S01-001 and S01-002 (2024-04-01, 2024-04-09) lie beyond 2024-03-23; S02-001 is another site's.
        Lines(report).ShouldBe([
            ("S01-003", "administration_1", new DateOnly(2024, 2, 1), DueState.Missed, 37),
            ("S01-003", "administration_2", new DateOnly(2024, 2, 8), DueState.Missed, 30),
            ("S01-001", "administration_2", new DateOnly(2024, 3, 8), DueState.Overdue, 1),
            ("S01-002", "administration_1", AsOf, DueState.Due, 0),
            ("S01-002", "administration_2", new DateOnly(2024, 3, 16), DueState.Upcoming, 0),
        ]);
        report.Patients.Select(p => p.StudyId).ShouldBe(["S01-003", "S01-001", "S01-002"]);
        var overdue = report.Patients[1].Items.Single();
        (overdue.WindowStart, overdue.WindowEnd, overdue.Kind, overdue.Label).ShouldBe(
            (new DateOnly(2024, 3, 7), new DateOnly(2024, 3, 9), ScheduledEventKind.Administration, "Administration 2"));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ForSites_RescheduleIntoTheHorizon_EventAppearsAtItsNewDate(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "coordinator.zhao", clock: Clock());
        await ArrangeAsync(db);
        var (before, _) = await Worklist.ForSitesAsync(db, ["S01"], AsOf, 14);

        var moved = await Enrolments.RescheduleAsync(db, "S01-001", "month_1", new DateOnly(2024, 3, 20), "patient travels in April");
        var (after, _) = await Worklist.ForSitesAsync(db, ["S01"], AsOf, 14);

        moved.Succeeded.ShouldBeTrue(string.Join("; ", moved.Issues));
        Lines(before!).ShouldNotContain(l => l.Event == "month_1");
        var month1 = after!.Patients.Single(p => p.StudyId == "S01-001").Items.Single(i => i.EventKey == "month_1");
        (month1.Target, month1.WindowStart, month1.WindowEnd, month1.State, month1.Kind).ShouldBe(
            (new DateOnly(2024, 3, 20), new DateOnly(2024, 3, 13), new DateOnly(2024, 3, 27), DueState.Upcoming, ScheduledEventKind.FollowUp));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ForUser_CoordinatorOfOneSite_SeesOnlyThatSitesPatients(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeAsync(db);
        var user = new User { Id = Guid.NewGuid(), UserName = "coord.s02", NormalizedUserName = "COORD.S02", DisplayName = "Coordinator S02" };
        db.Users.Add(user);
        var s02 = db.Sites.Single(s => s.Code == "S02").Id;
        db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, SiteId = s02, Role = SiteRole.Coordinator, StartDate = new DateOnly(2024, 1, 1) });
        await db.SaveChangesAsync();
        var access = await UserAccess.LoadAsync(db, "coord.s02", AsOf);

        var (report, issues) = await Worklist.ForUserAsync(db, access, AsOf, 14);
        var (nobody, _) = await Worklist.ForUserAsync(db, UserAccess.None, AsOf, 14);

        issues.ShouldBeEmpty();
        report!.Sites.ShouldBe(["S02"]);
        Lines(report).ShouldBe([
            ("S02-001", "administration_1", new DateOnly(2024, 3, 1), DueState.Missed, 8),
            ("S02-001", "administration_2", new DateOnly(2024, 3, 8), DueState.Overdue, 1),
        ]);
        nobody!.Patients.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ForSites_ConsentWithdrawnOrDeath_PatientLeftOut(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeAsync(db);
        db.ProtocolEnrolments.Single(e => e.Patient!.StudyId == "S01-002").ConsentWithdrawnOn = AsOf;
        db.ChangeReason = "consent withdrawn";
        db.Deaths.Add(new Death { Id = Guid.NewGuid(), PatientId = db.Patients.Single(p => p.StudyId == "S01-003").Id, DeathDate = new DateOnly(2024, 2, 20) });
        await db.SaveChangesAsync();

        var (report, _) = await Worklist.ForSitesAsync(db, ["S01"], AsOf, 14);

        report!.Patients.Select(p => p.StudyId).ShouldBe(["S01-001"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ForSites_UnknownSiteAndHorizonOutOfRange_RefusedWithEveryIssue(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeAsync(db);

        var (report, issues) = await Worklist.ForSitesAsync(db, ["S01", "S99"], AsOf, 400);
        var (zero, none) = await Worklist.ForSitesAsync(db, ["S01"], AsOf, 0);

        report.ShouldBeNull();
        issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.WorklistHorizonOutOfRange, "within"), (IssueCodes.WorklistUnknownSite, "site")]);
        issues[1].Message.ShouldContain("'S99'");
        none.ShouldBeEmpty();
        Lines(zero!).Select(l => l.Event).ShouldBe(["administration_1", "administration_2", "administration_2", "administration_1"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ForSites_AsOfBeforeTheInfusion_EventStillListed(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeAsync(db);

        var (earlier, _) = await Worklist.ForSitesAsync(db, ["S01"], new DateOnly(2024, 2, 29), 1);

        // As of 2024-02-29, S01-001's infusion of 2024-03-01 has not happened yet: administration 1 is upcoming.
        Lines(earlier!).ShouldContain(("S01-001", "administration_1", new DateOnly(2024, 3, 1), DueState.Upcoming, 0));
    }
}
