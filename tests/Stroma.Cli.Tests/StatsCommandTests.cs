// Source: R 4.2.2 + survival 3.5-3 outputs in tests/Stroma.Clinical.Tests/Statistics/Golden (made by
// R/make-golden.R there): the CLI's numbers are compared with R's to 1e-8 relative, and its text with approved files.
using System.Globalization;
using Stroma.Cli.Io;

namespace Stroma.Cli.Tests;

public class StatsCommandTests
{
    private static readonly string RGolden = Path.Combine(RepositoryRoot.Path, "tests", "Stroma.Clinical.Tests", "Statistics", "Golden");

    private static string Data(string name) => Path.Combine(RGolden, name);

    private static List<string[]> Csv(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))];

    private static void AssertSameTable(string expectedFile, string actualCsv)
    {
        var expected = Csv(File.ReadAllText(Data(expectedFile)));
        var actual = Csv(actualCsv);
        Assert.Equal(expected[0], actual[0]);
        Assert.Equal(expected.Count, actual.Count);
        for (var r = 1; r < expected.Count; r++)
        {
            for (var c = 0; c < expected[r].Length; c++)
            {
                string e = expected[r][c], a = actual[r][c];
                if (e == a)
                {
                    continue;
                }

                var parsed = double.TryParse(e, CultureInfo.InvariantCulture, out var ev) & double.TryParse(a, CultureInfo.InvariantCulture, out var av);
                Assert.True(parsed, $"{expectedFile} row {r} column {expected[0][c]}: expected '{e}', got '{a}'");
                Assert.True(Math.Abs(ev - av) <= 1e-8 * Math.Max(Math.Abs(ev), Math.Abs(av)),
                    $"{expectedFile} row {r} column {expected[0][c]}: expected {e}, got {a}");
            }
        }
    }

    [Theory]
    [InlineData("aml.csv", "time", "status", "x", "aml")]
    [InlineData("lung.csv", "time", "status", "sex", "lung")]
    [InlineData("ovarian.csv", "futime", "fustat", "rx", "ovarian")]
    [InlineData("ties.csv", "time", "status", "arm", "ties")]
    [InlineData("edge.csv", "time", "status", "group", "edge")]
    public void Km_Csv_EqualsRSummaryTable(string file, string time, string status, string group, string name)
    {
        foreach (var conf in new[] { "log", "log-log" })
        {
            var outcome = CliRunner.Run("", "stats", "km", Data(file), "--time", time, "--event", status, "--group", group, "--conf-type", conf);

            Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
            AssertSameTable($"km-{name}-{conf}.csv", outcome.Out);
        }
    }

    [Fact]
    public void Km_NoGroup_WritesEmptyGroupAndEqualsR()
    {
        var outcome = CliRunner.Run("", "stats", "km", Data("lung.csv"), "--time", "time", "--event", "status");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        AssertSameTable("km-lung1-log.csv", outcome.Out);
    }

    [Fact]
    public void Km_Json_HoldsTableMediansAndLogRank()
    {
        var outcome = CliRunner.Run("", "stats", "km", Data("edge.csv"), "--time", "time", "--event", "status", "--group", "group", "--format", "json");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "stats-km-edge", "json");
    }

    [Fact]
    public void Km_AmlCsv_MatchesApprovedText()
    {
        var outcome = CliRunner.Run("", "stats", "km", Data("aml.csv"), "--time", "time", "--event", "status", "--group", "x");

        Golden.Verify(outcome.Out, "stats-km-aml", "csv");
    }

    [Fact]
    public void Km_StratifiedJson_LogRankEqualsSurvdiffStrata()
    {
        var outcome = CliRunner.Run("", "stats", "km", Data("ties.csv"), "--time", "time", "--event", "status", "--group", "arm", "--strata", "site", "--format", "json");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(outcome.Out);
        var chisq = json.RootElement.GetProperty("logrank").GetProperty("chisq").GetDouble();
        Assert.Equal(0.16209551682928569, chisq, 1e-9);
    }

    [Fact]
    public void Km_BadCells_ReportLineAndColumnAndExitOne()
    {
        const string csv = "id,t,e,arm\n1,5,1,A\n2,abc,0,A\n3,7,3,B\n4,-1,1,B\n5,,1,A\n6,8,1,B\n";

        var outcome = CliRunner.Run(csv, "stats", "km", "--time", "t", "--event", "e", "--group", "arm");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Equal("", outcome.Out);
        Golden.Verify(outcome.Error, "stats-km-bad-stderr", "txt");
    }

    [Fact]
    public void Km_MissingColumn_IsReportedOnLineOne()
    {
        var outcome = CliRunner.Run("time,status\n1,1\n", "stats", "km", "--time", "time", "--event", "dead");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.StartsWith("line 1: error STA001 [dead]:", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Km_UnknownConfType_IsUsageError()
    {
        var outcome = CliRunner.Run("", "stats", "km", "--time", "t", "--event", "e", "--conf-type", "plain");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
    }

    [Theory]
    [InlineData("efron")]
    [InlineData("breslow")]
    public void Cox_Lung_EqualsCoxph(string ties)
    {
        var outcome = CliRunner.Run("", "stats", "cox", Data("lung.csv"), "--time", "time", "--event", "status",
            "--covariate", "age", "--covariate", "sex,ph.ecog", "--ties", ties);

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Contains("warning STA005 [ph.ecog]", outcome.Error, StringComparison.Ordinal);
        var expected = Csv(File.ReadAllText(Data("cox-coef.csv"))).Where(r => r[0] == "lung" && r[1] == ties).ToList();
        var actual = Csv(outcome.Out).Skip(1).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i][2], actual[i][0]);
            for (var c = 0; c < 5; c++)
            {
                var e = double.Parse(expected[i][3 + c], CultureInfo.InvariantCulture);
                var a = double.Parse(actual[i][new[] { 1, 2, 3, 4, 5 }[c]], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(e - a) <= 1e-8 * Math.Abs(e), $"{expected[i][2]} column {c}: {e} vs {a}");
            }
        }
    }

    [Fact]
    public void Cox_Json_MatchesApprovedText()
    {
        var outcome = CliRunner.Run("", "stats", "cox", Data("ovarian.csv"), "--time", "futime", "--event", "fustat", "--covariate", "age,rx,ecog.ps", "--format", "json");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "stats-cox-ovarian", "json");
    }

    [Fact]
    public void Cox_OnlyCovariateConstant_IsRefusedNamingIt()
    {
        var outcome = CliRunner.Run("t,e,z\n1,1,1\n2,0,1\n3,1,1\n4,1,1\n", "stats", "cox", "--time", "t", "--event", "e", "--covariate", "z");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Equal("", outcome.Out);
        Assert.Equal("line 1: error STA007 [z]: No covariate is left to fit: 'z' is constant.\n", outcome.Error);
    }

    [Fact]
    public void Cox_SingularDesign_NamesDroppedCovariatesAndFitsTheRestAsCoxph()
    {
        var outcome = CliRunner.Run("", "stats", "cox", Data("singular.csv"), "--time", "time", "--event", "status", "--covariate", "x1,k,x2,x12");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Contains("line 1: warning STA008 [k]: 'k' is constant or a linear combination", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("line 1: warning STA008 [x12]: 'x12' is constant or a linear combination", outcome.Error, StringComparison.Ordinal);
        var expected = Csv(File.ReadAllText(Data("cox-edge.csv"))).Where(r => r[0] == "singular" && r[1] == "efron").ToList();
        var actual = Csv(outcome.Out).Skip(1).ToList();
        Assert.Equal(expected.Select(r => r[3]), actual.Select(r => r[0]));
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i][4] == "NA")
            {
                Assert.Equal(["NA", "NA", "NA", "NA", "NA", "NA", "NA"], actual[i][1..]);
                continue;
            }

            var e = double.Parse(expected[i][4], CultureInfo.InvariantCulture);
            Assert.Equal(e, double.Parse(actual[i][1], CultureInfo.InvariantCulture), Math.Abs(e) * 1e-8);
        }
    }

    [Fact]
    public void Cox_Separation_WarnsThatTheCoefficientMayBeInfinite()
    {
        var outcome = CliRunner.Run("", "stats", "cox", Data("separation.csv"), "--time", "time", "--event", "status", "--covariate", "x,age");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal("line 1: warning STA010 [x]: The log-likelihood converged before 'x': its coefficient may be infinite (e.g. every event on one side of it); its hazard ratio, SE and p are not meaningful.\n", outcome.Error);
    }

    [Fact]
    public void Paired_Sleep_MatchesApprovedTextAndR()
    {
        var outcome = CliRunner.Run("", "stats", "paired", Data("paired-sleep.csv"), "--before", "before", "--after", "after");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "stats-paired-sleep", "csv");
        var r = Csv(File.ReadAllText(Data("paired.csv"))).Single(row => row[0] == "sleep");
        var values = Csv(outcome.Out).Skip(1).ToDictionary(row => row[0] + "." + row[1], row => row[2]);
        Assert.Equal(double.Parse(r[3], CultureInfo.InvariantCulture), double.Parse(values["paired_t.p"], CultureInfo.InvariantCulture), 1e-15);
        Assert.Equal(double.Parse(r[8], CultureInfo.InvariantCulture), double.Parse(values["wilcoxon.p"], CultureInfo.InvariantCulture), 1e-15);
    }

    [Fact]
    public void Paired_TextCell_IsAnErrorWithLine()
    {
        var outcome = CliRunner.Run("b,a\n1,2\n3,x\n2,2\n", "stats", "paired", "--before", "b", "--after", "a");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Equal("line 3: error STA002 [a]: 'x' is not a number.\n", outcome.Error);
    }

    [Fact]
    public void Paired_EmptyAndNaCells_WarnSta005AndDropThePair()
    {
        var outcome = CliRunner.Run("b,a\n1,2.5\n3,\n2,2.25\nNA,4\n5,7\n", "stats", "paired", "--before", "b", "--after", "a", "--format", "json");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.StartsWith(
            "line 3: warning STA005 [a]: The --after cell is empty or NA; the pair is left out of the paired tests (as R's complete.cases) but the other value still counts in its column's summary.\n" +
            "line 5: warning STA005 [b]: The --before cell is empty or NA; the pair is left out of the paired tests (as R's complete.cases) but the other value still counts in its column's summary.\n",
            outcome.Error, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(outcome.Out);
        Assert.Equal(3, json.RootElement.GetProperty("paired_t").GetProperty("n").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("before").GetProperty("n").GetInt32());
    }

    [Fact]
    public void Paired_HeaderOnly_IsTooFewData()
    {
        var outcome = CliRunner.Run("b,a\n", "stats", "paired", "--before", "b", "--after", "a");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.StartsWith("line 1: error STA006", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Km_QuotedFieldWithLineBreak_IsReadAsOneRow()
    {
        var outcome = CliRunner.Run("note,time,status\n\"first\nvisit\",5,1\nx,7,0\n", "stats", "km", "--time", "time", "--event", "status");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal(3, outcome.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("sleep", "auto", "true", "0.95")]
    [InlineData("small", "false", "false", "0.99")]
    [InlineData("large", "true", "true", "0.95")]
    public void Paired_WilcoxonOptions_EqualWilcoxTestConfInt(string name, string exact, string correct, string conf)
    {
        var outcome = CliRunner.Run("", "stats", "paired", Data($"paired-{name}.csv"), "--before", "before", "--after", "after",
            "--exact", exact, "--correct", correct, "--conf", conf);

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        var rExact = exact == "auto" ? "NA" : exact.ToUpperInvariant();
        var header = Csv(File.ReadAllText(Data("wilcoxon-ci.csv")))[0].ToList();
        var r = Csv(File.ReadAllText(Data("wilcoxon-ci.csv"))).Single(row => row[0] == name && row[1] == rExact && string.Equals(row[2], correct, StringComparison.OrdinalIgnoreCase)
            && double.Parse(row[3], CultureInfo.InvariantCulture) == double.Parse(conf, CultureInfo.InvariantCulture));
        var values = Csv(outcome.Out).Skip(1).Where(row => row[0] == "wilcoxon").ToDictionary(row => row[1], row => row[2]);
        foreach (var key in new[] { "v", "p", "estimate", "lower", "upper", "conf_level" })
        {
            var e = double.Parse(r[header.IndexOf(key)], CultureInfo.InvariantCulture);
            Assert.Equal(e, double.Parse(values[key], CultureInfo.InvariantCulture), Math.Abs(e) * 1e-8);
        }

        Assert.Equal(r[header.IndexOf("warning")].Contains("exact_p-value", StringComparison.Ordinal), outcome.Error.Contains("warning STA011", StringComparison.Ordinal));
    }

    [Fact]
    public void Paired_UnknownExact_IsUsageError()
    {
        var outcome = CliRunner.Run("", "stats", "paired", "--before", "b", "--after", "a", "--exact", "yes");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
    }

    [Fact]
    public void McNemar_Table_EqualsMcnemarTestAndBinomTest()
    {
        var outcome = CliRunner.Run("", "stats", "mcnemar", "--table", "794,86,150,570");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "stats-mcnemar-794", "csv");
        var r = Csv(File.ReadAllText(Data("mcnemar.csv"))).Single(row => row[0] == "794");
        var rows = Csv(outcome.Out);
        Assert.Equal(double.Parse(r[4], CultureInfo.InvariantCulture), double.Parse(rows[1][5], CultureInfo.InvariantCulture), 1e-12);
        Assert.Equal(double.Parse(r[5], CultureInfo.InvariantCulture), double.Parse(rows[1][7], CultureInfo.InvariantCulture), 1e-15);
        Assert.Equal(double.Parse(r[6], CultureInfo.InvariantCulture), double.Parse(rows[2][5], CultureInfo.InvariantCulture), 1e-12);
        Assert.Equal(double.Parse(r[7], CultureInfo.InvariantCulture), double.Parse(rows[2][7], CultureInfo.InvariantCulture), 1e-15);
        Assert.Equal(double.Parse(r[8], CultureInfo.InvariantCulture), double.Parse(rows[3][7], CultureInfo.InvariantCulture), 1e-15);
    }

    [Fact]
    public void McNemar_File_CountsPairsWarnsOnEmptyAndEqualsTable()
    {
        // a = 0/0: 4, b = 0/1: 1, c = 1/0: 9, d = 1/1: 6 (the row "4,1,9,6" of mcnemar.csv), plus one pair with an empty cell.
        var rows = string.Concat(Enumerable.Repeat("0,0\n", 4).Concat(["0,1\n"]).Concat(Enumerable.Repeat("1,0\n", 9)).Concat(Enumerable.Repeat("TRUE,TRUE\n", 6)));
        var outcome = CliRunner.Run("m0,m12\n" + rows + "1,\n", "stats", "mcnemar", "--before", "m0", "--after", "m12");
        var table = CliRunner.Run("", "stats", "mcnemar", "--table", "4,1,9,6");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal(table.Out, outcome.Out);
        Assert.Equal("line 22: warning STA005 [m12]: The --after cell is empty or NA; the pair is dropped (as R's complete.cases).\n", outcome.Error);
        var r = Csv(File.ReadAllText(Data("mcnemar.csv"))).Single(row => row[0] == "4" && row[1] == "1");
        Assert.Equal(double.Parse(r[8], CultureInfo.InvariantCulture), double.Parse(Csv(outcome.Out)[3][7], CultureInfo.InvariantCulture), 1e-15);
    }

    [Fact]
    public void McNemar_NotBinaryCell_IsAnErrorWithLine()
    {
        var outcome = CliRunner.Run("m0,m12\n0,1\n2,0\n", "stats", "mcnemar", "--before", "m0", "--after", "m12");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Equal("", outcome.Out);
        Assert.Equal("line 3: error STA013 [m0]: '2' is not a binary outcome; expected 0/1 or TRUE/FALSE.\n", outcome.Error);
    }

    [Theory]
    [InlineData("1,2,3")]
    [InlineData("5,0,0,5")]
    [InlineData("1,-2,3,4")]
    public void McNemar_BadTable_IsUsageError(string table)
    {
        var outcome = CliRunner.Run("", "stats", "mcnemar", "--table", table);

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
    }

    [Fact]
    public void Ci_13Of40_EqualsBinomTestAndPropTest()
    {
        var outcome = CliRunner.Run("", "stats", "ci", "--x", "13", "--n", "40");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "stats-ci-13-40", "csv");
        var r = Csv(File.ReadAllText(Data("binomial.csv"))).Single(row => row[0] == "13" && row[1] == "40");
        var rows = Csv(outcome.Out);
        Assert.Equal(double.Parse(r[2], CultureInfo.InvariantCulture), double.Parse(rows[1][4], CultureInfo.InvariantCulture), 1e-12);
        Assert.Equal(double.Parse(r[3], CultureInfo.InvariantCulture), double.Parse(rows[1][5], CultureInfo.InvariantCulture), 1e-12);
        Assert.Equal(double.Parse(r[4], CultureInfo.InvariantCulture), double.Parse(rows[2][4], CultureInfo.InvariantCulture), 1e-12);
        Assert.Equal(double.Parse(r[5], CultureInfo.InvariantCulture), double.Parse(rows[2][5], CultureInfo.InvariantCulture), 1e-12);
    }

    [Fact]
    public void Ci_XAboveN_IsUsageError()
    {
        var outcome = CliRunner.Run("", "stats", "ci", "--x", "41", "--n", "40");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
    }
}
