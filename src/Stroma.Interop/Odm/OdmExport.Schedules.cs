using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Interop.Odm;

/// <summary>
/// Enrolments' calendars (<c>F.SCHED</c>) and recorded protocol deviations (<c>F.DEV</c>) in the ODM export, under
/// <c>SE.NOVISIT</c>. A calendar is one form per enrolment, right after the enrolments: <c>IG.SCHED</c> names the
/// enrolment by protocol key, a repeat of <c>IG.SCHED_EVENT</c> lists each event as stored (key, label, kind, target,
/// the target the protocol generated, window) and a repeat of <c>IG.SCHED_CHANGE</c> each reschedule (from, to, why,
/// who, when). The events are what the protocol gives at enrolment, which the import generates again and compares; the
/// reschedules are what it cannot derive and carries as data. A deviation is one form per record (kind, event, code,
/// message, detected on), after the other records. The mapping is in docs/interop.md ("CDISC ODM 1.3.2"). De-identified
/// exports move the dates with the patient and leave out a reschedule's reason (free text) and who made it (as they leave
/// out users, signers and custody persons), and a deviation's message, which quotes the dates unshifted.
/// </summary>
public static partial class OdmExport
{
    internal static readonly (ScheduledEventKind Value, string Code, string Decode)[] ScheduledEventKinds =
    [
        (ScheduledEventKind.Administration, "administration", "Administration of the cell product"),
        (ScheduledEventKind.FollowUp, "follow_up", "Follow-up visit"),
    ];

    internal static readonly (DeviationKind Value, string Code, string Decode)[] DeviationKinds =
    [
        (DeviationKind.OutsideWindow, "outside_window", "An event took place outside its window"),
        (DeviationKind.MissedAdministration, "missed_administration", "An administration's window passed with no administration recorded"),
        (DeviationKind.MissedVisit, "missed_visit", "A follow-up visit's window passed with no visit recorded"),
        (DeviationKind.DoseOutsideTolerance, "dose_outside_tolerance", "A dose outside the protocol's tolerance of the dose its rule computes"),
    ];

    private sealed partial class Writer
    {
        private long scheduledEvents, scheduleChanges, deviations;

        private void WriteScheduleForms()
        {
            FormDef(OdmOids.ScheduleForm, "Enrolment calendar", OdmOids.ScheduleGroup, true, OdmOids.ScheduleEventGroup, OdmOids.ScheduleChangeGroup);
            FormDef(OdmOids.DeviationForm, "Protocol deviation", OdmOids.DeviationGroup, true);
        }

        private void WriteScheduleGroups()
        {
            ItemGroupDef(OdmOids.ScheduleGroup, "Enrolment calendar", false, [OdmOids.ScheduleProtocol]);
            ItemGroupDef(OdmOids.ScheduleEventGroup, "Scheduled event", true,
                [OdmOids.ScheduleEventKey, OdmOids.ScheduleEventLabel, OdmOids.ScheduleEventKind, OdmOids.ScheduleEventTarget, OdmOids.ScheduleEventOriginalTarget,
                    OdmOids.ScheduleEventWindowBefore, OdmOids.ScheduleEventWindowAfter]);
            ItemGroupDef(OdmOids.ScheduleChangeGroup, "Reschedule", true,
                [OdmOids.ScheduleChangeEvent, OdmOids.ScheduleChangeFrom, OdmOids.ScheduleChangeTo, OdmOids.ScheduleChangeReason, OdmOids.ScheduleChangeBy, OdmOids.ScheduleChangeAt]);
            ItemGroupDef(OdmOids.DeviationGroup, "Protocol deviation", false,
                [OdmOids.DeviationProtocol, OdmOids.DeviationKind, OdmOids.DeviationEvent, OdmOids.DeviationCode, OdmOids.DeviationMessage, OdmOids.DeviationDetectedOn]);
        }

