// Source: Wallace D, Strand V, Furie R, et al. Arthritis Rheum 2011;63(Suppl):S894 (BICLA development, ACR abstract);
// EMBLEM: Wallace DJ, Kalunian K, Petri MA, et al. Ann Rheum Dis 2014;73(1):183-90; definition as described by ePROVIDE
// (docs/sources/responses.md). The PGA "≤ 10%" arithmetic and "new A/B" are UNCONFIRMED: named rules.
using System.Globalization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class BiclaTests
{
    private static Dictionary<BilagSystem, BilagGrade> Grades(BilagGrade fill, params (BilagSystem System, BilagGrade Grade)[] set)
    {
        var grades = Enum.GetValues<BilagSystem>().ToDictionary(s => s, _ => fill);
        foreach (var (system, grade) in set)
        {
            grades[system] = grade;
        }

        return grades;
    }

    private static BiclaInput Responder() => new(
        SledaiTotal: 6, BaselineSledaiTotal: 10, Pga: 1.0m, BaselinePga: 2.0m,
        Bilag: Grades(BilagGrade.D, (BilagSystem.Musculoskeletal, BilagGrade.C)),
        BaselineBilag: Grades(BilagGrade.D, (BilagSystem.Musculoskeletal, BilagGrade.A)),
        TreatmentFailure: false);

    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    private static bool? Passed(CompositeResult result, string key) => result.Criteria.Single(c => c.Key == key).Passed;

    [Fact]
    public void Assess_AllCriteriaHold_IsResponderAndRecordsBothRules()
    {
        var result = Bicla.Assess(Responder());

        Assert.True(result.Met);
        Assert.Equal(["bilag_improved", "no_new_bilag", "sledai_not_worse", "pga_not_worse", "no_treatment_failure"], result.Criteria.Select(c => c.Key));
        Assert.Equal([Bicla.Describe(BiclaPgaRule.ScaleBelowThreeTenths), BilagNewGradeRule.Description], result.Rules);
        Assert.Empty(result.Issues);
    }

    [Theory]
    [InlineData(BilagGrade.A, BilagGrade.B, true)]
    [InlineData(BilagGrade.A, BilagGrade.C, true)]
    [InlineData(BilagGrade.A, BilagGrade.D, true)]
    [InlineData(BilagGrade.A, BilagGrade.A, false)]
    [InlineData(BilagGrade.B, BilagGrade.C, true)]
    [InlineData(BilagGrade.B, BilagGrade.D, true)]
    [InlineData(BilagGrade.B, BilagGrade.B, false)]
    [InlineData(BilagGrade.B, BilagGrade.A, false)]
    public void Assess_BaselineAOrB_MustImproveOneGrade(BilagGrade baseline, BilagGrade now, bool passed)
    {
        var result = Bicla.Assess(Responder() with
        {
            BaselineBilag = Grades(BilagGrade.D, (BilagSystem.Renal, baseline)),
            Bilag = Grades(BilagGrade.D, (BilagSystem.Renal, now)),
        });

        Assert.Equal(passed, Passed(result, "bilag_improved"));
    }

    [Fact]
    public void Assess_OneOfTwoActiveSystemsNotImproved_Fails()
    {
        var result = Bicla.Assess(Responder() with
        {
            BaselineBilag = Grades(BilagGrade.D, (BilagSystem.Renal, BilagGrade.A), (BilagSystem.Mucocutaneous, BilagGrade.B)),
            Bilag = Grades(BilagGrade.D, (BilagSystem.Renal, BilagGrade.B), (BilagSystem.Mucocutaneous, BilagGrade.B)),
        });

        Assert.False(Passed(result, "bilag_improved"));
        Assert.EndsWith("not improved: Mucocutaneous", result.Criteria[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Assess_NoBaselineAOrB_PassesVacuouslyWithWarning()
    {
        var result = Bicla.Assess(Responder() with { BaselineBilag = Grades(BilagGrade.D), Bilag = Grades(BilagGrade.D) });

        Assert.True(Passed(result, "bilag_improved"));
        Assert.True(result.Met);
        var issue = Assert.Single(result.Issues);
        Assert.Equal((IssueCodes.BiclaNoBaselineActivity, Severity.Warning), (issue.Code, issue.Severity));
    }

    [Fact]
    public void Assess_OneNewB_Passes_TwoNewB_Fail_NewA_Fails()
    {
        var baseline = Grades(BilagGrade.D, (BilagSystem.Musculoskeletal, BilagGrade.A));
        var one = Bicla.Assess(Responder() with { BaselineBilag = baseline, Bilag = Grades(BilagGrade.D, (BilagSystem.Musculoskeletal, BilagGrade.C), (BilagSystem.Renal, BilagGrade.B)) });
        var two = Bicla.Assess(Responder() with
        {
            BaselineBilag = baseline,
            Bilag = Grades(BilagGrade.D, (BilagSystem.Musculoskeletal, BilagGrade.C), (BilagSystem.Renal, BilagGrade.B), (BilagSystem.Haematological, BilagGrade.B)),
        });
        var newA = Bicla.Assess(Responder() with { BaselineBilag = baseline, Bilag = Grades(BilagGrade.D, (BilagSystem.Musculoskeletal, BilagGrade.C), (BilagSystem.Renal, BilagGrade.A)) });

        Assert.True(one.Met);
        Assert.False(Passed(two, "no_new_bilag"));
        Assert.False(two.Met);
        Assert.False(Passed(newA, "no_new_bilag"));
    }

    [Theory]
    [InlineData(10, 10, true)]
    [InlineData(10, 11, false)]
    [InlineData(10, 0, true)]
    public void Assess_Sledai_MustNotWorsen(int baseline, int now, bool passed)
    {
        var result = Bicla.Assess(Responder() with { BaselineSledaiTotal = baseline, SledaiTotal = now });

        Assert.Equal(passed, Passed(result, "sledai_not_worse"));
        Assert.Equal(passed, result.Met);
    }

    [Theory]
    [InlineData(BiclaPgaRule.ScaleBelowThreeTenths, "1.0", "1.29", true)]
    [InlineData(BiclaPgaRule.ScaleBelowThreeTenths, "1.0", "1.3", false)]
    [InlineData(BiclaPgaRule.ScaleAtMostThreeTenths, "1.0", "1.3", true)]
    [InlineData(BiclaPgaRule.ScaleAtMostThreeTenths, "1.0", "1.31", false)]
    [InlineData(BiclaPgaRule.BaselineAtMost10Percent, "2.0", "2.2", true)]
    [InlineData(BiclaPgaRule.BaselineAtMost10Percent, "2.0", "2.21", false)]
    [InlineData(BiclaPgaRule.BaselineAtMost10Percent, "0", "0.01", false)]
    [InlineData(BiclaPgaRule.BaselineAtMost10Percent, "0", "0", true)]
    public void Assess_PgaRule_AppliesItsArithmetic(BiclaPgaRule rule, string baseline, string now, bool passed)
    {
        var result = Bicla.Assess(Responder() with { PgaRule = rule, BaselinePga = D(baseline), Pga = D(now) });

        Assert.Equal(passed, Passed(result, "pga_not_worse"));
        Assert.Equal(passed, result.Met);
        Assert.Contains(Bicla.Describe(rule), result.Rules);
    }

    [Fact]
    public void Assess_TreatmentFailure_Fails()
    {
        var result = Bicla.Assess(Responder() with { TreatmentFailure = true });

        Assert.False(Passed(result, "no_treatment_failure"));
        Assert.False(result.Met);
    }

    [Fact]
    public void Assess_InvalidInput_IsAnIssue()
    {
        var result = Bicla.Assess(Responder() with { Pga = 3.5m, BaselineBilag = new Dictionary<BilagSystem, BilagGrade>() });

        Assert.Null(result.Met);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "pga");
        Assert.Equal(9, result.Issues.Count(i => i.Code == IssueCodes.MissingItem && i.Path.StartsWith("baseline_bilag_", StringComparison.Ordinal)));
    }

    private static Dictionary<string, ItemValue> WorkedExample()
    {
        var items = new Dictionary<string, ItemValue>
        {
            ["id"] = ItemValue.Of("p3-w12"),
            ["sledai2k_total"] = ItemValue.Of(8m),
            ["baseline_sledai2k_total"] = ItemValue.Of(8m),
            ["pga"] = ItemValue.Of(1.8m),
            ["baseline_pga"] = ItemValue.Of(1.5m),
            ["treatment_failure"] = ItemValue.Of(false),
        };
        foreach (var system in Enum.GetValues<BilagSystem>())
        {
            items["bilag_" + system.ToString().ToLowerInvariant()] = ItemValue.Of("e");
            items["baseline_bilag_" + system.ToString().ToLowerInvariant()] = ItemValue.Of("e");
        }

        items["baseline_bilag_renal"] = ItemValue.Of("a");
        items["bilag_renal"] = ItemValue.Of("b");
        items["baseline_bilag_mucocutaneous"] = ItemValue.Of("b");
        items["bilag_mucocutaneous"] = ItemValue.Of("c");
        return items;
    }

    [Fact]
    public void Instrument_WorkedExample_FromDocs_DependsOnThePgaRule()
    {
        // docs/instruments/bicla.md worked example: renal A → B, mucocutaneous B → C, SLEDAI-2K 8 → 8, PGA 1.5 → 1.8.
        var byDefault = Bicla.Instrument.Score(WorkedExample());
        var inclusive = WorkedExample();
        inclusive["pga_rule"] = ItemValue.Of("scale_at_most_0_3");
        var baseline = WorkedExample();
        baseline["pga_rule"] = ItemValue.Of("baseline_at_most_10_percent");

        Assert.Equal("BICLA non-responder", byDefault.Grade);
        Assert.Contains("pga_rule=scale_below_0_3 v1", byDefault.Algorithm, StringComparison.Ordinal);
        Assert.Equal(0m, byDefault.Contributions.Single(c => c.Key == "pga_not_worse").Points);
        Assert.Equal("BICLA responder", Bicla.Instrument.Score(inclusive).Grade);
        Assert.Equal("BICLA non-responder", Bicla.Instrument.Score(baseline).Grade);
    }

    [Fact]
    public void Instrument_BadInput_ReportsEveryProblem()
    {
        var items = WorkedExample();
        items["pga_rule"] = ItemValue.Of("ten_percent");
        items["treatment_failure"] = ItemValue.Of("perhaps");
        items["baseline_pga"] = ItemValue.Of(4m);
        items.Remove("bilag_ophthalmic");

        var result = Bicla.Instrument.Score(items);

        Assert.False(result.IsValid);
        Assert.Null(result.Grade);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.NotAChoice && i.Path == "pga_rule");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.WrongType && i.Path == "treatment_failure");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "baseline_pga");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "bilag_ophthalmic");
    }
}
