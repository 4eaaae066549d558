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
/// <c>stroma lymphodepletion &lt;PATIENT&gt; --height CM --weight KG --measured DATE --drug KEY=MG_PER_M2@DAYS ...</c>:
/// records the lymphodepletion given on a CAR-T enrolment (<see cref="Lymphodepletions.RecordAsync"/>): each drug's
/// dose per m² and days relative to the infusion, with the BSA from height and weight by the named formula. Any error
/// refuses the whole course (exit 1) and nothing is written.
/// </summary>
public sealed class LymphodepletionCommand(CliIo io, TimeProvider clock) : AsyncCommand<LymphodepletionCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--protocol <KEY>")]
        [Description("The protocol, when the patient is enrolled on more than one.")]
        public string? Protocol { get; init; }

        [CommandOption("--height <CM>")]
        [Description("Height used for the body surface area, cm.")]
        public string? Height { get; init; }

        [CommandOption("--weight <KG>")]
        [Description("Weight used for the body surface area, kg.")]
        public string? Weight { get; init; }

        [CommandOption("--measured <DATE>")]
        [Description("When height and weight were measured (YYYY-MM-DD).")]
        public string? Measured { get; init; }

        [CommandOption("--formula <FORMULA>")]
        [Description("BSA formula: mosteller (Mosteller 1987) or du_bois (Du Bois 1916); default the protocol's.")]
        public string? Formula { get; init; }

        [CommandOption("--drug <KEY=MG_PER_M2@DAYS>")]
        [Description("A drug given: protocol drug key, mg/m² per day, days relative to the infusion, e.g. fludarabine=25@-5,-4,-3 (repeatable).")]
        public string[] Drug { get; init; } = [];

        [CommandOption("--late-reason <TEXT>")]
        [Description("Why this is entered more than the study's late-entry days (default 7) after the last day given; required then.")]
        public string? LateReason { get; init; }

        internal static LymphodepletionGiven? ParseDrug(string text)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var at = text.IndexOf('@', StringComparison.Ordinal);
            if (eq <= 0 || at < eq + 2)
            {
                return null;
            }

            var dose = text[(eq + 1)..at];
            var days = Lymphodepletions.ParseDays(text[(at + 1)..]);
            return IsNumber(dose) && days is not null ? new LymphodepletionGiven(text[..eq].Trim(), Number(dose), days) : null;
        }

        public override ValidationResult Validate() => Check(
            (IsNumber(Height), "Give --height as a number of cm."),
            (IsNumber(Weight), "Give --weight as a number of kg."),
            (IsDate(Measured), "Give --measured as YYYY-MM-DD."),
            (Formula is null || BodySurfaceArea.FromKey(Formula) is not null, $"--formula must be mosteller or du_bois, not '{Formula}'."),
            (Drug.Length > 0, "Give at least one --drug KEY=MG_PER_M2@DAYS (e.g. fludarabine=25@-5,-4,-3)."),
            (Drug.All(d => ParseDrug(d) is not null), "A drug is KEY=MG_PER_M2@DAYS with whole days separated by commas, e.g. cyclophosphamide=1000@-3."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var request = new LymphodepletionRequest(settings.Patient, Number(settings.Height!), Number(settings.Weight!), Date(settings.Measured!),
            [.. settings.Drug.Select(d => Settings.ParseDrug(d)!)], BodySurfaceArea.FromKey(settings.Formula), settings.Protocol, settings.LateReason);
        var result = await Lymphodepletions.RecordAsync(db, request, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } records)
        {
            foreach (var r in records)
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"lymphodepletion recorded: patient {settings.Patient}, {r.Drug} {Text(r.DoseMgPerSquareMetre)} mg/m² × BSA {Text(r.BsaSquareMetres)} m² ({r.BsaFormula}; {Text(r.HeightCm)} cm, {Text(r.WeightKg)} kg on {r.MeasuredOn:yyyy-MM-dd}) = {Text(r.DailyDoseMg)} mg per day on days {r.DaysRelativeToInfusion} ({r.FirstGivenOn:yyyy-MM-dd} to {r.LastGivenOn:yyyy-MM-dd}; day 0 {r.InfusionDate:yyyy-MM-dd}){EnteredLate(r)}"));
            }
        }
        else
        {
            io.Out.WriteLine($"lymphodepletion NOT recorded: {result.Issues.Count(x => x.IsError)} failing check(s)");
        }

        return code;
    }
}
