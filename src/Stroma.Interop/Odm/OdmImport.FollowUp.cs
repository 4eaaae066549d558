using System.Globalization;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Quality;

namespace Stroma.Interop.Odm;

/// <summary>
/// Follow-up contacts (<c>F.CONTACT</c>) and lymphodepletion (<c>F.LD</c>) of <see cref="OdmImport"/>, written as stored
/// records with the rules of their writers that a stored record can be checked against. A contact meets
/// <see cref="FollowUps.RecordAsync"/>'s rules: a date not in the future, the patient's enrolment on its protocol and an
/// event of that enrolment's schedule (or, without a protocol, of any of the patient's schedules, as the writer looks it
/// up), an adverse event only with an adverse reaction reported (<see cref="IssueCodes.Contradiction"/>), and the
/// protocol's save-time checks; its adverse event is the one of the subject's <c>F.AE</c> with the
/// <c>ItemGroupRepeatKey</c> it names. A lymphodepletion record meets <see cref="Lymphodepletions.RecordAsync"/>'s rules
/// (a CAR-T enrolment, a drug of its plan, once per drug and enrolment, height 30–300 cm, a weight
/// <see cref="BodyMass.Accepts"/>, a dose above 0 and at most 100000 mg/m², days before day 0 ascending and distinct,
/// measured before the first day, nothing in the future), and its first and last days, BSA and daily amount are computed
/// again (<see cref="BodySurfaceArea.Calculate"/>) and must be the file's (<see cref="IssueCodes.OdmScoreMismatch"/>).
/// Neither goes through its writer: both apply the late-entry rule against today, which judges the moment of entry, not
/// the record (the flags and reasons are kept as the file gives them, as for the other records); lymphodepletion's day 0
/// is the file's (the writer takes the infusion of the day it is entered, which a later infusion record may not match).
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        public int Contacts { get; private set; }

        public int Lymphodepletions { get; private set; }

        /// <summary>The current subject's adverse events by their <c>ItemGroupRepeatKey</c> in <c>F.AE</c> (null: the key is given twice).</summary>
        private readonly Dictionary<string, Guid?> adverseEventIds = new(StringComparer.Ordinal);

        private static readonly HashSet<string> ContactItems = new(
        [
            OdmOids.ContactDate, OdmOids.ContactMode, OdmOids.ContactProtocol, OdmOids.ContactEvent, OdmOids.ContactRash, OdmOids.ContactSleep,
            OdmOids.ContactFatigue, OdmOids.ContactPain, OdmOids.ContactAdverseReaction, OdmOids.ContactAdverseEvent, OdmOids.ContactNotes,
            OdmOids.ContactLate, OdmOids.ContactLateReason,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> LymphodepletionItems = new(
        [
            OdmOids.LymphodepletionProtocol, OdmOids.LymphodepletionDrugKey, OdmOids.LymphodepletionDrug, OdmOids.LymphodepletionDose,
            OdmOids.LymphodepletionDays, OdmOids.LymphodepletionDayZero, OdmOids.LymphodepletionFirst, OdmOids.LymphodepletionLast,
            OdmOids.LymphodepletionHeight, OdmOids.LymphodepletionWeight, OdmOids.LymphodepletionMeasuredOn, OdmOids.LymphodepletionFormula,
            OdmOids.LymphodepletionBsa, OdmOids.LymphodepletionDailyDose, OdmOids.LymphodepletionLate, OdmOids.LymphodepletionLateReason,
        ], StringComparer.Ordinal);

        /// <summary>The one item group of a form of one record (<c>F.CONTACT</c>, <c>F.LD</c>), with its values and its place in the file.</summary>
        private (Dictionary<string, string?>? Values, string Where) SingleGroup(XElement form, string formWhere, string group, HashSet<string> known)
        {
            var where = $"{formWhere}[@FormRepeatKey='{(string?)form.Attribute("FormRepeatKey")}']";
            var groups = form.Elements(Odm + "ItemGroupData").ToList();
            if (groups.Count != 1 || (string?)groups[0].Attribute("ItemGroupOID") != group)
            {
                Error(IssueCodes.OdmMissing, where, $"this form has exactly one item group, {group}; it has {string.Join(", ", groups.Select(g => (string?)g.Attribute("ItemGroupOID")))}.");
                return (null, where);
            }

            var values = Values(groups[0], where);
            foreach (var oid in values.Keys.Where(k => !known.Contains(k)))
            {
                Error(IssueCodes.OdmUnknownOid, At(where, oid), $"not an item of {group} in Stroma's mapping.");
            }

            return (values, where);
        }

        private async Task AddContactAsync(Patient patient, XElement form, string formWhere, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var (values, where) = SingleGroup(form, formWhere, OdmOids.ContactGroup, ContactItems);
            if (values is null)
            {
                return;
            }

            var date = Date(values, OdmOids.ContactDate, where, required: true);
            var mode = Code(values, OdmOids.ContactMode, where, OdmExport.ContactModes, OdmOids.ContactModeCodes, required: true);
            var protocol = Text(values, OdmOids.ContactProtocol, where)?.Trim();
            var eventKey = Text(values, OdmOids.ContactEvent, where)?.Trim();
            // A change not given is not asked, as stroma contact records it by default.
            ReportedChange Change(string oid) => Code(values, oid, where, OdmExport.ReportedChanges, OdmOids.ReportedChangeCodes) ?? ReportedChange.NotAsked;
            var (rash, sleep, fatigue, pain) = (Change(OdmOids.ContactRash), Change(OdmOids.ContactSleep), Change(OdmOids.ContactFatigue), Change(OdmOids.ContactPain));
            var reaction = Boolean(values, OdmOids.ContactAdverseReaction, where) ?? false;
            var late = Boolean(values, OdmOids.ContactLate, where) ?? false;
            Guid? adverseEventId = null;
            if (Text(values, OdmOids.ContactAdverseEvent, where) is { } aeKey)
            {
                if (!adverseEventIds.TryGetValue(aeKey, out var id) || id is null)
                {
                    Error(IssueCodes.OdmBadValue, At(where, OdmOids.ContactAdverseEvent), id is null && adverseEventIds.ContainsKey(aeKey)
                        ? $"the subject's {OdmOids.AdverseEventForm} has more than one {OdmOids.AdverseEventGroup} with ItemGroupRepeatKey \"{aeKey}\": the contact's adverse event is not one event."
                        : $"the subject's {OdmOids.AdverseEventForm} has no {OdmOids.AdverseEventGroup} with ItemGroupRepeatKey \"{aeKey}\" (its adverse events come before its contacts).");
                }
                else
                {
                    adverseEventId = id;
                }
            }

            if (date is not { } day || mode is not { } how || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The rules of FollowUps.RecordAsync a stored contact can be checked against (not the late-entry rule).
            var rules = new List<Issue>();
            if (LateEntryPolicy.InFuture("contact_date", day, LateEntry.Today(db)) is { } future)
            {
                rules.Add(future);
            }

            if (adverseEventId is not null && !reaction)
            {
                rules.Add(Issue.Error(IssueCodes.Contradiction, "adverse_reaction", "An adverse event is given but no adverse reaction is reported."));
            }

            ProtocolEnrolment? enrolment = null;
            if (protocol is not null || eventKey is not null)
            {
                var (schedules, notEnrolled) = await Stroma.Data.CellTherapy.Enrolments.LoadAsync(db, patient.StudyId, cancellationToken).ConfigureAwait(false);
                var owner = protocol is not null ? schedules.FirstOrDefault(s => s.Enrolment.ProtocolKey == protocol)
                    : schedules.FirstOrDefault(s => s.Schedule.Event(eventKey!) is not null);
                if (owner is null)
                {
                    rules.Add(protocol is not null
                        ? Issue.Error(IssueCodes.NotEnrolled, "protocol", $"Patient {patient.StudyId} is not enrolled on {protocol} (its F.ENR comes before the contacts).")
                        : notEnrolled ?? Issue.Error(IssueCodes.ScheduleUnknownEvent, "event", $"The patient's schedule has no event '{eventKey}'."));
                }
                else if (eventKey is not null && owner.Schedule.Event(eventKey) is null)
                {
                    rules.Add(Issue.Error(IssueCodes.ScheduleUnknownEvent, "event", $"The patient's {owner.Enrolment.ProtocolKey} schedule has no event '{eventKey}'."));
                }

                enrolment = owner?.Enrolment;
            }

            if (Refuse(rules, where))
            {
                return;
            }

            db.FollowUpContacts.Add(new FollowUpContact
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                EnrolmentId = enrolment?.Id,
                EventKey = eventKey,
                ContactDate = day,
                Mode = how,
                Rash = rash,
                Sleep = sleep,
                Fatigue = fatigue,
                Pain = pain,
                AdverseReaction = reaction,
                AdverseEventId = adverseEventId,
                Notes = Text(values, OdmOids.ContactNotes, where),
                EnteredLate = late,
                LateEntryReason = Text(values, OdmOids.ContactLateReason, where),
            });
            // The protocol's edit checks, as FollowUps.RecordAsync runs them (docs/data-quality.md "Save-time checks").
            Refuse(await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false), where);
            Contacts++;
        }

        private async Task AddLymphodepletionAsync(Patient patient, XElement form, string formWhere, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var (values, where) = SingleGroup(form, formWhere, OdmOids.LymphodepletionGroup, LymphodepletionItems);
            if (values is null)
            {
                return;
            }

            var protocol = Text(values, OdmOids.LymphodepletionProtocol, where, required: true)?.Trim();
            var drugKey = Text(values, OdmOids.LymphodepletionDrugKey, where, required: true)?.Trim();
            var drug = Text(values, OdmOids.LymphodepletionDrug, where, required: true)?.Trim();
            var dose = Required(values, OdmOids.LymphodepletionDose, where);
            var daysText = Text(values, OdmOids.LymphodepletionDays, where, required: true);
            var days = Stroma.Data.CellTherapy.Lymphodepletions.ParseDays(daysText);
            if (daysText is not null && days is null)
            {
                Error(IssueCodes.OdmBadValue, At(where, OdmOids.LymphodepletionDays), $"\"{daysText}\" is not a list of whole days separated by commas (-5,-4,-3).");
            }

            var zero = Date(values, OdmOids.LymphodepletionDayZero, where, required: true);
            var first = Date(values, OdmOids.LymphodepletionFirst, where, required: true);
            var last = Date(values, OdmOids.LymphodepletionLast, where, required: true);
            var height = Required(values, OdmOids.LymphodepletionHeight, where);
            var weight = Required(values, OdmOids.LymphodepletionWeight, where);
            var measured = Date(values, OdmOids.LymphodepletionMeasuredOn, where, required: true);
            var formula = Code(values, OdmOids.LymphodepletionFormula, where, OdmExport.BsaFormulas, OdmOids.BsaFormulaCodes, required: true);
            var bsaGiven = Required(values, OdmOids.LymphodepletionBsa, where);
            var dailyGiven = Required(values, OdmOids.LymphodepletionDailyDose, where);
            var late = Boolean(values, OdmOids.LymphodepletionLate, where) ?? false;
            if (protocol is null || drugKey is null || drug is null || dose is not { } mg || days is null || zero is not { } day0 || first is null || last is null
                || height is not { } cm || weight is not { } kg || measured is not { } measuredOn || formula is not { } by || bsaGiven is null || dailyGiven is null
                || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The rules of Lymphodepletions.RecordAsync a stored record can be checked against (not the late-entry rule), with its codes and messages.
            var rules = new List<Issue>();
            var (schedules, notFound) = await Stroma.Data.CellTherapy.Enrolments.LoadAsync(db, patient.StudyId, cancellationToken).ConfigureAwait(false);
            var (enrolled, notEnrolled) = notFound is null ? Stroma.Data.CellTherapy.Enrolments.Pick(schedules, patient.StudyId, protocol) : (null, notFound);
            if (notEnrolled is not null)
            {
                rules.Add(notEnrolled);
            }

            var plan = enrolled?.Protocol?.CarT;
            if (enrolled is not null && plan is null)
            {
                rules.Add(Issue.Error(IssueCodes.LymphodepletionNotCarT, "protocol",
                    $"{enrolled.Enrolment.ProtocolKey} version {enrolled.Enrolment.ProtocolVersion} has no CAR-T plan: lymphodepletion is recorded on a CAR-T enrolment only."));
            }

            if (cm is < 30m or > 300m)
            {
                rules.Add(Issue.Error(IssueCodes.OutOfRange, "height", $"Height {OdmExport.Text(cm)} cm must be 30–300 cm."));
            }

            if (!BodyMass.Accepts(kg))
            {
                rules.Add(Issue.Error(IssueCodes.OutOfRange, "weight", $"Weight {OdmExport.Text(kg)} kg must be above 0 and at most 1000 kg."));
            }

            if (mg is <= 0m or > 100000m)
            {
                rules.Add(Issue.Error(IssueCodes.OutOfRange, "mg_per_m2", $"{drugKey}: a dose of {OdmExport.Text(mg)} mg/m² must be above 0 and at most 100000 mg/m²."));
            }

            var daysValid = days.Count > 0 && days.All(d => d is < 0 and >= -60) && !days.Zip(days.Skip(1)).Any(p => p.Second <= p.First);
            var daysStored = string.Join(",", days.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            if (!daysValid)
            {
                rules.Add(Issue.Error(IssueCodes.LymphodepletionDaysInvalid, "days",
                    $"{drugKey}: days {daysStored} must be given, each before the infusion (day -60 to -1), ascending and distinct."));
            }

            var today = LateEntry.Today(db);
            if (LateEntryPolicy.InFuture("measured", measuredOn, today) is { } futureMeasure)
            {
                rules.Add(futureMeasure);
            }

            if (enrolled is not null && (db.Lymphodepletions.Local.Any(l => l.EnrolmentId == enrolled.Enrolment.Id && l.DrugKey == drugKey)
                || await db.Lymphodepletions.AnyAsync(l => l.EnrolmentId == enrolled.Enrolment.Id && l.DrugKey == drugKey, cancellationToken).ConfigureAwait(false)))
            {
                rules.Add(Issue.Error(IssueCodes.LymphodepletionAlreadyRecorded, "drug", $"{drugKey}: its lymphodepletion is already recorded on this enrolment."));
            }

            var agent = plan?.Lymphodepletion.FirstOrDefault(a => a.Key == drugKey);
            if (plan is not null && agent is null)
            {
                rules.Add(Issue.Error(IssueCodes.LymphodepletionUnknownDrug, "drug",
                    $"'{drugKey}' is not a lymphodepleting drug of {enrolled!.Enrolment.ProtocolKey} (its drugs: {string.Join(", ", plan.Lymphodepletion.Select(a => a.Key))})."));
            }

            if (daysValid)
            {
                if (LateEntryPolicy.InFuture("days", day0.AddDays(days[^1]), today) is { } futureDays)
                {
                    rules.Add(futureDays);
                }

                if (measuredOn > day0.AddDays(days[0]))
                {
                    rules.Add(Issue.Error(IssueCodes.OutOfRange, "measured",
                        $"Height and weight measured on {OdmExport.Text(measuredOn)}, after the first day given ({OdmExport.Text(day0.AddDays(days[0]))}): a dose per m² uses a measurement taken before it."));
                }
            }

            if (Refuse(rules, where))
            {
                return;
            }

            // What the writer computes from what was given, against the file's.
            var bsa = BodySurfaceArea.Calculate(BodyHeight.FromCentimetres(cm), BodyMass.FromKilograms(kg), by);
            var daily = (DrugDosePerSquareMetre.MilligramsPerM2(mg) * bsa).Milligrams;
            foreach (var (oid, theirs, mine, label) in new[]
            {
                (OdmOids.LymphodepletionDrug, drug, agent!.Drug, "drug name (the protocol's)"),
                (OdmOids.LymphodepletionFirst, OdmExport.Text(first.Value), OdmExport.Text(day0.AddDays(days[0])), "first day (day 0 + the first day given)"),
                (OdmOids.LymphodepletionLast, OdmExport.Text(last.Value), OdmExport.Text(day0.AddDays(days[^1])), "last day (day 0 + the last day given)"),
                (OdmOids.LymphodepletionBsa, OdmExport.Text(bsaGiven.Value), OdmExport.Text(bsa.SquareMetres), $"BSA, m² ({BodySurfaceArea.Key(by)})"),
                (OdmOids.LymphodepletionDailyDose, OdmExport.Text(dailyGiven.Value), OdmExport.Text(daily), "amount per day, mg"),
            })
            {
                var same = decimal.TryParse(theirs, NumberStyles.Number, CultureInfo.InvariantCulture, out var a) && decimal.TryParse(mine, NumberStyles.Number, CultureInfo.InvariantCulture, out var b)
                    ? a == b : theirs == mine;
                if (!same)
                {
                    Error(IssueCodes.OdmScoreMismatch, At(where, oid), $"the file's {label} is \"{theirs}\"; Stroma gives \"{mine}\" from the file's values.");
                }
            }

            if (Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            db.Lymphodepletions.Add(new LymphodepletionRecord
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                EnrolmentId = enrolled!.Enrolment.Id,
                DrugKey = agent.Key,
                Drug = agent.Drug,
                DoseMgPerSquareMetre = mg,
                DaysRelativeToInfusion = daysStored,
                InfusionDate = day0,
                FirstGivenOn = day0.AddDays(days[0]),
                LastGivenOn = day0.AddDays(days[^1]),
                HeightCm = cm,
                WeightKg = kg,
                MeasuredOn = measuredOn,
                BsaFormula = BodySurfaceArea.Key(by),
                BsaSquareMetres = bsa.SquareMetres,
                DailyDoseMg = daily,
                EnteredLate = late,
                LateEntryReason = Text(values, OdmOids.LymphodepletionLateReason, where),
            });
            Lymphodepletions++;
        }
    }
}
