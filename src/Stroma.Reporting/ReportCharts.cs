using ScottPlot;
using Stroma.Data.Report;
using Stroma.Reporting.Localization;

namespace Stroma.Reporting;

/// <summary>
/// A rendered chart: a title and the same picture as PNG bytes and as SVG text; <paramref name="Subject"/> is the English
/// measure name the title contains (kept in English in a Chinese title: docs/report.md), or null.
/// </summary>
public sealed record ReportChart(string Key, string Title, byte[] Png, string Svg, string? Subject = null);

/// <summary>
/// The report's charts, drawn with ScottPlot in DejaVu Sans (English) or WenQuanYi Zen Hei (Chinese, the PDF's CJK font),
/// every title, axis label and legend from the report's resources: Kaplan-Meier curves with their 95% bands and numbers at
/// risk under the time axis, mean trajectories with ±SD error bars, and per-patient proteinuria lines.
/// </summary>
public static class ReportCharts
{
    private const int Width = 800;
    private const int Height = 480;

    /// <summary>The charts in <paramref name="language"/> (default English).</summary>
    public static IReadOnlyList<ReportChart> Draw(StudyReport report, ReportLanguage? language = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = new ReportText(language ?? ReportLanguage.English);
        var font = ReportFontResolver.FamilyFor(t.Language);
        var charts = new List<ReportChart>();
        foreach (var survival in report.Survival.Where(s => s.N > 0))
        {
            charts.Add(Render($"km_{survival.Endpoint}", t["chart.km." + survival.Endpoint], font, plot => KaplanMeierPlot(plot, survival, t)));
        }

        foreach (var group in report.Measures.Where(m => m.Population == "all").GroupBy(m => m.Measure).Where(g => g.Count() > 1 && g.Any(r => r.Mean is not null)))
        {
            var first = group.First();
            charts.Add(Render($"mean_{group.Key}", t["chart.mean_title", first.Label], font, plot => Trajectory(plot, [.. group], first, t)) with { Subject = first.Label });
        }

        if (report.Proteinuria.Count > 0)
        {
            charts.Add(Render("spaghetti_urine_protein_24h", t["chart.spaghetti_title"], font, plot => Spaghetti(plot, report.Proteinuria, t)) with { Subject = "24-h proteinuria" });
        }

        return charts;
    }

    private static ReportChart Render(string key, string title, string font, Action<Plot> draw)
    {
        using var plot = new Plot();
        plot.Font.Set(font);
        plot.Title(title);
        draw(plot);
        var png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        var svg = plot.GetSvgXml(Width, Height);
        return new ReportChart(key, title, png, svg);
    }

    private static void KaplanMeierPlot(Plot plot, SurvivalSummary survival, ReportText t)
    {
        // A step function from (0, 1): each row's survival holds until the next distinct time, up to the last one.
        var xs = new List<double> { 0 };
        var ys = new List<double> { 1 };
        var lower = new List<double> { 1 };
        var upper = new List<double> { 1 };
        foreach (var step in survival.Curve)
        {
            xs.Add(step.Time);
            ys.Add(ys[^1]);
            lower.Add(lower[^1]);
            upper.Add(upper[^1]);
            xs.Add(step.Time);
            ys.Add(step.Survival);
            lower.Add(step.Lower ?? step.Survival);
            upper.Add(step.Upper ?? step.Survival);
        }

        // The curve ends at the last observed time (an event or a censoring), as R's plot.survfit draws it: nothing is
        // known after it, so it is not drawn on flat to the axis' end. The axis still shows at least 12 months.
        var end = Math.Max(12, survival.Curve.Count > 0 ? survival.Curve.Max(s => s.Time) : 12);

        var band = plot.Add.FillY([.. xs], [.. lower], [.. upper]);
        band.FillColor = Colors.SteelBlue.WithAlpha(0.2);
        band.LineWidth = 0;
        band.LegendText = t["chart.ci"];
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), Colors.SteelBlue);
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = t["chart.km_estimate"];

        var censored = survival.Curve.Where(s => s.Censored > 0).ToList();
        if (censored.Count > 0)
        {
            var marks = plot.Add.Markers(censored.Select(c => c.Time).ToArray(), censored.Select(c => c.Survival).ToArray(), MarkerShape.VerticalBar, 10, Colors.Black);
            marks.LegendText = t["chart.censored"];
        }

        var ticks = survival.AtRisk.Select(a => a.Month).ToArray();
        var labels = survival.AtRisk.Select(a => $"{a.Month:0}\n{a.AtRisk}").ToArray();
        plot.Axes.Bottom.SetTicks(ticks, labels);
        plot.XLabel(t["chart.km_x"]);
        plot.YLabel(t["chart.probability"]);
        plot.Axes.SetLimits(-0.3, end + 0.3, 0, 1.05);
        plot.Legend.Alignment = Alignment.LowerLeft;
        plot.ShowLegend();
    }

    private static void Trajectory(Plot plot, List<MeasureRow> rows, MeasureRow first, ReportText t)
    {
        var withMean = rows.Where(r => r.Mean is not null).ToList();
        var xs = withMean.Select(r => (double)r.Month).ToArray();
        var ys = withMean.Select(r => r.Mean!.Value).ToArray();
        var errors = withMean.Select(r => r.Sd ?? 0).ToArray();
        var bars = plot.Add.ErrorBar(xs, ys, errors);
        bars.Color = Colors.DarkSlateGray;
        var line = plot.Add.Scatter(xs, ys, Colors.DarkOrange);
        line.MarkerSize = 7;
        line.LineWidth = 2;
        plot.Axes.Bottom.SetTicks(xs, [.. withMean.Select(r => $"{r.Month}\nn={r.N}")]);
        plot.XLabel(t["chart.mean_x"]);
        plot.YLabel($"{first.Label} ({first.Unit})");
        var high = ys.Zip(errors, (y, e) => y + e).Max();
        var pad = Math.Max(1e-9, high * 0.08);
        // Every measure in the table is non-negative: the axis starts at 0 and clips an SD bar that would go below it.
        plot.Axes.SetLimits(xs.Min() - 0.5, xs.Max() + 0.5, 0, high + pad);
    }

    private static void Spaghetti(Plot plot, IReadOnlyList<PatientTrajectory> patients, ReportText t)
    {
        foreach (var patient in patients)
        {
            var line = plot.Add.Scatter(patient.Months.ToArray(), patient.Values.ToArray(), Colors.SteelBlue.WithAlpha(0.45));
            line.MarkerSize = 3;
            line.LineWidth = 1;
        }

        var months = patients.SelectMany(p => p.Months).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(months, [.. months.Select(m => m.ToString("0", System.Globalization.CultureInfo.InvariantCulture))]);
        plot.XLabel(t["chart.spaghetti_x", patients.Count]);
        // The unit the values are stored in: the analyte's canonical unit in the catalogue (g/24 h).
        plot.YLabel(t["chart.spaghetti_y", Stroma.Clinical.Labs.AnalyteCatalog.Get("urine_protein_24h").CanonicalUnit!.Display]);
        plot.Axes.SetLimitsX(months.Min() - 0.5, months.Max() + 0.5);
        plot.Axes.SetLimitsY(0, (patients.SelectMany(p => p.Values).DefaultIfEmpty(1).Max() * 1.05) + 0.05);
    }
}
