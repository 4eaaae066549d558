using System.Globalization;
using System.Net;
using System.Text;
using Stroma.Data.Report;
using Stroma.Reporting.Localization;

namespace Stroma.Reporting;

public static partial class ReportWriters
{
    /// <summary>The report as one HTML page in <paramref name="language"/> (default English), its charts inline as SVG.</summary>
    public static string Html(StudyReport report, IReadOnlyList<ReportChart> charts, ReportLanguage? language = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(charts);
        var t = new ReportText(language ?? ReportLanguage.English);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var h = new StringBuilder();
        // A Chinese page names the CJK font the PDF and charts use (fonts-wqy-zenhei) before the generic family.
        var fonts = t.Language.IsChinese ? $"'{ReportFontResolver.CjkFamily}','{ReportFontResolver.Family}',sans-serif" : $"'{ReportFontResolver.Family}',sans-serif";
        h.Append("<!DOCTYPE html>\n<html lang=\"").Append(t.Language.HtmlLang).Append("\"><head><meta charset=\"utf-8\"><title>").Append(E(t["title"])).Append("</title>\n<style>")
         .Append("body{font-family:").Append(fonts).Append(";max-width:60rem;margin:2rem auto;color:#222}table{border-collapse:collapse;margin:1rem 0}")
         .Append("td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}figure{margin:1rem 0}")
         .Append(".synthetic{border:2px solid #b00;padding:.5rem;color:#b00}")
         .Append("</style></head><body>\n");
        h.Append("<h1>").Append(E(t["title"])).Append("</h1>\n");
        if (report.Provenance.Synthetic)
        {
            h.Append("<p class=\"synthetic\" role=\"note\"><strong>").Append(E(ReportFormatting.SyntheticStatement(report, t))).Append("</strong></p>\n");
        }

        h.Append("<p>").Append(E(ReportFormatting.ProtocolAndSites(report, t))).Append("</p>\n");
        var f = report.Flow;
        h.Append("<h2>").Append(E(t["flow"])).Append("</h2>\n<table><tr><th>").Append(E(t["stage"])).Append("</th><th>n</th></tr>");
        foreach (var (label, n) in new[] { (ReportFormatting.RegisteredLabel(report, t), f.Registered), (t["enrolled"], f.Enrolled), (t["treated"], f.Treated), (t["completed12"], f.Completed12Months), (t["died"], f.Died), (t["withdrawn"], f.Withdrawn) })
        {
            h.Append("<tr><td>").Append(E(label)).Append("</td><td>").Append(n).Append("</td></tr>");
        }

        h.Append("</table>\n");
        var b = report.Baseline;
        h.Append("<h2>").Append(E(t["baseline"])).Append("</h2>\n<table><tr><th>").Append(E(t["characteristic"])).Append("</th><th>").Append(E(t["value"])).Append("</th></tr>")
         .Append("<tr><td>").Append(Label(t["patients"])).Append("</td><td>").Append(b.N).Append("</td></tr>")
         .Append("<tr><td>").Append(Label(t["female"])).Append("</td><td>").Append(b.Female).Append(" (").Append(b.N == 0 ? "–" : ReportFormatting.Percent((double)b.Female / b.N)).Append(")</td></tr>")
         .Append("<tr><td>").Append(Label(t["age"])).Append("</td><td>").Append(ReportFormatting.Number(b.AgeMean, 1)).Append(" ± ").Append(ReportFormatting.Number(b.AgeSd, 1)).Append("</td></tr>")
         .Append("<tr><td>").Append(Label(t["duration"])).Append("</td><td>").Append(ReportFormatting.Number(b.DiseaseDurationMedianMonths, 1)).Append(" [")
         .Append(ReportFormatting.Number(b.DiseaseDurationQ1, 1)).Append(", ").Append(ReportFormatting.Number(b.DiseaseDurationQ3, 1)).Append("]</td></tr>")
         .Append("<tr><td>").Append(Label(t["nephritis"])).Append("</td><td>").Append(b.BiopsyProvenNephritis).Append("</td></tr></table>\n");

        h.Append("<h2>").Append(E(t["measures"])).Append("</h2>\n<table><tr>");
        AppendHeaders(h, t["measure"], t["population"], t["month"], "n", t["mean_sd"], t["median_iqr"], t["pairs"], t["paired_t"], t["wilcoxon"]);
        foreach (var m in report.Measures)
        {
            var d = ReportFormatting.Decimals(m.Measure);
            h.Append("<tr><td>").Append(E($"{m.Label} ({m.Unit})")).Append("</td><td>").Append(E(ReportFormatting.PopulationLabel(m.Population, t))).Append("</td><td>").Append(m.Month).Append("</td><td>").Append(m.N).Append("</td><td>")
             .Append(E(ReportFormatting.MeanSd(m, d))).Append("</td><td>").Append(E(ReportFormatting.MedianIqr(m, d))).Append("</td><td>")
             .Append(m.Month == 0 ? "" : m.Pairs.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(m.Month == 0 ? "" : E(ReportFormatting.P(m.PairedTTestP)))
             .Append("</td><td>").Append(m.Month == 0 ? "" : E(ReportFormatting.P(m.WilcoxonP))).Append("</td></tr>");
        }

        h.Append("</table>\n<p>").Append(E(t["measures_note_html"])).Append("</p>\n");
        if (ReportFormatting.MarkedLeftOut(report, t) is { } leftOut)
        {
            h.Append("<p>").Append(Localization.ReportText.Html(leftOut)).Append("</p>\n");
        }
        if (report.RenalBilagGrades.Count > 0)
        {
            h.Append("<h2>").Append(E(t["renal_bilag"])).Append("</h2>\n<table><tr>");
            AppendHeaders(h, t["population"], t["month"], "n", "A", "B", "C", "D", "E");
            foreach (var g in report.RenalBilagGrades)
            {
                h.Append("<tr><td>").Append(E(ReportFormatting.PopulationLabel(g.Population, t))).Append("</td><td>").Append(g.Month).Append("</td><td>").Append(g.N);
                foreach (var count in new[] { g.A, g.B, g.C, g.D, g.E })
                {
                    h.Append("</td><td>").Append(count);
                }

                h.Append("</td></tr>");
            }

            h.Append("</table>\n<table><tr>");
            AppendHeaders(h, t["population"], t["change"], "n", t["improved"], t["unchanged"], t["worsened"]);
            foreach (var c in report.RenalBilagChange)
            {
                h.Append("<tr><td>").Append(E(ReportFormatting.PopulationLabel(c.Population, t))).Append("</td><td>").Append(E(t["month_change", c.FromMonth, c.ToMonth]))
                 .Append("</td><td>").Append(c.N).Append("</td><td>").Append(c.Improved).Append("</td><td>").Append(c.Unchanged).Append("</td><td>").Append(c.Worsened).Append("</td></tr>");
            }

            h.Append("</table>\n");
        }

        if (report.Published.Count > 0)
        {
            h.Append("<h2>").Append(E(t["published"])).Append("</h2>\n<table><tr>");
            AppendHeaders(h, t["measure"], t["population"], t["month"], t["statistic"], t["published_value"], t["registry_value"], "n", t["difference"]);
            foreach (var p in report.Published)
            {
                h.Append("<tr><td>").Append(E(p.Measure)).Append("</td><td>").Append(E(ReportFormatting.PopulationLabel(p.Population, t))).Append("</td><td>").Append(p.Month)
                 .Append("</td><td>").Append(E(ReportFormatting.StatisticLabel(p.Statistic, t))).Append("</td><td>").Append(E(ReportFormatting.Fixed(p.Published, p))).Append("</td><td>")
                 .Append(E(ReportFormatting.Fixed(p.RegistryRounded, p))).Append("</td><td>").Append(p.N?.ToString(CultureInfo.InvariantCulture) ?? "–").Append("</td><td>")
                 .Append(E(ReportFormatting.Fixed(p.Difference, p))).Append("</td></tr>");
            }

            h.Append("</table>\n");
            // Citations and notes are the protocol definition's text, kept as written (English).
            foreach (var citation in report.Published.Select(p => (p.Citation, p.Note)).Distinct())
            {
                h.Append(t.Language.IsChinese ? "<p lang=\"en\">" : "<p>").Append(E(citation.Citation)).Append(citation.Note is null ? "" : ". " + E(citation.Note)).Append("</p>\n");
            }
        }

        h.Append("<h2>").Append(E(t["responses"])).Append("</h2>\n<table><tr>");
        AppendHeaders(h, t["category"], "n/N", "%", t["ci"]);
        foreach (var c in report.Responses.Counts)
        {
            h.Append("<tr><td>").Append(E(ReportFormatting.Value("category", c.Category, t))).Append("</td><td>").Append(c.Count).Append('/').Append(c.N).Append("</td><td>").Append(ReportFormatting.Percent(c.Proportion))
             .Append("</td><td>").Append(ReportFormatting.Percent(c.Lower)).Append('–').Append(ReportFormatting.Percent(c.Upper)).Append("</td></tr>");
        }

        h.Append("</table>\n");
        foreach (var r in report.Responses.RelapsesByMonth)
        {
            h.Append("<p>").Append(E(t["relapses_at", r.Month.ToString("0.##", CultureInfo.InvariantCulture), r.Count])).Append("</p>\n");
        }

        h.Append("<h2>").Append(E(t["survival"])).Append("</h2>\n");
        foreach (var s in report.Survival)
        {
            h.Append("<h3>").Append(E(t["endpoint." + s.Endpoint])).Append("</h3>\n<p>")
             .Append(E(t["survival_html", t["definition." + s.Endpoint], s.N, s.Events, ReportFormatting.Number(s.SurvivalAt12, 3), ReportFormatting.Number(s.LowerAt12, 3), ReportFormatting.Number(s.UpperAt12, 3)]))
             .Append("</p>\n");
            AppendChart(h, charts, $"km_{s.Endpoint}");
        }

        h.Append("<h2>").Append(E(t["trajectories"])).Append("</h2>\n");
        foreach (var chart in charts.Where(c => !c.Key.StartsWith("km_", StringComparison.Ordinal)))
        {
            AppendChart(h, charts, chart.Key);
        }

        h.Append("<h2>").Append(E(t["adverse_events"])).Append("</h2>\n<table><tr>");
        AppendHeaders(h, t["ae_grade"], t["relatedness"], t["causality"], t["serious"], t["events"], t["patients"]);
        foreach (var a in report.AdverseEvents)
        {
            h.Append("<tr><td>").Append(E(ReportFormatting.Value("grade", a.Grade, t))).Append("</td><td>").Append(E(ReportFormatting.Value("relatedness", a.Relatedness, t)))
             .Append("</td><td>").Append(E(ReportFormatting.Value("causality", a.Causality, t))).Append("</td><td>")
             .Append(E(a.Serious ? t["yes"] : t["no"])).Append("</td><td>").Append(a.Events).Append("</td><td>").Append(a.Patients).Append("</td></tr>");
        }

        h.Append("</table>\n");
        AppendDataQuality(h, report, t);
        h.Append(CarTReportText.Html(report.CarT, t)).Append("<h2>").Append(E(t["methods"])).Append("</h2>\n<ul>");
        foreach (var m in ReportFormatting.MarkedMethods(report, t))
        {
            h.Append("<li>").Append(ReportText.Html(m)).Append("</li>");
        }

        h.Append("</ul>\n</body></html>\n");
        return h.ToString();
    }

    /// <summary>A label of the report's own text, escaped only where HTML requires it (its ± and Chinese stay characters).</summary>
    private static string Label(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A header row's cells, then the row's end.</summary>
    private static void AppendHeaders(StringBuilder h, params string[] headers)
    {
        foreach (var header in headers)
        {
            h.Append("<th>").Append(Label(header)).Append("</th>");
        }

        h.Append("</tr>");
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
