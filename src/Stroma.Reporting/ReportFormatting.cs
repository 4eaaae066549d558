using System.Globalization;
using Stroma.Data.Report;
using Stroma.Reporting.Localization;

namespace Stroma.Reporting;

/// <summary>How figures read in the HTML and PDF tables (the JSON and CSV carry full precision).</summary>
internal static class ReportFormatting
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(double? value, int decimals = 2) => value is { } v ? v.ToString("F" + decimals.ToString(Invariant), Invariant) : "–";

    public static string P(double? p) => p switch
    {
        null => "–",
        < 0.001 => "<0.001",
        { } v => v.ToString("0.000", Invariant),
    };

    /// <summary>"p = 0.271" or "p &lt; 0.001".</summary>
    public static string PText(double? p) => p is < 0.001 ? "p < 0.001" : "p = " + P(p);

    public static string Percent(double value) => (value * 100).ToString("0.0", Invariant) + "%";

    public static string MeanSd(MeasureRow row, int decimals) => row.Mean is null ? "–" : $"{Number(row.Mean, decimals)} ± {Number(row.Sd, decimals)}";

    public static string MedianIqr(MeasureRow row, int decimals) => row.Median is null ? "–" : $"{Number(row.Median, decimals)} [{Number(row.Q1, decimals)}, {Number(row.Q3, decimals)}]";

    /// <summary>Who the flow's first count holds: the patients of the chosen sites, on the chosen protocol if one is named.</summary>
    public static string RegisteredLabel(StudyReport report, ReportText t) =>
        report.Protocol is null ? t["registered"] : t["registered_protocol", report.Protocol];

    public static int Decimals(string measure) => measure switch
    {
        "sledai2k" or "bilag2004" or "bilag2004_renal" or "creatinine" or "anti_dsdna" or "egfr" => 1,
        _ => 2,
    };

    /// <summary>A population key as the report reads it.</summary>
    public static string PopulationLabel(string population, ReportText t) => t.Find("population_" + population) ?? population;

    /// <summary>A statistic key (count, mean, sd, proportion) as the report reads it; the key itself when it has no entry.</summary>
    public static string StatisticLabel(string statistic, ReportText t) => t.Find("statistic." + statistic) ?? statistic;

    /// <summary>A stored value with an entry under <paramref name="prefix"/> (relatedness, causality, "not graded"); the value itself otherwise.</summary>
    public static string Value(string prefix, string value, ReportText t) => t.Find(prefix + "." + value) ?? value;

    /// <summary>A CTCAE grade as the report reads it: "Grade 3" / "3 级", or "not graded".</summary>
    public static string AdverseEventGrade(string grade, ReportText t) => t.Find("grade." + grade) ?? t["ae_grade_n", grade];

    /// <summary>What the first page says of a synthetic registry: its statement (in Chinese, introduced in Chinese, the statement kept in English).</summary>
    public static string SyntheticStatement(StudyReport report, ReportText t)
    {
        ArgumentNullException.ThrowIfNull(report);
        var statement = report.Provenance.Statement ?? t["synthetic_fallback"];
        return report.Provenance.Statement is null ? statement : t["synthetic_banner", statement];
    }

    /// <summary>"Protocol: wang_2014. Sites: all."</summary>
    public static string ProtocolAndSites(StudyReport report, ReportText t) =>
        t["protocol_sites", report.Protocol ?? t["protocol_none"], report.Sites.Count == 0 ? t["sites_all"] : string.Join(", ", report.Sites)];

    /// <summary>The report's Methods in the report's language (the English equal <see cref="StudyReport.Methods"/>, which the JSON carries).</summary>
    public static IReadOnlyList<string> Methods(StudyReport report, ReportText t) => [.. MarkedMethods(report, t).Select(ReportText.Plain)];

    /// <summary>The Methods with their English terms marked (<see cref="ReportText.Html"/> makes HTML of them).</summary>
    public static IReadOnlyList<string> MarkedMethods(StudyReport report, ReportText t)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(t);
        return
        [
            report.Protocol is null ? t.Marked("method.cohort_all") : t.Marked("method.cohort_protocol", report.Protocol),
            report.Protocol is null ? t.Marked("method.treated_all") : t.Marked("method.treated_protocol", report.Protocol),
            MarkedTimePoints(report, t),
            .. MethodKeys.Select(k => t.Marked("method." + k)),
        ];
    }

    /// <summary>The Methods sentence on the time points: the protocol's schedule (the union of its versions'), or the month_N rule without a protocol.</summary>
    private static string MarkedTimePoints(StudyReport report, ReportText t)
    {
        if (report.Schedule is not { Protocol: { } protocol } schedule)
        {
            return t.Marked("method.months");
        }

        var months = string.Join(", ", schedule.Months.Select(m => m.ToString(Invariant)));
        return t.Marked(schedule.Versions.Count > 1 ? "method.months_union" : "method.months_protocol", protocol, string.Join(", ", schedule.Versions), months);
    }

    /// <summary>
    /// The footnote of the measures table when visits of the cohort were left out because their type is not a time point
    /// ("Left out: 40 visits ... (visit type: number of visits: Infusion 2: 40)"), each type in words in the report's
    /// language (<see cref="VisitTypeNames"/>, the names the web app shows); null when none was.
    /// </summary>
    public static string? MarkedLeftOut(StudyReport report, ReportText t)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(t);
        if (report.Schedule is not { LeftOutCount: > 0 } schedule)
        {
            return null;
        }

        // A type without a name is what a site typed: shown as typed and marked as not to translate.
        var types = string.Join(", ", schedule.LeftOut.Select(e =>
            (VisitTypeNames.Find(e.Key, t.Language) ?? ReportText.EnglishStart + e.Key + ReportText.EnglishEnd) + ": " + e.Value.ToString(Invariant)));
        return t.Marked(schedule.Protocol is null ? "left_out_note_all" : "left_out_note", schedule.LeftOutCount, types);
    }

    /// <summary>The CAR-T section's Methods in the report's language (the English equal <see cref="CarTSection.Methods"/>).</summary>
    public static IReadOnlyList<string> CarTMethods(ReportText t) =>
        [.. CarTMethodKeys.Select(k => t["method.cart." + k])];

    /// <summary>The CAR-T Methods with their English terms marked.</summary>
    public static IReadOnlyList<string> MarkedCarTMethods(ReportText t) =>
        [.. CarTMethodKeys.Select(k => t.Marked("method.cart." + k))];

    private static readonly string[] MethodKeys = ["descriptive", "tests", "egfr", "nephritis", "bilag", "responses", "km", "ae", "published"];

    private static readonly string[] CarTMethodKeys = ["cohort", "grades", "max", "onset", "km", "treatments", "follow_up"];

    /// <summary>A published comparison's value to the publication's decimals.</summary>
    public static string Fixed(decimal? value, PublishedComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return value is { } v ? v.ToString("F" + comparison.Decimals, Invariant) : "–";
    }

    /// <summary>A line's level for the synthetic-data statement (drawn bold, in red, on the first page).</summary>
    public const int SyntheticLevel = 4;

    /// <summary>A line's level that stands for a table (its text names it: <see cref="Table"/>) rather than text.</summary>
    public const int TableLevel = 9;

    /// <summary>A table for the PDF: columns with relative widths and alignment; rows, where a group row spans all columns.</summary>
    public sealed record ReportTable(IReadOnlyList<(string Header, double Width, bool Numeric)> Columns, IReadOnlyList<(string? Group, IReadOnlyList<string> Cells)> Rows);

    /// <summary>The table named by a <see cref="TableLevel"/> line.</summary>
    public static ReportTable Table(StudyReport report, string name, ReportText t)
    {
        ArgumentNullException.ThrowIfNull(report);
        return name switch
        {
            "measures" => MeasuresTable(report, t),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such report table."),
        };
    }

    /// <summary>The measures by month: a group row per measure (label and unit), then one row per month with numbers in columns.</summary>
    public static ReportTable MeasuresTable(StudyReport report, ReportText t)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new List<(string?, IReadOnlyList<string>)>();
        foreach (var group in report.Measures.GroupBy(m => (m.Measure, m.Population)))
        {
            var first = group.First();
            var d = Decimals(first.Measure);
            rows.Add((first.Population == "all" ? t["measure_group", first.Label, first.Unit] : t["measure_group_population", first.Label, first.Unit, PopulationLabel(first.Population, t)], []));
            foreach (var m in group)
            {
                var paired = m.Month > 0;
                rows.Add((null,
                [
                    m.Month.ToString(Invariant),
                    m.N.ToString(Invariant),
                    Number(m.Mean, d),
                    Number(m.Sd, d),
                    Number(m.Median, d),
                    m.Median is null ? "–" : $"{Number(m.Q1, d)}–{Number(m.Q3, d)}",
                    paired ? m.Pairs.ToString(Invariant) : "",
                    paired ? Signed(m.MeanChange, d) : "",
                    paired ? P(m.PairedTTestP) : "",
                    paired ? P(m.WilcoxonP) : "",
                ]));
            }
        }

        return new ReportTable(
        [
            (t["month"], 0.8, true), ("n", 0.9, true), (t["mean"], 1.0, true), (t["sd"], 0.9, true), (t["median"], 1.0, true), (t["iqr"], 1.7, true),
            (t["pairs"], 0.9, true), (t["mean_change"], 1.45, true), (t["table.paired_t"], 1.3, true), (t["table.wilcoxon"], 1.35, true),
        ], rows);
    }

    private static string Signed(double? value, int decimals) => value is { } v && v > 0 ? "+" + Number(v, decimals) : Number(value, decimals);

    /// <summary>The report as lines of (heading level or 0, text) shared by the PDF writer; <see cref="TableLevel"/> lines name a table.</summary>
    public static IEnumerable<(int Level, string Text)> Lines(StudyReport report, ReportText t)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(t);
        yield return (1, t["title"]);
        if (report.Provenance.Synthetic)
        {
            yield return (SyntheticLevel, SyntheticStatement(report, t));
        }

        yield return (0, ProtocolAndSites(report, t));
        yield return (2, t["flow"]);
        var f = report.Flow;
        yield return (0, t["flow_text", RegisteredLabel(report, t), f.Registered, f.Enrolled, f.Treated]);
        yield return (0, t["flow_text2", f.Completed12Months, f.Died, f.Withdrawn]);
        yield return (2, t["baseline"]);
        var b = report.Baseline;
        yield return (0, t["baseline_text", b.N, b.Female, b.N == 0 ? "–" : Percent((double)b.Female / b.N), Number(b.AgeMean, 1), Number(b.AgeSd, 1), b.AgeN]);
        yield return (0, t["baseline_text2", Number(b.DiseaseDurationMedianMonths, 1), Number(b.DiseaseDurationQ1, 1), Number(b.DiseaseDurationQ3, 1), b.DiseaseDurationN, b.BiopsyProvenNephritis]);
        yield return (2, t["measures"]);
        yield return (TableLevel, "measures");
        yield return (0, t["measures_note"]);
        if (MarkedLeftOut(report, t) is { } leftOut)
        {
            yield return (0, ReportText.Plain(leftOut));
        }
        if (report.RenalBilagGrades.Count > 0)
        {
            yield return (2, t["renal_bilag"]);
            foreach (var g in report.RenalBilagGrades)
            {
                yield return (0, t["grades_text", PopulationLabel(g.Population, t), g.Month, g.N, g.A, g.B, g.C, g.D, g.E]);
            }

            foreach (var c in report.RenalBilagChange)
            {
                yield return (0, t["change_text", PopulationLabel(c.Population, t), c.FromMonth, c.ToMonth, c.N, c.Improved, c.Unchanged, c.Worsened]);
            }
        }

        if (report.Published.Count > 0)
        {
            yield return (2, t["published"]);
            foreach (var p in report.Published)
            {
                yield return (0, t["published_text", p.Measure, PopulationLabel(p.Population, t), p.Month, StatisticLabel(p.Statistic, t), Fixed(p.Published, p), Fixed(p.RegistryRounded, p),
                    p.N?.ToString(Invariant) ?? "–", Fixed(p.Difference, p)]);
            }

            foreach (var citation in report.Published.Select(p => (p.Citation, p.Note)).Distinct())
            {
                yield return (0, citation.Citation + (citation.Note is null ? "" : ". " + citation.Note));
            }
        }

        yield return (2, t["responses"]);
        foreach (var c in report.Responses.Counts)
        {
            yield return (0, t["response_text", Value("category", c.Category, t), c.Count, c.N, Percent(c.Proportion), Percent(c.Lower), Percent(c.Upper)]);
        }

        foreach (var r in report.Responses.RelapsesByMonth)
        {
            yield return (0, t["relapses_at", r.Month.ToString("0.##", Invariant), r.Count]);
        }

        yield return (2, t["survival"]);
        foreach (var s in report.Survival)
        {
            yield return (3, t["endpoint." + s.Endpoint]);
            yield return (0, t["survival_text", t["definition." + s.Endpoint], s.N, s.Events, Number(s.SurvivalAt12, 3), Number(s.LowerAt12, 3), Number(s.UpperAt12, 3),
                s.MedianMonths is null ? t["not_reached"] : t["months_value", Number(s.MedianMonths, 1)]]);
            yield return (0, t["at_risk_text", string.Join(", ", s.AtRisk.Select(a => t["at_risk_item", a.Month.ToString("0", Invariant), a.AtRisk]))]);
        }

        yield return (2, t["adverse_events"]);
        if (report.AdverseEvents.Count == 0)
        {
            yield return (0, t["none_recorded"]);
        }

        foreach (var a in report.AdverseEvents)
        {
            yield return (0, t["ae_text", AdverseEventGrade(a.Grade, t), Value("relatedness", a.Relatedness, t), Value("causality", a.Causality, t), a.Serious ? t["ae_serious"] : "", a.Events, a.Patients]);
        }

        foreach (var line in ReportWriters.DataQualityLines(report, t))
        {
            yield return line;
        }

        foreach (var line in CarTReportText.Lines(report.CarT, t))
        {
            yield return line;
        }

        yield return (2, t["methods"]);
        foreach (var m in Methods(report, t))
        {
            yield return (0, m);
        }
    }
}
