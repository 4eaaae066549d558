using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Export;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma export --format csv OUTDIR</c>: tidy tables per entity plus a wide per-visit analysis table.</summary>
public sealed class ExportCommand(CliIo io) : AsyncCommand<ExportCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<OUTDIR>")]
        [Description("Folder for the CSV files (created if missing; existing files of the same names are replaced).")]
        public string OutputDirectory { get; init; } = "";

        [CommandOption("-f|--format <FORMAT>")]
        [Description("csv (RFC 4180).")]
        [DefaultValue("csv")]
        public string Format { get; init; } = "csv";

        public override ValidationResult Validate() =>
            Format != "csv" ? ValidationResult.Error($"Unknown format '{Format}'; expected csv.") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        var counts = await CsvExport.WriteAsync(configuration, settings.OutputDirectory, CsvExportOptions.Everything with { ExportedBy = settings.Actor }, cancellationToken).ConfigureAwait(false);
        foreach (var (table, rows) in counts)
        {
            io.Out.WriteLine($"{table}.csv {rows}");
        }

        return ExitCodes.Ok;
    }
}
