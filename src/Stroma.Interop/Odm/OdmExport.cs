using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Export;
using Stroma.Data.Model;
using LabResult = Stroma.Data.Model.LabResult;
using Patient = Stroma.Data.Model.Patient;

namespace Stroma.Interop.Odm;

/// <summary>
/// <c>stroma export --format odm FILE.xml</c>: one CDISC ODM 1.3.2 file (CDISC, "Specification for the Operational Data
/// Model (ODM) Version 1.3.2 Final", 2013-12-01), <c>FileType="Snapshot"</c>, <c>Granularity="All"</c>: the study's
/// metadata (<c>Study</c>: units, the registry's forms as <c>MetaDataVersion</c> <see cref="OdmOids.Registry"/>, and one
/// <c>MetaDataVersion</c> per protocol version that includes it and lists the protocol's events), the sites and users
/// (<c>AdminData</c>), the cell-product lots with their release tests, decisions and custody (<c>ReferenceData</c>: no
/// patient's), and the clinical data (<c>ClinicalData</c>: a <c>SubjectData</c> per patient with registration, visits,
/// instrument answers, lab results and the other records of OdmExport.Records.cs and OdmExport.CellTherapy.cs, each with the
/// <c>AuditRecord</c> of its last change). The mapping and what
/// ODM has no place for are in docs/interop.md ("CDISC ODM 1.3.2"). Written with <see cref="XmlWriter"/> as it is read,
/// patient by patient, so memory stays flat; narrowed to sites and de-identified exactly as <see cref="CsvExport"/> is
/// (<see cref="CsvExportOptions"/>), and audited the same way. The file is written next to its name and moved into place
/// when complete, so a failed export leaves no partial file.
/// </summary>
public static partial class OdmExport
{
    private static readonly Type[] AuditedEntities =
        [
            typeof(Patient), typeof(Visit), typeof(Assessment), typeof(LabResult), typeof(Diagnosis), typeof(Medication), typeof(Stroma.Data.Model.AdverseEvent), typeof(Death),
            typeof(CellLotRecord), typeof(LotReleaseTest), typeof(LotDecision), typeof(CustodyEventRecord), typeof(ProtocolEnrolment), typeof(Infusion),
            typeof(InfusionVitalSigns), typeof(InfusionPremedication), typeof(InfusionReactionRecord), typeof(FollowUpContact), typeof(LymphodepletionRecord),
            typeof(ScheduledEventRecord), typeof(ScheduleChangeRecord), typeof(ProtocolDeviationRecord), typeof(QueryRecord), typeof(QueryStepRecord),
        ];

    /// <summary>What one export wrote.</summary>
    public sealed record Counts(long Subjects, long Visits, long Assessments, long LabResults, long MetaDataVersions, long Diagnoses, long Medications, long AdverseEvents, long Deaths)
    {
        /// <summary>Stored protocol versions with their definitions (<c>ReferenceData</c>, <c>IG.PROTOCOL</c>).</summary>
        public long ProtocolVersions { get; init; }

        /// <summary>Cell-product lots (<c>ReferenceData</c>).</summary>
        public long Lots { get; init; }

        public long ReleaseTests { get; init; }

        public long LotDecisions { get; init; }

        public long CustodyEvents { get; init; }

        public long Enrolments { get; init; }

        public long Infusions { get; init; }

        /// <summary>Follow-up contacts (<c>F.CONTACT</c>).</summary>
        public long Contacts { get; init; }

        /// <summary>Lymphodepletion records, one per drug given (<c>F.LD</c>).</summary>
        public long Lymphodepletions { get; init; }

        /// <summary>Events of the enrolments' calendars (<c>IG.SCHED_EVENT</c> in <c>F.SCHED</c>).</summary>
        public long ScheduledEvents { get; init; }

        /// <summary>Reschedules (<c>IG.SCHED_CHANGE</c> in <c>F.SCHED</c>).</summary>
        public long ScheduleChanges { get; init; }

        /// <summary>Recorded protocol deviations (<c>F.DEV</c>).</summary>
        public long Deviations { get; init; }

        /// <summary>Data queries (<c>F.QUERY</c>).</summary>
        public long Queries { get; init; }

        /// <summary>Their steps (<c>IG.QUERY_STEP</c> in <c>F.QUERY</c>).</summary>
        public long QuerySteps { get; init; }
    }

    public static async Task<Counts> WriteAsync(DataConfiguration configuration, string path, CsvExportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".partial";
        Counts counts;
        await using (var db = options.ReadFrom is { } replica ? StromaDatabase.CreateReadOnlyContext(replica) : StromaDatabase.CreateStreamingContext(configuration))
        {
            try
            {
                await using var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Async = true, Indent = true, Encoding = new UTF8Encoding(false) });
                var writer = new Writer(db, xml, options);
                counts = await writer.WriteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }

        File.Move(temporary, full, overwrite: true);

