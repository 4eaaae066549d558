using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Statistics;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma stats paired FILE --before COL --after COL</c>: descriptives of both columns and of the differences,
/// the paired t-test and the Wilcoxon signed-rank test of after − before (R's t.test / wilcox.test, paired = TRUE).
/// </summary>
public sealed class StatsPairedCommand(CliIo io) : Command<StatsPairedCommand.Settings>
{
    public sealed class Settings : StatsFileSettings
    {
        [CommandOption("--before <COL>")]
        [Description("Column holding the baseline measurement.")]
        public string? Before { get; init; }

        [CommandOption("--after <COL>")]
        [Description("Column holding the follow-up measurement.")]
        public string? After { get; init; }

        [CommandOption("--exact <WHEN>")]
        [Description("Wilcoxon exact test: auto (R's default: exact when n < 50 with no ties or zeros), true or false.")]
        [DefaultValue("auto")]
        public string Exact { get; init; } = "auto";

        [CommandOption("--correct <BOOL>")]
        [Description("Continuity correction of the Wilcoxon normal approximation: true (R's default) or false.")]
        [DefaultValue("true")]
        public string Correct { get; init; } = "true";

        [CommandOption("--conf <LEVEL>")]
        [Description("Confidence level of the t interval and the Hodges-Lehmann interval, default 0.95.")]
        [DefaultValue(0.95)]
        public double Conf { get; init; } = 0.95;

        public bool? ExactChoice => Exact switch { "true" => true, "false" => false, _ => null };

        public override ValidationResult Validate() =>
            Before is null || After is null ? ValidationResult.Error("Name the --before and --after columns.")
            : Exact is not ("auto" or "true" or "false") ? ValidationResult.Error($"Unknown --exact '{Exact}'; expected auto, true or false.")
            : Correct is not ("true" or "false") ? ValidationResult.Error($"Unknown --correct '{Correct}'; expected true or false.")
            : Conf is <= 0 or >= 1 ? ValidationResult.Error("--conf must be between 0 and 1.")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var issues = new List<(long Line, Issue Issue)>();
        using var input = settings.File is null or "-" ? null : io.OpenInput(settings.File);
        var before = new List<double?>();
        var after = new List<double?>();
        long lastLine = 1;
        foreach (var (line, cells) in StatsCsv.Read(input ?? io.In, [("--before", settings.Before!), ("--after", settings.After!)], issues))
        {
            lastLine = line;
            before.Add(Read(line, cells[0], "--before", settings.Before!, issues));
            after.Add(Read(line, cells[1], "--after", settings.After!, issues));
        }

        var complete = before.Zip(after).Count(p => p.First is not null && p.Second is not null);
        if (complete < 2 && !issues.Any(i => i.Issue.IsError))
        {
            issues.Add((lastLine, Issue.Error(IssueCodes.StatsTooFewData, "", $"{complete} complete pair(s); the paired tests need at least 2.")));
        }

        StatsFormat.Report(io, issues);
        if (issues.Any(i => i.Issue.IsError))
        {
            return ExitCodes.InvalidInput;
        }

        var differences = before.Zip(after, (b, a) => a - b).ToList();
        var summaries = new (string Name, DescriptiveSummary Summary)[]
        {
            ("before", Descriptive.Summarise(before)), ("after", Descriptive.Summarise(after)), ("difference", Descriptive.Summarise(differences)),
        };
        var t = PairedTests.TTest(before, after, settings.Conf);
        var w = PairedTests.Wilcoxon(before, after, settings.ExactChoice, settings.Correct == "true", settings.Conf);
        var warnings = new List<(long Line, Issue Issue)>();
        if (w.ExactImpossible)
        {
            warnings.Add((1, Issue.Warning(IssueCodes.StatsExactImpossible, settings.After!,
                $"The exact Wilcoxon test cannot be computed with {(w.Zeros > 0 ? "zero differences" : w.N >= 1000 ? "1000 or more differences (here)" : "tied differences")}; the normal approximation is used, as R does.")));
        }

