// Source: limits of the default set (DefaultRanges: potassium 3.5-5.5 mmol/L with critical <=2.8 / >=6.2 as published
// by the example laboratory, bwwdw.com/article/ef22.html) and site ranges built in each test.
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Tests.Labs;

public class FlagTests
{
    private static LabInterpretation Read(string analyte, string value, string? unit, Sex? sex = null, int? age = null, string? lab = null, ReferenceRangeSet? ranges = null) =>
        LabInterpreter.Interpret(new LabObservation(analyte, value, unit) { Sex = sex, Age = age, LabId = lab }, ranges ?? ReferenceRangeSet.Default);

    [Theory]
    [InlineData("2.79", LabFlag.CriticalLow)]
    [InlineData("2.8", LabFlag.CriticalLow)]
    [InlineData("2.81", LabFlag.Low)]
    [InlineData("3.49", LabFlag.Low)]
    [InlineData("3.5", LabFlag.Normal)]
    [InlineData("3.51", LabFlag.Normal)]
    [InlineData("5.49", LabFlag.Normal)]
    [InlineData("5.5", LabFlag.Normal)]
    [InlineData("5.51", LabFlag.High)]
    [InlineData("6.19", LabFlag.High)]
    [InlineData("6.2", LabFlag.CriticalHigh)]
    [InlineData("6.21", LabFlag.CriticalHigh)]
    public void Flag_PotassiumAroundEachLimit_IsAsDocumented(string value, LabFlag expected)
    {
        var result = Read("potassium", value, "mmol/L").Result!;

        Assert.Equal(expected, result.Flag);
        Assert.Equal(RangeStatus.PublishedExample, result.Range!.Status);
        Assert.Equal(3.5m, result.Range.Low);
    }

    [Theory]
    [InlineData("0.78", LabFlag.Low)]
    [InlineData("0.79", LabFlag.Normal)]
    [InlineData("0.80", LabFlag.Normal)]
    [InlineData("1.52", LabFlag.Normal)]
    [InlineData("1.53", LabFlag.High)]
    public void Flag_C3AroundEachLimit_IsAsDocumented(string value, LabFlag expected) =>
        Assert.Equal(expected, Read("c3", value, "g/L").Result!.Flag);

    [Theory]
    [InlineData("1.2", LabFlag.Normal)]
    [InlineData("106.08", LabFlag.Normal)]
    [InlineData("106.09", LabFlag.High)]
    [InlineData("53.04", LabFlag.Normal)]
    [InlineData("53.03", LabFlag.Low)]
    public void Flag_SiteRangeInAnotherUnit_IsComparedThroughTheCitedFactor(string value, LabFlag expected)
    {
        // Site range 0.6-1.2 mg/dL = 53.04-106.08 µmol/L (× 88.4).
        var site = new ReferenceRange("creatinine", "lab SOP", RangeStatus.SiteSupplied) { LabId = "L1", Unit = Units.MilligramPerDecilitre, Low = 0.6m, High = 1.2m };
        var ranges = new ReferenceRangeSet([site], DefaultRanges.All);

        var result = Read("creatinine", value, value == "1.2" ? "mg/dL" : "umol/L", lab: "L1", ranges: ranges).Result!;

        Assert.Equal(expected, result.Flag);
        Assert.Same(site, result.Range);
    }

    [Fact]
    public void Select_LabWithoutTheAnalyte_FallsBackToDefaultsAndSaysSo()
    {
        var site = new ReferenceRange("c3", "lab SOP", RangeStatus.SiteSupplied) { LabId = "L1", Unit = Units.GramPerLitre, Low = 0.9m, High = 1.8m };
        var ranges = new ReferenceRangeSet([site], DefaultRanges.All);

        var c3 = Read("c3", "0.85", "g/L", lab: "L1", ranges: ranges).Result!;
        var c4 = Read("c4", "0.1", "g/L", lab: "L1", ranges: ranges).Result!;

        Assert.Equal(LabFlag.Low, c3.Flag);
        Assert.Equal("lab L1 (site-supplied): lab SOP", c3.Range!.DescribeSource());
        Assert.Equal(LabFlag.Low, c4.Flag);
        Assert.StartsWith("default (published example)", c4.Range!.DescribeSource(), StringComparison.Ordinal);
    }

