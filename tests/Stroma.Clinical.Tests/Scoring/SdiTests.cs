// Source: Gladman D, Ginzler E, Goldsmith C, et al. Arthritis Rheum 1996;39:363-9 (SLICC/ACR Damage Index); items,
// points and per-system maxima as collected in docs/sources/README.md (PhenX protocol, HHE Rheumatology 2019
// Table 5, medix.cn Chinese version with per-system maxima; end-stage renal disease makes the renal system 3).
using CsCheck;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class SdiTests
{
    private static readonly SdiItem[] RepeatableItems =
    [
        SdiItem.CerebrovascularAccident, SdiItem.MyocardialInfarction, SdiItem.SignificantTissueLoss,
        SdiItem.GastrointestinalInfarctionOrResection, SdiItem.AvascularNecrosis, SdiItem.Malignancy,
    ];

    public static TheoryData<SdiItem, SdiSystem, int> PublishedItems => new()
    {
        { SdiItem.Cataract, SdiSystem.Ocular, 1 },
        { SdiItem.RetinalChangeOrOpticAtrophy, SdiSystem.Ocular, 1 },
        { SdiItem.CognitiveImpairmentOrPsychosis, SdiSystem.Neuropsychiatric, 1 },
        { SdiItem.Seizures, SdiSystem.Neuropsychiatric, 1 },
        { SdiItem.CerebrovascularAccident, SdiSystem.Neuropsychiatric, 1 },
        { SdiItem.CranialOrPeripheralNeuropathy, SdiSystem.Neuropsychiatric, 1 },
        { SdiItem.TransverseMyelitis, SdiSystem.Neuropsychiatric, 1 },
        { SdiItem.GfrBelow50Percent, SdiSystem.Renal, 1 },
        { SdiItem.Proteinuria, SdiSystem.Renal, 1 },
        { SdiItem.EndStageRenalDisease, SdiSystem.Renal, 3 },
        { SdiItem.PulmonaryHypertension, SdiSystem.Pulmonary, 1 },
        { SdiItem.PulmonaryFibrosis, SdiSystem.Pulmonary, 1 },
        { SdiItem.ShrinkingLung, SdiSystem.Pulmonary, 1 },
        { SdiItem.PleuralFibrosis, SdiSystem.Pulmonary, 1 },
        { SdiItem.PulmonaryInfarction, SdiSystem.Pulmonary, 1 },
        { SdiItem.AnginaOrCoronaryBypass, SdiSystem.Cardiovascular, 1 },
        { SdiItem.MyocardialInfarction, SdiSystem.Cardiovascular, 1 },
        { SdiItem.Cardiomyopathy, SdiSystem.Cardiovascular, 1 },
        { SdiItem.ValvularDisease, SdiSystem.Cardiovascular, 1 },
        { SdiItem.PericarditisOrPericardiectomy, SdiSystem.Cardiovascular, 1 },
        { SdiItem.Claudication, SdiSystem.PeripheralVascular, 1 },
        { SdiItem.MinorTissueLoss, SdiSystem.PeripheralVascular, 1 },
        { SdiItem.SignificantTissueLoss, SdiSystem.PeripheralVascular, 1 },
        { SdiItem.VenousThrombosis, SdiSystem.PeripheralVascular, 1 },
        { SdiItem.GastrointestinalInfarctionOrResection, SdiSystem.Gastrointestinal, 1 },
        { SdiItem.MesentericInsufficiency, SdiSystem.Gastrointestinal, 1 },
        { SdiItem.ChronicPeritonitis, SdiSystem.Gastrointestinal, 1 },
        { SdiItem.StrictureOrUpperGiSurgery, SdiSystem.Gastrointestinal, 1 },
        { SdiItem.PancreaticInsufficiency, SdiSystem.Gastrointestinal, 1 },
        { SdiItem.MuscleAtrophyOrWeakness, SdiSystem.Musculoskeletal, 1 },
        { SdiItem.DeformingOrErosiveArthritis, SdiSystem.Musculoskeletal, 1 },
        { SdiItem.OsteoporosisWithFracture, SdiSystem.Musculoskeletal, 1 },
        { SdiItem.AvascularNecrosis, SdiSystem.Musculoskeletal, 1 },
        { SdiItem.Osteomyelitis, SdiSystem.Musculoskeletal, 1 },
        { SdiItem.TendonRupture, SdiSystem.Musculoskeletal, 1 },
        { SdiItem.ScarringChronicAlopecia, SdiSystem.Skin, 1 },
        { SdiItem.ExtensiveScarringOrPanniculum, SdiSystem.Skin, 1 },
        { SdiItem.SkinUlceration, SdiSystem.Skin, 1 },
        { SdiItem.PrematureGonadalFailure, SdiSystem.PrematureGonadalFailure, 1 },
        { SdiItem.Diabetes, SdiSystem.Diabetes, 1 },
        { SdiItem.Malignancy, SdiSystem.Malignancy, 1 },
    };

    public static TheoryData<SdiSystem, int> PublishedMaxima => new()
    {
        { SdiSystem.Ocular, 2 }, { SdiSystem.Neuropsychiatric, 6 }, { SdiSystem.Renal, 3 }, { SdiSystem.Pulmonary, 5 },
        { SdiSystem.Cardiovascular, 6 }, { SdiSystem.PeripheralVascular, 5 }, { SdiSystem.Gastrointestinal, 6 },
        { SdiSystem.Musculoskeletal, 7 }, { SdiSystem.Skin, 3 }, { SdiSystem.PrematureGonadalFailure, 1 },
        { SdiSystem.Diabetes, 1 }, { SdiSystem.Malignancy, 2 },
    };

    public static TheoryData<SdiItem> Repeatable => [.. RepeatableItems];

    /// <summary>Every item at its largest: each repeatable item more than once, every other item present.</summary>
    private static SdiInput Everything() =>
        new(Enum.GetValues<SdiItem>().ToDictionary(i => i, i => RepeatableItems.Contains(i) ? 2 : 1));

    [Theory]
    [MemberData(nameof(PublishedItems))]
    public void Score_SingleItemOnce_IsItsPublishedPointsInItsSystem(SdiItem item, SdiSystem system, int points)
    {
        var result = Sdi.Score(SdiInput.Of(item));

        Assert.Equal(points, result.Total);
        Assert.Equal(points, result.PointsFor(system));
        Assert.Equal(system, Sdi.Definition(item).System);
        var score = Assert.Single(result.Items);
        Assert.Equal(points, score.Points);
        Assert.Empty(result.Issues);
    }

    [Theory]
    [MemberData(nameof(Repeatable))]
    public void Score_RepeatableItem_ScoresZeroOneTwoTwoForCountsZeroToThree(SdiItem item)
    {
        int[] expected = [0, 1, 2, 2];
        for (var count = 0; count < expected.Length; count++)
        {
            var result = Sdi.Score(SdiInput.None.With(item, count));

            Assert.Equal(expected[count], result.Total);
            Assert.Equal(expected[count], result.PointsFor(Sdi.Definition(item).System));
        }
    }

    [Fact]
    public void Items_AreFortyOneWithSixRepeatableAndOneEndStageItem()
    {
        Assert.Equal(41, Sdi.Items.Count);
        Assert.Equal(Enum.GetValues<SdiItem>(), Sdi.Items.Select(d => d.Item));
        Assert.Equal(RepeatableItems.Order(), Sdi.Items.Where(d => d.Scoring == SdiItemScoring.OneOrTwo).Select(d => d.Item).Order());
        Assert.Equal(SdiItem.EndStageRenalDisease, Assert.Single(Sdi.Items, d => d.Scoring == SdiItemScoring.EndStageRenal).Item);
        Assert.Equal(Enum.GetValues<SdiSystem>(), Sdi.Systems.Select(s => s.System));
    }

    [Theory]
    [MemberData(nameof(PublishedMaxima))]
    public void Score_EverythingInOneSystem_IsThePublishedMaximum(SdiSystem system, int maximum)
    {
        var all = Enum.GetValues<SdiItem>().Where(i => Sdi.Definition(i).System == system)
            .ToDictionary(i => i, i => RepeatableItems.Contains(i) ? 3 : 1);

        var result = Sdi.Score(new SdiInput(all));

        Assert.Equal(maximum, result.PointsFor(system));
        Assert.Equal(maximum, result.Total);
        Assert.Equal(maximum, Sdi.Definition(system).Maximum);
    }

    [Fact]
    public void Score_Everything_Is47()
    {
        var result = Sdi.Score(Everything());

        Assert.Equal(47, result.Total);
        Assert.Equal(Sdi.MaximumTotal, result.Total);
        Assert.Equal(Sdi.Systems.Sum(s => s.Maximum), result.Total);
        Assert.All(result.Systems, s => Assert.Equal(s.Definition.Maximum, s.Points));
    }

    [Fact]
    public void Score_Nothing_IsZeroWithAllSystemsListed()
    {
        var result = Sdi.Score(SdiInput.None);

        Assert.Equal(0, result.Total);
        Assert.Empty(result.Items);
        Assert.Equal(12, result.Systems.Count);
        Assert.Equal("No damage recorded: SDI 0.", result.Explanation);
    }

    [Fact]
    public void Score_GfrAndProteinuriaWithoutEndStage_IsTwo()
    {
        var result = Sdi.Score(SdiInput.Of(SdiItem.GfrBelow50Percent, SdiItem.Proteinuria));

        Assert.Equal(2, result.PointsFor(SdiSystem.Renal));
        Assert.Empty(result.Issues);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Score_EndStageRenalDisease_RenalIsThreeWhateverElseIsRecorded(bool gfr, bool proteinuria)
    {
        var input = SdiInput.Of(SdiItem.EndStageRenalDisease)
            .With(SdiItem.GfrBelow50Percent, gfr ? 1 : 0)
            .With(SdiItem.Proteinuria, proteinuria ? 1 : 0);

        var result = Sdi.Score(input);

        Assert.Equal(3, result.PointsFor(SdiSystem.Renal));
        Assert.Equal(3, result.Total);
        var subsumed = result.Items.Where(i => i.Definition.Item != SdiItem.EndStageRenalDisease).ToList();
        Assert.Equal((gfr ? 1 : 0) + (proteinuria ? 1 : 0), subsumed.Count);
        Assert.All(subsumed, i => Assert.Equal(0, i.Points));
        Assert.Equal(subsumed.Count, result.Issues.Count);
        Assert.All(result.Issues, i =>
        {
            Assert.Equal(IssueCodes.SdiEndStageRenalDiseaseSubsumes, i.Code);
            Assert.Equal(Severity.Info, i.Severity);
        });
    }

    [Fact]
    public void Score_WorkedExample_FromDocs_Is9()
    {
        // docs/instruments/sdi.md worked example.
        var input = SdiInput.Of(SdiItem.Cataract, SdiItem.GfrBelow50Percent, SdiItem.EndStageRenalDisease, SdiItem.Diabetes)
            .With(SdiItem.CerebrovascularAccident, 2)
            .With(SdiItem.AvascularNecrosis, 2);

        var result = Sdi.Score(input);

        Assert.Equal(9, result.Total);
        Assert.Equal(1, result.PointsFor(SdiSystem.Ocular));
        Assert.Equal(2, result.PointsFor(SdiSystem.Neuropsychiatric));
        Assert.Equal(3, result.PointsFor(SdiSystem.Renal));
        Assert.Equal(2, result.PointsFor(SdiSystem.Musculoskeletal));
        Assert.Equal(1, result.PointsFor(SdiSystem.Diabetes));
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.SdiEndStageRenalDiseaseSubsumes && i.Path == "gfr_below_50_percent");
        Assert.Equal(
            "SDI 9 = Ocular 1 (Any cataract ever 1) + Neuropsychiatric 2 (Cerebrovascular accident ever ×2 2) + "
            + "Renal 3 (Estimated or measured GFR < 50% 0, End-stage renal disease 3) + Musculoskeletal 2 (Avascular necrosis ×2 2) + "
            + "Diabetes 1 (Diabetes 1).",
            result.Explanation);

        var raw = Sdi.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["id"] = ItemValue.Of("p7"),
            ["cataract"] = ItemValue.Of(true),
            ["cerebrovascular_accident"] = ItemValue.Of(2m),
            ["gfr_below_50_percent"] = ItemValue.Of(true),
            ["end_stage_renal_disease"] = ItemValue.Of(true),
            ["avascular_necrosis"] = ItemValue.Of(2m),
            ["diabetes"] = ItemValue.Of(true),
        });
        Assert.True(raw.IsValid);
        Assert.Equal(9m, raw.Total);
        Assert.Equal(result.Explanation, raw.Explanation);
    }

    [Fact]
    public void Score_AddingDamage_NeverLowersTheTotalNorExceeds47()
    {
        var items = Enum.GetValues<SdiItem>();
        var gen = Gen.Select(Gen.Int[0, 3].Array[items.Length], Gen.Int[0, items.Length - 1]);
        gen.Sample((counts, extra) =>
        {
            var before = Input(counts);
            var grown = (int[])counts.Clone();
            grown[extra] = RepeatableItems.Contains(items[extra]) ? grown[extra] + 1 : 1;
            var after = Input(grown);
            var low = Sdi.Score(before).Total;
            var high = Sdi.Score(after).Total;
            return low <= high && high <= Sdi.MaximumTotal && low >= 0
                && Sdi.Score(after).Systems.All(s => s.Points <= s.Definition.Maximum);
        });

        SdiInput Input(int[] counts) => new(items.Select((item, i) => (item, count: RepeatableItems.Contains(item) ? counts[i] : Math.Min(counts[i], 1)))
            .ToDictionary(p => p.item, p => p.count));
    }

    [Fact]
    public void Input_MoreThanOneForAPresentAbsentItem_Throws()
    {
        Assert.Throws<ArgumentException>(() => SdiInput.None.With(SdiItem.Diabetes, 2));
        Assert.Throws<ArgumentException>(() => SdiInput.None.With(SdiItem.Malignancy, -1));
    }

    [Fact]
    public void Instrument_CountsAndFlags_AreScoredWithSubtotalsAndContributions()
    {
        var result = Sdi.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["id"] = ItemValue.Of("p1"),
            ["cataract"] = ItemValue.Of(true),
            ["cerebrovascular_accident"] = ItemValue.Of(2m),
            ["malignancy"] = ItemValue.Of("more_than_one"),
            ["avascular_necrosis"] = ItemValue.Of("1"),
            ["myocardial_infarction"] = ItemValue.Of(0m),
            ["diabetes"] = ItemValue.Of("no"),
            ["tendon_rupture"] = ItemValue.Of(""),
        });

        Assert.True(result.IsValid);
        Assert.Equal(6m, result.Total);
        Assert.Equal("sdi", result.Instrument);
        Assert.Equal(Sdi.Version, result.Version);
        Assert.Equal(2m, result.Subtotals.Single(s => s.Key == "malignancy").Value);
        Assert.Equal(12, result.Subtotals.Count);
        Assert.Equal(["cataract", "cerebrovascular_accident", "avascular_necrosis", "malignancy"], result.Contributions.Select(c => c.Key));
    }

    [Fact]
    public void Instrument_EndStageWithGfr_IsValidWithAnInfoIssue()
    {
        var result = Sdi.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["end_stage_renal_disease"] = ItemValue.Of(true),
            ["gfr_below_50_percent"] = ItemValue.Of(true),
            ["proteinuria_3_5_g_24h"] = ItemValue.Of(true),
        });

        Assert.True(result.IsValid);
        Assert.Equal(3m, result.Total);
        Assert.Equal(2, result.Issues.Count(i => i.Code == IssueCodes.SdiEndStageRenalDiseaseSubsumes));
    }

    [Theory]
    [InlineData("maybe", "SDI002")]
    [InlineData("1,2", "SDI002")]
    [InlineData("-1", "SDI002")]
    [InlineData("100", "INP004")]
    public void Instrument_BadCountText_IsRejected(string text, string code)
    {
        var result = Sdi.Instrument.Score(new Dictionary<string, ItemValue> { ["malignancy"] = ItemValue.Of(text) });

        Assert.False(result.IsValid);
        Assert.Null(result.Total);
        Assert.Contains(result.Issues, i => i.Code == code && i.Path == "malignancy");
    }

    [Fact]
    public void Instrument_BadValues_AreAllReported()
    {
        var result = Sdi.Instrument.Score(new Dictionary<string, ItemValue>
        {
            ["catarct"] = ItemValue.Of(true),
            ["diabetes"] = ItemValue.Of(2m),
            ["myocardial_infarction"] = ItemValue.Of(true),
            ["avascular_necrosis"] = ItemValue.Of(1.5m),
            ["significant_tissue_loss"] = ItemValue.Of(-2m),
        });

        Assert.False(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "catarct");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.WrongType && i.Path == "diabetes");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.SdiNotACount && i.Path == "myocardial_infarction");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "avascular_necrosis");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "significant_tissue_loss");
    }

    [Fact]
    public void Instrument_ItemKeys_MatchTheTypedDefinitions()
    {
        Assert.Equal(Sdi.Items.Select(d => d.Key), Sdi.Instrument.Items.Select(i => i.Key));
        Assert.All(Sdi.Instrument.Items.Where(i => i.Kind == ItemKind.WholeNumber),
            i => Assert.Contains(Sdi.Items, d => d.Key == i.Key && d.Scoring == SdiItemScoring.OneOrTwo));
        Assert.Same(Sdi.Instrument, InstrumentCatalog.Find("sdi"));
    }
}
