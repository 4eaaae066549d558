using System.Globalization;

namespace Stroma.Data.Report;

/// <summary>Elapsed time and rows of each step, to the caller's log (<c>stroma report study --timings</c>).</summary>
internal sealed class ReportTrace(Action<string>? log)
{
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Lock gate = new();
    private TimeSpan last;

    public void Step(string what, long rows)
    {
        if (log is null)
        {
            return;
        }

        lock (gate)
        {
            var now = clock.Elapsed;
            log(string.Create(CultureInfo.InvariantCulture, $"{now.TotalSeconds,7:0.000} s (+{(now - last).TotalSeconds:0.000} s) {what}: {rows} rows"));
            last = now;
        }
    }
}
