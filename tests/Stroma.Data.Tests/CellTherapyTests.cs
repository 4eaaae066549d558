// Source: issue #6 (cell therapy, data half) and docs/cell-therapy.md "Records, commands and trace"; the rules called
// are Stroma.Clinical.CellTherapy's (their own tests cite ISCT 2006, ISBT 128, CTCAE v5.0, ICH E2A, Wang 2014).
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using ClinicalAdverseEvent = Stroma.Clinical.CellTherapy.AdverseEvent;

namespace Stroma.Data.Tests;

public sealed class CellTherapyTests
{
    private static readonly DateOnly Made = new(2024, 1, 2);
    private static readonly DateOnly Expires = new(2024, 12, 31);
    private static readonly DateOnly Day0 = new(2024, 3, 1);

    // After every event of these tests (lots tested and released from January 2024, infusions and contacts to June 2024),
    // so each is entered late with CellTherapyFixture.History; RetrospectiveEntryTests cover on-time and refused entries.
    private static ManualClock Clock() => ManualClock.At("2024-06-30T09:00:00Z");

    private const string History = CellTherapyFixture.History;

    private static Dictionary<string, ReleaseMeasurement> With(string key, ReleaseMeasurement value)
    {
        var results = CellTherapyFixture.PassingResults();
        results[key] = value;
        return results;
    }

