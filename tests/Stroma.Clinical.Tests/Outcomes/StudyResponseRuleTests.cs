// A study-declared rule (data, not code). The rule below is a test fixture, not a published definition.
using Stroma.Clinical.Issues;
using Stroma.Clinical.Outcomes;

namespace Stroma.Clinical.Tests.Outcomes;

public class StudyResponseRuleTests
{
    private static readonly StudyResponseRule Rule = new(
        "Example protocol response", "2", "Example protocol §7.2 (test fixture)",
        [
            new RuleCategory(ClinicalResponseCategory.MajorClinicalResponse,
            [
                new RuleCriterion("bilag2004_renal_numeric", CriterionBasis.Current, Comparison.LessThanOrEqual, 1m),
                new RuleCriterion("proteinuria_g_per_24h", CriterionBasis.Current, Comparison.LessThan, 0.5m),
            ]),
            new RuleCategory(ClinicalResponseCategory.PartialClinicalResponse,
            [
                new RuleCriterion("proteinuria_g_per_24h", CriterionBasis.RelativeChangeFromBaseline, Comparison.LessThanOrEqual, -0.5m),
            ]),
        ],
        ClinicalResponseCategory.NoResponse);

    private static ResponseObservation Observe(decimal baselineProtein, decimal protein, decimal renal) =>
        new("P1", 12m,
            new Dictionary<string, decimal> { ["proteinuria_g_per_24h"] = baselineProtein, ["bilag2004_renal_numeric"] = 12m },
            new Dictionary<string, decimal> { ["proteinuria_g_per_24h"] = protein, ["bilag2004_renal_numeric"] = renal });

    [Fact]
    public void Evaluate_FirstCategoryWhoseCriteriaAllHold_Wins()
    {
        var result = StudyResponseRules.Evaluate(Rule, Observe(2.4m, 0.4m, 1m));

        Assert.Equal(ClinicalResponseCategory.MajorClinicalResponse, result.Category);
        Assert.Equal("Example protocol response (version 2)", result.Rule);
    }

    [Theory]
    [InlineData(2.0, 1.0, ClinicalResponseCategory.PartialClinicalResponse)]
    [InlineData(2.0, 1.01, ClinicalResponseCategory.NoResponse)]
    public void Evaluate_RelativeChangeThreshold(double baseline, double current, ClinicalResponseCategory expected)
    {
        var result = StudyResponseRules.Evaluate(Rule, Observe((decimal)baseline, (decimal)current, 8m));

        Assert.Equal(expected, result.Category);
        Assert.Contains("version 2", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MissingMeasure_IsAnIssueNotAGuess()
    {
        var observation = new ResponseObservation("P1", 12m, new Dictionary<string, decimal>(), new Dictionary<string, decimal> { ["bilag2004_renal_numeric"] = 8m });

        var result = StudyResponseRules.Evaluate(Rule, observation);

        Assert.Null(result.Category);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.RuleMeasureMissing && i.Path == "proteinuria_g_per_24h");
    }

    [Fact]
    public void Validate_UnknownMeasureOrNoVersion_IsMalformed()
    {
        var bad = new StudyResponseRule("R", "", "", [new RuleCategory(ClinicalResponseCategory.MajorClinicalResponse,
            [new RuleCriterion("proteinuria_mg", CriterionBasis.Current, Comparison.LessThan, 500m)])], ClinicalResponseCategory.NoResponse);

        var result = StudyResponseRules.Evaluate(bad, Observe(1m, 1m, 1m));

        Assert.Null(result.Category);
        Assert.Equal(2, result.Issues.Count(i => i.Code == IssueCodes.RuleMalformed));
    }
}
