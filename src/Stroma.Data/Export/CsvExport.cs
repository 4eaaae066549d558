using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Stroma.Data.Audit;
using Stroma.Data.Model;

namespace Stroma.Data.Export;

/// <summary>
/// <c>stroma export --format csv OUTDIR</c>: one tidy table per entity (every stored column, plus the readable
/// patient keys <c>site</c> and <c>study_id</c> on patient records) and one wide analysis table
/// <c>analysis_visits.csv</c> (one row per patient-visit; each instrument's total and each analyte's normalised
/// value as columns). RFC 4180: comma, double-quote quoting with doubled quotes, CRLF. Values are written as
/// stored (invariant formats: ISO dates, UTC instants, decimals as stored); records marked deleted are left out.
/// Every table streams from the database, so memory stays flat (only the patient key map is held).
/// <see cref="CsvExportOptions"/> narrows it to some sites and can de-identify it (docs/web.md, "Exports").
/// Records of clinical events carry both times: the event's own (test, decision, custody, infusion, contact or onset
/// date or instant) and the entry's (<c>created_at</c>), with <c>entered_late</c> and <c>late_entry_reason</c>.
/// </summary>
public static class CsvExport
{
    /// <summary>Tidy tables in dependency order.</summary>
    internal static readonly Type[] Tables =
    [
        typeof(Site), typeof(Laboratory), typeof(Patient), typeof(Diagnosis), typeof(Visit), typeof(Assessment),
        typeof(LabResult), typeof(Medication), typeof(AdverseEvent), typeof(Death), typeof(ResponseAdjudication),
        typeof(CellLotRecord), typeof(LotReleaseTest), typeof(LotDecision), typeof(CustodyEventRecord),
        typeof(ProtocolRecord), typeof(ProtocolVersionRecord), typeof(ProtocolEnrolment), typeof(ScheduledEventRecord), typeof(ScheduleChangeRecord),
        typeof(Infusion), typeof(InfusionVitalSigns), typeof(InfusionPremedication), typeof(InfusionReactionRecord), typeof(FollowUpContact),
        typeof(ProtocolDeviationRecord), typeof(QueryRecord), typeof(QueryStepRecord), typeof(LymphodepletionRecord), typeof(SdvMark),
    ];

    private static readonly string[] AnalysisKeys = ["site", "study_id", "visit_id", "visit_date", "visit_type"];

    /// <summary>Audit metadata left out of a de-identified export (staff user names and record-keeping instants).</summary>
    internal static readonly HashSet<string> AuditColumns =
        ["version", "created_at", "created_by", "updated_at", "updated_by", "deleted_at", "deleted_by", "deletion_reason"];

    /// <summary>
    /// Columns left out of a de-identified export: the study id, the full birth date (birth year is kept, derived from
    /// it when only the date is stored), and free text that may name or describe a person.
    /// </summary>
    internal static readonly HashSet<(string Table, string Column)> IdentifyingColumns =
    [
        ("patients", "study_id"), ("patients", "birth_date"), ("patients", "withdrawal_reason"),
        ("diagnoses", "notes"), ("visits", "notes"), ("deaths", "cause"), ("adverse_events", "outcome"),
        ("response_adjudications", "basis"), ("response_adjudications", "adjudicated_by"), ("response_adjudications", "visit_keys"),
        ("lot_release_tests", "late_entry_reason"), ("lot_decisions", "late_entry_reason"), ("lot_decisions", "signed_by"),
        ("custody_events", "late_entry_reason"), ("custody_events", "person"), ("infusions", "late_entry_reason"),
        ("follow_up_contacts", "late_entry_reason"), ("follow_up_contacts", "notes"), ("adverse_events", "late_entry_reason"),
        ("schedule_changes", "reason"), ("lymphodepletions", "late_entry_reason"), ("queries", "text"), ("query_steps", "text"), ("query_steps", "by"),
        ("sdv_marks", "verified_by"), ("sdv_marks", "verified_by_name"), ("sdv_marks", "cleared_by"), ("sdv_marks", "cleared_reason"),
        ("lab_results", "note"),
        // Messages that quote dates as they were (not shifted with the patient's): an infusion's pre-check outcome
        // ("Consent is not current on 2017-08-04"), a custody event's temperature warnings and a protocol deviation's
        // message ("... (target 2026-09-04, window ended 2026-09-11) was not recorded by 2026-12-07").
        ("infusions", "precheck_outcome"), ("custody_events", "warnings"), ("protocol_deviations", "message"),
        // Who moved a scheduled event (a staff user name).
        ("schedule_changes", "changed_by"),
        // A lot's label: an autologous product's (CAR-T) often carries the patient's identifier, a DIN names a donation.
        ("cell_lots", "lot_number"),
    ];

