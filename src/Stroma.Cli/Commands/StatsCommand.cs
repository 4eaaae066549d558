using System.ComponentModel;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;

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
/// A streaming CSV reader for the statistics commands: reads only the named columns, one line at a time, and hands
/// out each needed cell as a span (no per-cell allocation unless the cell is quoted). RFC 4180 quoting within a line
/// is honoured; a quoted field spanning lines is not supported (reported as a malformed line).
/// </summary>
internal sealed class StatsCsvReader
{
    private readonly TextReader _reader;
    private readonly int[] _columnIndex;
    private readonly int[] _start;
    private readonly int[] _length;
    private readonly string?[] _unquoted;
    private readonly int _headerCount;
    private string _line = "";

    private StatsCsvReader(TextReader reader, int[] columnIndex, int headerCount)
    {
        _reader = reader;
        _columnIndex = columnIndex;
        _headerCount = headerCount;
        _start = new int[columnIndex.Length];
        _length = new int[columnIndex.Length];
        _unquoted = new string?[columnIndex.Length];
    }

    /// <summary>1-based line number of the current row (the header is line 1).</summary>
    public long Line { get; private set; } = 1;

    /// <summary>Opens the reader on the header row; reports each named column that is missing.</summary>
    public static StatsCsvReader? Open(TextReader reader, IReadOnlyList<(string Option, string Column)> columns, List<(long Line, Issue Issue)> issues)
    {
        var headerLine = reader.ReadLine();
        if (headerLine is null)
        {
            issues.Add((1, Issue.Error(IssueCodes.StatsTooFewData, "", "The file is empty; expected a header row and data rows.")));
            return null;
        }

        var header = SplitAll(headerLine.TrimStart('\uFEFF')).Select(h => h.Trim()).ToList();
        var index = new int[columns.Count];
        var ok = true;
        for (var i = 0; i < columns.Count; i++)
        {
            index[i] = header.IndexOf(columns[i].Column);
            if (index[i] < 0)
            {
                ok = false;
                issues.Add((1, Issue.Error(IssueCodes.StatsColumnNotFound, columns[i].Column,
                    $"The {columns[i].Option} column '{columns[i].Column}' is not in the header ({string.Join(", ", header)}).")));
            }
        }

        return ok ? new StatsCsvReader(reader, index, header.Count) : null;
    }

    /// <summary>Moves to the next non-blank line; false at the end. A malformed line yields an issue instead.</summary>
    public bool Next(out Issue? malformed)
    {
        malformed = null;
        while (_reader.ReadLine() is { } line)
        {
            Line++;
            if (line.Length == 0 || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            _line = line;
            var count = Locate(line);
            if (count != _headerCount)
            {
                malformed = Issue.Error(IssueCodes.MalformedRecord, "", $"Line {Line} cannot be read: it has {count} fields; the header has {_headerCount}.");
            }

            return true;
        }

        return false;
    }

    /// <summary>The k-th named column's cell on the current line, trimmed.</summary>
    public ReadOnlySpan<char> Cell(int k) => _unquoted[k] is { } text ? text.AsSpan() : _line.AsSpan(_start[k], _length[k]).Trim();

    /// <summary>Whether a cell is missing as R reads it: empty or NA.</summary>
    public static bool IsMissing(ReadOnlySpan<char> cell) => cell.IsEmpty || cell.SequenceEqual("NA");

    private int Locate(string line)
    {
        Array.Clear(_unquoted);
        var field = 0;
        var pos = 0;
        while (true)
        {
            int start = pos, end;
            string? unquoted = null;
            if (pos < line.Length && line[pos] == '"')
            {
                var sb = new StringBuilder();
                pos++;
                while (pos < line.Length)
                {
                    if (line[pos] == '"')
                    {
                        if (pos + 1 < line.Length && line[pos + 1] == '"')
                        {
                            sb.Append('"');
                            pos += 2;
                            continue;
                        }

                        pos++;
                        break;
                    }

                    sb.Append(line[pos++]);
                }

                unquoted = sb.ToString().Trim();
                end = pos;
                while (pos < line.Length && line[pos] != ',')
                {
                    pos++;
                }
            }
            else
            {
                var comma = line.IndexOf(',', pos);
                end = comma < 0 ? line.Length : comma;
                pos = end;
            }

            for (var k = 0; k < _columnIndex.Length; k++)
            {
                if (_columnIndex[k] == field)
                {
                    _start[k] = start;
                    _length[k] = end - start;
                    _unquoted[k] = unquoted;
                }
            }

            field++;
            if (pos >= line.Length)
            {
                return field;
            }

            pos++;
        }
    }

    private static List<string> SplitAll(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(ch);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }
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
    public static string Cell(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

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
        var csv = StatsCsvReader.Open(input, columns, issues);
        if (csv is null)
        {
            return null;
        }

        var result = new SurvivalColumns();
        var errors = issues.Count(i => i.Issue.IsError);
        var cov = new double[covariates.Count];
        while (csv.Next(out var malformed))
        {
            if (malformed is not null)
            {
                issues.Add((csv.Line, malformed));
                continue;
            }

            var missing = -1;
            for (var k = 0; k < columns.Count && missing < 0; k++)
            {
                if (StatsCsvReader.IsMissing(csv.Cell(k)))
                {
                    missing = k;
                }
            }

            if (missing >= 0)
            {
                issues.Add((csv.Line, Issue.Warning(IssueCodes.StatsMissingDropped, columns[missing].Item2,
                    $"The {columns[missing].Item1} cell is empty or NA; the row is dropped (as R's na.omit).")));
                continue;
            }

            var ok = true;
            var t = StatsFormat.Number(csv.Cell(0));
            if (t is null)
            {
                ok = false;
                issues.Add((csv.Line, Issue.Error(IssueCodes.StatsNotANumber, time, $"'{csv.Cell(0)}' is not a number; the time must be a number.")));
            }
            else if (t < 0)
            {
                ok = false;
                issues.Add((csv.Line, Issue.Error(IssueCodes.StatsNegativeTime, time, $"The time {csv.Cell(0)} is negative.")));
            }

            var e = StatsFormat.Event(csv.Cell(1));
            if (e < 0)
            {
                ok = false;
                issues.Add((csv.Line, Issue.Error(IssueCodes.StatsBadEvent, evt, $"'{csv.Cell(1)}' is not an event code; expected 0/1, 1/2 (2 = event) or TRUE/FALSE.")));
            }

            for (var c = 0; c < covariates.Count; c++)
            {
                var v = StatsFormat.Number(csv.Cell(firstCovariate + c));
                if (v is null)
                {
                    ok = false;
                    issues.Add((csv.Line, Issue.Error(IssueCodes.StatsNotANumber, covariates[c], $"'{csv.Cell(firstCovariate + c)}' is not a number; covariates must be numeric (code categories as 0/1 columns).")));
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
                result.EventLine.Add(csv.Line);
            }

            if (groupIndex >= 0)
            {
                result.Group.Add(result.Groups.Code(csv.Cell(groupIndex)));
            }

            if (strataIndex >= 0)
            {
                result.Stratum.Add(result.Strata.Code(csv.Cell(strataIndex)));
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
            issues.Add((csv.Line, Issue.Error(IssueCodes.StatsTooFewData, "", "No usable rows.")));
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
