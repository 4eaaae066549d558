using System.Globalization;
using CsvHelper;
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
/// </summary>
public static class CsvExport
{
    /// <summary>Tidy tables in dependency order.</summary>
    internal static readonly Type[] Tables =
    [
        typeof(Site), typeof(Laboratory), typeof(Patient), typeof(Diagnosis), typeof(Visit), typeof(Assessment),
        typeof(LabResult), typeof(Medication), typeof(AdverseEvent), typeof(Death), typeof(ResponseAdjudication),
    ];

    private static readonly string[] AnalysisKeys = ["site", "study_id", "visit_id", "visit_date", "visit_type"];

    public static async Task<IReadOnlyDictionary<string, long>> WriteAsync(DataConfiguration configuration, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Directory.CreateDirectory(directory);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var db = StromaDatabase.CreateContext(configuration);
        var patients = new Dictionary<Guid, (string Site, string StudyId)>();
        await foreach (var p in db.Patients.AsNoTracking().Select(p => new { p.Id, p.Site!.Code, p.StudyId }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            patients[p.Id] = (p.Code, p.StudyId);
        }

        foreach (var table in Tables)
        {
            var method = typeof(CsvExport).GetMethod(nameof(WriteTableAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(table);
            var entityType = db.Model.FindEntityType(table)!;
            var path = Path.Combine(directory, entityType.GetTableName() + ".csv");
            counts[entityType.GetTableName()!] = await ((Task<long>)method.Invoke(null, [db, entityType, path, patients, cancellationToken])!).ConfigureAwait(false);
            db.ChangeTracker.Clear();
        }

        counts["analysis_visits"] = await WriteAnalysisAsync(configuration, Path.Combine(directory, "analysis_visits.csv"), patients, cancellationToken).ConfigureAwait(false);
        return counts;
    }

    private static CsvWriter OpenCsv(string path)
    {
        var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        return new CsvWriter(writer, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" });
    }

    private static async Task<long> WriteTableAsync<T>(StromaDbContext db, IEntityType entityType, string path,
        Dictionary<Guid, (string Site, string StudyId)> patients, CancellationToken cancellationToken)
        where T : class
    {
        var columns = entityType.GetProperties().ToList();
        var patientColumn = columns.FirstOrDefault(c => c.Name == nameof(LabResult.PatientId));
        await using var csv = OpenCsv(path);
        if (patientColumn is not null)
        {
            csv.WriteField("site");
            csv.WriteField("study_id");
        }

        foreach (var column in columns)
        {
            csv.WriteField(column.GetColumnName());
        }

        await csv.NextRecordAsync().ConfigureAwait(false);
        long count = 0;
        await foreach (var row in db.Set<T>().AsNoTracking().OrderBy(e => EF.Property<Guid>(e, "Id")).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (patientColumn is not null)
            {
                var key = patients.GetValueOrDefault((Guid)patientColumn.GetGetter().GetClrValueUsingContainingEntity(row)!);
                csv.WriteField(key.Site);
                csv.WriteField(key.StudyId);
            }

            foreach (var column in columns)
            {
                csv.WriteField(AuditInterceptor.Canonical(column.GetGetter().GetClrValueUsingContainingEntity(row)) ?? "");
            }

            await csv.NextRecordAsync().ConfigureAwait(false);
            count++;
        }

        return count;
    }

    private static async Task<long> WriteAnalysisAsync(DataConfiguration configuration, string path,
        Dictionary<Guid, (string Site, string StudyId)> patients, CancellationToken cancellationToken)
    {
        await using var visitsDb = StromaDatabase.CreateContext(configuration);
        await using var scoresDb = StromaDatabase.CreateContext(configuration);
        await using var labsDb = StromaDatabase.CreateContext(configuration);
        var instruments = await scoresDb.Assessments.Select(a => a.Instrument).Distinct().OrderBy(i => i).ToListAsync(cancellationToken).ConfigureAwait(false);
        var analytes = await labsDb.LabResults.Where(l => l.VisitId != null).Select(l => l.Analyte).Distinct().OrderBy(a => a).ToListAsync(cancellationToken).ConfigureAwait(false);

        var visits = visitsDb.Visits.AsNoTracking().OrderBy(v => v.PatientId).ThenBy(v => v.VisitDate).ThenBy(v => v.Id)
            .Select(v => new { v.Id, v.PatientId, v.VisitDate, v.Type }).AsAsyncEnumerable();
        var scores = (from a in scoresDb.Assessments.AsNoTracking()
                      join v in scoresDb.Visits on a.VisitId equals v.Id
                      orderby v.PatientId, v.VisitDate, v.Id
                      select new { VisitId = v.Id, a.Instrument, a.Total }).AsAsyncEnumerable();
        var labs = (from l in labsDb.LabResults.AsNoTracking()
                    join v in labsDb.Visits on l.VisitId equals v.Id
                    orderby v.PatientId, v.VisitDate, v.Id
                    select new { VisitId = v.Id, l.Analyte, l.NormalisedValue, l.SpecimenTime }).AsAsyncEnumerable();

        await using var csv = OpenCsv(path);
        foreach (var name in AnalysisKeys.Concat(instruments.Select(i => $"{i}_total")).Concat(analytes))
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
            csv.WriteField(visit.Id.ToString("D"));
            csv.WriteField(visit.VisitDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
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
