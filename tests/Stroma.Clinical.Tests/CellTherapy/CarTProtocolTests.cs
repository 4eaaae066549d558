// Source: issue #20 (the CAR-T programme); Mackensen A et al. Nat Med 2022;28:2124-32 and Müller F et al. N Engl J Med
// 2024;390:687-700 (one infusion after fludarabine and cyclophosphamide); FDA/CBER guidance on long-term follow-up after
// gene therapy (January 2020: up to 15 years for integrating vectors). Doses and days are site data (not set here).
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class CarTProtocolTests
{
    private static readonly DateOnly Day0 = new(2025, 3, 10);

    [Fact]
    public void CarTSle_OneInfusionOnDay0_DoseNotSet()
    {
        var protocol = ProtocolTemplates.CarTSle();

        var administration = Assert.Single(protocol.Administrations);
        Assert.Equal(ScheduleOffset.Days(0), administration.Offset);
        var component = Assert.Single(protocol.Components);
        Assert.Equal([CellProductType.CarT], component.AcceptedProducts);
        Assert.IsType<DoseRule.NotSet>(component.Dose);
    }

    [Fact]
    public void CarTSle_Schedule_DailyToDay14ThenVisitsThenYearlyToYear15()
    {
        var schedule = PatientSchedule.Generate(ProtocolTemplates.CarTSle(), Day0);
        var followUps = schedule.Events.Where(e => e.Kind == ScheduledEventKind.FollowUp).ToList();

        Assert.Equal([.. Enumerable.Range(1, 14).Select(d => Day0.AddDays(d))], followUps.Take(14).Select(e => e.Target));
        Assert.Equal(["day_21", "day_28", "month_3", "month_6", "month_12", "year_2", "year_3", "year_4", "year_5"],
            followUps.Skip(14).Take(9).Select(e => e.Key));
        Assert.Equal([.. Enumerable.Range(6, 10).Select(y => $"ltfu_year_{y}")], followUps.Skip(23).Select(e => e.Key));
        Assert.Equal(new DateOnly(2040, 3, 10), followUps[^1].Target);
    }

    [Fact]
    public void CarTSle_DailyAssessments_GradeCrsAndIcans()
    {
        var day3 = ProtocolTemplates.CarTSle().FollowUps.Single(v => v.Key == "day_3");

        Assert.Equal(["crs_astct2019", "icans_astct2019"], day3.Instruments);
        Assert.Contains(Stroma.Clinical.Labs.LabPanel.BloodCount, day3.LabPanels);
        Assert.Equal(VisitWindow.Exact, day3.Window);
    }

    [Fact]
    public void CarTSle_LongTermFollowUp_YearlyContactsCollectTheListedItems()
    {
        var protocol = ProtocolTemplates.CarTSle();
        var yearly = protocol.FollowUps.Where(v => v.Collects.Count > 0).ToList();

        Assert.Equal(LongTermFollowUp.Years, yearly.Count);
        Assert.Equal([.. Enumerable.Range(1, 15).Select(y => ScheduleOffset.Months(12 * y))], yearly.Select(v => v.Offset));
        Assert.All(yearly.Take(5), v => Assert.Equal(FollowUpKind.Visit, v.Kind));
        Assert.All(yearly.Skip(5), v => Assert.Equal(FollowUpKind.Contact, v.Kind));
        Assert.All(yearly, v => Assert.Contains(v.Collects, c => c.StartsWith("New malignancy", StringComparison.Ordinal)));
    }

    [Fact]
    public void CarTSle_Plan_NamesStepsReleaseTestsAndUnsetLymphodepletion()
    {
        var plan = ProtocolTemplates.CarTSle().CarT!;

        Assert.Equal(["leukapheresis", "manufacturing", "bridging"], plan.Preparation.Select(s => s.Key));
        Assert.Equal(["viability", "car_expression", "vector_copy_number", "sterility", "endotoxin", "mycoplasma", "replication_competent_virus"],
            plan.ReleaseTests.Select(t => t.Key));
        Assert.Equal(["fludarabine", "cyclophosphamide"], plan.Lymphodepletion.Select(a => a.Key));
        Assert.All(plan.Lymphodepletion, a => Assert.False(a.IsSet));
        Assert.Equal(BsaFormula.Mosteller, plan.BsaFormula);
        Assert.Equal(2, ProtocolDefinitions.FromTemplate(ProtocolTemplates.CarTSle(), "site_car_t").UnsetLymphodepletion.Count);
    }

    [Fact]
    public void Parse_SiteLymphodepletion_RoundTripsDoseAndDays()
    {
        var json = ProtocolDefinitions.ToJson(ProtocolDefinitions.FromTemplate(ProtocolTemplates.CarTSle(), "site_car_t"))
            .Replace("\"drug\": \"Fludarabine\",", "\"drug\": \"Fludarabine\",\n        \"mgPerM2\": 25,", StringComparison.Ordinal)
            .Replace("\"bsaFormula\": \"mosteller\"", "\"bsaFormula\": \"du_bois\"", StringComparison.Ordinal);
        json = ReplaceFirstDays(json, "[\n          -5,\n          -4,\n          -3\n        ]");

        var (definition, issues) = ProtocolDefinitions.Parse(json, "1");

        Assert.Empty(issues);
        var fludarabine = definition!.Protocol.CarT!.Lymphodepletion[0];
        Assert.Equal(25m, fludarabine.DosePerSquareMetre!.Value.MilligramsPerSquareMetre);
        Assert.Equal([-5, -4, -3], fludarabine.DaysRelativeToInfusion);
        Assert.True(fludarabine.IsSet);
        Assert.Equal(BsaFormula.DuBois, definition.Protocol.CarT.BsaFormula);
        Assert.Single(definition.UnsetLymphodepletion);
        Assert.Equal(json, ProtocolDefinitions.ToJson(definition));
    }

    [Theory]
    [InlineData("[\n          0\n        ]", IssueCodes.ProtocolFieldInvalid)]
    [InlineData("[\n          -3,\n          -5\n        ]", IssueCodes.ProtocolDuplicateOrOutOfOrder)]
    public void Parse_LymphodepletionDayNotBeforeInfusionOrOutOfOrder_IsRefused(string days, string code)
    {
        var json = ReplaceFirstDays(ProtocolDefinitions.ToJson(ProtocolDefinitions.FromTemplate(ProtocolTemplates.CarTSle(), "site_car_t")), days);

        var (definition, issues) = ProtocolDefinitions.Parse(json, "1");

        Assert.Null(definition);
        var issue = Assert.Single(issues);
        Assert.Equal(code, issue.Code);
        Assert.StartsWith("carT.lymphodepletion[0].daysRelativeToInfusion", issue.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownBsaFormula_IsRefusedNamingBoth()
    {
        var json = ProtocolDefinitions.ToJson(ProtocolDefinitions.FromTemplate(ProtocolTemplates.CarTSle(), "site_car_t"))
            .Replace("\"bsaFormula\": \"mosteller\"", "\"bsaFormula\": \"haycock\"", StringComparison.Ordinal);

        var (_, issues) = ProtocolDefinitions.Parse(json, "1");

        var issue = Assert.Single(issues);
        Assert.Equal("carT.bsaFormula", issue.Path);
        Assert.Contains("mosteller", issue.Message, StringComparison.Ordinal);
        Assert.Contains("du_bois", issue.Message, StringComparison.Ordinal);
    }

    private static string ReplaceFirstDays(string json, string days)
    {
        const string Empty = "\"daysRelativeToInfusion\": []";
        var at = json.IndexOf(Empty, StringComparison.Ordinal);
        Assert.True(at >= 0, "the template's days are empty");
        return string.Concat(json.AsSpan(0, at), "\"daysRelativeToInfusion\": " + days, json.AsSpan(at + Empty.Length));
    }
}
