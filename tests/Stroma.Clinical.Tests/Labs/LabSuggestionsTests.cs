// Source: SLEDAI-2K definitions (Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91; thresholds as in
// docs/sources/README.md) and BILAG-2004 items 78-97 (docs/sources/bilag-2004.md).
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Labs;

public class LabSuggestionsTests
{
    // Laboratory T1's anti-dsDNA range, built for this test (fictional values, not clinical reference values); C3 and
    // C4 use the sourced defaults (one published laboratory list).
    private static readonly ReferenceRangeSet Ranges = new(
    [
        new ReferenceRange("anti_dsdna", "test lab", RangeStatus.SiteSupplied)
        {
            LabId = "T1", Unit = Units.InternationalUnitPerMillilitre, High = 100m, UpperNormal = QualitativeValue.Negative(QualitativeScale.PositiveNegative),
        },
    ], DefaultRanges.All);

    private static LabResult R(string analyte, string value, string? unit = null, string line = "1", string? lab = "T1", ReferenceRangeSet? ranges = null) =>
        LabInterpreter.Interpret(new LabObservation(analyte, value, unit) { SourceId = line, Sex = Sex.Female, Age = 40, LabId = lab }, ranges ?? Ranges).Result!;

    private static IReadOnlyList<Sledai2kDescriptor> Suggested(params LabResult[] results) =>
        [.. LabSuggestions.Sledai(results, []).Select(s => s.Descriptor)];

    [Theory]
    [InlineData("platelets", "99.99", "10*9/L", Sledai2kDescriptor.Thrombocytopenia, true)]
    [InlineData("platelets", "100", "10*9/L", Sledai2kDescriptor.Thrombocytopenia, false)]
    [InlineData("platelets", "100.01", "10*9/L", Sledai2kDescriptor.Thrombocytopenia, false)]
    [InlineData("platelets", "99990", "/uL", Sledai2kDescriptor.Thrombocytopenia, true)]
    [InlineData("wbc", "2.99", "10*9/L", Sledai2kDescriptor.Leukopenia, true)]
    [InlineData("wbc", "3", "10*9/L", Sledai2kDescriptor.Leukopenia, false)]
    [InlineData("wbc", "3.01", "10*9/L", Sledai2kDescriptor.Leukopenia, false)]
    [InlineData("wbc", "3000", "/uL", Sledai2kDescriptor.Leukopenia, false)]
    [InlineData("urine_protein_24h", "0.49", "g/(24.h)", Sledai2kDescriptor.Proteinuria, false)]
    [InlineData("urine_protein_24h", "0.5", "g/(24.h)", Sledai2kDescriptor.Proteinuria, false)]
    [InlineData("urine_protein_24h", "0.51", "g/(24.h)", Sledai2kDescriptor.Proteinuria, true)]
    [InlineData("urine_protein_24h", "501", "mg/24h", Sledai2kDescriptor.Proteinuria, true)]
    [InlineData("urine_rbc_hpf", "4", "/HPF", Sledai2kDescriptor.Hematuria, false)]
    [InlineData("urine_rbc_hpf", "5", "/HPF", Sledai2kDescriptor.Hematuria, false)]
    [InlineData("urine_rbc_hpf", "6", "/HPF", Sledai2kDescriptor.Hematuria, true)]
    [InlineData("urine_wbc_hpf", "4", "/HPF", Sledai2kDescriptor.Pyuria, false)]
    [InlineData("urine_wbc_hpf", "5", "/HPF", Sledai2kDescriptor.Pyuria, false)]
    [InlineData("urine_wbc_hpf", "6", "/HPF", Sledai2kDescriptor.Pyuria, true)]
    [InlineData("c3", "0.78", "g/L", Sledai2kDescriptor.LowComplement, true)]
    [InlineData("c3", "0.79", "g/L", Sledai2kDescriptor.LowComplement, false)]
    [InlineData("c3", "0.80", "g/L", Sledai2kDescriptor.LowComplement, false)]
    [InlineData("c4", "15.9", "mg/dL", Sledai2kDescriptor.LowComplement, true)]
    [InlineData("c4", "16", "mg/dL", Sledai2kDescriptor.LowComplement, false)]
    [InlineData("c4", "16.1", "mg/dL", Sledai2kDescriptor.LowComplement, false)]
    [InlineData("anti_dsdna", "99.9", "IU/mL", Sledai2kDescriptor.IncreasedDnaBinding, false)]
    [InlineData("anti_dsdna", "100", "IU/mL", Sledai2kDescriptor.IncreasedDnaBinding, false)]
    [InlineData("anti_dsdna", "100.1", "IU/mL", Sledai2kDescriptor.IncreasedDnaBinding, true)]
    [InlineData("anti_dsdna", "positive", null, Sledai2kDescriptor.IncreasedDnaBinding, true)]
    [InlineData("anti_dsdna", "negative", null, Sledai2kDescriptor.IncreasedDnaBinding, false)]
    [InlineData("urine_rbc_casts", "positive", null, Sledai2kDescriptor.UrinaryCasts, true)]
    [InlineData("urine_rbc_casts", "negative", null, Sledai2kDescriptor.UrinaryCasts, false)]
    [InlineData("urine_rbc_casts", "0", "/LPF", Sledai2kDescriptor.UrinaryCasts, false)]
    [InlineData("urine_rbc_casts", "1", "/LPF", Sledai2kDescriptor.UrinaryCasts, true)]
    [InlineData("heme_granular_casts", "positive", null, Sledai2kDescriptor.UrinaryCasts, true)]
    public void Sledai_RuleAroundItsThreshold_SuggestsOnlyBeyondIt(string analyte, string value, string? unit, Sledai2kDescriptor descriptor, bool suggested)
    {
        var result = R(analyte, value, unit);

        Assert.Equal(suggested, Suggested(result).Contains(descriptor));
    }

