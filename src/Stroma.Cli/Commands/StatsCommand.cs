using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Commands;

/// <summary>Settings shared by the <c>stroma stats</c> commands that read a CSV file.</summary>
public class StatsFileSettings : CommandSettings
{
    [CommandArgument(0, "[FILE]")]
    [Description("CSV file with a header row; standard input when omitted or '-'.")]
    [TypeConverter(typeof(StandardInputArgument.Converter))]
    public string? File { get; init; }

    [CommandOption("-f|--format <FORMAT>")]
    [Description("csv (default) or json.")]
    [DefaultValue("csv")]
    public string Format { get; init; } = "csv";

    public override ValidationResult Validate()
    {
        if (Format is not ("csv" or "json"))
        {
            return ValidationResult.Error($"Unknown format '{Format}'; expected csv or json.");
        }

        return File is not null and not "-" && !System.IO.File.Exists(File)
            ? ValidationResult.Error($"Input file '{File}' does not exist.")
            : ValidationResult.Success();
    }
}

/// <summary>
/// The named columns of a CSV file, row by row, read through the CLI's one CSV reader (<see cref="CsvRecordReader"/>:
/// RFC 4180, streaming, a malformed line reported and skipped). Cells are trimmed text; an empty cell is null.
/// </summary>
internal static class StatsCsv
{
    /// <summary>
    /// Yields (line, cells) with one cell per named column. A malformed line is added to <paramref name="issues"/> and
    /// skipped; a named column missing from the header (seen on the first readable row) is reported on line 1 and ends
    /// the reading; a file with no data rows is reported as too little data.
    /// </summary>
    public static IEnumerable<(long Line, string?[] Cells)> Read(TextReader reader, IReadOnlyList<(string Option, string Column)> columns, List<(long Line, Issue Issue)> issues)
    {
        var checkedHeader = false;
        var any = false;
        foreach (var record in CsvRecordReader.Read(reader))
        {
            any = true;
            if (record.Items is null)
            {
                issues.Add((record.Line, record.Problem!));
                continue;
            }

            if (!checkedHeader)
            {
                checkedHeader = true;
                var header = (record.Id is null ? record.Items.Keys : record.Items.Keys.Prepend("id")).ToList();
                var missing = columns.Where(c => c.Column != "id" && !record.Items.ContainsKey(c.Column)).ToList();
                foreach (var (option, column) in missing)
                {
                    issues.Add((1, Issue.Error(IssueCodes.StatsColumnNotFound, column,
                        $"The {option} column '{column}' is not in the header ({string.Join(", ", header)}).")));
                }

                if (missing.Count > 0)
                {
                    yield break;
                }
            }

            var cells = new string?[columns.Count];
            for (var k = 0; k < cells.Length; k++)
            {
                // CsvRecordReader hands the id column out as the record's Id rather than as an item.
                cells[k] = columns[k].Column == "id" ? record.Id
                    : record.Items.TryGetValue(columns[k].Column, out var v) && v.Kind != ItemValueKind.Null ? v.Text : null;
            }

            yield return (record.Line, cells);
        }

        if (!any)
        {
            issues.Add((1, Issue.Error(IssueCodes.StatsTooFewData, "", "The file has no data rows; expected a header row and data rows.")));
        }
    }

    /// <summary>Whether a cell is missing as R reads it: empty or NA.</summary>
    public static bool IsMissing(string? cell) => cell is null or "NA";
}

/// <summary>Shared parsing and formatting for the statistics commands.</summary>
internal static class StatsFormat
{
    /// <summary>A finite number, or null.</summary>
    public static double? Number(ReadOnlySpan<char> cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    /// <summary>Event cell as R's Surv reads it: 0/1/2 or TRUE/FALSE (T/F); −1 when it is none of them.</summary>
    public static int Event(ReadOnlySpan<char> cell) => cell switch
    {
        "0" or "0.0" or "FALSE" or "false" or "F" => 0,
        "1" or "1.0" or "TRUE" or "true" or "T" => 1,
        "2" or "2.0" => 2,
        _ => -1,
    };

    /// <summary>Shortest round-trip text of a double (R prints 15 significant digits; we keep all 17).</summary>
    public static string Text(double value, string notAvailable = "NA") =>
        double.IsNaN(value) ? notAvailable : double.IsPositiveInfinity(value) ? "Inf" : double.IsNegativeInfinity(value) ? "-Inf"
            : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>CSV cell text: quoted when it holds a comma, quote or line break.</summary>
    public static string Cell(string text)
    {
        // Group and covariate names come from the input file: neutralised like every CSV cell Stroma writes.
        text = Stroma.Data.Export.SafeCsvWriter.Neutralise(text);
        return text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>Levels in R's factor order: numeric when every level is a number, otherwise ordinal text order.</summary>
    public static int[] LevelOrder(IReadOnlyList<string> levels)
    {
        var numbers = levels.Select(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null).ToArray();
        var indices = Enumerable.Range(0, levels.Count);
        return numbers.All(n => n is not null)
            ? [.. indices.OrderBy(i => numbers[i]!.Value)]
            : [.. indices.OrderBy(i => levels[i], StringComparer.Ordinal)];
    }

    public static void Report(CliIo io, IEnumerable<(long Line, Issue Issue)> issues)
    {
        foreach (var (line, issue) in issues)
        {
            io.Error.WriteLine($"line {line}: {issue}");
        }
    }
}

/// <summary>Codes text levels (groups, strata) as 0..k−1 in first-seen order, without allocating for known levels.</summary>
internal sealed class LevelCoder
{
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public LevelCoder() => _lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();

    public List<string> Levels { get; } = [];

    public int Code(ReadOnlySpan<char> level)
    {
        if (_lookup.TryGetValue(level, out var code))
        {
            return code;
        }

        var text = level.ToString();
        _codes[text] = Levels.Count;
        Levels.Add(text);
        return Levels.Count - 1;
    }

    /// <summary>Recodes to R's level order; returns the sorted names and rewrites the codes in place.</summary>
    public string[] Sort(Span<int> codes)
    {
        var order = StatsFormat.LevelOrder(Levels);
        var remap = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            remap[order[i]] = i;
        }

        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = remap[codes[i]];
        }

        return [.. order.Select(i => Levels[i])];
    }
}

