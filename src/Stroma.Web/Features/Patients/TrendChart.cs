using System.Globalization;
using System.Text;

namespace Stroma.Web.Features.Patients;

/// <summary>A trend chart with its accessible label and, when the page needs one, its element id (<c>_TrendChart.cshtml</c>).</summary>
public sealed record TrendChartView(TrendChart Chart, string Label, string? Id);

/// <summary>One point of a trend chart, in SVG coordinates, with what it shows.</summary>
public sealed record ChartPoint(double X, double Y, DateOnly Date, decimal Value, bool Flagged);

/// <summary>
/// A small server-drawn SVG line chart of one lab analyte (or the SLEDAI-2K total) over time, on the time axis shared by all of the patient's
/// charts (so an infusion, drawn as a dashed vertical line, sits at the same x in each). No script: the page stays
/// readable without JavaScript, and the table next to it gives the same numbers.
/// </summary>
public sealed class TrendChart
{
    public const double Width = 600;
    public const double Height = 140;
    private const double Left = 56;
    private const double Right = 12;
    private const double Top = 10;
    private const double Bottom = 24;

    private TrendChart(IReadOnlyList<ChartPoint> points, IReadOnlyList<(double X, DateOnly Date)> infusions, decimal min, decimal max,
        DateOnly first, DateOnly last)
    {
        Points = points;
        Infusions = infusions;
        Min = min;
        Max = max;
        First = first;
        Last = last;
    }

    public IReadOnlyList<ChartPoint> Points { get; }

    public IReadOnlyList<(double X, DateOnly Date)> Infusions { get; }

    public decimal Min { get; }

    public decimal Max { get; }

    public DateOnly First { get; }

    public DateOnly Last { get; }

    public static double PlotLeft => Left;

    public static double PlotRight => Width - Right;

    public static double PlotTop => Top;

    public static double PlotBottom => Height - Bottom;

    /// <summary>The polyline's points attribute.</summary>
    public string Polyline => string.Join(' ', Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}")));

    /// <summary>
    /// The chart's SVG content (axes, value and date ticks, infusion lines, the series and its points with their date and
    /// value as a title), written once: a chart is remembered with its patient's page (<see cref="PatientPageCache{T}"/>)
    /// and drawn on every view of it, and writing a few hundred attributes through Razor on each view was a good part of
    /// the timeline's time under load (bench/web/README.md). Only digits, dates and the fixed class names go into it, so
    /// nothing needs encoding; the same in every language (numbers and ISO dates are written invariantly, as the table's).
    /// </summary>
    public string Markup => markup ??= Draw();

    private string? markup;

    private string Draw()
    {
        var svg = new StringBuilder(256 + (Points.Count * 96) + (Infusions.Count * 128));
        void Line(string cssClass, double x1, double y1, double x2, double y2) =>
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"{cssClass}\" x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{x2:0.#}\" y2=\"{y2:0.#}\"");
        void Tick(string cssClass, double x, double y, string text) =>
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"{cssClass}\" x=\"{x:0.#}\" y=\"{y:0.#}\">{text}</text>");
        Line("axis", PlotLeft, PlotBottom, PlotRight, PlotBottom);
        svg.Append(" />");
        Line("axis", PlotLeft, PlotTop, PlotLeft, PlotBottom);
        svg.Append(" />");
        Tick("tick", 4, PlotTop + 8, Max.ToString("0.##", CultureInfo.InvariantCulture));
        Tick("tick", 4, PlotBottom, Min.ToString("0.##", CultureInfo.InvariantCulture));
        Tick("tick", PlotLeft, Height - 6, Iso(First));
        Tick("tick end", PlotRight, Height - 6, Iso(Last));
        foreach (var (x, date) in Infusions)
        {
            Line("infusion", x, PlotTop, x, PlotBottom);
            svg.Append("><title>").Append(Iso(date)).Append("</title></line>");
        }

        svg.Append("<polyline class=\"series\" points=\"").Append(Polyline).Append("\" />");
        foreach (var p in Points)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"{(p.Flagged ? "point flagged" : "point")}\" cx=\"{p.X:0.#}\" cy=\"{p.Y:0.#}\" r=\"3\"><title>{Iso(p.Date)}: {p.Value}</title></circle>");
        }

        return svg.ToString();
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Lays out <paramref name="values"/> (date, value, flagged) between <paramref name="first"/> and
    /// <paramref name="last"/> (the patient's whole time span), with the infusion dates inside it as markers.
    /// The value axis runs from 0 (or the lowest value when negative) to the highest value.
    /// </summary>
    public static TrendChart Create(IEnumerable<(DateOnly Date, decimal Value, bool Flagged)> values, IEnumerable<DateOnly> infusions,
        DateOnly first, DateOnly last)
    {
        var list = values.OrderBy(v => v.Date).ToList();
        var min = Math.Min(0m, list.Count == 0 ? 0m : list.Min(v => v.Value));
        var max = list.Count == 0 ? 1m : list.Max(v => v.Value);
        if (max <= min)
        {
            max = min + 1m;
        }

        var span = Math.Max(1, last.DayNumber - first.DayNumber);
        double X(DateOnly date) => Left + ((Width - Left - Right) * (date.DayNumber - first.DayNumber) / span);
        double Y(decimal value) => Height - Bottom - ((Height - Top - Bottom) * (double)((value - min) / (max - min)));
        return new TrendChart(
            [.. list.Select(v => new ChartPoint(X(v.Date), Y(v.Value), v.Date, v.Value, v.Flagged))],
            [.. infusions.Where(d => d >= first && d <= last).Distinct().Order().Select(d => (X(d), d))],
            min, max, first, last);
    }
}