    [Theory]
    [InlineData("plt", "82", "10^9/L", Sledai2kDescriptor.Thrombocytopenia)]
    [InlineData("wbc", "2.1", "10^9/L", Sledai2kDescriptor.Leukopenia)]
    [InlineData("urine_protein_24h", "2.4", "g/24h", Sledai2kDescriptor.Proteinuria)]
    [InlineData("urine_rbc_hpf", "12", "/HPF", Sledai2kDescriptor.Hematuria)]
    [InlineData("urine_wbc_hpf", "8", "/HPF", Sledai2kDescriptor.Pyuria)]
    public void Sledai_FixedThreshold_NeedsNoRange(string analyte, string value, string unit, Sledai2kDescriptor descriptor)
    {
        var result = R(analyte, value, unit, lab: "NONE", ranges: new ReferenceRangeSet([], []));

        Assert.Null(result.Range);
        Assert.Contains(descriptor, Suggested(result));
    }

    [Theory]
    [InlineData("anti_dsdna", "180", "IU/mL", "sledai2k.increased_dna_binding")]
    [InlineData("anti_dsdna", "positive", null, "sledai2k.increased_dna_binding")]
    [InlineData("c3", "0.45", "g/L", "sledai2k.low_complement")]
    [InlineData("c4", "5", "mg/dL", "sledai2k.low_complement")]
    public void Sledai_LabDefinedDescriptorWithoutARange_IsNotSuggestedAndSaysItNeedsTheLabsLimits(string analyte, string value, string? unit, string path)
    {
        var result = R(analyte, value, unit, line: "7", lab: "H9", ranges: new ReferenceRangeSet([], []));

        var panel = LabPanelInterpreter.Interpret([result], Sex.Female, 40, "H9", new ReferenceRangeSet([], []));

        Assert.Empty(panel.Sledai);
        var issue = Assert.Single(panel.Issues);
        Assert.Equal(IssueCodes.SuggestionNeedsLabRange, issue.Code);
        Assert.Equal(Severity.Info, issue.Severity);
        Assert.Equal(path, issue.Path);
        Assert.Contains("testing laboratory's", issue.Message, StringComparison.Ordinal);
        Assert.Contains("at laboratory H9", issue.Message, StringComparison.Ordinal);
        Assert.Contains("(line 7)", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sledai_LabDefinedDescriptorWithARange_HasNoNeedsRangeIssue() =>
        Assert.Empty(LabSuggestions.SledaiNeedingLabRange([R("anti_dsdna", "180", "IU/mL"), R("c3", "0.45", "g/L")], "T1"));

    [Fact]
    public void Sledai_Suggestion_NamesItsResultsRuleAndWhatToConfirm()
    {
        var suggestion = Assert.Single(LabSuggestions.Sledai([R("plt", "82", "10^9/L", "6")], []));

        Assert.Equal("thrombocytopenia", suggestion.Key);
        Assert.Equal(["6"], suggestion.SourceIds);
        Assert.Contains("< 100", suggestion.Rule, StringComparison.Ordinal);
        Assert.Contains("drug", suggestion.ToConfirm, StringComparison.Ordinal);
    }

    [Fact]
    public void Sledai_ProteinuriaFromConcentrationTimesVolume_IsSuggested()
    {
        var derived = DerivedValues.Protein24h(new Quantity(0.4m, Units.GramPerLitre), new Quantity(1300m, Units.Millilitre), "40", "41");

        var suggestion = Assert.Single(LabSuggestions.Sledai([], [derived]));

        Assert.Equal(Sledai2kDescriptor.Proteinuria, suggestion.Descriptor);
        Assert.Equal(["40", "41"], suggestion.SourceIds);
    }

    [Fact]
    public void Sledai_DipstickBloodAndUpcr_DoNotStandInForTheirDefinitions()
    {
        // Haematuria is defined per high-power field and proteinuria in g/24 h: a dipstick or a UPCR is not used.
        Assert.Empty(Suggested(R("urine_occult_blood", "3+"), R("urine_protein", "4+"), R("upcr", "300", "mg/mmol")));
    }

    [Fact]
    public void Bilag_ItemsAreInTheFormsUnits()
    {
        var items = LabSuggestions.Bilag([R("hb", "156", "g/L", "5"), R("cr", "1.1", "mg/dL", "16"), R("urine_protein", "3+", null, "7"), R("plt", "82000", "/uL", "6")], []);

        Assert.Equal([81, 86, 90, 94], items.Select(i => i.Number));
        Assert.Equal(3m, items[0].Value);
        Assert.Equal(97.24m, items[1].Value);
        Assert.Equal(15.6m, items[2].Value);
        Assert.Equal("g/dL", items[2].FormUnit);
        Assert.Equal(82m, items[3].Value);
        Assert.Equal(["5"], items[2].SourceIds);
    }

    [Theory]
    [InlineData("negative", 0)]
    [InlineData("1+", 1)]
    [InlineData("2+", 2)]
    [InlineData("3+", 3)]
    [InlineData("trace", null)]
    [InlineData("4+", null)]
    public void Bilag_DipstickProtein_MapsOnlyGradesOnTheForm(string grade, int? expected)
    {
        var item = Assert.Single(LabSuggestions.Bilag([R("urine_protein", grade)], []));

        Assert.Equal(81, item.Number);
        Assert.Equal((decimal?)expected, item.Value);
    }
}