        // Every export is on the audit trail: who, when, which sites, identifiable or not, how much.
        await using var audit = StromaDatabase.CreateContext(configuration, options.ExportedBy ?? "system");
        await AuditTrail.AppendAccessAsync(audit, "export", "odm-export", new Dictionary<string, object?>
        {
            ["sites"] = options.Sites.Count > 0 ? options.Sites : "all",
            ["deidentified"] = options.Deidentify,
            ["subjects"] = counts.Subjects,
            ["records"] = counts.Visits + counts.Assessments + counts.LabResults + counts.Diagnoses + counts.Medications + counts.AdverseEvents + counts.Deaths
                + counts.Lots + counts.ReleaseTests + counts.LotDecisions + counts.CustodyEvents + counts.Enrolments + counts.Infusions + counts.Contacts + counts.Lymphodepletions
                + counts.ScheduledEvents + counts.ScheduleChanges + counts.Deviations + counts.Queries + counts.QuerySteps,
        }, cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <summary>Text of a clinical date (ODM <c>date</c>, ISO 8601).</summary>
    internal static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Text of an instant (ODM <c>datetime</c>, UTC with <c>Z</c>).</summary>
    internal static string Text(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    internal static string Text(decimal number) => number.ToString(CultureInfo.InvariantCulture);

    internal static string SexCode(Stroma.Clinical.Labs.Sex sex) => sex switch
    {
        Stroma.Clinical.Labs.Sex.Female => "female",
        Stroma.Clinical.Labs.Sex.Male => "male",
        _ => "unknown",
    };

    internal static string FlagCode(LabFlag flag) => flag switch
    {
        LabFlag.Normal => "normal",
        LabFlag.Low => "low",
        LabFlag.High => "high",
        LabFlag.CriticalLow => "critical_low",
        LabFlag.CriticalHigh => "critical_high",
        _ => "none",
    };

    internal static string DataType(ItemKind kind) => kind switch
    {
        ItemKind.Boolean => "boolean",
        ItemKind.WholeNumber => "integer",
        ItemKind.Number => "float",
        _ => "text",
    };

    private sealed partial class Writer(StromaDbContext db, XmlWriter xml, CsvExportOptions options)
    {
        private readonly bool deidentify = options.Deidentify;
        private Guid[]? siteIds;
        private ExportKeys keys = null!;
        private readonly Dictionary<Guid, string> reasons = [];
        private long visits, assessments, labs;

        public async Task<Counts> WriteAsync(CancellationToken cancellationToken)
        {
            var (sites, exportKeys, _) = await CsvExport.ResolveScopeAsync(db, options, cancellationToken).ConfigureAwait(false);
            siteIds = sites;
            keys = exportKeys;
            var now = db.Clock.GetUtcNow();

            await xml.WriteStartDocumentAsync().ConfigureAwait(false);
            xml.WriteStartElement("ODM", OdmOids.Namespace);
            Attribute("Description", deidentify ? "Stroma registry, de-identified export" : "Stroma registry export");
            Attribute("FileType", "Snapshot");
            Attribute("Granularity", siteIds is null ? "All" : "SingleSite");
            Attribute("FileOID", "STROMA." + Guid.CreateVersion7(now).ToString("N"));
            Attribute("CreationDateTime", Text(now));
            Attribute("ODMVersion", "1.3.2");
            Attribute("Originator", "Stroma");
            Attribute("SourceSystem", "Stroma");

            var visitTypes = await VisitTypesAsync(cancellationToken).ConfigureAwait(false);
            var protocolVersions = await WriteStudyAsync(visitTypes, cancellationToken).ConfigureAwait(false);
            var siteCodes = await WriteAdminDataAsync(cancellationToken).ConfigureAwait(false);
            if (!deidentify)
            {
                await LoadReasonsAsync(cancellationToken).ConfigureAwait(false);
            }

            await WriteReferenceDataAsync(siteCodes, cancellationToken).ConfigureAwait(false);
            var subjects = await WriteClinicalDataAsync(siteCodes, cancellationToken).ConfigureAwait(false);
            xml.WriteEndElement();
            await xml.WriteEndDocumentAsync().ConfigureAwait(false);
            await xml.FlushAsync().ConfigureAwait(false);
            return new Counts(subjects, visits, assessments, labs, 1 + protocolVersions, diagnoses, medications, adverseEvents, deaths)
            {
                ProtocolVersions = protocolVersionRecords,
                Lots = lots,
                ReleaseTests = releaseTests,
                LotDecisions = lotDecisions,
                CustodyEvents = custodyEvents,
                Enrolments = enrolments,
                Infusions = infusions,
                Contacts = contacts,
                Lymphodepletions = lymphodepletions,
                ScheduledEvents = scheduledEvents,
                ScheduleChanges = scheduleChanges,
                Deviations = deviations,
                Queries = queries,
                QuerySteps = querySteps,
            };
        }

        private IQueryable<T> Rows<T>()
            where T : class => CsvExport.OfSites<T>(db, db.Model.FindEntityType(typeof(T))!, siteIds);

        private void Attribute(string name, string value) => xml.WriteAttributeString(name, value);

        private void Element(string name, params (string Name, string? Value)[] attributes)
        {
            xml.WriteStartElement(name);
            foreach (var (attribute, value) in attributes)
            {
                if (value is not null)
                {
                    Attribute(attribute, value);
                }
            }

            xml.WriteEndElement();
        }

        private void Translated(string element, string text)
        {
            xml.WriteStartElement(element);
            xml.WriteStartElement("TranslatedText");
            xml.WriteAttributeString("xml", "lang", null, "en");
            xml.WriteString(text);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        /// <summary>The visit types of the exported visits, each with whether it was scheduled, in a stable order.</summary>
        private async Task<List<(string Type, bool Scheduled)>> VisitTypesAsync(CancellationToken cancellationToken)
        {
            var pairs = await Rows<Visit>().Select(v => new { v.Type, v.Kind }).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. pairs.Select(p => (p.Type, p.Kind == VisitKind.Scheduled)).Distinct().OrderBy(p => !p.Item2).ThenBy(p => p.Type, StringComparer.Ordinal)];
        }

        private async Task<int> WriteStudyAsync(List<(string Type, bool Scheduled)> visitTypes, CancellationToken cancellationToken)
        {
            xml.WriteStartElement("Study");
            Attribute("OID", OdmOids.Study);
            xml.WriteStartElement("GlobalVariables");
            xml.WriteElementString("StudyName", "Stroma registry");
            xml.WriteElementString("StudyDescription", "Systemic lupus erythematosus cell therapy registry (Stroma): patients, visits, instruments and laboratory results.");
            xml.WriteElementString("ProtocolName", "Stroma registry");
            xml.WriteEndElement();

            xml.WriteStartElement("BasicDefinitions");
            foreach (var unit in AnalyteCatalog.All.Select(a => a.CanonicalUnit).OfType<UcumUnit>().Select(u => u.Code).Append(PrednisoneUnit).Concat(CellTherapyUnits).Concat(FollowUpUnits).Distinct().Order(StringComparer.Ordinal))
            {
                xml.WriteStartElement("MeasurementUnit");
                Attribute("OID", OdmOids.Unit(unit));
                Attribute("Name", unit);
                Translated("Symbol", unit);
                xml.WriteStartElement("Alias");
                Attribute("Context", "UCUM");
                Attribute("Name", unit);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            var registryEvents = WriteRegistryMetaData(visitTypes);
            var versions = await WriteProtocolVersionsAsync(registryEvents, cancellationToken).ConfigureAwait(false);
            xml.WriteEndElement();
            return versions;
        }

        /// <summary>The registry's forms; returns the OIDs of the study events it defines.</summary>
        private HashSet<string> WriteRegistryMetaData(List<(string Type, bool Scheduled)> visitTypes)
        {
            xml.WriteStartElement("MetaDataVersion");
            Attribute("OID", OdmOids.Registry);
            Attribute("Name", "Stroma registry forms");
            Attribute("Description", "Registration, visits, the scored instruments and laboratory results as the registry records them.");
            var events = new HashSet<string>(StringComparer.Ordinal) { OdmOids.Registration, OdmOids.NoVisit };

            xml.WriteStartElement("Protocol");
            var order = 1;
            Element("StudyEventRef", ("StudyEventOID", OdmOids.Registration), ("OrderNumber", Number(order++)), ("Mandatory", "Yes"));
            foreach (var (type, scheduled) in visitTypes)
            {
                Element("StudyEventRef", ("StudyEventOID", OdmOids.Visit(type, scheduled)), ("OrderNumber", Number(order++)), ("Mandatory", "No"));
            }

            Element("StudyEventRef", ("StudyEventOID", OdmOids.NoVisit), ("OrderNumber", Number(order)), ("Mandatory", "No"));
            xml.WriteEndElement();

            StudyEventDef(OdmOids.Registration, "Registration", false, "Common", [OdmOids.DemographicsForm]);
            string[] visitForms = [OdmOids.VisitForm, .. InstrumentCatalog.All.Select(OdmOids.Form), OdmOids.LabForm, OdmOids.MedicationForm];
            foreach (var (type, scheduled) in visitTypes)
            {
                var oid = OdmOids.Visit(type, scheduled);
                events.Add(oid);
                StudyEventDef(oid, type, true, scheduled ? "Scheduled" : "Unscheduled", visitForms);
            }

            StudyEventDef(OdmOids.NoVisit, "Records not attached to a visit", false, "Common",
                [.. InstrumentCatalog.All.Select(OdmOids.Form), OdmOids.LabForm, OdmOids.DiagnosisForm, OdmOids.MedicationForm, OdmOids.AdverseEventForm, OdmOids.DeathForm,
                    OdmOids.EnrolmentForm, OdmOids.ScheduleForm, OdmOids.InfusionForm, OdmOids.ContactForm, OdmOids.LymphodepletionForm, OdmOids.DeviationForm, OdmOids.QueryForm]);

            FormDef(OdmOids.DemographicsForm, "Registration", OdmOids.DemographicsGroup);
            FormDef(OdmOids.VisitForm, "Visit", OdmOids.VisitGroup);
            foreach (var instrument in InstrumentCatalog.All)
            {
                FormDef(OdmOids.Form(instrument), instrument.Name, OdmOids.Group(instrument));
            }

            FormDef(OdmOids.LabForm, "Laboratory results", OdmOids.LabGroup);
            WriteRecordForms();

            ItemGroupDef(OdmOids.DemographicsGroup, "Registration", false, [OdmOids.Sex, OdmOids.BirthYear, OdmOids.BirthDate, OdmOids.ConsentVersion, OdmOids.ConsentDate]);
            ItemGroupDef(OdmOids.VisitGroup, "Visit", false, [OdmOids.VisitDate, OdmOids.VisitNotes]);
            foreach (var instrument in InstrumentCatalog.All)
            {
                ItemGroupDef(OdmOids.Group(instrument), instrument.Name, false,
                    [.. instrument.Items.Select(i => OdmOids.Item(instrument, i.Key)), OdmOids.Total(instrument), OdmOids.Grade(instrument), OdmOids.Algorithm(instrument)]);
            }

            ItemGroupDef(OdmOids.LabGroup, "Laboratory result", true,
                [OdmOids.LabAnalyte, OdmOids.LabSpecimenTime, OdmOids.LabValue, OdmOids.LabUnit, OdmOids.LabRange, OdmOids.LabLaboratory, OdmOids.LabFlag, OdmOids.LabNote,
                    .. AnalyteCatalog.All.Where(a => a.CanonicalUnit is not null).Select(a => OdmOids.LabNormalised(a.Key))]);
            WriteRecordGroups();

            ItemDef(OdmOids.Sex, "Sex", "text", null, OdmOids.SexCodes);
            ItemDef(OdmOids.BirthYear, "Birth year", "integer");
            ItemDef(OdmOids.BirthDate, "Birth date", "date");
            ItemDef(OdmOids.ConsentVersion, "Consent form version", "text");
            ItemDef(OdmOids.ConsentDate, "Consent date", "date");
            ItemDef(OdmOids.VisitDate, "Visit date", "date");
            ItemDef(OdmOids.VisitNotes, "Visit notes", "text");
            foreach (var instrument in InstrumentCatalog.All)
            {
                foreach (var item in instrument.Items)
                {
                    ItemDef(OdmOids.Item(instrument, item.Key), item.Key, DataType(item.Kind), null,
                        item.Kind == ItemKind.Choice ? OdmOids.Choices(instrument, item.Key) : null, item.Label, item.Min, item.Max);
                }

                ItemDef(OdmOids.Total(instrument), "total", "float", null, null, $"{instrument.Name} total (computed by Stroma, algorithm {instrument.Version})");
                ItemDef(OdmOids.Grade(instrument), "grade", "text", null, null, $"{instrument.Name} grade or band (computed by Stroma)");
                ItemDef(OdmOids.Algorithm(instrument), "algorithm", "text", null, null, $"Algorithm version stored with the score ({instrument.Citation})");
            }

            ItemDef(OdmOids.LabAnalyte, "Analyte", "text", null, OdmOids.AnalyteCodes);
            ItemDef(OdmOids.LabSpecimenTime, "Specimen time", "datetime");
            ItemDef(OdmOids.LabValue, "Reported value", "text", null, null, "The value as the laboratory reported it (a number, a censored value such as <70, or a qualitative result)");
            ItemDef(OdmOids.LabUnit, "Reported unit", "text", null, null, "The unit as reported (UCUM code)");
            ItemDef(OdmOids.LabRange, "Reported range", "text");
            ItemDef(OdmOids.LabLaboratory, "Laboratory", "text", null, null, "The code of the site laboratory whose ranges applied");
            ItemDef(OdmOids.LabFlag, "Flag", "text", null, OdmOids.FlagCodes, "Stroma's flag against the range that applied");
            ItemDef(OdmOids.LabNote, "Laboratory note", "text");
            foreach (var analyte in AnalyteCatalog.All.Where(a => a.CanonicalUnit is not null))
            {
                xml.WriteStartElement("ItemDef");
                Attribute("OID", OdmOids.LabNormalised(analyte.Key));
                Attribute("Name", analyte.Key);
                Attribute("DataType", "float");
                Translated("Question", $"{analyte.Name}, normalised to {analyte.CanonicalUnit!.Code}");
                Element("MeasurementUnitRef", ("MeasurementUnitOID", OdmOids.Unit(analyte.CanonicalUnit.Code)));
                if (analyte.Loinc is { } loinc && analyte.LoincConfirmed)
                {
                    Element("Alias", ("Context", "LOINC"), ("Name", loinc));
                }

                xml.WriteEndElement();
            }

            WriteRecordItems();
            CodeList(OdmOids.SexCodes, "Sex", [("female", "Female"), ("male", "Male"), ("unknown", "Unknown")]);
            CodeList(OdmOids.AnalyteCodes, "Analyte", [.. AnalyteCatalog.All.Select(a => (a.Key, a.Name))]);
            CodeList(OdmOids.FlagCodes, "Laboratory flag", [("none", "No range applies"), ("normal", "Normal"), ("low", "Low"), ("high", "High"), ("critical_low", "Critically low"), ("critical_high", "Critically high")]);
            foreach (var instrument in InstrumentCatalog.All)
            {
                foreach (var item in instrument.Items.Where(i => i.Kind == ItemKind.Choice))
                {
                    CodeList(OdmOids.Choices(instrument, item.Key), $"{instrument.Name} {item.Key}", [.. item.Choices.Select(c => (c, c))]);
                }
            }

            WriteRecordCodeLists();

            xml.WriteEndElement();
            return events;
        }

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        private void StudyEventDef(string oid, string name, bool repeating, string type, IEnumerable<string> forms)
        {
            xml.WriteStartElement("StudyEventDef");
            Attribute("OID", oid);
            Attribute("Name", name);
            Attribute("Repeating", repeating ? "Yes" : "No");
            Attribute("Type", type);
            var order = 1;
            foreach (var form in forms)
            {
                Element("FormRef", ("FormOID", form), ("OrderNumber", Number(order)), ("Mandatory", form is OdmOids.DemographicsForm or OdmOids.VisitForm ? "Yes" : "No"));
                order++;
            }

            xml.WriteEndElement();
        }

        /// <summary>A form of one mandatory item group, and any optional ones after it.</summary>
        private void FormDef(string oid, string name, string group, bool repeating = false, params string[] optionalGroups)
        {
            xml.WriteStartElement("FormDef");
            Attribute("OID", oid);
            Attribute("Name", name);
            Attribute("Repeating", repeating ? "Yes" : "No");
            Element("ItemGroupRef", ("ItemGroupOID", group), ("Mandatory", "Yes"));
            foreach (var optional in optionalGroups)
            {
                Element("ItemGroupRef", ("ItemGroupOID", optional), ("Mandatory", "No"));
            }

            xml.WriteEndElement();
        }

        private void ItemGroupDef(string oid, string name, bool repeating, IEnumerable<string> items)
        {
            xml.WriteStartElement("ItemGroupDef");
            Attribute("OID", oid);
            Attribute("Name", name);
            Attribute("Repeating", repeating ? "Yes" : "No");
            var order = 1;
            foreach (var item in items)
            {
                Element("ItemRef", ("ItemOID", item), ("OrderNumber", Number(order++)), ("Mandatory", "No"));
            }

            xml.WriteEndElement();
        }

        private void ItemDef(string oid, string name, string dataType, string? unit = null, string? codeList = null, string? question = null, decimal? min = null, decimal? max = null)
        {
            xml.WriteStartElement("ItemDef");
            Attribute("OID", oid);
            Attribute("Name", name);
            Attribute("DataType", dataType);
            if (question is not null)
            {
                Translated("Question", question);
            }

            if (unit is not null)
            {
                Element("MeasurementUnitRef", ("MeasurementUnitOID", OdmOids.Unit(unit)));
            }

            foreach (var (comparator, bound) in new[] { ("GE", min), ("LE", max) })
            {
                if (bound is { } value)
                {
                    xml.WriteStartElement("RangeCheck");
                    Attribute("Comparator", comparator);
                    Attribute("SoftHard", "Hard");
                    xml.WriteElementString("CheckValue", Text(value));
                    xml.WriteEndElement();
                }
            }

            if (codeList is not null)
            {
                Element("CodeListRef", ("CodeListOID", codeList));
            }

            xml.WriteEndElement();
        }

        private void CodeList(string oid, string name, IEnumerable<(string Code, string Decode)> items, string dataType = "text")
        {
            xml.WriteStartElement("CodeList");
            Attribute("OID", oid);
            Attribute("Name", name);
            Attribute("DataType", dataType);
            foreach (var (code, decode) in items)
            {
                xml.WriteStartElement("CodeListItem");
                Attribute("CodedValue", code);
                Translated("Decode", decode);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        /// <summary>
        /// One MetaDataVersion per stored protocol version (<c>MDV.KEY.Vn</c>): it includes the registry's forms and lists the
        /// protocol's scheduled events in order; an event whose key is not a visit type of the registry gets its own StudyEventDef.
        /// </summary>
        private async Task<int> WriteProtocolVersionsAsync(HashSet<string> registryEvents, CancellationToken cancellationToken)
        {
            var versions = await db.ProtocolVersions.AsNoTracking().OrderBy(v => v.ProtocolKey).ThenBy(v => v.Number)
                .Select(v => new { v.ProtocolKey, v.Number, v.Name, v.Status, v.DefinitionJson }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var count = 0;
            foreach (var version in versions)
            {
                var (definition, _) = ProtocolDefinitions.Parse(version.DefinitionJson, Number(version.Number));
                xml.WriteStartElement("MetaDataVersion");
                Attribute("OID", OdmOids.ProtocolVersion(version.ProtocolKey, version.Number));
                Attribute("Name", $"{version.ProtocolKey} version {Number(version.Number)}");
                Attribute("Description", $"{version.Name} ({version.Status.ToString().ToLowerInvariant()})");
                Element("Include", ("StudyOID", OdmOids.Study), ("MetaDataVersionOID", OdmOids.Registry));
                var events = definition is null ? [] : PatientSchedule.Generate(definition.Protocol, new DateOnly(2000, 1, 1)).Events;
                xml.WriteStartElement("Protocol");
                Translated("Description", definition?.Protocol.Description is { Length: > 0 } d ? d : version.Name);
                var order = 1;
                foreach (var e in events)
                {
                    Element("StudyEventRef", ("StudyEventOID", OdmOids.ProtocolEvent(e.Key)), ("OrderNumber", Number(order++)), ("Mandatory", "Yes"));
                }

                xml.WriteEndElement();
                foreach (var e in events.Where(e => !registryEvents.Contains(OdmOids.ProtocolEvent(e.Key))).DistinctBy(e => e.Key))
                {
                    StudyEventDef(OdmOids.ProtocolEvent(e.Key), e.Label, false, "Scheduled",
                        [OdmOids.VisitForm, .. InstrumentCatalog.All.Select(OdmOids.Form), OdmOids.LabForm]);
                }

                xml.WriteEndElement();
                count++;
            }

            return count;
        }

        /// <summary>Users (identifiable exports: whoever entered or last changed an exported record) and the sites as locations.</summary>
        private async Task<Dictionary<Guid, string>> WriteAdminDataAsync(CancellationToken cancellationToken)
        {
            xml.WriteStartElement("AdminData");
            Attribute("StudyOID", OdmOids.Study);
            if (!deidentify)
            {
                var users = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var type in AuditedEntities)
                {
                    users.UnionWith(await ((Task<List<string>>)typeof(Writer).GetMethod(nameof(UsersOfAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                        .MakeGenericMethod(type).Invoke(this, [cancellationToken])!).ConfigureAwait(false));
                }

                foreach (var user in users.Where(u => u.Length > 0))
                {
                    xml.WriteStartElement("User");
                    Attribute("OID", OdmOids.User(user));
                    xml.WriteElementString("LoginName", user);
                    xml.WriteEndElement();
                }
            }

            var sites = await Rows<Site>().OrderBy(s => s.Code).Select(s => new { s.Id, s.Code, s.Name, s.CreatedAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var site in sites)
            {
                xml.WriteStartElement("Location");
                Attribute("OID", OdmOids.Site(site.Code));
                Attribute("Name", site.Name);
                Attribute("LocationType", "Site");
                Element("MetaDataVersionRef", ("StudyOID", OdmOids.Study), ("MetaDataVersionOID", OdmOids.Registry), ("EffectiveDate", Text(DateOnly.FromDateTime(site.CreatedAt.UtcDateTime))));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            return sites.ToDictionary(s => s.Id, s => s.Code);
        }

        /// <summary>Whoever entered or last changed an exported record of <typeparamref name="T"/>.</summary>
        private Task<List<string>> UsersOfAsync<T>(CancellationToken cancellationToken)
            where T : TrackedRecord => Rows<T>().Select(p => p.UpdatedBy ?? p.CreatedBy).Distinct().ToListAsync(cancellationToken);

        /// <summary>The latest reason the audit trail gives for each exported kind of record (corrections and other changes with a reason).</summary>
        private async Task LoadReasonsAsync(CancellationToken cancellationToken)
        {
            string[] entities = [.. AuditedEntities.Select(t => t.Name)];
            await foreach (var entry in db.AuditEntries.AsNoTracking().Where(e => e.Reason != null && entities.Contains(e.Entity)).OrderBy(e => e.Sequence)
                .Select(e => new { e.EntityKey, e.Reason }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (Guid.TryParse(entry.EntityKey, out var id))
                {
                    reasons[id] = entry.Reason!;
                }
            }
        }

        private async Task<long> WriteClinicalDataAsync(Dictionary<Guid, string> siteCodes, CancellationToken cancellationToken)
        {
            xml.WriteStartElement("ClinicalData");
            Attribute("StudyOID", OdmOids.Study);
            Attribute("MetaDataVersionOID", OdmOids.Registry);
            long subjects = 0;
            // Patients in pages of 256 by (site code, study id), so no reader stays open while each patient's records are read.
            var list = await Rows<Patient>().OrderBy(p => p.Site!.Code).ThenBy(p => p.StudyId).Take(256).ToListAsync(cancellationToken).ConfigureAwait(false);
            while (list.Count > 0)
            {
                foreach (var patient in list)
                {
                    await WriteSubjectAsync(patient, siteCodes[patient.SiteId], cancellationToken).ConfigureAwait(false);
                    subjects++;
                }

                var (site, studyId) = (siteCodes[list[^1].SiteId], list[^1].StudyId);
                db.ChangeTracker.Clear();
                list = await Rows<Patient>().Where(p => string.Compare(p.Site!.Code, site) > 0 || (p.Site!.Code == site && string.Compare(p.StudyId, studyId) > 0))
                    .OrderBy(p => p.Site!.Code).ThenBy(p => p.StudyId).Take(256).ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            xml.WriteEndElement();
            return subjects;
        }

        private void AuditRecord(TrackedRecord record, string site)
        {
            if (deidentify)
            {
                return;
            }

            xml.WriteStartElement("AuditRecord");
            Element("UserRef", ("UserOID", OdmOids.User(record.UpdatedBy ?? record.CreatedBy)));
            Element("LocationRef", ("LocationOID", OdmOids.Site(site)));
            xml.WriteElementString("DateTimeStamp", Text(record.UpdatedAt ?? record.CreatedAt));
            if (reasons.TryGetValue(record.Id, out var reason))
            {
                xml.WriteElementString("ReasonForChange", reason);
            }

            xml.WriteEndElement();
        }

        private void Item(string oid, string? value, string? unit = null)
        {
            if (value is null)
            {
                return;
            }

            xml.WriteStartElement("ItemData");
            Attribute("ItemOID", oid);
            Attribute("Value", value);
            if (unit is not null)
            {
                Element("MeasurementUnitRef", ("MeasurementUnitOID", OdmOids.Unit(unit)));
            }

            xml.WriteEndElement();
        }

        private string Date(Guid patientId, DateOnly date) => Text(deidentify ? (DateOnly)keys.Shift(patientId, date) : date);

        private string Instant(Guid patientId, DateTimeOffset instant) => Text(deidentify ? (DateTimeOffset)keys.Shift(patientId, instant) : instant);

        private async Task WriteSubjectAsync(Patient patient, string site, CancellationToken cancellationToken)
        {
            xml.WriteStartElement("SubjectData");
            Attribute("SubjectKey", deidentify ? keys.Patient(patient.Id) : patient.StudyId);
            AuditRecord(patient, site);
            Element("SiteRef", ("LocationOID", OdmOids.Site(site)));

            xml.WriteStartElement("StudyEventData");
            Attribute("StudyEventOID", OdmOids.Registration);
            xml.WriteStartElement("FormData");
            Attribute("FormOID", OdmOids.DemographicsForm);
            xml.WriteStartElement("ItemGroupData");
            Attribute("ItemGroupOID", OdmOids.DemographicsGroup);
            Item(OdmOids.Sex, SexCode(patient.Sex));
            Item(OdmOids.BirthYear, (patient.BirthDate?.Year ?? patient.BirthYear)?.ToString(CultureInfo.InvariantCulture));
            Item(OdmOids.BirthDate, deidentify || patient.BirthDate is not { } born ? null : Text(born));
            Item(OdmOids.ConsentVersion, patient.ConsentVersion);
            Item(OdmOids.ConsentDate, patient.ConsentDate is { } consent ? Date(patient.Id, consent) : null);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();

            var patientVisits = await db.Visits.AsNoTracking().Where(v => v.PatientId == patient.Id).OrderBy(v => v.VisitDate).ThenBy(v => v.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var patientAssessments = await db.Assessments.AsNoTracking().Where(a => a.PatientId == patient.Id).OrderBy(a => a.AssessmentDate).ThenBy(a => a.Instrument).ThenBy(a => a.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            // Ordered here (SQLite cannot order by an instant); the lab import's duplicate rule makes (specimen time, analyte) unique per patient.
            var patientLabs = (await db.LabResults.AsNoTracking().Where(l => l.PatientId == patient.Id)
                .Select(l => new { Lab = l, Laboratory = l.Laboratory != null ? l.Laboratory.Code : null }).ToListAsync(cancellationToken).ConfigureAwait(false))
                .OrderBy(l => l.Lab.SpecimenTime).ThenBy(l => l.Lab.Analyte, StringComparer.Ordinal).ToList();
            var records = await LoadRecordsAsync(patient.Id, cancellationToken).ConfigureAwait(false);
            var byVisit = patientAssessments.ToLookup(a => a.VisitId);
            var labsByVisit = patientLabs.ToLookup(l => l.Lab.VisitId);

            var repeat = new Dictionary<string, int>(StringComparer.Ordinal);
            visitKeys.Clear();
            infusionKeys.Clear();
            foreach (var visit in patientVisits)
            {
                var oid = OdmOids.Visit(visit.Type, visit.Kind == VisitKind.Scheduled);
                repeat[oid] = repeat.GetValueOrDefault(oid) + 1;
                visitKeys[visit.Id] = $"{oid}:{Number(repeat[oid])}";
                xml.WriteStartElement("StudyEventData");
                Attribute("StudyEventOID", oid);
                Attribute("StudyEventRepeatKey", Number(repeat[oid]));
                AuditRecord(visit, site);
                xml.WriteStartElement("FormData");
                Attribute("FormOID", OdmOids.VisitForm);
                xml.WriteStartElement("ItemGroupData");
                Attribute("ItemGroupOID", OdmOids.VisitGroup);
                Item(OdmOids.VisitDate, Date(patient.Id, visit.VisitDate));
                Item(OdmOids.VisitNotes, deidentify ? null : visit.Notes);
                xml.WriteEndElement();
                xml.WriteEndElement();
                WriteResults(patient.Id, site, byVisit[visit.Id], [.. labsByVisit[visit.Id].Select(l => (l.Lab, l.Laboratory))]);
                WriteMedications(patient.Id, site, records.Medications[visit.Id]);
                xml.WriteEndElement();
                visits++;
            }

            var loose = byVisit[null].ToList();
            var looseLabs = labsByVisit[null].Select(l => (l.Lab, l.Laboratory)).ToList();
            var (enrolled, given) = await LoadCellTherapyAsync(patient.Id, cancellationToken).ConfigureAwait(false);
            var followUp = await LoadFollowUpAsync(patient.Id, cancellationToken).ConfigureAwait(false);
            var schedules = await LoadSchedulesAsync(patient.Id, cancellationToken).ConfigureAwait(false);
            var patientQueries = await LoadQueriesAsync(patient.Id, cancellationToken).ConfigureAwait(false);
            adverseEventKeys = [];
            if (loose.Count > 0 || looseLabs.Count > 0 || records.Diagnoses.Count > 0 || records.Medications[null].Any() || records.AdverseEvents.Count > 0 || records.Death is not null
                || enrolled.Count > 0 || given.Count > 0 || followUp.Any || patientQueries.Count > 0)
            {
                xml.WriteStartElement("StudyEventData");
                Attribute("StudyEventOID", OdmOids.NoVisit);
                WriteResults(patient.Id, site, loose, looseLabs);
                WriteDiagnoses(patient.Id, site, records.Diagnoses);
                WriteMedications(patient.Id, site, records.Medications[null]);
                WriteAdverseEvents(patient.Id, site, records.AdverseEvents);
                WriteDeath(patient.Id, site, records.Death);
                WriteEnrolments(patient.Id, site, enrolled);
                WriteSchedules(patient.Id, site, enrolled, schedules);
                WriteInfusions(patient.Id, site, given);
                WriteContacts(patient.Id, site, followUp.Contacts);
                WriteLymphodepletions(patient.Id, site, followUp.Lymphodepletions);
                WriteDeviations(patient.Id, site, schedules.Deviations);
                WriteQueries(patient.Id, site, enrolled, patientQueries);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        private void WriteResults(Guid patientId, string site, IEnumerable<Assessment> scored, List<(LabResult Lab, string? Laboratory)> results)
        {
            var forms = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var assessment in scored)
            {
                var instrument = InstrumentCatalog.Find(assessment.Instrument);
                if (instrument is null)
                {
                    continue;
                }

                var form = OdmOids.Form(instrument);
                forms[form] = forms.GetValueOrDefault(form) + 1;
                xml.WriteStartElement("FormData");
                Attribute("FormOID", form);
                if (forms[form] > 1)
                {
                    Attribute("FormRepeatKey", Number(forms[form]));
                }

                xml.WriteStartElement("ItemGroupData");
                Attribute("ItemGroupOID", OdmOids.Group(instrument));
                AuditRecord(assessment, site);
                var defined = instrument.Items.Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
                using (var inputs = JsonDocument.Parse(assessment.InputsJson))
                {
                    foreach (var property in inputs.RootElement.EnumerateObject().Where(p => defined.Contains(p.Name)))
                    {
                        var oid = OdmOids.Item(instrument, property.Name);
                        if (property.Value.ValueKind == JsonValueKind.Null)
                        {
                            xml.WriteStartElement("ItemData");
                            Attribute("ItemOID", oid);
                            Attribute("IsNull", "Yes");
                            xml.WriteEndElement();
                            continue;
                        }

                        Item(oid, property.Value.ValueKind switch
                        {
                            JsonValueKind.True => "true",
                            JsonValueKind.False => "false",
                            JsonValueKind.Number => property.Value.GetDecimal().ToString(CultureInfo.InvariantCulture),
                            _ => property.Value.GetString(),
                        });
                    }
                }

                Item(OdmOids.Total(instrument), assessment.Total is { } total ? Text(total) : null);
                Item(OdmOids.Grade(instrument), assessment.Grade);
                Item(OdmOids.Algorithm(instrument), assessment.AlgorithmVersion);
                xml.WriteEndElement();
                xml.WriteEndElement();
                assessments++;
            }

            if (results.Count == 0)
            {
                return;
            }

            xml.WriteStartElement("FormData");
            Attribute("FormOID", OdmOids.LabForm);
            var key = 0;
            foreach (var (lab, laboratory) in results)
            {
                xml.WriteStartElement("ItemGroupData");
                Attribute("ItemGroupOID", OdmOids.LabGroup);
                Attribute("ItemGroupRepeatKey", Number(++key));
                AuditRecord(lab, site);
                Item(OdmOids.LabAnalyte, lab.Analyte);
                Item(OdmOids.LabSpecimenTime, Instant(patientId, lab.SpecimenTime));
                Item(OdmOids.LabValue, lab.ReportedValue);
                Item(OdmOids.LabUnit, lab.ReportedUnit);
                Item(OdmOids.LabRange, lab.ReportedRange);
                Item(OdmOids.LabLaboratory, laboratory);
                Item(OdmOids.LabFlag, FlagCode(lab.Flag));
                Item(OdmOids.LabNote, deidentify ? null : lab.Note);
                if (lab.NormalisedValue is { } normalised && AnalyteCatalog.Find(lab.Analyte) is { CanonicalUnit: { } unit } analyte)
                {
                    Item(OdmOids.LabNormalised(analyte.Key), Text(normalised), unit.Code);
                }

                xml.WriteEndElement();
                labs++;
            }

            xml.WriteEndElement();
        }
    }
}
