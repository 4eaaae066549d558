using Stroma.Cli.Io;

namespace Stroma.Cli.Tests;

/// <summary>A lone <c>-</c> as FILE reads standard input in every command that takes a FILE (issue #21: it exited 2).</summary>
public class StandardInputArgumentTests
{
    [Fact]
    public void StatsKm_DashAsFile_ReadsStandardInput()
    {
        var outcome = CliRunner.Run("time,status\n5,1\n8,0\n12,1\n", "stats", "km", "-", "--time", "time", "--event", "status");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        Assert.StartsWith("group,time,", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void LabsInterpret_DashAsFile_ReadsStandardInput()
    {
        var outcome = CliRunner.Run("{\"id\":\"p1\",\"analyte\":\"creatinine\",\"value\":1.0,\"unit\":\"mg/dL\",\"taken_at\":\"2015-09-26\"}\n", "labs", "interpret", "-");

        Assert.NotEqual(ExitCodes.Usage, outcome.ExitCode);
        Assert.NotEqual(ExitCodes.Unexpected, outcome.ExitCode);
        Assert.Contains("\"id\":\"p1\"", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Protect_OnlyLoneDashesBeforeTheSeparator_AreReplaced()
    {
        string[] args = ["score", "-", "--format", "csv", "--", "-"];

        var protectedArgs = StandardInputArgument.Protect(args);

        Assert.NotEqual("-", protectedArgs[1]);
        Assert.Equal(["score", "--format", "csv", "--", "-"], protectedArgs.Where((_, i) => i != 1));
        Assert.Equal("-", args[1]);
    }
}
