// Source: Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91 (weights confirmed against two independent
// published tables: HHE Rheumatology 2019 Table 4 and medicalcriteria.com/web/reusledai; docs/sources/README.md); 30-day variant: Touma Z et al. Lupus 2010;19:49-51.
using CsCheck;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class Sledai2kTests
{
    public static TheoryData<Sledai2kDescriptor, int> PublishedWeights => new()
    {
        { Sledai2kDescriptor.Seizure, 8 }, { Sledai2kDescriptor.Psychosis, 8 }, { Sledai2kDescriptor.OrganicBrainSyndrome, 8 },
        { Sledai2kDescriptor.VisualDisturbance, 8 }, { Sledai2kDescriptor.CranialNerveDisorder, 8 }, { Sledai2kDescriptor.LupusHeadache, 8 },
        { Sledai2kDescriptor.CerebrovascularAccident, 8 }, { Sledai2kDescriptor.Vasculitis, 8 },
        { Sledai2kDescriptor.Arthritis, 4 }, { Sledai2kDescriptor.Myositis, 4 }, { Sledai2kDescriptor.UrinaryCasts, 4 },
        { Sledai2kDescriptor.Hematuria, 4 }, { Sledai2kDescriptor.Proteinuria, 4 }, { Sledai2kDescriptor.Pyuria, 4 },
        { Sledai2kDescriptor.Rash, 2 }, { Sledai2kDescriptor.Alopecia, 2 }, { Sledai2kDescriptor.MucosalUlcers, 2 },
        { Sledai2kDescriptor.Pleurisy, 2 }, { Sledai2kDescriptor.Pericarditis, 2 }, { Sledai2kDescriptor.LowComplement, 2 },
        { Sledai2kDescriptor.IncreasedDnaBinding, 2 },
        { Sledai2kDescriptor.Fever, 1 }, { Sledai2kDescriptor.Thrombocytopenia, 1 }, { Sledai2kDescriptor.Leukopenia, 1 },
    };

    [Theory]
    [MemberData(nameof(PublishedWeights))]
    public void Score_SingleDescriptor_IsItsPublishedWeight(Sledai2kDescriptor descriptor, int weight)
    {
        var result = Sledai2k.Score(new Sledai2kInput(new HashSet<Sledai2kDescriptor> { descriptor }));

        Assert.Equal(weight, result.Total);
        Assert.Equal(weight, Sledai2k.Definition(descriptor).Weight);
    }

    [Fact]
    public void Descriptors_AreTwentyFourWithPublishedWeightCounts()
    {
        Assert.Equal(24, Sledai2k.Descriptors.Count);
        Assert.Equal(8, Sledai2k.Descriptors.Count(d => d.Weight == 8));
        Assert.Equal(6, Sledai2k.Descriptors.Count(d => d.Weight == 4));
        Assert.Equal(7, Sledai2k.Descriptors.Count(d => d.Weight == 2));
        Assert.Equal(3, Sledai2k.Descriptors.Count(d => d.Weight == 1));
        Assert.Equal(Enum.GetValues<Sledai2kDescriptor>(), Sledai2k.Descriptors.Select(d => d.Descriptor));
    }

    [Fact]
    public void Score_AllDescriptors_Is105()
    {
        var result = Sledai2k.Score(new Sledai2kInput(Enum.GetValues<Sledai2kDescriptor>().ToHashSet()));

        Assert.Equal(105, result.Total);
        Assert.Equal(Sledai2k.MaximumTotal, result.Total);
        Assert.Equal(101, result.ClinicalTotal);
    }

    [Fact]
    public void Score_NoDescriptor_IsZero()
    {
        var result = Sledai2k.Score(new Sledai2kInput(new HashSet<Sledai2kDescriptor>()));

        Assert.Equal(0, result.Total);
        Assert.Empty(result.Present);
    }

    [Fact]
    public void Score_WorkedExample_FromDocs_Is16WithClinical12()
    {
        // docs/instruments/sledai2k.md worked example: lupus nephritis flare with arthritis and serology.
        var input = new Sledai2kInput(new HashSet<Sledai2kDescriptor>
        {
            Sledai2kDescriptor.Arthritis, Sledai2kDescriptor.Proteinuria, Sledai2kDescriptor.Hematuria,
            Sledai2kDescriptor.LowComplement, Sledai2kDescriptor.IncreasedDnaBinding,
        });

        var result = Sledai2k.Score(input);

        Assert.Equal(16, result.Total);
        Assert.Equal(12, result.ClinicalTotal);
        Assert.True(result.HasActivityIn(SledaiDomain.Renal));
        Assert.False(result.HasActivityIn(SledaiDomain.CentralNervousSystem));
    }

    [Fact]
    public void Score_UndefinedDescriptor_Throws()
    {
        // Gladman 2002 has exactly 24 descriptors: an undefined one is a programmer error, not a silently dropped item
        // (EularAcr2019.Classify and Slicc2012.Classify refuse theirs the same way).
        var input = new Sledai2kInput(new HashSet<Sledai2kDescriptor> { Sledai2kDescriptor.Fever, (Sledai2kDescriptor)24 });

        Assert.Throws<ArgumentException>(() => Sledai2k.Score(input));
    }

    [Fact]
    public void Score_ThirtyDayWindow_KeepsWeightsAndRecordsWindow()
    {
        var present = new HashSet<Sledai2kDescriptor> { Sledai2kDescriptor.Rash, Sledai2kDescriptor.Fever };

        var ten = Sledai2k.Score(new Sledai2kInput(present));
        var thirty = Sledai2k.Score(new Sledai2kInput(present, SledaiWindow.ThirtyDays));

        Assert.Equal(3, ten.Total);
        Assert.Equal(ten.Total, thirty.Total);
        Assert.Equal(SledaiWindow.ThirtyDays, thirty.Window);
    }

    [Fact]
    public void Score_AddingADescriptor_NeverLowersTheTotal()
    {
        var descriptors = Enum.GetValues<Sledai2kDescriptor>();
        Gen.Select(Gen.Int[0, (1 << 24) - 1], Gen.Int[0, 23]).Sample((mask, extra) =>
        {
            var present = descriptors.Where((_, i) => (mask & (1 << i)) != 0).ToHashSet();
            var before = Sledai2k.Score(new Sledai2kInput(present)).Total;
            present.Add(descriptors[extra]);
            var after = Sledai2k.Score(new Sledai2kInput(present)).Total;
            return after >= before && after <= Sledai2k.MaximumTotal;
        });
    }

    [Fact]
    public void Instrument_UnknownKeyAndBadValue_AreBothReported()
    {
        var result = Sledai2k.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["rahs"] = ItemValue.Of(true),
            ["seizure"] = ItemValue.Of("maybe"),
        });

        Assert.False(result.IsValid);
        Assert.Null(result.Total);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "rahs");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.WrongType && i.Path == "seizure" && i.Message.Contains("\"maybe\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Instrument_ConfirmedLabSuggestionNotMarkedPresent_IsAContradiction()
    {
        var result = Sledai2k.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["rash"] = ItemValue.Of(true),
            ["lab_confirmed"] = ItemValue.Of("low_complement"),
        });

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.Contradiction && i.Path == "lab_confirmed");
    }

    [Fact]
    public void Instrument_TextValuesFromCsv_AreScored()
    {
        var result = Sledai2k.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["low_complement"] = ItemValue.Of("true"),
            ["increased_dna_binding"] = ItemValue.Of("1"),
            ["fever"] = ItemValue.Of(""),
            ["window_days"] = ItemValue.Of("30"),
            ["lab_confirmed"] = ItemValue.Of("low_complement;increased_dna_binding"),
        });

        Assert.True(result.IsValid);
        Assert.Equal(4m, result.Total);
        Assert.Contains("30-day", result.Algorithm, StringComparison.Ordinal);
        Assert.All(result.Contributions, c => Assert.Equal("suggested from lab results, confirmed", c.Note));
    }
}
