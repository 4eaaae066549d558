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

    [Fact]
    public void Select_SexSpecificRange_NeedsTheSex()
    {
        Assert.Equal(LabFlag.Normal, Read("hb", "120", "g/L", Sex.Female).Result!.Flag);
        Assert.Equal(LabFlag.Low, Read("hb", "120", "g/L", Sex.Male).Result!.Flag);
        Assert.Equal(LabFlag.Normal, Read("hb", "15", "g/dL", Sex.Female).Result!.Flag);

        var unknown = Read("hb", "120", "g/L");
        Assert.Equal(LabFlag.None, unknown.Result!.Flag);
        Assert.Null(unknown.Result.Range);
        Assert.Contains(unknown.Issues, i => i.Code == IssueCodes.NoReferenceRange && !i.IsError);
    }

    [Fact]
    public void Select_AgeBandedRange_NeedsTheAge()
    {
        Assert.Equal(LabFlag.Low, Read("alp", "32", "U/L", age: 40).Result!.Flag);
        Assert.Equal(LabFlag.None, Read("alp", "32", "U/L").Result!.Flag);
        Assert.Equal(LabFlag.None, Read("alp", "32", "U/L", age: 12).Result!.Flag);
    }

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
        Assert.Equal(expected, Read(analyte, value, null).Result!.Flag);

    [Fact]
    public void Flag_RangeInAnIncomparableUnit_IsNotFlaggedAndSaysWhy()
    {
        // anti-dsDNA reported in U/mL against the default IU/mL range: no factor exists, so no flag.
        var result = Read("anti_dsdna", "250", "U/mL");

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
