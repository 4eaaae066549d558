// Sources: issue #6 templates — seed case 1 (UC-MSC 5×10^7 cells IV, three infusions a month apart; actual dates
// 2017-08-04, 2017-09-14, 2017-10-12), Wang D et al. Arthritis Res Ther 2014;16:R79 (UC-MSC IV day 0 and day 7;
// dose 1×10^6 cells/kg and the 1-month visit UNCONFIRMED), seed case 2 (MSC + NK, five sessions over about four
// months). Month arithmetic: calendar months from day 0, day clamped to the month's end (DateOnly.AddMonths).
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class ProtocolScheduleTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    private static IEnumerable<string> Targets(PatientSchedule s) => s.Events.Select(e => $"{e.Key}@{e.Target:yyyy-MM-dd}");

    [Fact]
    public void Templates_AreFourWithStableKeys()
    {
        Assert.Equal(["seed_case_1", "wang_2014", "seed_case_2", "car_t_sle"], ProtocolTemplates.All.Select(p => p.Key));
    }

    [Fact]
    public void SeedCase1_FromFirstInfusion_IsMonthlyWithWindows()
    {
        var schedule = PatientSchedule.Generate(ProtocolTemplates.SeedCase1(), D(2017, 8, 4));

        Assert.Equal(["administration_1@2017-08-04", "administration_2@2017-09-04", "administration_3@2017-10-04"], Targets(schedule));
        Assert.Equal(VisitWindow.Exact, schedule.Events[0].Window);
        Assert.Equal((D(2017, 8, 28), D(2017, 9, 11)), (schedule.Events[1].WindowStart, schedule.Events[1].WindowEnd));
        var dose = Assert.IsType<DoseRule.Fixed>(ProtocolTemplates.SeedCase1().Components.Single().Dose);
        Assert.Equal(CellCount.Cells(5e7m), dose.Cells);
    }

    [Theory]
    [InlineData(2024, "2024-02-29")] // leap year
    [InlineData(2023, "2023-02-28")]
    public void SeedCase1_StartOn31January_ClampsToFebruaryEnd_ThenBackTo31March(int year, string february)
    {
        var schedule = PatientSchedule.Generate(ProtocolTemplates.SeedCase1(), D(year, 1, 31));

        Assert.Equal([$"administration_1@{year}-01-31", $"administration_2@{february}", $"administration_3@{year}-03-31"], Targets(schedule));
    }

    [Fact]
    public void Wang2014_FromMonthEnd_GivesDays0And7AndMonthlyVisits()
    {
        var schedule = PatientSchedule.Generate(ProtocolTemplates.Wang2014(), D(2023, 1, 31));

        Assert.Equal(
        [
            "administration_1@2023-01-31", "administration_2@2023-02-07", "month_1@2023-02-28", "month_3@2023-04-30",
            "month_6@2023-07-31", "month_9@2023-10-31", "month_12@2024-01-31",
        ], Targets(schedule));
        Assert.Equal(VisitWindow.PlusMinus(1), schedule.Event("administration_2")!.Window);
        Assert.Equal(VisitWindow.PlusMinus(7), schedule.Event("month_3")!.Window);
    }

    [Fact]
    public void Wang2014_MarksUnconfirmedDoseAndVisit()
    {
        var protocol = ProtocolTemplates.Wang2014();

        Assert.Contains(protocol.Notes, n => n.StartsWith("UNCONFIRMED: dose 1×10^6 cells/kg", StringComparison.Ordinal));
        Assert.Contains(protocol.Notes, n => n.StartsWith("UNCONFIRMED: the 1-month", StringComparison.Ordinal));
        Assert.Contains("UNCONFIRMED", protocol.Description, StringComparison.Ordinal);
        var rule = Assert.IsType<DoseRule.PerKilogram>(protocol.Components.Single().Dose);
        Assert.Equal(1_000_000m, rule.Dose.CellsPerKg);
    }

    [Fact]
    public void SeedCase2_Default_FiveMonthlySessionsWithDosesForTheSite()
    {
        var protocol = ProtocolTemplates.SeedCase2();
        var schedule = PatientSchedule.Generate(protocol, D(2015, 10, 31));

        Assert.Equal(
        [
            "administration_1@2015-10-31", "administration_2@2015-11-30", "administration_3@2015-12-31",
            "administration_4@2016-01-31", "administration_5@2016-02-29",
        ], Targets(schedule));
        Assert.Equal(["msc", "nk"], protocol.Components.Select(c => c.Key));
        Assert.All(protocol.Components, c => Assert.IsType<DoseRule.NotSet>(c.Dose));
        Assert.Contains(protocol.Notes, n => n.StartsWith("SITE MUST SET", StringComparison.Ordinal));
        Assert.Contains(protocol.Notes, n => n.StartsWith("ASSUMED: one calendar month", StringComparison.Ordinal));
    }

    [Fact]
    public void SeedCase2_SiteParameters_ReplaceDosesAndInterval()
    {
        var parameters = new SeedCase2Parameters(
            new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)), new DoseRule.Fixed(CellCount.Cells(1e9m)), ScheduleOffset.Days(21));
        var protocol = ProtocolTemplates.SeedCase2(parameters);
        var schedule = PatientSchedule.Generate(protocol, D(2015, 10, 1));

        Assert.Equal(D(2015, 12, 24), schedule.Event("administration_5")!.Target); // 4 × 21 = 84 days
        Assert.DoesNotContain(protocol.Notes, n => n.StartsWith("SITE MUST SET", StringComparison.Ordinal));
        Assert.Equal(VisitWindow.PlusMinus(1), schedule.Event("administration_2")!.Window);
    }

    [Fact]
    public void Reschedule_MovesTargetAndKeepsHistory()
    {
        var schedule = PatientSchedule.Generate(ProtocolTemplates.SeedCase1(), D(2017, 8, 4));
        var at = new DateTimeOffset(2017, 8, 30, 10, 0, 0, TimeSpan.Zero);

        var (moved, issues) = schedule.Reschedule("administration_2", D(2017, 9, 14), "patient travelling", "dr.wu", at);
        var (twice, _) = moved.Reschedule("administration_2", D(2017, 9, 15), "clinic closed", "dr.wu", at.AddDays(1));

        Assert.Empty(issues);
        Assert.Equal(D(2017, 9, 15), twice.Event("administration_2")!.Target);
        Assert.Equal(D(2017, 9, 4), schedule.Event("administration_2")!.Target); // the original is unchanged
        Assert.Equal(
            [new ScheduleChange("administration_2", D(2017, 9, 4), D(2017, 9, 14), "patient travelling", "dr.wu", at),
             new ScheduleChange("administration_2", D(2017, 9, 14), D(2017, 9, 15), "clinic closed", "dr.wu", at.AddDays(1))],
            twice.History);
    }

    [Fact]
    public void Reschedule_UnknownEventOrNoReason_IsRefused()
    {
        var schedule = PatientSchedule.Generate(ProtocolTemplates.SeedCase1(), D(2017, 8, 4));

        var (same, issues) = schedule.Reschedule("month_99", D(2017, 9, 14), "", "dr.wu", DateTimeOffset.UnixEpoch);

        Assert.Same(schedule, same);
        Assert.Equal([IssueCodes.ScheduleUnknownEvent, IssueCodes.RescheduleWithoutReason], issues.Select(i => i.Code));
    }

    [Fact]
    public void Deviations_SeedCase1ActualDates_AreOutsideTheDefaultWindow()
    {
        var protocol = ProtocolTemplates.SeedCase1();
        var schedule = PatientSchedule.Generate(protocol, D(2017, 8, 4));
        var given = new Dictionary<string, CellCount> { ["msc"] = CellCount.Cells(5e7m) };
        List<EventOccurrence> occurred =
        [
            new("administration_1", D(2017, 8, 4), DosesGiven: given),
            new("administration_2", D(2017, 9, 14), DosesGiven: given), // target 09-04: +10 days
            new("administration_3", D(2017, 10, 12), DosesGiven: given), // target 10-04: +8 days
        ];

        var report = ProtocolDeviations.Find(protocol, schedule, occurred, D(2017, 12, 1));

        Assert.Equal([("administration_2", DeviationKind.OutsideWindow), ("administration_3", DeviationKind.OutsideWindow)],
            report.Deviations.Select(d => (d.EventKey, d.Kind)));
        Assert.Contains("10 day(s) after", report.Deviations[0].Issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deviations_OnTargetAndWithinWindowEdge_AreNone()
    {
        var protocol = ProtocolTemplates.SeedCase1();
        var schedule = PatientSchedule.Generate(protocol, D(2017, 8, 4));
        var given = new Dictionary<string, CellCount> { ["msc"] = CellCount.Cells(5e7m) };
        List<EventOccurrence> occurred =
        [
            new("administration_1", D(2017, 8, 4), DosesGiven: given),
            new("administration_2", D(2017, 9, 11), DosesGiven: given), // +7: the window's last day
            new("administration_3", D(2017, 9, 27), DosesGiven: given), // −7: the window's first day
        ];

        var report = ProtocolDeviations.Find(protocol, schedule, occurred, D(2017, 12, 1));

        Assert.Empty(report.Issues);
    }

    [Fact]
    public void Deviations_MissedAdministrationAndVisit_OnlyAfterWindowEnds()
    {
        var protocol = ProtocolTemplates.Wang2014();
        var schedule = PatientSchedule.Generate(protocol, D(2023, 1, 10));
        var weight = BodyMass.FromKilograms(50m);
        List<EventOccurrence> occurred = [new("administration_1", D(2023, 1, 10), weight, new Dictionary<string, CellCount> { ["msc"] = CellCount.Cells(5e7m) })];

        var onWindowEnd = ProtocolDeviations.Find(protocol, schedule, occurred, D(2023, 1, 18)); // day 7 window ends 01-18
        var after = ProtocolDeviations.Find(protocol, schedule, occurred, D(2023, 2, 18)); // month 1 (02-10) window ended 02-17

        Assert.Empty(onWindowEnd.Deviations);
        Assert.Equal([("administration_2", DeviationKind.MissedAdministration), ("month_1", DeviationKind.MissedVisit)],
            after.Deviations.Select(d => (d.EventKey, d.Kind)));
        Assert.Equal([IssueCodes.AdministrationMissed, IssueCodes.VisitMissed], after.Issues.Select(i => i.Code));
    }

    [Theory]
    [InlineData("53000000", false)] // 58 kg × 1×10^6 = 5.8×10^7; 5.3×10^7 is −8.6%
    [InlineData("52200000", false)] // exactly −10%: within an inclusive ±10%
    [InlineData("52100000", true)] // −10.17%
    [InlineData("64000000", true)] // +10.3%
    public void Deviations_DoseOutsideTolerance_IsADeviation(string given, bool deviates)
    {
        var protocol = ProtocolTemplates.Wang2014();
        var schedule = PatientSchedule.Generate(protocol, D(2023, 1, 10));
        var dose = CellCount.Cells(decimal.Parse(given, System.Globalization.CultureInfo.InvariantCulture));
        List<EventOccurrence> occurred = [new("administration_1", D(2023, 1, 10), BodyMass.FromKilograms(58m), new Dictionary<string, CellCount> { ["msc"] = dose })];

        var report = ProtocolDeviations.Find(protocol, schedule, occurred, D(2023, 1, 10));

        Assert.Equal(deviates, report.Deviations.Any(d => d.Kind == DeviationKind.DoseOutsideTolerance && d.EventKey == "administration_1"));
    }

    [Fact]
    public void Deviations_UnassessableDose_IsAnIssueNotADeviation()
    {
        var protocol = ProtocolTemplates.SeedCase2();
        var schedule = PatientSchedule.Generate(protocol, D(2015, 10, 1));
        List<EventOccurrence> occurred = [new("administration_1", D(2015, 10, 1), null, new Dictionary<string, CellCount> { ["msc"] = CellCount.Cells(5e7m) })];

        var report = ProtocolDeviations.Find(protocol, schedule, occurred, D(2015, 10, 1));

        Assert.Empty(report.Deviations);
        Assert.Equal([IssueCodes.DoseRuleNotSet, IssueCodes.MissingItem], report.Issues.Select(i => i.Code));
    }
}
