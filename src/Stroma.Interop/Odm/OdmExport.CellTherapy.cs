using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Interop.Odm;

/// <summary>
/// The cell-therapy records in the ODM export. Lots, with their release tests, signed release or rejection and custody
/// events, are no patient's: ODM 1.3.2 has no product-level container in <c>ClinicalData</c>, so they are
/// <c>ReferenceData</c> (ODM 1.3.2 §3.1.4, data that applies across subjects: <c>ItemGroupData</c> <c>IG.LOT</c>,
/// <c>IG.LOT_TEST</c>, <c>IG.LOT_DECISION</c>, <c>IG.CUSTODY</c>, each naming its lot by <c>IT.LOT.NUMBER</c>).
/// Enrolments (<c>F.ENR</c>) and infusions (<c>F.INF</c>, one form per infusion with its vital signs, premedication and
/// reactions) are each patient's, under <c>SE.NOVISIT</c> (an infusion is not attached to a visit in the model). The
/// mapping is in docs/interop.md ("CDISC ODM 1.3.2"); <see cref="OdmImport"/> reads them back. De-identified exports
/// leave out what the CSV export leaves out for these tables: the lot label (a per-export key <c>IT.LOT.KEY</c> instead),
/// dates of records without a patient, signers, custody persons and late-entry reasons; and, as their messages quote
/// dates unshifted, an infusion's pre-check outcome and a custody event's warnings.
/// </summary>
public static partial class OdmExport
{
    // UCUM units of the cell-therapy quantities (cells, cells/mL, %, mL, °C, kg, mmHg, per minute).
    internal const string CellsUnit = "{cells}";
    internal const string ConcentrationUnit = "{cells}/mL";
    internal const string PercentUnit = "%";
    internal const string VolumeUnit = "mL";
    internal const string CelsiusUnit = "Cel";
    internal const string KilogramUnit = "kg";
    internal const string MmHgUnit = "mm[Hg]";
    internal const string PerMinuteUnit = "/min";

    private static readonly string[] CellTherapyUnits = [CellsUnit, ConcentrationUnit, PercentUnit, VolumeUnit, CelsiusUnit, KilogramUnit, MmHgUnit, PerMinuteUnit];

    internal static readonly (CellProductType Value, string Code, string Decode)[] Products =
        [.. CellProductTypes.All.Select(t => (t, t.Key(), t.Label()))];

    internal static readonly (StorageCondition Value, string Code, string Decode)[] Storages =
    [
        (StorageCondition.Cryopreserved, "cryopreserved", "Cryopreserved"),
        (StorageCondition.Fresh, "fresh", "Fresh (not frozen)"),
    ];

    internal static readonly (LotStatus Value, string Code, string Decode)[] LotStatuses =
    [
        (LotStatus.Quarantine, "quarantine", "In quarantine: not yet released"),
        (LotStatus.Released, "released", "Released by QA"),
        (LotStatus.Rejected, "rejected", "Rejected by QA"),
    ];

    internal static readonly (ReleaseVerdict Value, string Code, string Decode)[] Verdicts =
    [
        (ReleaseVerdict.Release, "release", "Release"),
        (ReleaseVerdict.Reject, "reject", "Reject"),
    ];

    internal static readonly (CustodyEventKind Value, string Code, string Decode)[] CustodyKinds =
        [.. Enum.GetValues<CustodyEventKind>().Select(k => (k, k.ToString().ToLowerInvariant(), k.ToString()))];

    internal static readonly (VitalSignPhase Value, string Code, string Decode)[] VitalsPhases =
    [
        (VitalSignPhase.Pre, "pre", "Before the infusion"),
        (VitalSignPhase.Post, "post", "After the infusion"),
    ];

    internal static string Text(LotStatus status) => Code(LotStatuses, status);

    private sealed partial class Writer
    {
        private long lots, releaseTests, lotDecisions, custodyEvents, enrolments, infusions;

        private void WriteCellTherapyForms()
        {
            FormDef(OdmOids.EnrolmentForm, "Protocol enrolment", OdmOids.EnrolmentGroup);
            FormDef(OdmOids.InfusionForm, "Infusion", OdmOids.InfusionGroup, true, OdmOids.VitalsGroup, OdmOids.PremedicationGroup, OdmOids.ReactionGroup);
            WriteFollowUpForms();
            WriteScheduleForms();
            WriteQueryForms();
        }

