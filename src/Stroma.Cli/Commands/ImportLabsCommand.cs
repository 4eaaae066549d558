using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Labs;
using Stroma.Data.Storage;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma import labs FILE</c>: loads lab results in one transaction through the engine's fast path. Rows with
/// errors go to the reject file (FILE.rejects.csv unless --rejects) and, unless --partial, nothing is stored.
/// Re-running a file adds no duplicates. On a terminal a progress line shows rows/s.
/// </summary>
public sealed class ImportLabsCommand(CliIo io) : AsyncCommand<ImportLabsCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("CSV with columns site, patient, visit_date, analyte, value, unit, range, lab, specimen_time.")]
        public string File { get; init; } = "";

        [CommandOption("--rejects <FILE>")]
        [Description("Where rejected rows go, with line and reasons (default: FILE.rejects.csv).")]
        public string? Rejects { get; init; }

        [CommandOption("--ranges <FILE>")]
        [Description("The site laboratories' reference ranges (lab column SITE/LAB; docs/labs.md), as the web's lab-ranges setting.")]
        public string? Ranges { get; init; }

        [CommandOption("--partial")]
        [Description("Store the valid rows even when some rows are rejected.")]
        public bool Partial { get; init; }

        [CommandOption("--indexes <MODE>")]
        [Description("auto (default): a load of 100 000 rows or more that at least doubles the lab table drops its indexes and foreign keys and builds them again after the load (faster; the table is locked until the import ends); maintain: insert into them row by row; rebuild: always rebuild. See docs/labs.md \"Large files\".")]
        [DefaultValue("auto")]
        public string Indexes { get; init; } = "auto";

        /// <summary>The <c>--indexes</c> choice; null when it is not one of the three.</summary>
        public BulkIndexes? IndexMode => Indexes.Trim().ToLowerInvariant() switch
        {
            "auto" => BulkIndexes.Auto,
            "maintain" => BulkIndexes.Maintain,
            "rebuild" => BulkIndexes.Rebuild,
            _ => null,
        };

        public override ValidationResult Validate() =>
            !System.IO.File.Exists(File) ? ValidationResult.Error($"Input file '{File}' does not exist.")
            : IndexMode is null ? ValidationResult.Error($"--indexes '{Indexes}' is not one of auto, maintain, rebuild.")
            : Ranges is not null && !System.IO.File.Exists(Ranges) ? ValidationResult.Error($"Ranges file '{Ranges}' does not exist.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ILabNormaliser normaliser;
        try
        {
            normaliser = SiteLabRanges.Normaliser(settings.Ranges);
        }
        catch (InvalidDataException e)
        {
            io.Error.WriteLine(e.Message);
            return ExitCodes.InvalidInput;
        }

        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(configuration, settings.Actor);
        var rejectPath = settings.Rejects ?? settings.File + ".rejects.csv";
        var clock = Stopwatch.StartNew();
        var lastShown = TimeSpan.Zero;
        var progress = io.IsTerminal ? new SynchronousProgress<LabImportProgress>(p =>
        {
            if (clock.Elapsed - lastShown < TimeSpan.FromMilliseconds(250) && p.BytesRead < p.TotalBytes)
            {
                return;
            }

            lastShown = clock.Elapsed;
            var fraction = p.TotalBytes > 0 ? (double)p.BytesRead / p.TotalBytes : 0;
            io.Error.Write($"\r{ProgressBar.Of(fraction)} {fraction,4:P0} {p.Rows,12:N0} rows {p.Rows / Math.Max(0.001, clock.Elapsed.TotalSeconds),10:N0} rows/s");
        }) : null;

        LabImportResult result;
        try
        {
            await using var input = new FileStream(settings.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            await using var rejects = new StreamWriter(rejectPath, false, new System.Text.UTF8Encoding(false));
            result = await LabImport.RunAsync(db, input, Path.GetFileName(settings.File), rejects, normaliser,
                new LabImportOptions { Partial = settings.Partial, RangeLabId = SiteLabRanges.LabId, Indexes = settings.IndexMode!.Value }, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // Issue #21: the import's one transaction rolled back, so the registry is unchanged; say so plainly.
            File.Delete(rejectPath);
            if (io.IsTerminal)
            {
                io.Error.WriteLine();
            }

            io.Error.WriteLine($"{settings.File}: {DiskFull.Issue("The import", $"{configuration.Describe()} or {rejectPath}")}");
            return ExitCodes.InvalidInput;
        }

        if (result.Refused)
        {
            File.Delete(rejectPath);
            foreach (var issue in result.FileIssues)
            {
                io.Error.WriteLine($"{settings.File}: {issue}");
            }

            return ExitCodes.InvalidInput;
        }

        if (io.IsTerminal)
        {
            io.Error.WriteLine();
        }

        if (result.Rejected == 0)
        {
            File.Delete(rejectPath);
        }
        else
        {
            io.Error.WriteLine($"{result.Rejected} row(s) rejected; see {rejectPath}" + (result.Committed ? "" : " (nothing stored: fix them or use --partial)"));
        }

        if (result.QueriesOpened > 0)
        {
            // Soft edit checks of the patients' protocols found discrepancies on the imported results (docs/data-quality.md "Save-time checks").
            io.Error.WriteLine($"{result.QueriesOpened} query(ies) opened by the study's edit checks on the imported results");
        }

        if (result.Rebuilt is var (indexes, foreignKeys))
        {
            io.Error.WriteLine($"lab_results: {indexes} index(es) and {foreignKeys} foreign key(s) were built again after the load, not maintained row by row (--indexes; docs/labs.md \"Large files\")");
        }

        var seconds = Math.Max(0.001, clock.Elapsed.TotalSeconds);
        io.Out.WriteLine($"read {result.Read}, inserted {result.Inserted}, duplicates {result.Duplicates}, rejected {result.Rejected}" +
            (io.IsTerminal ? $" ({result.Read / seconds:N0} rows/s)" : ""));
        return result.Rejected > 0 ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }
}
