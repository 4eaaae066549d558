// Source: issue #15 ("stroma checks run on the demo prints what it found") and docs/data-quality.md "The demo": the demo
// site's case-2 protocol declares two checks that find the body weights the case report does not give.
using System.Text.RegularExpressions;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed partial class ChecksCommandTests
{
    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Id();

    private static CliRunner.Outcome Run(TestDatabase database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "dm.demo"]);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ChecksRun_Demo_FindsTheDeliberateGapsAndOpensQueriesOnlyOnce(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        Run(database, "demo", "--patients", "0").ExitCode.ShouldBe(ExitCodes.Ok);

        var first = Run(database, "checks", "run");
        var second = Run(database, "checks", "run", "--format", "json");

        first.ExitCode.ShouldBe(ExitCodes.Ok);
        Golden.Verify(first.Out, "checks-run-demo", "txt");
        second.ExitCode.ShouldBe(ExitCodes.Ok);
        second.Out.ShouldContain("\"queriesOpened\": 0");
        Id().Count(second.Out).ShouldBe(11);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ChecksRun_UnknownSite_IsInvalidInputWithTheCode(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        Run(database, "demo", "--patients", "0").ExitCode.ShouldBe(ExitCodes.Ok);

        var outcome = Run(database, "checks", "run", "--site", "NOPE");

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        outcome.Error.ShouldContain("DAT001");
    }
}
