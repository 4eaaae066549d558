using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Scoring;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Export;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using AdverseEvent = Stroma.Data.Model.AdverseEvent;

namespace Stroma.Interop.Sdtm;

/// <summary>
/// <c>stroma export --format sdtm OUTDIR</c>: the SDTM domains DM, AE, EX, LB, QS, DS and VS as CSV files (<c>dm.csv</c>,
/// ...; UTF-8, RFC 4180, CRLF; the columns of <see cref="SdtmDatasets"/> in SDTMIG 3.3 order) and <c>define.xml</c>
/// (<see cref="DefineXml"/>) describing them. It narrows to sites and de-identifies exactly as <see cref="CsvExport"/>
/// does (the same scope and pseudonyms: <see cref="CsvExportOptions"/>): de-identified, SUBJID is the per-export patient
/// key, every date moves by the patient's offset (study days are unchanged) and EXLOT is the lot's per-export keyed hash
/// (an autologous lot's label may carry the patient's study id). The clinical tables stream row by row;
/// what is held is per patient (the key map and each subject's reference dates and protocol), as in the other exports.
/// Records come grouped by subject (--SEQ counts within a subject), in the order they were recorded (SQLite cannot order
/// by an instant); a reader sorts by --DTC. Audited as <c>sdtm-export</c>.
/// </summary>
public static class SdtmExport
{
    /// <summary>The STUDYID written when none is given.</summary>
    public const string DefaultStudyId = "STROMA";

    /// <summary>
    /// The study day of <paramref name="date"/> (SDTMIG 3.3 4.4.4): day 1 is the reference start date (RFSTDTC); a date on
    /// or after it is <c>(date − RFSTDTC) + 1</c>, a date before it <c>date − RFSTDTC</c>, so the day before day 1 is day -1
    /// and there is no day 0. Null when the subject has no reference start date.
    /// </summary>
    public static int? StudyDay(DateOnly date, DateOnly? reference) =>
        reference is not { } start ? null : date.DayNumber >= start.DayNumber ? date.DayNumber - start.DayNumber + 1 : date.DayNumber - start.DayNumber;

