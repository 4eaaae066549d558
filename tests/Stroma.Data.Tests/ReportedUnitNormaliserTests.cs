// Source: issue #5 "stroma import labs"; the stand-in normaliser converts nothing and flags only against the
// laboratory's own reported range (no clinical factor or range is invented here).
using Shouldly;
using Stroma.Data.Labs;
using LabFlag = Stroma.Clinical.Labs.LabFlag;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class ReportedUnitNormaliserTests
{
    private static LabNormalisation Normalise(string value, string? range, string? unit = "g/L") =>
        ReportedUnitNormaliser.Instance.Normalise(new LabReport("c3", value, unit, range, Sex.Female, 1980, DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("0.85", "0.9-1.8", LabFlag.Low)]
    [InlineData("0.9", "0.9-1.8", LabFlag.Normal)]
    [InlineData("1.8", "0.9-1.8", LabFlag.Normal)]
    [InlineData("1.81", "0.9 - 1.8", LabFlag.High)]
    [InlineData("-1", "-2--0.5", LabFlag.Normal)]
    [InlineData("6", "<5", LabFlag.High)]
    [InlineData("4", "<=5", LabFlag.Normal)]
    [InlineData("40", ">60", LabFlag.Low)]
    [InlineData("1.2", null, LabFlag.None)]
    public void Normalise_NumericValue_FlagsAgainstTheReportedRangeOnly(string value, string? range, LabFlag flag)
    {
        var result = Normalise(value, range);

        result.IsValid.ShouldBeTrue();
        result.Flag.ShouldBe(flag);
        result.Value.ShouldBe(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        result.Unit.ShouldBe("g/L");
    }

    [Fact]
    public void Normalise_CensoredValue_KeepsItAsReportedWithoutANumber()
    {
        var result = Normalise("<0.05", "0.9-1.8");

        result.IsValid.ShouldBeTrue();
        result.Value.ShouldBeNull();
        result.Flag.ShouldBe(LabFlag.None);
    }

    [Theory]
    [InlineData("see comment")]
    [InlineData("5-3")]
    [InlineData("NaN-Infinity")]
    [InlineData("<NaN")]
    public void Normalise_UnreadableOrInvertedReportedRange_IsRefusedWithLab007(string range)
    {
        // Issue #21: such ranges used to be ignored (unflagged) or to flag wrongly (5-3 flagged high).
        var result = Normalise("4", range);

        result.IsValid.ShouldBeFalse();
        result.Issues.Single().Code.ShouldBe("LAB007");
        result.Issues.Single().Path.ShouldBe("range");
    }

    [Theory]
    [InlineData("", "INP002")]
    [InlineData("high", "INP003")]
    [InlineData("1,5", "INP003")]
    public void Normalise_UnusableValue_IsAnError(string value, string code)
    {
        var result = Normalise(value, "0.9-1.8");

        result.IsValid.ShouldBeFalse();
        result.Issues.Single().Code.ShouldBe(code);
    }
}

public sealed class CatalogLabNormaliserTests
{
    private static LabNormalisation Normalise(string analyte, string value, string? unit, string? range = null) =>
        CatalogLabNormaliser.Default.Normalise(new LabReport(analyte, value, unit, range, Sex.Female, 1980, DateTimeOffset.UnixEpoch));

    [Fact]
    public void Normalise_CreatinineInMgPerDl_ConvertsWithTheCatalogsCitedFactor()
    {
        // 1 mg/dL = 88.4 µmol/L (docs/sources/README.md "Kidney"; the factor is the catalogue's).
        var result = Normalise("creatinine", "1.0", "mg/dL", "0.5-1.1");

        result.IsValid.ShouldBeTrue();
        result.Analyte.ShouldBe("creatinine");
        result.Unit.ShouldBe("umol/L");
        result.Value.ShouldBe(88.4m);
        result.Flag.ShouldBe(LabFlag.Normal); // against the laboratory's own range, in the reported unit
    }

    [Fact]
    public void Normalise_Alias_IsStoredUnderTheCatalogKey()
    {
        Normalise("urine_rbc", "12", "/[HPF]").Analyte.ShouldBe("urine_rbc_hpf");
    }

    [Theory]
    [InlineData("ferritinx", "41", "ug/L")]
    [InlineData("c3", "0.8", "furlongs")]
    [InlineData("c3", "0.8", "umol/L")]
    [InlineData("c3", "0.8", null)]
    public void Normalise_UnknownAnalyteOrUnfitUnit_IsRejected(string analyte, string value, string? unit)
    {
        Normalise(analyte, value, unit).IsValid.ShouldBeFalse();
    }

    [Fact]
    public void Normalise_NoRangeConfigured_KeepsTheLab010Note_ReportedRangeSilencesIt()
    {
        // Urea nitrogen (bun) has no sourced default range (docs/labs.md): stored unflagged, saying so.
        var none = Normalise("bun", "12", "mg/dL");
        none.IsValid.ShouldBeTrue();
        none.Flag.ShouldBe(LabFlag.None);
        none.Issues.ShouldContain(i => i.Code == "LAB010");
        none.RangeUsed.ShouldBeNull();

        var reported = Normalise("bun", "25", "mg/dL", "7-20");
        reported.Flag.ShouldBe(LabFlag.High);
        reported.Issues.ShouldBeEmpty();
        reported.RangeUsed!.ShouldContain("7-20");
    }
}
