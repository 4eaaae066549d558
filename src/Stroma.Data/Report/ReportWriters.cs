using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Stroma.Data.Report;

/// <summary>Output formats of the study report.</summary>
public enum ReportFormat
{
    Html,
    Pdf,
    Csv,
    Json,
}

/// <summary>Writes a <see cref="StudyReport"/> as JSON, CSV (long format), HTML (inline SVG charts) or PDF (PNG charts).</summary>
public static class ReportWriters
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task WriteAsync(StudyReport report, ReportFormat format, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case ReportFormat.Json:
                await JsonSerializer.SerializeAsync(output, report, Json, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                break;
            case ReportFormat.Csv:
                await WriteTextAsync(output, Csv(report), cancellationToken).ConfigureAwait(false);
                break;
            case ReportFormat.Html:
                await WriteTextAsync(output, Html(report, ReportCharts.Draw(report)), cancellationToken).ConfigureAwait(false);
                break;
            default:
                Pdf(report, ReportCharts.Draw(report)).Save(output, false);
                break;
        }
    }

    private static async Task WriteTextAsync(Stream output, string text, CancellationToken cancellationToken) =>
        await output.WriteAsync(new UTF8Encoding(false).GetBytes(text), cancellationToken).ConfigureAwait(false);

    /// <summary>Long format, one figure per line: <c>section,item,month,statistic,value</c>.</summary>
    public static string Csv(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using var csv = new CsvWriter(text, CultureInfo.InvariantCulture);
        void Row(string section, string item, string? month, string statistic, object? value)
        {
            csv.WriteField(section);
            csv.WriteField(item);
            csv.WriteField(month ?? "");
            csv.WriteField(statistic);
            csv.WriteField(value switch
            {
                null => "",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                decimal m => m.ToString(CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            });
            csv.NextRecord();
        }

        foreach (var header in new[] { "section", "item", "month", "statistic", "value" })
        {
            csv.WriteField(header);
        }

        csv.NextRecord();
        var f = report.Flow;
        Row("flow", "registered", null, "n", f.Registered);
        Row("flow", "enrolled", null, "n", f.Enrolled);
        Row("flow", "treated", null, "n", f.Treated);
        Row("flow", "completed_12_months", null, "n", f.Completed12Months);
        Row("flow", "died", null, "n", f.Died);
        Row("flow", "withdrawn", null, "n", f.Withdrawn);
        var b = report.Baseline;
        Row("baseline", "patients", null, "n", b.N);
        Row("baseline", "female", null, "n", b.Female);
        Row("baseline", "age_years", null, "n", b.AgeN);
        Row("baseline", "age_years", null, "mean", b.AgeMean);
        Row("baseline", "age_years", null, "sd", b.AgeSd);
        Row("baseline", "disease_duration_months", null, "n", b.DiseaseDurationN);
        Row("baseline", "disease_duration_months", null, "median", b.DiseaseDurationMedianMonths);
        Row("baseline", "disease_duration_months", null, "q1", b.DiseaseDurationQ1);
        Row("baseline", "disease_duration_months", null, "q3", b.DiseaseDurationQ3);
        Row("baseline", "biopsy_proven_nephritis", null, "n", b.BiopsyProvenNephritis);
        foreach (var m in report.Measures)
        {
            var month = m.Month.ToString(CultureInfo.InvariantCulture);
            Row("measure", m.Measure, month, "n", m.N);
            Row("measure", m.Measure, month, "mean", m.Mean);
            Row("measure", m.Measure, month, "sd", m.Sd);
            Row("measure", m.Measure, month, "median", m.Median);
            Row("measure", m.Measure, month, "q1", m.Q1);
            Row("measure", m.Measure, month, "q3", m.Q3);
            if (m.Month > 0)
            {
                Row("measure", m.Measure, month, "pairs", m.Pairs);
                Row("measure", m.Measure, month, "mean_change", m.MeanChange);
                Row("measure", m.Measure, month, "paired_t_p", m.PairedTTestP);
                Row("measure", m.Measure, month, "wilcoxon_p", m.WilcoxonP);
            }
        }

        foreach (var c in report.Responses.Counts)
        {
            Row("response", c.Category, null, "count", c.Count);
            Row("response", c.Category, null, "n", c.N);
            Row("response", c.Category, null, "proportion", c.Proportion);
            Row("response", c.Category, null, "lower_95", c.Lower);
            Row("response", c.Category, null, "upper_95", c.Upper);
        }

        foreach (var r in report.Responses.RelapsesByMonth)
        {
            Row("relapse", "relapse", r.Month.ToString(CultureInfo.InvariantCulture), "count", r.Count);
        }

        foreach (var s in report.Survival)
        {
            Row("survival", s.Endpoint, null, "n", s.N);
            Row("survival", s.Endpoint, null, "events", s.Events);
            Row("survival", s.Endpoint, "12", "survival", s.SurvivalAt12);
            Row("survival", s.Endpoint, "12", "lower_95", s.LowerAt12);
            Row("survival", s.Endpoint, "12", "upper_95", s.UpperAt12);
            Row("survival", s.Endpoint, null, "median_months", s.MedianMonths);
            foreach (var a in s.AtRisk)
            {
                Row("survival", s.Endpoint, a.Month.ToString(CultureInfo.InvariantCulture), "at_risk", a.AtRisk);
            }
        }

        foreach (var a in report.AdverseEvents)
        {
            var item = $"grade {a.Grade}; {a.Relatedness}; {a.Causality}{(a.Serious ? "; serious" : "")}";
            Row("adverse_events", item, null, "events", a.Events);
            Row("adverse_events", item, null, "patients", a.Patients);
        }

        csv.Flush();
        return text.ToString();
    }

    public static string Html(StudyReport report, IReadOnlyList<ReportChart> charts)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(charts);
        static string E(string s) => WebUtility.HtmlEncode(s);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(report.Title)).Append("</title>\n<style>")
         .Append("body{font-family:'DejaVu Sans',sans-serif;max-width:60rem;margin:2rem auto;color:#222}table{border-collapse:collapse;margin:1rem 0}")
         .Append("td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}figure{margin:1rem 0}")
         .Append("</style></head><body>\n");
        h.Append("<h1>").Append(E(report.Title)).Append("</h1>\n<p>Protocol: ").Append(E(report.Protocol ?? "not named")).Append(". Sites: ")
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

        h.Append("<h2>Disease activity, renal and serological measures by month</h2>\n<table><tr><th>Measure</th><th>Month</th><th>n</th><th>Mean ± SD</th><th>Median [IQR]</th><th>Pairs</th><th>Paired t p</th><th>Wilcoxon p</th></tr>");
        foreach (var m in report.Measures)
        {
            var d = ReportFormatting.Decimals(m.Measure);
            h.Append("<tr><td>").Append(E($"{m.Label} ({m.Unit})")).Append("</td><td>").Append(m.Month).Append("</td><td>").Append(m.N).Append("</td><td>")
             .Append(E(ReportFormatting.MeanSd(m, d))).Append("</td><td>").Append(E(ReportFormatting.MedianIqr(m, d))).Append("</td><td>")
             .Append(m.Month == 0 ? "" : m.Pairs.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(m.Month == 0 ? "" : E(ReportFormatting.P(m.PairedTTestP)))
             .Append("</td><td>").Append(m.Month == 0 ? "" : E(ReportFormatting.P(m.WilcoxonP))).Append("</td></tr>");
        }

        h.Append("</table>\n<p>P-values compare each month with baseline over patients with both values: paired t-test on the mean, Wilcoxon signed-rank test on the median (see Methods).</p>\n");
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

        h.Append("</table>\n<h2>Methods</h2>\n<ul>");
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

    public static PdfDocument Pdf(StudyReport report, IReadOnlyList<ReportChart> charts)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(charts);
        DejaVuFontResolver.Install();
        var document = new PdfDocument();
        document.Info.Title = report.Title;
        document.Info.Creator = "Stroma";
        var page = NewPage(document, out var gfx);
        var fonts = new Dictionary<int, XFont>
        {
            [0] = new XFont(DejaVuFontResolver.Family, 9),
            [1] = new XFont(DejaVuFontResolver.Family, 18, XFontStyleEx.Bold),
            [2] = new XFont(DejaVuFontResolver.Family, 13, XFontStyleEx.Bold),
            [3] = new XFont(DejaVuFontResolver.Family, 10.5, XFontStyleEx.Bold),
        };
        const double margin = 50;
        var y = margin;
        var width = page.Width.Point - (2 * margin);

        void Break(double needed)
        {
            if (y + needed > page.Height.Point - margin)
            {
                gfx.Dispose();
                page = NewPage(document, out gfx);
                y = margin;
            }
        }

        foreach (var (level, text) in ReportFormatting.Lines(report))
        {
            if (level == ReportFormatting.TableLevel)
            {
                var table = new PdfTable(ReportFormatting.Table(report, text), fonts[0], new XFont(DejaVuFontResolver.Family, 8, XFontStyleEx.Bold), margin, width);
                y = table.Draw(gfx, y, page.Height.Point - margin, () =>
                {
                    gfx.Dispose();
                    page = NewPage(document, out gfx);
                    return (gfx, margin);
                });
                y += 6;
                continue;
            }

            var font = fonts[level];
            if (level is 1 or 2)
            {
                Break(40);
                y += level == 2 ? 8 : 0;
                document.Outlines.Add(text, page, true);
            }

            foreach (var line in Wrap(gfx, text, font, width))
            {
                Break(font.Size * 1.4);
                gfx.DrawString(line, font, XBrushes.Black, new XRect(margin, y, width, font.Size * 1.4), XStringFormats.TopLeft);
                y += font.Size * 1.4;
            }
        }

        gfx.Dispose();
        page = NewPage(document, out gfx);
        y = margin;
        document.Outlines.Add("Charts", page, true);
        foreach (var chart in charts)
        {
            using var stream = new MemoryStream(chart.Png);
            using var image = XImage.FromStream(stream);
            var height = width * image.PixelHeight / image.PixelWidth;
            Break(height + 12);
            gfx.DrawImage(image, margin, y, width, height);
            y += height + 12;
        }

        gfx.Dispose();
        return document;
    }

    /// <summary>
    /// Draws a <see cref="ReportFormatting.ReportTable"/>: a shaded header row, ruled rows and column lines, numbers right-aligned,
    /// group rows spanning the width; at a page break the header row is drawn again on the new page.
    /// </summary>
    private sealed class PdfTable(ReportFormatting.ReportTable table, XFont font, XFont bold, double left, double width)
    {
        private const double Padding = 3;
        private readonly double rowHeight = font.Size * 1.6;
        private readonly double[] widths = Widths(table, width);

        private static readonly XPen Rule = new(XColor.FromArgb(170, 170, 170), 0.4);
        private static readonly XPen Frame = new(XColors.Black, 0.8);
        private static readonly XBrush HeaderFill = new XSolidBrush(XColor.FromArgb(230, 230, 230));
        private static readonly XBrush GroupFill = new XSolidBrush(XColor.FromArgb(245, 245, 245));

        private static double[] Widths(ReportFormatting.ReportTable table, double width)
        {
            var total = table.Columns.Sum(c => c.Width);
            return [.. table.Columns.Select(c => c.Width / total * width)];
        }

        /// <summary>Draws from <paramref name="y"/>; <paramref name="newPage"/> gives the next page's graphics and top. Returns the y below the table.</summary>
        public double Draw(XGraphics gfx, double y, double bottom, Func<(XGraphics Gfx, double Top)> newPage)
        {
            var top = y;
            string? currentGroup = null;
            Header(gfx, ref y);
            for (var i = 0; i < table.Rows.Count; i++)
            {
                var (group, cells) = table.Rows[i];
                // A group row keeps at least its first row with it on the page.
                var needed = rowHeight * (group is not null && i + 1 < table.Rows.Count ? 2 : 1);
                if (y + needed > bottom)
                {
                    Close(gfx, top, y);
                    (gfx, y) = newPage();
                    top = y;
                    Header(gfx, ref y);
                    if (group is null && currentGroup is not null)
                    {
                        Group(gfx, ref y, currentGroup + " (continued)");
                    }
                }

                if (group is not null)
                {
                    currentGroup = group;
                    Group(gfx, ref y, group);
                    continue;
                }
                Cells(gfx, y, cells, font);
                ColumnLines(gfx, y);
                y += rowHeight;
                gfx.DrawLine(Rule, left, y, left + width, y);
            }

            Close(gfx, top, y);
            return y;
        }

        private void Group(XGraphics gfx, ref double y, string label)
        {
            gfx.DrawRectangle(GroupFill, left, y, width, rowHeight);
            gfx.DrawString(label, bold, XBrushes.Black, new XRect(left + Padding, y, width - (2 * Padding), rowHeight), XStringFormats.CenterLeft);
            y += rowHeight;
            gfx.DrawLine(Rule, left, y, left + width, y);
        }

        private void Header(XGraphics gfx, ref double y)
        {
            gfx.DrawRectangle(HeaderFill, left, y, width, rowHeight);
            Cells(gfx, y, [.. table.Columns.Select(c => c.Header)], bold);
            ColumnLines(gfx, y);
            y += rowHeight;
            gfx.DrawLine(Frame, left, y, left + width, y);
        }

        private void Cells(XGraphics gfx, double y, IReadOnlyList<string> cells, XFont cellFont)
        {
            var x = left;
            for (var c = 0; c < widths.Length; c++)
            {
                var text = c < cells.Count ? cells[c] : "";
                var rect = new XRect(x + Padding, y, widths[c] - (2 * Padding), rowHeight);
                gfx.DrawString(text, cellFont, XBrushes.Black, rect, table.Columns[c].Numeric ? XStringFormats.CenterRight : XStringFormats.CenterLeft);
                x += widths[c];
            }
        }

        private void ColumnLines(XGraphics gfx, double y)
        {
            var x = left;
            for (var c = 0; c < widths.Length - 1; c++)
            {
                x += widths[c];
                gfx.DrawLine(Rule, x, y, x, y + rowHeight);
            }
        }

        private void Close(XGraphics gfx, double top, double y) => gfx.DrawRectangle(Frame, left, top, width, y - top);
    }

    private static PdfPage NewPage(PdfDocument document, out XGraphics gfx)
    {
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        gfx = XGraphics.FromPdfPage(page);
        return page;
    }

    private static IEnumerable<string> Wrap(XGraphics gfx, string text, XFont font, double width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && gfx.MeasureString(candidate, font).Width > width)
            {
                yield return line.ToString();
                line.Clear().Append(word);
            }
            else
            {
                line.Clear().Append(candidate);
            }
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}

/// <summary>Resolves every font PDFsharp asks for to DejaVu Sans (installed under /usr/share/fonts; PDFsharp has no system fonts on Linux).</summary>
internal sealed class DejaVuFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private static readonly Lock Gate = new();
    private static readonly string[] Folders = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"];

    public static void Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not DejaVuFontResolver)
            {
                GlobalFontSettings.FontResolver = new DejaVuFontResolver();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName)
    {
        foreach (var folder in Folders)
        {
            var path = Path.Combine(folder, faceName + ".ttf");
            if (File.Exists(path))
            {
                return File.ReadAllBytes(path);
            }
        }

        throw new FileNotFoundException($"DejaVu font {faceName}.ttf not found (install fonts-dejavu-core).");
    }
}
