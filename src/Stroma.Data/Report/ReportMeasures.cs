using System.Data.Common;
using System.Text.Json;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Statistics;

namespace Stroma.Data.Report;

/// <summary>
/// The measures by month (disease activity, renal and serological): their definitions, the per-patient value streams
/// and the database's aggregates that fill them, and their statistics (n, mean ± SD, median [IQR], paired tests).
/// </summary>
internal static class ReportMeasures
{
    /// <summary>
    /// The measures of the results table: key, label, unit, source (assessment instrument, lab analyte, or derived). A lab
    /// measure's unit is its analyte's canonical unit in the catalogue (<see cref="AnalyteCatalog"/>: the unit
    /// <c>normalised_value</c> is stored in); eGFR's is the unit CKD-EPI 2021 gives (<see cref="DerivedValues.CkdEpi2021"/>).
    /// </summary>
    internal static readonly (string Key, string Label, string Unit, string Source)[] Definitions =
    [
        ("sledai2k", "SLEDAI-2K", "score", "assessment"),
        ("bilag2004", "BILAG-2004 total (numeric)", "score", "assessment"),
        ("bilag2004_renal", "BILAG-2004 renal (numeric)", "score", "assessment"),
        Lab("urine_protein_24h", "24-h proteinuria"),
        Lab("creatinine", "Serum creatinine"),
        Lab("urea", "Urea (BUN, as urea)"),
        ("egfr", "eGFR (CKD-EPI 2021)", Units.GfrUnit.Display, "derived"),
        Lab("c3", "C3"),
        Lab("c4", "C4"),
        Lab("anti_dsdna", "Anti-dsDNA"),
    ];

    /// <summary>The population of every enrolled patient.</summary>
    internal const string AllPatients = "all";

    /// <summary>The subgroup of enrolled patients with a lupus nephritis biopsy recorded (a diagnosis not deleted).</summary>
    internal const string LupusNephritis = "lupus_nephritis";

    /// <summary>The renal measures, also reported in the <see cref="LupusNephritis"/> subgroup.</summary>
    internal static readonly HashSet<string> RenalMeasures = new(StringComparer.Ordinal) { "bilag2004_renal", "urine_protein_24h", "creatinine", "urea", "egfr" };

    /// <summary>The per-patient slots of the renal BILAG-2004 grade (0 = A … 4 = E), filled by the BILAG-2004 stream.</summary>
    internal const string RenalGradeKey = "bilag2004_renal_grade";

    /// <summary>The lab analytes among the measures, in table order.</summary>
    internal static readonly string[] LabAnalytes = [.. Definitions.Where(d => d.Source == "lab").Select(d => d.Key)];

    private static (string Key, string Label, string Unit, string Source) Lab(string analyte, string label) =>
        (analyte, label, AnalyteCatalog.Get(analyte).CanonicalUnit!.Display, "lab");

    /// <summary>
    /// One index-only scan per analyte (<c>ix_lab_results_report</c>: analyte, visit id, value, of the rows not deleted),
    /// reading only the visit id and the value; the visit map places each value.
    /// </summary>
    public static async Task ReadLabValuesAsync(DbConnection connection, ReportSql sql, string analyte, ReportCohort cohort, VisitMap visits, MonthValues values, ReportTrace trace, CancellationToken cancellationToken)
    {
        // Creatinine's stream also fills eGFR (derived per visit); no other stream writes either measure.
        var egfr = analyte == "creatinine" ? values.Of("egfr") : null;
        // eGFR depends only on (creatinine, age, sex): laboratories report creatinine to a few significant figures, so the
        // same triple recurs and is computed once (the stream's main cost otherwise; the values are the same).
        var egfrOf = new EgfrMemo();
        var rows = 0L;
        var slots = values.Of(analyte);
        var map = visits.Reader();
        await using (var command = sql.Command(connection, LabValuesSql(sql, analyte)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                if (!map.TryGet(reader.GetGuid(0), out var visit))
                {
                    continue;
                }

                var value = reader.GetDouble(1);
                values.Set(slots, visit, value);
                if (egfr is not null)
                {
                    var patient = cohort.Enrolled[visit.Patient];
                    if (egfrOf.Of(value, patient.AgeAt(visit.Date), patient.Sex) is { } computed)
                    {
                        values.Set(egfr, visit, computed);
                    }
                }
            }
        }

        trace.Step("lab values " + analyte, rows);
    }