    /// <summary>Every site, identifiable (as <c>stroma export</c> writes it).</summary>
    public static Task<IReadOnlyDictionary<string, long>> WriteAsync(DataConfiguration configuration, string directory, CancellationToken cancellationToken = default) =>
        WriteAsync(configuration, directory, CsvExportOptions.Everything, cancellationToken);

    public static async Task<IReadOnlyDictionary<string, long>> WriteAsync(DataConfiguration configuration, string directory, CsvExportOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(directory);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        // Reads go to the read replica when one was chosen (docs/operations.md "Read replicas"); the audit entry to the primary.
        StromaDbContext OpenReader() => options.ReadFrom is { } replica ? StromaDatabase.CreateReadOnlyContext(replica) : StromaDatabase.CreateStreamingContext(configuration);
        await using var db = OpenReader();
        var (siteIds, keys, patients) = await ResolveScopeAsync(db, options, cancellationToken).ConfigureAwait(false);
        if (options.Deidentify)
        {
            // Rows that reach their patient through a parent (a schedule through its enrolment, vital signs through their
            // infusion, a query step through its query) shift their dates by that patient's offset too.
            await foreach (var e in db.ProtocolEnrolments.AsNoTracking().Select(e => new { e.Id, e.PatientId }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                keys.Owners[e.Id] = e.PatientId;
            }

            await foreach (var i in db.Infusions.AsNoTracking().Select(i => new { i.Id, i.PatientId }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                keys.Owners[i.Id] = i.PatientId;
            }

            await foreach (var q in db.Queries.AsNoTracking().Select(q => new { q.Id, q.PatientId }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                keys.Owners[q.Id] = q.PatientId;
            }
        }

        foreach (var table in Tables)
        {
            var method = typeof(CsvExport).GetMethod(nameof(WriteTableAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(table);
            var entityType = db.Model.FindEntityType(table)!;
            var path = Path.Combine(directory, entityType.GetTableName() + ".csv");
            counts[entityType.GetTableName()!] = await ((Task<long>)method.Invoke(null, [db, entityType, path, patients, siteIds, keys, cancellationToken])!).ConfigureAwait(false);
            db.ChangeTracker.Clear();
        }

        counts["analysis_visits"] = await WriteAnalysisAsync(OpenReader, Path.Combine(directory, "analysis_visits.csv"), patients, siteIds, keys, cancellationToken).ConfigureAwait(false);

        // Every export is on the audit trail: who, when, which sites, identifiable or not, how many rows.
        await using var audit = StromaDatabase.CreateContext(configuration, options.ExportedBy ?? "system");
        await AuditTrail.AppendAccessAsync(audit, "export", "csv-export", new Dictionary<string, object?>
        {
            ["sites"] = options.Sites.Count > 0 ? options.Sites : "all",
            ["deidentified"] = options.Deidentify,
            ["rows"] = counts.Values.Sum(),
        }, cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <summary>
    /// The sites chosen (null: every site), the export's pseudonyms, and each exported patient's site code and study id (or,
    /// de-identified, per-export key): what every export format (CSV, FHIR) narrows and de-identifies by.
    /// </summary>
    internal static async Task<(Guid[]? SiteIds, ExportKeys Keys, Dictionary<Guid, (string Site, string StudyId)> Patients)> ResolveScopeAsync(
        StromaDbContext db, CsvExportOptions options, CancellationToken cancellationToken)
    {
        Guid[]? siteIds = null;
        if (options.Sites.Count > 0)
        {
            var codes = options.Sites.ToArray();
            siteIds = [.. await db.Sites.Where(s => codes.Contains(s.Code)).Select(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false)];
            if (siteIds.Length != codes.Distinct(StringComparer.Ordinal).Count())
            {
                throw new ArgumentException($"Unknown site code among {string.Join(", ", codes)}.", nameof(options));
            }
        }

        var keys = new ExportKeys(options.Deidentify);
        var patients = new Dictionary<Guid, (string Site, string StudyId)>();
        await foreach (var p in PatientsOf(db, siteIds).AsNoTracking().Select(p => new { p.Id, p.Site!.Code, p.StudyId }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            patients[p.Id] = (p.Code, p.StudyId);
        }

        if (options.Deidentify)
        {
            // Per-export patient keys P0001, P0002, ... in a random order, so neither the study id nor the registry's
            // patient id nor the order of study ids can be read back from them; a new export draws new keys.
            var shuffled = patients.Keys.ToArray();
            RandomNumberGenerator.Shuffle<Guid>(shuffled);
            var width = Math.Max(4, shuffled.Length.ToString(CultureInfo.InvariantCulture).Length);
            for (var i = 0; i < shuffled.Length; i++)
            {
                var key = "P" + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
                keys.Patients[shuffled[i]] = key;
                patients[shuffled[i]] = (patients[shuffled[i]].Site, key);
            }
        }

        return (siteIds, keys, patients);
    }

    /// <summary>A column naming a member of staff (signer, approver, adjudicator, courier): left out when de-identified.</summary>
    internal static bool IsStaffColumn(string column) =>
        column.EndsWith("_by", StringComparison.Ordinal) || column.EndsWith("_by_name", StringComparison.Ordinal) || column == "person";

    internal static IQueryable<Patient> PatientsOf(StromaDbContext db, Guid[]? siteIds) =>
        siteIds is null ? db.Patients : db.Patients.Where(p => siteIds.Contains(p.SiteId));

    /// <summary>The rows of <typeparamref name="T"/> that belong to the chosen sites (by patient, else by site).</summary>
    internal static IQueryable<T> OfSites<T>(StromaDbContext db, IEntityType entityType, Guid[]? siteIds)
        where T : class
    {
        var query = db.Set<T>().AsNoTracking();
        if (siteIds is null)
        {
            return query;
        }

        // A lot belongs to a site (issue #16): narrowed to sites, the export holds those sites' lots with their records.
        if (typeof(T) == typeof(CellLotRecord) || typeof(T) == typeof(LotReleaseTest) || typeof(T) == typeof(LotDecision) || typeof(T) == typeof(CustodyEventRecord))
        {
            var lotIds = db.CellLots.Where(l => siteIds.Contains(l.SiteId)).Select(l => l.Id);
            if (typeof(T) == typeof(CustodyEventRecord))
            {
                // ... but not an administration to another site's patient (possible only in a registry from before lots had a site).
                var patientIds = PatientsOf(db, siteIds).Select(p => p.Id);
                return query.Where(e => lotIds.Contains(EF.Property<Guid>(e, nameof(CustodyEventRecord.LotId)))
                    && (EF.Property<Guid?>(e, nameof(CustodyEventRecord.PatientId)) == null || patientIds.Contains(EF.Property<Guid?>(e, nameof(CustodyEventRecord.PatientId))!.Value)));
            }

            var key = typeof(T) == typeof(CellLotRecord) ? nameof(CellLotRecord.Id) : nameof(LotReleaseTest.LotId);
            return query.Where(e => lotIds.Contains(EF.Property<Guid>(e, key)));
        }

        if (entityType.FindProperty(nameof(LabResult.PatientId)) is not null)
        {
            var ids = PatientsOf(db, siteIds).Select(p => p.Id);
            return query.Where(e => ids.Contains(EF.Property<Guid>(e, nameof(LabResult.PatientId))));
        }

        // Protocols and their versions are the study's, not a site's: every export holds them.
        if (typeof(T) == typeof(ProtocolRecord) || typeof(T) == typeof(ProtocolVersionRecord))
        {
            return query;
        }

        // Rows under an enrolment, an infusion or a query belong to the site of that parent's patient.
        if (ParentKey(entityType) is { } parent)
        {
            var ids = PatientsOf(db, siteIds).Select(p => p.Id);
            IQueryable<Guid> parents = parent == nameof(ScheduledEventRecord.EnrolmentId) ? db.ProtocolEnrolments.Where(e => ids.Contains(e.PatientId)).Select(e => e.Id)
                : parent == nameof(InfusionVitalSigns.InfusionId) ? db.Infusions.Where(i => ids.Contains(i.PatientId)).Select(i => i.Id)
                : db.Queries.Where(q => ids.Contains(q.PatientId)).Select(q => q.Id);
            return query.Where(e => parents.Contains(EF.Property<Guid>(e, parent)));
        }

        if (entityType.FindProperty(nameof(Laboratory.SiteId)) is not null)
        {
            return query.Where(e => siteIds.Contains(EF.Property<Guid>(e, nameof(Laboratory.SiteId))));
        }

        return typeof(T) == typeof(Site)
            ? query.Where(e => siteIds.Contains(EF.Property<Guid>(e, nameof(Site.Id))))
            : throw new InvalidOperationException($"{typeof(T).Name} has no site: it cannot be narrowed to sites.");
    }

    /// <summary>The foreign key through which a row without its own patient reaches one (enrolment, infusion or query), or null.</summary>
    private static string? ParentKey(IEntityType entityType) =>
        new[] { nameof(ScheduledEventRecord.EnrolmentId), nameof(InfusionVitalSigns.InfusionId), nameof(QueryStepRecord.QueryId) }
            .FirstOrDefault(k => entityType.FindProperty(k) is { IsNullable: false });

    private static SafeCsvWriter OpenCsv(string path)
    {
        var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        return new SafeCsvWriter(writer, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" });
    }

    private static async Task<long> WriteTableAsync<T>(StromaDbContext db, IEntityType entityType, string path,
        Dictionary<Guid, (string Site, string StudyId)> patients, Guid[]? siteIds, ExportKeys keys, CancellationToken cancellationToken)
        where T : class
    {
        var table = entityType.GetTableName()!;
        var columns = entityType.GetProperties()
            .Where(c => !keys.Deidentify || (!AuditColumns.Contains(c.GetColumnName()) && !IdentifyingColumns.Contains((table, c.GetColumnName()))
                && !IsStaffColumn(c.GetColumnName())))
            .ToList();
        var patientColumn = columns.FirstOrDefault(c => c.Name == nameof(LabResult.PatientId));
        var parentColumn = ParentKey(entityType) is { } parentKey ? entityType.FindProperty(parentKey) : null;
        var birthYear = keys.Deidentify && typeof(T) == typeof(Patient);
        await using var csv = OpenCsv(path);
        if (patientColumn is not null)
        {
            csv.WriteField("site");
            csv.WriteField(keys.Deidentify ? "patient_key" : "study_id");
        }

        foreach (var column in columns)
        {
            csv.WriteField(column.GetColumnName());
        }

        await csv.NextRecordAsync().ConfigureAwait(false);
        long count = 0;
        await foreach (var row in OfSites<T>(db, entityType, siteIds).OrderBy(e => EF.Property<Guid>(e, "Id")).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (patientColumn is not null)
            {
                // A custody event names a patient only for an administration.
                var key = patientColumn.GetGetter().GetClrValueUsingContainingEntity(row) is Guid patientId ? patients.GetValueOrDefault(patientId) : default;
                csv.WriteField(key.Site);
                csv.WriteField(key.StudyId);
            }

            // De-identified: the row's patient, whose dates move by that patient's offset (no patient: dates left blank).
            var rowPatient = !keys.Deidentify ? null
                : row is Patient self ? self.Id
                : patientColumn is not null ? patientColumn.GetGetter().GetClrValueUsingContainingEntity(row) as Guid?
                : parentColumn?.GetGetter().GetClrValueUsingContainingEntity(row) is Guid parentId && keys.Owners.TryGetValue(parentId, out var owner) ? owner
                : null;
            foreach (var column in columns)
            {
                var value = column.GetGetter().GetClrValueUsingContainingEntity(row);
                if (birthYear && column.Name == nameof(Patient.BirthYear) && row is Patient { BirthDate: { } born })
                {
                    value = born.Year;
                }

                if (keys.Deidentify && value is DateOnly or DateTimeOffset or DateTime)
                {
                    value = rowPatient is { } shifted ? keys.Shift(shifted, value) : null;
                }

                csv.WriteField(keys.Deidentify && value is Guid id
                    ? (column.Name == nameof(LabResult.PatientId) || (typeof(T) == typeof(Patient) && column.Name == nameof(Patient.Id)) ? keys.Patient(id) : keys.Record(id))
                    : AuditInterceptor.Canonical(value) ?? "");
            }

            await csv.NextRecordAsync().ConfigureAwait(false);
            count++;
        }

        return count;
    }

    private static async Task<long> WriteAnalysisAsync(Func<StromaDbContext> openReader, string path,
        Dictionary<Guid, (string Site, string StudyId)> patients, Guid[]? siteIds, ExportKeys keys, CancellationToken cancellationToken)
    {
        await using var visitsDb = openReader();
        await using var scoresDb = openReader();
        await using var labsDb = openReader();
        var visitRows = OfSites<Visit>(visitsDb, visitsDb.Model.FindEntityType(typeof(Visit))!, siteIds);
        var scoreVisits = OfSites<Visit>(scoresDb, scoresDb.Model.FindEntityType(typeof(Visit))!, siteIds);
        var labVisits = OfSites<Visit>(labsDb, labsDb.Model.FindEntityType(typeof(Visit))!, siteIds);
        var instruments = await (from a in scoresDb.Assessments join v in scoreVisits on a.VisitId equals v.Id select a.Instrument)
            .Distinct().OrderBy(i => i).ToListAsync(cancellationToken).ConfigureAwait(false);
        var analytes = await (from l in labsDb.LabResults join v in labVisits on l.VisitId equals v.Id select l.Analyte)
            .Distinct().OrderBy(a => a).ToListAsync(cancellationToken).ConfigureAwait(false);

        var visits = visitRows.OrderBy(v => v.PatientId).ThenBy(v => v.VisitDate).ThenBy(v => v.Id)
            .Select(v => new { v.Id, v.PatientId, v.VisitDate, v.Type }).AsAsyncEnumerable();
        var scores = (from a in scoresDb.Assessments.AsNoTracking()
                      join v in scoreVisits on a.VisitId equals v.Id
                      orderby v.PatientId, v.VisitDate, v.Id
                      select new { VisitId = v.Id, a.Instrument, a.Total }).AsAsyncEnumerable();
        var labs = (from l in labsDb.LabResults.AsNoTracking()
                    join v in labVisits on l.VisitId equals v.Id
                    orderby v.PatientId, v.VisitDate, v.Id
                    select new { VisitId = v.Id, l.Analyte, l.NormalisedValue, l.SpecimenTime }).AsAsyncEnumerable();

        await using var csv = OpenCsv(path);
        foreach (var name in AnalysisKeys.Select(k => keys.Deidentify && k == "study_id" ? "patient_key" : k)
            .Concat(instruments.Select(i => $"{i}_total")).Concat(analytes))
        {
            csv.WriteField(name);
        }

        await csv.NextRecordAsync().ConfigureAwait(false);
        await using var scoreRows = scores.GetAsyncEnumerator(cancellationToken);
        await using var labRows = labs.GetAsyncEnumerator(cancellationToken);
        var hasScore = await scoreRows.MoveNextAsync().ConfigureAwait(false);
        var hasLab = await labRows.MoveNextAsync().ConfigureAwait(false);
        var totals = new string[instruments.Count];
        var values = new string[analytes.Count];
        var times = new DateTimeOffset[analytes.Count];
        long count = 0;
        await foreach (var visit in visits.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Array.Fill(totals, "");
            Array.Fill(values, "");
            Array.Fill(times, DateTimeOffset.MinValue);
            while (hasScore && scoreRows.Current.VisitId == visit.Id)
            {
                totals[instruments.BinarySearch(scoreRows.Current.Instrument, StringComparer.Ordinal) is var i and >= 0 ? i : instruments.IndexOf(scoreRows.Current.Instrument)] =
                    AuditInterceptor.Canonical(scoreRows.Current.Total) ?? "";
                hasScore = await scoreRows.MoveNextAsync().ConfigureAwait(false);
            }

            while (hasLab && labRows.Current.VisitId == visit.Id)
            {
                var i = analytes.IndexOf(labRows.Current.Analyte);
                if (labRows.Current.SpecimenTime >= times[i])
                {
                    times[i] = labRows.Current.SpecimenTime;
                    values[i] = AuditInterceptor.Canonical(labRows.Current.NormalisedValue) ?? "";
                }

                hasLab = await labRows.MoveNextAsync().ConfigureAwait(false);
            }

            var key = patients.GetValueOrDefault(visit.PatientId);
            csv.WriteField(key.Site);
            csv.WriteField(key.StudyId);
            csv.WriteField(keys.Deidentify ? keys.Record(visit.Id) : visit.Id.ToString("D"));
            csv.WriteField((keys.Deidentify ? visit.VisitDate.AddDays(keys.DayOffset(visit.PatientId)) : visit.VisitDate).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            csv.WriteField(visit.Type);
            foreach (var t in totals)
            {
                csv.WriteField(t);
            }

            foreach (var v in values)
            {
                csv.WriteField(v);
            }

            await csv.NextRecordAsync().ConfigureAwait(false);
            count++;
        }

        return count;
    }
}

/// <summary>What <see cref="CsvExport"/> writes.</summary>
/// <param name="Sites">Site codes to include (empty: every site). Applied in the queries: other sites' rows are never read.</param>
/// <param name="Deidentify">
/// Leave out study ids, full birth dates (birth year kept), free text (<see cref="CsvExport.IdentifyingColumns"/>) and
/// audit metadata (<see cref="CsvExport.AuditColumns"/>); patient keys become per-export pseudonyms (P0001, ...) and every
/// other record id a per-export keyed hash (HMAC-SHA256, random key, never stored), so rows still join within the export
/// but not to the registry or to another export. Every date and instant of a patient's records moves by that patient's
/// offset (<see cref="ExportKeys.DayOffset"/>, -182 to +182 days but never 0, drawn anew per export); dates of records without a
/// patient (lots, their tests and decisions, custody before administration) are left blank; staff names (signers,
/// approvers, adjudicators, custody persons) are left out. The result is pseudonymous, not anonymous.
/// </param>
/// <param name="ExportedBy">Who exports (the "who" of the export's audit entry); null: <c>system</c>.</param>
/// <param name="ReadFrom">A read replica to read the rows from (caught up by the caller); null: the registry itself.</param>
public sealed record CsvExportOptions(IReadOnlyList<string> Sites, bool Deidentify = false, string? ExportedBy = null, DataConfiguration? ReadFrom = null)
{
    /// <summary>Every site, identifiable: what <c>stroma export</c> writes.</summary>
    public static CsvExportOptions Everything { get; } = new([]);
}

/// <summary>The pseudonyms of one de-identified export (patient keys, and a keyed hash for every other id).</summary>
internal sealed class ExportKeys(bool deidentify)
{
    private readonly byte[] secret = RandomNumberGenerator.GetBytes(32);

    public bool Deidentify { get; } = deidentify;

    public Dictionary<Guid, string> Patients { get; } = [];

    /// <summary>The patient of each enrolment, infusion and query (de-identified exports only: their children's dates shift with that patient).</summary>
    public Dictionary<Guid, Guid> Owners { get; } = [];

    /// <summary>The patient's per-export key (a patient outside the export, which cannot happen, gets a hashed id).</summary>
    public string Patient(Guid id) => Patients.TryGetValue(id, out var key) ? key : Record(id);

    /// <summary>
    /// The patient's date shift in days, from -182 to +182 but never 0: HMAC-SHA256 of the patient id under this export's
    /// secret (taken modulo 364, mapped onto -182..-1 and 1..182), so every date of one patient moves by the same amount
    /// (intervals, study days and the order of events are kept) while each patient moves differently and each export anew.
    /// A shift of 0 would leave that patient's real dates in a de-identified export (one patient in 365 before).
    /// </summary>
    public int DayOffset(Guid patientId)
    {
        Span<byte> input = stackalloc byte[17];
        input[0] = (byte)'D';
        patientId.TryWriteBytes(input[1..]);
        var hash = HMACSHA256.HashData(secret, input);
        var drawn = (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) % 364) - 182;
        return drawn >= 0 ? drawn + 1 : drawn;
    }

    /// <summary>A date or instant of the patient's, moved by <see cref="DayOffset"/>.</summary>
    public object Shift(Guid patientId, object value)
    {
        var days = DayOffset(patientId);
        return value switch
        {
            DateOnly date => date.AddDays(days),
            DateTimeOffset instant => instant.AddDays(days),
            DateTime time => time.AddDays(days),
            _ => value,
        };
    }

    /// <summary>The first 16 bytes of HMAC-SHA256(secret, id) in hex: stable within the export, unlinkable outside it.</summary>
    public string Record(Guid id) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, id.ToByteArray()).AsSpan(0, 16));
}
