using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.CellTherapy;

/// <summary>Where an event of a patient's calendar stands on a date, as the calendar page shows it.</summary>
public enum CalendarStatus
{
    /// <summary>Done within its window.</summary>
    Done,

    /// <summary>Done outside its window (a deviation, SCH001).</summary>
    DoneOutOfWindow,

    /// <summary>Not done; its window has not opened.</summary>
    Upcoming,

    /// <summary>Not done; its window is open and the target is today or later.</summary>
    Due,

    /// <summary>Not done; the target has passed, the window is still open.</summary>
    Overdue,

    /// <summary>Not done and the window has ended (a deviation, SCH002/SCH003).</summary>
    Missed,
}

/// <summary>What fulfilled an event: an infusion (its lot) or a follow-up contact (clinic visit or phone call).</summary>
public sealed record Fulfilment(DateOnly Date, string? LotNumber, ContactMode? ContactMode);

/// <summary>One event of the calendar: the event as scheduled now, its status, what fulfilled it, and its moves.</summary>
public sealed record CalendarLine(ScheduledEvent Event, CalendarStatus Status, Fulfilment? FulfilledBy, IReadOnlyList<ScheduleChange> Moves);

/// <summary>One enrolment's calendar on a date.</summary>
public sealed record CalendarEnrolment(string ProtocolKey, string ProtocolVersion, DateOnly Start, IReadOnlyList<CalendarLine> Lines, IReadOnlyList<ScheduleChange> History);

/// <summary>
/// A patient's calendar as the web page shows it: <see cref="ScheduleView"/>'s marks (done, out of window, missed),
/// the not-done events split by <see cref="Worklist.StateOf"/> (upcoming, due, overdue), and what fulfilled each done
/// event (the infusion's lot, or the contact's mode), with the rescheduling history.
/// </summary>
public static class Calendar
{
    public static async Task<(IReadOnlyList<CalendarEnrolment> Enrolments, Issue? Issue)> ForPatientAsync(StromaDbContext db, string patientStudyId, DateOnly asOf,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (reports, problem) = await ScheduleView.ForPatientAsync(db, patientStudyId, asOf, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return ([], problem);
        }

        var ids = reports.Select(r => r.Enrolled.Enrolment.Id).ToArray();
        var infusions = await db.Infusions.AsNoTracking().Where(i => ids.Contains(i.EnrolmentId))
            .Select(i => new { i.EnrolmentId, i.EventKey, i.InfusionDate, i.Start, i.Lot!.LotNumber }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var contacts = await db.FollowUpContacts.AsNoTracking().Where(c => c.EnrolmentId != null && ids.Contains(c.EnrolmentId.Value) && c.EventKey != null)
            .Select(c => new { EnrolmentId = c.EnrolmentId!.Value, EventKey = c.EventKey!, c.ContactDate, c.Mode }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<CalendarEnrolment>();
        foreach (var report in reports)
        {
            var enrolment = report.Enrolled.Enrolment;
            var history = report.Enrolled.Schedule.History;
            var lines = report.Lines.Select(line =>
            {
                // As ScheduleView reads an occurrence: the first infusion of the event, else its first contact.
                var infusion = infusions.Where(i => i.EnrolmentId == enrolment.Id && i.EventKey == line.Event.Key).OrderBy(i => i.Start).FirstOrDefault();
                var contact = contacts.Where(c => c.EnrolmentId == enrolment.Id && c.EventKey == line.Event.Key).OrderBy(c => c.ContactDate).FirstOrDefault();
                var fulfilment = infusion is not null ? new Fulfilment(infusion.InfusionDate, infusion.LotNumber, null)
                    : contact is not null ? new Fulfilment(contact.ContactDate, null, contact.Mode)
                    : null;
                var status = line.Status switch
                {
                    EventStatus.Done => CalendarStatus.Done,
                    EventStatus.DoneOutOfWindow => CalendarStatus.DoneOutOfWindow,
                    EventStatus.Missed => CalendarStatus.Missed,
                    _ => Worklist.StateOf(line.Event, asOf) switch
                    {
                        DueState.Upcoming => CalendarStatus.Upcoming,
                        DueState.Due => CalendarStatus.Due,
                        DueState.Overdue => CalendarStatus.Overdue,
                        _ => CalendarStatus.Missed,
                    },
                };
                return new CalendarLine(line.Event, status, fulfilment, [.. history.Where(h => h.EventKey == line.Event.Key)]);
            }).ToList();
            result.Add(new CalendarEnrolment(enrolment.ProtocolKey, enrolment.ProtocolVersion, enrolment.StartDate, lines, history));
        }

        return (result, null);
    }
}
