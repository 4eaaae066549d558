using System.Globalization;
using System.Net;
using System.Text;
using Stroma.Data.Report;

namespace Stroma.Reporting;

/// <summary>The CAR-T section (issue #20) as text lines (PDF), HTML and CSV rows; nothing when the report has none.</summary>
internal static class CarTReportText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string Heading = "CAR-T toxicity and long-term follow-up";

    /// <summary>How a toxicity key reads.</summary>
    public static string ToxicityLabel(string toxicity) => toxicity switch
    {
        "crs" => "CRS (ASTCT 2019)",
        "icans" => "ICANS (ASTCT 2019)",
        "icaht_early" => "Early ICAHT (clinician's grade)",
        "icaht_late" => "Late ICAHT (clinician's grade)",
        _ => toxicity,
    };

    public static string Episode(CarTEpisodes e) => e.Patients == 0
        ? $"{ToxicityLabel(e.Toxicity)}: no patient."
        : $"{ToxicityLabel(e.Toxicity)}: {e.Patients} patients; onset day, median {ReportFormatting.Number(e.OnsetMedian, 1)} (range {e.OnsetMin}–{e.OnsetMax}); "
          + $"duration, days, median {ReportFormatting.Number(e.DurationMedian, 1)} (range {e.DurationMin}–{e.DurationMax}).";

    public static string Onset(CarTOnsetCurve c) =>
        $"{ToxicityLabel(c.Toxicity)}: n = {c.N}, onsets = {c.Events}; median {(c.MedianDays is null ? "not reached" : "day " + ReportFormatting.Number(c.MedianDays, 0))}. "
        + string.Join("; ", c.Curve.Select(s => $"day {s.Time.ToString("0", Invariant)}: at risk {s.AtRisk}, onsets {s.Events}, censored {s.Censored}, without onset {ReportFormatting.Number(s.Survival, 3)} (95% CI {ReportFormatting.Number(s.Lower, 3)}–{ReportFormatting.Number(s.Upper, 3)})")) + ".";

    public static string Treatments(CarTTreatments t) =>
        $"Patients with tocilizumab started from day 0 to day {t.WindowDays}: {t.Tocilizumab}; with a corticosteroid: {t.Corticosteroid} (medication records).";

    public static string Grades(CarTMaximumGrade g) =>
        $"{ToxicityLabel(g.Toxicity)}: graded {g.Graded} (" + string.Join(", ", g.ByGrade.Select((n, grade) => $"grade {grade}: {n}")) + $"); not graded {g.NotGraded}.";

    public static string Retention(CarTRetentionYear r) =>
        $"Year {r.Year}: {r.InFollowUp} of {r.Infused} in follow-up; died {r.Died}, withdrawn {r.Withdrawn}, no contact yet {r.NoContactYet}.";

    /// <summary>The section as (level, text) lines for the PDF.</summary>
    public static IEnumerable<(int Level, string Text)> Lines(CarTSection? carT)
    {
        if (carT is null)
        {
            yield break;
        }

        yield return (2, Heading);
        yield return (0, $"Patients infused with a CAR-T lot: {carT.Infused}.");
        yield return (3, "Maximum grade per patient");
        foreach (var g in carT.MaximumGrades)
        {
            yield return (0, Grades(g));
        }

        yield return (3, "Onset and duration (days after the infusion, day 0)");
        foreach (var e in carT.Episodes)
        {
            yield return (0, Episode(e));
        }

        yield return (3, "Time to onset (Kaplan-Meier)");
        if (carT.TimeToOnset.Count == 0)
        {
            yield return (0, "No onset recorded.");
        }

        foreach (var c in carT.TimeToOnset)
        {
            yield return (0, Onset(c));
        }

        yield return (3, "Tocilizumab and corticosteroids");
        yield return (0, Treatments(carT.Treatments));
        yield return (3, "Long-term follow-up");
        foreach (var r in carT.Retention)
        {
            yield return (0, Retention(r));
        }

        foreach (var m in carT.Methods)
        {
            yield return (0, m);
        }
    }

    /// <summary>The section as HTML (tables), empty when the report has none.</summary>
    public static string Html(CarTSection? carT)
    {
        if (carT is null)
        {
            return "";
        }

        static string E(string s) => WebUtility.HtmlEncode(s);
        var h = new StringBuilder();
        h.Append("<h2>").Append(E(Heading)).Append("</h2>\n<p>Patients infused with a CAR-T lot: ").Append(carT.Infused).Append(".</p>\n");
        h.Append("<h3>Maximum grade per patient</h3>\n<table><tr><th>Toxicity</th><th>Graded</th><th>Grade 0</th><th>Grade 1</th><th>Grade 2</th><th>Grade 3</th><th>Grade 4</th><th>Not graded</th></tr>");
        foreach (var g in carT.MaximumGrades)
        {
            h.Append("<tr><td>").Append(E(ToxicityLabel(g.Toxicity))).Append("</td><td>").Append(g.Graded);
            foreach (var n in g.ByGrade)
            {
                h.Append("</td><td>").Append(n);
            }

            h.Append("</td><td>").Append(g.NotGraded).Append("</td></tr>");
        }

        h.Append("</table>\n<h3>Onset and duration (days after the infusion, day 0)</h3>\n<table><tr><th>Toxicity</th><th>Patients</th><th>Onset day, median</th><th>Range</th><th>Duration, days, median</th><th>Range</th></tr>");
        foreach (var e in carT.Episodes)
        {
            h.Append("<tr><td>").Append(E(ToxicityLabel(e.Toxicity))).Append("</td><td>").Append(e.Patients).Append("</td><td>").Append(ReportFormatting.Number(e.OnsetMedian, 1))
             .Append("</td><td>").Append(Range(e.OnsetMin, e.OnsetMax)).Append("</td><td>").Append(ReportFormatting.Number(e.DurationMedian, 1)).Append("</td><td>")
             .Append(Range(e.DurationMin, e.DurationMax)).Append("</td></tr>");
        }

        h.Append("</table>\n<h3>Time to onset (Kaplan-Meier)</h3>\n");
        if (carT.TimeToOnset.Count == 0)
        {
            h.Append("<p>No onset recorded.</p>\n");
        }

        foreach (var c in carT.TimeToOnset)
        {
            h.Append("<table><caption>").Append(E(ToxicityLabel(c.Toxicity))).Append(": n = ").Append(c.N).Append(", onsets = ").Append(c.Events).Append(", median ")
             .Append(c.MedianDays is null ? "not reached" : "day " + ReportFormatting.Number(c.MedianDays, 0))
             .Append("</caption><tr><th>Day</th><th>At risk</th><th>Onsets</th><th>Censored</th><th>Without onset</th><th>95% CI</th></tr>");
            foreach (var s in c.Curve)
            {
                h.Append("<tr><td>").Append(s.Time.ToString("0", Invariant)).Append("</td><td>").Append(s.AtRisk).Append("</td><td>").Append(s.Events).Append("</td><td>").Append(s.Censored)
                 .Append("</td><td>").Append(ReportFormatting.Number(s.Survival, 3)).Append("</td><td>").Append(ReportFormatting.Number(s.Lower, 3)).Append('–')
                 .Append(ReportFormatting.Number(s.Upper, 3)).Append("</td></tr>");
            }

            h.Append("</table>\n");
        }

        h.Append("<h3>Tocilizumab and corticosteroids</h3>\n<p>").Append(E(Treatments(carT.Treatments))).Append("</p>\n");
        h.Append("<h3>Long-term follow-up</h3>\n<table><tr><th>Year after infusion</th><th>Infused</th><th>In follow-up</th><th>Died</th><th>Withdrawn</th><th>No contact yet</th></tr>");
        foreach (var r in carT.Retention)
        {
            h.Append("<tr><td>").Append(r.Year).Append("</td><td>").Append(r.Infused).Append("</td><td>").Append(r.InFollowUp).Append("</td><td>").Append(r.Died)
             .Append("</td><td>").Append(r.Withdrawn).Append("</td><td>").Append(r.NoContactYet).Append("</td></tr>");
        }

        h.Append("</table>\n<ul>");
        foreach (var m in carT.Methods)
        {
            h.Append("<li>").Append(E(m)).Append("</li>");
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
