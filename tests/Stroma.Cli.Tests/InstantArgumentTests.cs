using Microsoft.Data.Sqlite;
using Stroma.Cli.Io;

namespace Stroma.Cli.Tests;

/// <summary>Instants on the command line go through the one parser (Stroma.Clinical.Time.InstantPattern): offset required.</summary>
public class InstantArgumentTests
{
    [Theory]
    [InlineData("2011-08-02T09:00", "has no UTC offset")]
    [InlineData("02/08/2011 09:00", "is not an ISO 8601 date and time")]
    public void Adjudicate_AtWithoutOffsetOrNotIso_ExitsOneNamingTheOptionAndValue(string at, string why)
    {
        var database = Path.Combine(Path.GetTempPath(), $"stroma-{Guid.NewGuid():N}.db");
        try
        {
            var outcome = CliRunner.Run("", "adjudicate", "-d", database, "-u", "cli-test", "--site", "S1", "--patient", "S1-001", "--date", "2011-08-01",
                "--months", "6", "--category", "nr", "--basis", "x", "--at", at);

            Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
            Assert.Contains($"error DAT005 [at]: at \"{at}\" {why}", outcome.Error, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }

    [Fact]
    public void LabsInterpret_TakenAtWithoutOffset_IsRefused()
    {
        var outcome = CliRunner.Run("{\"id\":\"p1\",\"analyte\":\"creatinine\",\"value\":1.0,\"unit\":\"mg/dL\",\"taken_at\":\"2015-09-26T08:30\"}\n", "labs", "interpret");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains("LAB009 [taken_at]: \"2015-09-26T08:30\" is not an ISO 8601 date (2015-09-26) or date-time with its UTC offset", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LabsInterpret_TakenAtWithOffset_IsRead()
    {
        var outcome = CliRunner.Run("{\"id\":\"p1\",\"analyte\":\"creatinine\",\"value\":1.0,\"unit\":\"mg/dL\",\"taken_at\":\"2015-09-26T08:30+08:00\"}\n", "labs", "interpret");

        Assert.DoesNotContain("LAB009", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"p1\"", outcome.Out, StringComparison.Ordinal);
    }
}
