using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma protocol schedule &lt;template&gt; --start YYYY-MM-DD [--weight KG]</c>: prints the calendar of
/// administrations and follow-up visits with their windows, and each product's dose (in cells when a weight is given
/// for a per-kilogram rule).
/// </summary>
public sealed class ProtocolScheduleCommand(CliIo io) : Command<ProtocolScheduleCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<TEMPLATE>")]
        [Description("Protocol template key (see 'stroma protocol list').")]
        public string Template { get; init; } = "";

        [CommandOption("--start <DATE>")]
        [Description("Day 0 (enrolment / first administration), YYYY-MM-DD.")]
        public string? Start { get; init; }

        [CommandOption("--weight <KG>")]
        [Description("Body weight in kg, to compute a per-kilogram dose in cells (weigh again on each infusion day).")]
        public string? Weight { get; init; }

        internal DateOnly StartDate => DateOnly.ParseExact(Start!, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        internal BodyMass? Mass => Weight is null ? null : BodyMass.FromKilograms(decimal.Parse(Weight, NumberStyles.Number, CultureInfo.InvariantCulture));

        public override ValidationResult Validate()
        {
            if (ProtocolTemplates.Find(Template) is null)
            {
                return ValidationResult.Error($"Unknown protocol template '{Template}'; expected one of: {string.Join(", ", ProtocolTemplates.All.Select(p => p.Key))}.");
            }

            if (Start is null || !DateOnly.TryParseExact(Start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                return ValidationResult.Error("Give the start date as --start YYYY-MM-DD.");
            }

            if (Weight is not null
                && !(decimal.TryParse(Weight, NumberStyles.Number, CultureInfo.InvariantCulture, out var kg) && BodyMass.Accepts(kg)))
            {
                return ValidationResult.Error($"--weight must be a number of kilograms above 0 and at most 1000 (got '{Weight}').");
            }

            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var protocol = ProtocolTemplates.Find(settings.Template)!;
        var schedule = PatientSchedule.Generate(protocol, settings.StartDate);
        var mass = settings.Mass;
        var w = io.Out;
        w.WriteLine($"Protocol: {protocol.Key} (version {protocol.Version}) {protocol.Name}");
        w.WriteLine($"Source:   {protocol.Source}");
        w.WriteLine($"Start:    {schedule.Start:yyyy-MM-dd} (day 0){(mass is { } m ? $"; weight {m}" : "")}");
        w.WriteLine($"Dose tolerance: {protocol.Tolerance}");
        foreach (var c in protocol.Components)
        {
            w.WriteLine($"Product {c.Key}: {c.Label}, {ProtocolText.Route(c.Route)}, {DoseText(c.Dose, mass)}");
        }

        w.WriteLine();
        w.WriteLine($"{"event",-18} {"kind",-14} {"day",5}  {"target",-10}  {"window",-8}  {"from",-10}  to");
        foreach (var e in schedule.Events)
        {
            var day = e.Target.DayNumber - schedule.Start.DayNumber;
            var kind = e.Kind == ScheduledEventKind.Administration ? "administration" : "follow-up";
            w.WriteLine($"{e.Key,-18} {kind,-14} {day,5}  {e.Target:yyyy-MM-dd}  {e.Window,-8}  {e.WindowStart:yyyy-MM-dd}  {e.WindowEnd:yyyy-MM-dd}");
        }

        if (protocol.Notes.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("Notes:");
            foreach (var note in protocol.Notes)
            {
                w.WriteLine($"  {note}");
            }
        }

        return ExitCodes.Ok;
    }

    private static string DoseText(DoseRule rule, BodyMass? mass) => rule switch
    {
        DoseRule.PerKilogram p when mass is { } m => $"{p.Dose} × {m} = {p.Dose * m} per administration (weigh on each infusion day)",
        DoseRule.PerKilogram p => $"{p.Dose} per administration (give --weight to compute cells; weigh on each infusion day)",
        DoseRule.Fixed f => $"{f.Cells} per administration",
        _ => rule.ToString() ?? "",
    };
}
