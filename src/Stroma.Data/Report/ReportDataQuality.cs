using System.Data.Common;
using Stroma.Data.Model;

namespace Stroma.Data.Report;

/// <summary>
/// Data quality of the report's cohort (issue #15; docs/report.md, "Data quality"): per site, the queries on the cohort's
/// patients by status, the age of the open ones (waiting for the site) in whole days since they were raised, and source
/// data verification coverage (the cohort's visits with a standing whole-visit mark, of all its visits).
/// </summary>
/// <param name="Sites">One row per site with patients in the cohort, by site code (only the sites the report covers).</param>
/// <remarks>Ages are counted to the registry clock's "now" when the report is built.</remarks>
public sealed record ReportDataQuality(IReadOnlyList<SiteDataQuality> Sites);

/// <summary>One site's queries and SDV coverage in the report's cohort.</summary>
/// <param name="Site">The site code.</param>
/// <param name="OpenQueries">Queries waiting for the site (status open, re-opened ones included).</param>
/// <param name="AnsweredQueries">Queries answered, waiting for whoever raised them.</param>
/// <param name="ClosedQueries">Queries closed.</param>
/// <param name="MedianOpenAgeDays">Median age of the open queries in whole days (null when none is open).</param>
/// <param name="OldestOpenAgeDays">Age of the oldest open query in whole days (null when none is open).</param>
/// <param name="VerifiedVisits">The cohort's visits at the site with a standing whole-visit SDV mark.</param>
/// <param name="Visits">The cohort's visits at the site.</param>
public sealed record SiteDataQuality(string Site, int OpenQueries, int AnsweredQueries, int ClosedQueries, double? MedianOpenAgeDays, int? OldestOpenAgeDays,
    int VerifiedVisits, int Visits);

/// <summary>
/// Reads <see cref="ReportDataQuality"/> as one of the report's parallel reads (plain SQL on its connection): every
/// query's patient, status and raising time, and the visits of the chosen sites with a standing whole-visit SDV mark,
/// counted per patient by the database; the cohort and its sites are picked out of both here. The cohort's visits per
/// site are counted from the report's one stream of visits (<see cref="CohortPatient.Visits"/>), not read again (at 10^6
/// patients that second read grouped 7 × 10^6 visits by patient: 2.7 s of the server on three processes).
/// </summary>
internal static class ReportDataQualityReader
{
    public static async Task<ReportDataQuality> ReadAsync(DbConnection connection, ReportSql sql, ReportCohort cohort, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var queries = new List<(int Patient, QueryStatus Status, DateTimeOffset RaisedAt)>();
        await using (var command = sql.Command(connection, "SELECT q.patient_id, q.status, q.raised_at FROM queries q WHERE q.deleted_at IS NULL"))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (cohort.Index.TryGetValue(reader.GetGuid(0), out var patient))
                {
                    queries.Add((patient, Enum.Parse<QueryStatus>(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2)));
                }
            }
        }

        // Summed per site as they are counted (one lookup a patient), not kept and filtered again for each site.
        var visits = new Dictionary<string, (long Visits, long Verified)>(StringComparer.Ordinal);
        foreach (var patient in cohort.Enrolled)
        {
            ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(visits, patient.Site, out _);
            sum = (sum.Visits + patient.Visits, sum.Verified);
        }

        await using (var command = sql.Command(connection, $"""
            SELECT v.patient_id, COUNT(DISTINCT m.visit_id) FROM sdv_marks m JOIN visits v ON v.id = m.visit_id {sql.PatientJoin("v")}
            WHERE m.field IS NULL AND m.cleared_at IS NULL AND v.deleted_at IS NULL {sql.SiteFilter}
            GROUP BY v.patient_id
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (cohort.Index.TryGetValue(reader.GetGuid(0), out var patient))
                {
                    ref var sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(visits, cohort.Enrolled[patient].Site, out _);
                    sum = (sum.Visits, sum.Verified + reader.GetInt64(1));
                }
            }
        }

        var rows = new List<SiteDataQuality>();
        foreach (var site in visits.Keys.Order(StringComparer.Ordinal))
        {
            var own = queries.Where(q => cohort.Enrolled[q.Patient].Site == site).ToList();
            var ages = own.Where(q => q.Status == QueryStatus.Open).Select(q => (int)Math.Floor((asOf - q.RaisedAt).TotalDays)).Order().ToList();
            double? median = ages.Count == 0 ? null : ages.Count % 2 == 1 ? ages[ages.Count / 2] : (ages[(ages.Count / 2) - 1] + ages[ages.Count / 2]) / 2.0;
            var siteVisits = visits[site];
            rows.Add(new SiteDataQuality(site, ages.Count, own.Count(q => q.Status == QueryStatus.Answered), own.Count(q => q.Status == QueryStatus.Closed),
                median, ages.Count == 0 ? null : ages[^1], checked((int)siteVisits.Verified), checked((int)siteVisits.Visits)));
        }

        return new ReportDataQuality(rows);
    }
}
