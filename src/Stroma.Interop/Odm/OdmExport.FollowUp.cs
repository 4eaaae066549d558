using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Interop.Odm;

/// <summary>
/// Follow-up contacts (<c>F.CONTACT</c>) and lymphodepletion (<c>F.LD</c>) in the ODM export: one form per record under
/// <c>SE.NOVISIT</c>, after the enrolments and infusions. A contact names its enrolment by protocol key and its adverse
/// event, if any, by that event's <c>ItemGroupRepeatKey</c> in the subject's <c>F.AE</c> (the only name an adverse event
/// has in the file; the import reads the events before the contacts). A lymphodepletion record names its enrolment by
/// protocol key and carries the BSA and daily amount as stored (the import computes them again and compares). The
/// mapping is in docs/interop.md ("CDISC ODM 1.3.2"). De-identified exports move the dates with the patient and leave
/// out what the CSV export leaves out: a contact's notes and every late-entry reason.
/// </summary>
public static partial class OdmExport
{
    // UCUM units of the lymphodepletion quantities: cm, m², mg/m², mg.
    internal const string CentimetreUnit = BodyHeight.Ucum;
    internal const string SquareMetreUnit = BodySurfaceArea.Ucum;
    internal const string PerSquareMetreUnit = DrugDosePerSquareMetre.Ucum;
    internal const string MilligramUnit = "mg";

    private static readonly string[] FollowUpUnits = [CentimetreUnit, SquareMetreUnit, PerSquareMetreUnit, MilligramUnit];

    internal static readonly (ContactMode Value, string Code, string Decode)[] ContactModes =
    [
        (ContactMode.ClinicVisit, "clinic", "Clinic visit"),
        (ContactMode.PhoneCall, "phone", "Phone call"),
    ];

    /// <summary>The codes <c>stroma contact</c> takes (<c>--rash</c>, <c>--sleep</c>, <c>--fatigue</c>, <c>--pain</c>).</summary>
    internal static readonly (ReportedChange Value, string Code, string Decode)[] ReportedChanges =
    [
        (ReportedChange.NotAsked, "not_asked", "Not asked"),
        (ReportedChange.Better, "better", "Better"),
        (ReportedChange.Unchanged, "unchanged", "Unchanged"),
        (ReportedChange.Worse, "worse", "Worse"),
    ];

    internal static readonly (BsaFormula Value, string Code, string Decode)[] BsaFormulas =
    [
        (BsaFormula.Mosteller, BodySurfaceArea.Key(BsaFormula.Mosteller), "Mosteller 1987: √(height cm × weight kg / 3600)"),
        (BsaFormula.DuBois, BodySurfaceArea.Key(BsaFormula.DuBois), "Du Bois 1916: 0.007184 × weight kg^0.425 × height cm^0.725"),
    ];

    private sealed partial class Writer
    {
        private long contacts, lymphodepletions;

        private void WriteFollowUpForms()
        {
            FormDef(OdmOids.ContactForm, "Follow-up contact", OdmOids.ContactGroup, true);
            FormDef(OdmOids.LymphodepletionForm, "Lymphodepletion", OdmOids.LymphodepletionGroup, true);
        }

        private void WriteFollowUpGroups()
        {
            ItemGroupDef(OdmOids.ContactGroup, "Follow-up contact", false,
                [OdmOids.ContactDate, OdmOids.ContactMode, OdmOids.ContactProtocol, OdmOids.ContactEvent, OdmOids.ContactRash, OdmOids.ContactSleep,
                    OdmOids.ContactFatigue, OdmOids.ContactPain, OdmOids.ContactAdverseReaction, OdmOids.ContactAdverseEvent, OdmOids.ContactNotes,
                    OdmOids.ContactLate, OdmOids.ContactLateReason]);
            ItemGroupDef(OdmOids.LymphodepletionGroup, "Lymphodepleting drug given", false,
                [OdmOids.LymphodepletionProtocol, OdmOids.LymphodepletionDrugKey, OdmOids.LymphodepletionDrug, OdmOids.LymphodepletionDose,
                    OdmOids.LymphodepletionDays, OdmOids.LymphodepletionDayZero, OdmOids.LymphodepletionFirst, OdmOids.LymphodepletionLast,
                    OdmOids.LymphodepletionHeight, OdmOids.LymphodepletionWeight, OdmOids.LymphodepletionMeasuredOn, OdmOids.LymphodepletionFormula,
                    OdmOids.LymphodepletionBsa, OdmOids.LymphodepletionDailyDose, OdmOids.LymphodepletionLate, OdmOids.LymphodepletionLateReason]);
        }

