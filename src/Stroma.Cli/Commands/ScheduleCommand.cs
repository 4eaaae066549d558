using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma schedule &lt;PATIENT&gt; [--as-of DATE]</c>: the patient's calendar with done / OUT OF WINDOW / MISSED marks
/// and the rescheduling history. <c>--move EVENT --to DATE --reason R</c> reschedules one event first;
/// <c>--record-deviations</c> records the deviations found (missed, out of window, dose outside tolerance).
/// </summary>
public sealed class ScheduleCommand(CliIo io) : AsyncCommand<ScheduleCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("Patient study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--as-of <DATE>")]
        [Description("Judge missed events as of this date (default: today, UTC).")]
        public string? AsOf { get; init; }

        [CommandOption("--move <EVENT>")]
        [Description("Reschedule this event (with --to and --reason); the change is kept.")]
        public string? Move { get; init; }

        [CommandOption("--to <DATE>")]
        [Description("New target date of --move.")]
        public string? To { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("Why the event is moved.")]
        public string Reason { get; init; } = "";

        [CommandOption("--protocol <KEY>")]
        [Description("The protocol, when the patient is enrolled on more than one.")]
        public string? Protocol { get; init; }

        [CommandOption("--record-deviations")]
        [Description("Record the protocol deviations found as of the date.")]
        public bool RecordDeviations { get; init; }

        public override ValidationResult Validate() => Check(
            (AsOf is null || IsDate(AsOf), "--as-of must be YYYY-MM-DD."),
            (Move is null || IsDate(To), "Give --to YYYY-MM-DD with --move."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var asOf = settings.AsOf is null ? DateOnly.FromDateTime(db.Clock.GetUtcNow().UtcDateTime) : Date(settings.AsOf);
        if (settings.Move is not null)
        {
            var moved = await Enrolments.RescheduleAsync(db, settings.Patient, settings.Move, Date(settings.To!), settings.Reason, settings.Protocol, cancellationToken).ConfigureAwait(false);
            if (Report(io, moved.Issues) != ExitCodes.Ok)
            {
                return ExitCodes.InvalidInput;
            }
        }

        var issues = new List<Clinical.Issues.Issue>();
        if (settings.RecordDeviations)
        {
            var check = await Deviations.DetectAsync(db, settings.Patient, asOf, cancellationToken).ConfigureAwait(false);
            issues.AddRange(check.Issues);
            foreach (var d in check.Recorded)
            {
                io.Out.WriteLine($"deviation recorded: {d.Code} {d.EventKey}: {d.Message}");
            }
        }

        var (reports, problem) = await ScheduleView.ForPatientAsync(db, settings.Patient, asOf, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return Report(io, [problem]);
        }

        foreach (var report in reports)
        {
            var s = report.Enrolled;
            io.Out.WriteLine($"patient {s.Patient.StudyId}: protocol {s.Enrolment.ProtocolKey} version {s.Enrolment.ProtocolVersion}, day 0 {s.Enrolment.StartDate:yyyy-MM-dd}, as of {asOf:yyyy-MM-dd}");
            io.Out.WriteLine();
            io.Out.WriteLine($"{"event",-18} {"kind",-15} {"target",-10}  {"window",-8}  {"from",-10}  {"to",-10}  status");
            foreach (var line in report.Lines)
            {
                var e = line.Event;
                var status = line.Status switch
                {
                    EventStatus.Done => $"done {line.DoneOn:yyyy-MM-dd}",
                    EventStatus.DoneOutOfWindow => $"done {line.DoneOn:yyyy-MM-dd} OUT OF WINDOW",
                    EventStatus.Missed => "MISSED",
                    _ => "pending",
                };
                var kind = e.Kind == ScheduledEventKind.Administration ? "administration" : "follow-up";
                io.Out.WriteLine($"{e.Key,-18} {kind,-15} {e.Target:yyyy-MM-dd}  {e.Window,-8}  {e.WindowStart:yyyy-MM-dd}  {e.WindowEnd:yyyy-MM-dd}  {status}");
            }

            if (s.Schedule.History.Count > 0)
            {
                io.Out.WriteLine();
                io.Out.WriteLine("rescheduled:");
                foreach (var h in s.Schedule.History)
                {
                    io.Out.WriteLine($"  {h.EventKey}: {h.From:yyyy-MM-dd} -> {h.To:yyyy-MM-dd} by {h.ChangedBy}: {h.Reason}");
                }
            }

            io.Out.WriteLine();
        }

        return Report(io, issues);
    }
}
