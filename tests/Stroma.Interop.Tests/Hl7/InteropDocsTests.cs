// Source: docs/interop.md, "Worked example": the message and the ACKs printed there are run and compared, so the page
// stays true.
using System.Text.RegularExpressions;
using Shouldly;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Tests;
using Stroma.Interop.Hl7;
using Stroma.Tests;

namespace Stroma.Interop.Tests.Hl7;

public sealed partial class InteropDocsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [GeneratedRegex("```hl7\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Hl7Block();

    private static string[] Blocks()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "interop.md")).ReplaceLineEndings("\n");
        return [.. Hl7Block().Matches(text).Select(m => m.Groups[1].Value.Replace('\n', '\r'))];
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task WorkedExample_MessagesOfTheDocs_GiveTheAcksOfTheDocs(DatabaseEngine engine)
    {
        var blocks = Blocks();
        blocks.Length.ShouldBe(3);
        var (message, accepted, error) = (blocks[0], blocks[1], blocks[2]);
        var wrongUnit = message.Replace("1.2|mg/dL^milligram per deciliter^UCUM", "1.2|U/L^^UCUM", StringComparison.Ordinal);
        wrongUnit.ShouldNotBe(message);
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 1, IncludeSeedCases: false, IncludeLabs: false), Token);
        }

        var at = new DateTimeOffset(2025, 1, 5, 9, 31, 0, TimeSpan.FromHours(8));
        foreach (var (text, ack) in new[] { (wrongUnit, error), (message, accepted) })
        {
            await using var db = database.Open("hl7");
            var read = Er7.ReadMessage(text);
            var outcome = await Hl7LabImport.ImportAsync(db, read, new Hl7ImportOptions("S1"), Token);

            Hl7Ack.Write(read, outcome, at).ShouldBe(ack);
        }
    }
}
