using System.ComponentModel;
using System.Net;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Interop.Hl7;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma hl7 link</c>: links a hospital identifier (PID-3) to a study patient of a site.</summary>
public sealed class Hl7LinkCommand(CliIo io) : AsyncCommand<Hl7LinkCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandOption("--site <SITE>")]
        [Description("The patient's site (code).")]
        public string Site { get; init; } = "";

        [CommandOption("--patient <STUDY_ID>")]
        [Description("The study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--identifier <ID>")]
        [Description("The hospital identifier as the laboratory sends it in PID-3 (CX-1).")]
        public string Identifier { get; init; } = "";

        [CommandOption("--authority <AUTHORITY>")]
        [Description("The assigning authority (CX-4.1) the identifier belongs to; without it the link holds for any authority.")]
        public string? Authority { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Site) || string.IsNullOrWhiteSpace(Patient) || string.IsNullOrWhiteSpace(Identifier)
                ? ValidationResult.Error("--site, --patient and --identifier are required.")
                : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await StromaDatabase.EnsureReadyAsync(settings.Configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(settings.Configuration, settings.Actor);
        var issues = await Hl7Links.LinkPatientAsync(db, settings.Site, settings.Patient, settings.Identifier, settings.Authority, cancellationToken).ConfigureAwait(false);
        foreach (var issue in issues)
        {
            io.Error.WriteLine($"stroma: {issue}");
        }

        if (issues.Count > 0)
        {
            return ExitCodes.InvalidInput;
        }

        io.Out.WriteLine($"linked {settings.Identifier.Trim()}{(string.IsNullOrWhiteSpace(settings.Authority) ? "" : $" ({settings.Authority.Trim()})")} to {settings.Patient} at site {settings.Site}");
        return ExitCodes.Ok;
    }
}

/// <summary><c>stroma hl7 map-code</c>: maps a laboratory's local OBX-3 code to a catalogue analyte for a site.</summary>
public sealed class Hl7MapCodeCommand(CliIo io) : AsyncCommand<Hl7MapCodeCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandOption("--site <SITE>")]
        [Description("The site (code) whose laboratory uses the code.")]
        public string Site { get; init; } = "";

        [CommandOption("--code <CODE>")]
        [Description("The local code (OBX-3.1).")]
        public string Code { get; init; } = "";

        [CommandOption("--system <SYSTEM>")]
        [Description("Its coding system (OBX-3.3, e.g. 99GHH); without it the map holds for any system.")]
        public string? System { get; init; }

        [CommandOption("--analyte <ANALYTE>")]
        [Description("The catalogue analyte (key, LOINC code or alias; 'stroma labs catalog' lists them).")]
        public string Analyte { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Site) || string.IsNullOrWhiteSpace(Code) || string.IsNullOrWhiteSpace(Analyte)
                ? ValidationResult.Error("--site, --code and --analyte are required.")
                : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await StromaDatabase.EnsureReadyAsync(settings.Configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(settings.Configuration, settings.Actor);
        var issues = await Hl7Links.MapCodeAsync(db, settings.Site, settings.Code, settings.System, settings.Analyte, cancellationToken).ConfigureAwait(false);
        foreach (var issue in issues)
        {
            io.Error.WriteLine($"stroma: {issue}");
        }

        if (issues.Count > 0)
        {
            return ExitCodes.InvalidInput;
        }

        io.Out.WriteLine($"mapped {settings.Code.Trim()} to {Clinical.Labs.AnalyteCatalog.Find(settings.Analyte)!.Key} at site {settings.Site}");
        return ExitCodes.Ok;
    }
}

/// <summary>
/// <c>stroma hl7 listen --port P</c>: receives ORU^R01 messages over MLLP on one address (127.0.0.1 unless
/// --address), loads each as <c>stroma import hl7</c> does and answers with its ACK, until stopped (Ctrl+C).
/// </summary>
public sealed class Hl7ListenCommand(CliIo io, TimeProvider clock) : AsyncCommand<Hl7ListenCommand.Settings>
{
    public sealed class Settings : Hl7ReceiveSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("The TCP port to listen on (0: any free port, printed).")]
        public int? Port { get; init; }

        [CommandOption("--address <ADDRESS>")]
        [Description("The address to listen on (default 127.0.0.1: this machine only; name another interface deliberately).")]
        public string Address { get; init; } = "127.0.0.1";

        public override ValidationResult Validate() =>
            Port is not (>= 0 and <= 65535) ? ValidationResult.Error("--port is required: a TCP port from 0 to 65535.")
            : !IPAddress.TryParse(Address, out _) ? ValidationResult.Error($"--address '{Address}' is not an IP address.")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (options, problem) = await settings.OptionsAsync(cancellationToken).ConfigureAwait(false);
        if (options is null)
        {
            io.Error.WriteLine($"stroma: {problem}");
            return ExitCodes.InvalidInput;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            await using var listener = new Hl7Listener(settings.Configuration, settings.Actor, options, clock)
            {
                Processed = outcome =>
                {
                    lock (io)
                    {
                        io.Out.WriteLine($"{clock.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'} {(outcome.ControlId.Length > 0 ? outcome.ControlId : "-")} {outcome.Ack}: loaded {outcome.Loaded}, corrected {outcome.Corrected}, duplicates {outcome.Duplicates}, held {outcome.Held}, cancelled {outcome.Cancelled}");
                        foreach (var issue in outcome.Issues)
                        {
                            io.Error.WriteLine($"  {issue}");
                        }

                        io.Out.Flush();
                    }
                },
            };
            listener.Start(IPAddress.Parse(settings.Address), settings.Port!.Value);
            io.Out.WriteLine($"listening for HL7 v2 (MLLP) on {listener.LocalEndpoint} for site {settings.Site}; Ctrl+C stops");
            io.Out.Flush();
            await listener.RunAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        return ExitCodes.Ok;
    }
}
