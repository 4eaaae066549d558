using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma ae &lt;PATIENT&gt; --term T --onset DATE --grade 1-5 ...</c>: records an adverse event with its CTCAE v5.0
/// grade, seriousness criteria (ICH E2A), relatedness to the product and the suspect lot, expectedness and outcome.
/// The consistency checks are <see cref="AdverseEvent.Validate"/>'s (grade 5 and death agree, a related event names
/// its lot, ...); a refused event writes nothing.
/// </summary>
public sealed class AdverseEventCommand(CliIo io, TimeProvider clock) : AsyncCommand<AdverseEventCommand.Settings>
{
    private static readonly Dictionary<string, Relatedness> Relatednesses = new(StringComparer.Ordinal)
    {
        ["not_related"] = Relatedness.NotRelated,
        ["unlikely"] = Relatedness.Unlikely,
        ["possible"] = Relatedness.Possible,
        ["probable"] = Relatedness.Probable,
        ["definite"] = Relatedness.Definite,
    };

    private static readonly Dictionary<string, AdverseEventOutcome> Outcomes = new(StringComparer.Ordinal)
    {
        ["recovered"] = AdverseEventOutcome.Recovered,
        ["recovering"] = AdverseEventOutcome.Recovering,
        ["not_recovered"] = AdverseEventOutcome.NotRecovered,
        ["recovered_with_sequelae"] = AdverseEventOutcome.RecoveredWithSequelae,
        ["fatal"] = AdverseEventOutcome.Fatal,
        ["unknown"] = AdverseEventOutcome.Unknown,
    };

    private static readonly Dictionary<string, AdverseEventCategory> Categories = new(StringComparer.Ordinal)
    {
        ["other"] = AdverseEventCategory.Other,
        ["infusion_related_reaction"] = AdverseEventCategory.InfusionRelatedReaction,
        ["infection"] = AdverseEventCategory.Infection,
    };

    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--term <TERM>")]
        [Description("The adverse event term (CTCAE v5.0 term where one applies).")]
        public string? Term { get; init; }

        [CommandOption("--category <CATEGORY>")]
        [Description("other (default), infusion_related_reaction or infection.")]
        public string Category { get; init; } = "other";

        [CommandOption("--onset <DATE>")]
        [Description("Onset date, YYYY-MM-DD.")]
        public string? Onset { get; init; }

        [CommandOption("--resolved <DATE>")]
        [Description("Resolution date, YYYY-MM-DD.")]
        public string? Resolved { get; init; }

        [CommandOption("--grade <GRADE>")]
        [Description("CTCAE v5.0 grade: 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death.")]
        public int? Grade { get; init; }

        [CommandOption("--serious <CRITERIA>")]
        [Description("Seriousness criteria (ICH E2A), comma-separated: death, life_threatening, hospitalisation, disability, congenital_anomaly, important_medical_event. Omit when not serious.")]
        public string? Serious { get; init; }

        [CommandOption("--relatedness <R>")]
        [Description("Relatedness to the cell product: not_related, unlikely, possible, probable, definite.")]
        public string? Relatedness { get; init; }

        [CommandOption("--lot <LOT>")]
        [Description("The suspect lot (required when the event is possibly related or more).")]
        public string? Lot { get; init; }

        [CommandOption("--unexpected")]
        [Description("The event is unexpected for the product (default: expected).")]
        public bool Unexpected { get; init; }

        [CommandOption("--outcome <OUTCOME>")]
        [Description("recovered, recovering, not_recovered, recovered_with_sequelae, fatal, unknown.")]
        public string Outcome { get; init; } = "unknown";

        [CommandOption("--death-date <DATE>")]
        [Description("Date of death (grade 5), YYYY-MM-DD.")]
        public string? DeathDate { get; init; }

        [CommandOption("--late-reason <TEXT>")]
        [Description("Why this is entered more than the study's late-entry days (default 7) after it happened; required then.")]
        public string? LateReason { get; init; }

        public override ValidationResult Validate() => Check(
            (!string.IsNullOrWhiteSpace(Term), "Give the adverse event --term."),
            (IsDate(Onset), "Give --onset YYYY-MM-DD."),
            (Resolved is null || IsDate(Resolved), "--resolved must be YYYY-MM-DD."),
            (DeathDate is null || IsDate(DeathDate), "--death-date must be YYYY-MM-DD."),
            (Grade is >= 1 and <= 5, "Give the CTCAE v5.0 --grade, 1 to 5."),
            (Relatedness is not null && Relatednesses.ContainsKey(Relatedness), "Give --relatedness: not_related, unlikely, possible, probable or definite."),
            (Categories.ContainsKey(Category), "--category must be other, infusion_related_reaction or infection."),
            (Outcomes.ContainsKey(Outcome), "--outcome must be recovered, recovering, not_recovered, recovered_with_sequelae, fatal or unknown."),
            (Serious is null || Serious.Split(',').All(c => SeriousnessCriteriaCodes.Parse(c.Trim()) is not null),
                "--serious takes death, life_threatening, hospitalisation, disability, congenital_anomaly or important_medical_event, comma-separated."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var seriousness = (settings.Serious ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Aggregate(SeriousnessCriteria.None, (all, c) => all | SeriousnessCriteriaCodes.Parse(c)!.Value);
        var adverseEvent = new AdverseEvent(
            settings.Term!.Trim(), Categories[settings.Category], Date(settings.Onset!), settings.Resolved is null ? null : Date(settings.Resolved),
            (CtcaeGrade)settings.Grade!.Value, seriousness, Relatednesses[settings.Relatedness!],
            settings.Unexpected ? Expectedness.Unexpected : Expectedness.Expected, Outcomes[settings.Outcome], settings.Lot,
            settings.DeathDate is null ? null : Date(settings.DeathDate));
        var result = await FollowUps.RecordAdverseEventAsync(db, settings.Patient, adverseEvent, settings.LateReason, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } recorded)
        {
            io.Out.WriteLine($"adverse event recorded: patient {settings.Patient}, {adverseEvent.Term}, CTCAE grade {settings.Grade}, onset {adverseEvent.Onset:yyyy-MM-dd}, "
                + $"{(adverseEvent.IsSerious ? "serious" : "not serious")}, {settings.Relatedness!.Replace('_', ' ')}{(settings.Lot is null ? "" : $" (lot {settings.Lot})")}"
                + (adverseEvent.IsSusar ? "; SUSAR: expedited reporting" : "") + EnteredLate(recorded));
        }

        return code;
    }
}
