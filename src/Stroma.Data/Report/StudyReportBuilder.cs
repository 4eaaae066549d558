using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Outcomes;
using Stroma.Clinical.Statistics;

namespace Stroma.Data.Report;

/// <summary>
/// Builds the <see cref="StudyReport"/> from the registry. Every query is restricted to the chosen sites in SQL; means,
/// SDs and counts per visit month are GROUP BY aggregates in the database; per-patient values (needed for medians,
/// paired tests and survival) are streamed once into arrays indexed by patient and month, never whole tables.
/// </summary>
public static class StudyReportBuilder
{
    /// <summary>Days per month used to express follow-up in months (365.25 / 12).</summary>
    public const double DaysPerMonth = 30.4375;

    /// <summary>Visit window (days either side) used for numbers at risk at a nominal month.</summary>
    public const double VisitWindowDays = 7;

    private const int MaxMonth = 60;

    /// <summary>The measures of the results table: key, label, unit, source (assessment instrument or lab analyte).</summary>
    internal static readonly (string Key, string Label, string Unit, string Source)[] MeasureDefinitions =
    [
        ("sledai2k", "SLEDAI-2K", "score", "assessment"),
        ("bilag2004", "BILAG-2004 total (numeric)", "score", "assessment"),
        ("bilag2004_renal", "BILAG-2004 renal (numeric)", "score", "assessment"),
        ("urine_protein_24h", "24-h proteinuria", "g/24 h", "lab"),
        ("creatinine", "Serum creatinine", "µmol/L", "lab"),
        ("urea", "Urea (BUN, as urea)", "mmol/L", "lab"),
        ("egfr", "eGFR (CKD-EPI 2021)", "mL/min/1.73 m²", "derived"),
        ("c3", "C3", "g/L", "lab"),
        ("c4", "C4", "g/L", "lab"),
        ("anti_dsdna", "Anti-dsDNA", "IU/mL", "lab"),
    ];

    /// <summary>Keeps the patients <c>p</c> that are enrolled: a baseline visit that is not deleted.</summary>
    private const string HasBaseline = "EXISTS (SELECT 1 FROM visits b WHERE b.patient_id = p.id AND b.type = 'baseline' AND b.deleted_at IS NULL)";

    private static readonly string[] LabAnalytes = ["urine_protein_24h", "creatinine", "urea", "c3", "c4", "anti_dsdna"];

    public static async Task<StudyReport> BuildAsync(StromaDbContext db, StudyReportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Protocol is { } key && ProtocolTemplates.Find(key) is null)
        {
            // The surfaces check this first (stroma report study: a usage error naming the known protocols).
            throw new ArgumentException($"Unknown protocol '{key}'; known protocols: {string.Join(", ", KnownProtocols)}.", nameof(options));
        }

        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var trace = new Trace(options.Trace);
            var sql = new Sql(db.Database.IsNpgsql(), options.Sites, options.Protocol, db.Database.GetConnectionString()!);
            var (cohort, visits) = await ReadCohortAsync(connection, sql, trace, cancellationToken).ConfigureAwait(false);
            var values = new MonthValues(cohort.Enrolled.Count, visits.Months);
            var cells = new MeasureCells(values);
            var (groupedResult, (responses, survival), adverse) = await ReadInParallelAsync(connection, sql, cohort, visits, values, cells, options.HorizonMonths, trace, cancellationToken)
                .ConfigureAwait(false);
            var months = visits.Months;
            var measures = Measures(groupedResult, cells);
            trace.Step("statistics of the measures", measures.Count);
            var spaghetti = Spaghetti(cohort, values, months, options.SpaghettiPatients);
            return new StudyReport(
                "Study report",
                options.Protocol,
                options.Sites,
                cohort.Flow(),
                cohort.Baseline(),
                measures,
                responses,
                survival,
                adverse,
                spaghetti,
                Methods(options));
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

    private static List<string> Methods(StudyReportOptions options) =>
    [
        options.Protocol is null
            ? "Cohort: patients of the selected sites with a baseline visit (enrolled); no protocol named, so patients on any protocol (or none) are included."
            : $"Cohort: patients of the selected sites enrolled on protocol {options.Protocol} (a protocol enrolment record that is not deleted) with a baseline visit.",
        "Treated: enrolled patients with the day-0 baseline visit, where the 2014 schedule gives the first infusion (infusion records are not read by the report).",
        "Follow-up months are the visit types baseline and month_N; times in months are days / 30.4375.",
        "Mean ± SD and n per month: on PostgreSQL computed by the database (GROUP BY visit month: n, Σx, Σx²); on SQLite from the same per-patient values as the medians (SQLite cannot hash-join the lab results to the visits). Median [Q1, Q3] with R's default quantile (type 7).",
        "P-values against baseline over patients with both values: paired t-test (R t.test(paired = TRUE)) and Wilcoxon signed-rank test (R wilcox.test(paired = TRUE): exact when n < 50 without ties or zeros, otherwise normal approximation with continuity correction).",
        "eGFR is derived per visit from serum creatinine by CKD-EPI 2021 (race-free; age from birth date, or birth year when only the year is kept); it is not a stored value.",
        "BILAG-2004 rows use stored bilag2004 assessments (numeric total and renal numeric value as scored by Stroma.Clinical); the numeric scheme of the 2014 paper is UNCONFIRMED.",
        "Responses (MCR, PCR, NR, relapse) are investigator adjudications as stored, never computed by Stroma (their definitions are UNCONFIRMED); every enrolled patient is in the denominator (no adjudication counts as NR); 95% intervals are exact Clopper-Pearson.",
        "Kaplan-Meier: overall survival (event: death) and relapse-free survival (event: first adjudicated relapse or death), from the baseline visit, censored at the last visit; 95% intervals on the log scale with Greenwood standard errors (R survfit defaults).",
        "Adverse events by CTCAE v5.0 grade and investigator-assessed causality; related = possible, probable or definite.",
    ];

