using System.Globalization;
using Stroma.Data.Report;

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
    public static string RegisteredLabel(StudyReport report) =>
        report.Protocol is null ? "Registered at the selected sites" : $"Registered at the selected sites and enrolled on protocol {report.Protocol}";

    public static int Decimals(string measure) => measure switch
    {
        "sledai2k" or "bilag2004" or "bilag2004_renal" or "creatinine" or "anti_dsdna" or "egfr" => 1,
        _ => 2,
    };

    /// <summary>A population key as the report reads it.</summary>
    public static string PopulationLabel(string population) => population switch
    {
        "all" => "all enrolled",
        "lupus_nephritis" => "lupus nephritis",
        _ => population,
    };

    public const string RenalBilagHeading = "Renal BILAG-2004 (investigator-entered grades)";

    public const string PublishedHeading = "Published results beside this registry";

    /// <summary>A published comparison's value to the publication's decimals.</summary>
    public static string Fixed(decimal? value, PublishedComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        return value is { } v ? v.ToString("F" + comparison.Decimals, Invariant) : "–";
    }

    /// <summary>What the first page says of a synthetic registry whose provenance entry carries no statement.</summary>
    public const string SyntheticFallback = "SYNTHETIC DATA: this registry's records were generated, not observed.";

    /// <summary>A line's level for the synthetic-data statement (drawn bold, in red, on the first page).</summary>
    public const int SyntheticLevel = 4;

    /// <summary>A line's level that stands for a table (its text names it: <see cref="Table"/>) rather than text.</summary>
    public const int TableLevel = 9;

    /// <summary>A table for the PDF: columns with relative widths and alignment; rows, where a group row spans all columns.</summary>
    public sealed record ReportTable(IReadOnlyList<(string Header, double Width, bool Numeric)> Columns, IReadOnlyList<(string? Group, IReadOnlyList<string> Cells)> Rows);

    /// <summary>The table named by a <see cref="TableLevel"/> line.</summary>
    public static ReportTable Table(StudyReport report, string name)
    {
        ArgumentNullException.ThrowIfNull(report);
        return name switch
        {
            "measures" => MeasuresTable(report),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such report table."),
        };
    }

    /// <summary>The measures by month: a group row per measure (label and unit), then one row per month with numbers in columns.</summary>
    public static ReportTable MeasuresTable(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new List<(string?, IReadOnlyList<string>)>();
        foreach (var group in report.Measures.GroupBy(m => (m.Measure, m.Population)))
        {
            var first = group.First();
            var d = Decimals(first.Measure);
            rows.Add(($"{first.Label} ({first.Unit}){(first.Population == "all" ? "" : ", " + PopulationLabel(first.Population))}", []));
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
            ("Month", 0.8, true), ("n", 0.9, true), ("Mean", 1.0, true), ("SD", 0.9, true), ("Median", 1.0, true), ("IQR", 1.7, true),
            ("Pairs", 0.9, true), ("Mean change", 1.45, true), ("Paired t p", 1.3, true), ("Wilcoxon p", 1.35, true),
        ], rows);
    }

    private static string Signed(double? value, int decimals) => value is { } v && v > 0 ? "+" + Number(v, decimals) : Number(value, decimals);

    /// <summary>The report as lines of (heading level or 0, text) shared by the PDF writer; <see cref="TableLevel"/> lines name a table.</summary>
    public static IEnumerable<(int Level, string Text)> Lines(StudyReport report)
    {
        yield return (1, report.Title);
        if (report.Provenance.Synthetic)
        {
            yield return (SyntheticLevel, report.Provenance.Statement ?? SyntheticFallback);
        }

        yield return (0, $"Protocol: {report.Protocol ?? "not named"}. Sites: {(report.Sites.Count == 0 ? "all" : string.Join(", ", report.Sites))}.");
        yield return (2, "Flow of patients");
        var f = report.Flow;
        yield return (0, $"{RegisteredLabel(report)}: {f.Registered}. Enrolled (baseline visit): {f.Enrolled}. Treated: {f.Treated}.");
        yield return (0, $"Completed 12 months: {f.Completed12Months}. Died: {f.Died}. Withdrawn: {f.Withdrawn}.");
        yield return (2, "Baseline characteristics");
        var b = report.Baseline;
        yield return (0, $"n = {b.N}; female {b.Female} ({(b.N == 0 ? "–" : Percent((double)b.Female / b.N))}); age {Number(b.AgeMean, 1)} ± {Number(b.AgeSd, 1)} years (n = {b.AgeN}).");
        yield return (0, $"Disease duration, median [IQR]: {Number(b.DiseaseDurationMedianMonths, 1)} [{Number(b.DiseaseDurationQ1, 1)}, {Number(b.DiseaseDurationQ3, 1)}] months (n = {b.DiseaseDurationN}); biopsy-proven lupus nephritis {b.BiopsyProvenNephritis}.");
        yield return (2, "Disease activity, renal and serological measures by month");
        yield return (TableLevel, "measures");
        yield return (0, "Mean ± SD, n, median and IQR (Q1–Q3, R type 7). P-values compare each month with baseline over the patients with both values (pairs): paired t-test and Wilcoxon signed-rank test.");
        if (report.RenalBilagGrades.Count > 0)
        {
            yield return (2, RenalBilagHeading);
            foreach (var g in report.RenalBilagGrades)
            {
                yield return (0, $"{PopulationLabel(g.Population)}, month {g.Month} (n = {g.N}): A {g.A}, B {g.B}, C {g.C}, D {g.D}, E {g.E}");
            }

            foreach (var c in report.RenalBilagChange)
            {
                yield return (0, $"{PopulationLabel(c.Population)}, month {c.FromMonth} → {c.ToMonth} (n = {c.N}): improved {c.Improved}, unchanged {c.Unchanged}, worsened {c.Worsened}");
            }
        }

        if (report.Published.Count > 0)
        {
            yield return (2, PublishedHeading);
            foreach (var p in report.Published)
            {
                yield return (0, $"{p.Measure} ({PopulationLabel(p.Population)}), month {p.Month}, {p.Statistic}: published {Fixed(p.Published, p)}; this registry {Fixed(p.RegistryRounded, p)} (n = {p.N?.ToString(Invariant) ?? "–"}); difference {Fixed(p.Difference, p)}");
            }

            foreach (var citation in report.Published.Select(p => (p.Citation, p.Note)).Distinct())
            {
                yield return (0, citation.Citation + (citation.Note is null ? "" : ". " + citation.Note));
            }
        }

        yield return (2, "Clinical responses (investigator adjudications)");
        foreach (var c in report.Responses.Counts)
        {
            yield return (0, $"{c.Category}: {c.Count}/{c.N} ({Percent(c.Proportion)}; 95% CI {Percent(c.Lower)}–{Percent(c.Upper)}, Clopper-Pearson)");
        }

        foreach (var r in report.Responses.RelapsesByMonth)
        {
            yield return (0, $"Relapses adjudicated at month {r.Month.ToString("0.##", CultureInfo.InvariantCulture)}: {r.Count}");
        }

        yield return (2, "Survival");
        foreach (var s in report.Survival)
        {
            yield return (3, s.Endpoint == "overall_survival" ? "Overall survival" : "Relapse-free survival");
            yield return (0, $"{s.Definition} n = {s.N}, events = {s.Events}; at 12 months {Number(s.SurvivalAt12, 3)} (95% CI {Number(s.LowerAt12, 3)}–{Number(s.UpperAt12, 3)}); median {(s.MedianMonths is null ? "not reached" : Number(s.MedianMonths, 1) + " months")}.");
            yield return (0, "Numbers at risk: " + string.Join(", ", s.AtRisk.Select(a => $"month {a.Month:0}: {a.AtRisk}")));
        }

        yield return (2, "Adverse events");
        if (report.AdverseEvents.Count == 0)
        {
            yield return (0, "None recorded.");
        }

        foreach (var a in report.AdverseEvents)
        {
            yield return (0, $"Grade {a.Grade}, {a.Relatedness} ({a.Causality}){(a.Serious ? ", serious" : "")}: {a.Events} events in {a.Patients} patients");
        }

        foreach (var line in ReportWriters.DataQualityLines(report))
        {
            yield return line;
        }

        foreach (var line in CarTReportText.Lines(report.CarT))
        {
            yield return line;
        }

        yield return (2, "Methods");
        foreach (var m in report.Methods)
        {
            yield return (0, m);
        }
    }
}