        private void WriteScheduleItems()
        {
            ItemDef(OdmOids.ScheduleProtocol, "Protocol", "text", null, null, "The key of the protocol of the enrolment the calendar belongs to");
            ItemDef(OdmOids.ScheduleEventKey, "Event", "text", null, null, "The schedule's event key (administration_1, month_3, ...)");
            ItemDef(OdmOids.ScheduleEventLabel, "Label", "text");
            ItemDef(OdmOids.ScheduleEventKind, "Kind", "text", null, OdmOids.ScheduledEventKindCodes);
            ItemDef(OdmOids.ScheduleEventTarget, "Target date", "date", null, null, "The target now: the generated one, or the last reschedule's");
            ItemDef(OdmOids.ScheduleEventOriginalTarget, "Generated target date", "date", null, null, "The target the protocol gave at enrolment (day 0 + the event's offset)");
            ItemDef(OdmOids.ScheduleEventWindowBefore, "Window, days before", "integer");
            ItemDef(OdmOids.ScheduleEventWindowAfter, "Window, days after", "integer");
            ItemDef(OdmOids.ScheduleChangeEvent, "Event", "text", null, null, "The key of the event moved");
            ItemDef(OdmOids.ScheduleChangeFrom, "From", "date");
            ItemDef(OdmOids.ScheduleChangeTo, "To", "date");
            ItemDef(OdmOids.ScheduleChangeReason, "Reason", "text");
            ItemDef(OdmOids.ScheduleChangeBy, "Changed by", "text");
            ItemDef(OdmOids.ScheduleChangeAt, "Changed at", "datetime");

            ItemDef(OdmOids.DeviationProtocol, "Protocol", "text", null, null, "The key of the protocol of the enrolment the deviation was found on");
            ItemDef(OdmOids.DeviationKind, "Kind", "text", null, OdmOids.DeviationKindCodes);
            ItemDef(OdmOids.DeviationEvent, "Event", "text", null, null, "The schedule's event the deviation concerns");
            ItemDef(OdmOids.DeviationCode, "Issue code", "text", null, null, "The code of the issue that describes it (docs/issue-codes.md)");
            ItemDef(OdmOids.DeviationMessage, "Message", "text");
            ItemDef(OdmOids.DeviationDetectedOn, "Detected on", "date");
        }