/// <summary>
/// Reads survival columns (time, event, optional group and strata) streaming, with R's rules: rows with a missing
/// needed cell are dropped with a warning (na.omit); events coded 0/1, 1/2 (2 = event) or TRUE/FALSE.
/// </summary>
internal sealed class SurvivalColumns
{
    public List<double> Time { get; } = [];

    public List<int> EventCode { get; } = [];

    public List<long> EventLine { get; } = [];

    public List<int> Group { get; } = [];

    public List<int> Stratum { get; } = [];

    public List<double[]> Covariates { get; } = [];

    public LevelCoder Groups { get; } = new();

    public LevelCoder Strata { get; } = new();

    public static SurvivalColumns? Read(TextReader input, string time, string evt, string? group, string? strata, IReadOnlyList<string> covariates, List<(long Line, Issue Issue)> issues)
    {
        var columns = new List<(string, string)> { ("--time", time), ("--event", evt) };
        var groupIndex = -1;
        var strataIndex = -1;
        if (group is not null)
        {
            groupIndex = columns.Count;
            columns.Add(("--group", group));
        }

        if (strata is not null)
        {
            strataIndex = columns.Count;
            columns.Add(("--strata", strata));
        }

        var firstCovariate = columns.Count;
        columns.AddRange(covariates.Select(c => ("--covariate", c)));
        var result = new SurvivalColumns();
        var errors = issues.Count(i => i.Issue.IsError);
        var cov = new double[covariates.Count];
        long lastLine = 1;
        foreach (var (line, cell) in StatsCsv.Read(input, columns, issues))
        {
            lastLine = line;
            var missing = Array.FindIndex(cell, StatsCsv.IsMissing);
            if (missing >= 0)
            {
                issues.Add((line, Issue.Warning(IssueCodes.StatsMissingDropped, columns[missing].Item2,
                    $"The {columns[missing].Item1} cell is empty or NA; the row is dropped (as R's na.omit).")));
                continue;
            }

            var ok = true;
            var t = StatsFormat.Number(cell[0]);
            if (t is null)
            {
                ok = false;
                issues.Add((line, Issue.Error(IssueCodes.StatsNotANumber, time, $"'{cell[0]}' is not a number; the time must be a number.")));
            }
            else if (t < 0)
            {
                ok = false;
                issues.Add((line, Issue.Error(IssueCodes.StatsNegativeTime, time, $"The time {cell[0]} is negative.")));
            }

            var e = StatsFormat.Event(cell[1]);
            if (e < 0)
            {
                ok = false;
                issues.Add((line, Issue.Error(IssueCodes.StatsBadEvent, evt, $"'{cell[1]}' is not an event code; expected 0/1, 1/2 (2 = event) or TRUE/FALSE.")));
            }

            for (var c = 0; c < covariates.Count; c++)
            {
                var v = StatsFormat.Number(cell[firstCovariate + c]);
                if (v is null)
                {
                    ok = false;
                    issues.Add((line, Issue.Error(IssueCodes.StatsNotANumber, covariates[c], $"'{cell[firstCovariate + c]}' is not a number; covariates must be numeric (code categories as 0/1 columns).")));
                }
                else
                {
                    cov[c] = v.Value;
                }
            }

            if (!ok)
            {
                continue;
            }

            result.Time.Add(t!.Value);
            result.EventCode.Add(e);
            if (e == 2)
            {
                result.EventLine.Add(line);
            }

            if (groupIndex >= 0)
            {
                result.Group.Add(result.Groups.Code(cell[groupIndex]));
            }

            if (strataIndex >= 0)
            {
                result.Stratum.Add(result.Strata.Code(cell[strataIndex]));
            }

            if (covariates.Count > 0)
            {
                result.Covariates.Add((double[])cov.Clone());
            }
        }

        if (issues.Count(i => i.Issue.IsError) > errors)
        {
            return null;
        }

        if (result.Time.Count == 0)
        {
            issues.Add((lastLine, Issue.Error(IssueCodes.StatsTooFewData, "", "No usable rows.")));
            return null;
        }

        return result;
    }

    /// <summary>Events as R's Surv codes them: 0/1 as is; 1/2 with 2 = event when no 0 occurs; a 0 beside a 2 is an error.</summary>
    public bool[]? Events(string column, List<(long Line, Issue Issue)> issues)
    {
        var codes = EventCode;
        var hasTwo = EventLine.Count > 0;
        var hasZero = hasTwo && codes.Contains(0);
        if (hasZero)
        {
            issues.Add((EventLine[0], Issue.Error(IssueCodes.StatsBadEvent, column, "The event column mixes 0 with 2; use 0/1 or 1/2 (2 = event), not both.")));
            return null;
        }

        var events = new bool[codes.Count];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = hasTwo ? codes[i] == 2 : codes[i] == 1;
        }

        return events;
    }
}
