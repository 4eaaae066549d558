using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using Stroma.Data.Protocols;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma enrol &lt;PATIENT&gt; --protocol KEY --start DATE</c>: enrols a patient on a protocol template and generates the calendar.</summary>
public sealed class EnrolCommand(CliIo io) : AsyncCommand<EnrolCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--protocol <KEY>")]
        [Description("Protocol key: a built-in template or a stored protocol (see 'stroma protocol list').")]
        public string Protocol { get; init; } = "";

        [CommandOption("--version <N>")]
        [Description("Approved protocol version to enrol on. Default: the latest approved version.")]
        public int? Version { get; init; }

        [CommandOption("--start <DATE>")]
        [Description("Day 0, YYYY-MM-DD.")]
        public string? Start { get; init; }

        [CommandOption("--weight <KG>")]
        [Description("Weight for planning a per-kg dose (each infusion needs the weight measured that day).")]
        public string? Weight { get; init; }

        [CommandOption("--weighed <DATE>")]
        [Description("When that weight was measured, YYYY-MM-DD.")]
        public string? Weighed { get; init; }

        [CommandOption("--consent-signed <DATE>")]
        [Description("Date the consent for this protocol was signed.")]
        public string? ConsentSigned { get; init; }

        [CommandOption("--consent-version <V>")]
        [Description("Protocol version the consent covers (default: the version enrolled on).")]
        public string? ConsentVersion { get; init; }

        [CommandOption("--consent-until <DATE>")]
        [Description("Date the consent lapses, if it does.")]
        public string? ConsentUntil { get; init; }

        public override ValidationResult Validate() => Check(
            (IsDate(Start), "Give --start YYYY-MM-DD."),
            (Weight is null || IsNumber(Weight), "--weight must be a number of kg."),
            (Weighed is null || IsDate(Weighed), "--weighed must be YYYY-MM-DD."),
            (ConsentSigned is null || IsDate(ConsentSigned), "--consent-signed must be YYYY-MM-DD."),
            (ConsentUntil is null || IsDate(ConsentUntil), "--consent-until must be YYYY-MM-DD."),
            (Version is null or >= 1, "--version must be 1 or more."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var (found, _) = await ProtocolVersions.FindAsync(db, settings.Protocol, settings.Version, cancellationToken: cancellationToken).ConfigureAwait(false);
        var version = settings.ConsentVersion ?? found?.Definition.Protocol.Version ?? "";
        var consent = settings.ConsentSigned is null ? null
            : new ConsentRecord(Date(settings.ConsentSigned), version, null, settings.ConsentUntil is null ? null : Date(settings.ConsentUntil));
        var request = new EnrolmentRequest(Date(settings.Start!), settings.Weight is null ? null : Number(settings.Weight),
            settings.Weighed is null ? null : Date(settings.Weighed), consent, settings.Version);
        var result = await Enrolments.EnrolAsync(db, settings.Patient, settings.Protocol, request, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } e)
        {
            io.Out.WriteLine($"patient {settings.Patient} enrolled on {e.ProtocolKey} version {e.ProtocolVersion}, day 0 {e.StartDate:yyyy-MM-dd}"
                + (consent is null ? " (no consent recorded: infusions will be refused until it is)" : ""));
            io.Out.WriteLine($"see the calendar with: stroma schedule {settings.Patient}");
        }

        return code;
    }
}