    // ---- patients and visits --------------------------------------------------------------------------------

    private sealed class Cohort
    {
        public int Registered => Candidates.Count;

        /// <summary>The patients of the chosen sites (and protocol), in report order, before the baseline-visit test.</summary>
        public List<Candidate> Candidates { get; } = [];

        public Dictionary<Guid, int> CandidateIndex { get; } = [];

        public List<PatientRow> Enrolled { get; } = [];

        public Dictionary<Guid, int> Index { get; } = [];

        /// <summary>Keeps the candidates with a baseline visit; returns each candidate's enrolled index or -1.</summary>
        public int[] Enrol()
        {
            var map = new int[Candidates.Count];
            for (var i = 0; i < Candidates.Count; i++)
            {
                var c = Candidates[i];
                if (c.Baseline is not { } baseline)
                {
                    map[i] = -1;
                    continue;
                }

                map[i] = Enrolled.Count;
                Index[c.Id] = Enrolled.Count;
                Enrolled.Add(new PatientRow(c.Id.ToString("D"), c.Site, c.StudyId, c.Sex, c.BirthYear, c.BirthDate, baseline, c.LastVisit ?? baseline,
                    c.Completed12, c.Death, c.Withdrawal, c.DiagnosisDate, c.Nephritis));
            }

            return map;
        }

        public PatientFlow Flow() => new(
            Registered,
            Enrolled.Count,
            Enrolled.Count,
            Enrolled.Count(p => p.Completed12),
            Enrolled.Count(p => p.Death is not null),
            Enrolled.Count(p => p.Withdrawal is not null));

        public BaselineCharacteristics Baseline()
        {
            var ages = Enrolled.Select(p => p.AgeAt(p.BaselineDate)).Where(a => a is not null).Select(a => (double)a!.Value).ToList();
            var durations = Enrolled.Where(p => p.DiagnosisDate is not null)
                .Select(p => (p.BaselineDate.DayNumber - p.DiagnosisDate!.Value.DayNumber) / DaysPerMonth).ToList();
            var age = ages.Count > 0 ? Descriptive.Summarise(ages) : null;
            var duration = durations.Count > 0 ? Descriptive.Summarise(durations) : null;
            return new BaselineCharacteristics(
                Enrolled.Count,
                Enrolled.Count(p => p.Sex == "Female"),
                age?.Mean,
                age is { N: > 1 } ? age.StandardDeviation : null,
                ages.Count,
                duration?.Median,
                duration?.Q1,
                duration?.Q3,
                durations.Count,
                Enrolled.Count(p => p.Nephritis));
        }
    }

    /// <summary>A patient of the chosen sites; the visit columns are filled from the one stream of visits.</summary>
    private sealed record Candidate(Guid Id, string Site, string StudyId, string Sex, int? BirthYear, DateOnly? BirthDate, DateOnly? Withdrawal)
    {
        public DateOnly? Death { get; set; }

        public DateOnly? DiagnosisDate { get; set; }

        public bool Nephritis { get; set; }

        public DateOnly? Baseline { get; set; }

        public DateOnly? LastVisit { get; set; }

        public bool Completed12 { get; set; }
    }

    private sealed record PatientRow(
        string Id,
        string Site,
        string StudyId,
        string Sex,
        int? BirthYear,
        DateOnly? BirthDate,
        DateOnly BaselineDate,
        DateOnly LastVisit,
        bool Completed12,
        DateOnly? Death,
        DateOnly? Withdrawal,
        DateOnly? DiagnosisDate,
        bool Nephritis)
    {
        public int? AgeAt(DateOnly date)
        {
            if (BirthDate is { } birth)
            {
                var age = date.Year - birth.Year;
                return date < birth.AddYears(age) ? age - 1 : age;
            }

            return BirthYear is { } year ? date.Year - year : null;
        }
    }

