// Source: issue #21 "Reliability": two `stroma ae` commands on different patients at once failed one of the pair
// (duplicate audit sequence). 8 writers × 200 commands on different patients, on each engine: 0 failures, an intact chain.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Cli.Tests;

public sealed class ConcurrentCommandsTests
{
    private const int Writers = 8;
    private const int CommandsPerWriter = 200;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ae_EightWritersOnDifferentPatients_EveryCommandSucceedsAndChainIsIntact(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open("admin"))
        {
            var siteId = Guid.NewGuid();
            db.Sites.Add(new Site { Id = siteId, Code = "S1", Name = "Site one" });
            db.Patients.AddRange(Enumerable.Range(0, Writers).Select(w =>
                new Patient { Id = Guid.NewGuid(), SiteId = siteId, StudyId = $"S1-{w:000}", Sex = Sex.Female, BirthYear = 1975 }));
            await db.SaveChangesAsync(Token);
        }

        using var start = new Barrier(Writers);
        var failures = new List<string>();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            start.SignalAndWait(Token);
            for (var n = 0; n < CommandsPerWriter; n++)
            {
                var outcome = CliRunner.Run("", "ae", $"S1-{w:000}", "--term", "Headache", "--onset", "2024-05-01", "--late-reason", "from the paper file", "--grade", "1",
                    "--relatedness", "not_related", "--outcome", "recovered", "--database", database.Configuration.ConnectionString, "--user", $"coordinator{w}");
                if (outcome.ExitCode != ExitCodes.Ok)
                {
                    lock (failures)
                    {
                        failures.Add($"writer {w} command {n}: exit {outcome.ExitCode}: {outcome.Error}");
                    }
                }
            }
        }, Token)).ToArray();
        await Task.WhenAll(writers);

        failures.ShouldBeEmpty(string.Join("\n", failures.Take(3)));
        await using var check = database.Open();
        (await check.AdverseEvents.CountAsync(Token)).ShouldBe(Writers * CommandsPerWriter);
        var verification = await AuditChain.VerifyAsync(check, Token);
        verification.IsIntact.ShouldBeTrue(verification.Break?.Problem);
        verification.Entries.ShouldBe(1 + Writers + (Writers * CommandsPerWriter));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LotReleaseAndReject_AtOnce_OneWinsTheOtherExitsOneSayingWhoDecided(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        string[] register =
        [
            "lot", "register", "UC-2024-009", "--site", "S1", "--type", "uc_msc", "--donor", "D-0042", "--tissue", "umbilical cord", "--manufacturer", "GMP lab A",
            "--manufactured", "2024-01-10", "--expires", "2099-12-31", "--passage", "4", "--cells", "5e8", "--concentration", "5e6", "--viability", "94",
            "--volume", "100", "--location", "LN2 tank 2",
        ];
        string[] tests =
        [
            "lot", "test", "UC-2024-009", "--tested", "2024-01-17", "--late-reason", "from the paper file", "cd73=98.5", "cd90=99.1", "cd105=96.2", "cd45=0.4", "cd34=0.3", "cd14=0.5", "cd19=0.2",
            "hla_dr=0.6", "plastic_adherence=met", "trilineage_differentiation=met", "viability=93", "sterility=met", "endotoxin=0.5", "mycoplasma=met",
        ];
        Run(database, "admin", "site", "add", "S1", "--name", "Site one").ExitCode.ShouldBe(ExitCodes.Ok);
        Run(database, "qa.lee", register).ExitCode.ShouldBe(ExitCodes.Ok);
        Run(database, "qa.lee", tests).ExitCode.ShouldBe(ExitCodes.Ok);

        using var start = new Barrier(2);
        var release = Task.Run(() =>
        {
            start.SignalAndWait(Token);
            return Run(database, "qa.lee", "lot", "release", "UC-2024-009", "--meaning", "QA release for clinical use", "--viability-limit", "70",
                "--endotoxin-limit", "5", "--spec-version", "site-1");
        }, Token);
        var reject = Task.Run(() =>
        {
            start.SignalAndWait(Token);
            return Run(database, "qa.kim", "lot", "reject", "UC-2024-009", "--meaning", "QA rejection", "--reason", "second opinion");
        }, Token);
        var outcomes = await Task.WhenAll(release, reject);

        outcomes.Select(o => o.ExitCode).Order().ShouldBe([ExitCodes.Ok, ExitCodes.InvalidInput]);
        var (winner, loser) = outcomes[0].ExitCode == ExitCodes.Ok ? ("qa.lee", outcomes[1]) : ("qa.kim", outcomes[0]);
        loser.Error.ShouldContain($"signed by {winner} at ");
        loser.Error.ShouldNotContain("unexpected", Case.Insensitive);
        Run(database, "reader", "audit", "verify").ExitCode.ShouldBe(ExitCodes.Ok);
    }

    private static CliRunner.Outcome Run(TestDatabase database, string user, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", user]);
}
