// Source: issue #22 "Read replicas": --read-database for the study report, exports and checks run; reads go to the
// replica once it has caught up, writes to the primary. docs/operations.md "Read replicas", docs/cli.md.
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class ReadDatabaseOptionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportExportAndChecks_WithReadDatabase_ReadTheReplica_AndWriteWhatThePrimaryWrites()
    {
        await using var pair = await ReplicaPair.CreateAsync();
        var primary = pair.Primary.Configuration.ConnectionString;
        var replica = pair.ReplicaConfiguration.ConnectionString;
        CliRunner.Run("", "demo", "--database", primary, "--user", "cli-test").ExitCode.ShouldBe(ExitCodes.Ok);
        var folder = Directory.CreateTempSubdirectory("stroma-replica-cli-").FullName;
        try
        {
            var fromPrimary = Path.Combine(folder, "primary.json");
            var fromReplica = Path.Combine(folder, "replica.json");
            CliRunner.Run("", "report", "study", "--protocol", "wang_2014", "--out", fromPrimary, "--database", primary).ExitCode.ShouldBe(ExitCodes.Ok);
            var report = CliRunner.Run("", "report", "study", "--protocol", "wang_2014", "--out", fromReplica, "--database", primary, "--read-database", replica);
            report.ExitCode.ShouldBe(ExitCodes.Ok, report.Error);
            report.Error.ShouldContain("reading from the replica");
            (await File.ReadAllTextAsync(fromReplica, Token)).ShouldBe(await File.ReadAllTextAsync(fromPrimary, Token));

            var export = CliRunner.Run("", "export", Path.Combine(folder, "replica"), "--database", primary, "--read-database", replica, "--user", "cli-test");
            export.ExitCode.ShouldBe(ExitCodes.Ok, export.Error);
            export.Error.ShouldContain("reading from the replica");
            CliRunner.Run("", "export", Path.Combine(folder, "primary"), "--database", primary, "--user", "cli-test").ExitCode.ShouldBe(ExitCodes.Ok);
            foreach (var table in new[] { "patients.csv", "lab_results.csv", "analysis_visits.csv", "adverse_events.csv" })
            {
                (await File.ReadAllTextAsync(Path.Combine(folder, "replica", table), Token))
                    .ShouldBe(await File.ReadAllTextAsync(Path.Combine(folder, "primary", table), Token), table);
            }

            // checks run reads the replica and opens its queries on the primary (the replica would refuse them).
            var checks = CliRunner.Run("", "checks", "run", "--format", "json", "--database", primary, "--read-database", replica);
            checks.ExitCode.ShouldBe(ExitCodes.Ok, checks.Error);
            checks.Error.ShouldContain("reading from the replica");
            var again = CliRunner.Run("", "checks", "run", "--format", "json", "--database", primary);
            again.ExitCode.ShouldBe(ExitCodes.Ok, again.Error);
            again.Out.ShouldContain("\"queriesOpened\": 0", customMessage: "the first run's queries are on the primary, so a second run opens none");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Report_ReadDatabaseOnASqlitePrimary_RefusedAsUsage()
    {
        var outcome = CliRunner.Run("", "report", "study", "--out", Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}.json"),
            "--database", Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}.db"), "--read-database", "Host=127.0.0.1;Port=5432;Username=u;Database=d");
        outcome.ExitCode.ShouldBe(ExitCodes.Usage);
        outcome.Error.ShouldContain("--read-database is a replica of a PostgreSQL primary");
    }
}
