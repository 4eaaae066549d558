using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;

namespace Stroma.Data.Report;

/// <summary>
/// Builds the <see cref="StudyReport"/> from the registry. Every query is restricted to the chosen sites in SQL; the
/// per-patient values (for every statistic of the measures: n, mean, SD, medians, paired tests; and survival) are
/// streamed once from covering indexes into arrays indexed by patient and month, never whole tables.
/// This type schedules the reads and assembles the sections; each section's reads and figures have their own type:
/// <see cref="ReportCohort"/> (flow, baseline, visits by month), <see cref="ReportMeasures"/>, <see cref="ReportResponses"/>,
/// <see cref="ReportSurvival"/> and <see cref="ReportSafety"/>. Rendering (charts, HTML, PDF) is in Stroma.Reporting.
/// </summary>
public static class StudyReportBuilder
{
    /// <summary>Days per month used to express follow-up in months (365.25 / 12).</summary>
    public const double DaysPerMonth = 30.4375;

    /// <summary>Visit window (days either side) used for numbers at risk at a nominal month.</summary>
    public const double VisitWindowDays = 7;

    public static async Task<StudyReport> BuildAsync(StromaDbContext db, StudyReportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Protocol is { } key && await KnownProtocolsAsync(db, cancellationToken).ConfigureAwait(false) is var known
            && !known.Contains(key, StringComparer.Ordinal))
        {
            // The surfaces check this first (stroma report study: a usage error naming the known protocols).
            throw new ArgumentException(UnknownProtocolMessage(key, known), nameof(options));
        }

        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var trace = new ReportTrace(options.Trace);
            var sql = new ReportSql(db.Database.IsNpgsql(), options.Sites, options.Protocol, db.Database.GetConnectionString()!);
            var timePoints = await ReportTimePoints.ReadAsync(db, connection, sql, options.Protocol, cancellationToken).ConfigureAwait(false);
            trace.Step("protocol schedule", timePoints.Versions.Count);
            var (cohort, visits) = await ReportCohort.ReadAsync(connection, sql, timePoints, trace, cancellationToken).ConfigureAwait(false);
            var values = new MonthValues(cohort.Enrolled.Count, visits.Months);
            var cells = new MeasureCells(values, [.. cohort.Enrolled.Select(p => p.Nephritis)]);
            var ((responses, survival), adverse, quality) = await ReadInParallelAsync(connection, sql, timePoints, cohort, visits, values, cells, options.HorizonMonths, db.Clock.GetUtcNow(), trace, cancellationToken)
                .ConfigureAwait(false);
            var months = visits.Months;
            var measures = ReportMeasures.Table(cells);
            trace.Step("statistics of the measures", measures.Count);
            var (renalGrades, renalChange) = ReportRenalBilag.Summarise(cohort, values);
            var spaghetti = ReportMeasures.Spaghetti(cohort, values, months, options.SpaghettiPatients);
            var provenance = await Stroma.Data.Registry.RegistryProvenance.ReadAsync(db, cancellationToken).ConfigureAwait(false);
            var flow = cohort.Flow();
            var baseline = cohort.Baseline();
            var published = ReportPublished.Compare(options.Protocol, flow, baseline, measures, responses, survival);
            var carT = await ReportCarT.IsCarTAsync(db, options.Protocol, cancellationToken).ConfigureAwait(false)
                ? await ReportCarT.ReadAsync(connection, sql, cohort, cancellationToken).ConfigureAwait(false) : null;
            return new StudyReport(
                "Study report",
                provenance,
                options.Protocol,
                options.Sites,
                flow,
                baseline,
                measures,
                renalGrades,
                renalChange,
                responses,
                survival,
                adverse,
                spaghetti,
                published,
                Methods(options, timePoints))
            {
                Schedule = new ReportSchedule(timePoints.Protocol, timePoints.Versions, timePoints.Months ?? months, visits.LeftOut),
                DataQuality = quality,
                CarT = carT,
            };
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The protocol keys a report can name: the protocol templates (an enrolment always names one of them).</summary>
    public static IReadOnlyList<string> KnownProtocols => [.. ProtocolTemplates.All.Select(p => p.Key)];

