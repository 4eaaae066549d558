using System.Data.Common;
using System.Globalization;
using Stroma.Clinical.Outcomes;
using Stroma.Clinical.Statistics;

namespace Stroma.Data.Report;

/// <summary>
/// The clinical responses: the investigators' adjudications as stored (never computed by Stroma) and their counts over
/// the enrolled patients with exact (Clopper-Pearson) 95% intervals.
/// </summary>
internal static class ReportResponses
{
    /// <summary>
    /// The stored adjudications (not deleted) of the enrolled patients, by enrolled index. The database restricts them to
    /// the chosen sites (no other site's adjudication is read); the cohort's index keeps the enrolled patients, so the
    /// patient and protocol tests are not repeated in SQL (at 10^6 patients that join was 1.2 s of the server's time on
    /// three processes, against 0.4 s for the table alone).
    /// </summary>
    public static async Task<List<(int Patient, AdjudicatedResponse Response)>> ReadAsync(DbConnection connection, ReportSql sql, ReportCohort cohort, CancellationToken cancellationToken)
    {
        var list = new List<(int, AdjudicatedResponse)>();
        await using var command = sql.Command(connection, $"""
            SELECT r.patient_id, r.assessment_date, {sql.Real("r.months_since_start")}, r.category, r.basis, r.visit_keys, r.adjudicated_by, r.adjudicated_at
            FROM response_adjudications r {sql.PatientJoin("r")}
            WHERE r.deleted_at IS NULL {sql.SiteFilter}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // The basis and the adjudicator recur (a protocol's criteria, a site's investigators): kept once each.
        var pool = new StringPool();
        var visitKeys = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string[] VisitKeys(string stored)
        {
            // The same list of visits recurs too (the protocol's time points): split once, shared read-only.
            ref var keys = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(visitKeys, stored, out var seen);
            if (!seen)
            {
                keys = stored.Split(';', StringSplitOptions.RemoveEmptyEntries);
            }

            return keys!;
        }

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!cohort.Index.TryGetValue(reader.GetGuid(0), out var patient))
            {
                continue;
            }

            var at = reader.GetValue(7) switch
            {
                DateTimeOffset o => o,
                DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                var other => DateTimeOffset.Parse(Convert.ToString(other, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
            };
            list.Add((patient, new AdjudicatedResponse(
                cohort.Enrolled[patient].Id,
                ReportSql.Date(reader, 1)!.Value,
                (decimal)Math.Round(reader.GetDouble(2), 6),
                Enum.Parse<ClinicalResponseCategory>(reader.GetString(3)),
                pool.Get(reader.GetString(4)),
                VisitKeys(reader.GetString(5)),
                pool.Get(reader.GetString(6)),
                at.ToUniversalTime())));
        }

        return list;
    }

    /// <summary>The counts of each category among every enrolled patient, with exact 95% intervals, and the relapses by month.</summary>
    public static ResponseCounts Count(ReportCohort cohort, List<(int Patient, AdjudicatedResponse Response)> adjudications, decimal horizon)
    {
        // A set, not a list: Summarise looks every adjudicated patient up in the cohort (quadratic on a list of 10^5).
        var keys = cohort.Enrolled.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var summary = ClinicalResponses.Summarise(keys, adjudications.Select(a => a.Response), horizon);
        var n = summary.CohortSize;
        ResponseCount Count(string category, int x)
        {
            var ci = BinomialInterval.ClopperPearson(x, n);
            return new ResponseCount(category, x, n, ci.Estimate, ci.Lower, ci.Upper);
        }

        var counts = n == 0 ? [] : new List<ResponseCount>
        {
            Count("MCR", summary.MajorClinicalResponses),
            Count("PCR", summary.PartialClinicalResponses),
            Count("MCR or PCR", summary.MajorClinicalResponses + summary.PartialClinicalResponses),
            Count("NR", summary.NoResponses),
            Count("Relapse after response", summary.Relapses),
        };
        var relapses = summary.Patients.Where(p => p.RelapseMonths is not null)
            .GroupBy(p => p.RelapseMonths!.Value).OrderBy(g => g.Key).Select(g => new RelapseCount(g.Key, g.Count())).ToList();
        return new ResponseCounts(n, horizon, counts, relapses, [.. summary.Issues.Select(i => i.ToString())]);
    }
}