    /// <summary>A STUDYID the export accepts: 1 to 20 ASCII letters, digits, <c>-</c> or <c>_</c> (it is part of USUBJID and of define.xml's OIDs).</summary>
    public static bool IsStudyId(string? value) =>
        value is { Length: >= 1 and <= 20 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static async Task<IReadOnlyDictionary<string, long>> WriteAsync(DataConfiguration configuration, string directory, CsvExportOptions options,
        string studyId = DefaultStudyId, IProgress<string>? progress = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        if (!IsStudyId(studyId))
        {
            throw new ArgumentException($"'{studyId}' is not a study identifier (1 to 20 letters, digits, '-' or '_').", nameof(studyId));
        }

        Directory.CreateDirectory(directory);
        await using var db = options.ReadFrom is { } replica ? StromaDatabase.CreateReadOnlyContext(replica) : StromaDatabase.CreateStreamingContext(configuration);
        var (siteIds, keys, patients) = await CsvExport.ResolveScopeAsync(db, options, cancellationToken).ConfigureAwait(false);
        var subjects = await SubjectIndex.BuildAsync(db, siteIds, patients, cancellationToken).ConfigureAwait(false);
        var writer = new RowContext(studyId, keys, subjects);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);

        IQueryable<T> Rows<T>()
            where T : TrackedRecord =>
            CsvExport.OfSites<T>(db, db.Model.FindEntityType(typeof(T))!, siteIds);

        await using (var dm = DomainFile.Open(directory, SdtmDatasets.Demographics, counts, progress))
        {
            foreach (var subject in subjects.InOrder)
            {
                await dm.WriteAsync(writer.Demographics(subject)).ConfigureAwait(false);
            }
        }

        await using (var ae = DomainFile.Open(directory, SdtmDatasets.AdverseEvents, counts, progress))
        {
            var rows = Rows<AdverseEvent>().OrderBy(a => a.PatientId).ThenBy(a => a.OnsetDate).ThenBy(a => a.Id);
            await foreach (var a in rows.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await ae.WriteAsync(writer.AdverseEvent(a, ae.Next(a.PatientId))).ConfigureAwait(false);
            }
        }

        await using (var ex = DomainFile.Open(directory, SdtmDatasets.Exposure, counts, progress))
        {
            var rows = from i in Rows<Infusion>()
                       join l in db.CellLots.IgnoreQueryFilters().AsNoTracking() on i.LotId equals l.Id
                       orderby i.PatientId, i.InfusionDate, i.Id
                       select new ExposureRow(i.PatientId, i.EnrolmentId, i.ComponentKey, l.Id, l.LotNumber, l.ProductType, i.DoseCells, i.InfusionDate, i.Start, i.Stop);
            await foreach (var i in rows.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await ex.WriteAsync(writer.Exposure(i, ex.Next(i.PatientId))).ConfigureAwait(false);
            }
        }

        await using (var lb = DomainFile.Open(directory, SdtmDatasets.Laboratory, counts, progress))
        {
            var rows = from l in Rows<LabResult>()
                       join v in db.Visits.AsNoTracking() on l.VisitId equals v.Id into visits
                       from v in visits.DefaultIfEmpty()
                       orderby l.PatientId, l.Id
                       select new LabRow(l.PatientId, l.Analyte, l.SpecimenTime, l.ReportedValue, l.ReportedUnit, l.ReportedRange, l.NormalisedValue, l.NormalisedUnit, l.Flag,
                           v == null ? null : v.Type);
            await foreach (var l in rows.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await lb.WriteAsync(writer.Lab(l, lb.Next(l.PatientId))).ConfigureAwait(false);
            }
        }

        await using (var qs = DomainFile.Open(directory, SdtmDatasets.Questionnaires, counts, progress))
        {
            var rows = from a in Rows<Assessment>()
                       join v in db.Visits.AsNoTracking() on a.VisitId equals v.Id into visits
                       from v in visits.DefaultIfEmpty()
                       orderby a.PatientId, a.AssessmentDate, a.Id
                       select new AssessmentRow(a.PatientId, a.Instrument, a.AssessmentDate, a.InputsJson, a.Total, a.Grade, v == null ? null : v.Type);
            await foreach (var a in rows.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                foreach (var row in writer.Questionnaire(a, () => qs.Next(a.PatientId)))
                {
                    await qs.WriteAsync(row).ConfigureAwait(false);
                }
            }
        }

        await using (var ds = DomainFile.Open(directory, SdtmDatasets.Disposition, counts, progress))
        {
            foreach (var subject in subjects.InOrder)
            {
                foreach (var row in writer.Disposition(subject, () => ds.Next(subject.Id)))
                {
                    await ds.WriteAsync(row).ConfigureAwait(false);
                }
            }
        }

        await using (var vs = DomainFile.Open(directory, SdtmDatasets.VitalSigns, counts, progress))
        {
            var rows = from s in Rows<InfusionVitalSigns>()
                       join i in db.Infusions.AsNoTracking() on s.InfusionId equals i.Id
                       orderby i.PatientId, s.Id
                       select new { i.PatientId, Signs = s };
            await foreach (var s in rows.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                foreach (var row in writer.VitalSigns(s.PatientId, s.Signs, () => vs.Next(s.PatientId)))
                {
                    await vs.WriteAsync(row).ConfigureAwait(false);
                }
            }
        }

        await DefineXml.WriteAsync(Path.Combine(directory, DefineXml.FileName), studyId, (time ?? TimeProvider.System).GetUtcNow(), writer.UsedTerms, cancellationToken).ConfigureAwait(false);

        // Every export is on the audit trail: who, when, which sites, identifiable or not, how many records.
        await using var audit = StromaDatabase.CreateContext(configuration, options.ExportedBy ?? "system");
        await AuditTrail.AppendAccessAsync(audit, "export", "sdtm-export", new Dictionary<string, object?>
        {
            ["sites"] = options.Sites.Count > 0 ? options.Sites : "all",
            ["deidentified"] = options.Deidentify,
            ["study"] = studyId,
            ["records"] = counts.Values.Sum(),
        }, cancellationToken).ConfigureAwait(false);
        return counts;
    }

    internal sealed record ExposureRow(Guid PatientId, Guid EnrolmentId, string ComponentKey, Guid LotId, string LotNumber, CellProductType Product, decimal DoseCells,
        DateOnly InfusionDate, DateTimeOffset Start, DateTimeOffset? Stop);

