using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma infuse &lt;PATIENT&gt; --lot LOT --event administration_N --start TIME --dose CELLS [--weight KG]</c>: records an
/// infusion after the pre-checks (<see cref="InfusionPrecheck.Run"/>); any failing check refuses it with every issue
/// (exit 1) and nothing is written.
/// </summary>
public sealed class InfuseCommand(CliIo io, TimeProvider clock) : AsyncCommand<InfuseCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--lot <LOT>")]
        [Description("Lot given.")]
        public string Lot { get; init; } = "";

        [CommandOption("--event <EVENT>")]
        [Description("The administration of the schedule (e.g. administration_1).")]
        public string Event { get; init; } = "";

        [CommandOption("--component <KEY>")]
        [Description("Protocol component (default msc).")]
        [DefaultValue("msc")]
        public string Component { get; init; } = "msc";

        [CommandOption("--protocol <KEY>")]
        [Description("The protocol, when the patient is enrolled on more than one.")]
        public string? Protocol { get; init; }

        [CommandOption("--start <TIME>")]
        [Description("Start, ISO 8601 with offset; its local date is the infusion date.")]
        public string? Start { get; init; }

        [CommandOption("--stop <TIME>")]
        [Description("Stop, ISO 8601 with offset.")]
        public string? Stop { get; init; }

        [CommandOption("--dose <CELLS>")]
        [Description("Dose given, in cells (e.g. 5.8e7).")]
        public string? Dose { get; init; }

        [CommandOption("--weight <KG>")]
        [Description("Weight measured on the infusion day, kg.")]
        public string? Weight { get; init; }

        [CommandOption("--confirm-weight")]
        [Description("Confirm a weight more than 1.5 times from the enrolment's planning weight (PLS001); without it such an infusion is refused.")]
        public bool ConfirmWeight { get; init; }

        [CommandOption("--weighed <DATE>")]
        [Description("When the weight was measured (default: the infusion date).")]
        public string? Weighed { get; init; }

        [CommandOption("--pre <VITALS>")]
        [Description("Pre-infusion vital signs: at=TIME;sbp=;dbp=;hr=;temp=;rr=;spo2= (repeatable).")]
        public string[] Pre { get; init; } = [];

        [CommandOption("--post <VITALS>")]
        [Description("Post-infusion vital signs, as --pre (repeatable).")]
        public string[] Post { get; init; } = [];

        [CommandOption("--premed <DRUG;DOSE;TIME>")]
        [Description("A premedication: drug;dose;time (repeatable).")]
        public string[] Premed { get; init; } = [];

        [CommandOption("--reaction <TERM;GRADE;TIME>")]
        [Description("A reaction: term;CTCAE grade 1-5;onset time[[;action]] (repeatable).")]
        public string[] Reaction { get; init; } = [];

        [CommandOption("--late-reason <TEXT>")]
        [Description("Why this is entered more than the study's late-entry days (default 7) after it happened; required then.")]
        public string? LateReason { get; init; }

        internal static VitalSigns? Vitals(string text)
        {
            var parts = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Split('=', 2)).ToList();
            if (parts.Any(p => p.Length != 2) || parts.Find(p => p[0] == "at") is not { } at || !IsInstant(at[1]))
            {
                return null;
            }

            var values = parts.Where(p => p[0] != "at").ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            string[] known = ["sbp", "dbp", "hr", "temp", "rr", "spo2"];
            if (values.Keys.Any(k => !known.Contains(k)) || values.Values.Any(v => !IsNumber(v)))
            {
                return null;
            }

            decimal? Get(string key) => values.TryGetValue(key, out var v) ? Number(v) : null;
            return new VitalSigns(Instant(at[1]), Get("sbp"), Get("dbp"), Get("hr"), Get("temp"), Get("rr"), Get("spo2"));
        }

        internal static Premedication? Premedication(string text) =>
            text.Split(';', StringSplitOptions.TrimEntries) is [var drug, var dose, var at] && drug.Length > 0 && IsInstant(at) ? new(drug, dose, Instant(at)) : null;

        internal static InfusionReaction? ParseReaction(string text) => text.Split(';', StringSplitOptions.TrimEntries) switch
        {
            [var term, var grade, var at, .. var rest] when term.Length > 0 && int.TryParse(grade, out var g) && g is >= 1 and <= 5 && IsInstant(at) && rest.Length <= 1 =>
                new InfusionReaction(term, (CtcaeGrade)g, Instant(at), rest.Length == 1 ? rest[0] : null),
            _ => null,
        };

        public override ValidationResult Validate() => Check(
            (IsInstant(Start), "Give --start as ISO 8601 with its UTC offset."),
            (Stop is null || IsInstant(Stop), "--stop must be ISO 8601 with its UTC offset."),
            (IsNumber(Dose), "Give --dose as a number of cells."),
            (Weight is null || IsNumber(Weight), "--weight must be a number of kg."),
            (Weighed is null || IsDate(Weighed), "--weighed must be YYYY-MM-DD."),
            (Pre.Concat(Post).All(v => Vitals(v) is not null), "Vital signs are at=TIME;sbp=N;dbp=N;hr=N;temp=N;rr=N;spo2=N."),
            (Premed.All(p => Premedication(p) is not null), "A premedication is drug;dose;TIME."),
            (Reaction.All(r => ParseReaction(r) is not null), "A reaction is term;grade 1-5;TIME[;action]."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var start = Instant(settings.Start!);
        var request = new InfusionRequest(settings.Patient, settings.Lot, settings.Event, settings.Component, start,
            settings.Stop is null ? null : Instant(settings.Stop), Number(settings.Dose!), settings.Weight is null ? null : Number(settings.Weight),
            settings.Weighed is null ? (settings.Weight is null ? null : DateOnly.FromDateTime(start.DateTime)) : Date(settings.Weighed),
            [.. settings.Pre.Select(v => Settings.Vitals(v)!)], [.. settings.Post.Select(v => Settings.Vitals(v)!)],
            [.. settings.Premed.Select(p => Settings.Premedication(p)!)], [.. settings.Reaction.Select(r => Settings.ParseReaction(r)!)], settings.Protocol, settings.LateReason, settings.ConfirmWeight);
        var result = await Infusions.RecordAsync(db, request, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } i)
        {
            io.Out.WriteLine($"infusion recorded: patient {settings.Patient}, {i.EventKey} ({i.ComponentKey}) on {i.InfusionDate:yyyy-MM-dd}, lot {settings.Lot}, "
                + $"{Cells(i.DoseCells)} cells{(i.WeightKg is { } kg ? $", {Text(kg)} kg" : "")}; pre-check {i.PrecheckOutcome}{EnteredLate(i)}");
        }
        else
        {
            io.Out.WriteLine($"infusion NOT recorded: {result.Issues.Count(x => x.IsError)} failing check(s)");
        }

        return code;
    }
}
