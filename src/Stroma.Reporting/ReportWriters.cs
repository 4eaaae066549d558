using System.Globalization;
using System.Text;
using System.Text.Json;
using Stroma.Data.Report;

namespace Stroma.Reporting;

/// <summary>Output formats of the study report.</summary>
public enum ReportFormat
{
    Html,
    Pdf,
    Csv,
    Json,
}

/// <summary>
/// Writes a <see cref="StudyReport"/> as JSON, CSV (long format), HTML (inline SVG charts; ReportWriters.Html.cs) or PDF
/// (PNG charts; ReportWriters.Pdf.cs).
/// </summary>
public static partial class ReportWriters
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes the report in English.</summary>
    public static Task WriteAsync(StudyReport report, ReportFormat format, Stream output, CancellationToken cancellationToken = default) =>
        WriteAsync(report, format, output, ReportLanguage.English, cancellationToken);

    /// <summary>
    /// Writes the report; HTML and PDF in <paramref name="language"/>, JSON and CSV always with their English keys and text.
    /// A PDF whose font is not installed throws <see cref="ReportFontMissingException"/> before anything is written.
    /// </summary>
    public static Task WriteAsync(StudyReport report, ReportFormat format, Stream output, ReportLanguage language, CancellationToken cancellationToken = default) =>
        WriteAsync(report, format, output, language, null, cancellationToken);

    /// <summary>As <see cref="WriteAsync(StudyReport, ReportFormat, Stream, ReportLanguage, CancellationToken)"/>, the PDF's fonts read from <paramref name="fontDirectory"/> when it is named.</summary>
    public static async Task WriteAsync(StudyReport report, ReportFormat format, Stream output, ReportLanguage language, string? fontDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(language);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case ReportFormat.Json:
                await JsonSerializer.SerializeAsync(output, report, Json, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                break;
            case ReportFormat.Csv:
                await WriteTextAsync(output, Csv(report), cancellationToken).ConfigureAwait(false);
                break;
            case ReportFormat.Html:
                await WriteTextAsync(output, Html(report, ReportCharts.Draw(report, language), language), cancellationToken).ConfigureAwait(false);
                break;
            default:
                ReportFontResolver.EnsureInstalled(language, fontDirectory);
                Pdf(report, ReportCharts.Draw(report, language), language).Save(output, false);
                break;
        }
    }

    /// <summary>The report's Methods in <paramref name="language"/> (in English, the sentences the JSON carries).</summary>
    public static IReadOnlyList<string> Methods(StudyReport report, ReportLanguage language) => ReportFormatting.Methods(report, new Localization.ReportText(language));

    /// <summary>The report's Methods in <paramref name="language"/> as HTML: encoded, English terms in a Chinese sentence in <c>&lt;span lang="en" translate="no"&gt;</c>.</summary>
    public static IReadOnlyList<string> MethodsHtml(StudyReport report, ReportLanguage language) =>
        [.. ReportFormatting.MarkedMethods(report, new Localization.ReportText(language)).Select(Localization.ReportText.Html)];

    /// <summary>
    /// The measures table's footnote on the cohort's visits left out (their type is not a time point of the schedule) in
    /// <paramref name="language"/> as HTML (as <see cref="MethodsHtml"/>); null when none was left out.
    /// </summary>
    public static string? LeftOutHtml(StudyReport report, ReportLanguage language) =>
        ReportFormatting.MarkedLeftOut(report, new Localization.ReportText(language)) is { } note ? Localization.ReportText.Html(note) : null;

    /// <summary>The CAR-T section's Methods in <paramref name="language"/> as HTML (as <see cref="MethodsHtml"/>).</summary>
    public static IReadOnlyList<string> CarTMethodsHtml(ReportLanguage language) =>
        [.. ReportFormatting.MarkedCarTMethods(new Localization.ReportText(language)).Select(Localization.ReportText.Html)];

    /// <summary>The CAR-T section's Methods in <paramref name="language"/>.</summary>
    public static IReadOnlyList<string> CarTMethods(ReportLanguage language) => ReportFormatting.CarTMethods(new Localization.ReportText(language));

    /// <summary>A survival endpoint's definition (<c>overall_survival</c>, <c>relapse_free_survival</c>) in <paramref name="language"/>.</summary>
    public static string SurvivalDefinition(string endpoint, ReportLanguage language) => new Localization.ReportText(language)["definition." + endpoint];

    /// <summary>Throws <see cref="ReportFontMissingException"/> (naming the font and its Debian package) unless the PDF's font for <paramref name="language"/> is installed.</summary>
    public static void EnsureFonts(ReportLanguage language, string? fontDirectory = null) => ReportFontResolver.EnsureInstalled(language, fontDirectory);

    /// <summary>The environment variable naming the PDF's font folder for the CLI (<c>STROMA_REPORT_FONTS</c>).</summary>
    public const string FontsEnvironmentVariable = ReportFontResolver.EnvironmentVariable;

    private static async Task WriteTextAsync(Stream output, string text, CancellationToken cancellationToken) =>
        await output.WriteAsync(new UTF8Encoding(false).GetBytes(text), cancellationToken).ConfigureAwait(false);

    /// <summary>Long format, one figure per line: <c>section,item,month,statistic,value</c>.</summary>
    public static string Csv(StudyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using var csv = new Stroma.Data.Export.SafeCsvWriter(text, CultureInfo.InvariantCulture);
        void Row(string section, string item, string? month, string statistic, object? value)
        {
            csv.WriteField(section);
            csv.WriteField(item);
            csv.WriteField(month ?? "");
            csv.WriteField(statistic);
            csv.WriteField(value switch
            {
                null => "",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                decimal m => m.ToString(CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            });
            csv.NextRecord();
        }

        foreach (var header in new[] { "section", "item", "month", "statistic", "value" })
        {
            csv.WriteField(header);
        }

        csv.NextRecord();
        Row("provenance", "synthetic", null, "value", report.Provenance.Synthetic);
        var f = report.Flow;
        Row("flow", "registered", null, "n", f.Registered);
        Row("flow", "enrolled", null, "n", f.Enrolled);
        Row("flow", "treated", null, "n", f.Treated);
        Row("flow", "completed_12_months", null, "n", f.Completed12Months);
        Row("flow", "died", null, "n", f.Died);
        Row("flow", "withdrawn", null, "n", f.Withdrawn);
        var b = report.Baseline;
        Row("baseline", "patients", null, "n", b.N);
        Row("baseline", "female", null, "n", b.Female);
        Row("baseline", "age_years", null, "n", b.AgeN);
        Row("baseline", "age_years", null, "mean", b.AgeMean);
        Row("baseline", "age_years", null, "sd", b.AgeSd);
        Row("baseline", "disease_duration_months", null, "n", b.DiseaseDurationN);
        Row("baseline", "disease_duration_months", null, "median", b.DiseaseDurationMedianMonths);
        Row("baseline", "disease_duration_months", null, "q1", b.DiseaseDurationQ1);
        Row("baseline", "disease_duration_months", null, "q3", b.DiseaseDurationQ3);
        Row("baseline", "biopsy_proven_nephritis", null, "n", b.BiopsyProvenNephritis);
        foreach (var m in report.Measures)
        {
            var month = m.Month.ToString(CultureInfo.InvariantCulture);
            var item = m.Population == "all" ? m.Measure : $"{m.Measure}|{m.Population}";
            Row("measure", item, month, "n", m.N);
            Row("measure", item, month, "mean", m.Mean);
            Row("measure", item, month, "sd", m.Sd);
            Row("measure", item, month, "median", m.Median);
            Row("measure", item, month, "q1", m.Q1);
            Row("measure", item, month, "q3", m.Q3);
            if (m.Month > 0)
            {
                Row("measure", item, month, "pairs", m.Pairs);
                Row("measure", item, month, "mean_change", m.MeanChange);
                Row("measure", item, month, "paired_t_p", m.PairedTTestP);
                Row("measure", item, month, "wilcoxon_p", m.WilcoxonP);
            }
        }

        foreach (var g in report.RenalBilagGrades)
        {
            var item = $"bilag2004_{g.System}_grade|{g.Population}";
            var month = g.Month.ToString(CultureInfo.InvariantCulture);
            Row("grades", item, month, "n", g.N);
            foreach (var (grade, count) in new[] { ("A", g.A), ("B", g.B), ("C", g.C), ("D", g.D), ("E", g.E) })
            {
                Row("grades", item, month, grade, count);
            }
        }

        foreach (var c in report.RenalBilagChange)
        {
            var item = $"bilag2004_{c.System}_grade|{c.Population}";
            var month = c.ToMonth.ToString(CultureInfo.InvariantCulture);
            Row("grade_change", item, month, "n", c.N);
            Row("grade_change", item, month, "improved", c.Improved);
            Row("grade_change", item, month, "unchanged", c.Unchanged);
            Row("grade_change", item, month, "worsened", c.Worsened);
        }

        foreach (var c in report.Responses.Counts)
        {
            Row("response", c.Category, null, "count", c.Count);
            Row("response", c.Category, null, "n", c.N);
            Row("response", c.Category, null, "proportion", c.Proportion);
            Row("response", c.Category, null, "lower_95", c.Lower);
            Row("response", c.Category, null, "upper_95", c.Upper);
        }

        foreach (var r in report.Responses.RelapsesByMonth)
        {
            Row("relapse", "relapse", r.Month.ToString(CultureInfo.InvariantCulture), "count", r.Count);
        }

        foreach (var s in report.Survival)
        {
            Row("survival", s.Endpoint, null, "n", s.N);
            Row("survival", s.Endpoint, null, "events", s.Events);
            Row("survival", s.Endpoint, "12", "survival", s.SurvivalAt12);
            Row("survival", s.Endpoint, "12", "lower_95", s.LowerAt12);
            Row("survival", s.Endpoint, "12", "upper_95", s.UpperAt12);
            Row("survival", s.Endpoint, null, "median_months", s.MedianMonths);
            foreach (var a in s.AtRisk)
            {
                Row("survival", s.Endpoint, a.Month.ToString(CultureInfo.InvariantCulture), "at_risk", a.AtRisk);
            }
        }

        foreach (var a in report.AdverseEvents)
        {
            var item = $"grade {a.Grade}; {a.Relatedness}; {a.Causality}{(a.Serious ? "; serious" : "")}";
            Row("adverse_events", item, null, "events", a.Events);
            Row("adverse_events", item, null, "patients", a.Patients);
        }

        DataQualityRows(Row, report);
        foreach (var p in report.Published)
        {
            var item = $"{p.Measure}|{p.Population}|{p.Statistic}";
            var month = p.Month.ToString(CultureInfo.InvariantCulture);
            Row("published", item, month, "published", p.Published);
            Row("published", item, month, "registry", p.Registry);
            Row("published", item, month, "n", p.N);
            Row("published", item, month, "difference", p.Difference);
        }

        foreach (var (section, item, month, statistic, value) in CarTReportText.CsvRows(report.CarT))
        {
            Row(section, item, month, statistic, value);
        }

        csv.Flush();
        return text.ToString();
    }
}