        private void WriteFollowUpItems()
        {
            ItemDef(OdmOids.ContactDate, "Contact date", "date");
            ItemDef(OdmOids.ContactMode, "Mode", "text", null, OdmOids.ContactModeCodes);
            ItemDef(OdmOids.ContactProtocol, "Protocol", "text", null, null, "The key of the protocol of the enrolment the contact belongs to");
            ItemDef(OdmOids.ContactEvent, "Schedule event", "text", null, null, "The schedule's event the contact fulfils (month_3, ...)");
            ItemDef(OdmOids.ContactRash, "Rash", "text", null, OdmOids.ReportedChangeCodes, "Patient-reported change in rash since the last contact");
            ItemDef(OdmOids.ContactSleep, "Sleep", "text", null, OdmOids.ReportedChangeCodes, "Patient-reported change in sleep since the last contact");
            ItemDef(OdmOids.ContactFatigue, "Fatigue", "text", null, OdmOids.ReportedChangeCodes, "Patient-reported change in fatigue since the last contact");
            ItemDef(OdmOids.ContactPain, "Pain", "text", null, OdmOids.ReportedChangeCodes, "Patient-reported change in pain since the last contact");
            ItemDef(OdmOids.ContactAdverseReaction, "Adverse reaction reported", "boolean");
            ItemDef(OdmOids.ContactAdverseEvent, "Adverse event", "integer", null, null,
                "The ItemGroupRepeatKey of the adverse event recorded for the reaction, in the same subject's F.AE");
            ItemDef(OdmOids.ContactNotes, "Notes", "text");
            ItemDef(OdmOids.ContactLate, "Entered late", "boolean");
            ItemDef(OdmOids.ContactLateReason, "Late entry reason", "text");

            ItemDef(OdmOids.LymphodepletionProtocol, "Protocol", "text", null, null, "The key of the CAR-T protocol the patient is enrolled on");
            ItemDef(OdmOids.LymphodepletionDrugKey, "Drug key", "text", null, null, "The protocol's key of the drug (fludarabine, ...)");
            ItemDef(OdmOids.LymphodepletionDrug, "Drug", "text", null, null, "The drug's name as the protocol gives it");
            ItemDef(OdmOids.LymphodepletionDose, "Dose per m² per day", "float", PerSquareMetreUnit);
            ItemDef(OdmOids.LymphodepletionDays, "Days given", "text", null, null, "The days given relative to the infusion (day 0), ascending and comma-separated (-5,-4,-3)");
            ItemDef(OdmOids.LymphodepletionDayZero, "Day 0", "date", null, null, "The infusion date the days count from");
            ItemDef(OdmOids.LymphodepletionFirst, "First given on", "date");
            ItemDef(OdmOids.LymphodepletionLast, "Last given on", "date");
            ItemDef(OdmOids.LymphodepletionHeight, "Height", "float", CentimetreUnit);
            ItemDef(OdmOids.LymphodepletionWeight, "Weight", "float", KilogramUnit);
            ItemDef(OdmOids.LymphodepletionMeasuredOn, "Height and weight measured on", "date");
            ItemDef(OdmOids.LymphodepletionFormula, "BSA formula", "text", null, OdmOids.BsaFormulaCodes);
            ItemDef(OdmOids.LymphodepletionBsa, "Body surface area", "float", SquareMetreUnit, null, "By the formula, to 4 decimal places");
            ItemDef(OdmOids.LymphodepletionDailyDose, "Amount per day", "float", MilligramUnit, null, "Dose per m² × BSA, to 0.01 mg");
            ItemDef(OdmOids.LymphodepletionLate, "Entered late", "boolean");
            ItemDef(OdmOids.LymphodepletionLateReason, "Late entry reason", "text");
        }