    /// <summary>
    /// The cohort and its visits, from four independent reads run at once on their own connections: the patients of the
    /// chosen sites (and protocol), their first death, their diagnoses (first classification date, any nephritis biopsy),
    /// and one stream of the sites' visits (7 × 10^5 rows at 10^5 patients), which are joined here in memory.
    /// </summary>
    private static async Task<(Cohort Cohort, VisitMap Visits)> ReadCohortAsync(DbConnection connection, Sql sql, Trace trace, CancellationToken cancellationToken)
    {
        var cohortRead = Task.Run(() => ReadPatientsAsync(connection, sql, cancellationToken), cancellationToken);
        var deathsRead = Task.Run(() => OnOwnConnectionAsync(connection, sql, c => ReadDeathsAsync(c, sql, cancellationToken), cancellationToken), cancellationToken);
        var diagnosesRead = Task.Run(() => OnOwnConnectionAsync(connection, sql, c => ReadDiagnosesAsync(c, sql, cancellationToken), cancellationToken), cancellationToken);
        var visitsRead = Task.Run(() => OnOwnConnectionAsync(connection, sql, c => ReadVisitRowsAsync(c, sql, cancellationToken), cancellationToken), cancellationToken);
        var cohort = await cohortRead.ConfigureAwait(false);
        trace.Step("patients", cohort.Registered);
        foreach (var (patient, death) in await deathsRead.ConfigureAwait(false))
        {
            if (cohort.CandidateIndex.TryGetValue(patient, out var index))
            {
                cohort.Candidates[index].Death = death;
            }
        }

        foreach (var (patient, diagnosis, nephritis) in await diagnosesRead.ConfigureAwait(false))
        {
            if (cohort.CandidateIndex.TryGetValue(patient, out var index))
            {
                cohort.Candidates[index].DiagnosisDate = diagnosis;
                cohort.Candidates[index].Nephritis = nephritis;
            }
        }

        var visits = MapVisits(cohort, await visitsRead.ConfigureAwait(false));
        trace.Step("visits", visits.Count);
        return (cohort, visits);
    }

    /// <summary>Runs <paramref name="read"/> on a new connection to the same database (both engines allow concurrent readers; SQLite in WAL mode).</summary>
    private static async Task<T> OnOwnConnectionAsync<T>(DbConnection template, Sql sql, Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        var factory = DbProviderFactories.GetFactory(template) ?? throw new InvalidOperationException("The provider has no factory.");
        await using var connection = factory.CreateConnection()!;
        connection.ConnectionString = sql.ConnectionString;
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await read(connection).ConfigureAwait(false);
    }

