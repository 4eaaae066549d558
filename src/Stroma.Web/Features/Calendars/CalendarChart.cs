using System.Globalization;
using Stroma.Data.CellTherapy;

namespace Stroma.Web.Features.Calendars;

/// <summary>One row of the timeline: the window as a bar (x, width), the target as a dot, at row y.</summary>
public sealed record CalendarBar(CalendarLine Line, double X, double Width, double TargetX, double Y);

/// <summary>
/// Geometry of a calendar's horizontal timeline, drawn as SVG on the server (no script): one row per event, the window
/// as a bar and the target as a dot (classes carry the status colour: the page's CSP forbids inline styles), month
/// ticks along the top and today as a vertical line.
/// </summary>
public sealed class CalendarChart
{
    public const double Width = 960;
    public const double Left = 190;
    public const double Right = 20;
    public const double Top = 30;
    public const double RowHeight = 24;

    private CalendarChart(IReadOnlyList<CalendarBar> bars, IReadOnlyList<(double X, string Label)> ticks, double? todayX, double height)
    {
        Bars = bars;
        Ticks = ticks;
        TodayX = todayX;
        Height = height;
    }

    public IReadOnlyList<CalendarBar> Bars { get; }

    public IReadOnlyList<(double X, string Label)> Ticks { get; }

    /// <summary>Where today falls, or null when it lies outside the calendar's span.</summary>
    public double? TodayX { get; }

    public double Height { get; }

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static CalendarChart Create(CalendarEnrolment enrolment, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        var lines = enrolment.Lines;
        var first = lines.Count == 0 ? enrolment.Start : lines.Min(l => Min(l.Event.WindowStart, l.FulfilledBy?.Date ?? l.Event.WindowStart));
        var last = lines.Count == 0 ? enrolment.Start : lines.Max(l => Max(l.Event.WindowEnd, l.FulfilledBy?.Date ?? l.Event.WindowEnd));
        first = new DateOnly(first.Year, first.Month, 1);
        last = new DateOnly(last.Year, last.Month, 1).AddMonths(1);
        var span = Math.Max(1, last.DayNumber - first.DayNumber);
        double X(DateOnly d) => Left + ((d.DayNumber - first.DayNumber) * (Width - Left - Right) / span);
        var bars = lines.Select((l, i) =>
        {
            var x = X(l.Event.WindowStart);
            // A window of one day (day 0 exact) still shows as a sliver a day wide.
            return new CalendarBar(l, x, Math.Max(3, X(l.Event.WindowEnd.AddDays(1)) - x), X(l.Event.Target), Top + (i * RowHeight));
        }).ToList();
        var months = (last.Year * 12) + last.Month - ((first.Year * 12) + first.Month);
        var step = months <= 14 ? 1 : months <= 30 ? 3 : 12;
        var ticks = new List<(double, string)>();
        for (var m = first; m < last; m = m.AddMonths(step))
        {
            ticks.Add((X(m), m.ToString("yyyy-MM", CultureInfo.InvariantCulture)));
        }

        return new CalendarChart(bars, ticks, today >= first && today <= last ? X(today) : null, Top + (lines.Count * RowHeight) + 10);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
