using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Model;
using ModelAdverseEvent = Stroma.Data.Model.AdverseEvent;

namespace Stroma.Interop.Odm;

/// <summary>
/// Diagnoses (SLE classification, lupus nephritis biopsy with its ISN/RPS class), medication courses, adverse events
/// (CTCAE v5.0 term, its MedDRA code, grade, ICH E2A seriousness, causality, suspect lot) and deaths (date, cause,
/// causality) in the ODM export: their metadata (<c>F.DX</c>, <c>F.CM</c>, <c>F.AE</c>, <c>F.DTH</c> with code lists)
/// and each patient's records. The mapping is in
/// docs/interop.md ("CDISC ODM 1.3.2"); <see cref="OdmImport"/> reads them back.
/// </summary>
public static partial class OdmExport
{
    /// <summary>UCUM unit of a prednisone-equivalent dose (mg/day).</summary>
    internal const string PrednisoneUnit = "mg/d";

    internal static readonly (DiagnosisKind Value, string Code, string Decode)[] DiagnosisKinds =
    [
        (DiagnosisKind.Classification, "classification", "SLE classification by a criteria set"),
        (DiagnosisKind.LupusNephritisBiopsy, "lupus_nephritis_biopsy", "Lupus nephritis proven by kidney biopsy (ISN/RPS class)"),
    ];

    internal static readonly (MedicationClass Value, string Code, string Decode)[] MedicationClasses =
    [
        (MedicationClass.Glucocorticoid, "glucocorticoid", "Glucocorticoid"),
        (MedicationClass.Immunosuppressant, "immunosuppressant", "Immunosuppressant"),
        (MedicationClass.Antimalarial, "antimalarial", "Antimalarial"),
        (MedicationClass.Biologic, "biologic", "Biologic"),
        (MedicationClass.Other, "other", "Other"),
    ];

    internal static readonly (Causality Value, string Code, string Decode)[] Causalities =
    [
        (Causality.NotRelated, "not_related", "Not related"),
        (Causality.Unlikely, "unlikely", "Unlikely related"),
        (Causality.Possible, "possible", "Possibly related"),
        (Causality.Probable, "probable", "Probably related"),
        (Causality.Definite, "definite", "Definitely related"),
        (Causality.NotAssessed, "not_assessed", "Not assessed"),
    ];

    internal static readonly (Expectedness Value, string Code, string Decode)[] Expectednesses =
    [
        (Expectedness.Expected, "expected", "Expected (listed in the reference safety information)"),
        (Expectedness.Unexpected, "unexpected", "Unexpected"),
    ];