        private void WriteCellTherapyGroups()
        {
            ItemGroupDef(OdmOids.LotGroup, "Cell-product lot (reference data)", true,
                [OdmOids.LotNumber, OdmOids.LotKey, OdmOids.LotSite, OdmOids.LotProduct, OdmOids.LotDonor, OdmOids.LotTissue, OdmOids.LotManufacturer,
                    OdmOids.LotManufactured, OdmOids.LotPassage, OdmOids.LotCells, OdmOids.LotConcentration, OdmOids.LotViability, OdmOids.LotVolume,
                    OdmOids.LotStorage, OdmOids.LotStorageLocation, OdmOids.LotExpires, OdmOids.LotStatus]);
            ItemGroupDef(OdmOids.ReleaseTestGroup, "Lot release test (reference data)", true,
                [OdmOids.LotNumber, OdmOids.LotKey, OdmOids.ReleaseTestKey, OdmOids.ReleaseTestValue, OdmOids.ReleaseTestMet, OdmOids.ReleaseTestDate,
                    OdmOids.ReleaseTestLate, OdmOids.ReleaseTestLateReason]);
            ItemGroupDef(OdmOids.DecisionGroup, "Lot release decision (reference data)", true,
                [OdmOids.LotNumber, OdmOids.LotKey, OdmOids.DecisionVerdict, OdmOids.DecisionSignedBy, OdmOids.DecisionSignedAt, OdmOids.DecisionMeaning,
                    OdmOids.DecisionReason, OdmOids.DecisionDate, OdmOids.DecisionSpecification, OdmOids.DecisionSpecificationVersion, OdmOids.DecisionEvaluation,
                    OdmOids.DecisionLate, OdmOids.DecisionLateReason]);
            ItemGroupDef(OdmOids.CustodyGroup, "Chain-of-custody event (reference data)", true,
                [OdmOids.LotNumber, OdmOids.LotKey, OdmOids.CustodyKind, OdmOids.CustodyAt, OdmOids.CustodyPlace, OdmOids.CustodyPerson,
                    OdmOids.CustodyTemperature, OdmOids.CustodySubject, OdmOids.CustodyWarnings, OdmOids.CustodyLate, OdmOids.CustodyLateReason]);
            ItemGroupDef(OdmOids.EnrolmentGroup, "Protocol enrolment", true,
                [OdmOids.EnrolmentProtocol, OdmOids.EnrolmentVersion, OdmOids.EnrolmentStart, OdmOids.EnrolmentWeight, OdmOids.EnrolmentWeighedOn,
                    OdmOids.EnrolmentConsentSigned, OdmOids.EnrolmentConsentVersion, OdmOids.EnrolmentConsentWithdrawn, OdmOids.EnrolmentConsentValidUntil]);
            ItemGroupDef(OdmOids.InfusionGroup, "Infusion", false,
                [OdmOids.InfusionProtocol, OdmOids.InfusionEvent, OdmOids.InfusionComponent, OdmOids.LotNumber, OdmOids.LotKey, OdmOids.InfusionDate,
                    OdmOids.InfusionStart, OdmOids.InfusionStop, OdmOids.InfusionDose, OdmOids.InfusionWeight, OdmOids.InfusionWeighedOn, OdmOids.InfusionPrecheck,
                    OdmOids.InfusionLate, OdmOids.InfusionLateReason]);
            ItemGroupDef(OdmOids.VitalsGroup, "Infusion vital signs", true,
                [OdmOids.VitalsPhase, OdmOids.VitalsAt, OdmOids.VitalsSystolic, OdmOids.VitalsDiastolic, OdmOids.VitalsHeartRate, OdmOids.VitalsTemperature,
                    OdmOids.VitalsRespiratoryRate, OdmOids.VitalsOxygen]);
            ItemGroupDef(OdmOids.PremedicationGroup, "Infusion premedication", true, [OdmOids.PremedicationDrug, OdmOids.PremedicationDose, OdmOids.PremedicationGivenAt]);
            ItemGroupDef(OdmOids.ReactionGroup, "Infusion reaction", true, [OdmOids.ReactionTerm, OdmOids.ReactionGrade, OdmOids.ReactionOnset, OdmOids.ReactionAction]);
            WriteFollowUpGroups();
            WriteScheduleGroups();
            WriteQueryGroups();
            WriteProtocolVersionGroups();
        }