    public static async Task ReadAssessmentValuesAsync(DbConnection connection, ReportSql sql, string instrument, VisitMap visits, MonthValues values, ReportTrace trace, CancellationToken cancellationToken)
    {
        // BILAG-2004's stream also fills its renal value; no other stream writes either measure. The renal subtotal and
        // grade are columns copied from each result when it is saved, read with the total through IX_assessments_report
        // alone (each row's stored result is about 4 KB); rows saved before the columns existed have neither, and only
        // their stored results are read (and parsed) for them, in a second query that finds nothing in a newer registry.
        var renal = instrument == "bilag2004" ? values.Of("bilag2004_renal") : null;
        var renalGrade = instrument == "bilag2004" ? values.Of(RenalGradeKey) : null;
        var rows = 0L;
        var slots = values.Of(instrument);
        var where = AssessmentWhere(sql, instrument);
        var map = visits.Reader();
        await using (var command = sql.Command(connection, AssessmentValuesSql(sql, instrument)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                if (!map.TryGet(reader.GetGuid(0), out var visit))
                {
                    continue;
                }

                values.Set(slots, visit, reader.GetDouble(1));
                if (renal is not null)
                {
                    SetRenal(visit, reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetInt32(3));
                }
            }
        }

        if (renal is not null)
        {
            await using var command = sql.Command(connection, $"""
                SELECT a.visit_id, a.result_json FROM assessments a WHERE {where} AND a.renal_subtotal IS NULL AND a.renal_grade IS NULL
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (map.TryGet(reader.GetGuid(0), out var visit) && RenalSubtotal(reader.GetString(1)) is var (numeric, grade))
                {
                    SetRenal(visit, numeric, grade is { Length: 1 } g && g[0] is >= 'A' and <= 'E' ? g[0] - 'A' : null);
                }
            }
        }

        // The grade as its index (0 = A … 4 = E); any other entry is no grade.
        void SetRenal(VisitSlot visit, double? numeric, int? grade)
        {
            if (numeric is { } n)
            {
                values.Set(renal!, visit, n);
            }

            if (grade is { } g)
            {
                values.Set(renalGrade!, visit, g);
            }
        }

        trace.Step("assessment values " + instrument, rows);
    }

    /// <summary>An analyte's value stream: (visit, normalised value), all in IX_lab_results_report.</summary>
    internal static string LabValuesSql(ReportSql sql, string analyte) => $"""
        SELECT l.visit_id, {sql.Real("l.normalised_value")} FROM lab_results l
        WHERE l.analyte = '{analyte}' AND l.deleted_at IS NULL AND l.normalised_value IS NOT NULL AND l.visit_id IS NOT NULL {sql.VisitSiteFilter("l")}
        """;

    private static string AssessmentWhere(ReportSql sql, string instrument) =>
        $"a.instrument = '{instrument}' AND a.deleted_at IS NULL AND a.total IS NOT NULL AND a.visit_id IS NOT NULL {sql.VisitSiteFilter("a")}";

    /// <summary>
    /// An instrument's value stream: (visit, total, renal subtotal, renal grade), all in IX_assessments_report. The grade
    /// comes as its index, 0 = A … 4 = E, and NULL for anything else (the comparison is case-sensitive on both engines):
    /// a number, not a string to allocate for each of 5 × 10^6 rows at 10^6 patients.
    /// </summary>
    internal static string AssessmentValuesSql(ReportSql sql, string instrument) =>
        $"SELECT a.visit_id, {sql.Real("a.total")}, {sql.Real("a.renal_subtotal")}, {GradeIndex("a.renal_grade")} FROM assessments a WHERE {AssessmentWhere(sql, instrument)}";

    private static string GradeIndex(string column) =>
        $"CASE {column} WHEN 'A' THEN 0 WHEN 'B' THEN 1 WHEN 'C' THEN 2 WHEN 'D' THEN 3 WHEN 'E' THEN 4 END";

    /// <summary>
    /// eGFR by (creatinine, age, sex), each triple computed once by <see cref="Egfr"/>: one table of creatinine values
    /// per (age, sex), found by index, so a row costs one hash of a double (at 10^6 patients a hash of the whole
    /// (double, int?, string) tuple was 7 % of the report's CPU). Ages outside 0–150 are computed each time.
    /// </summary>
    private sealed class EgfrMemo
    {
        private const int Ages = 152;
        private readonly Dictionary<double, double?>?[] tables = new Dictionary<double, double?>?[3 * Ages];

        public double? Of(double creatinine, int? age, string? patientSex)
        {
            // The equation tells only female and male apart; every other value (none, unknown) is one table.
            Sex? sex = patientSex switch { "Female" => Sex.Female, "Male" => Sex.Male, _ => null };
            if (age is < 0 or > 150)
            {
                return Egfr(age, sex, creatinine);
            }

            var index = (sex switch { Sex.Female => 0, Sex.Male => 1, _ => 2 } * Ages) + (age is { } known ? known + 1 : 0);
            var table = tables[index] ??= [];
            ref var e = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(table, creatinine, out var exists);
            if (!exists)
            {
                e = Egfr(age, sex, creatinine);
            }

            return e;
        }
    }

    private static double? Egfr(int? age, Sex? sex, double creatinineUmolPerLitre)
    {
        var value = DerivedValues.CkdEpi2021Value(new Quantity((decimal)creatinineUmolPerLitre, Units.MicromolePerLitre), age, sex);
        return value is null ? null : (double)value.Value;
    }

    /// <summary>
    /// The renal system's numeric value and entered grade from a stored BILAG-2004 result (its subtotal keyed <c>renal</c>),
    /// for assessments saved before <see cref="Model.Assessment.RenalSubtotal"/> was copied from the result.
    /// </summary>
    private static (double? Numeric, string? Grade)? RenalSubtotal(string resultJson)
    {
        using var document = JsonDocument.Parse(resultJson);
        foreach (var name in new[] { "Subtotals", "subtotals" })
        {
            if (document.RootElement.TryGetProperty(name, out var subtotals) && subtotals.ValueKind == JsonValueKind.Array)
            {
                foreach (var subtotal in subtotals.EnumerateArray())
                {
                    var key = subtotal.TryGetProperty("Key", out var k) ? k : subtotal.TryGetProperty("key", out k) ? k : default;
                    var points = subtotal.TryGetProperty("Value", out var p) ? p : subtotal.TryGetProperty("value", out p) ? p : default;
                    var grade = subtotal.TryGetProperty("Grade", out var g) ? g : subtotal.TryGetProperty("grade", out g) ? g : default;
                    if (key.ValueKind == JsonValueKind.String && key.GetString() == "renal")
                    {
                        return (points.ValueKind == JsonValueKind.Number ? points.GetDouble() : null, grade.ValueKind == JsonValueKind.String ? grade.GetString() : null);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The table of measures by month, in <see cref="Definitions"/> order: the cells each value stream computed when it
    /// finished (<see cref="MeasureCells"/>) and any left, computed now in parallel. n, mean and SD come from the same
    /// per-patient values as the median and the paired tests, on both engines.
    /// </summary>
    public static List<MeasureRow> Table(MeasureCells cells)
    {
        Parallel.For(0, Definitions.Length, cells.Compute);
        return [.. cells.Rows()];
    }

    /// <summary>One measure's cell at month index <paramref name="m"/> over the enrolled patients in <paramref name="include"/> (null: all).</summary>
    internal static MeasureRow? Measure(string key, string population, string label, string unit, int m, MonthValues values, bool[]? include)
    {
        var slots = values.Of(key);
        var months = values.Months;
        var stride = months.Count;
        var observed = new List<double>();
        var before = new List<double?>();
        var after = new List<double?>();
        for (var p = 0; p < values.Patients; p++)
        {
            var value = slots[(p * stride) + m];
            if (double.IsNaN(value) || (include is not null && !include[p]))
            {
                continue;
            }

            observed.Add(value);
            var baseline = slots[p * stride];
            if (m > 0 && !double.IsNaN(baseline))
            {
                before.Add(baseline);
                after.Add(value);
            }
        }

        if (observed.Count == 0)
        {
            return null;
        }

        var summary = Descriptive.Summarise(observed);
        double? mean = summary.Mean;
        double? sd = summary.N > 1 ? summary.StandardDeviation : null;
        var n = summary.N;

        double? meanChange = null, t = null, w = null;
        string? method = null;
        if (before.Count >= 2)
        {
            var differences = before.Zip(after, (b, a) => a!.Value - b!.Value).ToList();
            meanChange = differences.Average();
            if (differences.Exists(d => d != differences[0]))
            {
                t = PairedTests.TTest(before, after).P;
            }

            if (differences.Any(d => d != 0))
            {
                var wilcoxon = PairedTests.Wilcoxon(before, after);
                w = wilcoxon.P;
                method = wilcoxon.Exact ? "exact" : "normal approximation with continuity correction";
            }
        }

        return new MeasureRow(key, population, label, unit, months[m], n, mean, sd, summary.Median, summary.Q1, summary.Q3, before.Count, meanChange, t, w, method);
    }

    /// <summary>The per-patient 24-h proteinuria by month of the first <paramref name="limit"/> enrolled patients with a value.</summary>
    public static List<PatientTrajectory> Spaghetti(ReportCohort cohort, MonthValues values, List<int> months, int limit)
    {
        var result = new List<PatientTrajectory>();
        for (var p = 0; p < values.Patients && result.Count < limit; p++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (var m = 0; m < months.Count; m++)
            {
                var value = values.Get("urine_protein_24h", p, m);
                if (!double.IsNaN(value))
                {
                    xs.Add(months[m]);
                    ys.Add(value);
                }
            }

            if (xs.Count > 0)
            {
                result.Add(new PatientTrajectory(cohort.Enrolled[p].StudyId, xs, ys));
            }
        }

        return result;
    }
}
