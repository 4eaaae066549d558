using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma lot test &lt;LOT&gt; KEY=VALUE...</c>: records release test results (numbers, or met / not_met).</summary>
public sealed class LotTestCommand(CliIo io, TimeProvider clock) : AsyncCommand<LotTestCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<LOT>")]
        [Description("Lot id.")]
        public string Lot { get; init; } = "";

        [CommandArgument(1, "<RESULTS>")]
        [Description("Results as key=value: cd73=98.5 ... sterility=met mycoplasma=not_met (keys of the release specification).")]
        public string[] Results { get; init; } = [];

        [CommandOption("--tested <DATE>")]
        [Description("Test date, YYYY-MM-DD.")]
        public string? Tested { get; init; }

        [CommandOption("--late-reason <TEXT>")]
        [Description("Why this is entered more than the study's late-entry days (default 7) after it happened; required then.")]
        public string? LateReason { get; init; }

        internal IReadOnlyDictionary<string, ReleaseMeasurement> Parsed => Results.Select(r => r.Split('=', 2)).ToDictionary(p => p[0], p => p[1] switch
        {
            "met" => ReleaseMeasurement.Outcome(true),
            "not_met" => ReleaseMeasurement.Outcome(false),
            var number => ReleaseMeasurement.Of(Number(number)),
        }, StringComparer.Ordinal);

        public override ValidationResult Validate() => Check(
            (IsDate(Tested), "Give --tested YYYY-MM-DD."),
            (Results.Length > 0 && Results.All(r => r.Split('=', 2) is [var k, var v] && k.Length > 0 && (v is "met" or "not_met" || IsNumber(v))),
                "Give results as key=number or key=met|not_met."),
            (Results.Select(r => r.Split('=')[0]).Distinct(StringComparer.Ordinal).Count() == Results.Length, "Give each key once."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var result = await Lots.RecordTestsAsync(db, settings.Lot, settings.Parsed, Date(settings.Tested!), settings.LateReason, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Succeeded)
        {
            io.Out.WriteLine($"lot {settings.Lot}: {settings.Results.Length} result(s) recorded");
        }

        return code;
    }
}