    private static ReleaseDecision Release(string at = "2024-02-01T09:00:00Z") =>
        new(ReleaseVerdict.Release, "qa.lee", DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), "QA release for clinical use");

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A patient enrolled on Wang 2014 from <see cref="Day0"/> with consent, and a released UC-MSC lot.</summary>
    private static async Task ArrangeWangAsync(StromaDbContext db, string studyId = "S01-001", string lot = "UC-0001")
    {
        await CellTherapyFixture.PatientAsync(db, studyId);
        if (!await db.CellLots.AnyAsync(l => l.LotNumber == lot))
        {
            await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot(lot, Made, Expires), At("2024-02-01T09:00:00Z"));
        }

        var enrolled = await Enrolments.EnrolAsync(db, studyId, ProtocolTemplates.Wang2014Key,
            new EnrolmentRequest(Day0, 58m, Day0, new ConsentRecord(Day0.AddDays(-10), "1")));
        enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
    }

    private static InfusionRequest Infuse(string studyId = "S01-001", string lot = "UC-0001", string eventKey = "administration_1", DateOnly? date = null,
        decimal dose = 5.8e7m, decimal? weight = 58m, DateOnly? weighedOn = null)
    {
        var day = date ?? Day0;
        var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        return new InfusionRequest(studyId, lot, eventKey, "msc", start, start.AddMinutes(40), dose, weight, weighedOn ?? day,
            [new VitalSigns(start.AddMinutes(-15), 118m, 76m, 72m, 36.6m, 16m, 98m)],
            [new VitalSigns(start.AddMinutes(60), 120m, 78m, 74m, 36.8m, 16m, 98m)],
            [new Premedication("promethazine", "25 mg IM", start.AddMinutes(-30))],
            [], LateEntryReason: History);
    }

    private static async Task<(int Infusions, int Audit)> CountsAsync(StromaDbContext db) =>
        (await db.Infusions.IgnoreQueryFilters().CountAsync(), await db.AuditEntries.CountAsync());

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RegisterLot_ValidThenDuplicate_QuarantinedThenRefused(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());

        var first = await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("UC-0001", Made, Expires));
        var again = await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("UC-0001", Made, Expires));
        var backwards = await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("UC-0002", Expires, Made));
        var badDin = await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("G123498654321A", Made, Expires), lotIdIsIsbt128Din: true);
        var goodDin = await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("G123498654321H", Made, Expires), lotIdIsIsbt128Din: true);

        first.Value!.Status.ShouldBe(LotStatus.Quarantine);
        again.Issues.Select(i => i.Code).ShouldBe([IssueCodes.DuplicateLot]);
        backwards.Issues.Select(i => i.Code).ShouldContain(IssueCodes.LotExpiryBeforeManufacture);
        badDin.Issues.Select(i => i.Code).ShouldBe([IssueCodes.IsbtDinCheckCharacterMismatch]);
        goodDin.Succeeded.ShouldBeTrue();
        (await db.CellLots.CountAsync()).ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Release_PassingResults_ReleasedWithSignedAuditedDecision(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open(actor: "qa.lee", clock: Clock()))
        {
            await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("UC-0001", Made, Expires));
            await Lots.RecordTestsAsync(db, "UC-0001", CellTherapyFixture.PassingResults(), new DateOnly(2024, 1, 20), History);

            var decided = await Lots.DecideAsync(db, "UC-0001", CellTherapyFixture.TestSpecification, Release(), lateEntryReason: History);

            decided.Succeeded.ShouldBeTrue(string.Join("; ", decided.Issues));
        }

        await using var read = database.Open();
        var lot = await read.CellLots.SingleAsync();
        lot.Status.ShouldBe(LotStatus.Released);
        var decision = await read.LotDecisions.SingleAsync();
        (decision.SignedBy, decision.Meaning, decision.SpecificationVersion).ShouldBe(("qa.lee", "QA release for clinical use", "test-2"));
        decision.EvaluationJson.ShouldContain("\"key\":\"viability\"");
        var audit = await read.AuditEntries.Where(a => a.Entity == "LotDecision" || (a.Entity == "CellLotRecord" && a.Action == "update")).OrderBy(a => a.Sequence).ToListAsync();
        audit.Select(a => (a.Entity, a.Action, a.Field, a.UserName)).ShouldBe([("LotDecision", "insert", "*", "qa.lee"), ("CellLotRecord", "update", "Status", "qa.lee")]);
        audit[1].OldValue.ShouldBe("Quarantine");
        audit[1].NewValue.ShouldBe("Released");
        audit[1].Reason.ShouldBe("lot released by qa.lee: QA release for clinical use");
        audit[0].NewValue!.ShouldContain("\"SignedBy\":\"qa.lee\"");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Release_Refusals_ReportTheClinicalCodesAndWriteNothing(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("FAIL", Made, Expires));
        await Lots.RecordTestsAsync(db, "FAIL", With("cd73", ReleaseMeasurement.Of(90m)), Made.AddDays(7), History);
        await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("OLD", new DateOnly(2023, 1, 1), new DateOnly(2024, 1, 31)));
        await Lots.RecordTestsAsync(db, "OLD", CellTherapyFixture.PassingResults(), new DateOnly(2023, 1, 8), History);
        await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("NK", Made, Expires, CellProductType.NkCells));
        await Lots.RecordTestsAsync(db, "NK", CellTherapyFixture.PassingResults(), Made.AddDays(7), History);
        var audit = await db.AuditEntries.CountAsync();

        var failed = await Lots.DecideAsync(db, "FAIL", CellTherapyFixture.TestSpecification, Release(), lateEntryReason: History);
        var unset = await Lots.DecideAsync(db, "FAIL", ReleaseSpecification.IsctMscDefault, Release(), lateEntryReason: History);
        var expired = await Lots.DecideAsync(db, "OLD", CellTherapyFixture.TestSpecification, Release(), lateEntryReason: History);
        var nk = await Lots.DecideAsync(db, "NK", CellTherapyFixture.TestSpecification, Release(), lateEntryReason: History);
        var unsigned = await Lots.DecideAsync(db, "FAIL", CellTherapyFixture.TestSpecification, new ReleaseDecision(ReleaseVerdict.Reject, "qa.lee", At("2024-02-01T09:00:00Z"), "QA rejection"), lateEntryReason: History);
        var unknown = await Lots.DecideAsync(db, "NOPE", CellTherapyFixture.TestSpecification, Release(), lateEntryReason: History);

        failed.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LotReleaseWithoutPassedSpecification, IssueCodes.ReleaseCriterionFailed]);
        unset.Issues.Select(i => i.Code).ShouldContain(IssueCodes.ReleaseLimitNotSet);
        expired.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LotExpired]);
        nk.Issues.Select(i => i.Code).ShouldBe([IssueCodes.NoReleaseSpecification]);
        unsigned.Issues.Select(i => i.Code).ShouldBe([IssueCodes.ReleaseDecisionUnsigned]);
        unknown.Issues.Select(i => i.Code).ShouldBe([IssueCodes.UnknownLot]);
        (await db.LotDecisions.CountAsync()).ShouldBe(0);
        (await db.CellLots.CountAsync(l => l.Status != LotStatus.Quarantine)).ShouldBe(0);
        (await db.AuditEntries.CountAsync()).ShouldBe(audit);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RejectThenRelease_SecondDecision_RefusedAsNotInQuarantine(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("UC-0001", Made, Expires));
        await Lots.RecordTestsAsync(db, "UC-0001", With("mycoplasma", ReleaseMeasurement.Outcome(false)), Made.AddDays(7), History);

        var rejected = await Lots.DecideAsync(db, "UC-0001", CellTherapyFixture.TestSpecification,
            new ReleaseDecision(ReleaseVerdict.Reject, "qa.lee", At("2024-02-01T09:00:00Z"), "QA rejection", "mycoplasma detected"), lateEntryReason: History);
        var released = await Lots.DecideAsync(db, "UC-0001", CellTherapyFixture.TestSpecification, Release(), lateEntryReason: History);
        var retest = await Lots.RecordTestsAsync(db, "UC-0001", CellTherapyFixture.PassingResults(), Made.AddDays(9), History);

        rejected.Succeeded.ShouldBeTrue();
        (await db.CellLots.SingleAsync()).Status.ShouldBe(LotStatus.Rejected);
        released.Issues.Select(i => i.Code).ShouldContain(IssueCodes.LotNotInQuarantine);
        retest.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LotNotInQuarantine]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Custody_ChainChecked_ImpossibleStepsRefusedExcursionKept(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("Q", Made, Expires));
        await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("UC-0001", Made, Expires), At("2024-02-01T09:00:00Z"));
        await CellTherapyFixture.PatientAsync(db, "S01-001");
        var rules = new CustodyRules(new Dictionary<CustodyEventKind, TemperatureRange> { [CustodyEventKind.Received] = new(-196m, -150m) });

        var quarantined = await Lots.RecordCustodyAsync(db, "Q", new CustodyEvent(CustodyEventKind.Released, At("2024-02-01T10:00:00Z"), "GMP", "qa.lee"), lateEntryReason: History);
        var released = await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Released, At("2024-02-01T10:00:00Z"), "GMP", "qa.lee"), lateEntryReason: History);
        var administeredTooSoon = await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Administered, At("2024-02-01T11:00:00Z"), "Ward 3", "nurse.wu"), lateEntryReason: History);
        var shipped = await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Shipped, At("2024-02-01T12:00:00Z"), "GMP", "courier"), lateEntryReason: History);
        var warm = await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Received, At("2024-02-01T15:00:00Z"), "Pharmacy", "pharm.li", -120m), rules: rules, lateEntryReason: History);
        var backInTime = await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Thawed, At("2024-02-01T14:00:00Z"), "Pharmacy", "pharm.li"), lateEntryReason: History);
        var unthawed = await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Administered, At("2024-03-01T09:00:00Z"), "Ward 3", "nurse.wu"), "S01-001", lateEntryReason: History);

        quarantined.Issues.Select(i => i.Code).ShouldBe([IssueCodes.CustodyBeforeRelease]);
        released.Succeeded.ShouldBeTrue();
        administeredTooSoon.Issues.Select(i => i.Code).ShouldBe([IssueCodes.CustodyTransitionNotAllowed, IssueCodes.CustodyNotThawed]);
        shipped.Succeeded.ShouldBeTrue();
        warm.Succeeded.ShouldBeTrue();
        warm.Value!.Warnings!.ShouldStartWith("LOT015 ");
        backInTime.Issues.Select(i => i.Code).ShouldBe([IssueCodes.CustodyOutOfOrder]);
        unthawed.Issues.Select(i => i.Code).ShouldBe([IssueCodes.CustodyNotThawed]);
        (await db.CustodyEvents.CountAsync()).ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Enrol_Wang2014_GeneratesTheCalendarAndRefusesASecondEnrolment(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);

        var again = await Enrolments.EnrolAsync(db, "S01-001", ProtocolTemplates.Wang2014Key, new EnrolmentRequest(Day0));
        var unknownProtocol = await Enrolments.EnrolAsync(db, "S01-001", "no_such", new EnrolmentRequest(Day0));
        var unknownPatient = await Enrolments.EnrolAsync(db, "S09-999", ProtocolTemplates.Wang2014Key, new EnrolmentRequest(Day0));

        var events = await db.ScheduledEvents.OrderBy(e => e.Target).Select(e => new { e.EventKey, e.Target }).ToListAsync();
        events.Select(e => (e.EventKey, e.Target)).ShouldBe([
            ("administration_1", Day0), ("administration_2", new DateOnly(2024, 3, 8)), ("month_1", new DateOnly(2024, 4, 1)),
            ("month_3", new DateOnly(2024, 6, 1)), ("month_6", new DateOnly(2024, 9, 1)), ("month_9", new DateOnly(2024, 12, 1)),
            ("month_12", new DateOnly(2025, 3, 1))]);
        again.Issues.Select(i => i.Code).ShouldBe([IssueCodes.AlreadyEnrolled]);
        unknownProtocol.Issues.Select(i => i.Code).ShouldBe([IssueCodes.UnknownProtocol]);
        unknownPatient.Issues.Select(i => i.Code).ShouldBe([IssueCodes.UnknownPatient]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Reschedule_MovesTheTargetAndKeepsEveryChange(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(actor: "coordinator.zhao", clock: clock);
        await ArrangeWangAsync(db);

        var first = await Enrolments.RescheduleAsync(db, "S01-001", "month_3", new DateOnly(2024, 6, 10), "patient travelling");
        clock.Advance(TimeSpan.FromDays(3));
        var second = await Enrolments.RescheduleAsync(db, "S01-001", "month_3", new DateOnly(2024, 6, 12), "clinic closed");
        var noReason = await Enrolments.RescheduleAsync(db, "S01-001", "month_6", new DateOnly(2024, 9, 3), " ");
        var unknown = await Enrolments.RescheduleAsync(db, "S01-001", "month_4", new DateOnly(2024, 9, 3), "x");

        first.Succeeded.ShouldBeTrue();
        second.Succeeded.ShouldBeTrue();
        noReason.Issues.Select(i => i.Code).ShouldBe([IssueCodes.RescheduleWithoutReason]);
        unknown.Issues.Select(i => i.Code).ShouldBe([IssueCodes.ScheduleUnknownEvent]);
        var (schedules, _) = await Enrolments.LoadAsync(db, "S01-001");
        var schedule = schedules.Single().Schedule;
        schedule.Event("month_3")!.Target.ShouldBe(new DateOnly(2024, 6, 12));
        schedule.Event("month_3")!.WindowStart.ShouldBe(new DateOnly(2024, 6, 5));
        schedule.History.Select(h => (h.From, h.To, h.Reason, h.ChangedBy)).ShouldBe([
            (new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 10), "patient travelling", "coordinator.zhao"),
            (new DateOnly(2024, 6, 10), new DateOnly(2024, 6, 12), "clinic closed", "coordinator.zhao")]);
        (await db.ScheduledEvents.SingleAsync(e => e.EventKey == "month_3")).OriginalTarget.ShouldBe(new DateOnly(2024, 6, 1));
        var audit = await db.AuditEntries.Where(a => a.Entity == "ScheduledEventRecord" && a.Action == "update").ToListAsync();
        audit.Select(a => (a.Field, a.OldValue, a.NewValue)).ShouldBe([("Target", "2024-06-01", "2024-06-10"), ("Target", "2024-06-10", "2024-06-12")]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infuse_AllChecksPass_WritesInfusionVitalsAndPremedication(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);

        // Wang 2014 worked example: 1×10^6 cells/kg × 58 kg = 5.8×10^7; −10% (5.22×10^7) is within tolerance.
        var result = await Infusions.RecordAsync(db, Infuse(dose: 5.22e7m));

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Issues));
        result.Value!.PrecheckOutcome.ShouldBe("passed");
        (await db.InfusionVitalSigns.CountAsync()).ShouldBe(2);
        (await db.InfusionPremedications.SingleAsync()).Drug.ShouldBe("promethazine");
        (await db.Infusions.SingleAsync()).InfusionDate.ShouldBe(Day0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infuse_WeightTenTimesThePlanningWeight_RefusedUntilConfirmed(DatabaseEngine engine)
    {
        // Issue #16: 600 kg against a planning weight of 58 kg passed the ±10% dose check with a dose for 600 kg.
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);

        var checks = await Infusions.CheckAsync(db, Infuse(dose: 6e8m, weight: 580m));
        var refused = await Infusions.RecordAsync(db, Infuse(dose: 6e8m, weight: 580m));

        checks.ShouldContain(i => i.Code == IssueCodes.WeightFarFromPlanningWeight && !i.IsError && i.Path == "weight");
        refused.Succeeded.ShouldBeFalse();
        refused.Issues.ShouldContain(i => i.Code == IssueCodes.WeightFarFromPlanningWeight && i.IsError && i.Message.Contains("planning weight 58 kg", StringComparison.Ordinal));
        (await CountsAsync(db)).Infusions.ShouldBe(0);

        var confirmed = await Infusions.RecordAsync(db, Infuse(dose: 5.8e8m, weight: 580m) with { WeightConfirmed = true });
        confirmed.Succeeded.ShouldBeTrue(string.Join("; ", confirmed.Issues));
        confirmed.Issues.ShouldContain(i => i.Code == IssueCodes.WeightFarFromPlanningWeight && !i.IsError);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infusion_RecordedBeforeAVisitOnItsDateWasSigned_ItsDetailsLocked_ALaterOneIsNot(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);
        var recorded = (await Infusions.RecordAsync(db, Infuse())).Value!;
        var patientId = recorded.PatientId;
        var visit = new Visit { Id = Guid.CreateVersion7(), PatientId = patientId, VisitDate = Day0, Kind = VisitKind.Scheduled, Type = "infusion" };
        db.Visits.Add(visit);
        await db.SaveChangesAsync();
        visit.SignedBy = "inv";
        visit.SignedByName = "Investigator";
        visit.SignedAt = db.Clock.GetUtcNow();
        visit.SignatureMeaning = "I confirm";
        db.ChangeReason = "signed: I confirm";
        await db.SaveChangesAsync();

        // The infusion's own details under the signed visit: a change is refused by the data layer's guard.
        var vitals = await db.InfusionVitalSigns.FirstAsync(v => v.InfusionId == recorded.Id);
        var heartRate = vitals.HeartRatePerMinute;
        vitals.HeartRatePerMinute = 90m;
        db.ChangeReason = "typo";
        var guard = await Should.ThrowAsync<Stroma.Data.Visits.VisitLockedException>(() => db.SaveChangesAsync());
        guard.Issue.Code.ShouldBe(IssueCodes.VisitLocked);
        db.ChangeTracker.Clear();

        guard.Issue.Message.ShouldContain("signed by Investigator (inv)");
        (await db.InfusionVitalSigns.SingleAsync(v => v.Id == vitals.Id)).HeartRatePerMinute.ShouldBe(heartRate);

        // An infusion recorded after the signature (the baseline visit signed that morning) is not under it.
        ((ManualClock)db.Clock).Advance(TimeSpan.FromHours(1));
        var later = await Infusions.RecordAsync(db, Infuse(eventKey: "administration_2"));
        later.Issues.ShouldNotContain(i => i.Code == IssueCodes.VisitLocked);
    }

    public static TheoryData<DatabaseEngine, string> FailingChecks
    {
        get
        {
            var data = new TheoryData<DatabaseEngine, string>();
            foreach (var engine in Engines.All)
            {
                foreach (var code in new[] { "INF001", "INF002", "INF003", "DOSE001", "DOSE003", "DOSE004", "INF004", "INF005", "CTD007", "CTD008", "CTD006" })
                {
                    data.Add((DatabaseEngine)engine.Data, code);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FailingChecks))]
    public async Task Infuse_OneCheckFails_RefusedWithThatCodeAndNothingWritten(DatabaseEngine engine, string code)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);
        var request = Infuse();
        switch (code)
        {
            case "INF001":
                await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("QUAR", Made, Expires));
                request = Infuse(lot: "QUAR");
                break;
            case "INF002":
                await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("SHORT", Made, Day0.AddDays(-1)), At("2024-02-01T09:00:00Z"));
                request = Infuse(lot: "SHORT");
                break;
            case "INF003":
                await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("BM", Made, Expires, CellProductType.BoneMarrowMsc), At("2024-02-01T09:00:00Z"));
                request = Infuse(lot: "BM");
                break;
            case "DOSE001":
                request = Infuse(dose: 6.4e7m); // +10.34% of 5.8×10^7
                break;
            case "DOSE003":
                request = Infuse(weight: null);
                break;
            case "DOSE004":
                request = Infuse(weighedOn: Day0.AddDays(-3));
                break;
            case "INF004":
                db.ChangeReason = "consent withdrawn";
                (await db.ProtocolEnrolments.SingleAsync()).ConsentWithdrawnOn = Day0.AddDays(-1);
                await db.SaveChangesAsync();
                break;
            case "INF005":
                request = request with { Stop = request.Start.AddMinutes(-5) };
                break;
            case "CTD007":
                request = Infuse(eventKey: "month_1");
                break;
            case "CTD008":
                (await Infusions.RecordAsync(db, Infuse())).Succeeded.ShouldBeTrue();
                break;
            case "CTD006":
                await CellTherapyFixture.PatientAsync(db, "S01-002");
                request = Infuse(studyId: "S01-002");
                break;
        }

        var before = await CountsAsync(db);

        var result = await Infusions.RecordAsync(db, request);

        result.Succeeded.ShouldBeFalse();
        result.Issues.Where(i => i.IsError).Select(i => i.Code).ShouldBe([code]);
        (await CountsAsync(db)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infusion_SecondLiveRowForTheSameAdministration_RefusedByTheDatabase(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);
        var first = (await Infusions.RecordAsync(db, Infuse())).Value!;
        db.ChangeTracker.Clear();

        db.Infusions.Add(new Infusion
        {
            Id = Guid.NewGuid(),
            PatientId = first.PatientId,
            EnrolmentId = first.EnrolmentId,
            EventKey = first.EventKey,
            ComponentKey = first.ComponentKey,
            LotId = first.LotId,
            InfusionDate = first.InfusionDate,
            Start = first.Start,
            DoseCells = first.DoseCells,
            PrecheckOutcome = "bypassed",
        });

        await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infuse_EveryCheckFails_ReportsEveryIssueAndWritesNothing(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await CellTherapyFixture.PatientAsync(db, "S01-001");
        await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("BMQ", Made, Day0.AddDays(-1), CellProductType.BoneMarrowMsc));
        await Enrolments.EnrolAsync(db, "S01-001", ProtocolTemplates.Wang2014Key, new EnrolmentRequest(Day0));
        var before = await CountsAsync(db);

        var result = await Infusions.RecordAsync(db, Infuse(lot: "BMQ", dose: 9e7m, weighedOn: Day0.AddDays(-3)));

        result.Issues.Where(i => i.IsError).Select(i => i.Code).ShouldBe([
            IssueCodes.LotNotReleased, IssueCodes.LotExpiredOnInfusionDate, IssueCodes.ProductTypeMismatch,
            IssueCodes.DoseWeightNotFromInfusionDay, IssueCodes.ConsentNotCurrent]);
        (await CountsAsync(db)).ShouldBe(before);
        (await db.InfusionVitalSigns.IgnoreQueryFilters().CountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ScheduleAndDeviations_LateInfusionAndMissedVisit_MarkedAndRecordedOnce(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);
        (await Infusions.RecordAsync(db, Infuse())).Succeeded.ShouldBeTrue();
        (await Infusions.RecordAsync(db, Infuse(eventKey: "administration_2", date: Day0.AddDays(10)))).Succeeded.ShouldBeTrue();
        var contact = await FollowUps.RecordAsync(db, new FollowUpRequest("S01-001", new DateOnly(2024, 6, 3), ContactMode.PhoneCall,
            ReportedChange.Better, ReportedChange.Better, ReportedChange.Unchanged, ReportedChange.NotAsked, false, EventKey: "month_3", LateEntryReason: History));
        contact.Succeeded.ShouldBeTrue(string.Join("; ", contact.Issues));
        var asOf = new DateOnly(2024, 7, 1);

        var (reports, _) = await ScheduleView.ForPatientAsync(db, "S01-001", asOf);
        var first = await Deviations.DetectAsync(db, "S01-001", asOf);
        var second = await Deviations.DetectAsync(db, "S01-001", asOf);

        reports.Single().Lines.Select(l => (l.Event.Key, l.Status)).ShouldBe([
            ("administration_1", EventStatus.Done), ("administration_2", EventStatus.DoneOutOfWindow), ("month_1", EventStatus.Missed),
            ("month_3", EventStatus.Done), ("month_6", EventStatus.Pending), ("month_9", EventStatus.Pending), ("month_12", EventStatus.Pending)]);
        first.Recorded.Select(d => (d.Kind, d.EventKey, d.Code)).ShouldBe([
            (DeviationKind.OutsideWindow, "administration_2", IssueCodes.VisitOutsideWindow),
            (DeviationKind.MissedVisit, "month_1", IssueCodes.VisitMissed)]);
        second.Recorded.ShouldBeEmpty();
        second.Existing.Count.ShouldBe(2);
        (await db.ProtocolDeviations.CountAsync()).ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Deviations_DoseOutsideTolerance_Recorded(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);
        (await Infusions.RecordAsync(db, Infuse())).Succeeded.ShouldBeTrue();
        // Recorded by the data manager after the fact: the dose entered was corrected (the pre-check ran on the original).
        var infusion = await db.Infusions.SingleAsync();
        db.ChangeReason = "transcription corrected from the infusion sheet";
        infusion.DoseCells = 7e7m;
        await db.SaveChangesAsync();

        var check = await Deviations.DetectAsync(db, "S01-001", Day0.AddDays(1));

        check.Recorded.Select(d => (d.Kind, d.Code)).ShouldBe([(DeviationKind.DoseOutsideTolerance, IssueCodes.DoseOutsideTolerance)]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Trace_SharedLot_ListsEveryRecipientWithInfusionsAndAdverseEvents(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db, "S01-001");
        await ArrangeWangAsync(db, "S01-002");
        await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("UC-0002", Made, Expires), At("2024-02-02T09:00:00Z"));
        await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Released, At("2024-02-01T10:00:00Z"), "GMP", "qa.lee"), lateEntryReason: History);
        await Lots.RecordCustodyAsync(db, "UC-0001", new CustodyEvent(CustodyEventKind.Shipped, At("2024-02-01T11:00:00Z"), "GMP", "courier"), lateEntryReason: History);
        (await Infusions.RecordAsync(db, Infuse("S01-001"))).Succeeded.ShouldBeTrue();
        (await Infusions.RecordAsync(db, Infuse("S01-002", date: Day0.AddDays(1)))).Succeeded.ShouldBeTrue();
        (await Infusions.RecordAsync(db, Infuse("S01-001", "UC-0002", "administration_2", Day0.AddDays(7)))).Succeeded.ShouldBeTrue();
        var fever = new ClinicalAdverseEvent("fever", AdverseEventCategory.InfusionRelatedReaction, Day0.AddDays(1), Day0.AddDays(2), CtcaeGrade.Mild,
            SeriousnessCriteria.None, Relatedness.Possible, Expectedness.Expected, AdverseEventOutcome.Recovered, "UC-0001");
        var withAe = await FollowUps.RecordAsync(db, new FollowUpRequest("S01-002", Day0.AddDays(3), ContactMode.PhoneCall,
            ReportedChange.NotAsked, ReportedChange.Worse, ReportedChange.Worse, ReportedChange.Unchanged, true, fever, LateEntryReason: History));
        withAe.Succeeded.ShouldBeTrue(string.Join("; ", withAe.Issues));

        var (lot, _) = await Trace.LotAsync(db, "UC-0001");
        var (patient, _) = await Trace.PatientAsync(db, "S01-001");

        lot!.Decision!.SignedBy.ShouldBe("qa.lee");
        lot.Custody.Select(c => c.Kind).ShouldBe([CustodyEventKind.Released, CustodyEventKind.Shipped]);
        lot.Recipients.Select(r => (r.PatientStudyId, r.Infusions.Single().Date)).ShouldBe([("S01-001", Day0), ("S01-002", Day0.AddDays(1))]);
        lot.Recipients[1].AdverseEvents.Single().SuspectLot.ShouldBe("UC-0001");
        lot.Recipients[0].AdverseEvents.ShouldBeEmpty();
        patient!.Lots.Select(l => (l.Lot.LotNumber, l.Infusions.Single().EventKey, l.Custody.Count)).ShouldBe([("UC-0001", "administration_1", 2), ("UC-0002", "administration_2", 0)]);
        (await db.AdverseEvents.SingleAsync()).Causality.ShouldBe(Stroma.Data.Model.Causality.Possible);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task FollowUp_RelatedEventWithoutLot_RefusedWithTheClinicalCode(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await ArrangeWangAsync(db);
        var noLot = new ClinicalAdverseEvent("rash", AdverseEventCategory.Other, Day0, null, CtcaeGrade.Mild,
            SeriousnessCriteria.None, Relatedness.Probable, Expectedness.Unexpected, AdverseEventOutcome.Recovering);

        var refused = await FollowUps.RecordAsync(db, new FollowUpRequest("S01-001", Day0.AddDays(2), ContactMode.ClinicVisit,
            ReportedChange.Worse, ReportedChange.Unchanged, ReportedChange.Unchanged, ReportedChange.Unchanged, true, noLot, LateEntryReason: History));
        var unknownLot = await FollowUps.RecordAdverseEventAsync(db, "S01-001", noLot with { SuspectLotId = "NOPE" }, History);

        refused.Issues.Where(i => i.IsError).Select(i => i.Code).ShouldBe([IssueCodes.RelatedWithoutLot]);
        unknownLot.Issues.Where(i => i.IsError).Select(i => i.Code).ShouldBe([IssueCodes.UnknownLot]);
        (await db.FollowUpContacts.CountAsync()).ShouldBe(0);
        (await db.AdverseEvents.CountAsync()).ShouldBe(0);
    }
}
