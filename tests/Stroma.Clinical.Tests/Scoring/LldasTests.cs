// Source: Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of a Lupus Low Disease Activity
// State (LLDAS). Ann Rheum Dis 2016;75(9):1615-21, Table 1 (criteria as in docs/sources/responses.md).
using CsCheck;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class LldasTests
{
    private static Sledai2kResult Sledai(params Sledai2kDescriptor[] present) => Sledai2k.Score(new Sledai2kInput(present.ToHashSet()));

    private static LldasInput Met() => new(
        Sledai(Sledai2kDescriptor.LowComplement, Sledai2kDescriptor.IncreasedDnaBinding),
        HaemolyticAnaemia: false, GastrointestinalActivity: false, ActivitySincePrevious.NoNewFeatures,
        Pga: 0.5m, PrednisoneMgPerDay: 5m, MaintenanceTreatmentWellTolerated: true, InvestigationalDrug: false);

    private static bool? Passed(CompositeResult result, string key) => result.Criteria.Single(c => c.Key == key).Passed;

    [Fact]
    public void Assess_AllCriteriaHold_IsMetWithFiveCriteria()
    {
        var result = Lldas.Assess(Met());

        Assert.True(result.Met);
        Assert.Equal(["sledai", "no_new_activity", "pga", "glucocorticoid", "treatment"], result.Criteria.Select(c => c.Key));
        Assert.All(result.Criteria, c => Assert.True(c.Passed));
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void Assess_SledaiFourPasses_FiveFails()
    {
        // Rash 2 + low complement 2 = 4 (allowed); + leukopenia 1 = 5.
        var four = Lldas.Assess(Met() with { Sledai = Sledai(Sledai2kDescriptor.Rash, Sledai2kDescriptor.LowComplement) });
        var five = Lldas.Assess(Met() with { Sledai = Sledai(Sledai2kDescriptor.Rash, Sledai2kDescriptor.LowComplement, Sledai2kDescriptor.Leukopenia) });

        Assert.True(four.Met);
        Assert.False(five.Met);
        Assert.False(Passed(five, "sledai"));
        Assert.Contains("SLEDAI-2K 5 > 4", five.Criteria[0].Reason, StringComparison.Ordinal);
    }

    public static TheoryData<Sledai2kDescriptor, bool> LowWeightDescriptors => new()
    {
        // Every descriptor weighing ≤ 4 alone keeps SLEDAI-2K ≤ 4; only major organ systems fail criterion 1.
        { Sledai2kDescriptor.Arthritis, true }, { Sledai2kDescriptor.Myositis, true },
        { Sledai2kDescriptor.UrinaryCasts, false }, { Sledai2kDescriptor.Hematuria, false },
        { Sledai2kDescriptor.Proteinuria, false }, { Sledai2kDescriptor.Pyuria, false },
        { Sledai2kDescriptor.Rash, true }, { Sledai2kDescriptor.Alopecia, true }, { Sledai2kDescriptor.MucosalUlcers, true },
        { Sledai2kDescriptor.Pleurisy, false }, { Sledai2kDescriptor.Pericarditis, false },
        { Sledai2kDescriptor.LowComplement, true }, { Sledai2kDescriptor.IncreasedDnaBinding, true },
        { Sledai2kDescriptor.Fever, false }, { Sledai2kDescriptor.Thrombocytopenia, true }, { Sledai2kDescriptor.Leukopenia, true },
    };

    [Theory]
    [MemberData(nameof(LowWeightDescriptors))]
    public void Assess_SingleLowWeightDescriptor_FailsOnlyForMajorOrganSystems(Sledai2kDescriptor descriptor, bool allowed)
    {
        var result = Lldas.Assess(Met() with { Sledai = Sledai(descriptor) });

        Assert.Equal(allowed, Passed(result, "sledai"));
        Assert.Equal(allowed, result.Met);
    }

    [Fact]
    public void MajorOrganSystems_MapRenalCnsSerosalVasculitisFever()
    {
        var major = Sledai2k.Descriptors.Where(d => Lldas.MajorOrganSystems.ContainsKey(d.Domain)).Select(d => d.Descriptor).ToHashSet();

        Assert.Equal(15, major.Count);
        Assert.Equal(
            new HashSet<Sledai2kDescriptor>
            {
                Sledai2kDescriptor.Seizure, Sledai2kDescriptor.Psychosis, Sledai2kDescriptor.OrganicBrainSyndrome,
                Sledai2kDescriptor.VisualDisturbance, Sledai2kDescriptor.CranialNerveDisorder, Sledai2kDescriptor.LupusHeadache,
                Sledai2kDescriptor.CerebrovascularAccident, Sledai2kDescriptor.Vasculitis, Sledai2kDescriptor.UrinaryCasts,
                Sledai2kDescriptor.Hematuria, Sledai2kDescriptor.Proteinuria, Sledai2kDescriptor.Pyuria,
                Sledai2kDescriptor.Pleurisy, Sledai2kDescriptor.Pericarditis, Sledai2kDescriptor.Fever,
            },
            major);
        Assert.Equal("cardiopulmonary", Lldas.MajorOrganSystems[SledaiDomain.Serosal]);
    }

    [Fact]
    public void Assess_HaemolyticAnaemiaOrGiActivity_FailsCriterionOne()
    {
        var haemolysis = Lldas.Assess(Met() with { HaemolyticAnaemia = true });
        var gi = Lldas.Assess(Met() with { GastrointestinalActivity = true });

        Assert.False(haemolysis.Met);
        Assert.Contains("haemolytic anaemia", haemolysis.Criteria[0].Reason, StringComparison.Ordinal);
        Assert.False(gi.Met);
        Assert.Contains("gastrointestinal activity", gi.Criteria[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Assess_NewFeaturesSincePrevious_FailsCriterionTwo()
    {
        var result = Lldas.Assess(Met() with { SincePrevious = ActivitySincePrevious.NewFeatures });

        Assert.False(result.Met);
        Assert.False(Passed(result, "no_new_activity"));
    }

    [Fact]
    public void Assess_FirstVisit_IsNotAssessableWithIssue()
    {
        var result = Lldas.Assess(Met() with { SincePrevious = ActivitySincePrevious.NoPreviousAssessment });

        Assert.Null(result.Met);
        Assert.Null(Passed(result, "no_new_activity"));
        Assert.Equal(5, result.Criteria.Count);
        var issue = Assert.Single(result.Issues);
        Assert.Equal(IssueCodes.LldasNoPreviousAssessment, issue.Code);
        Assert.True(issue.IsError);
    }

    [Theory]
    [InlineData("1.0", true)]
    [InlineData("1.01", false)]
    [InlineData("0", true)]
    public void Assess_Pga_PassesAtMostOne(string pga, bool passed)
    {
        var result = Lldas.Assess(Met() with { Pga = decimal.Parse(pga, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(passed, Passed(result, "pga"));
        Assert.Equal(passed, result.Met);
    }

    [Theory]
    [InlineData("7.5", true)]
    [InlineData("7.51", false)]
    [InlineData("0", true)]
    public void Assess_Prednisone_PassesAtMostSevenPointFive(string dose, bool passed)
    {
        var result = Lldas.Assess(Met() with { PrednisoneMgPerDay = decimal.Parse(dose, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(passed, Passed(result, "glucocorticoid"));
        Assert.Equal(passed, result.Met);
    }

    [Fact]
    public void Assess_TreatmentNotToleratedOrInvestigational_FailsCriterionFive()
    {
        var notTolerated = Lldas.Assess(Met() with { MaintenanceTreatmentWellTolerated = false });
        var investigational = Lldas.Assess(Met() with { InvestigationalDrug = true });

        Assert.False(Passed(notTolerated, "treatment"));
        Assert.False(notTolerated.Met);
        Assert.False(Passed(investigational, "treatment"));
        Assert.Contains("investigational", investigational.Criteria[4].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3.01")]
    [InlineData("-0.1")]
    public void Assess_PgaOutsideZeroToThree_IsAnIssueNotAResult(string pga)
    {
        var result = Lldas.Assess(Met() with { Pga = decimal.Parse(pga, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Null(result.Met);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "pga");
    }

    [Fact]
    public void Assess_NegativePrednisone_IsAnIssue()
    {
        var result = Lldas.Assess(Met() with { PrednisoneMgPerDay = -1m });

        Assert.Null(result.Met);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "prednisone_mg_per_day");
    }

    [Fact]
    public void Assess_AddingADescriptor_NeverTurnsNotMetIntoMet()
    {
        var descriptors = Enum.GetValues<Sledai2kDescriptor>();
        Gen.Select(Gen.Int[0, (1 << 24) - 1], Gen.Int[0, 23]).Sample((mask, extra) =>
        {
            var present = descriptors.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet();
            var before = Lldas.Assess(Met() with { Sledai = Sledai([.. present]) }).Met;
            present.Add(descriptors[extra]);
            var after = Lldas.Assess(Met() with { Sledai = Sledai([.. present]) }).Met;
            return before == true || after == false;
        });
    }

    private static Dictionary<string, ItemValue> WorkedExample() => new()
    {
        ["id"] = ItemValue.Of("v2"),
        ["low_complement"] = ItemValue.Of(true),
        ["increased_dna_binding"] = ItemValue.Of(true),
        ["haemolytic_anaemia"] = ItemValue.Of(false),
        ["gastrointestinal_activity"] = ItemValue.Of(false),
        ["new_activity_since_previous"] = ItemValue.Of("no"),
        ["pga"] = ItemValue.Of(0.8m),
        ["prednisone_mg_per_day"] = ItemValue.Of(5m),
        ["maintenance_treatment_well_tolerated"] = ItemValue.Of(true),
        ["investigational_drug"] = ItemValue.Of(false),
    };

    [Fact]
    public void Instrument_WorkedExample_FromDocs_IsMet()
    {
        // docs/instruments/lldas.md worked example 1: serologically active, clinically quiet, prednisone 5 mg/day.
        var result = Lldas.Instrument.Score(WorkedExample());

        Assert.True(result.IsValid);
        Assert.Equal("LLDAS met", result.Grade);
        Assert.Equal(5, result.Contributions.Count);
        Assert.All(result.Contributions, c => Assert.Equal(1m, c.Points));
        Assert.Contains(result.Subtotals, s => s.Key == "sledai2k_total" && s.Value == 4m);
    }

    [Fact]
    public void Instrument_WorkedExample_WithProteinuria_IsNotMet()
    {
        // docs/instruments/lldas.md worked example 2: proteinuria instead of anti-dsDNA keeps SLEDAI-2K at 6 and is renal.
        var items = WorkedExample();
        items.Remove("increased_dna_binding");
        items["proteinuria"] = ItemValue.Of(true);

        var result = Lldas.Instrument.Score(items);

        Assert.Equal("LLDAS not met", result.Grade);
        Assert.Equal("LLDAS not met. Criteria not met: SLEDAI-2K ≤ 4, no major organ activity, no haemolytic anaemia or GI activity.", result.Explanation);
        var sledai = result.Contributions.Single(c => c.Key == "sledai");
        Assert.Equal(0m, sledai.Points);
        Assert.Equal("not met: SLEDAI-2K 6 > 4; major organ activity: renal (Proteinuria)", sledai.Note);
    }

    [Fact]
    public void Instrument_FirstVisit_HasNoGradeAndCmp001()
    {
        var items = WorkedExample();
        items["new_activity_since_previous"] = ItemValue.Of("no_previous_assessment");

        var result = Lldas.Instrument.Score(items);

        Assert.False(result.IsValid);
        Assert.Null(result.Grade);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.LldasNoPreviousAssessment && i.Path == "new_activity_since_previous");
        Assert.Contains(result.Contributions, c => c.Key == "no_new_activity" && c.Note!.StartsWith("not assessable", StringComparison.Ordinal));
    }

    [Fact]
    public void Instrument_BadInput_ReportsEveryProblem()
    {
        var items = WorkedExample();
        items["pga"] = ItemValue.Of(3.5m);
        items["new_activity_since_previous"] = ItemValue.Of("maybe");
        items["prednisolone"] = ItemValue.Of(5m);
        items.Remove("haemolytic_anaemia");

        var result = Lldas.Instrument.Score(items);

        Assert.False(result.IsValid);
        Assert.Null(result.Grade);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "pga");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.NotAChoice && i.Path == "new_activity_since_previous");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "prednisolone");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "haemolytic_anaemia");
    }
}
