namespace Stroma.Data.Report;

/// <summary>What <c>stroma report study</c> covers.</summary>
/// <param name="Protocol">Protocol template key (e.g. <c>wang_2014</c>): the cohort is the patients enrolled on it (null: every patient).</param>
/// <param name="Sites">Site codes to include (empty: every site). Applied in the queries: other sites' rows are never read.</param>
/// <param name="HorizonMonths">Horizon of response counts (the 2014 study: 12 months).</param>
/// <param name="SpaghettiPatients">At most this many patients drawn in the per-patient proteinuria chart.</param>
/// <param name="Trace">Receives one line per query or step with its elapsed time and rows (null: silent).</param>
public sealed record StudyReportOptions(string? Protocol, IReadOnlyList<string> Sites, decimal HorizonMonths = 12m, int SpaghettiPatients = 200, Action<string>? Trace = null);

/// <summary>
/// A results section: every figure of the study report, before rendering. Its provenance says whether the registry is
/// synthetic (<c>stroma demo</c>), which the report shows on its first page.
/// </summary>
public sealed partial record StudyReport(
    string Title,
    Stroma.Data.Registry.RegistryProvenance Provenance,
    string? Protocol,
    IReadOnlyList<string> Sites,
    PatientFlow Flow,
    BaselineCharacteristics Baseline,
    IReadOnlyList<MeasureRow> Measures,
    IReadOnlyList<GradeDistribution> RenalBilagGrades,
    IReadOnlyList<GradeShift> RenalBilagChange,
    ResponseCounts Responses,
    IReadOnlyList<SurvivalSummary> Survival,
    IReadOnlyList<AdverseEventRow> AdverseEvents,
    IReadOnlyList<PatientTrajectory> Proteinuria,
    IReadOnlyList<PublishedComparison> Published,
    IReadOnlyList<string> Methods)
{
    /// <summary>Queries and source data verification of the cohort per site (ReportDataQuality.cs).</summary>
    public ReportDataQuality? DataQuality { get; init; }

    /// <summary>The time points (the protocol's schedule) and the cohort's visits left out of the rows (ReportSchedule.cs).</summary>
    public ReportSchedule? Schedule { get; init; }
}

/// <summary>
/// A figure the protocol's publication reports beside this registry's figure for the same measure, population, month
/// and statistic: the registry's value (full precision), the patients it is computed over (<paramref name="N"/>), the
/// value rounded to the published decimals and the difference (rounded registry − published).
/// </summary>
public sealed record PublishedComparison(
    string Measure,
    string Population,
    int Month,
    string Statistic,
    int Decimals,
    decimal Published,
    double? Registry,
    int? N,
    decimal? RegistryRounded,
    decimal? Difference,
    string Citation,
    string? Note);

/// <summary>Flow of patients. Registered: patients of the chosen sites (enrolled on the chosen protocol, if named); enrolled: those with a baseline visit.</summary>
public sealed record PatientFlow(
    int Registered,
    int Enrolled,
    int Treated,
    [property: System.Text.Json.Serialization.JsonPropertyName("completed_12_months")] int Completed12Months,
    int Died,
    int Withdrawn);

/// <summary>Baseline characteristics of the enrolled patients.</summary>
public sealed record BaselineCharacteristics(
    int N,
    int Female,
    double? AgeMean,
    double? AgeSd,
    int AgeN,
    double? DiseaseDurationMedianMonths,
    double? DiseaseDurationQ1,
    double? DiseaseDurationQ3,
    int DiseaseDurationN,
    int BiopsyProvenNephritis);

/// <summary>
/// One measure at one visit month in one population (<c>all</c> enrolled patients, or the <c>lupus_nephritis</c>
/// subgroup for the renal measures): n (the patients of that population with a value at that month), mean, SD (from the database's GROUP BY), median and IQR, and the paired tests
/// of (month − baseline) over patients with both values.
/// </summary>
public sealed record MeasureRow(
    string Measure,
    string Population,
    string Label,
    string Unit,
    int Month,
    int N,
    double? Mean,
    double? Sd,
    double? Median,
    double? Q1,
    double? Q3,
    int Pairs,
    double? MeanChange,
    double? PairedTTestP,
    double? WilcoxonP,
    string? WilcoxonMethod)
{
    /// <summary>How each figure of the row is computed, so that it can be re-derived from the CSV export (docs/report.md).</summary>
    public string Method => Month == 0
        ? "n: patients of the population with a value at this month; mean, SD (n - 1 denominator); median, Q1, Q3 (R quantile type 7)."
        : "n: patients of the population with a value at this month; mean, SD (n - 1 denominator); median, Q1, Q3 (R quantile type 7); "
          + "pairs: those with a baseline value too; mean change = mean of (month - baseline); paired t-test (R t.test(paired = TRUE)); "
          + "Wilcoxon signed-rank test (R wilcox.test(paired = TRUE), method in wilcoxon_method).";
}

/// <summary>
/// Investigator-entered BILAG-2004 grades of one system at one month in one population: n patients with an entry, and
/// how many were graded A to E (the grades are recorded judgements, never computed by Stroma).
/// </summary>
public sealed record GradeDistribution(string System, string Population, int Month, int N, int A, int B, int C, int D, int E);

/// <summary>
/// The change of one system's BILAG-2004 grade between two months over the patients graded at both: improved (a less
/// active grade, in the order A, B, C, D, E), unchanged or worsened.
/// </summary>
public sealed record GradeShift(string System, string Population, int FromMonth, int ToMonth, int N, int Improved, int Unchanged, int Worsened);

/// <summary>Counts of adjudicated responses with exact (Clopper-Pearson) 95% intervals.</summary>
public sealed record ResponseCounts(int N, decimal HorizonMonths, IReadOnlyList<ResponseCount> Counts, IReadOnlyList<RelapseCount> RelapsesByMonth, IReadOnlyList<string> Issues);

/// <summary>One category: x of n, proportion, 95% Clopper-Pearson interval.</summary>
public sealed record ResponseCount(string Category, int Count, int N, double Proportion, double Lower, double Upper);

/// <summary>Relapses adjudicated at a month since start.</summary>
public sealed record RelapseCount(decimal Month, int Count);

/// <summary>A Kaplan-Meier curve (log intervals, Greenwood SE, as R's survfit) with numbers at risk.</summary>
public sealed record SurvivalSummary(
    string Endpoint,
    string Definition,
    int N,
    int Events,
    IReadOnlyList<SurvivalStep> Curve,
    IReadOnlyList<AtRiskCount> AtRisk,
    double? SurvivalAt12,
    double? LowerAt12,
    double? UpperAt12,
    double? MedianMonths);

/// <summary>One distinct time of the curve (months).</summary>
public sealed record SurvivalStep(double Time, int AtRisk, int Events, int Censored, double Survival, double? Lower, double? Upper);

/// <summary>Patients still at risk at a time (months).</summary>
public sealed record AtRiskCount(double Month, int AtRisk);

/// <summary>Adverse events by CTCAE grade and investigator-assessed relation to the therapy.</summary>
public sealed record AdverseEventRow(string Grade, string Relatedness, string Causality, bool Serious, int Events, int Patients);

/// <summary>One patient's 24-h proteinuria by month, for the per-patient chart.</summary>
public sealed record PatientTrajectory(string Patient, IReadOnlyList<double> Months, IReadOnlyList<double> Values);