    private static async Task<Cohort> ReadPatientsAsync(DbConnection connection, Sql sql, CancellationToken cancellationToken)
    {
        var cohort = new Cohort();
        await using var command = sql.Command(connection, $"""
            SELECT p.id, s.code, p.study_id, p.sex, p.birth_year, p.birth_date, p.withdrawal_date
            FROM patients p JOIN sites s ON s.id = p.site_id
            WHERE p.deleted_at IS NULL {sql.SiteFilter} {sql.ProtocolFilter}
            ORDER BY s.code, p.study_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetGuid(0);
            cohort.CandidateIndex[id] = cohort.Candidates.Count;
            cohort.Candidates.Add(new Candidate(
                id,
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture),
                Date(reader, 5),
                Date(reader, 6)));
        }

        return cohort;
    }

    /// <summary>Each patient's first recorded death (records not deleted), at the chosen sites.</summary>
    private static async Task<List<(Guid Patient, DateOnly Death)>> ReadDeathsAsync(DbConnection connection, Sql sql, CancellationToken cancellationToken)
    {
        var list = new List<(Guid, DateOnly)>();
        await using var command = sql.Command(connection, $"""
            SELECT x.patient_id, MIN(x.death_date) FROM deaths x {sql.PatientJoin("x")}
            WHERE x.deleted_at IS NULL {sql.SiteFilter} GROUP BY x.patient_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetGuid(0), Date(reader, 1)!.Value));
        }

        return list;
    }

    /// <summary>Each patient's first classification date and whether a lupus nephritis biopsy is recorded (records not deleted), at the chosen sites.</summary>
    private static async Task<List<(Guid Patient, DateOnly? Diagnosis, bool Nephritis)>> ReadDiagnosesAsync(DbConnection connection, Sql sql, CancellationToken cancellationToken)
    {
        var list = new List<(Guid, DateOnly?, bool)>();
        await using var command = sql.Command(connection, $"""
            SELECT x.patient_id, MIN(CASE WHEN x.kind = 'Classification' THEN x.diagnosis_date END),
              COUNT(CASE WHEN x.kind = 'LupusNephritisBiopsy' THEN 1 END)
            FROM diagnoses x {sql.PatientJoin("x")} WHERE x.deleted_at IS NULL {sql.SiteFilter} GROUP BY x.patient_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetGuid(0), Date(reader, 1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture) > 0));
        }

        return list;
    }

    /// <summary>Where a visit's values go: the enrolled patient, the month's index and the visit date (for eGFR's age).</summary>
    private readonly record struct VisitSlot(int Patient, int MonthIndex, DateOnly Date);

    /// <summary>The follow-up months present and each protocol visit of an enrolled patient, by visit id.</summary>
    private sealed class VisitMap(List<int> months, Dictionary<Guid, VisitSlot> slots)
    {
        public List<int> Months => months;

        public int Count => slots.Count;

        public bool TryGet(Guid visit, out VisitSlot slot) => slots.TryGetValue(visit, out slot);
    }

    /// <summary>A visit of the chosen sites, as read (before the cohort is known).</summary>
    private readonly record struct VisitRow(Guid Visit, Guid Patient, string Type, DateOnly Date);

    /// <summary>One stream of the visits of the chosen sites (not deleted), kept to be joined to the cohort in memory.</summary>
    private static async Task<List<VisitRow>> ReadVisitRowsAsync(DbConnection connection, Sql sql, CancellationToken cancellationToken)
    {
        var rows = new List<VisitRow>();
        await using var command = sql.Command(connection, $"""
            SELECT v.id, v.patient_id, v.type, v.visit_date FROM visits v {sql.PatientJoin("v")}
            WHERE v.deleted_at IS NULL {sql.SiteFilter}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new VisitRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), Date(reader, 3)!.Value));
        }

        return rows;
    }

    /// <summary>
    /// Each candidate's baseline date, last visit and month-12 visit, the months present, and visit id → (patient, month),
    /// so that the lab and assessment streams need no join to <c>visits</c> (a hash join done once here, not a B-tree
    /// lookup per lab row).
    /// </summary>
    private static VisitMap MapVisits(Cohort cohort, List<VisitRow> rows)
    {
        var months = new SortedSet<int> { 0 };
        var protocolVisits = new List<(Guid Visit, int Candidate, int Month, DateOnly Date)>();
        foreach (var row in rows)
        {
            if (!cohort.CandidateIndex.TryGetValue(row.Patient, out var index))
            {
                continue;
            }

            var candidate = cohort.Candidates[index];
            var date = row.Date;
            candidate.LastVisit = candidate.LastVisit is { } last && last >= date ? last : date;
            if (row.Type == "baseline")
            {
                candidate.Baseline = candidate.Baseline is { } first && first <= date ? first : date;
            }
            else if (row.Type == "month_12")
            {
                candidate.Completed12 = true;
            }

            if (MonthOf(row.Type) is { } month)
            {
                months.Add(month);
                protocolVisits.Add((row.Visit, index, month, date));
            }
        }

        var enrolled = cohort.Enrol();
        var list = months.ToList();
        var slots = new Dictionary<Guid, VisitSlot>(protocolVisits.Count);
        foreach (var (visit, candidate, month, date) in protocolVisits)
        {
            if (enrolled[candidate] >= 0)
            {
                slots[visit] = new VisitSlot(enrolled[candidate], list.BinarySearch(month), date);
            }
        }

        return new VisitMap(list, slots);
    }

    internal static int? MonthOf(string visitType) =>
        visitType == "baseline" ? 0
        : visitType.StartsWith("month_", StringComparison.Ordinal)
          && int.TryParse(visitType.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m <= MaxMonth ? m
        : null;

    // ---- measures -------------------------------------------------------------------------------------------

    private sealed record Grouped(long N, double Sum, double SumSquares);

    /// <summary>
    /// The reads after the cohort and its visits, each an independent stream: the per-patient values of each analyte and
    /// instrument (each fills only its own measures' slots), the database's GROUP BY aggregates (PostgreSQL), the
    /// adjudications and the adverse events. They run on as many connections as there are processors, each taking the
    /// next read when it finishes one (both engines allow concurrent readers; SQLite in WAL mode).
    /// </summary>
    private static async Task<(Dictionary<(string Measure, int Month), Grouped> Grouped, (ResponseCounts Responses, List<SurvivalSummary> Survival) Outcomes, List<AdverseEventRow> AdverseEvents)>
        ReadInParallelAsync(DbConnection first, Sql sql, Cohort cohort, VisitMap visits, MonthValues values, MeasureCells cells, decimal horizon, Trace trace, CancellationToken cancellationToken)
    {
        Dictionary<(string Measure, int Month), Grouped> grouped = [];
        (ResponseCounts, List<SurvivalSummary>)? outcomes = null;
        List<AdverseEventRow> adverse = [];
        var reads = new List<Func<DbConnection, Task>>();
        if (sql.Postgres)
        {
            // PostgreSQL hash-joins lab_results to visits and aggregates. SQLite has no hash join: the same GROUP BY costs
            // a B-tree search per lab row (measured: 16 s of CPU at 3.6 × 10^6 rows, more than the rest of the report), so
            // there n, mean and SD come from the one stream of values (Descriptive.Summarise).
            reads.Add(async c => grouped = await ReadGroupedAsync(c, sql, trace, cancellationToken).ConfigureAwait(false));
        }

        // The longer jobs first (measured at 10^5 patients: creatinine with its eGFR, SLEDAI-2K, the adjudications with the
        // responses and survival), so that the workers finish together.
        // Each value stream then computes the statistics of the measures it filled.
        reads.Add(async c =>
        {
            await ReadLabValuesAsync(c, sql, "creatinine", cohort, visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute("creatinine", "egfr");
        });
        reads.Add(async c =>
        {
            await ReadAssessmentValuesAsync(c, sql, "sledai2k", visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute("sledai2k");
        });
        reads.Add(async c =>
        {
            // The adjudications, then the responses and survival computed from them.
            var adjudications = await ReadAdjudicationsAsync(c, sql, cohort, cancellationToken).ConfigureAwait(false);
            trace.Step("adjudications", adjudications.Count);
            outcomes = (Responses(cohort, adjudications, horizon), Survival(cohort, adjudications));
            trace.Step("responses and survival", cohort.Enrolled.Count);
        });
        reads.AddRange(LabAnalytes.Where(a => a != "creatinine").Select(analyte => (Func<DbConnection, Task>)(async c =>
        {
            await ReadLabValuesAsync(c, sql, analyte, cohort, visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute(analyte);
        })));
        reads.Add(async c =>
        {
            await ReadAssessmentValuesAsync(c, sql, "bilag2004", visits, values, trace, cancellationToken).ConfigureAwait(false);
            cells.Compute("bilag2004", "bilag2004_renal");
        });
        reads.Add(async c =>
        {
            adverse = await ReadAdverseEventsAsync(c, sql, cancellationToken).ConfigureAwait(false);
            trace.Step("adverse events", adverse.Count);
        });

        var next = -1;
        async Task WorkAsync(DbConnection connection)
        {
            for (var i = Interlocked.Increment(ref next); i < reads.Count; i = Interlocked.Increment(ref next))
            {
                await reads[i](connection).ConfigureAwait(false);
            }
        }

        Task WorkOnOwnConnectionAsync() => OnOwnConnectionAsync(first, sql, async c =>
        {
            await WorkAsync(c).ConfigureAwait(false);
            return true;
        }, cancellationToken);

        // Each worker on a thread of its own: Microsoft.Data.Sqlite's "async" reads complete synchronously.
        var workers = Math.Clamp(Environment.ProcessorCount, 2, 4);
        await Task.WhenAll([Task.Run(() => WorkAsync(first), cancellationToken), .. Enumerable.Range(1, workers - 1).Select(_ => Task.Run(WorkOnOwnConnectionAsync, cancellationToken))])
            .ConfigureAwait(false);
        return (grouped, outcomes!.Value, adverse);
    }

    /// <summary>n, sum and sum of squares per (measure, visit type), computed by the database.</summary>
    private static async Task<Dictionary<(string Measure, int Month), Grouped>> ReadGroupedAsync(DbConnection connection, Sql sql, Trace trace, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, int), Grouped>();
        var value = sql.Real("l.normalised_value");
        var total = sql.Real("a.total");
        var commands = new[]
        {
            ("GROUP BY lab_results", $"""
            SELECT l.analyte, v.type, COUNT(*), SUM({value}), SUM({value} * {value})
            FROM lab_results l JOIN visits v ON v.id = l.visit_id
            WHERE l.analyte IN ({string.Join(", ", LabAnalytes.Select(a => $"'{a}'"))}) AND l.deleted_at IS NULL AND l.normalised_value IS NOT NULL
              AND v.deleted_at IS NULL AND (v.type = 'baseline' OR v.type LIKE 'month%') AND v.patient_id IN ({sql.CohortIds})
            GROUP BY l.analyte, v.type
            """),
            ("GROUP BY assessments", $"""
            SELECT a.instrument, v.type, COUNT(*), SUM({total}), SUM({total} * {total})
            FROM assessments a JOIN visits v ON v.id = a.visit_id
            WHERE a.instrument IN ('sledai2k', 'bilag2004') AND a.deleted_at IS NULL AND a.total IS NOT NULL
              AND v.deleted_at IS NULL AND (v.type = 'baseline' OR v.type LIKE 'month%') AND v.patient_id IN ({sql.CohortIds})
            GROUP BY a.instrument, v.type
            """),
        };
        foreach (var (label, text) in commands)
        {
            var rows = 0L;
            await using var command = sql.Command(connection, text);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (MonthOf(reader.GetString(1)) is { } month)
                {
                    var key = (reader.GetString(0), month);
                    var add = new Grouped(Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetDouble(3), reader.GetDouble(4));
                    rows += add.N;
                    result[key] = result.TryGetValue(key, out var had) ? new Grouped(had.N + add.N, had.Sum + add.Sum, had.SumSquares + add.SumSquares) : add;
                }
            }

            trace.Step(label, rows);
        }

        return result;
    }

    /// <summary>Per-patient values by month: one slot per (measure, patient, month), NaN when missing.</summary>
    private sealed class MonthValues
    {
        private readonly Dictionary<string, double[]> slots = new(StringComparer.Ordinal);

        public MonthValues(int patients, List<int> months)
        {
            Patients = patients;
            Months = months;
            foreach (var (key, _, _, _) in MeasureDefinitions)
            {
                var array = new double[patients * months.Count];
                Array.Fill(array, double.NaN);
                slots[key] = array;
            }
        }

        public int Patients { get; }

        public List<int> Months { get; }

        public double[] Of(string measure) => slots[measure];

        public double Get(string measure, int patient, int monthIndex) => slots[measure][(patient * Months.Count) + monthIndex];

        /// <summary>Two values in one month (an unscheduled repeat on a visit of the same type): the first is kept.</summary>
        public void Set(double[] measure, VisitSlot visit, double value)
        {
            ref var slot = ref measure[(visit.Patient * Months.Count) + visit.MonthIndex];
            if (double.IsNaN(slot))
            {
                slot = value;
            }
        }
    }

    /// <summary>
    /// One index-only scan per analyte (<c>ix_lab_results_report</c>: analyte, visit id, value, of the rows not deleted),
    /// reading only the visit id and the value; the visit map places each value.
    /// </summary>
    private static async Task ReadLabValuesAsync(DbConnection connection, Sql sql, string analyte, Cohort cohort, VisitMap visits, MonthValues values, Trace trace, CancellationToken cancellationToken)
    {
        // Creatinine's stream also fills eGFR (derived per visit); no other stream writes either measure.
        var egfr = analyte == "creatinine" ? values.Of("egfr") : null;
        var rows = 0L;
        var slots = values.Of(analyte);
        await using (var command = sql.Command(connection, $"""
            SELECT l.visit_id, {sql.Real("l.normalised_value")} FROM lab_results l {sql.PatientJoin("l")}
            WHERE l.analyte = '{analyte}' AND l.deleted_at IS NULL AND l.normalised_value IS NOT NULL AND l.visit_id IS NOT NULL {sql.SiteFilter}
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                if (!visits.TryGet(reader.GetGuid(0), out var visit))
                {
                    continue;
                }

                var value = reader.GetDouble(1);
                values.Set(slots, visit, value);
                if (egfr is not null && Egfr(cohort.Enrolled[visit.Patient], visit.Date, value) is { } e)
                {
                    values.Set(egfr, visit, e);
                }
            }
        }

        trace.Step("lab values " + analyte, rows);
    }

    private static async Task ReadAssessmentValuesAsync(DbConnection connection, Sql sql, string instrument, VisitMap visits, MonthValues values, Trace trace, CancellationToken cancellationToken)
    {
        // BILAG-2004's stream also fills its renal value; no other stream writes either measure.
        var renal = instrument == "bilag2004" ? values.Of("bilag2004_renal") : null;
        var rows = 0L;
        var slots = values.Of(instrument);
        var json = renal is not null ? "a.result_json" : "NULL";
        await using (var command = sql.Command(connection, $"""
            SELECT a.visit_id, {sql.Real("a.total")}, {json} FROM assessments a {sql.PatientJoin("a")}
            WHERE a.instrument = '{instrument}' AND a.deleted_at IS NULL AND a.total IS NOT NULL AND a.visit_id IS NOT NULL {sql.SiteFilter}
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows++;
                if (!visits.TryGet(reader.GetGuid(0), out var visit))
                {
                    continue;
                }

                values.Set(slots, visit, reader.GetDouble(1));
                if (renal is not null && !reader.IsDBNull(2) && RenalNumeric(reader.GetString(2)) is { } r)
                {
                    values.Set(renal, visit, r);
                }
            }
        }

        trace.Step("assessment values " + instrument, rows);
    }

    private static double? Egfr(PatientRow patient, DateOnly date, double creatinineUmolPerLitre)
    {
        Sex? sex = patient.Sex switch { "Female" => Sex.Female, "Male" => Sex.Male, _ => null };
        var value = DerivedValues.CkdEpi2021Value(new Quantity((decimal)creatinineUmolPerLitre, Units.MicromolePerLitre), patient.AgeAt(date), sex);
        return value is null ? null : (double)value.Value;
    }

    /// <summary>The renal system's numeric value from a stored BILAG-2004 result (its subtotal keyed <c>renal</c>).</summary>
    private static double? RenalNumeric(string resultJson)
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
                    if (key.ValueKind == JsonValueKind.String && key.GetString() == "renal" && points.ValueKind == JsonValueKind.Number)
                    {
                        return points.GetDouble();
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The table of measures by month, in <see cref="MeasureDefinitions"/> order: the cells each value stream computed
    /// when it finished (<see cref="MeasureCells"/>), any left computed now in parallel, and on PostgreSQL n, mean and SD
    /// replaced by the database's aggregates.
    /// </summary>
    private static List<MeasureRow> Measures(Dictionary<(string, int), Grouped> grouped, MeasureCells cells)
    {
        Parallel.For(0, MeasureDefinitions.Length, cells.Compute);
        var rows = new List<MeasureRow>();
        foreach (var row in cells.Rows())
        {
            var (_, _, _, source) = MeasureDefinitions.First(d => d.Key == row.Measure);
            if (source != "derived" && row.Measure != "bilag2004_renal" && grouped.TryGetValue((row.Measure, row.Month), out var g))
            {
                // The table's n, mean and SD are the database's aggregates.
                rows.Add(row with
                {
                    N = checked((int)g.N),
                    Mean = g.Sum / g.N,
                    Sd = g.N > 1 ? Math.Sqrt(Math.Max(0, (g.SumSquares - (g.Sum * g.Sum / g.N)) / (g.N - 1))) : null,
                });
            }
            else
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>
    /// The statistics of each measure at each month, computed once per measure as soon as its values are complete (by
    /// the stream that read them, while the other streams still read), so that little is left after the last read.
    /// </summary>
    private sealed class MeasureCells(MonthValues values)
    {
        private readonly MeasureRow?[] cells = new MeasureRow?[MeasureDefinitions.Length * values.Months.Count];
        private readonly int[] computed = new int[MeasureDefinitions.Length];

        /// <summary>Computes the cells of the measures keyed <paramref name="keys"/> (their values must be complete).</summary>
        public void Compute(params string[] keys)
        {
            foreach (var key in keys)
            {
                Compute(Array.FindIndex(MeasureDefinitions, d => d.Key == key));
            }
        }

        /// <summary>Computes the cells of definition <paramref name="index"/> unless already done.</summary>
        public void Compute(int index)
        {
            if (Interlocked.Exchange(ref computed[index], 1) == 1)
            {
                return;
            }

            var (key, label, unit, _) = MeasureDefinitions[index];
            var months = values.Months.Count;
            for (var m = 0; m < months; m++)
            {
                cells[(index * months) + m] = Measure(key, label, unit, m, values);
            }
        }

        public IEnumerable<MeasureRow> Rows() => cells.Where(c => c is not null).Select(c => c!);
    }

    private static MeasureRow? Measure(string key, string label, string unit, int m, MonthValues values)
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
            if (double.IsNaN(value))
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

        return new MeasureRow(key, label, unit, months[m], n, mean, sd, summary.Median, summary.Q1, summary.Q3, before.Count, meanChange, t, w, method);
    }

    private static List<PatientTrajectory> Spaghetti(Cohort cohort, MonthValues values, List<int> months, int limit)
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

    // ---- responses and survival -----------------------------------------------------------------------------

    private static async Task<List<(int Patient, AdjudicatedResponse Response)>> ReadAdjudicationsAsync(DbConnection connection, Sql sql, Cohort cohort, CancellationToken cancellationToken)
    {
        var list = new List<(int, AdjudicatedResponse)>();
        await using var command = sql.Command(connection, $"""
            SELECT r.patient_id, r.assessment_date, {sql.Real("r.months_since_start")}, r.category, r.basis, r.visit_keys, r.adjudicated_by, r.adjudicated_at
            FROM response_adjudications r JOIN patients p ON p.id = r.patient_id JOIN sites s ON s.id = p.site_id
            WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL {sql.SiteFilter} {sql.ProtocolFilter}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!cohort.Index.TryGetValue(reader.GetGuid(0), out var patient))
            {
                continue;
            }

            var at = reader.GetValue(7) switch
            {
                DateTimeOffset o => o,
                DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                var other => DateTimeOffset.Parse(Convert.ToString(other, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
            };
            list.Add((patient, new AdjudicatedResponse(
                cohort.Enrolled[patient].Id,
                Date(reader, 1)!.Value,
                (decimal)Math.Round(reader.GetDouble(2), 6),
                Enum.Parse<ClinicalResponseCategory>(reader.GetString(3)),
                reader.GetString(4),
                reader.GetString(5).Split(';', StringSplitOptions.RemoveEmptyEntries),
                reader.GetString(6),
                at.ToUniversalTime())));
        }

        return list;
    }

    private static ResponseCounts Responses(Cohort cohort, List<(int Patient, AdjudicatedResponse Response)> adjudications, decimal horizon)
    {
        // A set, not a list: Summarise looks every adjudicated patient up in the cohort (quadratic on a list of 10^5).
        var keys = cohort.Enrolled.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var summary = ClinicalResponses.Summarise(keys, adjudications.Select(a => a.Response), horizon);
        var n = summary.CohortSize;
        ResponseCount Count(string category, int x)
        {
            var ci = BinomialInterval.ClopperPearson(x, n);
            return new ResponseCount(category, x, n, ci.Estimate, ci.Lower, ci.Upper);
        }

        var counts = n == 0 ? [] : new List<ResponseCount>
        {
            Count("MCR", summary.MajorClinicalResponses),
            Count("PCR", summary.PartialClinicalResponses),
            Count("MCR or PCR", summary.MajorClinicalResponses + summary.PartialClinicalResponses),
            Count("NR", summary.NoResponses),
            Count("Relapse after response", summary.Relapses),
        };
        var relapses = summary.Patients.Where(p => p.RelapseMonths is not null)
            .GroupBy(p => p.RelapseMonths!.Value).OrderBy(g => g.Key).Select(g => new RelapseCount(g.Key, g.Count())).ToList();
        return new ResponseCounts(n, horizon, counts, relapses, [.. summary.Issues.Select(i => i.ToString())]);
    }

    private static List<SurvivalSummary> Survival(Cohort cohort, List<(int Patient, AdjudicatedResponse Response)> adjudications)
    {
        var n = cohort.Enrolled.Count;
        var osTime = new double[n];
        var osEvent = new bool[n];
        var rfsTime = new double[n];
        var rfsEvent = new bool[n];
        var relapse = adjudications.Where(a => a.Response.Category == ClinicalResponseCategory.Relapse)
            .GroupBy(a => a.Patient).ToDictionary(g => g.Key, g => g.Min(a => a.Response.AssessmentDate));
        for (var i = 0; i < n; i++)
        {
            var p = cohort.Enrolled[i];
            var start = p.BaselineDate.DayNumber;
            var last = p.LastVisit.DayNumber;
            osEvent[i] = p.Death is not null;
            osTime[i] = ((p.Death?.DayNumber ?? last) - start) / DaysPerMonth;
            var firstEvent = new[] { p.Death, relapse.TryGetValue(i, out var r) ? r : null }.Where(d => d is not null).Min();
            rfsEvent[i] = firstEvent is not null;
            rfsTime[i] = ((firstEvent?.DayNumber ?? last) - start) / DaysPerMonth;
        }

        return
        [
            Curve("overall_survival", "Overall survival: time from baseline to death; censored at the last visit.", osTime, osEvent),
            Curve("relapse_free_survival", "Relapse-free survival: time from baseline to the first adjudicated relapse or death, whichever first; censored at the last visit.", rfsTime, rfsEvent),
        ];
    }

    private static SurvivalSummary Curve(string endpoint, string definition, double[] time, bool[] events)
    {
        double[] marks = [0, 3, 6, 9, 12];
        // A visit "at month m" falls within the schedule's ±7-day window (ProtocolTemplates' default), so the
        // number at risk at month m counts follow-up reaching m months less 7 days (month 12 is day 365 = 11.99 months).
        var atRisk = marks.Select(m => new AtRiskCount(m, time.Count(t => t >= m - (VisitWindowDays / DaysPerMonth)))).ToList();
        if (time.Length == 0)
        {
            return new SurvivalSummary(endpoint, definition, 0, 0, [], atRisk, null, null, null, null);
        }

        var curve = KaplanMeier.Fit(SurvivalData.Create(time, events))[0];
        var steps = curve.Rows.Select(r => new SurvivalStep(r.Time, r.AtRisk, r.Events, r.Censored, r.Survival, Finite(r.Lower), Finite(r.Upper))).ToList();
        var at12 = curve.Rows.LastOrDefault(r => r.Time <= 12.0);
        return new SurvivalSummary(
            endpoint,
            definition,
            time.Length,
            events.Count(e => e),
            steps,
            atRisk,
            at12?.Survival ?? 1.0,
            at12 is null ? null : Finite(at12.Lower),
            at12 is null ? null : Finite(at12.Upper),
            curve.Median.Median);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    // ---- adverse events -------------------------------------------------------------------------------------

    private static async Task<List<AdverseEventRow>> ReadAdverseEventsAsync(DbConnection connection, Sql sql, CancellationToken cancellationToken)
    {
        var rows = new List<AdverseEventRow>();
        await using var command = sql.Command(connection, $"""
            SELECT a.ctcae_grade, a.causality, a.serious, COUNT(*), COUNT(DISTINCT a.patient_id)
            FROM adverse_events a JOIN patients p ON p.id = a.patient_id JOIN sites s ON s.id = p.site_id
            WHERE a.deleted_at IS NULL AND p.deleted_at IS NULL {sql.SiteFilter} {sql.ProtocolFilter} AND {HasBaseline}
            GROUP BY a.ctcae_grade, a.causality, a.serious
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var grade = reader.IsDBNull(0) ? "not graded" : Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            var causality = reader.GetString(1);
            var related = causality is "Possible" or "Probable" or "Definite" ? "related" : causality == "NotAssessed" ? "not assessed" : "not related";
            rows.Add(new AdverseEventRow(grade, related, causality, Convert.ToBoolean(reader.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture)));
        }

        return [.. rows.OrderBy(r => r.Grade, StringComparer.Ordinal).ThenBy(r => r.Relatedness, StringComparer.Ordinal).ThenBy(r => r.Causality, StringComparer.Ordinal).ThenBy(r => r.Serious)];
    }

    // ---- SQL helpers ----------------------------------------------------------------------------------------

    private static DateOnly? Date(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return reader.GetValue(ordinal) switch
        {
            DateOnly d => d,
            DateTime t => DateOnly.FromDateTime(t),
            var other => DateOnly.Parse(Convert.ToString(other, CultureInfo.InvariantCulture)!.AsSpan(0, 10), CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The engine's SQL dialect details and the cohort filters (sites, protocol) with their parameters.</summary>
    private sealed class Sql(bool postgres, IReadOnlyList<string> sites, string? protocol, string connectionString)
    {
        public string ConnectionString => connectionString;

        public bool Postgres => postgres;

        /// <summary>Restricts rows joined to <c>sites s</c> to the chosen sites.</summary>
        public string SiteFilter => sites.Count == 0 ? "" : $"AND s.code IN ({string.Join(", ", sites.Select((_, i) => $"@site{i}"))})";

        /// <summary>Restricts rows joined to <c>patients p</c> to the patients enrolled on the chosen protocol.</summary>
        public string ProtocolFilter => protocol is null ? ""
            : "AND EXISTS (SELECT 1 FROM protocol_enrolments e WHERE e.patient_id = p.id AND e.protocol_key = @protocol AND e.deleted_at IS NULL)";

        /// <summary>Joins <c>patients p</c> and <c>sites s</c> to a table's <c>patient_id</c> when sites are chosen (else no join).</summary>
        public string PatientJoin(string alias) => sites.Count == 0 ? "" : $"JOIN patients p ON p.id = {alias}.patient_id JOIN sites s ON s.id = p.site_id";

        /// <summary>The ids of the cohort's patients: chosen sites and protocol, not deleted, with a baseline visit.</summary>
        public string CohortIds => $"""
            SELECT p.id FROM patients p JOIN sites s ON s.id = p.site_id
            WHERE p.deleted_at IS NULL {SiteFilter} {ProtocolFilter} AND {HasBaseline}
            """;

        public string Real(string column) => postgres ? $"CAST({column} AS double precision)" : $"CAST({column} AS REAL)";

        public DbCommand Command(DbConnection connection, string text)
        {
            var command = connection.CreateCommand();
#pragma warning disable CA2100 // Only constant SQL fragments are interpolated; site codes and the protocol are parameters.
            command.CommandText = text;
#pragma warning restore CA2100
            command.CommandTimeout = 3600;
            void Add(string name, string value)
            {
                if (text.Contains(name, StringComparison.Ordinal))
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = value;
                    command.Parameters.Add(parameter);
                }
            }

            for (var i = 0; i < sites.Count; i++)
            {
                Add($"@site{i}", sites[i]);
            }

            if (protocol is not null)
            {
                Add("@protocol", protocol);
            }

            return command;
        }
    }

    /// <summary>Elapsed time and rows of each step, to the caller's log (<c>stroma report study --timings</c>).</summary>
    private sealed class Trace(Action<string>? log)
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
}
