using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma reconsent PATIENT --protocol KEY [--version N] --consent-signed DATE</c>: moves an enrolment to a newer approved version with the patient's re-consent.</summary>
public sealed class ReconsentCommand(CliIo io) : AsyncCommand<ReconsentCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--protocol <KEY>")]
        [Description("The protocol the patient is enrolled on.")]
        public string Protocol { get; init; } = "";

        [CommandOption("--version <N>")]
        [Description("The approved version consented to. Default: the latest approved version.")]
        public int? Version { get; init; }

        [CommandOption("--consent-signed <DATE>")]
        [Description("Date the new consent was signed, YYYY-MM-DD.")]
        public string? ConsentSigned { get; init; }

        [CommandOption("--consent-until <DATE>")]
        [Description("Date the consent lapses, if it does.")]
        public string? ConsentUntil { get; init; }

        public override ValidationResult Validate() => Check(
            (Protocol.Length > 0, "Give --protocol KEY."),
            (IsDate(ConsentSigned), "Give --consent-signed YYYY-MM-DD."),
            (ConsentUntil is null || IsDate(ConsentUntil), "--consent-until must be YYYY-MM-DD."),
            (Version is null or >= 1, "--version must be 1 or more."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var result = await Enrolments.ReconsentAsync(db, settings.Patient, settings.Protocol, settings.Version, Date(settings.ConsentSigned!),
            settings.ConsentUntil is null ? null : Date(settings.ConsentUntil), cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } e)
        {
            io.Out.WriteLine($"patient {settings.Patient} re-consented on {e.ConsentSignedOn:yyyy-MM-dd}: now on {e.ProtocolKey} version {e.ProtocolVersion}; the calendar keeps its events (see stroma schedule {settings.Patient})");
        }

        return code;
    }
}
