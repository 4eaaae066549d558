using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Stroma.Cli.Io;
using Stroma.Clinical.Scoring;

namespace Stroma.Bench;

/// <summary>
/// The record each instrument is timed on: the first JSON worked example of docs/instruments/&lt;key&gt;.md, read
/// with the CLI's own JSON Lines reader, so every benchmark scores a valid, documented assessment.
/// </summary>
internal static partial class SampleRecords
{
    public static IReadOnlyDictionary<string, ItemValue> For(IInstrument instrument)
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "instruments", instrument.Key + ".md"));
        var body = JsonBlock().Match(doc).Groups["body"].Value;
        var line = JsonNode.Parse(string.Join("\n", body.Split('\n').Select(l => l.Trim())))!.ToJsonString();
        var record = JsonLinesReader.Read(new StringReader(line)).Single();
        return record.Items ?? throw new InvalidOperationException($"The worked example of {instrument.Key} cannot be read.");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Stroma.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    [GeneratedRegex(@"```json[ \t]*\n(?<body>.*?)\n[ \t]*```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
