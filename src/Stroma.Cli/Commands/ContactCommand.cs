using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma contact &lt;PATIENT&gt; --date DATE --mode clinic|phone</c>: records a follow-up contact with the patient-reported
/// change in rash, sleep, fatigue and pain, and whether an adverse reaction is reported (record the adverse event itself
/// with its CTCAE grade and suspect lot with <c>stroma ae</c>).
/// </summary>
public sealed class ContactCommand(CliIo io, TimeProvider clock) : AsyncCommand<ContactCommand.Settings>
{
    private static readonly string[] Changes = ["not_asked", "better", "unchanged", "worse"];

    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--date <DATE>")]
        [Description("Date of the visit or call, YYYY-MM-DD.")]
        public string? Date { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("clinic (clinic visit) or phone (phone call).")]
        public string Mode { get; init; } = "clinic";

        [CommandOption("--event <EVENT>")]
        [Description("The schedule's follow-up event this contact fulfils (e.g. month_3).")]
        public string? Event { get; init; }

        [CommandOption("--rash <CHANGE>")]
        [Description("Patient-reported change: not_asked, better, unchanged, worse.")]
        public string Rash { get; init; } = "not_asked";

        [CommandOption("--sleep <CHANGE>")]
        [Description("As --rash.")]
        public string Sleep { get; init; } = "not_asked";

        [CommandOption("--fatigue <CHANGE>")]
        [Description("As --rash.")]
        public string Fatigue { get; init; } = "not_asked";

        [CommandOption("--pain <CHANGE>")]
        [Description("As --rash.")]
        public string Pain { get; init; } = "not_asked";

        [CommandOption("--adverse-reaction")]
        [Description("The patient reports an adverse reaction.")]
        public bool AdverseReaction { get; init; }

        [CommandOption("--notes <TEXT>")]
        [Description("Free text.")]
        public string? Notes { get; init; }

        [CommandOption("--late-reason <TEXT>")]
        [Description("Why this is entered more than the study's late-entry days (default 7) after it happened; required then.")]
        public string? LateReason { get; init; }

        public override ValidationResult Validate() => Check(
            (IsDate(Date), "Give --date YYYY-MM-DD."),
            (Mode is "clinic" or "phone", "--mode must be clinic or phone."),
            (new[] { Rash, Sleep, Fatigue, Pain }.All(c => Changes.Contains(c)), "--rash, --sleep, --fatigue and --pain take not_asked, better, unchanged or worse."));
    }

    private static ReportedChange Change(string text) => text switch
    {
        "better" => ReportedChange.Better,
        "unchanged" => ReportedChange.Unchanged,
        "worse" => ReportedChange.Worse,
        _ => ReportedChange.NotAsked,
    };

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var request = new FollowUpRequest(settings.Patient, CellTherapyArguments.Date(settings.Date!), settings.Mode == "phone" ? ContactMode.PhoneCall : ContactMode.ClinicVisit,
            Change(settings.Rash), Change(settings.Sleep), Change(settings.Fatigue), Change(settings.Pain), settings.AdverseReaction, null, settings.Event, settings.Notes, settings.LateReason);
        var result = await FollowUps.RecordAsync(db, request, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } c)
        {
            io.Out.WriteLine($"contact recorded: patient {settings.Patient}, {(c.Mode == ContactMode.PhoneCall ? "phone call" : "clinic visit")} on {c.ContactDate:yyyy-MM-dd}"
                + (c.EventKey is null ? "" : $" ({c.EventKey})") + $"; rash {settings.Rash}, sleep {settings.Sleep}, fatigue {settings.Fatigue}, pain {settings.Pain}; "
                + (c.AdverseReaction ? "adverse reaction reported" : "no adverse reaction") + EnteredLate(c));
        }

        return code;
    }
}
