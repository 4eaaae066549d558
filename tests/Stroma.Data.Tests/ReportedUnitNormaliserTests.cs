// Source: issue #5 "stroma import labs"; the stand-in normaliser converts nothing and flags only against the
// laboratory's own reported range (no clinical factor or range is invented here).
using Shouldly;
using Stroma.Data.Import;
using Stroma.Data.Model;

namespace Stroma.Data.Tests;

public sealed class ReportedUnitNormaliserTests
{
    private static LabNormalisation Normalise(string value, string? range, string? unit = "g/L") =>
        ReportedUnitNormaliser.Instance.Normalise(new LabReport("c3", value, unit, range, Sex.Female, 1980, DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("0.85", "0.9-1.8", LabAbnormality.Low)]
    [InlineData("0.9", "0.9-1.8", LabAbnormality.Normal)]
    [InlineData("1.8", "0.9-1.8", LabAbnormality.Normal)]
    [InlineData("1.81", "0.9 - 1.8", LabAbnormality.High)]
    [InlineData("-1", "-2--0.5", LabAbnormality.Normal)]
    [InlineData("6", "<5", LabAbnormality.High)]
    [InlineData("4", "<=5", LabAbnormality.Normal)]
    [InlineData("40", ">60", LabAbnormality.Low)]
    [InlineData("1.2", null, LabAbnormality.Unknown)]
    [InlineData("1.2", "see comment", LabAbnormality.Unknown)]
    public void Normalise_NumericValue_FlagsAgainstTheReportedRangeOnly(string value, string? range, LabAbnormality flag)
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
        result.Flag.ShouldBe(LabAbnormality.Unknown);
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
