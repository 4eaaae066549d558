using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma score &lt;instrument&gt; [FILE]</c>: scores assessments in bulk, streaming. Bad lines never stop the
/// batch: each problem goes to standard error with its line number, and the exit code is 1 if any line had an error.
/// </summary>
public sealed class ScoreCommand(CliIo io) : Command<ScoreCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[INSTRUMENT]")]
        [Description("Instrument key (see --list), e.g. sledai2k, bilag2004, sdi, eular_acr_2019.")]
        public string? Instrument { get; init; }

        [CommandArgument(1, "[FILE]")]
        [Description("Input file; standard input when omitted or '-'.")]
        [TypeConverter(typeof(StandardInputArgument.Converter))]
        public string? File { get; init; }

        [CommandOption("-f|--format <FORMAT>")]
        [Description("jsonl (default: one JSON object per line in and out) or csv (a header row in and out).")]
        [DefaultValue("jsonl")]
        public string Format { get; init; } = "jsonl";

        [CommandOption("--list")]
        [Description("List the instruments with their versions and exit.")]
        public bool List { get; init; }

        public override ValidationResult Validate()
        {
            if (List)
            {
                return ValidationResult.Success();
            }

            if (Instrument is null)
            {
                return ValidationResult.Error("Name an instrument (stroma score --list shows them).");
            }

            if (InstrumentCatalog.Find(Instrument) is null)
            {
                return ValidationResult.Error($"Unknown instrument '{Instrument}'; expected one of: {string.Join(", ", InstrumentCatalog.All.Select(i => i.Key))}.");
            }

            if (Format is not ("jsonl" or "csv"))
            {
                return ValidationResult.Error($"Unknown format '{Format}'; expected jsonl or csv.");
            }

            if (File is not null and not "-" && !System.IO.File.Exists(File))
            {
                return ValidationResult.Error($"Input file '{File}' does not exist.");
            }

            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.List)
        {
            foreach (var i in InstrumentCatalog.All)
            {
                io.Out.WriteLine($"{i.Key,-18} {i.Name} (version {i.Version}); {i.Citation}");
            }

            return ExitCodes.Ok;
        }

        var instrument = InstrumentCatalog.Find(settings.Instrument!)!;
        using var input = settings.File is null or "-" ? null : io.OpenInput(settings.File);
        var records = settings.Format == "csv" ? CsvRecordReader.Read(input ?? io.In) : JsonLinesReader.Read(input ?? io.In);
        using var writer = ScoreResultWriter.Create(settings.Format, io.Out);
        long scored = 0, invalid = 0;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Items is null)
            {
                invalid++;
                Report(io, record.Line, record.Problem!);
                continue;
            }

            var result = instrument.Score(record.Items);
            var issues = result.Issues;
            if (record.Id is null)
            {
                issues = [.. issues, Issue.Error(IssueCodes.MissingId, "id", $"Line {record.Line} has no 'id'; every record needs one so results can be matched to it.")];
                result = result with { Issues = issues };
            }

            foreach (var issue in issues)
            {
                Report(io, record.Line, issue);
            }

            if (!result.IsValid)
            {
                invalid++;
            }

            scored++;
            writer.Write(record.Id, result);
        }

        if (io.IsTerminal)
        {
            io.Error.WriteLine($"{scored} record(s) read, {invalid} with errors.");
        }

        return invalid > 0 ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }

    private static void Report(CliIo io, long line, Issue issue) => io.Error.WriteLine($"line {line}: {issue}");
}
