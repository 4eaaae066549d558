// Source: the seed's second case (../shared/seed/, case 2: woman, 40, SLE with lupus nephritis, admitted 2015-09-26):
// low lymphocytes, platelets, alkaline phosphatase, serum protein, IgG, C3; high neutrophils, haemoglobin, urine
// protein, fibrinogen, urine occult blood. The values are illustrative (the article gives only low/high); the test
// checks each comes out flagged as the article says.
using Stroma.Cli.Io;

namespace Stroma.Cli.Tests;

public class LabsCommandTests
{
    private static string SeedInput => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "Stroma.Cli.Tests", "Golden", "labs-seed-case2.input.csv"));

    [Fact]
    public void Interpret_SeedCase2_FlagsTheLowsAndHighsTheArticleLists()
    {
        var outcome = CliRunner.Run(SeedInput, "labs", "interpret", "--format", "csv");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "labs-seed-case2", "csv");
        var flags = outcome.Out.Split('\n').Skip(1).Where(l => l.Contains(",result,", StringComparison.Ordinal))
            .Select(l => l.Split(','))
            .ToDictionary(f => f[4], f => f[9]);
        Assert.All(["lymphocytes", "platelets", "alp", "total_protein", "igg", "c3"], k => Assert.Equal("L", flags[k]));
        Assert.All(["neutrophils", "hemoglobin", "urine_protein_dipstick", "fibrinogen", "urine_blood_dipstick"], k => Assert.Equal("H", flags[k]));
        Assert.Contains("derived,40;41,urine_protein_24h,,,2.4,g/(24.h),H", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpret_SeedCase2AsJsonLines_WritesOneObjectPerSpecimen()
    {
        var lines = SeedInput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var jsonl = string.Join("\n", lines.Skip(1).Select(l =>
        {
            var cells = l.Split(',');
            return "{" + string.Join(",", header.Zip(cells).Where(p => p.Second.Length > 0).Select(p => $"\"{p.First}\":\"{p.Second}\"")) + "}";
        }));

        var outcome = CliRunner.Run(jsonl, "labs", "interpret");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Single(outcome.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Golden.Verify(outcome.Out, "labs-seed-case2", "jsonl");
    }

    [Fact]
    public void Interpret_BadRows_AreReportedByLineAndFieldAndTheRestProcessed()
    {
        const string csv = """
            id,taken_at,analyte,value,unit,sex,age
            p1,2024-03-01,creatinine,97,umol/L,female,40
            p1,2024-03-01,creatinin,97,umol/L,,
            p1,2024-03-01,creatinine,1.1,U/L,,
            p1,2024-03-01,plt,many,10^9/L,,
            p1,yesterday,c3,0.5,g/L,,
            p1,2024-03-01,c3,0.5,g/L,male,
            ,2024-03-01,c4,0.1,g/L,,
            p1,2024-03-01,c4,0.1,g/L,,
            """;

        var outcome = CliRunner.Run(csv, "labs", "interpret", "--format", "csv");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Golden.Verify(outcome.Error, "labs-bad-rows-stderr", "txt");
        Assert.Contains(",result,2,creatinine,", outcome.Out, StringComparison.Ordinal);
        Assert.Contains(",result,9,c4,", outcome.Out, StringComparison.Ordinal);
        Assert.Contains("egfr_ckd_epi_2021", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpret_SiteRanges_AreUsedForTheirLabAndNamed()
    {
        var ranges = Path.Combine(Path.GetTempPath(), $"stroma-ranges-{Guid.NewGuid():N}.csv");
        File.WriteAllText(ranges, "lab,analyte,sex,age_min,age_max,unit,low,high,critical_low,critical_high,upper_normal,source\nH1,c3,,,,mg/dL,90,180,,,,H1 immunology SOP 2024\n");
        try
        {
            const string csv = "id,taken_at,analyte,value,unit,lab\np1,2024-03-01,c3,0.85,g/L,H1\np2,2024-03-01,c3,0.85,g/L,H2\n";

            var outcome = CliRunner.Run(csv, "labs", "interpret", "--format", "csv", "--ranges", ranges);

            Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
            Assert.Contains("p1,2024-03-01,result,2,c3,4485-9,0.85 g/L,0.85,g/L,L,90-180 mg/dL,lab H1 (site-supplied): H1 immunology SOP 2024", outcome.Out, StringComparison.Ordinal);
            Assert.Contains("p1,2024-03-01,sledai2k,2,low_complement", outcome.Out, StringComparison.Ordinal);
            Assert.Contains("p2,2024-03-01,result,3,c3,4485-9,0.85 g/L,0.85,g/L,N,0.79-1.52 g/L,\"default (published example)", outcome.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(ranges);
        }
    }

    [Fact]
    public void Interpret_BadRangesFile_StopsWithItsIssues()
    {
        var ranges = Path.Combine(Path.GetTempPath(), $"stroma-ranges-{Guid.NewGuid():N}.csv");
        File.WriteAllText(ranges, "lab,analyte,unit,low,high,source\nH1,c3,U/L,90,180,SOP\n");
        try
        {
            var outcome = CliRunner.Run("id,taken_at,analyte,value,unit\np1,2024-03-01,c3,0.85,g/L\n", "labs", "interpret", "--format", "csv", "--ranges", ranges);

            Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
            Assert.Contains("ranges line 2: error LAB003 [unit]", outcome.Error, StringComparison.Ordinal);
            Assert.Equal("", outcome.Out);
        }
        finally
        {
            File.Delete(ranges);
        }
    }

    [Fact]
    public void Catalog_PrintsEveryAnalyteAndTheCitedFactors()
    {
        var outcome = CliRunner.Run("", "labs", "catalog", "--ranges");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Golden.Verify(outcome.Out, "labs-catalog", "txt");
        Assert.Contains("1 mg/dL = 88.4 µmol/L", outcome.Out, StringComparison.Ordinal);
    }
}
