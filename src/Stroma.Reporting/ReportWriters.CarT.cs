using System.Globalization;
using System.Net;
using System.Text;
using Stroma.Data.Report;
using Stroma.Reporting.Localization;

namespace Stroma.Reporting;

/// <summary>The CAR-T section (issue #20) as text lines (PDF), HTML and CSV rows; nothing when the report has none.</summary>
internal static class CarTReportText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>How a toxicity key reads.</summary>
    public static string ToxicityLabel(string toxicity, ReportText t) => t.Find("cart.tox." + toxicity) ?? toxicity;

    public static string Episode(CarTEpisodes e, ReportText t) => e.Patients == 0
        ? t["cart.episode_none", ToxicityLabel(e.Toxicity, t)]
        : t["cart.episode", ToxicityLabel(e.Toxicity, t), e.Patients, ReportFormatting.Number(e.OnsetMedian, 1), e.OnsetMin, e.OnsetMax,
            ReportFormatting.Number(e.DurationMedian, 1), e.DurationMin, e.DurationMax];

    private static string Median(CarTOnsetCurve c, ReportText t) =>
        c.MedianDays is null ? t["not_reached"] : t["cart.day_value", ReportFormatting.Number(c.MedianDays, 0)];

    public static string Onset(CarTOnsetCurve c, ReportText t) =>
        t["cart.onset_text", ToxicityLabel(c.Toxicity, t), c.N, c.Events, Median(c, t),
            string.Join(t.Language.IsChinese ? "；" : "; ", c.Curve.Select(s => t["cart.onset_step", s.Time.ToString("0", Invariant), s.AtRisk, s.Events, s.Censored,
                ReportFormatting.Number(s.Survival, 3), ReportFormatting.Number(s.Lower, 3), ReportFormatting.Number(s.Upper, 3)]))];

    public static string Treatments(CarTTreatments tr, ReportText t) => t["cart.treatments_text", tr.WindowDays, tr.Tocilizumab, tr.Corticosteroid];

    public static string Grades(CarTMaximumGrade g, ReportText t) =>
        t["cart.grades_text", ToxicityLabel(g.Toxicity, t), g.Graded, string.Join(t.Language.IsChinese ? "，" : ", ", g.ByGrade.Select((n, grade) => t["cart.grade_count", grade, n])), g.NotGraded];

    public static string Retention(CarTRetentionYear r, ReportText t) =>
        t["cart.retention_text", r.Year, r.InFollowUp, r.Infused, r.Died, r.Withdrawn, r.NoContactYet];

    /// <summary>The section as (level, text) lines for the PDF.</summary>
    public static IEnumerable<(int Level, string Text)> Lines(CarTSection? carT, ReportText t)
    {
        if (carT is null)
        {
            yield break;
        }

        yield return (2, t["cart.title"]);
        yield return (0, t["cart.infused", carT.Infused]);
        yield return (3, t["cart.max_grade"]);
        foreach (var g in carT.MaximumGrades)
        {
            yield return (0, Grades(g, t));
        }

        yield return (3, t["cart.onset"]);
        foreach (var e in carT.Episodes)
        {
            yield return (0, Episode(e, t));
        }

        yield return (3, t["cart.km"]);
        if (carT.TimeToOnset.Count == 0)
        {
            yield return (0, t["cart.no_onset"]);
        }

        foreach (var c in carT.TimeToOnset)
        {
            yield return (0, Onset(c, t));
        }

        yield return (3, t["cart.treatments"]);
        yield return (0, Treatments(carT.Treatments, t));
        yield return (3, t["cart.retention"]);
        foreach (var r in carT.Retention)
        {
            yield return (0, Retention(r, t));
        }

        foreach (var m in ReportFormatting.CarTMethods(t))
        {
            yield return (0, m);
        }
    }

    /// <summary>The section as HTML (tables), empty when the report has none.</summary>
    public static string Html(CarTSection? carT, ReportText t)
    {
        if (carT is null)
        {
            return "";
        }

        static string E(string s) => WebUtility.HtmlEncode(s);
        var h = new StringBuilder();
        void Headers(params string[] headers)
        {
            h.Append("<tr>");
            foreach (var header in headers)
            {
                h.Append("<th>").Append(E(header)).Append("</th>");
            }

            h.Append("</tr>");
        }

        h.Append("<h2>").Append(E(t["cart.title"])).Append("</h2>\n<p>").Append(E(t["cart.infused", carT.Infused])).Append("</p>\n");
        h.Append("<h3>").Append(E(t["cart.max_grade"])).Append("</h3>\n<table>");
        Headers([t["cart.toxicity"], t["cart.graded"], .. Enumerable.Range(0, 5).Select(g => t["cart.grade_n", g]), t["cart.not_graded"]]);
        foreach (var g in carT.MaximumGrades)
        {
            h.Append("<tr><td>").Append(E(ToxicityLabel(g.Toxicity, t))).Append("</td><td>").Append(g.Graded);
            foreach (var n in g.ByGrade)
            {
                h.Append("</td><td>").Append(n);
            }

            h.Append("</td><td>").Append(g.NotGraded).Append("</td></tr>");
        }

        h.Append("</table>\n<h3>").Append(E(t["cart.onset"])).Append("</h3>\n<table>");
        Headers(t["cart.toxicity"], t["cart.patients"], t["cart.onset_day"], t["cart.range"], t["cart.duration"], t["cart.range"]);
        foreach (var e in carT.Episodes)
        {
            h.Append("<tr><td>").Append(E(ToxicityLabel(e.Toxicity, t))).Append("</td><td>").Append(e.Patients).Append("</td><td>").Append(ReportFormatting.Number(e.OnsetMedian, 1))
             .Append("</td><td>").Append(Range(e.OnsetMin, e.OnsetMax)).Append("</td><td>").Append(ReportFormatting.Number(e.DurationMedian, 1)).Append("</td><td>")
             .Append(Range(e.DurationMin, e.DurationMax)).Append("</td></tr>");
        }

        h.Append("</table>\n<h3>").Append(E(t["cart.km"])).Append("</h3>\n");
        if (carT.TimeToOnset.Count == 0)
        {
            h.Append("<p>").Append(E(t["cart.no_onset"])).Append("</p>\n");
        }

        foreach (var c in carT.TimeToOnset)
        {
            h.Append("<table><caption>").Append(E(t["cart.km_caption", ToxicityLabel(c.Toxicity, t), c.N, c.Events, Median(c, t)])).Append("</caption>");
            Headers(t["cart.day"], t["cart.at_risk"], t["cart.onsets"], t["cart.censored"], t["cart.without_onset"], t["cart.ci"]);
            foreach (var s in c.Curve)
            {
                h.Append("<tr><td>").Append(s.Time.ToString("0", Invariant)).Append("</td><td>").Append(s.AtRisk).Append("</td><td>").Append(s.Events).Append("</td><td>").Append(s.Censored)
                 .Append("</td><td>").Append(ReportFormatting.Number(s.Survival, 3)).Append("</td><td>").Append(ReportFormatting.Number(s.Lower, 3)).Append('–')
                 .Append(ReportFormatting.Number(s.Upper, 3)).Append("</td></tr>");
            }

            h.Append("</table>\n");
        }

        h.Append("<h3>").Append(E(t["cart.treatments"])).Append("</h3>\n<p>").Append(E(Treatments(carT.Treatments, t))).Append("</p>\n");
        h.Append("<h3>").Append(E(t["cart.retention"])).Append("</h3>\n<table>");
        Headers(t["cart.year"], t["cart.infused_col"], t["cart.in_follow_up"], t["cart.died"], t["cart.withdrawn"], t["cart.no_contact"]);
        foreach (var r in carT.Retention)
        {
            h.Append("<tr><td>").Append(r.Year).Append("</td><td>").Append(r.Infused).Append("</td><td>").Append(r.InFollowUp).Append("</td><td>").Append(r.Died)
             .Append("</td><td>").Append(r.Withdrawn).Append("</td><td>").Append(r.NoContactYet).Append("</td></tr>");
        }

        h.Append("</table>\n<ul>");
        foreach (var m in ReportFormatting.MarkedCarTMethods(t))
        {
            h.Append("<li>").Append(ReportText.Html(m)).Append("</li>");
        }

        h.Append("</ul>\n");
        return h.ToString();
    }

    private static string Range(int? min, int? max) => min is null ? "–" : $"{min}–{max}";

    /// <summary>The section as CSV rows (section, item, month, statistic, value); none when the report has none.</summary>
    public static IEnumerable<(string Section, string Item, string? Month, string Statistic, object? Value)> CsvRows(CarTSection? carT)
    {
        if (carT is null)
        {
            yield break;
        }

        yield return ("car_t", "infused", null, "n", carT.Infused);
        foreach (var g in carT.MaximumGrades)
        {
            yield return ("car_t_max_grade", g.Toxicity, null, "graded", g.Graded);
            for (var grade = 0; grade < g.ByGrade.Count; grade++)
            {
                yield return ("car_t_max_grade", g.Toxicity, null, "grade_" + grade.ToString(Invariant), g.ByGrade[grade]);
            }

            yield return ("car_t_max_grade", g.Toxicity, null, "not_graded", g.NotGraded);
        }

        foreach (var e in carT.Episodes)
        {
            yield return ("car_t_episode", e.Toxicity, null, "patients", e.Patients);
            yield return ("car_t_episode", e.Toxicity, null, "onset_day_median", e.OnsetMedian);
            yield return ("car_t_episode", e.Toxicity, null, "onset_day_min", e.OnsetMin);
            yield return ("car_t_episode", e.Toxicity, null, "onset_day_max", e.OnsetMax);
            yield return ("car_t_episode", e.Toxicity, null, "duration_days_median", e.DurationMedian);
            yield return ("car_t_episode", e.Toxicity, null, "duration_days_min", e.DurationMin);
            yield return ("car_t_episode", e.Toxicity, null, "duration_days_max", e.DurationMax);
        }

        foreach (var c in carT.TimeToOnset)
        {
            yield return ("car_t_onset_km", c.Toxicity, null, "n", c.N);
            yield return ("car_t_onset_km", c.Toxicity, null, "events", c.Events);
            yield return ("car_t_onset_km", c.Toxicity, null, "median_days", c.MedianDays);
            foreach (var s in c.Curve)
            {
                var item = $"{c.Toxicity}|day_{s.Time.ToString("0", Invariant)}";
                yield return ("car_t_onset_km", item, null, "at_risk", s.AtRisk);
                yield return ("car_t_onset_km", item, null, "without_onset", s.Survival);
                yield return ("car_t_onset_km", item, null, "lower_95", s.Lower);
                yield return ("car_t_onset_km", item, null, "upper_95", s.Upper);
            }
        }

        yield return ("car_t_treatment", "tocilizumab", null, "patients", carT.Treatments.Tocilizumab);
        yield return ("car_t_treatment", "corticosteroid", null, "patients", carT.Treatments.Corticosteroid);
        foreach (var r in carT.Retention)
        {
            var year = "year_" + r.Year.ToString(Invariant);
            yield return ("car_t_follow_up", year, null, "infused", r.Infused);
            yield return ("car_t_follow_up", year, null, "in_follow_up", r.InFollowUp);
            yield return ("car_t_follow_up", year, null, "died", r.Died);
            yield return ("car_t_follow_up", year, null, "withdrawn", r.Withdrawn);
            yield return ("car_t_follow_up", year, null, "no_contact_yet", r.NoContactYet);
        }
    }
}
