// Source: the built-in protocol templates of issue #6 (Stroma.Clinical.CellTherapy.ProtocolTemplates); the golden
// files show the calendars people read, including month-end clamping (31 Jan + 1 month = 29 Feb 2024).
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;

namespace Stroma.Cli.Tests;

public class ProtocolCommandTests
{
    [Fact]
    public void List_PrintsEveryTemplateWithItsNotes()
    {
        var outcome = CliRunner.Run("", "protocol", "list");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.All(ProtocolTemplates.All, p => Assert.Contains($"{p.Name} (version {p.Version})", outcome.Out, StringComparison.Ordinal));
        Golden.Verify(outcome.Out, "protocol-list");
    }

    [Fact]
    public void Schedule_Wang2014WithWeight_PrintsCalendarAndDoseInCells()
    {
        var outcome = CliRunner.Run("", "protocol", "schedule", "wang_2014", "--start", "2024-01-31", "--weight", "58");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Contains("1×10^6 cells/kg × 58 kg = 5.8×10^7 cells", outcome.Out, StringComparison.Ordinal);
        Golden.Verify(outcome.Out, "protocol-schedule-wang2014");
    }

    [Fact]
    public void Schedule_SeedCase1_PrintsThreeMonthlyInfusions()
    {
        var outcome = CliRunner.Run("", "protocol", "schedule", "seed_case_1", "--start", "2017-08-04");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "protocol-schedule-seed-case-1");
    }

    [Fact]
    public void Schedule_SeedCase2_ShowsDosesTheSiteMustSet()
    {
        var outcome = CliRunner.Run("", "protocol", "schedule", "seed_case_2", "--start", "2015-10-31");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Contains("not set (site must set)", outcome.Out, StringComparison.Ordinal);
        Golden.Verify(outcome.Out, "protocol-schedule-seed-case-2");
    }

    [Theory]
    [InlineData("nosuch", "--start", "2024-01-01")]
    [InlineData("wang_2014", "--start", "2024-02-30")]
    [InlineData("wang_2014")]
    [InlineData("wang_2014", "--start", "2024-01-01", "--weight", "0")]
    [InlineData("wang_2014", "--start", "2024-01-01", "--weight", "58kg")]
    public void Schedule_BadArguments_IsUsageError(params string[] args)
    {
        var outcome = CliRunner.Run("", ["protocol", "schedule", .. args]);

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Equal("", outcome.Out);
    }
}
