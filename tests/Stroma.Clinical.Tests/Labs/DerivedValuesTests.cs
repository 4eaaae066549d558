// Source: UPCR = protein (mg/L) / creatinine (mmol/L); 24-h protein = concentration × volume; urea (mmol/L) =
// BUN (mg/dL) × 0.357 (docs/sources/README.md; SI table in AnalyteCatalog.SiTable). Values computed by hand.
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Tests.Labs;

public class DerivedValuesTests
{
    [Fact]
    public void Protein24h_ConcentrationTimesVolume_IsExact()
    {
        // 1.6 g/L × 1.5 L = 2.4 g/24 h; 160 mg/dL × 1500 mL gives the same.
        var a = DerivedValues.Protein24h(new Quantity(1.6m, Units.GramPerLitre), new Quantity(1500m, Units.Millilitre));
        var b = DerivedValues.Protein24h(new Quantity(160m, Units.MilligramPerDecilitre), new Quantity(1.5m, Units.Litre));

        Assert.Equal(new Quantity(2.4m, Units.GramPerDay), a.Value);
        Assert.Equal(2.4m, b.Value.Value);
        Assert.Equal(DerivedValues.Protein24hVersion, a.FormulaVersion);
        Assert.Equal(2, a.Inputs.Count);
    }

    [Fact]
    public void Upcr_FromSpotProteinAndCreatinine_InMgPerMmol()
    {
        // 1 g/L protein = 1000 mg/L; 10 mmol/L creatinine: 100 mg/mmol.
        var (molar, _) = DerivedValues.Upcr(new Quantity(1m, Units.GramPerLitre), new Quantity(10m, Units.MillimolePerLitre));
        // 50 mg/dL protein = 500 mg/L; 100 mg/dL creatinine = 8840 µmol/L = 8.84 mmol/L: 56.56 mg/mmol (= 0.5 g/g).
        var (mass, _) = DerivedValues.Upcr(new Quantity(50m, Units.MilligramPerDecilitre), new Quantity(100m, Units.MilligramPerDecilitre));

        Assert.Equal(new Quantity(100m, Units.MilligramPerMillimole), molar!.Value);
        Assert.Equal(56.56m, mass!.Value.Value);
        Assert.Null(DerivedValues.Upcr(new Quantity(1m, Units.GramPerLitre), new Quantity(0m, Units.MillimolePerLitre)).Value);
    }

    [Fact]
    public void UreaFromBun_UsesTheCitedFactor()
    {
        // 14 mg/dL × 0.357 = 4.998 mmol/L.
        var urea = DerivedValues.UreaFromBun(new Quantity(14m, Units.MilligramPerDecilitre));

        Assert.Equal(new Quantity(4.998m, Units.MillimolePerLitre), urea.Value);
        Assert.Equal("urea", urea.AnalyteKey);
    }

    [Fact]
    public void Panel_DerivesAndFlagsFromOneSpecimen()
    {
        // Laboratory T1's 24-h protein range, built for this test (fictional values, not clinical reference values).
        var ranges = new ReferenceRangeSet(
            [new ReferenceRange("urine_protein_24h", "test lab", RangeStatus.SiteSupplied) { LabId = "T1", Unit = Units.GramPerDay, Low = 0m, High = 0.15m }],
            DefaultRanges.All);
        LabResult R(string a, string v, string u, string line) =>
            LabInterpreter.Interpret(new LabObservation(a, v, u) { SourceId = line, LabId = "T1" }, ranges).Result!;

        var panel = LabPanelInterpreter.Interpret(
            [R("cr", "0.7", "mg/dL", "2"), R("urine_protein_24h_conc", "1.6", "g/L", "3"), R("urine_volume_24h", "1500", "mL", "4")],
            Sex.Female, 40, "T1", ranges);

        Assert.Equal(["egfr_ckd_epi_2021", "urine_protein_24h"], panel.Derived.Select(d => d.Key));
        Assert.Equal(112.1m, panel.Derived[0].Value.Value);
        Assert.Equal(LabFlag.High, panel.Derived[1].Flag);
        Assert.Contains(panel.Sledai, s => s.Key == "proteinuria");
        Assert.Empty(panel.Issues);
    }

    [Fact]
    public void Panel_DerivedValueWithNoRangeConfigured_IsNotFlaggedAndSaysSoButStillSuggests()
    {
        LabResult R(string a, string v, string u, string line) =>
            LabInterpreter.Interpret(new LabObservation(a, v, u) { SourceId = line }, ReferenceRangeSet.Default).Result!;

        var panel = LabPanelInterpreter.Interpret(
            [R("urine_protein_24h_conc", "1.6", "g/L", "3"), R("urine_volume_24h", "1500", "mL", "4")],
            Sex.Female, 40, null, ReferenceRangeSet.Default);

        var derived = Assert.Single(panel.Derived);
        Assert.Equal(2.4m, derived.Value.Value);
        Assert.Equal(LabFlag.None, derived.Flag);
        Assert.Null(derived.Range);
        var issue = Assert.Single(panel.Issues);
        Assert.Equal(Stroma.Clinical.Issues.IssueCodes.NoRangeConfigured, issue.Code);
        Assert.Equal("urine_protein_24h", issue.Path);
        Assert.Contains(panel.Sledai, s => s.Key == "proteinuria");
    }

    [Fact]
    public void Panel_MissingVolume_SaysWhy24hProteinIsNotDerived()
    {
        var concentration = LabInterpreter.Interpret(new LabObservation("urine_protein_24h_conc", "1.6", "g/L"), ReferenceRangeSet.Default).Result!;

        var panel = LabPanelInterpreter.Interpret([concentration], null, null, null, ReferenceRangeSet.Default);

        Assert.Empty(panel.Derived);
        Assert.Contains(panel.Issues, i => i.Code == Stroma.Clinical.Issues.IssueCodes.DerivedNotComputed);
    }
}
