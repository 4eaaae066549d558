using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Interop.Odm;

/// <summary>
/// Enrolments' calendars (<c>F.SCHED</c>) and protocol deviations (<c>F.DEV</c>) of <see cref="OdmImport"/>, written as
/// stored records. A calendar is not data the file could choose: the enrolment (<c>F.ENR</c>, before it) has already
/// generated it from the protocol as <c>Enrolments.EnrolAsync</c> does, and the file must list exactly those events
/// (key, label, kind, generated target, window), or it is refused (<see cref="IssueCodes.OdmScoreMismatch"/>). What the
/// protocol cannot give, the reschedules, are replayed in the order made with <see cref="PatientSchedule.Reschedule"/>'s
/// rules (an event of the calendar, a reason and who made it), each from the target the event then had, and the events'
/// targets must then be the file's. A reschedule keeps the file's who and when (its history, not this import's moment).
/// A deviation needs the patient's enrolment on its protocol, an event of that calendar, a code, its message and a
/// detection day not in the future, and is recorded once per enrolment, kind, event and code, as
/// <c>Deviations.DetectAsync</c> records it; the detection itself is not run again (it judges the day it runs).
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        public int ScheduledEvents { get; private set; }

        public int ScheduleChanges { get; private set; }

        public int Deviations { get; private set; }

        /// <summary>The enrolments whose calendar the file has given (a second <c>F.SCHED</c> for one is refused).</summary>
        private readonly HashSet<Guid> calendarsRead = [];

        private static readonly HashSet<string> ScheduleEventItems = new(
        [
            OdmOids.ScheduleEventKey, OdmOids.ScheduleEventLabel, OdmOids.ScheduleEventKind, OdmOids.ScheduleEventTarget, OdmOids.ScheduleEventOriginalTarget,
            OdmOids.ScheduleEventWindowBefore, OdmOids.ScheduleEventWindowAfter,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> ScheduleChangeItems = new(
        [
            OdmOids.ScheduleChangeEvent, OdmOids.ScheduleChangeFrom, OdmOids.ScheduleChangeTo, OdmOids.ScheduleChangeReason, OdmOids.ScheduleChangeBy, OdmOids.ScheduleChangeAt,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> DeviationItems = new(
        [
            OdmOids.DeviationProtocol, OdmOids.DeviationKind, OdmOids.DeviationEvent, OdmOids.DeviationCode, OdmOids.DeviationMessage, OdmOids.DeviationDetectedOn,
        ], StringComparer.Ordinal);

        private sealed record FileEvent(string Where, string Key, string Label, ScheduledEventKind Kind, DateOnly Target, DateOnly Original, int Before, int After);

        private sealed record FileChange(string Where, string EventKey, DateOnly From, DateOnly To, string? Reason, string? By, DateTimeOffset At);

        /// <summary>The enrolment of the patient on <paramref name="protocol"/>, read before this form (null: not enrolled).</summary>
        private async Task<ProtocolEnrolment?> EnrolmentAsync(Patient patient, string protocol, CancellationToken cancellationToken) =>
            db.ProtocolEnrolments.Local.FirstOrDefault(e => e.PatientId == patient.Id && e.ProtocolKey == protocol)
            ?? await db.ProtocolEnrolments.FirstOrDefaultAsync(e => e.PatientId == patient.Id && e.ProtocolKey == protocol, cancellationToken).ConfigureAwait(false);

        /// <summary>
        /// The enrolment's calendar rows, saved or not: once the file has an error nothing more is saved, and a calendar
        /// found empty would only add errors that are not the file's.
        /// </summary>
        private async Task<List<ScheduledEventRecord>> CalendarAsync(Guid enrolmentId, CancellationToken cancellationToken)
        {
            await db.ScheduledEvents.Where(e => e.EnrolmentId == enrolmentId).LoadAsync(cancellationToken).ConfigureAwait(false);
            return [.. db.ScheduledEvents.Local.Where(e => e.EnrolmentId == enrolmentId)];
        }

        private async Task AddScheduleAsync(Patient patient, XElement form, string formWhere, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var where = $"{formWhere}[@FormRepeatKey='{(string?)form.Attribute("FormRepeatKey")}']";
            var groups = form.Elements(Odm + "ItemGroupData").ToList();
            var header = groups.Where(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.ScheduleGroup).ToList();
            if (header.Count != 1)
            {
                Error(IssueCodes.OdmMissing, where, $"a calendar form has exactly one {OdmOids.ScheduleGroup}; it has {header.Count}.");
                return;
            }

            var values = Values(header[0], where);
            foreach (var oid in values.Keys.Where(k => k != OdmOids.ScheduleProtocol))
            {
                Error(IssueCodes.OdmUnknownOid, At(where, oid), $"not an item of {OdmOids.ScheduleGroup} in Stroma's mapping.");
            }

            var protocol = Text(values, OdmOids.ScheduleProtocol, where, required: true)?.Trim();
            var given = new List<FileEvent>();
            var changes = new List<FileChange>();
            foreach (var group in groups.Where(g => (string?)g.Attribute("ItemGroupOID") != OdmOids.ScheduleGroup))
            {
                var groupOid = (string?)group.Attribute("ItemGroupOID") ?? "";
                var groupWhere = $"{where}/ItemGroupData[@ItemGroupOID='{groupOid}'][@ItemGroupRepeatKey='{(string?)group.Attribute("ItemGroupRepeatKey")}']";
                var known = groupOid switch
                {
                    OdmOids.ScheduleEventGroup => ScheduleEventItems,
                    OdmOids.ScheduleChangeGroup => ScheduleChangeItems,
                    _ => null,
                };
                if (known is null)
                {
                    Error(IssueCodes.OdmUnknownOid, groupWhere, $"not an item group of {OdmOids.ScheduleForm} in Stroma's mapping.");
                    continue;
                }

                var child = Values(group, groupWhere);
                foreach (var oid in child.Keys.Where(k => !known.Contains(k)))
                {
                    Error(IssueCodes.OdmUnknownOid, At(groupWhere, oid), $"not an item of {groupOid} in Stroma's mapping.");
                }

                if (groupOid == OdmOids.ScheduleEventGroup)
                {
                    var key = Text(child, OdmOids.ScheduleEventKey, groupWhere, required: true)?.Trim();
                    var label = Text(child, OdmOids.ScheduleEventLabel, groupWhere, required: true);
                    var kind = Code(child, OdmOids.ScheduleEventKind, groupWhere, OdmExport.ScheduledEventKinds, OdmOids.ScheduledEventKindCodes, required: true);
                    var target = Date(child, OdmOids.ScheduleEventTarget, groupWhere, required: true);
                    var original = Date(child, OdmOids.ScheduleEventOriginalTarget, groupWhere, required: true);
                    var windowBefore = Integer(child, OdmOids.ScheduleEventWindowBefore, groupWhere, 0, 3650);
                    var windowAfter = Integer(child, OdmOids.ScheduleEventWindowAfter, groupWhere, 0, 3650);
                    foreach (var oid in new[] { OdmOids.ScheduleEventWindowBefore, OdmOids.ScheduleEventWindowAfter }.Where(o => child.GetValueOrDefault(o) is null or ""))
                    {
                        Error(IssueCodes.OdmMissing, At(groupWhere, oid), "this item is required.");
                    }

                    if (key is not null && label is not null && kind is { } k && target is { } t && original is { } o && windowBefore is { } b && windowAfter is { } a)
                    {
                        given.Add(new FileEvent(groupWhere, key, label, k, t, o, b, a));
                    }
                }
                else
                {
                    var eventKey = Text(child, OdmOids.ScheduleChangeEvent, groupWhere, required: true)?.Trim();
                    var from = Date(child, OdmOids.ScheduleChangeFrom, groupWhere, required: true);
                    var to = Date(child, OdmOids.ScheduleChangeTo, groupWhere, required: true);
                    var at = Instant(child, OdmOids.ScheduleChangeAt, groupWhere, required: true);
                    if (eventKey is not null && from is { } f && to is { } t && at is { } when)
                    {
                        // Reason and person are checked by the reschedule's own rule below, with its code.
                        changes.Add(new FileChange(groupWhere, eventKey, f, t, Text(child, OdmOids.ScheduleChangeReason, groupWhere),
                            Text(child, OdmOids.ScheduleChangeBy, groupWhere), when));
                    }
                }
            }

            if (protocol is null || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            var enrolment = await EnrolmentAsync(patient, protocol, cancellationToken).ConfigureAwait(false);
            if (enrolment is null)
            {
                Refuse([Issue.Error(IssueCodes.NotEnrolled, "protocol", $"Patient {patient.StudyId} is not enrolled on {protocol} (its F.ENR comes before the calendar).")], where);
                return;
            }

            if (!calendarsRead.Add(enrolment.Id))
            {
                Error(IssueCodes.OdmBadValue, At(where, OdmOids.ScheduleProtocol), $"the subject has a second {OdmOids.ScheduleForm} for {protocol}: an enrolment has one calendar.");
                return;
            }

            // The calendar the enrolment generated from the protocol (Enrolments.Records), against the file's.
            var stored = await CalendarAsync(enrolment.Id, cancellationToken).ConfigureAwait(false);
            var origin = $"{protocol} version {enrolment.ProtocolVersion} from day 0 {OdmExport.Text(enrolment.StartDate)}";
            foreach (var twice in given.GroupBy(e => e.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Error(IssueCodes.OdmBadValue, At(twice.Last().Where, OdmOids.ScheduleEventKey), $"event \"{twice.Key}\" is listed {twice.Count()} times: a calendar has each event once.");
            }

            foreach (var theirs in given.DistinctBy(e => e.Key))
            {
                var mine = stored.FirstOrDefault(e => e.EventKey == theirs.Key);
                if (mine is null)
                {
                    Error(IssueCodes.OdmScoreMismatch, At(theirs.Where, OdmOids.ScheduleEventKey),
                        $"\"{theirs.Key}\" is not an event of the calendar {origin} gives ({string.Join(", ", stored.Select(e => e.EventKey))}).");
                    continue;
                }

                foreach (var (oid, file, protocolGives, label) in new[]
                {
                    (OdmOids.ScheduleEventLabel, theirs.Label, mine.Label, "label"),
                    (OdmOids.ScheduleEventKind, OdmExport.Code(OdmExport.ScheduledEventKinds, theirs.Kind), OdmExport.Code(OdmExport.ScheduledEventKinds, mine.Kind), "kind"),
                    (OdmOids.ScheduleEventOriginalTarget, OdmExport.Text(theirs.Original), OdmExport.Text(mine.OriginalTarget), "generated target"),
                    (OdmOids.ScheduleEventWindowBefore, theirs.Before.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        mine.WindowDaysBefore.ToString(System.Globalization.CultureInfo.InvariantCulture), "window (days before)"),
                    (OdmOids.ScheduleEventWindowAfter, theirs.After.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        mine.WindowDaysAfter.ToString(System.Globalization.CultureInfo.InvariantCulture), "window (days after)"),
                })
                {
                    if (file != protocolGives)
                    {
                        Error(IssueCodes.OdmScoreMismatch, At(theirs.Where, oid), $"the file's {label} of event \"{theirs.Key}\" is \"{file}\"; {origin} gives \"{protocolGives}\".");
                    }
                }
            }

            foreach (var missing in stored.Where(e => given.All(g => g.Key != e.EventKey)))
            {
                Error(IssueCodes.OdmScoreMismatch, where, $"the calendar {origin} gives has event \"{missing.EventKey}\" ({missing.Label}); the file's calendar does not list it.");
            }

            if (Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The reschedules, replayed in the order made with the reschedule's own rules, each from the target the event then had.
            var schedule = new PatientSchedule(enrolment.ProtocolKey, enrolment.ProtocolVersion, enrolment.StartDate,
                [.. stored.Select(e => new ScheduledEvent(e.EventKey, e.Label, e.Kind, e.Target, new VisitWindow(e.WindowDaysBefore, e.WindowDaysAfter)))], []);
            foreach (var change in changes.OrderBy(c => c.At))
            {
                var (moved, issues) = schedule.Reschedule(change.EventKey, change.To, change.Reason ?? "", change.By ?? "", change.At);
                if (Refuse(issues, change.Where))
                {
                    continue;
                }

                if (moved.History[^1].From != change.From)
                {
                    Error(IssueCodes.OdmScoreMismatch, At(change.Where, OdmOids.ScheduleChangeFrom),
                        $"the file's reschedule of \"{change.EventKey}\" moves it from {OdmExport.Text(change.From)}; its target then was {OdmExport.Text(moved.History[^1].From)}.");
                }

                schedule = moved;
            }

            foreach (var theirs in given)
            {
                if (schedule.Event(theirs.Key) is { } now && now.Target != theirs.Target)
                {
                    Error(IssueCodes.OdmScoreMismatch, At(theirs.Where, OdmOids.ScheduleEventTarget),
                        $"the file's target of event \"{theirs.Key}\" is {OdmExport.Text(theirs.Target)}; its generated target and the file's reschedules give {OdmExport.Text(now.Target)}.");
                }
            }

            if (Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // Each reschedule saved on its own with the reason Enrolments.RescheduleAsync gives, so the audit trail has the same steps.
            foreach (var change in schedule.History)
            {
                stored.Single(e => e.EventKey == change.EventKey).Target = change.To;
                db.ScheduleChanges.Add(new ScheduleChangeRecord
                {
                    Id = Guid.CreateVersion7(),
                    EnrolmentId = enrolment.Id,
                    EventKey = change.EventKey,
                    FromDate = change.From,
                    ToDate = change.To,
                    Reason = change.Reason,
                    ChangedBy = change.ChangedBy,
                    ChangedAt = change.ChangedAt,
                });
                if (!Issues.Any(i => i.IsError))
                {
                    db.ChangeReason = $"rescheduled: {change.Reason}";
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            ScheduledEvents += given.Count;
            ScheduleChanges += schedule.History.Count;
        }

        private async Task AddDeviationAsync(Patient patient, XElement form, string formWhere, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var (values, where) = SingleGroup(form, formWhere, OdmOids.DeviationGroup, DeviationItems);
            if (values is null)
            {
                return;
            }

            var protocol = Text(values, OdmOids.DeviationProtocol, where, required: true)?.Trim();
            var kind = Code(values, OdmOids.DeviationKind, where, OdmExport.DeviationKinds, OdmOids.DeviationKindCodes, required: true);
            var eventKey = Text(values, OdmOids.DeviationEvent, where, required: true)?.Trim();
            var code = Text(values, OdmOids.DeviationCode, where, required: true)?.Trim();
            var message = Text(values, OdmOids.DeviationMessage, where, required: true);
            var detected = Date(values, OdmOids.DeviationDetectedOn, where, required: true);
            if (protocol is null || kind is not { } what || eventKey is null || code is null || message is null || detected is not { } day
                || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            var rules = new List<Issue>();
            if (LateEntryPolicy.InFuture("detected_on", day, LateEntry.Today(db)) is { } future)
            {
                rules.Add(future);
            }

            var enrolment = await EnrolmentAsync(patient, protocol, cancellationToken).ConfigureAwait(false);
            if (enrolment is null)
            {
                rules.Add(Issue.Error(IssueCodes.NotEnrolled, "protocol", $"Patient {patient.StudyId} is not enrolled on {protocol} (its F.ENR comes before the deviations)."));
            }
            else
            {
                if ((await CalendarAsync(enrolment.Id, cancellationToken).ConfigureAwait(false)).All(e => e.EventKey != eventKey))
                {
                    rules.Add(Issue.Error(IssueCodes.ScheduleUnknownEvent, "event", $"The patient's {protocol} schedule has no event '{eventKey}'."));
                }

                // Deviations.DetectAsync records a deviation once per enrolment, kind, event and code.
                if (db.ProtocolDeviations.Local.Any(d => d.EnrolmentId == enrolment.Id && d.Kind == what && d.EventKey == eventKey && d.Code == code)
                    || await db.ProtocolDeviations.AnyAsync(d => d.EnrolmentId == enrolment.Id && d.Kind == what && d.EventKey == eventKey && d.Code == code, cancellationToken).ConfigureAwait(false))
                {
                    rules.Add(Issue.Error(IssueCodes.OdmBadValue, "deviation",
                        $"the deviation {OdmExport.Code(OdmExport.DeviationKinds, what)} {code} of event '{eventKey}' on {protocol} is already recorded: a deviation is recorded once."));
                }
            }

            if (Refuse(rules, where))
            {
                return;
            }

            db.ProtocolDeviations.Add(new ProtocolDeviationRecord
            {
                Id = Guid.CreateVersion7(),
                EnrolmentId = enrolment!.Id,
                Kind = what,
                EventKey = eventKey,
                Code = code,
                Message = message,
                DetectedOn = day,
            });
            Deviations++;
        }
    }
}
