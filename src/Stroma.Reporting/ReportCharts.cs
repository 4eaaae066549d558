using ScottPlot;
using Stroma.Data.Report;

namespace Stroma.Reporting;

/// <summary>A rendered chart: a title and the same picture as PNG bytes and as SVG text.</summary>
public sealed record ReportChart(string Key, string Title, byte[] Png, string Svg);

/// <summary>
/// The report's charts, drawn with ScottPlot in DejaVu Sans: Kaplan-Meier curves with their 95% bands and numbers at
/// risk under the time axis, mean trajectories with ±SD error bars, and per-patient proteinuria lines.
/// </summary>
public static class ReportCharts
{
    private const string Font = "DejaVu Sans";
    private const int Width = 800;
    private const int Height = 480;

    public static IReadOnlyList<ReportChart> Draw(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var charts = new List<ReportChart>();
        foreach (var survival in report.Survival.Where(s => s.N > 0))
        {
            charts.Add(Render($"km_{survival.Endpoint}", survival.Endpoint == "overall_survival" ? "Overall survival (Kaplan-Meier, 95% CI)" : "Relapse-free survival (Kaplan-Meier, 95% CI)", plot => KaplanMeierPlot(plot, survival)));
        }

        foreach (var group in report.Measures.Where(m => m.Population == "all").GroupBy(m => m.Measure).Where(g => g.Count() > 1 && g.Any(r => r.Mean is not null)))
        {
            var first = group.First();
            charts.Add(Render($"mean_{group.Key}", $"{first.Label}: mean ± SD by month", plot => Trajectory(plot, [.. group], first)));
        }

        if (report.Proteinuria.Count > 0)
        {
            charts.Add(Render("spaghetti_urine_protein_24h", "24-h proteinuria per patient", plot => Spaghetti(plot, report.Proteinuria)));
        }

        return charts;
    }

    private static ReportChart Render(string key, string title, Action<Plot> draw)
    {
        using var plot = new Plot();
        plot.Font.Set(Font);
        plot.Title(title);
        draw(plot);
        var png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        var svg = plot.GetSvgXml(Width, Height);
        return new ReportChart(key, title, png, svg);
    }

    private static void KaplanMeierPlot(Plot plot, SurvivalSummary survival)
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
        band.LegendText = "95% CI";
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), Colors.SteelBlue);
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = "Kaplan-Meier estimate";

        var censored = survival.Curve.Where(s => s.Censored > 0).ToList();
        if (censored.Count > 0)
        {
            var marks = plot.Add.Markers(censored.Select(c => c.Time).ToArray(), censored.Select(c => c.Survival).ToArray(), MarkerShape.VerticalBar, 10, Colors.Black);
            marks.LegendText = "censored";
        }

        var ticks = survival.AtRisk.Select(a => a.Month).ToArray();
        var labels = survival.AtRisk.Select(a => $"{a.Month:0}\n{a.AtRisk}").ToArray();
        plot.Axes.Bottom.SetTicks(ticks, labels);
        plot.XLabel("Months since baseline (numbers at risk under each time)");
        plot.YLabel("Probability");
        plot.Axes.SetLimits(-0.3, end + 0.3, 0, 1.05);
        plot.Legend.Alignment = Alignment.LowerLeft;
        plot.ShowLegend();
    }

    private static void Trajectory(Plot plot, List<MeasureRow> rows, MeasureRow first)
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
        plot.XLabel("Month (n with a value)");
        plot.YLabel($"{first.Label} ({first.Unit})");
        var high = ys.Zip(errors, (y, e) => y + e).Max();
        var pad = Math.Max(1e-9, high * 0.08);
        // Every measure in the table is non-negative: the axis starts at 0 and clips an SD bar that would go below it.
        plot.Axes.SetLimits(xs.Min() - 0.5, xs.Max() + 0.5, 0, high + pad);
    }

    private static void Spaghetti(Plot plot, IReadOnlyList<PatientTrajectory> patients)
    {
        foreach (var patient in patients)
        {
            var line = plot.Add.Scatter(patient.Months.ToArray(), patient.Values.ToArray(), Colors.SteelBlue.WithAlpha(0.45));
            line.MarkerSize = 3;
            line.LineWidth = 1;
        }

        var months = patients.SelectMany(p => p.Months).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(months, [.. months.Select(m => m.ToString("0", System.Globalization.CultureInfo.InvariantCulture))]);
        plot.XLabel($"Month ({patients.Count} patients drawn)");
        // The unit the values are stored in: the analyte's canonical unit in the catalogue (g/24 h).
        plot.YLabel($"24-h proteinuria ({Stroma.Clinical.Labs.AnalyteCatalog.Get("urine_protein_24h").CanonicalUnit!.Display})");
        plot.Axes.SetLimitsX(months.Min() - 0.5, months.Max() + 0.5);
        plot.Axes.SetLimitsY(0, (patients.SelectMany(p => p.Values).DefaultIfEmpty(1).Max() * 1.05) + 0.05);
    }
}
