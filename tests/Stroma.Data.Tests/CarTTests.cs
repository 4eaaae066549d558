// Source: issue #20 (CAR-T in lupus). An adverse event entered as CTCAE "cytokine release syndrome" on a CAR-T patient
// leads to the ASTCT 2019 grading (Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38); the car_t_sle template's
// yearly long-term follow-up contacts to year 15 (FDA/CBER guidance on long-term follow-up after gene therapy, 2020)
// are ordinary follow-up events and reach the worklist when due.
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Protocols;

namespace Stroma.Data.Tests;

public sealed class CarTTests
{
    private static readonly DateOnly Day0 = new(2024, 3, 1);

    private static ManualClock Clock() => ManualClock.At("2024-03-05T09:00:00Z");

    private static Stroma.Clinical.CellTherapy.AdverseEvent Crs(string term = "Cytokine release syndrome") => new(term, AdverseEventCategory.Other, Day0.AddDays(1), null,
        CtcaeGrade.Moderate, SeriousnessCriteria.None, Relatedness.NotRelated, Expectedness.Expected, AdverseEventOutcome.Recovering);

    private static async Task EnrolAsync(StromaDbContext db, string studyId, string protocolKey)
    {
        await CellTherapyFixture.PatientAsync(db, studyId);
        var enrolled = await Enrolments.EnrolAsync(db, studyId, protocolKey,
            new EnrolmentRequest(Day0, 58m, Day0, new ConsentRecord(Day0.AddDays(-10), "1")));
        enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAdverseEvent_CrsOnCarTPatient_RecordedWithCar004Advice(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db, "S01-001", ProtocolTemplates.CarTSleKey);

        var result = await FollowUps.RecordAdverseEventAsync(db, "S01-001", Crs());

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Issues));
        var advice = result.Issues.ShouldHaveSingleItem();
        advice.Code.ShouldBe(IssueCodes.CarTToxicityNeedsAstctGrade);
        advice.Severity.ShouldBe(Severity.Warning);
        advice.Message.ShouldContain("crs_astct2019");
        (await db.AdverseEvents.CountAsync()).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RecordAdverseEvent_CrsOnMscPatient_NoAdvice(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db, "S01-001", ProtocolTemplates.Wang2014Key);

        var result = await FollowUps.RecordAdverseEventAsync(db, "S01-001", Crs());

        result.Succeeded.ShouldBeTrue();
        result.Issues.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Worklist_CarTPatientInYear6_ListsTheLongTermFollowUpContact(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: Clock());
        await EnrolAsync(db, "S01-001", ProtocolTemplates.CarTSleKey);

        var (report, issues) = await Worklist.ForSitesAsync(db, ["S01"], new DateOnly(2030, 2, 25), 14);

        issues.ShouldBeEmpty();
        var item = report!.Patients.ShouldHaveSingleItem().Items.Single(i => i.EventKey == "ltfu_year_6");
        item.Target.ShouldBe(new DateOnly(2030, 3, 1));
        item.Label.ShouldBe("Long-term follow-up contact, year 6");
        report.Patients[0].Items.ShouldNotContain(i => i.EventKey == "ltfu_year_7");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CopyCarT_CellDoseSetLymphodepletionNot_ApprovalRefusedCar003(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "admin.wu", clock: Clock());
        // A test dose only (the template sets none): the site's choice.
        var doses = new Dictionary<string, DoseRule> { ["car_t"] = new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)) };

        var copy = await ProtocolVersions.CopyAsync(db, ProtocolTemplates.CarTSleKey, "site_car_t", doses, null);
        var refused = await ProtocolVersions.ApproveAsync(db, "site_car_t", 1, "approved");

        copy.Succeeded.ShouldBeTrue(string.Join("; ", copy.Issues));
        refused.Succeeded.ShouldBeFalse();
        refused.Issues.Select(i => (i.Code, i.Path)).ShouldBe([
            (IssueCodes.LymphodepletionNotSetAtApproval, "carT.lymphodepletion[0]"),
            (IssueCodes.LymphodepletionNotSetAtApproval, "carT.lymphodepletion[1]"),
        ]);
        var (stored, _) = await ProtocolVersions.FindAsync(db, "site_car_t", 1, includeDrafts: true);
        stored!.Definition.Protocol.Notes.ShouldContain(n => n.StartsWith("SITE MUST SET:", StringComparison.Ordinal));
    }
}
