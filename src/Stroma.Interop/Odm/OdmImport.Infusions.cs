using System.Globalization;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Stroma.Data.Quality;

namespace Stroma.Interop.Odm;

/// <summary>
/// Enrolments (<c>F.ENR</c>) and infusions (<c>F.INF</c>) of <see cref="OdmImport"/>. Enrolments meet the enrolment's
/// rules (an approved protocol version: a built-in template, or stored in the registry or by the file's <c>IG.PROTOCOL</c>; once per protocol; a
/// weight above 0 and at most 1000 kg; consent and weighing dates not in the future) and get their calendar from the
/// protocol as <see cref="Enrolments"/> does. Infusions need the patient's enrolment on their protocol, an administration
/// of its schedule not yet recorded for that component, a lot in the registry at the patient's site, a dose not negative,
/// and times that <see cref="InfusionRecord.Validate"/> accepts, then the protocol's save-time checks. Not re-run: the
/// late-entry rule and the infusion's pre-check against the lot and consent of its day (its stored outcome is kept).
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        public int Enrolments { get; private set; }

        public int Infusions { get; private set; }

        private static readonly HashSet<string> EnrolmentItems = new(
        [
            OdmOids.EnrolmentProtocol, OdmOids.EnrolmentVersion, OdmOids.EnrolmentStart, OdmOids.EnrolmentWeight, OdmOids.EnrolmentWeighedOn,
            OdmOids.EnrolmentConsentSigned, OdmOids.EnrolmentConsentVersion, OdmOids.EnrolmentConsentWithdrawn, OdmOids.EnrolmentConsentValidUntil,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> InfusionItems = new(
        [
            OdmOids.InfusionProtocol, OdmOids.InfusionEvent, OdmOids.InfusionComponent, OdmOids.LotNumber, OdmOids.InfusionDate, OdmOids.InfusionStart,
            OdmOids.InfusionStop, OdmOids.InfusionDose, OdmOids.InfusionWeight, OdmOids.InfusionWeighedOn, OdmOids.InfusionPrecheck, OdmOids.InfusionLate,
            OdmOids.InfusionLateReason,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> VitalsItems = new(
        [
            OdmOids.VitalsPhase, OdmOids.VitalsAt, OdmOids.VitalsSystolic, OdmOids.VitalsDiastolic, OdmOids.VitalsHeartRate, OdmOids.VitalsTemperature,
            OdmOids.VitalsRespiratoryRate, OdmOids.VitalsOxygen,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> PremedicationItems = new([OdmOids.PremedicationDrug, OdmOids.PremedicationDose, OdmOids.PremedicationGivenAt], StringComparer.Ordinal);

        private static readonly HashSet<string> ReactionItems = new([OdmOids.ReactionTerm, OdmOids.ReactionGrade, OdmOids.ReactionOnset, OdmOids.ReactionAction], StringComparer.Ordinal);

        /// <summary>An enrolment with the enrolment's rules, on a protocol version the registry holds, with the calendar the protocol gives.</summary>
        private async Task AddEnrolmentAsync(Patient patient, Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var key = Text(values, OdmOids.EnrolmentProtocol, where, required: true)?.Trim();
            var versionText = Text(values, OdmOids.EnrolmentVersion, where, required: true)?.Trim();
            var start = Date(values, OdmOids.EnrolmentStart, where, required: true);
            var weight = Number(values, OdmOids.EnrolmentWeight, where);
            var weighed = Date(values, OdmOids.EnrolmentWeighedOn, where);
            var signed = Date(values, OdmOids.EnrolmentConsentSigned, where);
            var withdrawn = Date(values, OdmOids.EnrolmentConsentWithdrawn, where);
            var until = Date(values, OdmOids.EnrolmentConsentValidUntil, where);
            int? number = null;
            if (versionText is not null)
            {
                if (int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    number = n;
                }
                else
                {
                    Error(IssueCodes.OdmBadValue, At(where, OdmOids.EnrolmentVersion), $"\"{versionText}\" is not a protocol version number.");
                }
            }

            if (key is null || number is not { } version || start is not { } day0 || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            var rules = new List<Issue>();
            var (found, notFound) = await ProtocolVersions.FindAsync(db, key, version, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (notFound is not null)
            {
                rules.Add(notFound with { Message = notFound.Message + " The file's ReferenceData defines no such version (IG.PROTOCOL) and the registry holds none: define and approve it first, or import a file that carries it." });
            }
            else if (found!.Status != ProtocolVersionStatus.Approved)
            {
                rules.Add(Issue.Error(IssueCodes.ProtocolVersionNotApproved, "version", $"{key} version {version} is {found.Status.ToString().ToLowerInvariant()}: patients are enrolled on approved versions only."));
            }

            if (BodyMass.Check(weight) is { } weightRefused)
            {
                rules.Add(weightRefused);
            }

            var today = LateEntry.Today(db);
            foreach (var (field, date) in new[] { ("consent_signed", signed), ("consent_withdrawn", withdrawn), ("weighed", weighed) })
            {
                if (date is { } d && LateEntryPolicy.InFuture(field, d, today) is { } future)
                {
                    rules.Add(future);
                }
            }

            if (await db.ProtocolEnrolments.AnyAsync(e => e.PatientId == patient.Id && e.ProtocolKey == key, cancellationToken).ConfigureAwait(false)
                || db.ProtocolEnrolments.Local.Any(e => e.PatientId == patient.Id && e.ProtocolKey == key))
            {
                rules.Add(Issue.Error(IssueCodes.AlreadyEnrolled, "protocol", $"Patient {patient.StudyId} is already enrolled on {key}."));
            }

            if (signed is null && (values.GetValueOrDefault(OdmOids.EnrolmentConsentVersion) is { Length: > 0 } || withdrawn is not null || until is not null))
            {
                rules.Add(Issue.Error(IssueCodes.OdmMissing, At(where, OdmOids.EnrolmentConsentSigned), "a consent's version, withdrawal or validity needs the date it was signed."));
            }

            if (Refuse(rules, where))
            {
                return;
            }

            var consent = signed is { } s ? new ConsentRecord(s, values.GetValueOrDefault(OdmOids.EnrolmentConsentVersion) ?? "", withdrawn, until) : null;
            var (enrolment, events) = Stroma.Data.CellTherapy.Enrolments.Records(Guid.CreateVersion7, patient.Id, found!.Definition.Protocol,
                new EnrolmentRequest(day0, weight, weighed, consent));
            enrolment.ConsentProtocolVersion = Text(values, OdmOids.EnrolmentConsentVersion, where);
            db.ProtocolEnrolments.Add(enrolment);
            db.ScheduledEvents.AddRange(events);
            Enrolments++;
        }

        /// <summary>An infusion (<c>F.INF</c>: its group, then its vital signs, premedication and reactions).</summary>
        private async Task AddInfusionAsync(Patient patient, XElement form, string formWhere, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var where = $"{formWhere}[@FormRepeatKey='{(string?)form.Attribute("FormRepeatKey")}']";
            var groups = form.Elements(Odm + "ItemGroupData").ToList();
            var main = groups.Where(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.InfusionGroup).ToList();
            if (main.Count != 1)
            {
                Error(IssueCodes.OdmMissing, where, $"an infusion form has exactly one {OdmOids.InfusionGroup}; it has {main.Count}.");
                return;
            }

            var values = Values(main[0], where);
            foreach (var oid in values.Keys.Where(k => !InfusionItems.Contains(k)))
            {
                Error(IssueCodes.OdmUnknownOid, At(where, oid), oid == OdmOids.LotKey
                    ? "a de-identified export names lots by a per-export key: it cannot be imported."
                    : $"not an item of {OdmOids.InfusionGroup} in Stroma's mapping.");
            }

            var pre = new List<VitalSigns>();
            var post = new List<VitalSigns>();
            var premedications = new List<Premedication>();
            var reactions = new List<InfusionReaction>();
            foreach (var group in groups.Where(g => (string?)g.Attribute("ItemGroupOID") != OdmOids.InfusionGroup))
            {
                var groupOid = (string?)group.Attribute("ItemGroupOID") ?? "";
                var groupWhere = $"{where}/ItemGroupData[@ItemGroupOID='{groupOid}'][@ItemGroupRepeatKey='{(string?)group.Attribute("ItemGroupRepeatKey")}']";
                var known = groupOid switch
                {
                    OdmOids.VitalsGroup => VitalsItems,
                    OdmOids.PremedicationGroup => PremedicationItems,
                    OdmOids.ReactionGroup => ReactionItems,
                    _ => null,
                };
                if (known is null)
                {
                    Error(IssueCodes.OdmUnknownOid, groupWhere, $"not an item group of {OdmOids.InfusionForm} in Stroma's mapping.");
                    continue;
                }

                var child = Values(group, groupWhere);
                foreach (var oid in child.Keys.Where(k => !known.Contains(k)))
                {
                    Error(IssueCodes.OdmUnknownOid, At(groupWhere, oid), $"not an item of {groupOid} in Stroma's mapping.");
                }

                switch (groupOid)
                {
                    case OdmOids.VitalsGroup:
                        var phase = Code(child, OdmOids.VitalsPhase, groupWhere, OdmExport.VitalsPhases, OdmOids.VitalsPhaseCodes, required: true);
                        var measured = Instant(child, OdmOids.VitalsAt, groupWhere, required: true);
                        var vitals = measured is { } m ? new VitalSigns(m, Number(child, OdmOids.VitalsSystolic, groupWhere), Number(child, OdmOids.VitalsDiastolic, groupWhere),
                            Number(child, OdmOids.VitalsHeartRate, groupWhere), Number(child, OdmOids.VitalsTemperature, groupWhere),
                            Number(child, OdmOids.VitalsRespiratoryRate, groupWhere), Number(child, OdmOids.VitalsOxygen, groupWhere)) : null;
                        if (vitals is not null && phase is { } ph)
                        {
                            (ph == VitalSignPhase.Pre ? pre : post).Add(vitals);
                        }

                        break;
                    case OdmOids.PremedicationGroup:
                        var drug = Text(child, OdmOids.PremedicationDrug, groupWhere, required: true);
                        var dose = Text(child, OdmOids.PremedicationDose, groupWhere, required: true);
                        if (drug is not null && dose is not null && Instant(child, OdmOids.PremedicationGivenAt, groupWhere, required: true) is { } given)
                        {
                            premedications.Add(new Premedication(drug, dose, given));
                        }

                        break;
                    default:
                        var term = Text(child, OdmOids.ReactionTerm, groupWhere, required: true);
                        var grade = Integer(child, OdmOids.ReactionGrade, groupWhere, 1, 5);
                        if (grade is null && child.GetValueOrDefault(OdmOids.ReactionGrade) is not { Length: > 0 })
                        {
                            Error(IssueCodes.OdmMissing, At(groupWhere, OdmOids.ReactionGrade), "a reaction's CTCAE grade is required.");
                        }

                        if (term is not null && grade is { } g && Instant(child, OdmOids.ReactionOnset, groupWhere, required: true) is { } onset)
                        {
                            reactions.Add(new InfusionReaction(term, (CtcaeGrade)g, onset, Text(child, OdmOids.ReactionAction, groupWhere)));
                        }

                        break;
                }
            }

            var protocol = Text(values, OdmOids.InfusionProtocol, where, required: true)?.Trim();
            var eventKey = Text(values, OdmOids.InfusionEvent, where, required: true)?.Trim();
            var component = Text(values, OdmOids.InfusionComponent, where, required: true)?.Trim();
            var lot = await LotAsync(values, where, cancellationToken).ConfigureAwait(false);
            var date = Date(values, OdmOids.InfusionDate, where, required: true);
            var start = Instant(values, OdmOids.InfusionStart, where, required: true);
            var stop = Instant(values, OdmOids.InfusionStop, where);
            var doseCells = Required(values, OdmOids.InfusionDose, where);
            var weight = Number(values, OdmOids.InfusionWeight, where);
            var weighed = Date(values, OdmOids.InfusionWeighedOn, where);
            var precheck = Text(values, OdmOids.InfusionPrecheck, where, required: true);
            if (protocol is null || eventKey is null || component is null || lot is null || date is not { } day || start is not { } from || doseCells is not { } cells
                || precheck is null || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The infusion's rules a stored record can be checked against (Infusions.RecordAsync without the pre-check of the day and the late-entry rule).
            var rules = new List<Issue>();
            var enrolment = db.ProtocolEnrolments.Local.FirstOrDefault(e => e.PatientId == patient.Id && e.ProtocolKey == protocol)
                ?? await db.ProtocolEnrolments.FirstOrDefaultAsync(e => e.PatientId == patient.Id && e.ProtocolKey == protocol, cancellationToken).ConfigureAwait(false);
            if (enrolment is null)
            {
                rules.Add(Issue.Error(IssueCodes.NotEnrolled, "protocol", $"Patient {patient.StudyId} is not enrolled on {protocol} (its F.ENR comes before the infusions)."));
            }
            else
            {
                var scheduled = await db.ScheduledEvents.AnyAsync(e => e.EnrolmentId == enrolment.Id && e.EventKey == eventKey && e.Kind == ScheduledEventKind.Administration, cancellationToken)
                    .ConfigureAwait(false) || db.ScheduledEvents.Local.Any(e => e.EnrolmentId == enrolment.Id && e.EventKey == eventKey && e.Kind == ScheduledEventKind.Administration);
                if (!scheduled)
                {
                    rules.Add(Issue.Error(IssueCodes.NotAnAdministration, "event", $"'{eventKey}' is not an administration of the patient's {protocol} schedule."));
                }
                else if (db.Infusions.Local.Any(i => i.EnrolmentId == enrolment.Id && i.EventKey == eventKey && i.ComponentKey == component)
                    || await db.Infusions.AnyAsync(i => i.EnrolmentId == enrolment.Id && i.EventKey == eventKey && i.ComponentKey == component, cancellationToken).ConfigureAwait(false))
                {
                    rules.Add(Issue.Error(IssueCodes.AdministrationAlreadyRecorded, "event", $"{eventKey} ({component}) is already recorded."));
                }
            }

            if (await Lookup.SameSiteAsync(db, lot, patient, "lot", cancellationToken).ConfigureAwait(false) is { } elsewhere)
            {
                rules.Add(elsewhere);
            }

            if (cells < 0m)
            {
                rules.Add(Issue.Error(IssueCodes.OutOfRange, "dose", $"Dose {cells} cells cannot be negative."));
            }

            if (BodyMass.Check(weight) is { } weightRefused)
            {
                rules.Add(weightRefused);
            }

            if (from > db.Clock.GetUtcNow())
            {
                rules.Add(Issue.Error(IssueCodes.EventInFuture, "start", $"start {OdmExport.Text(from)} is in the future."));
            }

            if (cells >= 0m)
            {
                rules.AddRange(new InfusionRecord(eventKey, lot.LotNumber, component, from, stop, CellCount.Cells(cells),
                    BodyMass.OrNull(weight), pre, post, premedications, reactions).Validate().Where(i => i.IsError));
            }

            if (Refuse(rules, where))
            {
                return;
            }

            var infusion = new Infusion
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                EnrolmentId = enrolment!.Id,
                EventKey = eventKey,
                ComponentKey = component,
                LotId = lot.Id,
                InfusionDate = day,
                Start = from,
                Stop = stop,
                DoseCells = cells,
                WeightKg = weight,
                WeighedOn = weighed,
                PrecheckOutcome = precheck,
                EnteredLate = Boolean(values, OdmOids.InfusionLate, where) ?? false,
                LateEntryReason = Text(values, OdmOids.InfusionLateReason, where),
            };
            db.Infusions.Add(infusion);
            // A repeat key given twice names no one infusion: a query naming it is refused.
            var repeatKey = (string?)form.Attribute("FormRepeatKey") ?? "";
            infusionIds[repeatKey] = infusionIds.ContainsKey(repeatKey) ? null : infusion.Id;
            Stroma.Data.CellTherapy.Infusions.AddDetails(db, infusion.Id, pre, post, premedications, reactions);
            Refuse(await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false), where);
            Infusions++;
        }
    }
}
