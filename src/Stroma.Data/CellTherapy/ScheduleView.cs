using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Data.CellTherapy;

/// <summary>Where a scheduled event stands on a date.</summary>
public enum EventStatus
{
    /// <summary>Done within its window.</summary>
    Done,

    /// <summary>Done outside its window (a deviation).</summary>
    DoneOutOfWindow,

    /// <summary>Nothing recorded and the window has ended (a deviation).</summary>
    Missed,

    /// <summary>Window open or not yet reached.</summary>
    Pending,
}

/// <summary>One line of a patient's calendar.</summary>
public sealed record ScheduleLine(ScheduledEvent Event, EventStatus Status, DateOnly? DoneOn);

/// <summary>A patient's calendar on a date: each event with its status, and the rescheduling history.</summary>
public sealed record ScheduleReport(EnrolledSchedule Enrolled, IReadOnlyList<ScheduleLine> Lines);

/// <summary>Builds the calendar with done / out-of-window / missed marks from the stored infusions and follow-up contacts.</summary>
public static class ScheduleView
{
    public static async Task<(IReadOnlyList<ScheduleReport> Reports, Issue? Issue)> ForPatientAsync(StromaDbContext db, string patientStudyId, DateOnly asOf,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (schedules, problem) = await Enrolments.LoadAsync(db, patientStudyId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return ([], problem);
        }

        var reports = new List<ScheduleReport>();
        foreach (var enrolled in schedules)
        {
            var done = (await Deviations.OccurrencesAsync(db, enrolled.Enrolment.Id, cancellationToken).ConfigureAwait(false))
                .ToDictionary(o => o.EventKey, o => o.Date, StringComparer.Ordinal);
            reports.Add(new ScheduleReport(enrolled, [.. enrolled.Schedule.Events.Select(e => done.TryGetValue(e.Key, out var on)
                ? new ScheduleLine(e, e.IsWithinWindow(on) ? EventStatus.Done : EventStatus.DoneOutOfWindow, on)
                : new ScheduleLine(e, e.WindowEnd < asOf ? EventStatus.Missed : EventStatus.Pending, null))]));
        }

        return (reports, null);
    }
}
