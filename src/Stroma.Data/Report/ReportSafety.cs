using System.Data.Common;
using System.Globalization;

namespace Stroma.Data.Report;

/// <summary>The safety section: adverse events by CTCAE v5.0 grade and investigator-assessed relation to the therapy.</summary>
internal static class ReportSafety
{
    /// <summary>Events and patients by CTCAE grade, causality and seriousness (a GROUP BY in the database), among the enrolled patients.</summary>
    public static async Task<List<AdverseEventRow>> ReadAsync(DbConnection connection, ReportSql sql, CancellationToken cancellationToken)
    {
        var rows = new List<AdverseEventRow>();
        await using var command = sql.Command(connection, $"""
            SELECT a.ctcae_grade, a.causality, a.serious, COUNT(*), COUNT(DISTINCT a.patient_id)
            FROM adverse_events a JOIN patients p ON p.id = a.patient_id JOIN sites s ON s.id = p.site_id
            WHERE a.deleted_at IS NULL AND p.deleted_at IS NULL {sql.SiteFilter} {sql.ProtocolFilter} AND {ReportSql.HasBaseline}
            GROUP BY a.ctcae_grade, a.causality, a.serious
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var grade = reader.IsDBNull(0) ? "not graded" : Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            var causality = reader.GetString(1);
            var related = causality is "Possible" or "Probable" or "Definite" ? "related" : causality == "NotAssessed" ? "not assessed" : "not related";
            rows.Add(new AdverseEventRow(grade, related, causality, Convert.ToBoolean(reader.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture)));
        }

        return [.. rows.OrderBy(r => r.Grade, StringComparer.Ordinal).ThenBy(r => r.Relatedness, StringComparer.Ordinal).ThenBy(r => r.Causality, StringComparer.Ordinal).ThenBy(r => r.Serious)];
    }
}
