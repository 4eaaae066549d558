using Stroma.Clinical.Issues;
using Stroma.Clinical.Time;

namespace Stroma.Clinical.Tests.Time;

public class InstantPatternTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Theory]
    [InlineData("2024-03-01T09:00+08:00", "2024-03-01T01:00:00Z")]
    [InlineData("2024-03-01T09:00:30-05:00", "2024-03-01T14:00:30Z")]
    [InlineData("2024-03-01T09:00:30.125Z", "2024-03-01T09:00:30.125Z")]
    [InlineData("2024-03-01 09:00z", "2024-03-01T09:00:00Z")]
    [InlineData("  2011-03-05T08:30:00+14:00 ", "2011-03-04T18:30:00Z")]
    public void Parse_IsoWithOffset_ReadsTheInstant(string text, string utc)
    {
        var result = InstantPattern.Parse(text, "start");

        Assert.True(result.Success, result.Issue?.ToString());
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), result.Value);
    }

    [Fact]
    public void Parse_WithOffset_KeepsTheOffsetGiven()
    {
        var result = InstantPattern.Parse("2024-03-01T09:00+08:00", "start");

        Assert.Equal(TimeSpan.FromHours(8), result.Value.Offset);
    }

    [Theory]
    [InlineData("2024-03-01T09:00")]
    [InlineData("2024-03-01T09:00:00")]
    [InlineData("2024-03-01 09:00")]
    public void Parse_NoOffset_IsAmbiguousNamingFieldAndValue(string text)
    {
        var result = InstantPattern.Parse(text, "specimen_time");

        Assert.False(result.Success);
        Assert.Equal(IssueCodes.AmbiguousTime, result.Issue!.Code);
        Assert.Equal("specimen_time", result.Issue.Path);
        Assert.Contains($"\"{text}\" has no UTC offset", result.Issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-03-01")]
    [InlineData("yesterday")]
    [InlineData("2024-13-01T09:00+08:00")]
    [InlineData("2024-03-01T25:00Z")]
    [InlineData("2024-03-01T09:00+15:00")]
    [InlineData("2024-03-01T09:00+0800")]
    [InlineData("03/01/2024 09:00 +08:00")]
    [InlineData("0001-01-01T00:00+01:00")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_NotAnInstant_IsAnIssueNamingTheField(string? text)
    {
        var result = InstantPattern.Parse(text, "at");

        Assert.False(result.Success);
        Assert.Equal(IssueCodes.AmbiguousTime, result.Issue!.Code);
        Assert.Equal("at", result.Issue.Path);
        Assert.Throws<InvalidOperationException>(() => result.Value);
    }

    [Fact]
    public void ParseOrNow_Absent_IsNowFromTheClock()
    {
        var now = new DateTimeOffset(2026, 12, 6, 1, 2, 3, TimeSpan.Zero);

        var result = InstantPattern.ParseOrNow(null, "at", new FixedClock(now));

        Assert.Equal(now, result.Value);
    }

    [Fact]
    public void ParseOrNow_Given_IsTheValueNotTheClock()
    {
        var result = InstantPattern.ParseOrNow("2011-08-02T09:00Z", "at", new FixedClock(DateTimeOffset.UnixEpoch));

        Assert.Equal(new DateTimeOffset(2011, 8, 2, 9, 0, 0, TimeSpan.Zero), result.Value);
    }

    [Theory]
    [InlineData("2024-03-01T09:00", "+08:00", true, null)]
    [InlineData("2024-03-01T09:00", "Z", true, null)]
    [InlineData("2024-03-01T09:00", "8", false, "Offset")]
    [InlineData("2024-03-01T09:00", null, false, "Offset")]
    [InlineData("2024-03-01", "+08:00", false, "SpecimenTime")]
    [InlineData("2024-03-01T09:00+08:00", "+08:00", false, "SpecimenTime")]
    public void Parse_FormInputs_NamesTheFieldAtFault(string local, string? offset, bool ok, string? path)
    {
        var result = InstantPattern.Parse(local, offset, "SpecimenTime", "Offset");

        Assert.Equal(ok, result.Success);
        Assert.Equal(path, result.Issue?.Path);
    }

    [Theory]
    [InlineData(8 * 60, "+08:00")]
    [InlineData(-(5 * 60 + 30), "-05:30")]
    [InlineData(0, "+00:00")]
    public void FormatOffset_RoundTripsThroughParseOffset(int minutes, string text)
    {
        var offset = TimeSpan.FromMinutes(minutes);

        Assert.Equal(text, InstantPattern.FormatOffset(offset));
        Assert.Equal(offset, InstantPattern.ParseOffset(text, "offset").Value);
    }
}
