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
                var outcome = CliRunner.Run("", "ae", $"S1-{w:000}", "--term", "Headache", "--onset", "2024-05-01", "--grade", "1",
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
}
