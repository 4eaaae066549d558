using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Statistics;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma stats mcnemar FILE --before COL --after COL</c> or <c>stroma stats mcnemar --table a,b,c,d</c>: McNemar's
/// test of a paired binary outcome (response at baseline and at follow-up in the same patients), with and without the
/// continuity correction (R's <c>mcnemar.test</c>) and exact (R's <c>binom.test(b, b + c)</c>).
/// </summary>
public sealed class StatsMcNemarCommand(CliIo io) : Command<StatsMcNemarCommand.Settings>
{
    public sealed class Settings : StatsFileSettings
    {
        [CommandOption("--before <COL>")]
        [Description("Column holding the baseline outcome: 0/1 or TRUE/FALSE.")]
        public string? Before { get; init; }

        [CommandOption("--after <COL>")]
        [Description("Column holding the follow-up outcome: 0/1 or TRUE/FALSE.")]
        public string? After { get; init; }

        [CommandOption("--table <A,B,C,D>")]
        [Description("The 2x2 counts instead of a file, row by row: a = 0/0, b = 0/1, c = 1/0, d = 1/1 (before/after).")]
        public string? Table { get; init; }

        public int[]? Counts => Table?.Split(',', StringSplitOptions.TrimEntries)
            .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();

        public override ValidationResult Validate()
        {
            if (Table is not null)
            {
                return File is not null ? ValidationResult.Error("Give either FILE with --before and --after, or --table, not both.")
                    : Counts is not { Length: 4 } counts || counts.Any(c => c < 0) ? ValidationResult.Error($"--table '{Table}' must be four non-negative whole counts a,b,c,d.")
                    : counts[1] + counts[2] == 0 ? ValidationResult.Error("--table has no discordant pairs (b = c = 0): McNemar's test is undefined.")
                    : Format is not ("csv" or "json") ? ValidationResult.Error($"Unknown format '{Format}'; expected csv or json.")
                    : ValidationResult.Success();
            }

            return Before is null || After is null ? ValidationResult.Error("Name the --before and --after columns, or give --table a,b,c,d.") : base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var counts = settings.Counts ?? Read(io, settings);
        if (counts is null)
        {
            return ExitCodes.InvalidInput;
        }

        int a = counts[0], b = counts[1], c = counts[2], d = counts[3];
        var tests = new (string Method, McNemarResult Result, int? Df)[]
        {
            ("chisq-corrected", PairedTests.McNemar(a, b, c, d), 1),
            ("chisq", PairedTests.McNemar(a, b, c, d, correct: false), 1),
            ("exact", PairedTests.McNemarExact(b, c), null),
        };
        if (settings.Format == "json")
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteStartObject("table");
                w.WriteNumber("a", a);
                w.WriteNumber("b", b);
                w.WriteNumber("c", c);
                w.WriteNumber("d", d);
                w.WriteEndObject();
                w.WriteStartArray("tests");
                foreach (var (method, result, df) in tests)
                {
                    w.WriteStartObject();
                    w.WriteString("method", method);
                    StatsJson.Number(w, "statistic", result.Statistic);
                    StatsJson.Number(w, "df", df);
                    StatsJson.Number(w, "p", result.P);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            io.Out.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            io.Out.Write('\n');
            return ExitCodes.Ok;
        }

        io.Out.Write("method,a,b,c,d,statistic,df,p\n");
        foreach (var (method, result, df) in tests)
        {
            io.Out.Write($"{method},{a},{b},{c},{d},{StatsFormat.Text(result.Statistic)},{(df is { } k ? k.ToString(CultureInfo.InvariantCulture) : "NA")},{StatsFormat.Text(result.P)}\n");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Counts the 2×2 table from the file; null (issues reported) when it cannot be used.</summary>
    private static int[]? Read(CliIo io, Settings settings)
    {
        var issues = new List<(long Line, Issue Issue)>();
        using var input = settings.File is null or "-" ? null : io.OpenInput(settings.File);
        var counts = new int[4];
        long lastLine = 1;
        var options = new[] { ("--before", settings.Before!), ("--after", settings.After!) };
        foreach (var (line, cells) in StatsCsv.Read(input ?? io.In, options, issues))
        {
            lastLine = line;
            var missing = Array.FindIndex(cells, StatsCsv.IsMissing);
            if (missing >= 0)
            {
                issues.Add((line, Issue.Warning(IssueCodes.StatsMissingDropped, options[missing].Item2,
                    $"The {options[missing].Item1} cell is empty or NA; the pair is dropped (as R's complete.cases).")));
                continue;
            }

            var x = Binary(cells[0]);
            var y = Binary(cells[1]);
            for (var k = 0; k < 2; k++)
            {
                if ((k == 0 ? x : y) < 0)
                {
                    issues.Add((line, Issue.Error(IssueCodes.StatsNotBinary, options[k].Item2, $"'{cells[k]}' is not a binary outcome; expected 0/1 or TRUE/FALSE.")));
                }
            }

            if (x >= 0 && y >= 0)
            {
                counts[(2 * x) + y]++;
            }
        }

        if (!issues.Any(i => i.Issue.IsError) && counts[1] + counts[2] == 0)
        {
            issues.Add((lastLine, Issue.Error(IssueCodes.StatsTooFewData, "",
                $"No discordant pairs (a = {counts[0]}, d = {counts[3]}): McNemar's test is undefined.")));
        }

        StatsFormat.Report(io, issues);
        return issues.Any(i => i.Issue.IsError) ? null : counts;
    }

    private static int Binary(string? cell) => cell switch
    {
        "0" or "FALSE" or "false" or "F" => 0,
        "1" or "TRUE" or "true" or "T" => 1,
        _ => -1,
    };
}