        private void WriteFollowUpCodeLists()
        {
            CodeList(OdmOids.ContactModeCodes, "Contact mode", [.. ContactModes.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.ReportedChangeCodes, "Patient-reported change", [.. ReportedChanges.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.BsaFormulaCodes, "Body surface area formula", [.. BsaFormulas.Select(c => (c.Code, c.Decode))]);
        }

        private sealed record FollowUpRecords(List<(FollowUpContact Contact, string? Protocol)> Contacts, List<(LymphodepletionRecord Record, string Protocol)> Lymphodepletions)
        {
            public bool Any => Contacts.Count > 0 || Lymphodepletions.Count > 0;
        }

        private async Task<FollowUpRecords> LoadFollowUpAsync(Guid patientId, CancellationToken cancellationToken)
        {
            var contacted = await db.FollowUpContacts.AsNoTracking().Where(c => c.PatientId == patientId)
                .Select(c => new { Contact = c, Protocol = c.Enrolment != null ? c.Enrolment.ProtocolKey : null }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var given = await db.Lymphodepletions.AsNoTracking().Where(l => l.PatientId == patientId)
                .Select(l => new { Record = l, Protocol = l.Enrolment!.ProtocolKey }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return new FollowUpRecords([.. contacted.Select(c => (c.Contact, c.Protocol))], [.. given.Select(g => (g.Record, g.Protocol))]);
        }

        /// <summary>One <c>F.CONTACT</c> form per contact, in the order of their date, then of their values.</summary>
        private void WriteContacts(Guid patientId, string site, List<(FollowUpContact Contact, string? Protocol)> records)
        {
            var key = 0;
            foreach (var (record, items) in Ordered(records, r => r.Contact.ContactDate, r =>
            [
                (OdmOids.ContactDate, Date(patientId, r.Contact.ContactDate), null),
                (OdmOids.ContactMode, Code(ContactModes, r.Contact.Mode), null),
                (OdmOids.ContactProtocol, r.Protocol, null),
                (OdmOids.ContactEvent, r.Contact.EventKey, null),
                (OdmOids.ContactRash, Code(ReportedChanges, r.Contact.Rash), null),
                (OdmOids.ContactSleep, Code(ReportedChanges, r.Contact.Sleep), null),
                (OdmOids.ContactFatigue, Code(ReportedChanges, r.Contact.Fatigue), null),
                (OdmOids.ContactPain, Code(ReportedChanges, r.Contact.Pain), null),
                (OdmOids.ContactAdverseReaction, Bool(r.Contact.AdverseReaction), null),
                // An event not in the file (deleted since) is left out: the file can name only the events it holds.
                (OdmOids.ContactAdverseEvent, r.Contact.AdverseEventId is { } ae && adverseEventKeys.TryGetValue(ae, out var aeKey) ? Integer(aeKey) : null, null),
                (OdmOids.ContactNotes, deidentify ? null : r.Contact.Notes, null),
                (OdmOids.ContactLate, Bool(r.Contact.EnteredLate), null),
                (OdmOids.ContactLateReason, deidentify ? null : r.Contact.LateEntryReason, null),
            ]))
            {
                RecordForm(OdmOids.ContactForm, ++key, OdmOids.ContactGroup, record.Contact, site, items);
                contacts++;
            }
        }

        /// <summary>One <c>F.LD</c> form per drug given, in the order of the first day given, then of their values.</summary>
        private void WriteLymphodepletions(Guid patientId, string site, List<(LymphodepletionRecord Record, string Protocol)> records)
        {
            var key = 0;
            foreach (var (record, items) in Ordered(records, r => r.Record.FirstGivenOn, r =>
            [
                (OdmOids.LymphodepletionProtocol, r.Protocol, null),
                (OdmOids.LymphodepletionDrugKey, r.Record.DrugKey, null),
                (OdmOids.LymphodepletionDrug, r.Record.Drug, null),
                (OdmOids.LymphodepletionDose, Text(r.Record.DoseMgPerSquareMetre), PerSquareMetreUnit),
                (OdmOids.LymphodepletionDays, r.Record.DaysRelativeToInfusion, null),
                (OdmOids.LymphodepletionDayZero, Date(patientId, r.Record.InfusionDate), null),
                (OdmOids.LymphodepletionFirst, Date(patientId, r.Record.FirstGivenOn), null),
                (OdmOids.LymphodepletionLast, Date(patientId, r.Record.LastGivenOn), null),
                (OdmOids.LymphodepletionHeight, Text(r.Record.HeightCm), CentimetreUnit),
                (OdmOids.LymphodepletionWeight, Text(r.Record.WeightKg), KilogramUnit),
                (OdmOids.LymphodepletionMeasuredOn, Date(patientId, r.Record.MeasuredOn), null),
                (OdmOids.LymphodepletionFormula, r.Record.BsaFormula, null),
                (OdmOids.LymphodepletionBsa, Text(r.Record.BsaSquareMetres), SquareMetreUnit),
                (OdmOids.LymphodepletionDailyDose, Text(r.Record.DailyDoseMg), MilligramUnit),
                (OdmOids.LymphodepletionLate, Bool(r.Record.EnteredLate), null),
                (OdmOids.LymphodepletionLateReason, deidentify ? null : r.Record.LateEntryReason, null),
            ]))
            {
                RecordForm(OdmOids.LymphodepletionForm, ++key, OdmOids.LymphodepletionGroup, record.Record, site, items);
                lymphodepletions++;
            }
        }

        /// <summary>A repeating form of one record: <c>FormData</c> with its repeat key and the record's one item group.</summary>
        private void RecordForm(string form, int repeatKey, string group, TrackedRecord record, string site, List<(string Oid, string? Value, string? Unit)> items)
        {
            xml.WriteStartElement("FormData");
            Attribute("FormOID", form);
            Attribute("FormRepeatKey", Number(repeatKey));
            ItemGroup(group, null, record, site, items);
            xml.WriteEndElement();
        }
    }
}
