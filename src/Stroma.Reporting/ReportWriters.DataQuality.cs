using System.Globalization;
using System.Net;
using System.Text;
using Stroma.Data.Report;
using Stroma.Reporting.Localization;

namespace Stroma.Reporting;

/// <summary>The report's data quality section (queries and source data verification per site; docs/report.md "Data quality").</summary>
public static partial class ReportWriters
{
    private static string Days(double? days) => days is { } d ? d.ToString("0.#", CultureInfo.InvariantCulture) : "–";

    private static string Coverage(SiteDataQuality s) =>
        s.Visits == 0 ? "0/0" : $"{s.VerifiedVisits}/{s.Visits} ({ReportFormatting.Percent((double)s.VerifiedVisits / s.Visits)})";

    /// <summary>The section's lines for the PDF (text lines, as <see cref="ReportFormatting.Lines"/> yields them).</summary>
    internal static IEnumerable<(int Level, string Text)> DataQualityLines(StudyReport report, ReportText t)
    {
        if (report.DataQuality is not { } quality)
        {
            yield break;
        }

        yield return (2, t["dq.heading"]);
        if (quality.Sites.Count == 0)
        {
            yield return (0, t["dq.none"]);
        }

        foreach (var s in quality.Sites)
        {
            yield return (0, t["dq.site_text", s.Site, s.OpenQueries, s.AnsweredQueries, s.ClosedQueries, Days(s.MedianOpenAgeDays), Days(s.OldestOpenAgeDays), Coverage(s)]);
        }
    }

    private static void AppendDataQuality(StringBuilder h, StudyReport report, ReportText t)
    {
        if (report.DataQuality is not { } quality)
        {
            return;
        }

        h.Append("<h2>").Append(WebUtility.HtmlEncode(t["dq.heading"])).Append("</h2>\n<table><tr>");
        AppendHeaders(h, t["dq.site"], t["dq.open"], t["dq.answered"], t["dq.closed"], t["dq.open_median"], t["dq.open_oldest"], t["dq.sdv"]);
        foreach (var s in quality.Sites)
        {
            h.Append("<tr><td>").Append(WebUtility.HtmlEncode(s.Site)).Append("</td><td>").Append(s.OpenQueries).Append("</td><td>").Append(s.AnsweredQueries)
             .Append("</td><td>").Append(s.ClosedQueries).Append("</td><td>").Append(Days(s.MedianOpenAgeDays)).Append("</td><td>").Append(Days(s.OldestOpenAgeDays))
             .Append("</td><td>").Append(WebUtility.HtmlEncode(Coverage(s))).Append("</td></tr>");
        }

        h.Append("</table>\n");
    }

    private static void DataQualityRows(Action<string, string, string?, string, object?> row, StudyReport report)
    {
        foreach (var s in report.DataQuality?.Sites ?? [])
        {
            row("data_quality", s.Site, null, "queries_open", s.OpenQueries);
            row("data_quality", s.Site, null, "queries_answered", s.AnsweredQueries);
            row("data_quality", s.Site, null, "queries_closed", s.ClosedQueries);
            row("data_quality", s.Site, null, "open_age_median_days", s.MedianOpenAgeDays);
            row("data_quality", s.Site, null, "open_age_oldest_days", s.OldestOpenAgeDays);
            row("data_quality", s.Site, null, "sdv_verified_visits", s.VerifiedVisits);
            row("data_quality", s.Site, null, "visits", s.Visits);
        }
    }
}
