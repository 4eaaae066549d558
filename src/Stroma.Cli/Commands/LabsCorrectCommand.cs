using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Data.Labs;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma labs correct &lt;PATIENT&gt; --analyte A --specimen-time T --value V [--unit U] [--range R] --reason TEXT</c>:
/// corrects a stored lab result (found by its natural key: patient, analyte, specimen time) through the one correction
/// path, <see cref="LabResultCorrection"/>: normalised and flagged again, the replaced values kept in the audit trail
/// with the reason, refused under a signed visit.
/// </summary>
public sealed class LabsCorrectCommand(CliIo io, TimeProvider clock) : AsyncCommand<LabsCorrectCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--analyte <ANALYTE>")]
        [Description("The stored result's analyte: catalogue key or LOINC code (stroma labs catalog).")]
        public string? Analyte { get; init; }

        [CommandOption("--specimen-time <TIME>")]
        [Description("The stored result's specimen time, ISO 8601 with its offset (e.g. 2024-01-15T08:30+08:00).")]
        public string? SpecimenTime { get; init; }

        [CommandOption("--value <VALUE>")]
        [Description("The corrected value as the laboratory reports it (e.g. 92, <0.5, positive).")]
        public string? Value { get; init; }

        [CommandOption("--unit <UNIT>")]
        [Description("The corrected unit (UCUM or a documented lab spelling); omitted: the result has none.")]
        public string? Unit { get; init; }

        [CommandOption("--range <RANGE>")]
        [Description("The corrected printed reference range (e.g. 45-84); omitted: none printed.")]
        public string? Range { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("Why the result is corrected (kept in the audit trail with the values it replaces). Required.")]
        public string? Reason { get; init; }

        [CommandOption("--ranges <FILE>")]
        [Description("The site laboratories' reference ranges (lab column SITE/LAB; docs/labs.md), as for import labs.")]
        public string? Ranges { get; init; }

        public override ValidationResult Validate() => Check(
            (!string.IsNullOrWhiteSpace(Analyte), "Give --analyte (catalogue key or LOINC code)."),
            (DateTimeOffset.TryParse(SpecimenTime, CultureInfo.InvariantCulture, DateTimeStyles.None, out _), "Give --specimen-time as ISO 8601 with its offset, e.g. 2024-01-15T08:30+08:00."),
            (!string.IsNullOrWhiteSpace(Value), "Give --value, the corrected value."),
            (Ranges is null || System.IO.File.Exists(Ranges), $"Ranges file '{Ranges}' does not exist."));
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

        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var analyte = AnalyteCatalog.Find(settings.Analyte);
        if (analyte is null)
        {
            return Report(io, [Issue.Error(IssueCodes.UnknownAnalyte, "analyte", $"\"{settings.Analyte}\" is not an analyte of the catalogue (stroma labs catalog).")]);
        }

        var when = DateTimeOffset.Parse(settings.SpecimenTime!, CultureInfo.InvariantCulture).ToUniversalTime();
        var ids = await LabResultCorrection.FindAsync(db, settings.Patient, analyte.Key, when, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ids.Count != 1)
        {
            return Report(io, [Issue.Error(IssueCodes.UnknownLabResult, "result", ids.Count == 0
                ? $"No {analyte.Key} result of patient {settings.Patient} at {when:yyyy-MM-dd'T'HH:mm'Z'} is stored."
                : $"Patient id {settings.Patient} names results at more than one site; correct the result from the site's registry.")]);
        }

        var outcome = await LabResultCorrection.CorrectAsync(db, normaliser,
            new LabCorrectionRequest(ids[0].Id, settings.Value!, settings.Unit, settings.Range, settings.Reason ?? ""), cancellationToken: cancellationToken).ConfigureAwait(false);
        var code = Report(io, outcome.Issues);
        if (outcome.Saved && outcome.Normalised is { } n)
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"corrected: patient {settings.Patient}, {analyte.Key} at {when:yyyy-MM-dd'T'HH:mm'Z'} now {settings.Value!.Trim()}{(settings.Unit is { } u ? " " + u.Trim() : "")}, flag {LabFlags.Code(n.Flag)}"));
        }

        return code;
    }
}
