using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;
using Stroma.Clinical.Time;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma labs interpret [FILE]</c>: reads lab results (CSV or JSON Lines), writes each result normalised with its
/// flag and the range used, then per specimen (id + taken_at) the derived values, SLEDAI-2K suggestions and BILAG-2004
/// lab items. Bad rows are reported on standard error (line and field) and skipped; the rest are still processed.
/// </summary>
public sealed class LabsInterpretCommand(CliIo io) : Command<LabsInterpretCommand.Settings>
{
    /// <summary>The input fields (docs/labs.md).</summary>
    public static IReadOnlyList<string> Fields { get; } = ["analyte", "value", "unit", "taken_at", "lab", "sex", "age"];

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("Results file; standard input when omitted or '-'.")]
        [TypeConverter(typeof(StandardInputArgument.Converter))]
        public string? File { get; init; }

        [CommandOption("-f|--format <FORMAT>")]
        [Description("jsonl (default: one JSON object per line in; one per specimen out) or csv (header row in and out).")]
        [DefaultValue("jsonl")]
        public string Format { get; init; } = "jsonl";

        [CommandOption("--ranges <FILE>")]
        [Description("CSV of the site's laboratory reference ranges (docs/labs.md); defaults are used where a lab has none.")]
        public string? Ranges { get; init; }

        public override ValidationResult Validate()
        {
            if (Format is not ("jsonl" or "csv"))
            {
                return ValidationResult.Error($"Unknown format '{Format}'; expected jsonl or csv.");
            }

            if (File is not null and not "-" && !System.IO.File.Exists(File))
            {
                return ValidationResult.Error($"Input file '{File}' does not exist.");
            }

            if (Ranges is not null && !System.IO.File.Exists(Ranges))
            {
                return ValidationResult.Error($"Ranges file '{Ranges}' does not exist.");
            }

            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var ranges = ReferenceRangeSet.Default;
        if (settings.Ranges is not null)
        {
            using var reader = io.OpenInput(settings.Ranges);
            var (set, ok) = ReadRanges(io, reader);
            if (!ok)
            {
                return ExitCodes.InvalidInput;
            }

            ranges = set;
        }

        using var input = settings.File is null or "-" ? null : io.OpenInput(settings.File);
        var records = settings.Format == "csv" ? CsvRecordReader.Read(input ?? io.In) : JsonLinesReader.Read(input ?? io.In);
        var groups = new List<Specimen>();
        var byKey = new Dictionary<(string, string), Specimen>();
        var errors = false;
        var reported = new List<(long Line, Issue Issue)>();
        void Report(long line, IEnumerable<Issue> issues) => reported.AddRange(issues.Select(i => (line, i)));
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var issues = new List<Issue>();
            if (record.Items is null)
            {
                Report(record.Line, [record.Problem!]);
                errors = true;
                continue;
            }

            var f = ReadFields(record.Items, issues);
            if (record.Id is null)
            {
                issues.Add(Issue.Error(IssueCodes.MissingId, "id", "No patient or specimen id."));
            }

            var takenAt = f.GetValueOrDefault("taken_at");
            if (takenAt is null)
            {
                issues.Add(Issue.Error(IssueCodes.MissingItem, "taken_at", "No taken_at (ISO 8601 date or date-time)."));
            }
            else if (!DateOnly.TryParseExact(takenAt, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                     && !InstantPattern.Parse(takenAt, "taken_at").Success)
            {
                issues.Add(Issue.Error(IssueCodes.InvalidTakenAt, "taken_at", $"\"{takenAt}\" is not an ISO 8601 date (2015-09-26) or date-time with its UTC offset (2015-09-26T08:30+08:00)."));
            }

            Sex? sex = null;
            if (f.GetValueOrDefault("sex") is { } sexText && (sex = ReferenceRangeReader.ParseSex(sexText)) is null)
            {
                issues.Add(Issue.Error(IssueCodes.InvalidDemographics, "sex", $"Sex \"{sexText}\" is not female/f or male/m."));
            }

            int? age = null;
            if (f.GetValueOrDefault("age") is { } ageText)
            {
                if (int.TryParse(ageText, NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a <= 150)
                {
                    age = a;
                }
                else
                {
                    issues.Add(Issue.Error(IssueCodes.InvalidDemographics, "age", $"Age \"{ageText}\" is not whole years 0-150."));
                }
            }

            // Analyte, value and unit are read once the specimen's sex and age are known (they may be on another row).
            if (issues.Any(i => i.IsError))
            {
                issues.AddRange(LabInterpreter.Interpret(
                    new LabObservation(f.GetValueOrDefault("analyte"), f.GetValueOrDefault("value"), f.GetValueOrDefault("unit")), ReferenceRangeSet.Default)
                    .Issues.Where(i => i.IsError));
                Report(record.Line, issues);
                errors = true;
                continue;
            }

            var key = (record.Id!, takenAt!);
            if (!byKey.TryGetValue(key, out var specimen))
            {
                specimen = new Specimen(record.Id!, takenAt!);
                byKey[key] = specimen;
                groups.Add(specimen);
            }

            var observation = new LabObservation(f.GetValueOrDefault("analyte"), f.GetValueOrDefault("value"), f.GetValueOrDefault("unit"))
            {
                LabId = f.GetValueOrDefault("lab"),
                SourceId = record.Line.ToString(CultureInfo.InvariantCulture),
            };
            if (!specimen.Add(observation, sex, age, out var conflict))
            {
                Report(record.Line, [Issue.Error(IssueCodes.InvalidDemographics, conflict!, $"The {conflict} differs from earlier rows of specimen {record.Id} at {takenAt}.")]);
                errors = true;
            }
        }

        var panels = new List<(Specimen Specimen, LabPanelInterpretation Panel)>();
        foreach (var specimen in groups)
        {
            var results = new List<LabResult>();
            foreach (var observation in specimen.Observations)
            {
                var interpretation = LabInterpreter.Interpret(observation with { Sex = specimen.Sex, Age = specimen.Age }, ranges);
                Report(long.Parse(observation.SourceId!, CultureInfo.InvariantCulture), interpretation.Issues);
                errors |= interpretation.Issues.Any(i => i.IsError);
                if (interpretation.Result is not null)
                {
                    results.Add(interpretation.Result);
                }
            }

            if (results.Count == 0)
            {
                continue;
            }

            panels.Add((specimen, LabPanelInterpreter.Interpret(results, specimen.Sex, specimen.Age, specimen.LabId, ranges)));
        }

        // Row issues in line order first, then each specimen's derived-value issues, then the results.
        foreach (var (line, issue) in reported.OrderBy(r => r.Line))
        {
            io.Error.WriteLine($"line {line}: {issue}");
        }

        using var writer = LabsOutputWriter.Create(settings.Format, io.Out);
        foreach (var (specimen, panel) in panels)
        {
            foreach (var issue in panel.Issues)
            {
                io.Error.WriteLine($"specimen {specimen.Id} {specimen.TakenAt}: {issue}");
            }

            writer.Write(specimen.Id, specimen.TakenAt, specimen.Sex, specimen.Age, panel);
        }

        return errors ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }

    private static Dictionary<string, string?> ReadFields(IReadOnlyDictionary<string, ItemValue> items, List<Issue> issues)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            if (!Fields.Contains(key))
            {
                issues.Add(Issue.Error(IssueCodes.UnknownItem, key, $"Unknown field '{key}'; expected id, {string.Join(", ", Fields)}."));
                continue;
            }

            fields[key] = value.Kind switch
            {
                ItemValueKind.Null => null,
                ItemValueKind.Number => value.Number.ToString(CultureInfo.InvariantCulture),
                ItemValueKind.Text => value.Text,
                _ => Wrong(key, value),
            };
        }

        return fields;

        string? Wrong(string key, ItemValue value)
        {
            issues.Add(Issue.Error(IssueCodes.WrongType, key, $"'{key}' is {value}; expected text or a number."));
            return null;
        }
    }

    private static (ReferenceRangeSet Set, bool Ok) ReadRanges(CliIo io, TextReader reader)
    {
        var ranges = new List<ReferenceRange>();
        var ok = true;
        foreach (var record in CsvRecordReader.Read(reader))
        {
            if (record.Items is null)
            {
                io.Error.WriteLine($"ranges line {record.Line}: {record.Problem}");
                ok = false;
                continue;
            }

            var fields = record.Items.ToDictionary(kv => kv.Key, kv => kv.Value.Kind == ItemValueKind.Null ? null : kv.Value.Text);
            var (range, issues) = ReferenceRangeReader.Read(fields);
            foreach (var issue in issues)
            {
                io.Error.WriteLine($"ranges line {record.Line}: {issue}");
            }

            if (range is null)
            {
                ok = false;
            }
            else
            {
                ranges.Add(range);
            }
        }

        return (new ReferenceRangeSet(ranges, DefaultRanges.All), ok);
    }

    private sealed class Specimen(string id, string takenAt)
    {
        public string Id { get; } = id;

        public string TakenAt { get; } = takenAt;

        public List<LabObservation> Observations { get; } = [];

        public Sex? Sex { get; private set; }

        public int? Age { get; private set; }

        public string? LabId { get; private set; }

        public bool Add(LabObservation observation, Sex? sex, int? age, out string? conflict)
        {
            conflict = sex is not null && Sex is not null && sex != Sex ? "sex"
                : age is not null && Age is not null && age != Age ? "age"
                : null;
            if (conflict is not null)
            {
                return false;
            }

            Sex ??= sex;
            Age ??= age;
            LabId ??= observation.LabId;
            Observations.Add(observation);
            return true;
        }
    }
}
