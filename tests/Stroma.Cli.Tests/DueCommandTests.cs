// Source: issue #14 "Calendars and worklists" (stroma due --site S --within 14d --format json|text) and docs/cli.md;
// the registry is the one of Stroma.Data.Tests' WorklistFixture (Wang 2014 calendars, Stroma's default windows).
using System.Text;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class DueCommandTests
{
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Due_TextJsonAndRefusals_MatchTheApprovedTranscript(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open(clock: WorklistFixture.Clock()))
        {
            await WorklistFixture.ArrangeAsync(db);
        }

        var transcript = new StringBuilder();
        int Run(params string[] args)
        {
            var outcome = CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "coord"]);
            transcript.Append("$ stroma ").AppendJoin(' ', args).Append('\n').Append(outcome.Out);
            foreach (var line in outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                transcript.Append("! ").Append(line).Append('\n');
            }

            transcript.Append("exit ").Append(outcome.ExitCode).Append("\n\n");
            return outcome.ExitCode;
        }

        Run("due", "--site", "S01", "--as-of", "2024-03-09").ShouldBe(ExitCodes.Ok);
        Run("due", "--site", "S01", "--site", "S02", "--as-of", "2024-03-09", "--within", "0d", "--format", "json").ShouldBe(ExitCodes.Ok);
        Run("due", "--site", "S02", "--as-of", "2024-04-20", "--within", "30").ShouldBe(ExitCodes.Ok);
        Run("due", "--site", "S09", "--as-of", "2024-03-09", "--within", "400d").ShouldBe(ExitCodes.InvalidInput);
        Run("due", "--as-of", "2024-3-9", "--within", "two weeks", "--format", "csv").ShouldBe(ExitCodes.Usage);

        Golden.Verify(transcript.ToString(), "due-worklist", "txt");
    }

    [Fact]
    public void Due_Demo_ListsTheInProgressPatientsNextInfusion()
    {
        // The demo is built relative to the day it runs: DEMO-NOW-1's first infusion 20 days ago, the second one month after it.
        var folder = Directory.CreateTempSubdirectory("stroma-due-demo-").FullName;
        try
        {
            var database = Path.Combine(folder, "demo.db");
            var demo = CliRunner.Run("", "demo", "--database", database);
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var asOf = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var s1 = CliRunner.Run("", "due", "--site", "S1", "--as-of", asOf, "--database", database);
            var s2 = CliRunner.Run("", "due", "--site", "S2", "--as-of", asOf, "--database", database);

            demo.ExitCode.ShouldBe(ExitCodes.Ok, demo.Error);
            s1.ExitCode.ShouldBe(ExitCodes.Ok, s1.Error);
            var due = today.AddDays(-20).AddMonths(1);
            s1.Out.ShouldContain($"due at S1 as of {asOf} within 14 days: 1 event(s), 1 patient(s)");
            s1.Out.ShouldContain("patient DEMO-NOW-1 (site S1)");
            s1.Out.ShouldContain(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"administration_2   administration  {due:yyyy-MM-dd}  {due.AddDays(-7):yyyy-MM-dd} to {due.AddDays(7):yyyy-MM-dd}  upcoming"));
            // The demo's CAR-T patients have fixed dates: S2-CART-3's year-3 examination (2026-08-28 to 2026-09-11) is overdue from then on;
            // nothing of the MSC cohort at S2 is due.
            s2.Out.ShouldContain("patient S2-CART-3 (site S2)");
            s2.Out.ShouldContain("year_3");
            s2.Out.ShouldNotContain("patient S2-0");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Help_Due_DescribesEveryOption()
    {
        var outcome = CliRunner.Run("", "due", "--help");

        outcome.ExitCode.ShouldBe(ExitCodes.Ok);
        foreach (var option in new[] { "--site", "--within", "--as-of", "--format", "--database" })
        {
            outcome.Out.ShouldContain(option);
        }
    }
}
