using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using Stroma.Data.Registry;
using Stroma.Data.Visits;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Interop.Odm;

/// <summary>What one ODM import did: counts, and every problem (an error means nothing was written).</summary>
public sealed record OdmImportResult(int Sites, int Subjects, int Visits, int Assessments, long LabResults, IReadOnlyList<Issue> Issues)
{
    public bool Refused => Issues.Any(i => i.IsError);

    public int Diagnoses { get; init; }

    public int Medications { get; init; }

    public int AdverseEvents { get; init; }

    public int Deaths { get; init; }

    /// <summary>Cell-product lots (from <c>ReferenceData</c>).</summary>
    public int Lots { get; init; }

    public int ReleaseTests { get; init; }

    public int LotDecisions { get; init; }

    public int CustodyEvents { get; init; }

    public int Enrolments { get; init; }

    public int Infusions { get; init; }

    /// <summary>Follow-up contacts (<c>F.CONTACT</c>).</summary>
    public int Contacts { get; init; }

    /// <summary>Lymphodepletion records, one per drug given (<c>F.LD</c>).</summary>
    public int Lymphodepletions { get; init; }
}

/// <summary>
/// <c>stroma import odm FILE.xml</c>: reads what <see cref="OdmExport"/> writes (CDISC ODM 1.3.2, Snapshot) into an empty
/// registry: the sites (<c>AdminData/Location</c>), the cell-product lots with their release tests, decisions and custody
/// (<c>ReferenceData</c>), the subjects with their registration, their visits, instrument answers and
/// lab results. Every record goes through the registry's own writers, as the CLI and the web app write them: sites and
/// patients through <see cref="Registration"/>, instruments through <see cref="VisitAssessments"/> (scored again by Stroma;
/// a total, grade or algorithm that differs from the file's is refused, <see cref="IssueCodes.OdmScoreMismatch"/>), lab
/// results through <see cref="LabImport"/> (its catalogue, units, duplicate rule and flags), visits with the web form's rules
/// and the protocol's save-time checks. One transaction: any error and nothing is written. Audit records in the file are
/// not replayed (the audit trail records the import itself: who imported, when). docs/interop.md says what is not read.
/// </summary>
public static partial class OdmImport
{
    private const int LabBatch = 10_000;

