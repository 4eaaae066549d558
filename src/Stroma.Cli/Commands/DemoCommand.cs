using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Demo;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma demo</c>: fills an empty registry with the seed article's two cases and a deterministic synthetic
/// cohort following the 2014 UC-MSC study (40 patients, 4 sites by default).
/// </summary>
public sealed class DemoCommand(CliIo io) : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandOption("-n|--patients <N>")]
        [Description("Synthetic cohort size (default 40, as in the study; 100000 gives about 10^7 lab results).")]
        [DefaultValue(40)]
        public int Patients { get; init; } = 40;

        [CommandOption("-s|--seed <S>")]
        [Description("Seed of the deterministic generator (default 2014).")]
        [DefaultValue(2014)]
        public int Seed { get; init; } = 2014;

        [CommandOption("--no-labs")]
        [Description("Leave out the cohort's lab results (to prepare an import benchmark).")]
        public bool NoLabs { get; init; }

        [CommandOption("--lab-analytes <KEYS>")]
        [Description("Comma-separated analyte keys the synthetic cohort gets results for (default all fifteen, about 75 a patient; "
            + "'urine_protein_24h,creatinine' gives about 10 a patient, for a registry of many patients).")]
        public string? LabAnalytes { get; init; }

        public override ValidationResult Validate() =>
            Patients < 0 ? ValidationResult.Error("--patients must be 0 or more.") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(configuration, settings.Actor);
        DemoSummary summary;
        // A registry of many patients takes minutes (10^5: 10 to 30 here): on a terminal, stderr shows how far it is.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = io.IsTerminal ? new SynchronousProgress<(int Done, int Total)>(p =>
        {
            var fraction = p.Total > 0 ? (double)p.Done / p.Total : 1;
            var left = p.Done > 0 && p.Done < p.Total ? $", about {TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (p.Total - p.Done) / p.Done):h\\:mm\\:ss} left" : "";
            io.Error.Write($"\r{ProgressBar.Of(fraction)} {fraction,4:P0} {p.Done,9:N0}/{p.Total:N0} synthetic patients, {clock.Elapsed:h\\:mm\\:ss}{left}   ");
        }) : null;
        try
        {
            summary = await DemoRegistry.CreateAsync(db, new DemoOptions(settings.Patients, settings.Seed, IncludeLabs: !settings.NoLabs,
                LabAnalytes: settings.LabAnalytes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), progress, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            io.Error.WriteLine($"stroma: {ex.Message}");
            return ExitCodes.InvalidInput;
        }

        if (progress is not null)
        {
            io.Error.WriteLine();
        }

        io.Out.WriteLine($"demo registry written to {configuration.Describe()} (seed {settings.Seed}, {settings.Patients} synthetic patients + 2 case reports)");
        foreach (var (table, rows) in summary.Rows)
        {
            io.Out.WriteLine($"{table,-22} {rows,10}");
        }

        return ExitCodes.Ok;
    }
}