    /// <summary>
    /// The protocols a report can be restricted to: the built-in templates, then the registry's stored protocols
    /// (a site's copies such as <c>cr_msc_nk</c>), in key order.
    /// </summary>
    public static async Task<IReadOnlyList<string>> KnownProtocolsAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await db.Protocols.AsNoTracking().Select(p => p.Key).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. KnownProtocols, .. stored.Where(k => !KnownProtocols.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The message for a protocol that is neither a template nor stored, naming the known ones.</summary>
    public static string UnknownProtocolMessage(string key, IReadOnlyList<string> known) =>
        $"Unknown protocol '{key}'; known protocols: {string.Join(", ", known)}.";

    /// <summary>
    /// The report's Methods in English, as the JSON carries them: definitions, statistical methods and their citations, no
    /// implementation notes. The HTML and PDF print the same sentences in the report's language from Stroma.Reporting's
    /// resources (<c>method.*</c> in ReportText.resx); a test checks that the English ones equal these.
    /// </summary>
    private static List<string> Methods(StudyReportOptions options, ReportTimePoints timePoints) =>
    [
        options.Protocol is null
            ? "Cohort: patients of the selected sites with a baseline visit (enrolled); no protocol named, so patients on any protocol (or none) are included."
            : $"Cohort: patients of the selected sites enrolled on protocol {options.Protocol} (a protocol enrolment record that is not deleted) with a baseline visit.",
        options.Protocol is null
            ? "Treated: enrolled patients with at least one recorded administration (an infusion record that is not deleted)."
            : $"Treated: enrolled patients with at least one recorded administration (an infusion record that is not deleted) under their enrolment on {options.Protocol}.",
        timePoints.Protocol is null
            ? "Follow-up months are the scheduled visits (baseline, and month N after it); times in months are days / 30.4375 (365.25 / 12)."
            : timePoints.Versions.Count > 1
            ? $"Time points are the union of the schedules of protocol {timePoints.Protocol} versions {string.Join(", ", timePoints.Versions)} (the versions the cohort's enrolments name): baseline and each follow-up visit or administration they schedule in calendar months (months {MonthList(timePoints.Months!)}); a visit of a type none of them schedules is not a report row; times in months are days / 30.4375 (365.25 / 12)."
            : $"Time points are the schedule of protocol {timePoints.Protocol} version {string.Join(", ", timePoints.Versions)}: baseline and each follow-up visit or administration it schedules in calendar months (months {MonthList(timePoints.Months!)}); a visit of a type it does not schedule is not a report row; times in months are days / 30.4375 (365.25 / 12).",
        "n per month: the patients with a value at that visit; mean ± SD with the n − 1 denominator; median [Q1, Q3] with R's default quantile (type 7).",
        "P-values against baseline over patients with both values: paired t-test (R t.test(paired = TRUE)) and Wilcoxon signed-rank test (R wilcox.test(paired = TRUE): exact when n < 50 without ties or zeros, otherwise normal approximation with continuity correction).",
        "eGFR is derived per visit from serum creatinine by CKD-EPI 2021 (race-free; age from birth date, or birth year when only the year is kept); it is not a measured value.",
        "Lupus nephritis subgroup: enrolled patients with a lupus nephritis biopsy recorded (a diagnosis not deleted); the renal measures (renal BILAG-2004, 24-h proteinuria, creatinine, urea, eGFR) are given for all enrolled patients and for this subgroup. Each n counts the patients of the population with a value at that month.",
        "BILAG-2004: system grades as entered by the investigator, never derived by Stroma (the BILAG-2004 grading rules are UNCONFIRMED here); numeric values A=12, B=8, C=1, D=0, E=0 (Yee 2010); the numeric scheme of the 2014 paper is UNCONFIRMED. The renal grade distribution is given at baseline and 12 months, and its change over the patients graded at both (improved: a less active grade in the order A, B, C, D, E).",
        "Responses (MCR, PCR, NR, relapse) are the investigators' adjudications, never computed by Stroma (their definitions are UNCONFIRMED); every enrolled patient is in the denominator (no adjudication counts as NR); 95% intervals are exact Clopper-Pearson.",
        "Kaplan-Meier: overall survival (event: death) and relapse-free survival (event: first adjudicated relapse or death), from the baseline visit, censored at the last visit; 95% intervals on the log scale with Greenwood standard errors (R survfit defaults).",
        "Adverse events by CTCAE v5.0 grade and investigator-assessed causality; related = possible, probable or definite.",
        "Published results: the figures the protocol's publication reports, beside this registry's figure for the same measure, population, month and statistic, rounded to the published decimals; difference = registry − published.",
    ];

    /// <summary>"0, 1, 3" (invariant): months as the Methods print them.</summary>
    public static string MonthList(IEnumerable<int> months) =>
        string.Join(", ", months.Select(m => m.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// The reads after the cohort and its visits, each an independent stream: the per-patient values of each analyte and
    /// instrument (each fills only its own measures' slots), the adjudications, the adverse events and the data quality. They run on as many connections as there are processors, each taking the
    /// next read when it finishes one (both engines allow concurrent readers; SQLite in WAL mode).
    /// </summary>
    private static async Task<((ResponseCounts Responses, List<SurvivalSummary> Survival) Outcomes, List<AdverseEventRow> AdverseEvents, ReportDataQuality Quality)>
        ReadInParallelAsync(DbConnection first, ReportSql sql, ReportTimePoints timePoints, ReportCohort cohort, VisitMap visits, MonthValues values, MeasureCells cells, decimal horizon, DateTimeOffset asOf, ReportTrace trace, CancellationToken cancellationToken)
    {
        (ResponseCounts, List<SurvivalSummary>)? outcomes = null;
        List<AdverseEventRow> adverse = [];
        ReportDataQuality? quality = null;
        var reads = new List<Func<DbConnection, Task>>();
        // The longer jobs first (measured at 10^5 patients: creatinine with its eGFR, SLEDAI-2K, the adjudications with the
        // responses and survival), so that the workers finish together.
        // Each value stream then computes the statistics of the measures it filled.
        reads.Add(async c =>
        {
            await ReportMeasures.ReadLabValuesAsync(c, sql, "creatinine", cohort, visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute("creatinine", "egfr");
        });
        reads.Add(async c =>
        {
            await ReportMeasures.ReadAssessmentValuesAsync(c, sql, "sledai2k", visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute("sledai2k");
        });
        reads.Add(async c =>
        {
            // The adjudications, then the responses and survival computed from them.
            var adjudications = await ReportResponses.ReadAsync(c, sql, cohort, cancellationToken).ConfigureAwait(false);
            trace.Step("adjudications", adjudications.Count);
            outcomes = (ReportResponses.Count(cohort, adjudications, horizon), ReportSurvival.Curves(cohort, adjudications));
            trace.Step("responses and survival", cohort.Enrolled.Count);
        });
        reads.AddRange(ReportMeasures.LabAnalytes.Where(a => a != "creatinine").Select(analyte => (Func<DbConnection, Task>)(async c =>
        {
            await ReportMeasures.ReadLabValuesAsync(c, sql, analyte, cohort, visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute(analyte);
        })));
        reads.Add(async c =>
        {
            await ReportMeasures.ReadAssessmentValuesAsync(c, sql, "bilag2004", visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute("bilag2004", "bilag2004_renal");
        });
        reads.Add(async c =>
        {
            adverse = await ReportSafety.ReadAsync(c, sql, cohort, cancellationToken).ConfigureAwait(false);
            trace.Step("adverse events", adverse.Count);
        });
        reads.Add(async c =>
        {
            quality = await ReportDataQualityReader.ReadAsync(c, sql, cohort, asOf, cancellationToken).ConfigureAwait(false);
            trace.Step("queries and source data verification", quality.Sites.Count);
        });

        var next = -1;
        async Task WorkAsync(DbConnection connection)
        {
            for (var i = Interlocked.Increment(ref next); i < reads.Count; i = Interlocked.Increment(ref next))
            {
                await reads[i](connection).ConfigureAwait(false);
            }
        }

        Task WorkOnOwnConnectionAsync() => sql.OnOwnConnectionAsync(first, async c =>
        {
            await WorkAsync(c).ConfigureAwait(false);
            return true;
        }, cancellationToken);

        // Each worker on a thread of its own: Microsoft.Data.Sqlite's "async" reads complete synchronously.
        var workers = Math.Clamp(Environment.ProcessorCount, 2, 4);
        await Task.WhenAll([Task.Run(() => WorkAsync(first), cancellationToken), .. Enumerable.Range(1, workers - 1).Select(_ => Task.Run(WorkOnOwnConnectionAsync, cancellationToken))])
            .ConfigureAwait(false);
        return (outcomes!.Value, adverse, quality!);
    }
}