        if (w.ConfidenceLevelReduced)
        {
            warnings.Add((1, Issue.Warning(IssueCodes.StatsConfidenceNotAchievable, settings.After!,
                $"The requested confidence level {StatsFormat.Text(settings.Conf)} is not achievable with these differences; the Hodges-Lehmann interval has level {StatsFormat.Text(w.ConfidenceLevel)}, as R reports.")));
        }

        StatsFormat.Report(io, warnings);
        if (settings.Format == "json")
        {
            WriteJson(io.Out, summaries, t, w);
        }
        else
        {
            WriteCsv(io.Out, summaries, t, w);
        }

        return ExitCodes.Ok;
    }

    private static double? Read(long line, string? cell, string option, string column, List<(long Line, Issue Issue)> issues)
    {
        if (StatsCsv.IsMissing(cell))
        {
            issues.Add((line, Issue.Warning(IssueCodes.StatsMissingDropped, column,
                $"The {option} cell is empty or NA; the pair is left out of the paired tests (as R's complete.cases) but the other value still counts in its column's summary.")));
            return null;
        }

        var v = StatsFormat.Number(cell);
        if (v is null)
        {
            issues.Add((line, Issue.Error(IssueCodes.StatsNotANumber, column, $"'{cell}' is not a number.")));
        }

        return v;
    }

    private static void WriteCsv(TextWriter o, (string Name, DescriptiveSummary Summary)[] summaries, PairedTTestResult t, WilcoxonResult w)
    {
        o.Write("section,statistic,value\n");
        foreach (var (name, s) in summaries)
        {
            foreach (var (key, value) in Fields(s))
            {
                o.Write($"{name},{key},{StatsFormat.Text(value)}\n");
            }
        }

        foreach (var (key, value) in Fields(t))
        {
            o.Write($"paired_t,{key},{StatsFormat.Text(value)}\n");
        }

        foreach (var (key, value) in Fields(w))
        {
            o.Write($"wilcoxon,{key},{StatsFormat.Text(value)}\n");
        }

        o.Write($"wilcoxon,method,{Method(w)}\n");
    }

    private static void WriteJson(TextWriter o, (string Name, DescriptiveSummary Summary)[] summaries, PairedTTestResult t, WilcoxonResult w)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            foreach (var (name, s) in summaries)
            {
                Object(j, name, Fields(s));
            }

            Object(j, "paired_t", Fields(t));
            j.WriteStartObject("wilcoxon");
            foreach (var (key, value) in Fields(w))
            {
                StatsJson.Number(j, key, value);
            }

            j.WriteString("method", Method(w));
            j.WriteEndObject();
            j.WriteEndObject();
        }

        o.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        o.Write('\n');
    }

    private static void Object(Utf8JsonWriter j, string name, IEnumerable<(string Key, double Value)> fields)
    {
        j.WriteStartObject(name);
        foreach (var (key, value) in fields)
        {
            StatsJson.Number(j, key, value);
        }

        j.WriteEndObject();
    }

    private static (string, double)[] Fields(DescriptiveSummary s) =>
        [("n", s.N), ("missing", s.Missing), ("mean", s.Mean), ("sd", s.StandardDeviation), ("median", s.Median), ("q1", s.Q1), ("q3", s.Q3), ("iqr", s.Iqr), ("min", s.Min), ("max", s.Max)];

    private static (string, double)[] Fields(PairedTTestResult t) =>
        [("n", t.N), ("mean_difference", t.MeanDifference), ("t", t.T), ("df", t.DegreesOfFreedom), ("p", t.P), ("lower", t.Lower), ("upper", t.Upper)];

    private static (string, double)[] Fields(WilcoxonResult w) =>
        [("n", w.N), ("zeros", w.Zeros), ("v", w.V), ("p", w.P), ("estimate", w.Estimate), ("lower", w.Lower), ("upper", w.Upper), ("conf_level", w.ConfidenceLevel)];

    private static string Method(WilcoxonResult w) =>
        w.Exact ? "exact" : w.Corrected ? "normal approximation with continuity correction" : "normal approximation";
}
