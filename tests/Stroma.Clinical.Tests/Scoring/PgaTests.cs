// Source: Physician Global Assessment, 0–3 scale as used with SELENA-SLEDAI (Franklyn K et al. Ann Rheum Dis
// 2016;75:1615-21, Table 1; Furie RA et al. Arthritis Rheum 2009;61:1143-51). The 2-decimal limit is a Stroma
// decision (docs/instruments/pga.md), not a published rule.
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class PgaTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("0.00")]
    [InlineData("0.01")]
    [InlineData("0.3")]
    [InlineData("0.49")]
    [InlineData("1")]
    [InlineData("1.500")]
    [InlineData("2.99")]
    [InlineData("3")]
    [InlineData("3.00")]
    public void Create_ValueInRangeWithAtMostTwoDecimals_IsValid(string text)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        var reading = PhysicianGlobalAssessment.Create(value);

        Assert.True(reading.IsValid);
        Assert.Empty(reading.Issues);
        Assert.Equal(value, reading.Value!.Value.Value);
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("-1")]
    [InlineData("3.01")]
    [InlineData("3.001")]
    [InlineData("10")]
    public void Create_OutOfRange_IsINP004(string text)
    {
        var reading = PhysicianGlobalAssessment.Create(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

        Assert.False(reading.IsValid);
        Assert.Null(reading.Value);
        var issue = Assert.Single(reading.Issues);
        Assert.Equal(IssueCodes.OutOfRange, issue.Code);
        Assert.Equal("pga", issue.Path);
        Assert.Contains(text, issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.001")]
    [InlineData("1.255")]
    [InlineData("2.999")]
    public void Create_MoreThanTwoDecimals_IsPGA001(string text)
    {
        var reading = PhysicianGlobalAssessment.Create(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), "baseline.pga");

        var issue = Assert.Single(reading.Issues);
        Assert.Equal(IssueCodes.PgaTooPrecise, issue.Code);
        Assert.Equal("baseline.pga", issue.Path);
        Assert.Null(reading.Value);
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData(" 2 ", 2)]
    [InlineData("0.25", 0.25)]
    public void Read_NumericText_IsParsed(string text, double expected)
    {
        var reading = PhysicianGlobalAssessment.Read(ItemValue.Of(text));

        Assert.True(reading.IsValid);
        Assert.Equal((decimal)expected, reading.Value!.Value.Value);
    }

    [Theory]
    [InlineData("mild")]
    [InlineData("1,5")]
    [InlineData("1e0")]
    public void Read_NonNumber_IsINP003(string text)
    {
        var reading = PhysicianGlobalAssessment.Read(ItemValue.Of(text));

        Assert.Equal(IssueCodes.WrongType, Assert.Single(reading.Issues).Code);
    }

    [Fact]
    public void Read_BooleanOrBlank_AreRejected()
    {
        Assert.Equal(IssueCodes.WrongType, Assert.Single(PhysicianGlobalAssessment.Read(ItemValue.Of(true)).Issues).Code);
        Assert.Equal(IssueCodes.MissingItem, Assert.Single(PhysicianGlobalAssessment.Read(ItemValue.Null).Issues).Code);
    }

    [Fact]
    public void Of_InvalidValue_Throws_AndValidValueRoundTrips()
    {
        Assert.Throws<ArgumentException>(() => PhysicianGlobalAssessment.Of(3.5m));
        Assert.Throws<ArgumentException>(() => PhysicianGlobalAssessment.Of(0.125m));
        Assert.Equal(0.5m, PhysicianGlobalAssessment.Of(0.5m).Value);
        Assert.Equal("1.5", PhysicianGlobalAssessment.Of(1.50m).ToString());
        Assert.Equal(0m, default(PhysicianGlobalAssessment).Value);
    }

    [Fact]
    public void Equality_IgnoresTrailingZeros()
    {
        Assert.Equal(PhysicianGlobalAssessment.Of(1.5m), PhysicianGlobalAssessment.Of(1.50m));
    }

    [Fact]
    public void Instrument_ValidValue_IsTheTotal()
    {
        var result = Pga.Instrument.Score(new Dictionary<string, ItemValue> { ["id"] = ItemValue.Of("v1"), ["pga"] = ItemValue.Of("0.4") });

        Assert.True(result.IsValid);
        Assert.Equal(0.4m, result.Total);
        Assert.Null(result.Grade);
        Assert.Equal("Physician Global Assessment 0.4 on the 0–3 scale.", result.Explanation);
        Assert.Same(Pga.Instrument, InstrumentCatalog.Find("pga"));
    }

    [Fact]
    public void Instrument_MissingValueAndUnknownKey_AreBothReported()
    {
        var result = Pga.Instrument.Score(new Dictionary<string, ItemValue> { ["pga_score"] = ItemValue.Of(1m) });

        Assert.False(result.IsValid);
        Assert.Null(result.Total);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnknownItem);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "pga");
    }

    [Theory]
    [InlineData("3.5", "INP004")]
    [InlineData("1.234", "PGA001")]
    [InlineData("high", "INP003")]
    public void Instrument_InvalidValue_IsReportedOnce(string text, string code)
    {
        var result = Pga.Instrument.Score(new Dictionary<string, ItemValue> { ["pga"] = ItemValue.Of(text) });

        Assert.False(result.IsValid);
        Assert.Equal(code, Assert.Single(result.Issues).Code);
    }
}
