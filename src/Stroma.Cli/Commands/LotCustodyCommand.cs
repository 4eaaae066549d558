using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma lot custody &lt;LOT&gt; --event KIND --at TIME --place P --person WHO</c>: appends a chain-of-custody event (<see cref="ChainOfCustody.Validate"/>).</summary>
public sealed class LotCustodyCommand(CliIo io, TimeProvider clock) : AsyncCommand<LotCustodyCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<LOT>")]
        [Description("Lot id.")]
        public string Lot { get; init; } = "";

        [CommandOption("--event <KIND>")]
        [Description("released, shipped, received, thawed, prepared, administered, returned or discarded.")]
        public string? Event { get; init; }

        [CommandOption("--at <TIME>")]
        [Description("When, ISO 8601 with its UTC offset (e.g. 2017-08-04T08:00+08:00).")]
        public string? At { get; init; }

        [CommandOption("--place <PLACE>")]
        [Description("Where.")]
        public string Place { get; init; } = "";

        [CommandOption("--person <WHO>")]
        [Description("Who handled the product.")]
        public string Person { get; init; } = "";

        [CommandOption("--temperature <CELSIUS>")]
        [Description("Temperature, °C.")]
        public string? Temperature { get; init; }

        [CommandOption("--patient <STUDY_ID>")]
        [Description("The patient, for an administration.")]
        public string? Patient { get; init; }

        [CommandOption("--late-reason <TEXT>")]
        [Description("Why this is entered more than the study's late-entry days (default 7) after it happened; required then.")]
        public string? LateReason { get; init; }

        public override ValidationResult Validate() => Check(
            (TryKind(Event, out _), "--event must be released, shipped, received, thawed, prepared, administered, returned or discarded."),
            (IsInstant(At), "Give --at as an ISO 8601 time with its UTC offset (e.g. 2017-08-04T08:00+08:00)."),
            (Temperature is null || IsNumber(Temperature), "--temperature must be a number of °C."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        TryKind(settings.Event, out var kind);
        var custodyEvent = new CustodyEvent(kind, Instant(settings.At!), settings.Place, settings.Person, settings.Temperature is null ? null : Number(settings.Temperature));
        var result = await Lots.RecordCustodyAsync(db, settings.Lot, custodyEvent, settings.Patient, null, settings.LateReason, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } e)
        {
            io.Out.WriteLine($"lot {settings.Lot}: {e.Kind.Key()} at {Time(e.At)}, {e.Place}, {e.Person} recorded{EnteredLate(e)}");
        }

        return code;
    }
}
