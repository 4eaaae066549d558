// Source: issue #14 "Protocols as versioned, signed data" (stroma protocol define/approve/show/list/copy, enrol on a
// stored version, re-consent) and the shipped examples docs/examples/protocol-site-msc-nk.yaml and
// docs/examples/protocol-site-wang.json (docs/protocol.schema.json). The doses given to the seed case 2 copy are test
// values, not clinical ones (the seed gives none).
using System.Text;
using System.Text.RegularExpressions;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed partial class ProtocolVersionCommandTests
{
    [GeneratedRegex(@"signed by (\S+) at \d{4}-\d\d-\d\d \d\d:\d\dZ")]
    private static partial Regex SignedNow();

    private static string Example(string name) => Path.Combine(RepositoryRoot.Path, "docs", "examples", name);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Protocols_DefineApproveEnrolReconsent_TranscriptShowsEveryStepAndRefusal(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var folder = Directory.CreateTempSubdirectory("stroma-protocol-");
        var text = new StringBuilder();
        int Run(string user, params string[] args)
        {
            var outcome = CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", user]);
            text.Append("$ stroma ").AppendJoin(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)).Append('\n').Append(outcome.Out);
            foreach (var line in outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("! ").Append(line).Append('\n');
            }

            text.Append("exit ").Append(outcome.ExitCode).Append("\n\n");
            return outcome.ExitCode;
        }

        try
        {
            var bad = Path.Combine(folder.FullName, "bad.yaml");
            File.WriteAllText(bad, "key: Site Protocol\nname: x\nsource: y\ntolerancePercent: 150\ncomponents: []\nadministrations:\n  - number: 1\n    offset: { weeks: 2 }\n    window: { daysBefore: 0, daysAfter: 0 }\n");
            var v2 = Path.Combine(folder.FullName, "site-wang-v2.json");
            File.WriteAllText(v2, File.ReadAllText(Example("protocol-site-wang.json")).Replace("\"cellsPerKg\": 1000000", "\"cellsPerKg\": 1200000", StringComparison.Ordinal)
                .Replace("\"consentVersion\": \"1\"", "\"consentVersion\": \"2\"", StringComparison.Ordinal));

            Run("demo", "demo", "--patients", "0").ShouldBe(ExitCodes.Ok);
            Run("admin", "protocol", "define", Example("protocol-site-msc-nk.yaml")).ShouldBe(ExitCodes.Ok);
            Run("admin", "protocol", "approve", "site_msc_nk", "--version", "1", "--meaning", "approved").ShouldBe(ExitCodes.InvalidInput);
            Run("admin", "protocol", "define", bad).ShouldBe(ExitCodes.InvalidInput);
            Run("admin", "protocol", "define", Example("protocol-site-wang.json")).ShouldBe(ExitCodes.Ok);
            Run("admin", "protocol", "approve", "site_wang_2014", "--version", "1", "--meaning", "approved").ShouldBe(ExitCodes.Ok);
            Run("admin", "protocol", "copy", "seed_case_2", "site_case_2", "--dose", "msc=1e6/kg", "--dose", "nk=1e8").ShouldBe(ExitCodes.Ok);
            Run("admin", "protocol", "approve", "site_case_2", "--version", "1", "--meaning", "approved").ShouldBe(ExitCodes.Ok);
            Run("admin", "protocol", "approve", "wang_2014", "--version", "1", "--meaning", "approved").ShouldBe(ExitCodes.InvalidInput);
            Run("coordinator", "enrol", "CR-002", "--protocol", "site_wang_2014", "--start", "2024-03-01", "--weight", "58", "--weighed", "2024-02-28", "--consent-signed", "2024-02-20").ShouldBe(ExitCodes.Ok);
            Run("admin", "protocol", "define", v2).ShouldBe(ExitCodes.InvalidInput);
            Run("admin", "protocol", "define", v2, "--reason", "dose raised to 1.2×10^6 cells/kg; consent form version 2").ShouldBe(ExitCodes.Ok);
            Run("coordinator", "reconsent", "CR-002", "--protocol", "site_wang_2014", "--consent-signed", "2024-04-01").ShouldBe(ExitCodes.InvalidInput);
            Run("admin", "protocol", "approve", "site_wang_2014", "--version", "2", "--meaning", "approved").ShouldBe(ExitCodes.Ok);
            Run("coordinator", "reconsent", "CR-002", "--protocol", "site_wang_2014", "--consent-signed", "2024-04-01").ShouldBe(ExitCodes.Ok);
            Run("reader", "protocol", "list").ShouldBe(ExitCodes.Ok);
            Run("reader", "protocol", "show", "site_wang_2014", "--version", "2").ShouldBe(ExitCodes.Ok);
            Run("reader", "protocol", "show", "site_case_2", "--version", "3").ShouldBe(ExitCodes.InvalidInput);
            Run("reader", "schedule", "CR-002", "--as-of", "2024-04-02").ShouldBe(ExitCodes.Ok);
            Run("reader", "audit", "verify").ShouldBe(ExitCodes.Ok);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var transcript = SignedNow().Replace(text.ToString(), "signed by $1 at <now>")
            .Replace(folder.FullName, "<tmp>", StringComparison.Ordinal).Replace(RepositoryRoot.Path, "<repo>", StringComparison.Ordinal)
            .Replace(database.Configuration.Describe(), "<database>", StringComparison.Ordinal);
        Golden.Verify(Regex.Replace(transcript, "head [0-9a-f]{64}", "head <hash>"), "protocol-versions", "txt");
    }

    [Fact]
    public void Show_JsonOfATemplate_IsTheCanonicalDefinitionThatDefineReads()
    {
        var folder = Directory.CreateTempSubdirectory("stroma-protocol-");
        try
        {
            var db = Path.Combine(folder.FullName, "t.db");
            var shown = CliRunner.Run("", "protocol", "show", "wang_2014", "--format", "json", "--database", db);
            shown.ExitCode.ShouldBe(ExitCodes.Ok);
            var file = Path.Combine(folder.FullName, "copy.json");
            File.WriteAllText(file, shown.Out.Replace("\"key\": \"wang_2014\"", "\"key\": \"site_copy\"", StringComparison.Ordinal));

            var defined = CliRunner.Run("", "protocol", "define", file, "--database", db);
            var again = CliRunner.Run("", "protocol", "show", "site_copy", "--format", "json", "--database", db);

            defined.ExitCode.ShouldBe(ExitCodes.Ok, defined.Error);
            again.Out.ShouldBe(File.ReadAllText(file));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
