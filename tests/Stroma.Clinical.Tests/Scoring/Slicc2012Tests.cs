// Source: Petri M et al. Derivation and validation of the Systemic Lupus International Collaborating Clinics
// classification criteria for SLE. Arthritis Rheum 2012;64:2677-86 (PMC3409311, Table 3: 17 criteria; SLE with ≥ 4
// criteria including ≥ 1 clinical and ≥ 1 immunological, or biopsy-proven lupus nephritis with ANA or anti-dsDNA;
// direct Coombs counts only in the absence of haemolytic anaemia).
using CsCheck;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class Slicc2012Tests
{
    private static Slicc2012Result Classify(params Slicc2012Criterion[] present) =>
        Slicc2012.Classify(new Slicc2012Input(present.ToHashSet()));

    private static Slicc2012Result ClassifyWithBiopsy(params Slicc2012Criterion[] present) =>
        Slicc2012.Classify(new Slicc2012Input(present.ToHashSet(), BiopsyProvenLupusNephritis: true));

    [Fact]
    public void Criteria_AreElevenClinicalThenSixImmunological()
    {
        Assert.Equal(17, Slicc2012.Criteria.Count);
        Assert.Equal(Enum.GetValues<Slicc2012Criterion>(), Slicc2012.Criteria.Select(c => c.Criterion));
        Assert.All(Slicc2012.Criteria.Take(11), c => Assert.True(c.IsClinical));
        Assert.All(Slicc2012.Criteria.Skip(11), c => Assert.False(c.IsClinical));
    }

    [Fact]
    public void Classify_ThreeCriteria_NotClassified()
    {
        var result = Classify(Slicc2012Criterion.Synovitis, Slicc2012Criterion.OralOrNasalUlcers, Slicc2012Criterion.Ana);

        Assert.Equal(3, result.Total);
        Assert.False(result.Classified);
        Assert.Equal("Not classified (SLICC 2012): 3 criteria (2 clinical, 1 immunological): 3 < 4 criteria; no biopsy-proven lupus nephritis.", result.Explanation);
    }

    [Fact]
    public void Classify_FourCriteriaWithClinicalAndImmunological_ClassifiedByCountRule()
    {
        var result = Classify(Slicc2012Criterion.Synovitis, Slicc2012Criterion.OralOrNasalUlcers, Slicc2012Criterion.Ana,
            Slicc2012Criterion.LowComplement);

        Assert.Equal((4, 2, 2), (result.Total, result.ClinicalCount, result.ImmunologicalCount));
        Assert.True(result.MeetsCountRule);
        Assert.False(result.MeetsBiopsyRule);
        Assert.True(result.Classified);
    }

    [Fact]
    public void Classify_FourClinicalWithoutImmunological_NotClassified()
    {
        var result = Classify(Slicc2012Criterion.AcuteCutaneousLupus, Slicc2012Criterion.Synovitis, Slicc2012Criterion.Serositis,
            Slicc2012Criterion.Renal);

        Assert.Equal(4, result.Total);
        Assert.False(result.Classified);
        Assert.Contains("no immunological criterion", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_SixImmunologicalWithoutClinical_NotClassified()
    {
        var result = Classify(Slicc2012Criterion.Ana, Slicc2012Criterion.AntiDsDna, Slicc2012Criterion.AntiSm,
            Slicc2012Criterion.AntiphospholipidAntibody, Slicc2012Criterion.LowComplement, Slicc2012Criterion.DirectCoombs);

        Assert.Equal(6, result.Total);
        Assert.False(result.Classified);
        Assert.Contains("no clinical criterion", result.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Slicc2012Criterion.Ana)]
    [InlineData(Slicc2012Criterion.AntiDsDna)]
    public void Classify_BiopsyProvenNephritisWithAnaOrAntiDsDna_ClassifiedByBiopsyRule(Slicc2012Criterion antibody)
    {
        var result = ClassifyWithBiopsy(antibody);

        Assert.Equal(1, result.Total);
        Assert.False(result.MeetsCountRule);
        Assert.True(result.MeetsBiopsyRule);
        Assert.True(result.Classified);
        Assert.StartsWith("Classified as SLE (SLICC 2012): biopsy-proven lupus nephritis with ANA or anti-dsDNA", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_BiopsyProvenNephritisWithOtherAntibodiesOnly_NotClassified()
    {
        var result = ClassifyWithBiopsy(Slicc2012Criterion.AntiSm, Slicc2012Criterion.LowComplement);

        Assert.False(result.Classified);
        Assert.Contains("biopsy-proven lupus nephritis recorded but neither ANA nor anti-dsDNA", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_AnaAndAntiDsDnaWithoutBiopsy_NotClassified()
    {
        Assert.False(Classify(Slicc2012Criterion.Ana, Slicc2012Criterion.AntiDsDna).Classified);
    }

    [Fact]
    public void Classify_BothRulesMet_ExplanationNamesBoth()
    {
        var result = ClassifyWithBiopsy(Slicc2012Criterion.Renal, Slicc2012Criterion.Synovitis, Slicc2012Criterion.Ana,
            Slicc2012Criterion.AntiDsDna);

        Assert.True(result.MeetsCountRule && result.MeetsBiopsyRule);
        Assert.Contains("by both rules", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_CoombsWithHemolyticAnemia_CoombsNotCounted()
    {
        var result = Classify(Slicc2012Criterion.HemolyticAnemia, Slicc2012Criterion.DirectCoombs, Slicc2012Criterion.Ana);

        Assert.Equal((2, 1, 1), (result.Total, result.ClinicalCount, result.ImmunologicalCount));
        Assert.Equal(Slicc2012Criterion.DirectCoombs, Assert.Single(result.NotCounted).Criterion);
    }

    [Fact]
    public void Classify_CoombsAsOnlyImmunologicalThenHemolyticAnemiaAdded_NoLongerClassified()
    {
        // A consequence of the published definition ("direct Coombs in the absence of haemolytic anaemia"), kept on
        // purpose: adding haemolytic anaemia removes Coombs, which here was the only immunological criterion.
        var before = Classify(Slicc2012Criterion.Synovitis, Slicc2012Criterion.Serositis, Slicc2012Criterion.Renal,
            Slicc2012Criterion.DirectCoombs);
        var after = Classify(Slicc2012Criterion.Synovitis, Slicc2012Criterion.Serositis, Slicc2012Criterion.Renal,
            Slicc2012Criterion.DirectCoombs, Slicc2012Criterion.HemolyticAnemia);

        Assert.True(before.Classified);
        Assert.False(after.Classified);
        Assert.Equal((4, 4, 0), (after.Total, after.ClinicalCount, after.ImmunologicalCount));
    }

    [Fact]
    public void Classify_WorkedExample_FromDocs_ClassifiedByCountRuleWithFive()
    {
        // docs/instruments/slicc_2012.md worked example 1.
        var result = Classify(Slicc2012Criterion.Synovitis, Slicc2012Criterion.OralOrNasalUlcers, Slicc2012Criterion.NonScarringAlopecia,
            Slicc2012Criterion.Ana, Slicc2012Criterion.LowComplement);

        Assert.Equal((5, 3, 2), (result.Total, result.ClinicalCount, result.ImmunologicalCount));
        Assert.True(result.MeetsCountRule);
        Assert.Equal("Classified as SLE (SLICC 2012): 5 criteria (3 clinical, 2 immunological), ≥ 4 with ≥ 1 clinical and ≥ 1 immunological.", result.Explanation);
    }

    [Fact]
    public void Instrument_WorkedExample2_FromDocs_ClassifiedByBiopsyRule()
    {
        // docs/instruments/slicc_2012.md worked example 2.
        var result = Slicc2012.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["id"] = ItemValue.Of("p2"),
            ["biopsy_proven_lupus_nephritis"] = ItemValue.Of(true),
            ["ana"] = ItemValue.Of(true),
            ["renal"] = ItemValue.Of(true),
        });

        Assert.True(result.IsValid);
        Assert.Equal(2m, result.Total);
        Assert.Equal("SLE", result.Grade);
        Assert.Equal("biopsy", result.Subtotals.Single(s => s.Key == "classified_by").Grade);
        Assert.Equal("not met", result.Subtotals.Single(s => s.Key == "count_rule").Grade);
        Assert.Equal(1m, result.Subtotals.Single(s => s.Key == "clinical_criteria").Value);
        Assert.Equal("Classified as SLE (SLICC 2012): biopsy-proven lupus nephritis with ANA or anti-dsDNA (2 criteria (1 clinical, 1 immunological)).", result.Explanation);
    }

    [Fact]
    public void Instrument_CoombsWithHemolyticAnemia_ReportsCls002AndZeroPoints()
    {
        var result = Slicc2012.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["hemolytic_anemia"] = ItemValue.Of(true),
            ["direct_coombs"] = ItemValue.Of(true),
        });

        Assert.True(result.IsValid);
        var issue = Assert.Single(result.Issues);
        Assert.Equal((Severity.Info, IssueCodes.ClassificationCoombsWithHemolyticAnemia, "direct_coombs"), (issue.Severity, issue.Code, issue.Path));
        Assert.Equal(0m, result.Contributions.Single(c => c.Key == "direct_coombs").Points);
        Assert.Equal(1m, result.Total);
        Assert.Equal("not classified", result.Grade);
    }

    [Fact]
    public void Instrument_UnknownKey_IsReported()
    {
        var result = Slicc2012.Instrument.Score(new Dictionary<string, ItemValue> { ["lupus_nephritis"] = ItemValue.Of(true) });

        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "lupus_nephritis");
    }

    [Fact]
    public void Instrument_ItemsAreSeventeenCriteriaPlusBiopsy()
    {
        Assert.Equal(18, Slicc2012.Instrument.Items.Count);
        Assert.Same(Slicc2012.Instrument, InstrumentCatalog.Find("slicc_2012"));
    }

    private static readonly Slicc2012Criterion[] All = Enum.GetValues<Slicc2012Criterion>();

    [Fact]
    public void Classify_AddingAnyCriterionButHemolyticAnemia_NeverUnclassifies()
    {
        Gen.Select(Gen.Int[0, (1 << 17) - 1], Gen.Int[0, 16], Gen.Bool).Sample((mask, extra, biopsy) =>
        {
            if (All[extra] == Slicc2012Criterion.HemolyticAnemia)
            {
                return true;
            }

            var present = All.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet();
            var before = Slicc2012.Classify(new Slicc2012Input(present, biopsy));
            present.Add(All[extra]);
            var after = Slicc2012.Classify(new Slicc2012Input(present, biopsy));
            return (!before.Classified || after.Classified) && after.Total >= before.Total;
        });
    }

    [Fact]
    public void Classify_CountRule_MatchesDefinitionOnAnySet()
    {
        Gen.Int[0, (1 << 17) - 1].Sample(mask =>
        {
            var present = All.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet();
            var result = Slicc2012.Classify(new Slicc2012Input(present));
            var coombsCounts = present.Contains(Slicc2012Criterion.DirectCoombs) && !present.Contains(Slicc2012Criterion.HemolyticAnemia);
            var clinical = present.Count(c => Slicc2012.Definition(c).IsClinical);
            var immunological = present.Count(c => !Slicc2012.Definition(c).IsClinical && c != Slicc2012Criterion.DirectCoombs) + (coombsCounts ? 1 : 0);
            return result.Classified == (clinical + immunological >= 4 && clinical >= 1 && immunological >= 1);
        });
    }
}