    internal sealed record LabRow(Guid PatientId, string Analyte, DateTimeOffset SpecimenTime, string ReportedValue, string? ReportedUnit, string? ReportedRange,
        decimal? NormalisedValue, string? NormalisedUnit, Stroma.Clinical.Labs.LabFlag Flag, string? Visit);

    internal sealed record AssessmentRow(Guid PatientId, string Instrument, DateOnly Date, string InputsJson, decimal? Total, string? Grade, string? Visit);

    /// <summary>One domain's CSV file: the header from <see cref="SdtmDataset"/>, then each row (exactly one field per variable).</summary>
    private sealed class DomainFile : IAsyncDisposable
    {
        private readonly SafeCsvWriter csv;
        private readonly SdtmDataset dataset;
        private readonly Dictionary<string, long> counts;
        private readonly IProgress<string>? progress;
        private long count;
        private Guid subject;
        private int sequence;

        private DomainFile(SafeCsvWriter csv, SdtmDataset dataset, Dictionary<string, long> counts, IProgress<string>? progress)
        {
            this.csv = csv;
            this.dataset = dataset;
            this.counts = counts;
            this.progress = progress;
        }

        public static DomainFile Open(string directory, SdtmDataset dataset, Dictionary<string, long> counts, IProgress<string>? progress)
        {
            var writer = new StreamWriter(Path.Combine(directory, dataset.FileName), false, new System.Text.UTF8Encoding(false), 1 << 16);
            var csv = new SafeCsvWriter(writer, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" });
            foreach (var name in dataset.Names)
            {
                csv.WriteField(name);
            }

            csv.NextRecord();
            return new DomainFile(csv, dataset, counts, progress);
        }

        /// <summary>The next --SEQ of <paramref name="patientId"/>: rows come grouped by subject, so it restarts at 1 with each new subject.</summary>
        public int Next(Guid patientId)
        {
            if (patientId != subject)
            {
                subject = patientId;
                sequence = 0;
            }

            return ++sequence;
        }

        public async Task WriteAsync(string?[] row)
        {
            if (row.Length != dataset.Variables.Count)
            {
                throw new InvalidOperationException($"{dataset.Domain}: {row.Length} values for {dataset.Variables.Count} variables.");
            }

            foreach (var value in row)
            {
                csv.WriteField(value ?? "");
            }

            await csv.NextRecordAsync().ConfigureAwait(false);
            if (++count % 100_000 == 0)
            {
                progress?.Report($"{dataset.Domain}: {count} records");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await csv.DisposeAsync().ConfigureAwait(false);
            counts[dataset.FileName] = count;
            progress?.Report($"{dataset.Domain}: done, {count} records");
        }
    }

    /// <summary>One subject: the keys, reference dates and protocol every domain reads (dates as stored; shifted when written).</summary>
    internal sealed class Subject
    {
        public Guid Id { get; init; }

        public string SiteCode { get; init; } = "";

        public string SubjectId { get; init; } = "";

        public string? Country { get; init; }

        public Stroma.Clinical.Labs.Sex Sex { get; init; }

        public DateOnly? BirthDate { get; init; }

        public int? BirthYear { get; init; }

        public DateOnly? ConsentDate { get; init; }

        public DateOnly? WithdrawalDate { get; init; }

        public string? WithdrawalReason { get; init; }

        public List<ProtocolEnrolment> Enrolments { get; } = [];

        public DateTimeOffset? FirstTreatment { get; set; }

        public DateTimeOffset? LastTreatment { get; set; }

        public DateOnly? FirstTreatmentDate { get; set; }

        public DateOnly? LastTreatmentDate { get; set; }

        public DateOnly? DeathDate { get; set; }

        public DateOnly? LastContact { get; set; }

        /// <summary>
        /// RFSTDTC: the date of the first administration of the cell product; a subject enrolled but never treated, the first
        /// enrolment's day 0 (the protocol's start date); a subject never enrolled has none (and so no study days).
        /// </summary>
        public DateOnly? ReferenceStart => FirstTreatmentDate ?? Enrolments.FirstOrDefault()?.StartDate;

        public void Saw(DateOnly date)
        {
            if (LastContact is not { } last || date > last)
            {
                LastContact = date;
            }
        }
    }

    /// <summary>The exported subjects by id and in the order DM lists them (by site, then subject id).</summary>
    internal sealed class SubjectIndex
    {
        public Dictionary<Guid, Subject> ById { get; } = [];

        public IEnumerable<Subject> InOrder => ById.Values.OrderBy(s => s.SiteCode, StringComparer.Ordinal).ThenBy(s => s.SubjectId, StringComparer.Ordinal);

        public Dictionary<(string Key, string Version), Protocol?> Protocols { get; } = [];

        public Dictionary<string, string> ProtocolNames { get; } = new(StringComparer.Ordinal);

        public Dictionary<Guid, (string Key, string Version)> EnrolmentProtocols { get; } = [];

        public static async Task<SubjectIndex> BuildAsync(StromaDbContext db, Guid[]? siteIds, Dictionary<Guid, (string Site, string StudyId)> patients,
            CancellationToken cancellationToken)
        {
            var index = new SubjectIndex();
            var countries = await db.Sites.AsNoTracking().Select(s => new { s.Id, s.Country }).ToDictionaryAsync(s => s.Id, s => s.Country, cancellationToken).ConfigureAwait(false);
            IQueryable<T> Rows<T>()
                where T : TrackedRecord =>
                CsvExport.OfSites<T>(db, db.Model.FindEntityType(typeof(T))!, siteIds);

            await foreach (var p in Rows<Patient>().AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var (site, subjectId) = patients[p.Id];
                index.ById[p.Id] = new Subject
                {
                    Id = p.Id,
                    SiteCode = site,
                    SubjectId = subjectId,
                    Country = countries.GetValueOrDefault(p.SiteId),
                    Sex = p.Sex,
                    BirthDate = p.BirthDate,
                    BirthYear = p.BirthYear ?? p.BirthDate?.Year,
                    ConsentDate = p.ConsentDate,
                    WithdrawalDate = p.WithdrawalDate,
                    WithdrawalReason = p.WithdrawalReason,
                };
                if (p.WithdrawalDate is { } withdrawn)
                {
                    index.ById[p.Id].Saw(withdrawn);
                }
            }

            await foreach (var e in Rows<ProtocolEnrolment>().OrderBy(e => e.StartDate).ThenBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (index.ById.TryGetValue(e.PatientId, out var subject))
                {
                    subject.Enrolments.Add(e);
                    index.EnrolmentProtocols[e.Id] = (e.ProtocolKey, e.ProtocolVersion);
                    index.Protocols[(e.ProtocolKey, e.ProtocolVersion)] = null;
                }
            }

            foreach (var (key, version) in index.Protocols.Keys.ToList())
            {
                index.Protocols[(key, version)] = await ProtocolVersions.ForEnrolmentAsync(db, key, version, cancellationToken).ConfigureAwait(false);
            }

            foreach (var template in ProtocolTemplates.All)
            {
                index.ProtocolNames[template.Key] = template.Name;
            }

            await foreach (var p in db.Protocols.AsNoTracking().Select(p => new { p.Key, p.Name }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                index.ProtocolNames[p.Key] = p.Name;
            }

            await foreach (var i in Rows<Infusion>().Select(i => new { i.PatientId, i.InfusionDate, i.Start, i.Stop }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!index.ById.TryGetValue(i.PatientId, out var subject))
                {
                    continue;
                }

                var end = i.Stop ?? i.Start;
                if (subject.FirstTreatment is not { } first || i.Start < first)
                {
                    subject.FirstTreatment = i.Start;
                    subject.FirstTreatmentDate = i.InfusionDate;
                }

                if (subject.LastTreatment is not { } last || end > last)
                {
                    subject.LastTreatment = end;
                    subject.LastTreatmentDate = DateOnly.FromDateTime(end.UtcDateTime) < i.InfusionDate ? i.InfusionDate : DateOnly.FromDateTime(end.UtcDateTime);
                }

                subject.Saw(i.InfusionDate);
            }

            await foreach (var d in Rows<Death>().Select(d => new { d.PatientId, d.DeathDate }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (index.ById.TryGetValue(d.PatientId, out var subject))
                {
                    subject.DeathDate = subject.DeathDate is { } earlier && earlier < d.DeathDate ? earlier : d.DeathDate;
                    subject.Saw(d.DeathDate);
                }
            }

            await foreach (var v in Rows<Visit>().Select(v => new { v.PatientId, v.VisitDate }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                index.ById.GetValueOrDefault(v.PatientId)?.Saw(v.VisitDate);
            }

            await foreach (var c in Rows<FollowUpContact>().Select(c => new { c.PatientId, c.ContactDate }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                index.ById.GetValueOrDefault(c.PatientId)?.Saw(c.ContactDate);
            }

            return index;
        }
    }

    /// <summary>Maps one record to its SDTM rows: identifiers, dates (shifted when de-identified), study days and terms.</summary>
    internal sealed class RowContext(string studyId, ExportKeys keys, SubjectIndex subjects)
    {
        private readonly Dictionary<string, Dictionary<string, string>> questionCodes = new(StringComparer.Ordinal);

        /// <summary>Every coded value written, by codelist (what define.xml lists).</summary>
        public Dictionary<string, SortedDictionary<string, (string? NciCode, string? Decode)>> UsedTerms { get; } = new(StringComparer.Ordinal);

        private string? Use(string codelist, SdtmTerm? term) => Use(codelist, term?.Value, term?.NciCode, null);

        private string? Use(string codelist, string? value, string? nciCode, string? decode)
        {
            if (value is null)
            {
                return null;
            }

            if (!UsedTerms.TryGetValue(codelist, out var terms))
            {
                UsedTerms[codelist] = terms = new(StringComparer.Ordinal);
            }

            terms.TryAdd(value, (nciCode, decode));
            return value;
        }

        private Subject SubjectOf(Guid patientId) => subjects.ById[patientId];

        private string UsubjId(Subject s) => $"{studyId}-{s.SiteCode}-{s.SubjectId}";

        private string? Date(Guid patientId, DateOnly? date) =>
            date is { } d ? (keys.Deidentify ? (DateOnly)keys.Shift(patientId, d) : d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

        /// <summary>An instant as ISO 8601 date and time in UTC, to the second (the registry stores instants in UTC; no site zone is stored).</summary>
        private string? Instant(Guid patientId, DateTimeOffset? instant) =>
            instant is { } t ? (keys.Deidentify ? (DateTimeOffset)keys.Shift(patientId, t) : t).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) : null;

        private static string? Day(DateOnly? date, Subject s) => date is { } d && StudyDay(d, s.ReferenceStart) is { } day ? day.ToString(CultureInfo.InvariantCulture) : null;

        private static string Number(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

        private static DateOnly UtcDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

        private string?[] Start(Subject s, string domain, int sequence) =>
            [studyId, domain, UsubjId(s), sequence.ToString(CultureInfo.InvariantCulture)];

        public string?[] Demographics(Subject s)
        {
            var enrolment = s.Enrolments.FirstOrDefault();
            string? armCode = null, arm = null, actualCode = null, actual = null, armNull;
            if (enrolment is null)
            {
                armNull = Use("ARMNULRS", SdtmTerminology.NotAssigned);
            }
            else
            {
                armCode = SdtmTerminology.Truncate(enrolment.ProtocolKey.ToUpperInvariant(), 20);
                arm = subjects.ProtocolNames.GetValueOrDefault(enrolment.ProtocolKey, enrolment.ProtocolKey);
                if (s.FirstTreatment is not null)
                {
                    (actualCode, actual, armNull) = (armCode, arm, null);
                }
                else
                {
                    armNull = Use("ARMNULRS", SdtmTerminology.AssignedNotTreated);
                }
            }

            var reference = s.ReferenceStart;
            int? age = s.BirthDate is { } born && reference is { } on ? on.Year - born.Year - (on < born.AddYears(on.Year - born.Year) ? 1 : 0) : null;
            var birth = s.BirthDate is { } full && !keys.Deidentify ? full.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : s.BirthYear?.ToString("0000", CultureInfo.InvariantCulture);
            var consent = new[] { s.ConsentDate }.Concat(s.Enrolments.Select(e => e.ConsentSignedOn)).Where(d => d is not null).Min();
            return
            [
                studyId, "DM", UsubjId(s), s.SubjectId,
                Date(s.Id, reference), Date(s.Id, s.LastTreatmentDate ?? reference),
                Instant(s.Id, s.FirstTreatment), Instant(s.Id, s.LastTreatment),
                Date(s.Id, consent), Date(s.Id, s.LastContact),
                Date(s.Id, s.DeathDate), s.DeathDate is null ? null : Use("NY", SdtmTerminology.Yes),
                s.SiteCode, birth,
                age?.ToString(CultureInfo.InvariantCulture), age is null ? null : Use("AGEU", SdtmTerminology.Years),
                Use("SEX", SdtmTerminology.Sex(s.Sex)),
                null,
                armCode, arm, actualCode, actual, armNull,
                SdtmTerminology.Country(s.Country),
            ];
        }

        public string?[] AdverseEvent(AdverseEvent a, int sequence)
        {
            var s = SubjectOf(a.PatientId);
            var ctcae = CtcaeV5.Find(a.Term);
            var criteria = a.SeriousnessCriteria;
            string? Criterion(SeriousnessCriteria c) => criteria is { } set ? Use("NY", set.HasFlag(c) ? SdtmTerminology.Yes : SdtmTerminology.No) : null;
            var relation = a.Causality switch
            {
                Causality.NotRelated => "NOT RELATED",
                Causality.Unlikely => "UNLIKELY",
                Causality.Possible => "POSSIBLE",
                Causality.Probable => "PROBABLE",
                Causality.Definite => "DEFINITE",
                _ => "NOT ASSESSED",
            };
            return
            [
                .. Start(s, "AE", sequence),
                a.Term, ctcae?.MeddraCode, ctcae?.Term, ctcae?.Soc,
                Use("NY", a.Serious ? SdtmTerminology.Yes : SdtmTerminology.No),
                Use("AEREL", relation, null, null),
                Use("OUT", SdtmTerminology.Outcome(a.Outcome)),
                Criterion(SeriousnessCriteria.CongenitalAnomaly), Criterion(SeriousnessCriteria.DisabilityOrIncapacity), Criterion(SeriousnessCriteria.ResultsInDeath),
                Criterion(SeriousnessCriteria.Hospitalisation), Criterion(SeriousnessCriteria.LifeThreatening), Criterion(SeriousnessCriteria.ImportantMedicalEvent),
                a.CtcaeGrade?.ToString(CultureInfo.InvariantCulture),
                Date(a.PatientId, a.OnsetDate), Date(a.PatientId, a.ResolutionDate),
                Day(a.OnsetDate, s), Day(a.ResolutionDate, s),
            ];
        }

        public string?[] Exposure(ExposureRow i, int sequence)
        {
            var s = SubjectOf(i.PatientId);
            var protocol = subjects.EnrolmentProtocols.TryGetValue(i.EnrolmentId, out var key) ? subjects.Protocols.GetValueOrDefault(key) : null;
            var component = protocol?.Component(i.ComponentKey);
            var route = component?.Route == AdministrationRoute.Intravenous ? Use("ROUTE", SdtmTerminology.Intravenous) : null;
            var end = i.Stop ?? i.Start;
            return
            [
                .. Start(s, "EX", sequence),
                component?.Label ?? i.Product.Label(),
                Number(i.DoseCells), Use("UNIT", SdtmTerminology.TherapeuticCells), route,
                keys.Deidentify ? keys.Record(i.LotId) : i.LotNumber,
                Instant(i.PatientId, i.Start), Instant(i.PatientId, i.Stop),
                Day(UtcDate(i.Start) < i.InfusionDate ? i.InfusionDate : UtcDate(i.Start), s), Day(i.Stop is null ? null : UtcDate(end), s),
            ];
        }

        public string?[] Lab(LabRow l, int sequence)
        {
            var s = SubjectOf(l.PatientId);
            var test = SdtmTerminology.LabTest(l.Analyte);
            Use("LBTESTCD", test.Code, test.NciCode, test.Name);
            var unit = l.NormalisedUnit is { } u ? SdtmTerminology.Units.GetValueOrDefault(u) : null;
            var standard = l.NormalisedValue is { } value && unit is not null ? Number(value) : null;
            var (low, high) = Range(l.ReportedRange);
            var definition = Stroma.Clinical.Labs.AnalyteCatalog.Find(l.Analyte);
            var date = UtcDate(l.SpecimenTime);
            return
            [
                .. Start(s, "LB", sequence),
                test.Code, test.Name, definition is null ? null : Category(definition.Panel),
                l.ReportedValue, l.ReportedUnit, low, high,
                standard, standard, standard is null ? null : Use("UNIT", unit),
                Use("NRIND", SdtmTerminology.ReferenceRangeIndicator(l.Flag)),
                definition?.LoincConfirmed == true ? definition.Loinc : null,
                Use("SPECTYPE", SdtmTerminology.Specimen(l.Analyte)),
                VisitNumber(l.Visit), l.Visit,
                Instant(l.PatientId, l.SpecimenTime), Day(date, s),
            ];
        }

        public IEnumerable<string?[]> Questionnaire(AssessmentRow a, Func<int> next)
        {
            var s = SubjectOf(a.PatientId);
            var instrument = InstrumentCatalog.Find(a.Instrument);
            var category = Use("QSCAT", SdtmTerminology.Truncate(instrument?.Name ?? a.Instrument, 40), null, null)!;
            var date = Date(a.PatientId, a.Date);
            var day = Day(a.Date, s);
            string?[] Row(string code, string name, string? original, string? number) =>
            [
                .. Start(s, "QS", next()),
                Use("QSTESTCD", code, null, $"{category}: {name}"), SdtmTerminology.Truncate(name, 40), category, original, original, number,
                VisitNumber(a.Visit), a.Visit, date, day,
            ];

            if (a.Total is { } total)
            {
                yield return Row(QuestionCode(a.Instrument, "TOTAL", instrument), "Total score", Number(total), Number(total));
            }

            if (a.Grade is { Length: > 0 } grade)
            {
                yield return Row(QuestionCode(a.Instrument, "GRADE", instrument), "Grade or band", grade, null);
            }

            using var inputs = JsonDocument.Parse(a.InputsJson);
            if (inputs.RootElement.ValueKind != JsonValueKind.Object)
            {
                yield break;
            }

            foreach (var item in inputs.RootElement.EnumerateObject())
            {
                var (original, number) = item.Value.ValueKind switch
                {
                    JsonValueKind.True => (Use("NY", SdtmTerminology.Yes), null),
                    JsonValueKind.False => (Use("NY", SdtmTerminology.No), null),
                    JsonValueKind.Number => (Number(item.Value.GetDecimal()), Number(item.Value.GetDecimal())),
                    JsonValueKind.String => (item.Value.GetString(), null),
                    JsonValueKind.Object or JsonValueKind.Array => (item.Value.GetRawText(), null),
                    _ => ((string?)null, (string?)null),
                };
                if (original is { Length: > 0 })
                {
                    var label = instrument?.Items.FirstOrDefault(i => i.Key == item.Name)?.Label ?? item.Name;
                    yield return Row(QuestionCode(a.Instrument, item.Name, instrument), label, original, number);
                }
            }
        }

        /// <summary>
        /// The QSTESTCD of an instrument's item: <c>TOTAL</c> and <c>GRADE</c> for the total and band, else the item key as a
        /// sponsor code, made unique within the instrument by a two-digit suffix in the catalogue's item order.
        /// </summary>
        private string QuestionCode(string instrumentKey, string itemKey, IInstrument? instrument)
        {
            if (!questionCodes.TryGetValue(instrumentKey, out var codes))
            {
                questionCodes[instrumentKey] = codes = new(StringComparer.Ordinal) { ["TOTAL"] = "TOTAL", ["GRADE"] = "GRADE" };
                foreach (var item in instrument?.Items ?? [])
                {
                    Allocate(codes, item.Key);
                }
            }

            return codes.TryGetValue(itemKey, out var code) ? code : Allocate(codes, itemKey);
        }

        private static string Allocate(Dictionary<string, string> codes, string key)
        {
            if (codes.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var code = SdtmTerminology.SponsorCode(key);
            for (var n = 1; codes.ContainsValue(code); n++)
            {
                code = SdtmTerminology.SponsorCode(key)[..Math.Min(6, SdtmTerminology.SponsorCode(key).Length)] + n.ToString("00", CultureInfo.InvariantCulture);
            }

            codes[key] = code;
            return code;
        }

        public IEnumerable<string?[]> Disposition(Subject s, Func<int> next)
        {
            var events = new List<(DateOnly Date, string Term, SdtmTerm Decode, SdtmTerm Category)>();
            if (s.ConsentDate is { } consent)
            {
                events.Add((consent, SdtmTerminology.InformedConsentObtained.Value, SdtmTerminology.InformedConsentObtained, SdtmTerminology.ProtocolMilestone));
            }

            foreach (var e in s.Enrolments)
            {
                if (e.ConsentSignedOn is { } signed && signed != s.ConsentDate)
                {
                    events.Add((signed, SdtmTerminology.InformedConsentObtained.Value, SdtmTerminology.InformedConsentObtained, SdtmTerminology.ProtocolMilestone));
                }

                events.Add((e.StartDate, SdtmTerminology.EnteredIntoTrial.Value, SdtmTerminology.EnteredIntoTrial, SdtmTerminology.ProtocolMilestone));
                if (e.ConsentWithdrawnOn is { } withdrawn && withdrawn != s.WithdrawalDate)
                {
                    events.Add((withdrawn, SdtmTerminology.WithdrawalOfConsent.Value, SdtmTerminology.WithdrawalOfConsent, SdtmTerminology.DispositionEvent));
                }
            }

            if (s.WithdrawalDate is { } left)
            {
                var term = !keys.Deidentify && s.WithdrawalReason is { Length: > 0 } reason ? reason : SdtmTerminology.WithdrawalOfConsent.Value;
                events.Add((left, term, SdtmTerminology.WithdrawalOfConsent, SdtmTerminology.DispositionEvent));
            }

            if (s.DeathDate is { } died)
            {
                events.Add((died, SdtmTerminology.Death.Value, SdtmTerminology.Death, SdtmTerminology.DispositionEvent));
            }

            foreach (var (date, term, decode, category) in events.OrderBy(e => e.Date))
            {
                yield return
                [
                    .. Start(s, "DS", next()),
                    term, decode.Value, Use("DSCAT", category), Date(s.Id, date), Day(date, s),
                ];
            }
        }

        public IEnumerable<string?[]> VitalSigns(Guid patientId, InfusionVitalSigns signs, Func<int> next)
        {
            var s = SubjectOf(patientId);
            decimal?[] values = [signs.SystolicMmHg, signs.DiastolicMmHg, signs.HeartRatePerMinute, signs.TemperatureCelsius, signs.RespiratoryRatePerMinute, signs.OxygenSaturationPercent];
            var when = Instant(patientId, signs.At);
            var day = Day(UtcDate(signs.At), s);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is not { } value)
                {
                    continue;
                }

                var (test, unit) = SdtmTerminology.VitalSigns[i];
                Use("VSTESTCD", test.Code, test.NciCode, test.Name);
                var text = Number(value);
                var u = Use("UNIT", unit);
                yield return
                [
                    .. Start(s, "VS", next()),
                    test.Code, test.Name, text, u, text, text, u, when, day,
                    signs.Phase == VitalSignPhase.Pre ? "BEFORE INFUSION" : "AFTER INFUSION",
                ];
            }
        }

        /// <summary>LBCAT: the catalogue's panel in upper case words (sponsor-defined; LBCAT has no codelist).</summary>
        private static string Category(Stroma.Clinical.Labs.LabPanel panel) => panel switch
        {
            Stroma.Clinical.Labs.LabPanel.BloodCount => "BLOOD COUNT",
            Stroma.Clinical.Labs.LabPanel.TCellSubsets => "T CELL SUBSETS",
            Stroma.Clinical.Labs.LabPanel.UrineProtein => "URINE PROTEIN",
            _ => panel.ToString().ToUpperInvariant(),
        };

        /// <summary>
        /// VISITNUM of a protocol time point: <c>baseline</c> 0, <c>month_N</c> N (the month it falls in, the same number for
        /// every subject); any other visit (unscheduled, <c>flare</c>, <c>admission</c>) has none and is named in VISIT only.
        /// </summary>
        internal static string? VisitNumber(string? visit) =>
            visit == "baseline" ? "0"
            : visit is not null && visit.StartsWith("month_", StringComparison.Ordinal) && int.TryParse(visit.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
                ? month.ToString(CultureInfo.InvariantCulture) : null;

        /// <summary>The reported range's limits, read by the lab path's one range reader (<c>LabText.ReadRange</c>); an unreadable range gives none.</summary>
        internal static (string? Low, string? High) Range(string? range)
        {
            var (low, high, problem) = Stroma.Data.Labs.LabText.ReadRange(range);
            return problem is not null ? (null, null) : (low is { } l ? Number(l) : null, high is { } h ? Number(h) : null);
        }
    }
}