    public static async Task<OdmImportResult> RunAsync(StromaDbContext db, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (await db.Sites.AnyAsync(cancellationToken).ConfigureAwait(false) || await db.Patients.IgnoreQueryFilters().AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return Refused(Issue.Error(IssueCodes.OdmRegistryNotEmpty, "registry",
                "The registry already holds sites or patients; an ODM file is imported only into an empty registry (stroma db migrate on a new database)."));
        }

        var reader = new Reader(db, Path.GetFileName(path));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true, Async = true };
            using var xml = XmlReader.Create(path, settings);
            await reader.ReadAsync(xml, cancellationToken).ConfigureAwait(false);
        }
        catch (XmlException e)
        {
            reader.Issues.Add(Issue.Error(IssueCodes.OdmNotOdm, $"line {e.LineNumber}, column {e.LinePosition}",
                $"{Path.GetFileName(path)} is not well-formed XML at line {e.LineNumber}, column {e.LinePosition}: {e.Message}"));
        }

        if (reader.Issues.Any(i => i.IsError))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
            return new OdmImportResult(0, 0, 0, 0, 0, reader.Issues);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new OdmImportResult(reader.Sites, reader.Subjects, reader.Visits, reader.Assessments, reader.Labs, reader.Issues)
        {
            Diagnoses = reader.Diagnoses,
            Medications = reader.Medications,
            AdverseEvents = reader.AdverseEvents,
            Deaths = reader.Deaths,
            Lots = reader.Lots,
            ReleaseTests = reader.ReleaseTests,
            LotDecisions = reader.LotDecisions,
            CustodyEvents = reader.CustodyEvents,
            Enrolments = reader.Enrolments,
            Infusions = reader.Infusions,
            Contacts = reader.Contacts,
            Lymphodepletions = reader.Lymphodepletions,
        };
    }

    private static OdmImportResult Refused(Issue issue) => new(0, 0, 0, 0, 0, [issue]);

    private sealed partial class Reader(StromaDbContext db, string file)
    {
        private static readonly XNamespace Odm = OdmOids.Namespace;

        /// <summary>Study events the file defines: OID to (name, type).</summary>
        private readonly Dictionary<string, (string Name, string Type)> events = new(StringComparer.Ordinal);
        private readonly HashSet<string> items = new(StringComparer.Ordinal);
        private readonly List<LabImportRow> labRows = [];
        private readonly List<string> labPaths = [];

        public List<Issue> Issues { get; } = [];

        public int Sites { get; private set; }

        public int Subjects { get; private set; }

        public int Visits { get; private set; }

        public int Assessments { get; private set; }

        public long Labs { get; private set; }

        private void Error(string code, string path, string message) => Issues.Add(Issue.Error(code, path, $"{file}: {path}: {message}"));

        public async Task ReadAsync(XmlReader xml, CancellationToken cancellationToken)
        {
            await xml.MoveToContentAsync().ConfigureAwait(false);
            if (xml.LocalName != "ODM" || xml.NamespaceURI != OdmOids.Namespace)
            {
                Error(IssueCodes.OdmNotOdm, xml.LocalName, $"the root element is {{{xml.NamespaceURI}}}{xml.LocalName}; expected ODM in {OdmOids.Namespace}.");
                return;
            }

            if (xml.GetAttribute("ODMVersion") is var version && version != "1.3.2")
            {
                Error(IssueCodes.OdmNotOdm, "ODM/@ODMVersion", $"ODMVersion is \"{version}\"; Stroma reads ODM 1.3.2.");
            }

            if (xml.GetAttribute("FileType") is var type && type != "Snapshot")
            {
                Error(IssueCodes.OdmNotOdm, "ODM/@FileType", $"FileType is \"{type}\"; Stroma reads Snapshot files (the current state of each record).");
            }

            if (Issues.Count > 0)
            {
                return;
            }

            await xml.ReadAsync().ConfigureAwait(false);
            while (!xml.EOF && Issues.Count(i => i.IsError) < 100)
            {
                if (xml.NodeType != XmlNodeType.Element || xml.Depth != 1)
                {
                    await xml.ReadAsync().ConfigureAwait(false);
                    continue;
                }

                switch (xml.LocalName)
                {
                    case "Study":
                        ReadStudy((XElement)await XNode.ReadFromAsync(xml, cancellationToken).ConfigureAwait(false));
                        break;
                    case "AdminData":
                        await ReadAdminDataAsync((XElement)await XNode.ReadFromAsync(xml, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                        break;
                    case "ReferenceData":
                        var reference = (XElement)await XNode.ReadFromAsync(xml, cancellationToken).ConfigureAwait(false);
                        if (!Issues.Any(i => i.IsError))
                        {
                            await ReadReferenceDataAsync(reference, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case "ClinicalData":
                        await xml.ReadAsync().ConfigureAwait(false);
                        while (xml.NodeType == XmlNodeType.Element && xml.Depth == 2)
                        {
                            var element = (XElement)await XNode.ReadFromAsync(xml, cancellationToken).ConfigureAwait(false);
                            if (element.Name == Odm + "SubjectData" && !Issues.Any(i => i.IsError))
                            {
                                await ReadSubjectAsync(element, cancellationToken).ConfigureAwait(false);
                                db.ChangeTracker.Clear();
                            }
                        }

                        break;
                    default:
                        await xml.SkipAsync().ConfigureAwait(false);
                        break;
                }
            }

            if (!Issues.Any(i => i.IsError))
            {
                await AddCustodyAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!Issues.Any(i => i.IsError))
            {
                await FlushLabsAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private void ReadStudy(XElement study)
        {
            foreach (var e in study.Descendants(Odm + "StudyEventDef"))
            {
                events[(string?)e.Attribute("OID") ?? ""] = ((string?)e.Attribute("Name") ?? "", (string?)e.Attribute("Type") ?? "");
            }

            items.UnionWith(study.Descendants(Odm + "ItemDef").Select(e => (string?)e.Attribute("OID") ?? ""));
        }

        private async Task ReadAdminDataAsync(XElement admin, CancellationToken cancellationToken)
        {
            foreach (var location in admin.Elements(Odm + "Location"))
            {
                var oid = (string?)location.Attribute("OID") ?? "";
                var where = $"AdminData/Location[@OID='{oid}']";
                if (!oid.StartsWith("LOC.", StringComparison.Ordinal))
                {
                    Error(IssueCodes.OdmUnknownOid, where, $"a location OID of Stroma's export is LOC.<site code>; got \"{oid}\".");
                    continue;
                }

                var result = await Registration.AddSiteAsync(db, new SiteRequest(oid[4..], (string?)location.Attribute("Name") ?? "", null), cancellationToken).ConfigureAwait(false);
                Add(result.Issues, where);
                Sites += result.Issues.Any(i => i.IsError) ? 0 : 1;
            }
        }

        /// <summary>The registry's own issues, placed in the file.</summary>
        private void Add(IEnumerable<Issue> found, string where)
        {
            foreach (var issue in found.Where(i => i.IsError))
            {
                Issues.Add(issue with { Path = $"{where}/{issue.Path}", Message = $"{file}: {where}: {issue.Message}" });
            }
        }

        /// <summary>Each ItemData of a group: OID to (value, or null when IsNull).</summary>
        private Dictionary<string, string?> Values(XElement group, string where)
        {
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var item in group.Elements(Odm + "ItemData"))
            {
                var oid = (string?)item.Attribute("ItemOID") ?? "";
                if (!items.Contains(oid))
                {
                    Error(IssueCodes.OdmUnknownOid, $"{where}/ItemData[@ItemOID='{oid}']", "the file's metadata defines no ItemDef with this OID.");
                    continue;
                }

                values[oid] = (string?)item.Attribute("IsNull") == "Yes" ? null : (string?)item.Attribute("Value") ?? "";
            }

            return values;
        }

        private static IEnumerable<XElement> Groups(XElement studyEvent, string form, string group) =>
            studyEvent.Elements(Odm + "FormData").Where(f => (string?)f.Attribute("FormOID") == form).Elements(Odm + "ItemGroupData")
                .Where(g => (string?)g.Attribute("ItemGroupOID") == group);

        private DateOnly? Date(Dictionary<string, string?> values, string oid, string where, bool required = false)
        {
            if (values.GetValueOrDefault(oid) is not { Length: > 0 } text)
            {
                if (required)
                {
                    Error(IssueCodes.OdmMissing, $"{where}/ItemData[@ItemOID='{oid}']", "this date is required.");
                }

                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            Error(IssueCodes.OdmBadValue, $"{where}/ItemData[@ItemOID='{oid}']", $"\"{text}\" is not an ODM date (yyyy-mm-dd).");
            return null;
        }

        private async Task ReadSubjectAsync(XElement subject, CancellationToken cancellationToken)
        {
            var key = (string?)subject.Attribute("SubjectKey") ?? "";
            var where = $"ClinicalData/SubjectData[@SubjectKey='{key}']";
            var siteOid = (string?)subject.Element(Odm + "SiteRef")?.Attribute("LocationOID");
            if (siteOid is null || !siteOid.StartsWith("LOC.", StringComparison.Ordinal))
            {
                Error(IssueCodes.OdmMissing, $"{where}/SiteRef", $"each subject needs a SiteRef to a location LOC.<site code>; got {(siteOid is null ? "none" : $"\"{siteOid}\"")}.");
                return;
            }

            var site = siteOid[4..];
            var registration = subject.Elements(Odm + "StudyEventData").Where(e => (string?)e.Attribute("StudyEventOID") == OdmOids.Registration)
                .SelectMany(e => Groups(e, OdmOids.DemographicsForm, OdmOids.DemographicsGroup)).FirstOrDefault();
            if (registration is null)
            {
                Error(IssueCodes.OdmMissing, where, $"the subject has no registration ({OdmOids.Registration}, form {OdmOids.DemographicsForm}).");
                return;
            }

            var dmWhere = $"{where}/StudyEventData[@StudyEventOID='{OdmOids.Registration}']";
            var dm = Values(registration, dmWhere);
            Sex? sex = dm.GetValueOrDefault(OdmOids.Sex) switch
            {
                "female" => Sex.Female,
                "male" => Sex.Male,
                "unknown" => Sex.Unknown,
                null => null,
                var other => BadCode(other),
            };
            Sex? BadCode(string value)
            {
                Error(IssueCodes.OdmBadValue, $"{dmWhere}/ItemData[@ItemOID='{OdmOids.Sex}']", $"\"{value}\" is not a code of {OdmOids.SexCodes} (female, male, unknown).");
                return null;
            }

            int? birthYear = null;
            if (dm.GetValueOrDefault(OdmOids.BirthYear) is { } yearText)
            {
                if (int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
                {
                    birthYear = year;
                }
                else
                {
                    Error(IssueCodes.OdmBadValue, $"{dmWhere}/ItemData[@ItemOID='{OdmOids.BirthYear}']", $"\"{yearText}\" is not a year (integer).");
                }
            }

            var birthDate = Date(dm, OdmOids.BirthDate, dmWhere);
            var consentDate = Date(dm, OdmOids.ConsentDate, dmWhere);
            if (Issues.Any(i => i.IsError))
            {
                return;
            }

            var registered = await Registration.RegisterPatientAsync(db,
                new PatientRequest(site, key, sex, birthDate is null ? birthYear : null, birthDate, dm.GetValueOrDefault(OdmOids.ConsentVersion), consentDate), cancellationToken).ConfigureAwait(false);
            Add(registered.Issues, where);
            if (registered.Value is not { } patient)
            {
                return;
            }

            Subjects++;
            Registered(patient);
            adverseEventIds.Clear();
            foreach (var studyEvent in subject.Elements(Odm + "StudyEventData"))
            {
                var oid = (string?)studyEvent.Attribute("StudyEventOID") ?? "";
                var eventWhere = $"{where}/StudyEventData[@StudyEventOID='{oid}'][@StudyEventRepeatKey='{(string?)studyEvent.Attribute("StudyEventRepeatKey")}']";
                if (oid == OdmOids.Registration)
                {
                    continue;
                }

                Guid? visitId = null;
                DateOnly? visitDate = null;
                if (oid != OdmOids.NoVisit)
                {
                    if (!events.TryGetValue(oid, out var definition) || definition.Type is not ("Scheduled" or "Unscheduled"))
                    {
                        Error(IssueCodes.OdmUnknownOid, eventWhere, "the file's metadata defines no visit (a Scheduled or Unscheduled StudyEventDef) with this OID.");
                        continue;
                    }

                    var group = Groups(studyEvent, OdmOids.VisitForm, OdmOids.VisitGroup).FirstOrDefault();
                    var values = group is null ? [] : Values(group, eventWhere);
                    visitDate = Date(values, OdmOids.VisitDate, eventWhere, required: true);
                    if (visitDate is not { } date)
                    {
                        continue;
                    }

                    visitId = await AddVisitAsync(patient, date, definition, values.GetValueOrDefault(OdmOids.VisitNotes), eventWhere, cancellationToken).ConfigureAwait(false);
                    if (visitId is null)
                    {
                        continue;
                    }
                }

                foreach (var form in studyEvent.Elements(Odm + "FormData"))
                {
                    var formOid = (string?)form.Attribute("FormOID") ?? "";
                    var formWhere = $"{eventWhere}/FormData[@FormOID='{formOid}']";
                    if (formOid is OdmOids.VisitForm)
                    {
                        continue;
                    }

                    if (formOid is OdmOids.LabForm)
                    {
                        ReadLabs(form, site, key, visitDate, formWhere);
                        continue;
                    }

                    if (await ReadRecordFormAsync(form, formOid, patient, visitId, formWhere, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }

                    var instrument = InstrumentCatalog.All.FirstOrDefault(i => OdmOids.Form(i) == formOid);
                    if (instrument is null)
                    {
                        Error(IssueCodes.OdmUnknownOid, formWhere, "Stroma's mapping reads no form with this OID.");
                        continue;
                    }

                    if (visitId is not { } at)
                    {
                        Error(IssueCodes.OdmNoVisit, formWhere, $"{instrument.Name} answers outside a visit: the registry records instruments only at a visit.");
                        continue;
                    }

                    foreach (var group in form.Elements(Odm + "ItemGroupData"))
                    {
                        await AddAssessmentAsync(instrument, at, Values(group, formWhere), formWhere, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        private async Task<Guid?> AddVisitAsync(Patient patient, DateOnly date, (string Name, string Type) definition, string? notes, string where, CancellationToken cancellationToken)
        {
            // The web visit form's rules (Features/Visits/New): a type of 1 to 64 characters, a date from 1900, not in the
            // future, not before consent; then the protocol's save-time checks.
            var today = LateEntry.Today(db);
            var type = definition.Name.Trim();
            if (type.Length is 0 or > 64)
            {
                Error(IssueCodes.OdmBadValue, where, $"the visit type (StudyEventDef Name) \"{type}\" must be 1 to 64 characters.");
            }

            if (date.Year < 1900 || date > today || (patient.ConsentDate is { } consent && date < consent))
            {
                Error(IssueCodes.OdmBadValue, $"{where}/ItemData[@ItemOID='{OdmOids.VisitDate}']",
                    $"visit date {OdmExport.Text(date)} must be from 1900, not after today ({OdmExport.Text(today)}) and not before consent ({(patient.ConsentDate is { } c ? OdmExport.Text(c) : "none")}).");
            }

            if (Issues.Any(i => i.IsError))
            {
                return null;
            }

            var visit = new Visit
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                VisitDate = date,
                Kind = definition.Type == "Scheduled" ? VisitKind.Scheduled : VisitKind.Unscheduled,
                Type = type,
                Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
            };
            db.Visits.Add(visit);
            var findings = await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false);
            Add(findings, where);
            if (findings.Any(i => i.IsError))
            {
                return null;
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            Visits++;
            return visit.Id;
        }

        private async Task AddAssessmentAsync(IInstrument instrument, Guid visitId, Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var answers = new Dictionary<string, ItemValue>(StringComparer.Ordinal);
            foreach (var item in instrument.Items)
            {
                var oid = OdmOids.Item(instrument, item.Key);
                if (!values.TryGetValue(oid, out var text))
                {
                    continue;
                }

                if (text is null)
                {
                    answers[item.Key] = ItemValue.Null;
                }
                else if (item.Kind == ItemKind.Boolean && text is "true" or "false" or "1" or "0")
                {
                    answers[item.Key] = ItemValue.Of(text is "true" or "1");
                }
                else if (item.Kind is ItemKind.Number or ItemKind.WholeNumber && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                {
                    answers[item.Key] = ItemValue.Of(number);
                }
                else if (item.Kind is ItemKind.Choice or ItemKind.Text)
                {
                    answers[item.Key] = ItemValue.Of(text);
                }
                else
                {
                    Error(IssueCodes.OdmBadValue, $"{where}/ItemData[@ItemOID='{oid}']", $"\"{text}\" is not a {OdmExport.DataType(item.Kind)} value.");
                }
            }

            var known = instrument.Items.Select(i => OdmOids.Item(instrument, i.Key)).Concat([OdmOids.Total(instrument), OdmOids.Grade(instrument), OdmOids.Algorithm(instrument)]).ToHashSet(StringComparer.Ordinal);
            foreach (var oid in values.Keys.Where(k => !known.Contains(k)))
            {
                Error(IssueCodes.OdmUnknownOid, $"{where}/ItemData[@ItemOID='{oid}']", $"not an item of {instrument.Name} in Stroma's mapping.");
            }

            if (Issues.Any(i => i.IsError))
            {
                return;
            }

            var outcome = await VisitAssessments.RecordAsync(db, new AssessmentRequest(visitId, instrument.Key, answers), cancellationToken).ConfigureAwait(false);
            Add(outcome.Issues, where);
            if (outcome.Saved is not { } saved)
            {
                return;
            }

            string? total = saved.Total is { } t ? OdmExport.Text(t) : null;
            foreach (var (oid, mine, label) in new[] { (OdmOids.Total(instrument), total, "total"), (OdmOids.Grade(instrument), saved.Grade, "grade"), (OdmOids.Algorithm(instrument), saved.AlgorithmVersion, "algorithm") })
            {
                var theirs = values.GetValueOrDefault(oid);
                if (theirs != mine && !(theirs is not null && mine is not null && decimal.TryParse(theirs, NumberStyles.Number, CultureInfo.InvariantCulture, out var a)
                    && decimal.TryParse(mine, NumberStyles.Number, CultureInfo.InvariantCulture, out var b) && a == b))
                {
                    Error(IssueCodes.OdmScoreMismatch, $"{where}/ItemData[@ItemOID='{oid}']",
                        $"the file's {instrument.Name} {label} is {(theirs is null ? "absent" : $"\"{theirs}\"")}; Stroma computes {(mine is null ? "none" : $"\"{mine}\"")} from the file's answers.");
                }
            }

            Assessments++;
        }

        private void ReadLabs(XElement form, string site, string subject, DateOnly? visitDate, string where)
        {
            foreach (var group in form.Elements(Odm + "ItemGroupData"))
            {
                var groupWhere = $"{where}/ItemGroupData[@ItemGroupRepeatKey='{(string?)group.Attribute("ItemGroupRepeatKey")}']";
                var values = Values(group, groupWhere);
                string? Required(string oid)
                {
                    if (values.GetValueOrDefault(oid) is { Length: > 0 } v)
                    {
                        return v;
                    }

                    Error(IssueCodes.OdmMissing, $"{groupWhere}/ItemData[@ItemOID='{oid}']", "a lab result needs its analyte, reported value and specimen time.");
                    return null;
                }

                var analyte = Required(OdmOids.LabAnalyte);
                var value = Required(OdmOids.LabValue);
                var time = Required(OdmOids.LabSpecimenTime);
                if (analyte is null || value is null || time is null)
                {
                    continue;
                }

                labRows.Add(new LabImportRow(site, subject, visitDate is { } d ? OdmExport.Text(d) : null, analyte, value, values.GetValueOrDefault(OdmOids.LabUnit),
                    values.GetValueOrDefault(OdmOids.LabRange), values.GetValueOrDefault(OdmOids.LabLaboratory), time)
                { Note = values.GetValueOrDefault(OdmOids.LabNote) });
                labPaths.Add(groupWhere);
            }
        }

        /// <summary>The gathered lab rows through the lab import (inside this import's transaction; any reject refuses the file).</summary>
        private async Task FlushLabsAsync(CancellationToken cancellationToken)
        {
            for (var start = 0; start < labRows.Count; start += LabBatch)
            {
                var rows = labRows.GetRange(start, Math.Min(LabBatch, labRows.Count - start));
                var rejects = new List<LabImportReject>();
                var result = await LabImport.RunRowsAsync(db, rows, $"odm {file}", CatalogLabNormaliser.Default, new LabImportOptions { Partial = false, Rejects = rejects }, cancellationToken)
                    .ConfigureAwait(false);
                foreach (var issue in result.FileIssues)
                {
                    Error(issue.Code, "labs", issue.Message);
                }

                foreach (var reject in rejects)
                {
                    // The reject's line is the row's 1-based position plus one (the header of a CSV of these rows).
                    var index = start + (int)reject.Line - 2;
                    var at = index >= 0 && index < labPaths.Count ? labPaths[index] : "labs";
                    Error(reject.Issue.Code, $"{at}/{reject.Field}", $"\"{reject.Value}\": {reject.Issue.Message}");
                }

                if (result.Duplicates > 0)
                {
                    Error(IssueCodes.OdmBadValue, "labs", $"{result.Duplicates} lab result(s) repeat another of the file (same patient, analyte and specimen time).");
                }

                if (rejects.Count > 0 || result.FileIssues.Count > 0 || result.Duplicates > 0)
                {
                    return;
                }

                Labs += result.Inserted;
                db.ChangeTracker.Clear();
            }
        }
    }
}
