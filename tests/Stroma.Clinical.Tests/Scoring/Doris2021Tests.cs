// Source: van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of remission in SLE: final
// recommendations from an international task force. Lupus Sci Med 2021;8(1):e000538 (abstract: prednisolone ≤ 5 mg/day;
// Table 2: < 5 mg/day; clinical SLEDAI = 0; PGA < 0.5), as in docs/sources/responses.md.
using System.Globalization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class Doris2021Tests
{
    private static Sledai2kResult Sledai(params Sledai2kDescriptor[] present) => Sledai2k.Score(new Sledai2kInput(present.ToHashSet()));

    private static Doris2021Input InRemission() => new(Sledai(), Pga: 0.3m, PrednisoneMgPerDay: 5m, TreatmentStable: true);

    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    private static bool? Passed(CompositeResult result, string key) => result.Criteria.Single(c => c.Key == key).Passed;

    [Fact]
    public void Assess_AllCriteriaHold_IsMetAndRecordsTheDefaultRule()
    {
        var result = Doris2021.Assess(InRemission());

        Assert.True(result.Met);
        Assert.Equal(["clinical_sledai", "pga", "glucocorticoid", "treatment_stable"], result.Criteria.Select(c => c.Key));
        var rule = Assert.Single(result.Rules);
        Assert.Equal(("prednisone_rule", "at_most_5"), (rule.Parameter, rule.Choice));
    }

    [Fact]
    public void Assess_SerologyOnly_IsIgnored()
    {
        var result = Doris2021.Assess(InRemission() with { Sledai = Sledai(Sledai2kDescriptor.LowComplement, Sledai2kDescriptor.IncreasedDnaBinding) });

        Assert.True(result.Met);
        Assert.Contains("serology ignored", result.Criteria[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Sledai2kDescriptor.Leukopenia)]
    [InlineData(Sledai2kDescriptor.Rash)]
    [InlineData(Sledai2kDescriptor.Proteinuria)]
    public void Assess_AnyClinicalDescriptor_FailsClinicalSledai(Sledai2kDescriptor descriptor)
    {
        var result = Doris2021.Assess(InRemission() with { Sledai = Sledai(descriptor) });

        Assert.False(Passed(result, "clinical_sledai"));
        Assert.False(result.Met);
    }

    [Theory]
    [InlineData("0.49", true)]
    [InlineData("0.5", false)]
    [InlineData("0", true)]
    public void Assess_Pga_PassesBelowHalf(string pga, bool passed)
    {
        var result = Doris2021.Assess(InRemission() with { Pga = D(pga) });

        Assert.Equal(passed, Passed(result, "pga"));
        Assert.Equal(passed, result.Met);
    }

    [Theory]
    [InlineData(DorisPrednisoneRule.AtMost5, "5", true)]
    [InlineData(DorisPrednisoneRule.AtMost5, "5.01", false)]
    [InlineData(DorisPrednisoneRule.Below5, "5", false)]
    [InlineData(DorisPrednisoneRule.Below5, "4.99", true)]
    public void Assess_PrednisoneRule_AppliesItsComparison(DorisPrednisoneRule rule, string dose, bool passed)
    {
        var result = Doris2021.Assess(InRemission() with { PrednisoneMgPerDay = D(dose), PrednisoneRule = rule });

        Assert.Equal(passed, Passed(result, "glucocorticoid"));
        Assert.Equal(passed, result.Met);
        Assert.Equal(Doris2021.Describe(rule), Assert.Single(result.Rules));
    }

    [Fact]
    public void Assess_TreatmentNotStable_IsNotMet()
    {
        var result = Doris2021.Assess(InRemission() with { TreatmentStable = false });

        Assert.False(Passed(result, "treatment_stable"));
        Assert.False(result.Met);
    }

    [Theory]
    [InlineData("3.01", "0")]
    [InlineData("-0.01", "0")]
    [InlineData("0", "-1")]
    public void Assess_OutOfRangeInput_IsAnIssue(string pga, string dose)
    {
        var result = Doris2021.Assess(InRemission() with { Pga = D(pga), PrednisoneMgPerDay = D(dose) });

        Assert.Null(result.Met);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange);
    }

    private static Dictionary<string, ItemValue> WorkedExample() => new()
    {
        ["id"] = ItemValue.Of("v6"),
        ["increased_dna_binding"] = ItemValue.Of(true),
        ["pga"] = ItemValue.Of(0.4m),
        ["prednisone_mg_per_day"] = ItemValue.Of(5m),
        ["treatment_stable"] = ItemValue.Of(true),
    };

    [Fact]
    public void Instrument_WorkedExample_FromDocs_IsMetUnderTheAbstractRule()
    {
        // docs/instruments/doris_2021.md worked example: anti-dsDNA raised, PGA 0.4, prednisone 5 mg/day.
        var result = Doris2021.Instrument.Score(WorkedExample());

        Assert.True(result.IsValid);
        Assert.Equal("DORIS remission met", result.Grade);
        Assert.Contains("prednisone_rule=at_most_5 v2021.1", result.Algorithm, StringComparison.Ordinal);
        Assert.Contains(result.Subtotals, s => s.Key == "clinical_sledai" && s.Value == 0m);
    }

    [Fact]
    public void Instrument_WorkedExample_UnderTableTwoRule_IsNotMet()
    {
        // Same visit under the Table 2 wording: 5 mg/day is not < 5 mg/day.
        var items = WorkedExample();
        items["prednisone_rule"] = ItemValue.Of("below_5");

        var result = Doris2021.Instrument.Score(items);

        Assert.Equal("DORIS remission not met", result.Grade);
        Assert.Contains("prednisone_rule=below_5", result.Algorithm, StringComparison.Ordinal);
        Assert.Equal("not met: 5 mg/day ≥ 5 mg/day (prednisolone < 5 mg/day (DORIS 2021 Table 2))",
            result.Contributions.Single(c => c.Key == "glucocorticoid").Note);
    }

    [Fact]
    public void Instrument_BadInput_ReportsEveryProblem()
    {
        var items = WorkedExample();
        items["pga"] = ItemValue.Of("high");
        items["prednisone_rule"] = ItemValue.Of("le5");
        items.Remove("treatment_stable");

        var result = Doris2021.Instrument.Score(items);

        Assert.False(result.IsValid);
        Assert.Null(result.Grade);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.WrongType && i.Path == "pga");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.NotAChoice && i.Path == "prednisone_rule");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "treatment_stable");
    }
}
