using Stroma.Cli.Io;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Tests;

public class ScoreCommandTests
{
    private const string Sledai2kBatch =
        """
        {"id":"v1","arthritis":true,"proteinuria":true,"hematuria":true,"low_complement":true,"increased_dna_binding":true}
        {"id":"v2"}
        {"id":"v3","seizure":"maybe","rahs":true}
        this is not json
        {"id":"v5","rash":true,"window_days":30}
        """;

    [Fact]
    public void Score_JsonLinesBatch_ScoresValidLinesAndReportsEachBadOne()
    {
        var outcome = CliRunner.Run(Sledai2kBatch, "score", "sledai2k");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Golden.Verify(outcome.Out, "score-sledai2k-jsonl", "jsonl");
        Golden.Verify(outcome.Error, "score-sledai2k-jsonl-stderr", "txt");
    }

    [Fact]
    public void Score_Csv_ReadsHeaderAndWritesCsv()
    {
        const string csv = "id,rash,alopecia,fever,low_complement\np1,true,false,,1\np2,no,yes,true,0\np3,x,,,\n";

        var outcome = CliRunner.Run(csv, "score", "sledai2k", "--format", "csv");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Golden.Verify(outcome.Out, "score-sledai2k-csv", "csv");
        Assert.Contains("line 4: error INP003 [rash]", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_AllValid_ExitsZero()
    {
        var outcome = CliRunner.Run("{\"id\":1,\"fever\":true}\n", "score", "sledai2k");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Contains("\"id\":\"1\"", outcome.Out, StringComparison.Ordinal);
        Assert.Contains("\"total\":1", outcome.Out, StringComparison.Ordinal);
        Assert.Equal("", outcome.Error);
    }

    [Fact]
    public void Score_MissingId_IsAnError()
    {
        var outcome = CliRunner.Run("{\"fever\":true}\n", "score", "sledai2k");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains("INP008", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_UnknownInstrument_IsUsageError()
    {
        var outcome = CliRunner.Run("", "score", "nosuch");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("Unknown instrument 'nosuch'", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_List_PrintsEveryInstrumentWithVersion()
    {
        var outcome = CliRunner.Run("", "score", "--list");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.All(InstrumentCatalog.All, i => Assert.Contains($"{i.Name} (version {i.Version})", outcome.Out, StringComparison.Ordinal));
    }

    [Fact]
    public void Score_FromFile_ReadsTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stroma-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, "{\"id\":\"f\",\"vasculitis\":true}\n");
        try
        {
            var outcome = CliRunner.Run("", "score", "sledai2k", path);

            Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
            Assert.Contains("\"total\":8", outcome.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Score_DashAsFile_ReadsStandardInput()
    {
        var outcome = CliRunner.Run("{\"id\":\"s\",\"vasculitis\":true}\n", "score", "sledai2k", "-");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal("", outcome.Error);
        Assert.Contains("\"id\":\"s\"", outcome.Out, StringComparison.Ordinal);
        Assert.Contains("\"total\":8", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_DashAsFileWithCsvFormat_ReadsStandardInput()
    {
        var outcome = CliRunner.Run("id,vasculitis\nc1,true\n", "score", "sledai2k", "--format", "csv", "-");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Contains("c1,", outcome.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"id\": \"\\ud800\"}", "a string")]
    [InlineData("{\"id\": \"v1\", \"rash\": \"\\udc00x\"}", "a string")]
    [InlineData("{\"\\ud800\": true, \"id\": \"v1\"}", "a key")]
    public void Score_LoneSurrogateEscape_ReportsTheLineAndExitsOne(string line, string where)
    {
        var outcome = CliRunner.Run("{\"id\":\"ok\",\"fever\":true}\n" + line + "\n", "score", "sledai2k");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Equal(
            $"line 2: error INP007: Line 2 cannot be read: {where} holds an unpaired UTF-16 surrogate escape (such as \\ud800), which is not text.\n",
            outcome.Error.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("\"id\":\"ok\"", outcome.Out, StringComparison.Ordinal);
    }
}