    // A site's sex-specific haemoglobin ranges, built for this test (fictional values, not clinical reference values).
    private static readonly ReferenceRangeSet SiteHb = new(
    [
        new ReferenceRange("hemoglobin", "test lab", RangeStatus.SiteSupplied) { LabId = "T1", Sex = Sex.Female, Unit = Units.GramPerLitre, Low = 115m, High = 150m },
        new ReferenceRange("hemoglobin", "test lab", RangeStatus.SiteSupplied) { LabId = "T1", Sex = Sex.Male, Unit = Units.GramPerLitre, Low = 130m, High = 175m },
    ], DefaultRanges.All);

    [Fact]
    public void Select_SexSpecificRange_NeedsTheSex()
    {
        Assert.Equal(LabFlag.Normal, Read("hb", "120", "g/L", Sex.Female, lab: "T1", ranges: SiteHb).Result!.Flag);
        Assert.Equal(LabFlag.Low, Read("hb", "120", "g/L", Sex.Male, lab: "T1", ranges: SiteHb).Result!.Flag);
        Assert.Equal(LabFlag.Normal, Read("hb", "15", "g/dL", Sex.Female, lab: "T1", ranges: SiteHb).Result!.Flag);

        var unknown = Read("hb", "120", "g/L", lab: "T1", ranges: SiteHb);
        Assert.Equal(LabFlag.None, unknown.Result!.Flag);
        Assert.Null(unknown.Result.Range);
        Assert.Contains(unknown.Issues, i => i.Code == IssueCodes.NoReferenceRange && !i.IsError);
    }

