// Source: issue #14 "Retrospective entry" and docs/cell-therapy.md "Retrospective entry": event time apart from entry
// time, past event times accepted, future ones refused (RET001), an entry more than 7 days (the default) after its
// event marked "entered late" and refused without a reason (RET002). The seed's case 1 infusion date 2017-08-04.
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Export;
using Stroma.Data.Model;
using ClinicalAdverseEvent = Stroma.Clinical.CellTherapy.AdverseEvent;

namespace Stroma.Data.Tests;

public sealed class RetrospectiveEntryTests
{
    private const string Reason = "transcribed from the 2017 paper file";
    private static readonly DateOnly Made = new(2017, 6, 1);
    private static readonly DateOnly Expires = new(2017, 12, 31);
    private static readonly DateOnly Day0 = new(2017, 8, 4);
    private static readonly DateOnly Today = new(2026, 12, 6);

    // Noon UTC, so the clock's local date is 2026-12-06 in every time zone from UTC-12 to UTC+11.
    private static ManualClock Clock() => ManualClock.At("2026-12-06T12:00:00Z");

    private static ReleaseDecision Release(ManualClock clock) => new(ReleaseVerdict.Release, "qa.lee", clock.Now, "QA release for clinical use");

    /// <summary>A 2017 lot (expired today), tested in 2017 and entered late.</summary>
    private static async Task ArrangeTestedLotAsync(StromaDbContext db, string lot = "LOT-2017-A")
    {
        (await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot(lot, Made, Expires))).Succeeded.ShouldBeTrue();
        var tested = await Lots.RecordTestsAsync(db, lot, CellTherapyFixture.PassingResults(), Made.AddDays(30), Reason);
        tested.Succeeded.ShouldBeTrue(string.Join("; ", tested.Issues));
    }

    /// <summary>Case 1 as in 2017: a patient enrolled on the seed case 1 protocol from 2017-08-04 and a lot released on 2017-07-25.</summary>
    private static async Task ArrangeCase1Async(StromaDbContext db, ManualClock clock)
    {
        await CellTherapyFixture.PatientAsync(db, "CR-001");
        await ArrangeTestedLotAsync(db);
        var released = await Lots.DecideAsync(db, "LOT-2017-A", CellTherapyFixture.TestSpecification, Release(clock), new DateOnly(2017, 7, 25), Reason);
        released.Succeeded.ShouldBeTrue(string.Join("; ", released.Issues));
        var enrolled = await Enrolments.EnrolAsync(db, "CR-001", ProtocolTemplates.SeedCase1Key,
            new EnrolmentRequest(Day0, 58m, Day0, new ConsentRecord(Day0.AddDays(-5), "1")));
        enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
    }

    private static InfusionRequest Infuse(DateTimeOffset start, string? reason) =>
        new("CR-001", "LOT-2017-A", "administration_1", "msc", start, start.AddMinutes(40), 5e7m, 58m, DateOnly.FromDateTime(start.DateTime), [], [], [], [],
            LateEntryReason: reason);

    private static FollowUpRequest Contact(DateOnly date, string? reason) =>
        new("CR-001", date, ContactMode.PhoneCall, ReportedChange.Better, ReportedChange.Unchanged, ReportedChange.Unchanged, ReportedChange.NotAsked, false,
            LateEntryReason: reason);

    private static ClinicalAdverseEvent Fever(DateOnly onset) =>
        new("fever", AdverseEventCategory.InfusionRelatedReaction, onset, null, CtcaeGrade.Mild, SeriousnessCriteria.None, Relatedness.Possible,
            Expectedness.Expected, AdverseEventOutcome.Recovered, "LOT-2017-A");

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Decide_2017DecisionDateWhenTheLotWasInDate_ReleasedEnteredLateSignedNow(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(actor: "qa.lee", clock: clock);
        await ArrangeTestedLotAsync(db);

        // Decided "now", the 2017 lot is expired: refused as before ...
        var today = await Lots.DecideAsync(db, "LOT-2017-A", CellTherapyFixture.TestSpecification, Release(clock));
        // ... dated on the day QA decided in 2017, when it was in date: released, entered late with its reason.
        var then = await Lots.DecideAsync(db, "LOT-2017-A", CellTherapyFixture.TestSpecification, Release(clock), new DateOnly(2017, 7, 25), Reason);

        today.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LotExpired]);
        then.Succeeded.ShouldBeTrue(string.Join("; ", then.Issues));
        var decision = await db.LotDecisions.AsNoTracking().SingleAsync();
        (decision.DecisionDate, decision.SignedAt, decision.EnteredLate, decision.LateEntryReason).ShouldBe((new DateOnly(2017, 7, 25), clock.Now, true, Reason));
        (await db.CellLots.SingleAsync()).Status.ShouldBe(LotStatus.Released);
        (await db.LotReleaseTests.Select(t => t.EnteredLate).Distinct().ToListAsync()).ShouldBe([true]);
        var audit = await db.AuditEntries.SingleAsync(a => a.Entity == nameof(LotDecision) && a.Action == "insert");
        audit.NewValue!.ShouldContain($"\"LateEntryReason\":\"{Reason}\"");
        audit.NewValue!.ShouldContain("\"DecisionDate\":\"2017-07-25\"");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infuse_2017DateWithTheLotReleasedAndInDateThen_PassesAndIsMarkedLate(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(clock: clock);
        await ArrangeCase1Async(db, clock);
        var start = new DateTimeOffset(Day0.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));

        var result = await Infusions.RecordAsync(db, Infuse(start, Reason));

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Issues));
        var infusion = await db.Infusions.AsNoTracking().SingleAsync();
        (infusion.InfusionDate, infusion.PrecheckOutcome, infusion.EnteredLate, infusion.LateEntryReason).ShouldBe((Day0, "passed", true, Reason));
        infusion.CreatedAt.ShouldBe(clock.Now);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Record_EventTimeInTheFuture_RefusedWithRet001NamingTheFieldAndToday(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(clock: clock);
        await ArrangeCase1Async(db, clock);
        await ArrangeTestedLotAsync(db, "LOT-2017-B");
        var before = await db.AuditEntries.CountAsync();
        var tomorrow = Today.AddDays(1);

        var tests = await Lots.RecordTestsAsync(db, "LOT-2017-B", CellTherapyFixture.PassingResults(), tomorrow, Reason);
        var decision = await Lots.DecideAsync(db, "LOT-2017-B", CellTherapyFixture.TestSpecification, Release(clock), tomorrow, Reason);
        var custody = await Lots.RecordCustodyAsync(db, "LOT-2017-A", new CustodyEvent(CustodyEventKind.Released, clock.Now.AddHours(1), "GMP", "qa.lee"));
        var infusion = await Infusions.RecordAsync(db, Infuse(clock.Now.AddDays(1), Reason));
        var contact = await FollowUps.RecordAsync(db, Contact(tomorrow, Reason));
        var ae = await FollowUps.RecordAdverseEventAsync(db, "CR-001", Fever(tomorrow), Reason);
        var patientId = await db.Patients.Where(p => p.StudyId == "CR-001").Select(p => p.Id).SingleAsync();
        var lab = await Labs.LabResultEntry.RecordAsync(db, new Labs.ReportedUnitNormaliser(),
            new Labs.LabEntryRequest(patientId, null, null, clock.Now.AddHours(1), [new Labs.LabEntryValue("ferritin", "41", "ug/L", "13-150")]));

        lab.Saved.ShouldBeFalse();
        foreach (var (result, field) in new[] { (tests.Issues, "tested_on"), (decision.Issues, "decided_on"), (custody.Issues, "at"), (infusion.Issues, "start"),
            (contact.Issues, "contact_date"), (ae.Issues, "onset"), (lab.Issues, "specimen_time") })
        {
            var issue = result.Single(i => i.Code == IssueCodes.EventInFuture);
            issue.Path.ShouldBe(field);
            issue.Message.ShouldContain("is in the future");
        }

        tests.Issues.Single(i => i.Code == IssueCodes.EventInFuture).Message.ShouldBe(
            "tested_on 2026-12-07 is in the future (today is 2026-12-06): record an event once it has happened.");
        (await db.AuditEntries.CountAsync()).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Enrol_ConsentOrWeighingInTheFuture_RefusedWithRet001_Day0AheadAccepted(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("coordinator", Clock());
        await CellTherapyFixture.PatientAsync(db, "CR-001");
        var tomorrow = Today.AddDays(1);

        var future = await Enrolments.EnrolAsync(db, "CR-001", ProtocolTemplates.SeedCase1Key,
            new EnrolmentRequest(Today.AddDays(14), 58m, tomorrow, new ConsentRecord(tomorrow, "1")));
        var planned = await Enrolments.EnrolAsync(db, "CR-001", ProtocolTemplates.SeedCase1Key,
            new EnrolmentRequest(Today.AddDays(14), 58m, Today, new ConsentRecord(Today, "1")));

        future.Value.ShouldBeNull();
        future.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.EventInFuture, "consent_signed"), (IssueCodes.EventInFuture, "weighed")]);
        future.Issues[0].Message.ShouldBe("consent_signed 2026-12-07 is in the future (today is 2026-12-06): record an event once it has happened.");
        planned.Succeeded.ShouldBeTrue(string.Join("; ", planned.Issues));
        planned.Value!.StartDate.ShouldBe(Today.AddDays(14), "day 0 is a plan, not an event: it may be ahead");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Record_LateEntryWithoutReason_RefusedWithRet002AndNothingWritten(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(clock: clock);
        await ArrangeCase1Async(db, clock);
        (await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("LOT-2017-B", Made, Expires))).Succeeded.ShouldBeTrue();
        var before = await db.AuditEntries.CountAsync();
        var start = new DateTimeOffset(Day0.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));

        var tests = await Lots.RecordTestsAsync(db, "LOT-2017-B", CellTherapyFixture.PassingResults(), Made.AddDays(30));
        var custody = await Lots.RecordCustodyAsync(db, "LOT-2017-A", new CustodyEvent(CustodyEventKind.Released, At("2017-07-25T10:00:00Z"), "GMP", "qa.lee"), lateEntryReason: " ");
        var infusion = await Infusions.RecordAsync(db, Infuse(start, null));
        var contact = await FollowUps.RecordAsync(db, Contact(Day0.AddDays(30), null));
        var ae = await FollowUps.RecordAdverseEventAsync(db, "CR-001", Fever(Day0));

        foreach (var result in new[] { tests.Issues, custody.Issues, infusion.Issues, contact.Issues, ae.Issues })
        {
            result.Select(i => i.Code).ShouldBe([IssueCodes.LateEntryWithoutReason]);
            result[0].Path.ShouldBe("late_reason");
        }

        contact.Issues[0].Message.ShouldBe(
            "contact_date 2017-09-03 is more than 7 days before today (2026-12-06): this is a late entry; give the reason for entering it late.");
        (await db.AuditEntries.CountAsync()).ShouldBe(before);
        (await db.Infusions.CountAsync(), await db.FollowUpContacts.CountAsync(), await db.AdverseEvents.CountAsync(), await db.CustodyEvents.CountAsync()).ShouldBe((0, 0, 0, 0));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Record_SevenDaysBackOnTime_EightDaysBackLate(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await CellTherapyFixture.PatientAsync(db, "CR-001");

        var onTime = await FollowUps.RecordAsync(db, Contact(Today.AddDays(-7), "a reason not needed"));
        var lateWithout = await FollowUps.RecordAsync(db, Contact(Today.AddDays(-8), null));
        var late = await FollowUps.RecordAsync(db, Contact(Today.AddDays(-8), "  phone note found in the ward diary  "));

        onTime.Succeeded.ShouldBeTrue(string.Join("; ", onTime.Issues));
        (onTime.Value!.EnteredLate, onTime.Value.LateEntryReason).ShouldBe((false, null));
        lateWithout.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LateEntryWithoutReason]);
        (late.Value!.EnteredLate, late.Value.LateEntryReason).ShouldBe((true, "phone note found in the ward diary"));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Export_LateInfusionAndContact_CarryEventTimeEntryTimeAndTheMarker(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using (var db = database.Open(clock: clock))
        {
            await ArrangeCase1Async(db, clock);
            var start = new DateTimeOffset(Day0.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
            (await Infusions.RecordAsync(db, Infuse(start, Reason))).Succeeded.ShouldBeTrue();
            (await FollowUps.RecordAsync(db, Contact(Today.AddDays(-1), null))).Succeeded.ShouldBeTrue();
        }

        var directory = Path.Combine(Path.GetTempPath(), $"stroma-retro-export-{Guid.NewGuid():N}");
        try
        {
            var counts = await CsvExport.WriteAsync(database.Configuration, directory);

            (counts["infusions"], counts["follow_up_contacts"], counts["lot_decisions"], counts["lot_release_tests"]).ShouldBe((1, 1, 1, 14));
            var infusion = Row(directory, "infusions");
            (infusion["study_id"], infusion["infusion_date"], infusion["entered_late"], infusion["late_entry_reason"]).ShouldBe(("CR-001", "2017-08-04", "true", Reason));
            infusion["start"].ShouldStartWith("2017-08-04T01:00");
            infusion["created_at"].ShouldStartWith("2026-12-06T12:00");
            var contact = Row(directory, "follow_up_contacts");
            (contact["contact_date"], contact["entered_late"], contact["late_entry_reason"]).ShouldBe(("2026-12-05", "false", ""));
            var decision = Row(directory, "lot_decisions");
            (decision["decision_date"], decision["entered_late"], decision["late_entry_reason"]).ShouldBe(("2017-07-25", "true", Reason));

            await CsvExport.WriteAsync(database.Configuration, directory, new CsvExportOptions([], Deidentify: true));
            File.ReadLines(Path.Combine(directory, "infusions.csv")).First().Split(',').ShouldNotContain("late_entry_reason");
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The single data row of an exported table, by column name.</summary>
    private static Dictionary<string, string> Row(string directory, string table)
    {
        using var reader = new StreamReader(Path.Combine(directory, table + ".csv"));
        using var csv = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture);
        csv.Read().ShouldBeTrue(table);
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        csv.Read().ShouldBeTrue(table);
        var row = header.ToDictionary(h => h, h => csv.GetField(h) ?? "", StringComparer.Ordinal);
        csv.Read().ShouldBeFalse(table);
        return row;
    }
}
