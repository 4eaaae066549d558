// Source: Aringer M et al. 2019 EULAR/ACR classification criteria for SLE. Ann Rheum Dis 2019;78:1151-9 and
// Arthritis Rheumatol 2019;71:1400-12 (entry criterion, domains, weights, highest-per-domain rule, ≥ 10 points with
// ≥ 1 clinical criterion); weights as in two printed tables (docs/sources/README.md), checked against the MSD Manual table of the criteria.
using CsCheck;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class EularAcr2019Tests
{
    private static EularAcr2019Result Classify(bool? ana, params EularAcr2019Criterion[] present) =>
        EularAcr2019.Classify(new EularAcr2019Input(ana, present.ToHashSet()));

    public static TheoryData<EularAcr2019Criterion, EularAcr2019Domain, int> PublishedWeights => new()
    {
        { EularAcr2019Criterion.Fever, EularAcr2019Domain.Constitutional, 2 },
        { EularAcr2019Criterion.Leukopenia, EularAcr2019Domain.Haematological, 3 },
        { EularAcr2019Criterion.Thrombocytopenia, EularAcr2019Domain.Haematological, 4 },
        { EularAcr2019Criterion.AutoimmuneHemolysis, EularAcr2019Domain.Haematological, 4 },
        { EularAcr2019Criterion.Delirium, EularAcr2019Domain.Neuropsychiatric, 2 },
        { EularAcr2019Criterion.Psychosis, EularAcr2019Domain.Neuropsychiatric, 3 },
        { EularAcr2019Criterion.Seizure, EularAcr2019Domain.Neuropsychiatric, 5 },
        { EularAcr2019Criterion.NonScarringAlopecia, EularAcr2019Domain.Mucocutaneous, 2 },
        { EularAcr2019Criterion.OralUlcers, EularAcr2019Domain.Mucocutaneous, 2 },
        { EularAcr2019Criterion.SubacuteCutaneousOrDiscoidLupus, EularAcr2019Domain.Mucocutaneous, 4 },
        { EularAcr2019Criterion.AcuteCutaneousLupus, EularAcr2019Domain.Mucocutaneous, 6 },
        { EularAcr2019Criterion.PleuralOrPericardialEffusion, EularAcr2019Domain.Serosal, 5 },
        { EularAcr2019Criterion.AcutePericarditis, EularAcr2019Domain.Serosal, 6 },
        { EularAcr2019Criterion.JointInvolvement, EularAcr2019Domain.Musculoskeletal, 6 },
        { EularAcr2019Criterion.Proteinuria, EularAcr2019Domain.Renal, 4 },
        { EularAcr2019Criterion.LupusNephritisClass2Or5, EularAcr2019Domain.Renal, 8 },
        { EularAcr2019Criterion.LupusNephritisClass3Or4, EularAcr2019Domain.Renal, 10 },
        { EularAcr2019Criterion.AntiphospholipidAntibodies, EularAcr2019Domain.AntiphospholipidAntibodies, 2 },
        { EularAcr2019Criterion.LowC3OrLowC4, EularAcr2019Domain.ComplementProteins, 3 },
        { EularAcr2019Criterion.LowC3AndLowC4, EularAcr2019Domain.ComplementProteins, 4 },
        { EularAcr2019Criterion.AntiDsDnaOrAntiSmith, EularAcr2019Domain.SleSpecificAntibodies, 6 },
    };

    [Theory]
    [MemberData(nameof(PublishedWeights))]
    public void Classify_SingleCriterion_TotalIsItsPublishedWeightInItsDomain(EularAcr2019Criterion criterion, EularAcr2019Domain domain, int weight)
    {
        var result = Classify(true, criterion);

        Assert.Equal(weight, result.Total);
        Assert.Equal(weight, EularAcr2019.Definition(criterion).Weight);
        Assert.Equal(domain, EularAcr2019.Definition(criterion).Domain);
        Assert.Equal(weight, result.Domains.Single(d => d.Domain == domain).Points);
    }

    [Fact]
    public void Criteria_AreTwentyOneInSevenClinicalAndThreeImmunologicalDomains()
    {
        Assert.Equal(21, EularAcr2019.Criteria.Count);
        Assert.Equal(Enum.GetValues<EularAcr2019Criterion>(), EularAcr2019.Criteria.Select(c => c.Criterion));
        Assert.Equal(17, EularAcr2019.Criteria.Count(c => c.IsClinical));
        Assert.Equal(4, EularAcr2019.Criteria.Count(c => !c.IsClinical));
        Assert.Equal(7, Enum.GetValues<EularAcr2019Domain>().Count(EularAcr2019.IsClinical));
        Assert.Equal(3, Enum.GetValues<EularAcr2019Domain>().Count(d => !EularAcr2019.IsClinical(d)));
        Assert.All(EularAcr2019.Criteria, c => Assert.InRange(c.Weight, 2, 10));
    }

    [Fact]
    public void Classify_AllCriteria_IsSumOfDomainMaxima51()
    {
        var result = Classify(true, Enum.GetValues<EularAcr2019Criterion>());

        Assert.Equal(EularAcr2019.MaximumTotal, result.Total);
        Assert.Equal(51, result.Total);
        Assert.Equal(39, result.ClinicalPoints);
        Assert.Equal(12, result.ImmunologicalPoints);
        Assert.True(result.Classified);
    }

    [Fact]
    public void Classify_LowC3AndLowC4RecordedWithLowC3OrLowC4_CountsFourNotSeven()
    {
        var result = Classify(true, EularAcr2019Criterion.LowC3OrLowC4, EularAcr2019Criterion.LowC3AndLowC4);

        var complement = result.Domains.Single(d => d.Domain == EularAcr2019Domain.ComplementProteins);
        Assert.Equal(4, result.Total);
        Assert.Equal(EularAcr2019Criterion.LowC3AndLowC4, complement.Counted!.Criterion);
        Assert.Equal([EularAcr2019Criterion.LowC3OrLowC4], complement.NotCounted.Select(c => c.Criterion));
    }

    [Fact]
    public void Classify_ProteinuriaAndClassIVNephritis_CountsTenNotFourteen()
    {
        var result = Classify(true, EularAcr2019Criterion.Proteinuria, EularAcr2019Criterion.LupusNephritisClass3Or4);

        Assert.Equal(10, result.Total);
        Assert.True(result.Classified);
        Assert.Equal("Classified as SLE (2019 EULAR/ACR): entry criterion met, at least one clinical criterion, 10 ≥ 10.", result.Explanation);
    }

    [Fact]
    public void Classify_TwoEqualWeightsInOneDomain_CountsOnceAndKeepsPublishedOrder()
    {
        var result = Classify(true, EularAcr2019Criterion.OralUlcers, EularAcr2019Criterion.NonScarringAlopecia);

        var mucocutaneous = result.Domains.Single(d => d.Domain == EularAcr2019Domain.Mucocutaneous);
        Assert.Equal(2, result.Total);
        Assert.Equal(EularAcr2019Criterion.NonScarringAlopecia, mucocutaneous.Counted!.Criterion);
        Assert.Equal(EularAcr2019Criterion.OralUlcers, Assert.Single(mucocutaneous.NotCounted).Criterion);
    }

    [Fact]
    public void Classify_EntryCriterionNotMet_NotClassifiedWhateverThePoints()
    {
        var result = Classify(false, EularAcr2019Criterion.LupusNephritisClass3Or4, EularAcr2019Criterion.AntiDsDnaOrAntiSmith,
            EularAcr2019Criterion.LowC3AndLowC4);

        Assert.Equal(20, result.Total);
        Assert.False(result.Classified);
        Assert.Equal(EularAcr2019Outcome.EntryCriterionNotMet, result.Outcome);
        Assert.Contains("entry criterion not met", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_EntryCriterionNotRecorded_NotClassified()
    {
        var result = Classify(null, EularAcr2019Criterion.AcuteCutaneousLupus, EularAcr2019Criterion.AntiDsDnaOrAntiSmith);

        Assert.False(result.Classified);
        Assert.Equal(EularAcr2019Outcome.EntryCriterionNotRecorded, result.Outcome);
        Assert.Contains("entry criterion not recorded", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_TenImmunologicalPointsWithoutClinicalCriterion_NotClassified()
    {
        var result = Classify(true, EularAcr2019Criterion.AntiDsDnaOrAntiSmith, EularAcr2019Criterion.LowC3AndLowC4);

        Assert.Equal(10, result.Total);
        Assert.Equal(0, result.ClinicalPoints);
        Assert.False(result.HasClinicalCriterion);
        Assert.Equal(EularAcr2019Outcome.NoClinicalCriterion, result.Outcome);
        Assert.Contains("no clinical criterion", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_ImmunologicalOnlyAndBelowTen_GivesBothReasons()
    {
        var result = Classify(true, EularAcr2019Criterion.AntiDsDnaOrAntiSmith);

        Assert.Equal(EularAcr2019Outcome.NoClinicalCriterionAndBelowThreshold, result.Outcome);
        Assert.Equal("Not classified: no clinical criterion and 6 < 10.", result.Explanation);
    }

    [Fact]
    public void Classify_NinePoints_NotClassified()
    {
        var result = Classify(true, EularAcr2019Criterion.JointInvolvement, EularAcr2019Criterion.Leukopenia);

        Assert.Equal(9, result.Total);
        Assert.Equal(EularAcr2019Outcome.BelowThreshold, result.Outcome);
        Assert.Equal("Not classified: 9 < 10.", result.Explanation);
    }

    [Fact]
    public void Classify_TenPoints_Classified()
    {
        var result = Classify(true, EularAcr2019Criterion.JointInvolvement, EularAcr2019Criterion.Thrombocytopenia);

        Assert.Equal(10, result.Total);
        Assert.True(result.Classified);
    }

    [Fact]
    public void Classify_NineWithComplementThenTenWithBothLow_CrossesThreshold()
    {
        var nine = Classify(true, EularAcr2019Criterion.AcuteCutaneousLupus, EularAcr2019Criterion.LowC3OrLowC4);
        var ten = Classify(true, EularAcr2019Criterion.AcuteCutaneousLupus, EularAcr2019Criterion.LowC3AndLowC4);

        Assert.Equal((9, false), (nine.Total, nine.Classified));
        Assert.Equal((10, true), (ten.Total, ten.Classified));
    }

    [Fact]
    public void Classify_WorkedExample_FromDocs_Is12AndClassified()
    {
        // docs/instruments/eular_acr_2019.md worked example.
        var result = Classify(true, EularAcr2019Criterion.JointInvolvement, EularAcr2019Criterion.OralUlcers,
            EularAcr2019Criterion.NonScarringAlopecia, EularAcr2019Criterion.LowC3AndLowC4);

        Assert.Equal(12, result.Total);
        Assert.Equal(8, result.ClinicalPoints);
        Assert.Equal(4, result.ImmunologicalPoints);
        Assert.True(result.Classified);
        Assert.EndsWith("12 ≥ 10.", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Instrument_WorkedExample_FromDocs_ReportsDomainsAndNotCountedCriterion()
    {
        var result = EularAcr2019.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["id"] = ItemValue.Of("p1"),
            ["ana_at_least_1_80"] = ItemValue.Of(true),
            ["joint_involvement"] = ItemValue.Of(true),
            ["oral_ulcers"] = ItemValue.Of(true),
            ["non_scarring_alopecia"] = ItemValue.Of(true),
            ["low_c3_and_low_c4"] = ItemValue.Of(true),
        });

        Assert.True(result.IsValid);
        Assert.Empty(result.Issues);
        Assert.Equal(12m, result.Total);
        Assert.Equal("SLE", result.Grade);
        Assert.Equal(
            "Classified as SLE (2019 EULAR/ACR): entry criterion met, at least one clinical criterion, 12 ≥ 10. "
            + "Points: Non-scarring alopecia 2 + Joint involvement 6 + Low C3 and low C4 4 = 12.",
            result.Explanation);
        var oral = result.Contributions.Single(c => c.Key == "oral_ulcers");
        Assert.Equal(0m, oral.Points);
        Assert.StartsWith("recorded, not counted: only the highest-weighted criterion", oral.Note, StringComparison.Ordinal);
        Assert.Equal(12m, result.Contributions.Sum(c => c.Points));
        Assert.Equal(2m, result.Subtotals.Single(s => s.Key == "mucocutaneous").Value);
        Assert.Equal(6m, result.Subtotals.Single(s => s.Key == "musculoskeletal").Value);
        Assert.Equal(4m, result.Subtotals.Single(s => s.Key == "complement_proteins").Value);
        Assert.Equal(0m, result.Subtotals.Single(s => s.Key == "renal").Value);
        Assert.Equal(8m, result.Subtotals.Single(s => s.Key == "clinical_points").Value);
        Assert.Equal(10 + 2, result.Subtotals.Count);
    }

    [Fact]
    public void Instrument_EntryCriterionFalse_NotClassifiedAndListsRecordedCriteria()
    {
        var result = EularAcr2019.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["ana_at_least_1_80"] = ItemValue.Of("no"),
            ["acute_cutaneous_lupus"] = ItemValue.Of("yes"),
            ["anti_dsdna_or_anti_smith"] = ItemValue.Of("1"),
        });

        Assert.True(result.IsValid);
        Assert.Null(result.Total);
        Assert.Equal("not classified", result.Grade);
        Assert.Contains("Recorded: Acute cutaneous lupus, Anti-dsDNA or anti-Smith antibody.", result.Explanation, StringComparison.Ordinal);
        Assert.Equal(["acute_cutaneous_lupus", "anti_dsdna_or_anti_smith"], result.Contributions.Select(c => c.Key));
        Assert.All(result.Contributions, c =>
        {
            Assert.Equal(0m, c.Points);
            Assert.EndsWith("entry criterion (ANA ≥ 1:80) not met", c.Note, StringComparison.Ordinal);
        });
        Assert.All(result.Subtotals, s => Assert.Null(s.Value));
    }

    [Fact]
    public void Instrument_EntryCriterionBlank_WarnsCls001AndDoesNotClassify()
    {
        var result = EularAcr2019.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["acute_pericarditis"] = ItemValue.Of(true),
            ["lupus_nephritis_class_3_or_4"] = ItemValue.Of(true),
        });

        Assert.True(result.IsValid);
        Assert.Null(result.Total);
        Assert.Equal("not classified", result.Grade);
        var issue = Assert.Single(result.Issues);
        Assert.Equal((Severity.Warning, IssueCodes.ClassificationEntryCriterionNotRecorded, "ana_at_least_1_80"), (issue.Severity, issue.Code, issue.Path));
        Assert.Contains("not recorded", result.Contributions[0].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Instrument_UnknownKeyAndBadValue_AreBothReported()
    {
        var result = EularAcr2019.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["ana"] = ItemValue.Of(true),
            ["fever"] = ItemValue.Of("38.5"),
        });

        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "ana");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.WrongType && i.Path == "fever");
    }

    [Fact]
    public void Instrument_ItemsAreEntryCriterionPlusTwentyOneCriteria()
    {
        Assert.Equal(22, EularAcr2019.Instrument.Items.Count);
        Assert.Equal("ana_at_least_1_80", EularAcr2019.Instrument.Items[0].Key);
        Assert.Same(EularAcr2019.Instrument, InstrumentCatalog.Find("eular_acr_2019"));
    }

    private static readonly EularAcr2019Criterion[] All = Enum.GetValues<EularAcr2019Criterion>();

    private static HashSet<EularAcr2019Criterion> FromMask(int mask) => All.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet();

    [Fact]
    public void Classify_AddingACriterion_NeverLowersTheTotal()
    {
        Gen.Select(Gen.Int[0, (1 << 21) - 1], Gen.Int[0, 20], Gen.Bool).Sample((mask, extra, ana) =>
        {
            var present = FromMask(mask);
            var before = EularAcr2019.Classify(new EularAcr2019Input(ana, present)).Total;
            present.Add(All[extra]);
            var after = EularAcr2019.Classify(new EularAcr2019Input(ana, present)).Total;
            return after >= before && after <= EularAcr2019.MaximumTotal;
        });
    }

    [Fact]
    public void Classify_AddingACriterion_NeverUnclassifies()
    {
        Gen.Select(Gen.Int[0, (1 << 21) - 1], Gen.Int[0, 20]).Sample((mask, extra) =>
        {
            var present = FromMask(mask);
            var before = EularAcr2019.Classify(new EularAcr2019Input(true, present)).Classified;
            present.Add(All[extra]);
            var after = EularAcr2019.Classify(new EularAcr2019Input(true, present)).Classified;
            return !before || after;
        });
    }

    [Fact]
    public void Classify_WithoutEntryCriterion_NeverClassifies()
    {
        Gen.Select(Gen.Int[0, (1 << 21) - 1], Gen.Bool).Sample((mask, recordedFalse) =>
            !EularAcr2019.Classify(new EularAcr2019Input(recordedFalse ? false : null, FromMask(mask))).Classified);
    }

    [Fact]
    public void Classify_Total_IsSumOfDomainPointsAndEachDomainIsItsMaximum()
    {
        Gen.Int[0, (1 << 21) - 1].Sample(mask =>
        {
            var present = FromMask(mask);
            var result = EularAcr2019.Classify(new EularAcr2019Input(true, present));
            return result.Total == result.Domains.Sum(d => d.Points)
                   && result.Domains.All(d => d.Points == EularAcr2019.Criteria
                       .Where(c => c.Domain == d.Domain && present.Contains(c.Criterion)).Select(c => c.Weight).DefaultIfEmpty(0).Max());
        });
    }
}
