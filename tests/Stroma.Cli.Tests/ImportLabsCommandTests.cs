// Source: issue #21 (reliability): files that crashed `stroma import labs` (exit 3, a stack trace) must end with a clear
// error and exit 1, each a regression test; issue #23: the CLI flags with the site laboratories' ranges (--ranges,
// lab column SITE/LAB) as the web upload does. The ranges below are illustrative test values, not clinical ones.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using LabFlag = Stroma.Clinical.Labs.LabFlag;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Cli.Tests;

public sealed class ImportLabsCommandTests
{
    private const string Header = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n";
    private const string GoodRow = "S1,P1,2012-05-01,creatinine,97,umol/L,,LAB,2012-05-01T08:30:00+08:00\n";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> RegistryAsync()
    {
        var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var db = database.Open("seed");
        var site = new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site 1" };
        var patient = new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "P1", Sex = Sex.Female, BirthYear = 1980 };
        db.Sites.Add(site);
        db.Laboratories.Add(new Laboratory { Id = Guid.CreateVersion7(), SiteId = site.Id, Code = "LAB", Name = "Lab" });
        db.Patients.Add(patient);
        db.Visits.Add(new Visit { Id = Guid.CreateVersion7(), PatientId = patient.Id, VisitDate = new DateOnly(2012, 5, 1), Type = "baseline" });
        await db.SaveChangesAsync(Token);
        return database;
    }

    private static async Task<(CliRunner.Outcome Outcome, string Rejects)> ImportAsync(TestDatabase database, string csv, params string[] options)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, csv, Token);
            var outcome = CliRunner.Run("", ["import", "labs", file, .. options, "--database", database.Configuration.ConnectionString, "--user", "cli-test"]);
            var rejects = File.Exists(file + ".rejects.csv") ? await File.ReadAllTextAsync(file + ".rejects.csv", Token) : "";
            return (outcome, rejects);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".rejects.csv");
        }
    }

    [Fact]
    public async Task ImportLabs_IndexesRebuild_StoresTheRowsAndSaysTheIndexesWereBuiltAgain()
    {
        await using var database = await RegistryAsync();

        var (outcome, _) = await ImportAsync(database, Header + GoodRow, "--indexes", "rebuild");

        outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
        outcome.Error.ShouldContain("lab_results: 3 index(es) and 0 foreign key(s) were built again after the load");
        outcome.Out.ShouldContain("inserted 1");
        await using var db = database.Open();
        (await db.LabResults.CountAsync(Token)).ShouldBe(1);
    }

    [Fact]
    public async Task ImportLabs_IndexesDefault_SmallFileSaysNothingOfIndexes()
    {
        await using var database = await RegistryAsync();

        var (outcome, _) = await ImportAsync(database, Header + GoodRow);

        outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
        outcome.Error.ShouldNotContain("built again");
    }

    [Fact]
    public async Task ImportLabs_IndexesNotAMode_ExitsTwoNamingTheChoices()
    {
        await using var database = await RegistryAsync();

        var (outcome, _) = await ImportAsync(database, Header + GoodRow, "--indexes", "fast");

        outcome.ExitCode.ShouldBe(ExitCodes.Usage);
        (outcome.Out + outcome.Error).ShouldContain("--indexes 'fast' is not one of auto, maintain, rebuild.");
        await using var db = database.Open();
        (await db.LabResults.CountAsync(Token)).ShouldBe(0);
    }

    [Theory]
    [InlineData("site,patient,visit_date,analyte,value,range,lab,specimen_time\n")]
    [InlineData("\0site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n")]
    [InlineData("garbage;;;\n")]
    public async Task ImportLabs_HeaderWithoutARequiredColumn_ExitsOneWithLab014(string header)
    {
        await using var database = await RegistryAsync();

        var (outcome, _) = await ImportAsync(database, header + GoodRow);

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
        outcome.Error.ShouldContain("error LAB014 [header]: The header lacks column(s):");
        outcome.Error.ShouldNotContain("   at ");
        await using var db = database.Open();
        (await db.LabResults.CountAsync(Token)).ShouldBe(0);
    }

    [Theory]
    [InlineData("79228162514264337593543950335", "umol/L", "", "2012-05-01T09:00:00Z", "LAB004")]
    [InlineData("79228162514264337593543950336", "umol/L", "", "2012-05-01T09:00:00Z", "LAB004")]
    [InlineData("１２", "umol/L", "", "2012-05-01T09:00:00Z", "LAB004")]
    [InlineData("−5", "umol/L", "", "2012-05-01T09:00:00Z", "LAB004")]
    [InlineData("<NaN", "umol/L", "", "2012-05-01T09:00:00Z", "LAB004")]
    [InlineData(">1e309", "umol/L", "", "2012-05-01T09:00:00Z", "LAB004")]
    [InlineData("4", "umol/L", "5-3", "2012-05-01T09:00:00Z", "LAB007")]
    [InlineData("4", "umol/L", "NaN-Infinity", "2012-05-01T09:00:00Z", "LAB007")]
    [InlineData("97", "umol/L", "", "0001-01-01T00:00:00Z", "LAB012")]
    public async Task ImportLabs_RowThatUsedToCrashOrPass_ExitsOneWithItsReasonAndStoresNothing(string value, string unit, string range, string time, string code)
    {
        await using var database = await RegistryAsync();

        var (outcome, rejects) = await ImportAsync(database, Header + GoodRow + $"S1,P1,2012-05-01,creatinine,{value},{unit},{range},LAB,{time}\n");

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
        outcome.Out.ShouldBe("read 2, inserted 0, duplicates 0, rejected 1\n", StringCompareShould.IgnoreLineEndings);
        outcome.Error.ShouldContain("nothing stored");
        rejects.ShouldContain($"error {code} [");
        await using var db = database.Open();
        (await db.LabResults.CountAsync(Token)).ShouldBe(0);
    }

    [Fact]
    public async Task ImportLabs_SiteRangesFile_FlagsWithTheSiteLaboratorysRange()
    {
        await using var database = await RegistryAsync();
        var ranges = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(ranges, "lab,analyte,unit,low,high,source\nS1/LAB,creatinine,umol/L,45,84,test laboratory SOP (illustrative)\n", Token);

            var (outcome, _) = await ImportAsync(database, Header + GoodRow, "--ranges", ranges);

            outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
            await using var db = database.Open();
            (await db.LabResults.SingleAsync(Token)).Flag.ShouldBe(LabFlag.High);
        }
        finally
        {
            File.Delete(ranges);
        }
    }

    [Fact]
    public async Task ImportLabs_UnreadableRangesFile_ExitsOneNamingTheProblem()
    {
        await using var database = await RegistryAsync();
        var ranges = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(ranges, "lab,analyte,unit,low,high,source\nS1/LAB,creatinine,umol/L,84,45,\n", Token);

            var (outcome, _) = await ImportAsync(database, Header + GoodRow, "--ranges", ranges);

            outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
            outcome.Error.ShouldContain("LAB007");
            outcome.Error.ShouldNotContain("   at ");
        }
        finally
        {
            File.Delete(ranges);
        }
    }
}