        private void WriteCellTherapyItems()
        {
            ItemDef(OdmOids.LotNumber, "Lot", "text", null, null, "The lot's label as stored (an ISBT 128 DIN or the lot number); identifiable exports only");
            ItemDef(OdmOids.LotKey, "Lot key", "text", null, null, "De-identified exports: the lot's per-export key, in place of its label");
            ItemDef(OdmOids.LotSite, "Site", "text", null, null, "The code of the site that holds and receives the lot");
            ItemDef(OdmOids.LotProduct, "Product type", "text", null, OdmOids.ProductCodes);
            ItemDef(OdmOids.LotDonor, "Donor pseudonym", "text");
            ItemDef(OdmOids.LotTissue, "Tissue source", "text");
            ItemDef(OdmOids.LotManufacturer, "Manufacturing site", "text");
            ItemDef(OdmOids.LotManufactured, "Manufactured on", "date");
            ItemDef(OdmOids.LotPassage, "Passage", "integer");
            ItemDef(OdmOids.LotCells, "Total cells", "float", CellsUnit);
            ItemDef(OdmOids.LotConcentration, "Concentration", "float", ConcentrationUnit);
            ItemDef(OdmOids.LotViability, "Viability at release", "float", PercentUnit, null, null, 0m, 100m);
            ItemDef(OdmOids.LotVolume, "Volume", "float", VolumeUnit);
            ItemDef(OdmOids.LotStorage, "Storage condition", "text", null, OdmOids.StorageCodes);
            ItemDef(OdmOids.LotStorageLocation, "Storage location", "text");
            ItemDef(OdmOids.LotExpires, "Expires on", "date", null, null, "The last date on which the lot may be used");
            ItemDef(OdmOids.LotStatus, "Status", "text", null, OdmOids.LotStatusCodes);

            ItemDef(OdmOids.ReleaseTestKey, "Test", "text", null, null, "The release specification's measurement key (cd73, sterility, ...)");
            ItemDef(OdmOids.ReleaseTestValue, "Value", "float", null, null, "A numeric result, in the criterion's unit");
            ItemDef(OdmOids.ReleaseTestMet, "Met", "boolean", null, null, "A qualitative result: met or not met");
            ItemDef(OdmOids.ReleaseTestDate, "Tested on", "date");
            ItemDef(OdmOids.ReleaseTestLate, "Entered late", "boolean");
            ItemDef(OdmOids.ReleaseTestLateReason, "Late entry reason", "text");

            ItemDef(OdmOids.DecisionVerdict, "Verdict", "text", null, OdmOids.VerdictCodes);
            ItemDef(OdmOids.DecisionSignedBy, "Signed by", "text", null, null, "The QA user who signed the decision");
            ItemDef(OdmOids.DecisionSignedAt, "Signed at", "datetime");
            ItemDef(OdmOids.DecisionMeaning, "Meaning of the signature", "text");
            ItemDef(OdmOids.DecisionReason, "Reason", "text", null, null, "The reason given (required for a rejection)");
            ItemDef(OdmOids.DecisionDate, "Decision date", "date");
            ItemDef(OdmOids.DecisionSpecification, "Specification", "text", null, null, "The release specification's name");
            ItemDef(OdmOids.DecisionSpecificationVersion, "Specification version", "text");
            ItemDef(OdmOids.DecisionEvaluation, "Evaluation", "text", null, null, "Each criterion's key, limit, source, outcome and measured value, as JSON, as stored with the decision");
            ItemDef(OdmOids.DecisionLate, "Entered late", "boolean");
            ItemDef(OdmOids.DecisionLateReason, "Late entry reason", "text");

            ItemDef(OdmOids.CustodyKind, "Event", "text", null, OdmOids.CustodyKindCodes);
            ItemDef(OdmOids.CustodyAt, "At", "datetime");
            ItemDef(OdmOids.CustodyPlace, "Place", "text");
            ItemDef(OdmOids.CustodyPerson, "Person", "text", null, null, "Who handled the lot (user id or courier)");
            ItemDef(OdmOids.CustodyTemperature, "Temperature", "float", CelsiusUnit);
            ItemDef(OdmOids.CustodySubject, "Subject", "text", null, null, "The SubjectKey of the patient the lot was administered to");
            ItemDef(OdmOids.CustodyWarnings, "Warnings", "text", null, null, "Temperature excursions found when the event was recorded");
            ItemDef(OdmOids.CustodyLate, "Entered late", "boolean");
            ItemDef(OdmOids.CustodyLateReason, "Late entry reason", "text");

            ItemDef(OdmOids.EnrolmentProtocol, "Protocol", "text", null, null, "The protocol's key");
            ItemDef(OdmOids.EnrolmentVersion, "Protocol version", "text");
            ItemDef(OdmOids.EnrolmentStart, "Start date (day 0)", "date");
            ItemDef(OdmOids.EnrolmentWeight, "Planning weight", "float", KilogramUnit);
            ItemDef(OdmOids.EnrolmentWeighedOn, "Planning weight measured on", "date");
            ItemDef(OdmOids.EnrolmentConsentSigned, "Consent signed on", "date");
            ItemDef(OdmOids.EnrolmentConsentVersion, "Consent protocol version", "text");
            ItemDef(OdmOids.EnrolmentConsentWithdrawn, "Consent withdrawn on", "date");
            ItemDef(OdmOids.EnrolmentConsentValidUntil, "Consent valid until", "date");

            ItemDef(OdmOids.InfusionProtocol, "Protocol", "text", null, null, "The key of the protocol the patient is enrolled on");
            ItemDef(OdmOids.InfusionEvent, "Administration", "text", null, null, "The schedule's administration event (administration_1, ...)");
            ItemDef(OdmOids.InfusionComponent, "Component", "text", null, null, "The protocol component given (msc, nk, ...)");
            ItemDef(OdmOids.InfusionDate, "Infusion date", "date");
            ItemDef(OdmOids.InfusionStart, "Start", "datetime");
            ItemDef(OdmOids.InfusionStop, "Stop", "datetime");
            ItemDef(OdmOids.InfusionDose, "Dose given", "float", CellsUnit);
            ItemDef(OdmOids.InfusionWeight, "Weight of the day", "float", KilogramUnit);
            ItemDef(OdmOids.InfusionWeighedOn, "Weighed on", "date");
            ItemDef(OdmOids.InfusionPrecheck, "Pre-check outcome", "text");
            ItemDef(OdmOids.InfusionLate, "Entered late", "boolean");
            ItemDef(OdmOids.InfusionLateReason, "Late entry reason", "text");

            ItemDef(OdmOids.VitalsPhase, "Phase", "text", null, OdmOids.VitalsPhaseCodes);
            ItemDef(OdmOids.VitalsAt, "Measured at", "datetime");
            ItemDef(OdmOids.VitalsSystolic, "Systolic blood pressure", "float", MmHgUnit);
            ItemDef(OdmOids.VitalsDiastolic, "Diastolic blood pressure", "float", MmHgUnit);
            ItemDef(OdmOids.VitalsHeartRate, "Heart rate", "float", PerMinuteUnit);
            ItemDef(OdmOids.VitalsTemperature, "Temperature", "float", CelsiusUnit);
            ItemDef(OdmOids.VitalsRespiratoryRate, "Respiratory rate", "float", PerMinuteUnit);
            ItemDef(OdmOids.VitalsOxygen, "Oxygen saturation", "float", PercentUnit);

            ItemDef(OdmOids.PremedicationDrug, "Drug", "text");
            ItemDef(OdmOids.PremedicationDose, "Dose", "text", null, null, "The dose as written (e.g. 10 mg IV)");
            ItemDef(OdmOids.PremedicationGivenAt, "Given at", "datetime");

            ItemDef(OdmOids.ReactionTerm, "Term", "text", null, null, "The reaction's CTCAE v5.0 term (or another term)");
            ItemDef(OdmOids.ReactionGrade, "CTCAE grade", "integer", null, OdmOids.GradeCodes);
            ItemDef(OdmOids.ReactionOnset, "Onset", "datetime");
            ItemDef(OdmOids.ReactionAction, "Action taken", "text");
            WriteFollowUpItems();
            WriteScheduleItems();
            WriteQueryItems();
            WriteProtocolVersionItems();
        }