    internal static string Code<T>((T Value, string Code, string Decode)[] codes, T value)
        where T : struct, Enum => codes.First(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Code;

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed partial class Writer
    {
        private long diagnoses, medications, adverseEvents, deaths;

        private sealed record PatientRecords(List<Diagnosis> Diagnoses, ILookup<Guid?, Medication> Medications, List<(ModelAdverseEvent Event, string? Lot)> AdverseEvents, Death? Death);

        private async Task<PatientRecords> LoadRecordsAsync(Guid patientId, CancellationToken cancellationToken)
        {
            var found = await db.Diagnoses.AsNoTracking().Where(d => d.PatientId == patientId).ToListAsync(cancellationToken).ConfigureAwait(false);
            var courses = await db.Medications.AsNoTracking().Where(m => m.PatientId == patientId).ToListAsync(cancellationToken).ConfigureAwait(false);
            var events = await db.AdverseEvents.AsNoTracking().Where(a => a.PatientId == patientId)
                .Select(a => new { Event = a, Lot = a.Lot != null ? a.Lot.LotNumber : null }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var death = await db.Deaths.AsNoTracking().Where(d => d.PatientId == patientId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return new PatientRecords(found, courses.ToLookup(m => m.VisitId), [.. events.Select(e => (e.Event, e.Lot))], death);
        }

        private void WriteRecordForms()
        {
            FormDef(OdmOids.DiagnosisForm, "Diagnoses", OdmOids.DiagnosisGroup);
            FormDef(OdmOids.MedicationForm, "Medications", OdmOids.MedicationGroup);
            FormDef(OdmOids.AdverseEventForm, "Adverse events", OdmOids.AdverseEventGroup);
            FormDef(OdmOids.DeathForm, "Death", OdmOids.DeathGroup);
            WriteCellTherapyForms();
        }

        private void WriteRecordGroups()
        {
            ItemGroupDef(OdmOids.DiagnosisGroup, "Diagnosis", true,
                [OdmOids.DiagnosisKind, OdmOids.DiagnosisDate, OdmOids.DiagnosisCriteria, OdmOids.DiagnosisCriteriaMet, OdmOids.DiagnosisCriteriaScore,
                    OdmOids.DiagnosisIsnRpsClass, OdmOids.DiagnosisActivityIndex, OdmOids.DiagnosisChronicityIndex, OdmOids.DiagnosisNotes]);
            ItemGroupDef(OdmOids.MedicationGroup, "Medication course", true,
                [OdmOids.MedicationClass, OdmOids.MedicationDrug, OdmOids.MedicationDose, OdmOids.MedicationDoseUnit, OdmOids.MedicationFrequency,
                    OdmOids.MedicationPrednisone, OdmOids.MedicationStart, OdmOids.MedicationStop]);
            ItemGroupDef(OdmOids.AdverseEventGroup, "Adverse event", true,
                [OdmOids.AdverseEventTerm, OdmOids.AdverseEventMeddra, OdmOids.AdverseEventGrade, OdmOids.AdverseEventOnset, OdmOids.AdverseEventResolution,
                    OdmOids.AdverseEventSerious, .. SeriousnessCriteriaCodes.All.Select(c => OdmOids.AdverseEventCriterion(c.Code)), OdmOids.AdverseEventCausality,
                    OdmOids.AdverseEventExpectedness, OdmOids.AdverseEventOutcome, OdmOids.AdverseEventLot, OdmOids.AdverseEventLate, OdmOids.AdverseEventLateReason]);
            ItemGroupDef(OdmOids.DeathGroup, "Death", false, [OdmOids.DeathDate, OdmOids.DeathCause, OdmOids.DeathCausality]);
            WriteCellTherapyGroups();
        }

        private void WriteRecordItems()
        {
            ItemDef(OdmOids.DiagnosisKind, "Kind", "text", null, OdmOids.DiagnosisKindCodes);
            ItemDef(OdmOids.DiagnosisDate, "Diagnosis date", "date", null, null, "Date of classification or of the kidney biopsy");
            ItemDef(OdmOids.DiagnosisCriteria, "Criteria set", "text", null, null, "The classification criteria set's key (e.g. acr_1997, eular_acr_2019)");
            ItemDef(OdmOids.DiagnosisCriteriaMet, "Criteria met", "boolean");
            ItemDef(OdmOids.DiagnosisCriteriaScore, "Criteria score", "float");
            ItemDef(OdmOids.DiagnosisIsnRpsClass, "ISN/RPS class", "text", null, null, "Lupus nephritis class as reported (ISN/RPS 2003, revised 2018: I to VI, combinations such as IV+V)");
            ItemDef(OdmOids.DiagnosisActivityIndex, "NIH activity index", "integer", null, null, "NIH activity index (0 to 24), as reported", 0, 24);
            ItemDef(OdmOids.DiagnosisChronicityIndex, "NIH chronicity index", "integer", null, null, "NIH chronicity index (0 to 12), as reported", 0, 12);
            ItemDef(OdmOids.DiagnosisNotes, "Notes", "text");

            ItemDef(OdmOids.MedicationClass, "Drug class", "text", null, OdmOids.MedicationClassCodes);
            ItemDef(OdmOids.MedicationDrug, "Drug", "text", null, null, "Drug name as recorded (INN)");
            ItemDef(OdmOids.MedicationDose, "Dose", "float", null, null, "Dose as prescribed, in the dose unit");
            ItemDef(OdmOids.MedicationDoseUnit, "Dose unit", "text", null, null, "UCUM unit of the dose (e.g. mg, g)");
            ItemDef(OdmOids.MedicationFrequency, "Frequency", "text");
            ItemDef(OdmOids.MedicationPrednisone, "Prednisone equivalent", "float", PrednisoneUnit, null, "For a glucocorticoid: the prednisone-equivalent dose, mg/day");
            ItemDef(OdmOids.MedicationStart, "Start date", "date");
            ItemDef(OdmOids.MedicationStop, "Stop date", "date");

            ItemDef(OdmOids.AdverseEventTerm, "Term", "text", null, null, "The adverse event term (the CTCAE v5.0 term where one applies)");
            ItemDef(OdmOids.AdverseEventMeddra, "MedDRA code", "text", null, null,
                $"The MedDRA code CTCAE v{CtcaeV5.Version} gives for the term (written only when the term is a CTCAE v{CtcaeV5.Version} term)");
            ItemDef(OdmOids.AdverseEventGrade, "CTCAE grade", "integer", null, OdmOids.GradeCodes, $"CTCAE v{CtcaeV5.Version} grade");
            ItemDef(OdmOids.AdverseEventOnset, "Onset date", "date");
            ItemDef(OdmOids.AdverseEventResolution, "Resolution date", "date");
            ItemDef(OdmOids.AdverseEventSerious, "Serious", "boolean", null, null, "Serious adverse event (ICH E2A)");
            foreach (var (_, code, decode) in SeriousnessCriteriaCodes.All)
            {
                ItemDef(OdmOids.AdverseEventCriterion(code), code, "boolean", null, null, $"Seriousness criterion (ICH E2A): {decode}");
            }

            ItemDef(OdmOids.AdverseEventCausality, "Causality", "text", null, OdmOids.CausalityCodes, "Relation to the cell therapy, as the investigator assessed it");
            ItemDef(OdmOids.AdverseEventExpectedness, "Expectedness", "text", null, OdmOids.ExpectednessCodes);
            ItemDef(OdmOids.AdverseEventOutcome, "Outcome", "text", null, null, "The outcome as recorded");
            ItemDef(OdmOids.AdverseEventLot, "Suspect lot", "text", null, null, "The label of the suspect cell lot");
            ItemDef(OdmOids.AdverseEventLate, "Entered late", "boolean", null, null, "Entered more than the study's late-entry days after onset");
            ItemDef(OdmOids.AdverseEventLateReason, "Late entry reason", "text");

            ItemDef(OdmOids.DeathDate, "Date of death", "date");
            ItemDef(OdmOids.DeathCause, "Cause of death", "text", null, null, "The cause as recorded");
            ItemDef(OdmOids.DeathCausality, "Causality", "text", null, OdmOids.CausalityCodes, "Relation of the death to the cell therapy, as the investigator assessed it");
            WriteCellTherapyItems();
        }

        private void WriteRecordCodeLists()
        {
            CodeList(OdmOids.DiagnosisKindCodes, "Diagnosis kind", [.. DiagnosisKinds.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.MedicationClassCodes, "Drug class", [.. MedicationClasses.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.GradeCodes, $"CTCAE v{CtcaeV5.Version} grade",
            [
                ("1", "Mild"), ("2", "Moderate"), ("3", "Severe or medically significant but not immediately life-threatening"),
                ("4", "Life-threatening consequences; urgent intervention indicated"), ("5", "Death related to the adverse event"),
            ], "integer");
            CodeList(OdmOids.CausalityCodes, "Causality", [.. Causalities.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.ExpectednessCodes, "Expectedness", [.. Expectednesses.Select(c => (c.Code, c.Decode))]);
            WriteCellTherapyCodeLists();
        }

        /// <summary>
        /// Repeating item groups of one form, ordered by their first item (a date) and then by every value, so the same records
        /// always come out in the same order (the round trip compares two exports).
        /// </summary>
        /// <returns>The records in the order written: the first has <c>ItemGroupRepeatKey</c> 1.</returns>
        private List<TrackedRecord> WriteGroups(string form, string group, string site, IEnumerable<(TrackedRecord Record, List<(string Oid, string? Value, string? Unit)> Items)> records)
        {
            var ordered = records.OrderBy(r => string.Join('\u001f', r.Items.Select(i => i.Oid + "=" + i.Value)), StringComparer.Ordinal).ToList();
            if (ordered.Count == 0)
            {
                return [];
            }

            xml.WriteStartElement("FormData");
            Attribute("FormOID", form);
            var key = 0;
            foreach (var (record, items) in ordered)
            {
                ItemGroup(group, ++key, record, site, items);
            }

            xml.WriteEndElement();
            return [.. ordered.Select(r => r.Record)];
        }

        /// <summary>One <c>ItemGroupData</c>: its repeat key (none for a group that does not repeat), the record's audit record, its items.</summary>
        private void ItemGroup(string group, int? repeatKey, TrackedRecord record, string site, IEnumerable<(string Oid, string? Value, string? Unit)> items)
        {
            xml.WriteStartElement("ItemGroupData");
            Attribute("ItemGroupOID", group);
            if (repeatKey is { } key)
            {
                Attribute("ItemGroupRepeatKey", Number(key));
            }

            AuditRecord(record, site);
            foreach (var (oid, value, unit) in items)
            {
                Item(oid, value, unit);
            }

            xml.WriteEndElement();
        }

        private void WriteDiagnoses(Guid patientId, string site, List<Diagnosis> records)
        {
            WriteGroups(OdmOids.DiagnosisForm, OdmOids.DiagnosisGroup, site, records.Select(d => ((TrackedRecord)d, new List<(string, string?, string?)>
            {
                (OdmOids.DiagnosisDate, Date(patientId, d.DiagnosisDate), null),
                (OdmOids.DiagnosisKind, Code(DiagnosisKinds, d.Kind), null),
                (OdmOids.DiagnosisCriteria, d.Criteria, null),
                (OdmOids.DiagnosisCriteriaMet, d.CriteriaMet is { } met ? Bool(met) : null, null),
                (OdmOids.DiagnosisCriteriaScore, d.CriteriaScore is { } score ? Text(score) : null, null),
                (OdmOids.DiagnosisIsnRpsClass, d.IsnRpsClass, null),
                (OdmOids.DiagnosisActivityIndex, d.ActivityIndex is { } activity ? Integer(activity) : null, null),
                (OdmOids.DiagnosisChronicityIndex, d.ChronicityIndex is { } chronicity ? Integer(chronicity) : null, null),
                (OdmOids.DiagnosisNotes, deidentify ? null : d.Notes, null),
            })));
            diagnoses += records.Count;
        }

        private void WriteMedications(Guid patientId, string site, IEnumerable<Medication> records)
        {
            var list = records.ToList();
            WriteGroups(OdmOids.MedicationForm, OdmOids.MedicationGroup, site, list.Select(m => ((TrackedRecord)m, new List<(string, string?, string?)>
            {
                (OdmOids.MedicationStart, Date(patientId, m.StartDate), null),
                (OdmOids.MedicationStop, m.StopDate is { } stop ? Date(patientId, stop) : null, null),
                (OdmOids.MedicationClass, Code(MedicationClasses, m.Class), null),
                (OdmOids.MedicationDrug, m.Drug, null),
                (OdmOids.MedicationDose, m.Dose is { } dose ? Text(dose) : null, null),
                (OdmOids.MedicationDoseUnit, m.DoseUnit, null),
                (OdmOids.MedicationFrequency, m.Frequency, null),
                (OdmOids.MedicationPrednisone, m.PrednisoneEquivalentMgPerDay is { } pred ? Text(pred) : null, m.PrednisoneEquivalentMgPerDay is null ? null : PrednisoneUnit),
            })));
            medications += list.Count;
        }

        /// <summary>The <c>ItemGroupRepeatKey</c> of each adverse event of the subject being written (a contact names its event by it).</summary>
        private Dictionary<Guid, int> adverseEventKeys = [];

        private void WriteAdverseEvents(Guid patientId, string site, List<(ModelAdverseEvent Event, string? Lot)> records)
        {
            var written = WriteGroups(OdmOids.AdverseEventForm, OdmOids.AdverseEventGroup, site, records.Select(r =>
            {
                var ae = r.Event;
                var items = new List<(string, string?, string?)>
                {
                    (OdmOids.AdverseEventOnset, Date(patientId, ae.OnsetDate), null),
                    (OdmOids.AdverseEventTerm, ae.Term, null),
                    (OdmOids.AdverseEventMeddra, CtcaeV5.Find(ae.Term)?.MeddraCode, null),
                    (OdmOids.AdverseEventGrade, ae.CtcaeGrade is { } grade ? Integer(grade) : null, null),
                    (OdmOids.AdverseEventResolution, ae.ResolutionDate is { } resolved ? Date(patientId, resolved) : null, null),
                    (OdmOids.AdverseEventSerious, Bool(ae.Serious), null),
                };
                if (ae.SeriousnessCriteria is { } criteria)
                {
                    items.AddRange(SeriousnessCriteriaCodes.All.Select(c => (OdmOids.AdverseEventCriterion(c.Code), (string?)Bool(criteria.HasFlag(c.Value)), (string?)null)));
                }

                items.Add((OdmOids.AdverseEventCausality, Code(Causalities, ae.Causality), null));
                items.Add((OdmOids.AdverseEventExpectedness, ae.Expectedness is { } expected ? Code(Expectednesses, expected) : null, null));
                items.Add((OdmOids.AdverseEventOutcome, deidentify ? null : ae.Outcome, null));
                items.Add((OdmOids.AdverseEventLot, deidentify ? null : r.Lot, null));
                items.Add((OdmOids.AdverseEventLate, Bool(ae.EnteredLate), null));
                items.Add((OdmOids.AdverseEventLateReason, deidentify ? null : ae.LateEntryReason, null));
                return ((TrackedRecord)ae, items);
            }));
            adverseEventKeys = written.Select((r, i) => (r.Id, Key: i + 1)).ToDictionary(r => r.Id, r => r.Key);
            adverseEvents += records.Count;
        }

        private void WriteDeath(Guid patientId, string site, Death? death)
        {
            if (death is null)
            {
                return;
            }

            WriteGroups(OdmOids.DeathForm, OdmOids.DeathGroup, site, [((TrackedRecord)death, new List<(string, string?, string?)>
            {
                (OdmOids.DeathDate, Date(patientId, death.DeathDate), null),
                (OdmOids.DeathCause, deidentify ? null : death.Cause, null),
                (OdmOids.DeathCausality, Code(Causalities, death.Causality), null),
            })]);
            deaths++;
        }
    }
}
