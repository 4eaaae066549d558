// Source: issue #21 "Reliability": stroma audit verify --data (the ledger check) and --anchor, stroma audit anchor.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class AuditCommandTests
{
    private const string KeyVariable = "STROMA_TEST_ANCHOR_KEY_CLI";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static CliRunner.Outcome Run(TestDatabase database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "cli-test"]);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task VerifyData_DemoThenLabValueChangedInTheDatabase_ExitsOneWithAnAud002Line(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        Run(database, "demo", "--patients", "3").ExitCode.ShouldBe(ExitCodes.Ok);

        var clean = Run(database, "audit", "verify", "--data");
        await using (var db = database.Open())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE lab_results SET reported_value = '999' WHERE analyte = 'c3'", Token);
        }

        var changed = Run(database, "audit", "verify", "--data");

        clean.ExitCode.ShouldBe(ExitCodes.Ok, clean.Error);
        clean.Out.ShouldContain("data agrees with the audit trail: ");
        changed.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        changed.Out.ShouldContain("audit trail intact");
        changed.Out.ShouldContain("data DIFFERS from the audit trail: 1 difference(s)");
        changed.Error.ShouldStartWith("error AUD002 [lab_results[bulk rows created ");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Anchor_ThenTailRemoved_VerifyWithTheAnchorExitsOne(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var folder = Directory.CreateTempSubdirectory("stroma-anchor-").FullName;
        Environment.SetEnvironmentVariable(KeyVariable, "a test key of at least thirty-two bytes for anchors");
        try
        {
            Run(database, "demo", "--patients", "2").ExitCode.ShouldBe(ExitCodes.Ok);
            var anchor = Run(database, "audit", "anchor", "--out", folder, "--key-env", KeyVariable);
            var file = Directory.GetFiles(folder).ShouldHaveSingleItem();
            var before = Run(database, "audit", "verify", "--anchor", file, "--key-env", KeyVariable);
            await using (var db = database.Open())
            {
                await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE sequence > 5", Token);
            }

            var after = Run(database, "audit", "verify", "--anchor", file, "--key-env", KeyVariable);

            anchor.ExitCode.ShouldBe(ExitCodes.Ok, anchor.Error);
            anchor.Out.ShouldStartWith("anchored ");
            before.ExitCode.ShouldBe(ExitCodes.Ok, before.Error);
            before.Out.ShouldContain("anchor: the chain extends the anchor");
            after.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            after.Out.ShouldContain("audit trail intact: 5 entries");
            after.Error.ShouldStartWith("error AUD003 [--anchor]");
        }
        finally
        {
            Environment.SetEnvironmentVariable(KeyVariable, null);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Anchor_WithoutKey_IsAUsageError()
    {
        CliRunner.Run("", "audit", "anchor", "--out", "anchor.json").ExitCode.ShouldBe(ExitCodes.Usage);
        CliRunner.Run("", "audit", "verify", "--anchor", "anchor.json").ExitCode.ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public void Anchor_ShortKey_ExitsOneWithAud005()
    {
        var key = Path.GetTempFileName();
        try
        {
            File.WriteAllText(key, "too short");
            var outcome = CliRunner.Run("", "audit", "anchor", "--out", "anchor.json", "--key-file", key);

            outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            outcome.Error.ShouldStartWith("error AUD005 [--key-file]");
        }
        finally
        {
            File.Delete(key);
        }
    }
}
