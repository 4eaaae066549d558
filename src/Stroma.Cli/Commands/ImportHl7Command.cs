using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Labs;
using Stroma.Interop.Hl7;

namespace Stroma.Cli.Commands;

/// <summary>The options every HL7 v2 receiving command shares: whose results, from which laboratory, with which ranges.</summary>
public class Hl7ReceiveSettings : DatabaseSettings
{
    [CommandOption("--site <SITE>")]
    [Description("The site (code) whose patients the messages are for: PID-3 is a study id of this site or a hospital identifier linked to one.")]
    public string Site { get; init; } = "";

    [CommandOption("--lab <LAB>")]
    [Description("The site laboratory (code) sending the results, whose configured ranges apply (optional).")]
    public string? Lab { get; init; }

    [CommandOption("--ranges <FILE>")]
    [Description("The site laboratories' reference ranges (lab column SITE/LAB; docs/labs.md), as for 'import labs'.")]
    public string? Ranges { get; init; }

    [CommandOption("--time-zone <ZONE>")]
    [Description("The laboratory system's time zone for times it sends without a UTC offset: +08:00 or an IANA id such as Asia/Shanghai. Without it such times are refused.")]
    public string? TimeZone { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Site) ? ValidationResult.Error("--site is required: the site whose patients the messages are for.")
        : Ranges is not null && !System.IO.File.Exists(Ranges) ? ValidationResult.Error($"Ranges file '{Ranges}' does not exist.")
        : TimeZone is not null && Hl7Time.Zone(TimeZone) is null ? ValidationResult.Error($"--time-zone '{TimeZone}' is neither a UTC offset (+08:00) nor a known IANA time zone (Asia/Shanghai).")
        : ValidationResult.Success();

    /// <summary>The import options, or the reason they cannot be made (an unreadable ranges file, an unknown site or laboratory).</summary>
    internal async Task<(Hl7ImportOptions? Options, string? Problem)> OptionsAsync(CancellationToken cancellationToken)
    {
        ILabNormaliser normaliser;
        try
        {
            normaliser = SiteLabRanges.Normaliser(Ranges);
        }
        catch (InvalidDataException e)
        {
            return (null, e.Message);
        }

        await StromaDatabase.EnsureReadyAsync(Configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(Configuration, Actor);
        var site = await db.Sites.AsNoTracking().Where(s => s.Code == Site).Select(s => new { s.Id }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (site is null)
        {
            return (null, $"Site \"{Site}\" is not in the registry.");
        }

        if (Lab is not null && !await db.Laboratories.AnyAsync(l => l.SiteId == site.Id && l.Code == Lab, cancellationToken).ConfigureAwait(false))
        {
            return (null, $"Laboratory \"{Lab}\" is not registered at site {Site}.");
        }

        return (new Hl7ImportOptions(Site) { Normaliser = normaliser, Laboratory = Lab, TimeZone = TimeZone is null ? null : Hl7Time.Zone(TimeZone) }, null);
    }
}

/// <summary>
/// <c>stroma import hl7 FILE|DIR</c>: loads the ORU^R01 lab results of one file or of every message file of a
/// directory; each message loads whole or not at all and gets an ACK (written to --ack-dir when given). A line per
/// message that is not accepted (or has warnings) on standard error, a summary on standard output.
/// </summary>
public sealed class ImportHl7Command(CliIo io, TimeProvider clock) : AsyncCommand<ImportHl7Command.Settings>
{
    public sealed class Settings : Hl7ReceiveSettings
    {
        [CommandArgument(0, "<PATH>")]
        [Description("An HL7 v2 file (one message, several, or FHS/BHS batches), or a directory of *.hl7, *.er7, *.txt files.")]
        public string Path { get; init; } = "";

        [CommandOption("--ack-dir <DIR>")]
        [Description("Write each message's ACK (AA, AE with ERR, AR) to DIR as FILE.N.CONTROLID.ack.hl7.")]
        public string? AckDir { get; init; }

        public override ValidationResult Validate() =>
            !System.IO.File.Exists(Path) && !Directory.Exists(Path) ? ValidationResult.Error($"'{Path}' is neither a file nor a directory.") : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (options, problem) = await settings.OptionsAsync(cancellationToken).ConfigureAwait(false);
        if (options is null)
        {
            io.Error.WriteLine($"stroma: {problem}");
            return ExitCodes.InvalidInput;
        }

        if (settings.AckDir is { } ackDir)
        {
            Directory.CreateDirectory(ackDir);
        }

        var files = Hl7FileImport.Files(settings.Path);
        int messages = 0, accepted = 0, errors = 0, rejected = 0, refusedFiles = 0, loaded = 0, corrected = 0, duplicates = 0, held = 0, cancelled = 0;
        for (var f = 0; f < files.Count; f++)
        {
            var outcome = await Hl7FileImport.ImportFileAsync(settings.Configuration, settings.Actor, clock, files[f], options, cancellationToken).ConfigureAwait(false);
            var name = System.IO.Path.GetFileName(files[f]);
            if (outcome.FileIssues.Count > 0)
            {
                refusedFiles++;
                ClearProgress();
                io.Error.WriteLine($"{name}: refused whole, nothing loaded");
                foreach (var issue in outcome.FileIssues)
                {
                    io.Error.WriteLine($"  {issue}");
                }
            }

            for (var m = 0; m < outcome.Messages.Count; m++)
            {
                var (message, ack) = outcome.Messages[m];
                messages++;
                (loaded, corrected, duplicates, held, cancelled) = (loaded + message.Loaded, corrected + message.Corrected, duplicates + message.Duplicates, held + message.Held, cancelled + message.Cancelled);
                _ = message.Ack switch
                {
                    Hl7AckCode.AA => accepted++,
                    Hl7AckCode.AE => errors++,
                    _ => rejected++,
                };
                if (message.Issues.Count > 0)
                {
                    ClearProgress();
                    io.Error.WriteLine($"{name} message {m + 1} ({(message.ControlId.Length > 0 ? message.ControlId : "no control id")}): {message.Ack}");
                    foreach (var issue in message.Issues)
                    {
                        io.Error.WriteLine($"  {issue}");
                    }
                }

                if (settings.AckDir is { } dir)
                {
                    await File.WriteAllTextAsync(System.IO.Path.Combine(dir, Hl7FileImport.AckFileName(files[f], m, message.ControlId)), ack, cancellationToken).ConfigureAwait(false);
                }
            }

            if (io.IsTerminal && files.Count > 1)
            {
                io.Error.Write($"\r{f + 1}/{files.Count} files, {messages} messages");
            }
        }

        ClearProgress();
        io.Out.WriteLine($"files {files.Count} (refused {refusedFiles}), messages {messages}: accepted {accepted}, errors {errors}, rejected {rejected}; " +
            $"results loaded {loaded}, corrected {corrected}, duplicates {duplicates}, held {held}, cancelled {cancelled}");
        return refusedFiles + errors + rejected > 0 ? ExitCodes.InvalidInput : ExitCodes.Ok;

        void ClearProgress()
        {
            if (io.IsTerminal && files.Count > 1)
            {
                io.Error.Write("\r" + new string(' ', 60) + "\r");
            }
        }
    }
}
