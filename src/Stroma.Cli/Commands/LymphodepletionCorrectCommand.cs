using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma lymphodepletion-correct &lt;PATIENT&gt; --drug KEY [--dose MG_PER_M2] [--days DAYS] [--height CM] [--weight KG]
/// [--measured DATE] [--formula F] --reason TEXT</c>: corrects one recorded drug of a patient's lymphodepletion
/// (<see cref="Lymphodepletions.CorrectAsync"/>); what is not given stays as recorded, the BSA and daily amount are
/// computed again, and the replaced values stay in the audit trail with the reason. Refused (exit 1, nothing written)
/// without a reason, under a signed visit, or with a value the recording would refuse.
/// </summary>
public sealed class LymphodepletionCorrectCommand(CliIo io, TimeProvider clock) : AsyncCommand<LymphodepletionCorrectCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--protocol <KEY>")]
        [Description("The protocol, when the patient is enrolled on more than one.")]
        public string? Protocol { get; init; }

        [CommandOption("--drug <KEY>")]
        [Description("The recorded drug to correct (its protocol key, e.g. fludarabine).")]
        public string? Drug { get; init; }

        [CommandOption("--dose <MG_PER_M2>")]
        [Description("The dose per m² given each day, mg/m² (default: as recorded).")]
        public string? Dose { get; init; }

        [CommandOption("--days <DAYS>")]
        [Description("The days given relative to the infusion, e.g. -5,-4,-3 (default: as recorded).")]
        public string? Days { get; init; }

        [CommandOption("--height <CM>")]
        [Description("Height used for the body surface area, cm (default: as recorded).")]
        public string? Height { get; init; }

        [CommandOption("--weight <KG>")]
        [Description("Weight used for the body surface area, kg (default: as recorded).")]
        public string? Weight { get; init; }

        [CommandOption("--measured <DATE>")]
        [Description("When height and weight were measured, YYYY-MM-DD (default: as recorded).")]
        public string? Measured { get; init; }

        [CommandOption("--formula <FORMULA>")]
        [Description("BSA formula: mosteller or du_bois (default: as recorded).")]
        public string? Formula { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("Why the record is corrected (required; kept in the audit trail with the values replaced).")]
        public string? Reason { get; init; }

        public override ValidationResult Validate() => Check(
            (!string.IsNullOrWhiteSpace(Drug), "Give --drug KEY: the recorded drug to correct (e.g. fludarabine)."),
            (Dose is null || IsNumber(Dose), "Give --dose as a number of mg/m²."),
            (Days is null || Lymphodepletions.ParseDays(Days) is not null, "Give --days as whole days separated by commas, e.g. -5,-4,-3."),
            (Height is null || IsNumber(Height), "Give --height as a number of cm."),
            (Weight is null || IsNumber(Weight), "Give --weight as a number of kg."),
            (Measured is null || IsDate(Measured), "Give --measured as YYYY-MM-DD."),
            (Formula is null || BodySurfaceArea.FromKey(Formula) is not null, $"--formula must be mosteller or du_bois, not '{Formula}'."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var request = new LymphodepletionCorrection(settings.Patient, settings.Drug!.Trim(), settings.Reason ?? "",
            settings.Dose is null ? null : Number(settings.Dose), Lymphodepletions.ParseDays(settings.Days),
            settings.Height is null ? null : Number(settings.Height), settings.Weight is null ? null : Number(settings.Weight),
            settings.Measured is null ? null : Date(settings.Measured), BodySurfaceArea.FromKey(settings.Formula), settings.Protocol);
        var result = await Lymphodepletions.CorrectAsync(db, request, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } r)
        {
            var unchanged = result.Issues.Any(i => i.Code == Stroma.Clinical.Issues.IssueCodes.LymphodepletionCorrectionUnchanged);
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lymphodepletion {(unchanged ? "unchanged" : "corrected")}: patient {settings.Patient}, {r.Drug} {Text(r.DoseMgPerSquareMetre)} mg/m² × BSA {Text(r.BsaSquareMetres)} m² ({r.BsaFormula}; {Text(r.HeightCm)} cm, {Text(r.WeightKg)} kg on {r.MeasuredOn:yyyy-MM-dd}) = {Text(r.DailyDoseMg)} mg per day on days {r.DaysRelativeToInfusion} ({r.FirstGivenOn:yyyy-MM-dd} to {r.LastGivenOn:yyyy-MM-dd}; day 0 {r.InfusionDate:yyyy-MM-dd})"));
        }
        else
        {
            io.Out.WriteLine($"lymphodepletion NOT corrected: {result.Issues.Count(x => x.IsError)} failing check(s)");
        }

        return code;
    }
}