    [Fact]
    public void Select_SexRecordedAsUnknown_SelectsNoSexSpecificRange()
    {
        var unknown = Read("hb", "120", "g/L", Sex.Unknown, lab: "T1", ranges: SiteHb);

        Assert.Equal(LabFlag.None, unknown.Result!.Flag);
        Assert.Null(unknown.Result.Range);
        Assert.Contains(unknown.Issues, i => i.Code == IssueCodes.NoReferenceRange && i.Message.Contains("sex unknown", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("hb", "156", "g/L", null)]
    [InlineData("hb", "156", "g/L", "T2")]
    [InlineData("plt", "82", "10*9/L", null)]
    [InlineData("wbc", "2.1", "10*9/L", "T1")]
    [InlineData("fibrinogen", "4.8", "g/L", null)]
    [InlineData("urine_protein", "3+", null, null)]
    [InlineData("anti_dsdna", "180", "IU/mL", null)]
    [InlineData("ana_titre", "1:320", null, null)]
    public void Interpret_NoRangeConfiguredForTheAnalyteAtTheLab_IsNormalisedNotFlaggedAndSaysSo(string analyte, string value, string? unit, string? lab)
    {
        var result = Read(analyte, value, unit, Sex.Female, 40, lab, SiteHb);

        Assert.NotNull(result.Result);
        Assert.Equal(LabFlag.None, result.Result.Flag);
        Assert.Null(result.Result.Range);
        Assert.True(result.Result.Normalised is not null || result.Result.Qualitative is not null);
        var issue = Assert.Single(result.Issues);
        Assert.Equal(IssueCodes.NoRangeConfigured, issue.Code);
        Assert.Equal(Severity.Info, issue.Severity);
        Assert.Contains($"no reference range is configured for this analyte {(lab is null ? "for results without a laboratory id" : "at laboratory " + lab)}", issue.Message, StringComparison.Ordinal);
        Assert.Contains("must configure its laboratory's ranges", issue.Message, StringComparison.Ordinal);
        Assert.Contains("docs/labs.md", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpret_NoRangeConfigured_StillNormalises()
    {
        var result = Read("plt", "82000", "/uL").Result!;

        Assert.Equal(new Quantity(82m, Units.PerLitre9), result.Normalised);
        Assert.Equal(LabFlag.None, result.Flag);
    }

    [Fact]
    public void Select_AgeBandedRange_NeedsTheAge()
    {
        Assert.Equal(LabFlag.Low, Read("alp", "32", "U/L", age: 40).Result!.Flag);
        Assert.Equal(LabFlag.None, Read("alp", "32", "U/L").Result!.Flag);
        Assert.Equal(LabFlag.None, Read("alp", "32", "U/L", age: 12).Result!.Flag);
    }

    // A site's qualitative ranges, built for this test (fictional values, not clinical reference values).
    private static readonly ReferenceRangeSet SiteQualitative = new(
    [
        new ReferenceRange("urine_protein_dipstick", "test lab", RangeStatus.SiteSupplied) { LabId = "T1", UpperNormal = QualitativeValue.Dipstick(0) },
        new ReferenceRange("ana_titre", "test lab", RangeStatus.SiteSupplied) { LabId = "T1", UpperNormal = QualitativeValue.Parse(QualitativeScale.Titre, "<1:80") },
        new ReferenceRange("anti_dsdna", "test lab", RangeStatus.SiteSupplied)
        {
            LabId = "T1", Unit = Units.InternationalUnitPerMillilitre, High = 100m, UpperNormal = QualitativeValue.Negative(QualitativeScale.PositiveNegative),
        },
    ], DefaultRanges.All);

    [Theory]
    [InlineData("urine_protein", "negative", LabFlag.Normal)]
    [InlineData("urine_protein", "trace", LabFlag.High)]
    [InlineData("urine_protein", "++", LabFlag.High)]
    [InlineData("ana_titre", "<1:80", LabFlag.Normal)]
    [InlineData("ana_titre", "1:80", LabFlag.High)]
    [InlineData("anti_dsdna", "negative", LabFlag.Normal)]
    [InlineData("anti_dsdna", "positive", LabFlag.High)]
    [InlineData("ana_pattern", "speckled", LabFlag.None)]
    public void Flag_QualitativeResult_IsComparedOnItsScale(string analyte, string value, LabFlag expected) =>
        Assert.Equal(expected, Read(analyte, value, null, lab: "T1", ranges: SiteQualitative).Result!.Flag);

    [Fact]
    public void Flag_NominalResultWithoutRange_HasNoIssue() =>
        Assert.Empty(Read("ana_pattern", "speckled", null).Issues);

    [Fact]
    public void Flag_RangeInAnIncomparableUnit_IsNotFlaggedAndSaysWhy()
    {
        // anti-dsDNA reported in U/mL against the lab's IU/mL range: no factor exists, so no flag.
        var result = Read("anti_dsdna", "250", "U/mL", lab: "T1", ranges: SiteQualitative);

        Assert.Equal(LabFlag.None, result.Result!.Flag);
        Assert.Null(result.Result.Range);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.NoReferenceRange);
    }

    [Theory]
    [InlineData("wbc", "abc", IssueCodes.UnreadableValue)]
    [InlineData("wbc", "-1", IssueCodes.UnreadableValue)]
    [InlineData("urine_protein", "5+", IssueCodes.UnreadableValue)]
    [InlineData("ana_titre", "320", IssueCodes.UnreadableValue)]
    [InlineData("wbc", "", IssueCodes.MissingItem)]
    [InlineData("wbc", "79228162514264337593543950335", IssueCodes.UnreadableValue)]
    public void Interpret_UnreadableValue_IsAnError(string analyte, string value, string code)
    {
        var result = Read(analyte, value, analyte == "wbc" && value.Length > 20 ? "/uL" : "10*9/L");

        Assert.Null(result.Result);
        Assert.Contains(result.Issues, i => i.Code == code && i.Path == "value");
    }

    [Fact]
    public void Interpret_KeepsReportedAndNormalisedValue()
    {
        var result = Read("2160-0", "1.1", "mg/dL").Result!;

        Assert.Equal("creatinine", result.Analyte.Key);
        Assert.Equal(new Quantity(1.1m, Units.MilligramPerDecilitre), result.Reported);
        Assert.Equal(97.24m, result.Normalised!.Value.Value);
        Assert.Equal(Units.MicromolePerLitre, result.Normalised.Value.Unit);
    }
}
