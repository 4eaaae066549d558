using System.Globalization;
using System.Net;
using System.Text;
using Stroma.Data.Report;

namespace Stroma.Reporting;

public static partial class ReportWriters
{
    /// <summary>The report as one HTML page, its charts inline as SVG.</summary>
    public static string Html(StudyReport report, IReadOnlyList<ReportChart> charts)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(charts);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(report.Title)).Append("</title>\n<style>")
         .Append("body{font-family:'DejaVu Sans',sans-serif;max-width:60rem;margin:2rem auto;color:#222}table{border-collapse:collapse;margin:1rem 0}")
         .Append("td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}figure{margin:1rem 0}")
         .Append(".synthetic{border:2px solid #b00;padding:.5rem;color:#b00}")
         .Append("</style></head><body>\n");
        h.Append("<h1>").Append(E(report.Title)).Append("</h1>\n");
        if (report.Provenance.Synthetic)
        {
            h.Append("<p class=\"synthetic\" role=\"note\"><strong>").Append(E(report.Provenance.Statement ?? ReportFormatting.SyntheticFallback)).Append("</strong></p>\n");
        }

        h.Append("<p>Protocol: ").Append(E(report.Protocol ?? "not named")).Append(". Sites: ")
         .Append(E(report.Sites.Count == 0 ? "all" : string.Join(", ", report.Sites))).Append(".</p>\n");
        var f = report.Flow;
        h.Append("<h2>Flow of patients</h2>\n<table><tr><th>Stage</th><th>n</th></tr>");
        foreach (var (label, n) in new[] { (ReportFormatting.RegisteredLabel(report), f.Registered), ("Enrolled (baseline visit)", f.Enrolled), ("Treated", f.Treated), ("Completed 12 months", f.Completed12Months), ("Died", f.Died), ("Withdrawn", f.Withdrawn) })
        {
            h.Append("<tr><td>").Append(E(label)).Append("</td><td>").Append(n).Append("</td></tr>");
        }

        h.Append("</table>\n");
        var b = report.Baseline;
        h.Append("<h2>Baseline characteristics</h2>\n<table><tr><th>Characteristic</th><th>Value</th></tr>")
         .Append("<tr><td>Patients</td><td>").Append(b.N).Append("</td></tr>")
         .Append("<tr><td>Female, n (%)</td><td>").Append(b.Female).Append(" (").Append(b.N == 0 ? "–" : ReportFormatting.Percent((double)b.Female / b.N)).Append(")</td></tr>")
         .Append("<tr><td>Age, years, mean ± SD</td><td>").Append(ReportFormatting.Number(b.AgeMean, 1)).Append(" ± ").Append(ReportFormatting.Number(b.AgeSd, 1)).Append("</td></tr>")
         .Append("<tr><td>Disease duration, months, median [IQR]</td><td>").Append(ReportFormatting.Number(b.DiseaseDurationMedianMonths, 1)).Append(" [")
         .Append(ReportFormatting.Number(b.DiseaseDurationQ1, 1)).Append(", ").Append(ReportFormatting.Number(b.DiseaseDurationQ3, 1)).Append("]</td></tr>")
         .Append("<tr><td>Biopsy-proven lupus nephritis, n</td><td>").Append(b.BiopsyProvenNephritis).Append("</td></tr></table>\n");

        h.Append("<h2>Disease activity, renal and serological measures by month</h2>\n<table><tr><th>Measure</th><th>Population</th><th>Month</th><th>n</th><th>Mean ± SD</th><th>Median [IQR]</th><th>Pairs</th><th>Paired t p</th><th>Wilcoxon p</th></tr>");
        foreach (var m in report.Measures)
        {
            var d = ReportFormatting.Decimals(m.Measure);
            h.Append("<tr><td>").Append(E($"{m.Label} ({m.Unit})")).Append("</td><td>").Append(E(ReportFormatting.PopulationLabel(m.Population))).Append("</td><td>").Append(m.Month).Append("</td><td>").Append(m.N).Append("</td><td>")
             .Append(E(ReportFormatting.MeanSd(m, d))).Append("</td><td>").Append(E(ReportFormatting.MedianIqr(m, d))).Append("</td><td>")
             .Append(m.Month == 0 ? "" : m.Pairs.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(m.Month == 0 ? "" : E(ReportFormatting.P(m.PairedTTestP)))
             .Append("</td><td>").Append(m.Month == 0 ? "" : E(ReportFormatting.P(m.WilcoxonP))).Append("</td></tr>");
        }

        h.Append("</table>\n<p>P-values compare each month with baseline over patients with both values: paired t-test on the mean, Wilcoxon signed-rank test on the median (see Methods).</p>\n");
        if (report.RenalBilagGrades.Count > 0)
        {
            h.Append("<h2>").Append(E(ReportFormatting.RenalBilagHeading)).Append("</h2>\n<table><tr><th>Population</th><th>Month</th><th>n</th><th>A</th><th>B</th><th>C</th><th>D</th><th>E</th></tr>");
            foreach (var g in report.RenalBilagGrades)
            {
                h.Append("<tr><td>").Append(E(ReportFormatting.PopulationLabel(g.Population))).Append("</td><td>").Append(g.Month).Append("</td><td>").Append(g.N);
                foreach (var count in new[] { g.A, g.B, g.C, g.D, g.E })
                {
                    h.Append("</td><td>").Append(count);
                }

                h.Append("</td></tr>");
            }

            h.Append("</table>\n<table><tr><th>Population</th><th>Change</th><th>n</th><th>Improved</th><th>Unchanged</th><th>Worsened</th></tr>");
            foreach (var c in report.RenalBilagChange)
            {
                h.Append("<tr><td>").Append(E(ReportFormatting.PopulationLabel(c.Population))).Append("</td><td>month ").Append(c.FromMonth).Append(" → ").Append(c.ToMonth)
                 .Append("</td><td>").Append(c.N).Append("</td><td>").Append(c.Improved).Append("</td><td>").Append(c.Unchanged).Append("</td><td>").Append(c.Worsened).Append("</td></tr>");
            }

            h.Append("</table>\n");
        }

        if (report.Published.Count > 0)
        {
            h.Append("<h2>").Append(E(ReportFormatting.PublishedHeading)).Append("</h2>\n<table><tr><th>Measure</th><th>Population</th><th>Month</th><th>Statistic</th><th>Published</th><th>This registry</th><th>n</th><th>Difference</th></tr>");
            foreach (var p in report.Published)
            {
                h.Append("<tr><td>").Append(E(p.Measure)).Append("</td><td>").Append(E(ReportFormatting.PopulationLabel(p.Population))).Append("</td><td>").Append(p.Month)
                 .Append("</td><td>").Append(E(p.Statistic)).Append("</td><td>").Append(E(ReportFormatting.Fixed(p.Published, p))).Append("</td><td>")
                 .Append(E(ReportFormatting.Fixed(p.RegistryRounded, p))).Append("</td><td>").Append(p.N?.ToString(CultureInfo.InvariantCulture) ?? "–").Append("</td><td>")
                 .Append(E(ReportFormatting.Fixed(p.Difference, p))).Append("</td></tr>");
            }

            h.Append("</table>\n");
            foreach (var citation in report.Published.Select(p => (p.Citation, p.Note)).Distinct())
            {
                h.Append("<p>").Append(E(citation.Citation)).Append(citation.Note is null ? "" : ". " + E(citation.Note)).Append("</p>\n");
            }
        }

        h.Append("<h2>Clinical responses (investigator adjudications)</h2>\n<table><tr><th>Category</th><th>n/N</th><th>%</th><th>95% CI (Clopper-Pearson)</th></tr>");
        foreach (var c in report.Responses.Counts)
        {
            h.Append("<tr><td>").Append(E(c.Category)).Append("</td><td>").Append(c.Count).Append('/').Append(c.N).Append("</td><td>").Append(ReportFormatting.Percent(c.Proportion))
             .Append("</td><td>").Append(ReportFormatting.Percent(c.Lower)).Append('–').Append(ReportFormatting.Percent(c.Upper)).Append("</td></tr>");
        }

        h.Append("</table>\n");
        foreach (var r in report.Responses.RelapsesByMonth)
        {
            h.Append("<p>Relapses adjudicated at month ").Append(r.Month.ToString("0.##", CultureInfo.InvariantCulture)).Append(": ").Append(r.Count).Append("</p>\n");
        }

        h.Append("<h2>Survival</h2>\n");
        foreach (var s in report.Survival)
        {
            h.Append("<h3>").Append(s.Endpoint == "overall_survival" ? "Overall survival" : "Relapse-free survival").Append("</h3>\n<p>").Append(E(s.Definition))
             .Append(" n = ").Append(s.N).Append(", events = ").Append(s.Events).Append("; at 12 months ").Append(ReportFormatting.Number(s.SurvivalAt12, 3))
             .Append(" (95% CI ").Append(ReportFormatting.Number(s.LowerAt12, 3)).Append('–').Append(ReportFormatting.Number(s.UpperAt12, 3)).Append(").</p>\n");
            AppendChart(h, charts, $"km_{s.Endpoint}");
        }

        h.Append("<h2>Trajectories</h2>\n");
        foreach (var chart in charts.Where(c => !c.Key.StartsWith("km_", StringComparison.Ordinal)))
        {
            AppendChart(h, charts, chart.Key);
        }

        h.Append("<h2>Adverse events</h2>\n<table><tr><th>CTCAE grade</th><th>Relatedness</th><th>Causality</th><th>Serious</th><th>Events</th><th>Patients</th></tr>");
        foreach (var a in report.AdverseEvents)
        {
            h.Append("<tr><td>").Append(E(a.Grade)).Append("</td><td>").Append(E(a.Relatedness)).Append("</td><td>").Append(E(a.Causality)).Append("</td><td>")
             .Append(a.Serious ? "yes" : "no").Append("</td><td>").Append(a.Events).Append("</td><td>").Append(a.Patients).Append("</td></tr>");
        }

        h.Append("</table>\n");
        AppendDataQuality(h, report);
        h.Append(CarTReportText.Html(report.CarT)).Append("<h2>Methods</h2>\n<ul>");
        foreach (var m in report.Methods)
        {
            h.Append("<li>").Append(E(m)).Append("</li>");
        }

        h.Append("</ul>\n</body></html>\n");
        return h.ToString();
    }

    private static void AppendChart(StringBuilder h, IReadOnlyList<ReportChart> charts, string key)
    {
        if (charts.FirstOrDefault(c => c.Key == key) is { } chart)
        {
            var svg = chart.Svg;
            var start = svg.IndexOf("<svg", StringComparison.Ordinal);
            h.Append("<figure>").Append(start >= 0 ? svg[start..] : svg).Append("<figcaption>").Append(WebUtility.HtmlEncode(chart.Title)).Append("</figcaption></figure>\n");
        }
    }
}
