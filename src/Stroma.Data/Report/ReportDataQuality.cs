using Microsoft.EntityFrameworkCore;
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

internal static class ReportDataQualityReader
{
    /// <summary>Reads the queries and SDV coverage of the cohort's patients (the cohort is already limited to the report's sites).</summary>
    public static async Task<ReportDataQuality> ReadAsync(StromaDbContext db, ReportCohort cohort, CancellationToken cancellationToken)
    {
        var asOf = db.Clock.GetUtcNow();
        var siteOf = cohort.Enrolled.ToDictionary(p => Guid.Parse(p.Id), p => p.Site);
        var ids = siteOf.Keys.ToList();
        var queries = await db.Queries.AsNoTracking().Where(q => ids.Contains(q.PatientId)).Select(q => new { q.PatientId, q.Status, q.RaisedAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var visits = await db.Visits.AsNoTracking().Where(v => ids.Contains(v.PatientId)).GroupBy(v => v.PatientId)
            .Select(g => new { PatientId = g.Key, Visits = g.Count(), Verified = g.Count(v => db.SdvMarks.Any(m => m.VisitId == v.Id && m.Field == null && m.ClearedAt == null)) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<SiteDataQuality>();
        foreach (var site in siteOf.Values.Distinct().Order(StringComparer.Ordinal))
        {
            var own = queries.Where(q => siteOf[q.PatientId] == site).ToList();
            var ages = own.Where(q => q.Status == QueryStatus.Open).Select(q => (int)Math.Floor((asOf - q.RaisedAt).TotalDays)).Order().ToList();
            double? median = ages.Count == 0 ? null : ages.Count % 2 == 1 ? ages[ages.Count / 2] : (ages[(ages.Count / 2) - 1] + ages[ages.Count / 2]) / 2.0;
            var siteVisits = visits.Where(v => siteOf[v.PatientId] == site).ToList();
            rows.Add(new SiteDataQuality(site, ages.Count, own.Count(q => q.Status == QueryStatus.Answered), own.Count(q => q.Status == QueryStatus.Closed),
                median, ages.Count == 0 ? null : ages[^1], siteVisits.Sum(v => v.Verified), siteVisits.Sum(v => v.Visits)));
        }

        return new ReportDataQuality(rows);
    }
}