        private void WriteScheduleCodeLists()
        {
            CodeList(OdmOids.ScheduledEventKindCodes, "Scheduled event kind", [.. ScheduledEventKinds.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.DeviationKindCodes, "Protocol deviation kind", [.. DeviationKinds.Select(c => (c.Code, c.Decode))]);
        }

        private sealed record ScheduleRecords(Dictionary<Guid, List<ScheduledEventRecord>> Events, Dictionary<Guid, List<ScheduleChangeRecord>> Changes,
            List<(ProtocolDeviationRecord Deviation, string Protocol)> Deviations);

        private async Task<ScheduleRecords> LoadSchedulesAsync(Guid patientId, CancellationToken cancellationToken)
        {
            var events = await db.ScheduledEvents.AsNoTracking().Where(e => e.Enrolment!.PatientId == patientId).ToListAsync(cancellationToken).ConfigureAwait(false);
            var changes = await db.ScheduleChanges.AsNoTracking().Where(c => c.Enrolment!.PatientId == patientId).ToListAsync(cancellationToken).ConfigureAwait(false);
            var found = await db.ProtocolDeviations.AsNoTracking().Where(d => d.Enrolment!.PatientId == patientId)
                .Select(d => new { Deviation = d, Protocol = d.Enrolment!.ProtocolKey }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return new ScheduleRecords(events.GroupBy(e => e.EnrolmentId).ToDictionary(g => g.Key, g => g.ToList()),
                changes.GroupBy(c => c.EnrolmentId).ToDictionary(g => g.Key, g => g.ToList()), [.. found.Select(f => (f.Deviation, f.Protocol))]);
        }

        /// <summary>
        /// One <c>F.SCHED</c> form per enrolment with a calendar, in the order of the enrolments' start (then protocol key):
        /// its events in the order the protocol generated them (generated target, kind, key), its reschedules in the order made.
        /// </summary>
        private void WriteSchedules(Guid patientId, string site, List<ProtocolEnrolment> enrolled, ScheduleRecords records)
        {
            var key = 0;
            foreach (var enrolment in enrolled.OrderBy(e => e.StartDate).ThenBy(e => e.ProtocolKey, StringComparer.Ordinal))
            {
                var events = records.Events.GetValueOrDefault(enrolment.Id) ?? [];
                var changes = records.Changes.GetValueOrDefault(enrolment.Id) ?? [];
                if (events.Count == 0 && changes.Count == 0)
                {
                    continue;
                }

                xml.WriteStartElement("FormData");
                Attribute("FormOID", OdmOids.ScheduleForm);
                Attribute("FormRepeatKey", Number(++key));
                // The calendar's own group carries no audit record: its rows are the events' and changes', each with its own.
                xml.WriteStartElement("ItemGroupData");
                Attribute("ItemGroupOID", OdmOids.ScheduleGroup);
                Item(OdmOids.ScheduleProtocol, enrolment.ProtocolKey);
                xml.WriteEndElement();
                ChildGroups(OdmOids.ScheduleEventGroup, site, events.OrderBy(e => e.OriginalTarget).ThenBy(e => e.Kind).ThenBy(e => e.EventKey, StringComparer.Ordinal)
                    .Select(e => (e, new List<(string Oid, string? Value, string? Unit)>
                    {
                        (OdmOids.ScheduleEventKey, e.EventKey, null),
                        (OdmOids.ScheduleEventLabel, e.Label, null),
                        (OdmOids.ScheduleEventKind, Code(ScheduledEventKinds, e.Kind), null),
                        (OdmOids.ScheduleEventTarget, Date(patientId, e.Target), null),
                        (OdmOids.ScheduleEventOriginalTarget, Date(patientId, e.OriginalTarget), null),
                        (OdmOids.ScheduleEventWindowBefore, Integer(e.WindowDaysBefore), null),
                        (OdmOids.ScheduleEventWindowAfter, Integer(e.WindowDaysAfter), null),
                    })));
                ChildGroups(OdmOids.ScheduleChangeGroup, site, Ordered(changes, c => c.ChangedAt, c =>
                [
                    (OdmOids.ScheduleChangeEvent, c.EventKey, null),
                    (OdmOids.ScheduleChangeFrom, Date(patientId, c.FromDate), null),
                    (OdmOids.ScheduleChangeTo, Date(patientId, c.ToDate), null),
                    (OdmOids.ScheduleChangeReason, deidentify ? null : c.Reason, null),
                    (OdmOids.ScheduleChangeBy, deidentify ? null : c.ChangedBy, null),
                    (OdmOids.ScheduleChangeAt, Instant(patientId, c.ChangedAt), null),
                ]));
                xml.WriteEndElement();
                scheduledEvents += events.Count;
                scheduleChanges += changes.Count;
            }
        }

        /// <summary>One <c>F.DEV</c> form per recorded deviation, in the order of the day it was detected, then of its values.</summary>
        private void WriteDeviations(Guid patientId, string site, List<(ProtocolDeviationRecord Deviation, string Protocol)> records)
        {
            var key = 0;
            foreach (var (record, items) in Ordered(records, r => r.Deviation.DetectedOn, r =>
            [
                (OdmOids.DeviationProtocol, r.Protocol, null),
                (OdmOids.DeviationKind, Code(DeviationKinds, r.Deviation.Kind), null),
                (OdmOids.DeviationEvent, r.Deviation.EventKey, null),
                (OdmOids.DeviationCode, r.Deviation.Code, null),
                // Left out of de-identified exports: the message quotes the event's dates as they were, unshifted.
                (OdmOids.DeviationMessage, deidentify ? null : r.Deviation.Message, null),
                (OdmOids.DeviationDetectedOn, Date(patientId, r.Deviation.DetectedOn), null),
            ]))
            {
                RecordForm(OdmOids.DeviationForm, ++key, OdmOids.DeviationGroup, record.Deviation, site, items);
                deviations++;
            }
        }
    }
}