        private void WriteCellTherapyCodeLists()
        {
            CodeList(OdmOids.ProductCodes, "Cell product type", [.. Products.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.StorageCodes, "Storage condition", [.. Storages.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.LotStatusCodes, "Lot status", [.. LotStatuses.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.VerdictCodes, "Release verdict", [.. Verdicts.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.CustodyKindCodes, "Custody event", [.. CustodyKinds.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.VitalsPhaseCodes, "Vital signs phase", [.. VitalsPhases.Select(c => (c.Code, c.Decode))]);
            WriteFollowUpCodeLists();
            WriteScheduleCodeLists();
            WriteQueryCodeLists();
            WriteProtocolVersionCodeLists();
        }

        private sealed record InfusionRecords(Infusion Infusion, string LotNumber, string ProtocolKey, List<InfusionVitalSigns> Vitals,
            List<InfusionPremedication> Premedications, List<InfusionReactionRecord> Reactions);

        private async Task<(List<ProtocolEnrolment> Enrolments, List<InfusionRecords> Infusions)> LoadCellTherapyAsync(Guid patientId, CancellationToken cancellationToken)
        {
            var enrolled = await db.ProtocolEnrolments.AsNoTracking().Where(e => e.PatientId == patientId).ToListAsync(cancellationToken).ConfigureAwait(false);
            var given = await db.Infusions.AsNoTracking().Where(i => i.PatientId == patientId)
                .Select(i => new { Infusion = i, Lot = i.Lot!.LotNumber, Protocol = i.Enrolment!.ProtocolKey }).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (given.Count == 0)
            {
                return (enrolled, []);
            }

            var ids = given.Select(g => g.Infusion.Id).ToList();
            var vitals = (await db.InfusionVitalSigns.AsNoTracking().Where(v => ids.Contains(v.InfusionId)).ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(v => v.InfusionId);
            var premedications = (await db.InfusionPremedications.AsNoTracking().Where(v => ids.Contains(v.InfusionId)).ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(v => v.InfusionId);
            var reactions = (await db.InfusionReactions.AsNoTracking().Where(v => ids.Contains(v.InfusionId)).ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(v => v.InfusionId);
            return (enrolled, [.. given.Select(g => new InfusionRecords(g.Infusion, g.Lot, g.Protocol, [.. vitals[g.Infusion.Id]], [.. premedications[g.Infusion.Id]], [.. reactions[g.Infusion.Id]]))]);
        }

        private void WriteEnrolments(Guid patientId, string site, List<ProtocolEnrolment> records)
        {
            WriteGroups(OdmOids.EnrolmentForm, OdmOids.EnrolmentGroup, site, records.Select(e => ((TrackedRecord)e, new List<(string, string?, string?)>
            {
                (OdmOids.EnrolmentStart, Date(patientId, e.StartDate), null),
                (OdmOids.EnrolmentProtocol, e.ProtocolKey, null),
                (OdmOids.EnrolmentVersion, e.ProtocolVersion, null),
                (OdmOids.EnrolmentWeight, e.PlanningWeightKg is { } kg ? Text(kg) : null, e.PlanningWeightKg is null ? null : KilogramUnit),
                (OdmOids.EnrolmentWeighedOn, e.PlanningWeighedOn is { } weighed ? Date(patientId, weighed) : null, null),
                (OdmOids.EnrolmentConsentSigned, e.ConsentSignedOn is { } signed ? Date(patientId, signed) : null, null),
                (OdmOids.EnrolmentConsentVersion, e.ConsentProtocolVersion, null),
                (OdmOids.EnrolmentConsentWithdrawn, e.ConsentWithdrawnOn is { } withdrawn ? Date(patientId, withdrawn) : null, null),
                (OdmOids.EnrolmentConsentValidUntil, e.ConsentValidUntil is { } until ? Date(patientId, until) : null, null),
            })));
            enrolments += records.Count;
        }

        /// <summary>One <c>F.INF</c> form per infusion (in the order of their start, then of their values), each with its vital signs, premedication and reactions.</summary>
        private void WriteInfusions(Guid patientId, string site, List<InfusionRecords> records)
        {
            var key = 0;
            foreach (var (record, items) in Ordered(records, r => r.Infusion.Start, r =>
            [
                (OdmOids.InfusionProtocol, r.ProtocolKey, null),
                (OdmOids.InfusionEvent, r.Infusion.EventKey, null),
                (OdmOids.InfusionComponent, r.Infusion.ComponentKey, null),
                LotItem(r.Infusion.LotId, r.LotNumber),
                (OdmOids.InfusionDate, Date(patientId, r.Infusion.InfusionDate), null),
                (OdmOids.InfusionStart, Instant(patientId, r.Infusion.Start), null),
                (OdmOids.InfusionStop, r.Infusion.Stop is { } stop ? Instant(patientId, stop) : null, null),
                (OdmOids.InfusionDose, Text(r.Infusion.DoseCells), CellsUnit),
                (OdmOids.InfusionWeight, r.Infusion.WeightKg is { } kg ? Text(kg) : null, r.Infusion.WeightKg is null ? null : KilogramUnit),
                (OdmOids.InfusionWeighedOn, r.Infusion.WeighedOn is { } weighed ? Date(patientId, weighed) : null, null),
                // Left out of de-identified exports: the pre-check's messages quote the infusion date as it was, unshifted.
                (OdmOids.InfusionPrecheck, deidentify ? null : r.Infusion.PrecheckOutcome, null),
                (OdmOids.InfusionLate, Bool(r.Infusion.EnteredLate), null),
                (OdmOids.InfusionLateReason, deidentify ? null : r.Infusion.LateEntryReason, null),
            ]))
            {
                xml.WriteStartElement("FormData");
                Attribute("FormOID", OdmOids.InfusionForm);
                Attribute("FormRepeatKey", Number(++key));
                infusionKeys[record.Infusion.Id] = key;
                ItemGroup(OdmOids.InfusionGroup, null, record.Infusion, site, items);
                ChildGroups(OdmOids.VitalsGroup, site, Ordered(record.Vitals, v => v.At, v =>
                [
                    (OdmOids.VitalsPhase, Code(VitalsPhases, v.Phase), null), (OdmOids.VitalsAt, Instant(patientId, v.At), null),
                    (OdmOids.VitalsSystolic, v.SystolicMmHg is { } sys ? Text(sys) : null, v.SystolicMmHg is null ? null : MmHgUnit),
                    (OdmOids.VitalsDiastolic, v.DiastolicMmHg is { } dia ? Text(dia) : null, v.DiastolicMmHg is null ? null : MmHgUnit),
                    (OdmOids.VitalsHeartRate, v.HeartRatePerMinute is { } hr ? Text(hr) : null, v.HeartRatePerMinute is null ? null : PerMinuteUnit),
                    (OdmOids.VitalsTemperature, v.TemperatureCelsius is { } temp ? Text(temp) : null, v.TemperatureCelsius is null ? null : CelsiusUnit),
                    (OdmOids.VitalsRespiratoryRate, v.RespiratoryRatePerMinute is { } rr ? Text(rr) : null, v.RespiratoryRatePerMinute is null ? null : PerMinuteUnit),
                    (OdmOids.VitalsOxygen, v.OxygenSaturationPercent is { } spo2 ? Text(spo2) : null, v.OxygenSaturationPercent is null ? null : PercentUnit),
                ]));
                ChildGroups(OdmOids.PremedicationGroup, site, Ordered(record.Premedications, p => p.GivenAt, p =>
                [
                    (OdmOids.PremedicationDrug, p.Drug, null), (OdmOids.PremedicationDose, p.Dose, null), (OdmOids.PremedicationGivenAt, Instant(patientId, p.GivenAt), null),
                ]));
                ChildGroups(OdmOids.ReactionGroup, site, Ordered(record.Reactions, r => r.Onset, r =>
                [
                    (OdmOids.ReactionTerm, r.Term, null), (OdmOids.ReactionGrade, Integer((int)r.Grade), null), (OdmOids.ReactionOnset, Instant(patientId, r.Onset), null),
                    (OdmOids.ReactionAction, r.Action, null),
                ]));
                xml.WriteEndElement();
                infusions++;
            }
        }

        private void ChildGroups<T>(string group, string site, IEnumerable<(T Record, List<(string Oid, string? Value, string? Unit)> Items)> records)
            where T : TrackedRecord
        {
            var key = 0;
            foreach (var (record, items) in records)
            {
                ItemGroup(group, ++key, record, site, items);
            }
        }

        private (string Oid, string? Value, string? Unit) LotItem(Guid lotId, string lotNumber)
        {
            var (oid, value) = LotReference(lotId, lotNumber);
            return (oid, value, null);
        }

        /// <summary>The lot's name in this export: its label, or (de-identified) its per-export key.</summary>
        private (string Oid, string Value) LotReference(Guid lotId, string lotNumber) =>
            deidentify ? (OdmOids.LotKey, keys.Record(lotId)) : (OdmOids.LotNumber, lotNumber);

        /// <summary>A date of a record without a patient (a lot's): left out of de-identified exports, as in the CSV export.</summary>
        private string? Unowned(DateOnly date) => deidentify ? null : Text(date);

        /// <summary>
        /// The stored protocol versions (<see cref="WriteProtocolVersionData"/>), then the lots of the exported sites, in label
        /// order, each followed by its release tests, decisions and custody events (each kind in the order of its event time,
        /// then of its values), as <c>ReferenceData</c>.
        /// </summary>
        private async Task WriteReferenceDataAsync(Dictionary<Guid, string> siteCodes, CancellationToken cancellationToken)
        {
            var all = (await Rows<CellLotRecord>().ToListAsync(cancellationToken).ConfigureAwait(false)).OrderBy(l => l.LotNumber, StringComparer.Ordinal).ToList();
            var protocolVersions = await StoredProtocolVersionsAsync(cancellationToken).ConfigureAwait(false);
            if (all.Count == 0 && protocolVersions.Count == 0)
            {
                return;
            }

            xml.WriteStartElement("ReferenceData");
            Attribute("StudyOID", OdmOids.Study);
            Attribute("MetaDataVersionOID", OdmOids.Registry);
            WriteProtocolVersionData(protocolVersions);
            var repeat = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var lot in all)
            {
                var site = siteCodes.GetValueOrDefault(lot.SiteId) ?? await db.Sites.Where(s => s.Id == lot.SiteId).Select(s => s.Code).SingleAsync(cancellationToken).ConfigureAwait(false);
                var reference = LotItem(lot.Id, lot.LotNumber);
                ReferenceGroup(OdmOids.LotGroup, repeat, lot, site,
                [
                    reference, (OdmOids.LotSite, site, null), (OdmOids.LotProduct, Code(Products, lot.ProductType), null), (OdmOids.LotDonor, lot.DonorPseudonym, null),
                    (OdmOids.LotTissue, lot.TissueSource, null), (OdmOids.LotManufacturer, lot.ManufacturingSite, null),
                    (OdmOids.LotManufactured, Unowned(lot.ManufacturedOn), null), (OdmOids.LotPassage, lot.Passage is { } passage ? Integer(passage) : null, null),
                    (OdmOids.LotCells, Text(lot.TotalCells), CellsUnit), (OdmOids.LotConcentration, Text(lot.CellsPerMillilitre), ConcentrationUnit),
                    (OdmOids.LotViability, Text(lot.ViabilityPercent), PercentUnit), (OdmOids.LotVolume, Text(lot.VolumeMillilitres), VolumeUnit),
                    (OdmOids.LotStorage, Code(Storages, lot.Storage), null), (OdmOids.LotStorageLocation, lot.StorageLocation, null),
                    (OdmOids.LotExpires, Unowned(lot.ExpiresOn), null), (OdmOids.LotStatus, Code(LotStatuses, lot.Status), null),
                ]);
                lots++;

                var tests = await Rows<LotReleaseTest>().Where(t => t.LotId == lot.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var (test, items) in Ordered(tests, t => t.TestedOn, t =>
                [
                    reference, (OdmOids.ReleaseTestKey, t.TestKey, null), (OdmOids.ReleaseTestValue, t.Value is { } v ? Text(v) : null, null),
                    (OdmOids.ReleaseTestMet, t.Met is { } met ? Bool(met) : null, null), (OdmOids.ReleaseTestDate, Unowned(t.TestedOn), null),
                    (OdmOids.ReleaseTestLate, Bool(t.EnteredLate), null), (OdmOids.ReleaseTestLateReason, deidentify ? null : t.LateEntryReason, null),
                ]))
                {
                    ReferenceGroup(OdmOids.ReleaseTestGroup, repeat, test, site, items);
                    releaseTests++;
                }

                var decisions = await Rows<LotDecision>().Where(d => d.LotId == lot.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var (decision, items) in Ordered(decisions, d => d.SignedAt, d =>
                [
                    reference, (OdmOids.DecisionVerdict, Code(Verdicts, d.Verdict), null), (OdmOids.DecisionSignedBy, deidentify ? null : d.SignedBy, null),
                    (OdmOids.DecisionSignedAt, deidentify ? null : Text(d.SignedAt), null), (OdmOids.DecisionMeaning, d.Meaning, null), (OdmOids.DecisionReason, d.Reason, null),
                    (OdmOids.DecisionDate, Unowned(d.DecisionDate), null), (OdmOids.DecisionSpecification, d.SpecificationName, null),
                    (OdmOids.DecisionSpecificationVersion, d.SpecificationVersion, null), (OdmOids.DecisionEvaluation, d.EvaluationJson, null),
                    (OdmOids.DecisionLate, Bool(d.EnteredLate), null), (OdmOids.DecisionLateReason, deidentify ? null : d.LateEntryReason, null),
                ]))
                {
                    ReferenceGroup(OdmOids.DecisionGroup, repeat, decision, site, items);
                    lotDecisions++;
                }

                var custody = await Rows<CustodyEventRecord>().Where(e => e.LotId == lot.Id)
                    .Select(e => new { Event = e, StudyId = e.Patient != null ? e.Patient.StudyId : null }).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var (custodyEvent, items) in Ordered(custody, c => c.Event.At, c =>
                [
                    reference, (OdmOids.CustodyKind, Code(CustodyKinds, c.Event.Kind), null),
                    // De-identified: the instant moves with the patient it was administered to; without a patient it is left out.
                    (OdmOids.CustodyAt, c.Event.PatientId is { } patientId ? Instant(patientId, c.Event.At) : deidentify ? null : Text(c.Event.At), null),
                    (OdmOids.CustodyPlace, c.Event.Place, null), (OdmOids.CustodyPerson, deidentify ? null : c.Event.Person, null),
                    (OdmOids.CustodyTemperature, c.Event.TemperatureCelsius is { } t ? Text(t) : null, c.Event.TemperatureCelsius is null ? null : CelsiusUnit),
                    (OdmOids.CustodySubject, c.Event.PatientId is { } subject ? (deidentify ? keys.Patient(subject) : c.StudyId) : null, null),
                    // Left out of de-identified exports: a temperature excursion's message quotes the event's instant, unshifted.
                    (OdmOids.CustodyWarnings, deidentify ? null : c.Event.Warnings, null), (OdmOids.CustodyLate, Bool(c.Event.EnteredLate), null),
                    (OdmOids.CustodyLateReason, deidentify ? null : c.Event.LateEntryReason, null),
                ]))
                {
                    ReferenceGroup(OdmOids.CustodyGroup, repeat, custodyEvent.Event, site, items);
                    custodyEvents++;
                }

                db.ChangeTracker.Clear();
            }

            xml.WriteEndElement();
        }

        /// <summary>
        /// Records in the order of their event time (ordered here: SQLite cannot order by an instant), then by their values,
        /// so the same records always come out in the same order (the round trip compares two exports).
        /// </summary>
        private static IEnumerable<(T Record, List<(string Oid, string? Value, string? Unit)> Items)> Ordered<T, TKey>(IEnumerable<T> records, Func<T, TKey> time,
            Func<T, List<(string Oid, string? Value, string? Unit)>> items) =>
            records.Select(r => (Record: r, Time: time(r), Items: items(r)))
                .OrderBy(r => r.Time).ThenBy(r => string.Join('\u001f', r.Items.Select(i => i.Oid + "=" + i.Value)), StringComparer.Ordinal)
                .Select(r => (r.Record, r.Items));

        private void ReferenceGroup(string group, Dictionary<string, int> repeat, TrackedRecord record, string site, IEnumerable<(string Oid, string? Value, string? Unit)> items)
        {
            repeat[group] = repeat.GetValueOrDefault(group) + 1;
            ItemGroup(group, repeat[group], record, site, items);
        }
    }
}
