// Source: issue #5: stroma db migrate, audit verify, demo, import labs, export, backup/restore, on both engines.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class DataCommandsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static CliRunner.Outcome Run(TestDatabase database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "cli-test"]);

    private static string Anonymise(string text, TestDatabase database) => text.Replace(database.Configuration.Describe(), "<database>", StringComparison.Ordinal);

    [Fact]
    public void DbMigrate_NewSqlitePath_CreatesTheFileInWalMode()
    {
        var folder = Directory.CreateTempSubdirectory("stroma-cli-").FullName;
        var path = Path.Combine(folder, "nested", "registry.db");
        try
        {
            var outcome = CliRunner.Run("", "db", "migrate", "--database", path);

            outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
            using (var model = StromaDatabase.CreateContext(DataConfiguration.Parse(path)))
            {
                outcome.Out.ShouldContain($"{model.Database.GetMigrations().Count()} migration(s) applied");
            }

            File.Exists(path).ShouldBeTrue();
            CliRunner.Run("", "db", "migrate", "--database", path).Out.ShouldContain("up to date");
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            command.ExecuteScalar().ShouldBe("wal");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Demo_DefaultCohort_PrintsRowCountsAndLeavesAnIntactAuditTrail(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);

        var demo = Run(database, "demo");
        var verify = Run(database, "audit", "verify");

        demo.ExitCode.ShouldBe(ExitCodes.Ok, demo.Error);
        Golden.Verify(Anonymise(demo.Out, database), "demo-default", "txt");
        verify.ExitCode.ShouldBe(ExitCodes.Ok, verify.Error);
        verify.Out.ShouldStartWith("audit trail intact: 40 entries, head ", Case.Sensitive, "39 bulk-write entries (16 of them the CAR-T block's) and the provenance entry that marks the registry synthetic");
        Run(database, "demo").ExitCode.ShouldBe(ExitCodes.InvalidInput);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AuditVerify_RowEditedInTheDatabase_ExitsOneNamingTheEntry(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        Run(database, "demo", "--patients", "2").ExitCode.ShouldBe(ExitCodes.Ok);
        await using (var db = database.Open())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET user_name = 'mallory' WHERE sequence = 6", Token);
        }

        var verify = Run(database, "audit", "verify");

        verify.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        verify.Error.ShouldContain("error AUD001 [audit_entries[6]]");
        verify.Out.ShouldContain("BROKEN at entry 6");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportLabs_FileWithAReject_StoresNothingAndWritesTheRejectFile(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        Run(database, "demo", "--patients", "2").ExitCode.ShouldBe(ExitCodes.Ok);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "site,patient,analyte,value,unit,range,specimen_time\n" +
                "S1,S1-001,c3,0.41,g/L,0.9-1.8,2025-01-05T08:30:00+08:00\n" +
                "S1,S1-404,c3,0.41,g/L,0.9-1.8,2025-01-05T08:30:00+08:00\n", Token);

            var strict = Run(database, "import", "labs", file);
            var partial = Run(database, "import", "labs", file, "--partial");
            var again = Run(database, "import", "labs", file, "--partial");

            strict.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            strict.Out.ShouldBe("read 2, inserted 0, duplicates 0, rejected 1\n", StringCompareShould.IgnoreLineEndings);
            strict.Error.ShouldContain("nothing stored");
            (await File.ReadAllTextAsync(file + ".rejects.csv", Token)).ShouldContain("S1-404");
            partial.Out.ShouldBe("read 2, inserted 1, duplicates 0, rejected 1\n", StringCompareShould.IgnoreLineEndings);
            again.Out.ShouldBe("read 2, inserted 0, duplicates 1, rejected 1\n", StringCompareShould.IgnoreLineEndings);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".rejects.csv");
        }
    }

    [Theory]
    [MemberData(nameof(EnginePairs.All), MemberType = typeof(EnginePairs))]
    public async Task BackupRestore_ThroughTheCli_MovesTheRegistryBetweenEngines(DatabaseEngine source, DatabaseEngine target)
    {
        await using var from = await TestDatabase.CreateAsync(source);
        await using var to = await TestDatabase.CreateAsync(target);
        Run(from, "demo", "--patients", "3").ExitCode.ShouldBe(ExitCodes.Ok);
        var file = Path.Combine(Path.GetTempPath(), $"stroma-backup-{Guid.NewGuid():N}.zip");
        var folder = Directory.CreateTempSubdirectory("stroma-export-").FullName;
        try
        {
            var backup = Run(from, "backup", file);
            var restore = Run(to, "restore", file);
            var export = Run(to, "export", "--format", "csv", folder);

            backup.ExitCode.ShouldBe(ExitCodes.Ok, backup.Error);
            restore.ExitCode.ShouldBe(ExitCodes.Ok, restore.Error);
            restore.Out.ShouldContain("audit trail intact");
            export.ExitCode.ShouldBe(ExitCodes.Ok, export.Error);
            export.Out.ShouldContain("analysis_visits.csv");
            Directory.GetFiles(folder, "*.csv").Length.ShouldBe(31); // 11 clinical, 6 cell-therapy, 2 protocol, 7 enrolment, schedule, infusion-detail and deviation, 2 query tables, SDV marks, lymphodepletions + analysis_visits
            Run(to, "restore", file).ExitCode.ShouldBe(ExitCodes.InvalidInput);
        }
        finally
        {
            File.Delete(file);
            Directory.Delete(folder, recursive: true);
        }
    }
}
