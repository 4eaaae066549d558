using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Tests;

/// <summary>
/// Every JSON worked example in docs/instruments/&lt;key&gt;.md is scored through <c>stroma score &lt;key&gt;</c>, and the
/// output is a golden file: the docs, the instrument and the CLI cannot drift apart unnoticed.
/// </summary>
public partial class ScoreDocsExamplesTests
{
    public static TheoryData<string> Keys => [.. InstrumentCatalog.All.Select(i => i.Key)];

    [Theory]
    [MemberData(nameof(Keys))]
    public void Score_DocsWorkedExamples_MatchGoldenOutput(string key)
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "instruments", key + ".md"));
        var lines = JsonBlock().Matches(doc)
            .Select(m => string.Join("\n", m.Groups["body"].Value.Split('\n').Select(l => l.Trim())))
            .Select(json => JsonNode.Parse(json)!.ToJsonString())
            .ToList();
        Assert.NotEmpty(lines);

        var outcome = CliRunner.Run(string.Join("\n", lines) + "\n", "score", key);

        Golden.Verify($"exit {outcome.ExitCode}\n--- stdout\n{outcome.Out}--- stderr\n{outcome.Error}", $"docs-example-{key}", "txt");
        Assert.Equal(lines.Count, outcome.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [GeneratedRegex(@"```json[ \t]*\n(?<body>.*?)\n[ \t]*```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
