using System.Text;
using Stroma.Cli.Io;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Tests;

/// <summary>
/// Seeded mutation fuzzing of <c>stroma score</c>'s JSON Lines path, in process: valid lines are cut, spliced and salted
/// with JSON's awkward corners (escaped lone surrogates, which crashed 16 of 2 200 mutated files in issue #21, NUL,
/// huge numbers, nesting, a BOM). Whatever comes in, the command must answer 0 or 1 with a line per problem, never 3.
/// The seed and the number of files are fixed (a few seconds), so a failure reproduces; the failing input is printed escaped.
/// </summary>
public class ScoreFuzzTests
{
    private const int Seed = 20_261_206;
    private const int Files = 60;

    private static readonly string[] Corpus =
    [
        """{"id":"v1","arthritis":true,"proteinuria":true,"hematuria":true,"low_complement":true,"increased_dna_binding":true}""",
        """{"id":"v2","rash":1,"fever":"yes","window_days":30}""",
        """{"id":3,"seizure":false,"psychosis":null,"alopecia":"no"}""",
        """{"id":"d1","cataract":1,"retinal_change":0,"diabetes":"x","malignancy":2}""",
        """{"id":"é-ü-😀","pga":1.25,"sledai":4,"prednisone_mg":7.5}""",
        """{"id":"b1","constitutional":"A","mucocutaneous":"B","renal":"E"}""",
        """{}""",
    ];

    private static readonly string[] Fragments =
    [
        "\\ud800", "\\udfff", "\\ud83d\\ude00", "\\ud83d", "\\u0000", "\\u", "\\", "\"", "{", "}", "[", "]", ",", ":", "1e400", "-1e-400", "-0",
        "0.00000000000000000000000000001", "79228162514264337593543950336", "NaN", "null", "true", "false", "\uFEFF", "😀", "\ud800", "\t", "\0",
        "{\"a\":{\"b\":[1,2]}}", "\"id\":\"dup\",\"id\":\"dup\"", "\"rash\":true,\"rash\":false", "//", "/*", "'",
    ];

    [Fact]
    public void Score_MutatedJsonLines_NeverFailsUnexpectedly()
    {
        var random = new Random(Seed);
        var instruments = InstrumentCatalog.All.Select(i => i.Key).ToArray();
        long lines = 0;
        for (var file = 0; file < Files; file++)
        {
            var text = MutatedFile(random, ref lines);
            var instrument = instruments[file % instruments.Length];

            var outcome = CliRunner.Run(text, "score", instrument);

            if (outcome.ExitCode is not (ExitCodes.Ok or ExitCodes.InvalidInput) || outcome.Error.Contains("unexpected", StringComparison.Ordinal))
            {
                Assert.Fail($"file {file} (seed {Seed}), stroma score {instrument}: exit {outcome.ExitCode}\n{outcome.Error}\ninput: {Escape(text)}");
            }
        }

        Assert.True(lines >= 3_000, $"only {lines} lines were tried");
    }

    private static string MutatedFile(Random random, ref long lines)
    {
        var text = new StringBuilder();
        var count = random.Next(40, 81);
        for (var i = 0; i < count; i++)
        {
            text.Append(Mutate(random, Corpus[random.Next(Corpus.Length)])).Append('\n');
        }

        lines += count;
        return text.ToString();
    }

    private static string Mutate(Random random, string line)
    {
        var s = new StringBuilder(line);
        var mutations = random.Next(0, 5);
        for (var m = 0; m < mutations; m++)
        {
            var at = random.Next(s.Length + 1);
            switch (random.Next(6))
            {
                case 0:
                    s.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 1 when s.Length > 0:
                    s.Remove(Math.Min(at, s.Length - 1), Math.Min(random.Next(1, 8), s.Length - Math.Min(at, s.Length - 1)));
                    break;
                case 2 when s.Length > 0:
                    s[Math.Min(at, s.Length - 1)] = (char)random.Next(0, 0x10000);
                    break;
                case 3 when s.Length > 0:
                    var from = random.Next(s.Length);
                    s.Insert(at, s.ToString(from, Math.Min(random.Next(1, 20), s.Length - from)));
                    break;
                case 4:
                    s.Length = Math.Min(at, s.Length);
                    break;
                default:
                    s.Insert(at, (char)random.Next(0x20, 0x7F));
                    break;
            }
        }

        return s.ToString();
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return escaped.ToString();
    }
}
