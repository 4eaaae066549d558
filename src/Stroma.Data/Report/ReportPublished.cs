using Stroma.Clinical.CellTherapy;

namespace Stroma.Data.Report;

/// <summary>
/// The protocol's published reference results (<see cref="Protocol.PublishedResults"/>) beside this registry's figure
/// for the same measure, population, month and statistic, and the difference (registry − published, after rounding the
/// registry's figure to the decimals the publication gives).
/// </summary>
internal static class ReportPublished
{
    public static List<PublishedComparison> Compare(string? protocol, PatientFlow flow, BaselineCharacteristics baseline, IReadOnlyList<MeasureRow> measures,
        ResponseCounts responses, IReadOnlyList<SurvivalSummary> survival)
    {
        var published = protocol is null ? [] : ProtocolTemplates.Find(protocol)?.PublishedResults ?? [];
        var list = new List<PublishedComparison>();
        foreach (var p in published)
        {
            (double? Value, int? N) registry = (p.Measure, p.Statistic) switch
            {
                ("enrolled", "count") => (flow.Enrolled, flow.Registered),
                ("lupus_nephritis", "count") => (baseline.BiopsyProvenNephritis, baseline.N),
                ("overall_survival", "proportion") when p.Month == 12 => survival.FirstOrDefault(s => s.Endpoint == "overall_survival") is { } s ? (s.SurvivalAt12, s.N) : (null, null),
                ("relapse", "count") => (responses.RelapsesByMonth.Where(r => r.Month == p.Month).Sum(r => r.Count), responses.N),
                (_, "count") when responses.HorizonMonths == p.Month && responses.Counts.FirstOrDefault(c => c.Category == p.Measure) is { } c => (c.Count, c.N),
                (_, "mean" or "sd") => measures.FirstOrDefault(m => m.Measure == p.Measure && m.Population == p.Population && m.Month == p.Month) is { } m
                    ? (p.Statistic == "mean" ? m.Mean : m.Sd, m.N)
                    : (null, null),
                _ => (null, null),
            };
            var rounded = registry.Value is { } v ? Math.Round((decimal)v, p.Decimals, MidpointRounding.AwayFromZero) : (decimal?)null;
            list.Add(new PublishedComparison(p.Measure, p.Population, p.Month, p.Statistic, p.Decimals, p.Value, registry.Value, registry.N, rounded, rounded - p.Value, p.Citation, p.Note));
        }

        return list;
    }
}
