using System.Data.Common;
using System.Globalization;
using Stroma.Clinical.Statistics;

namespace Stroma.Data.Report;

/// <summary>
/// The cohort of a report: the patients of the chosen sites (and protocol) and the enrolled ones among them (a baseline
/// visit), with their flow and baseline characteristics; and its read, which also maps the visits to study months.
/// </summary>
internal sealed class ReportCohort
{
    public int Registered => Candidates.Count;

    /// <summary>The patients of the chosen sites (and protocol), in report order, before the baseline-visit test.</summary>
    public List<CohortCandidate> Candidates { get; } = [];

    public Dictionary<Guid, int> CandidateIndex { get; } = [];

    public List<CohortPatient> Enrolled { get; } = [];

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
            Enrolled.Add(new CohortPatient(c.Id.ToString("D"), c.Site, c.StudyId, c.Sex, c.BirthYear, c.BirthDate, baseline, c.LastVisit ?? baseline,
                c.Completed12, c.Death, c.Withdrawal, c.DiagnosisDate, c.Nephritis, c.Visits));
        }

        return map;
    }

    /// <summary>The candidates with at least one recorded administration (under the chosen protocol's enrolment, if named).</summary>
    public HashSet<Guid> Treated { get; } = [];

    public PatientFlow Flow() => new(
        Registered,
        Enrolled.Count,
        Enrolled.Count(p => Treated.Contains(Guid.Parse(p.Id))),
        Enrolled.Count(p => p.Completed12),
        Enrolled.Count(p => p.Death is not null),
        Enrolled.Count(p => p.Withdrawal is not null));

    public BaselineCharacteristics Baseline()
    {
        var ages = Enrolled.Select(p => p.AgeAt(p.BaselineDate)).Where(a => a is not null).Select(a => (double)a!.Value).ToList();
        var durations = Enrolled.Where(p => p.DiagnosisDate is not null)
            .Select(p => (p.BaselineDate.DayNumber - p.DiagnosisDate!.Value.DayNumber) / StudyReportBuilder.DaysPerMonth).ToList();
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

    /// <summary>
    /// The cohort and its visits, from five independent reads run at once on their own connections: the patients of the
    /// chosen sites (and protocol), their first death, their classifications and nephritis biopsies (kept here as the
    /// first classification date and whether any biopsy is recorded), the patients with an administration, and one stream
    /// of the sites' visits (7 × 10^5 rows at 10^5 patients), which are joined here in memory.
    /// </summary>
    public static async Task<(ReportCohort Cohort, VisitMap Visits)> ReadAsync(DbConnection connection, ReportSql sql, ReportTimePoints timePoints, ReportTrace trace, CancellationToken cancellationToken)
    {
        var cohortRead = Task.Run(() => ReadPatientsAsync(connection, sql, cancellationToken), cancellationToken);
        var deathsRead = Task.Run(() => sql.OnOwnConnectionAsync(connection, c => ReadDeathsAsync(c, sql, cancellationToken), cancellationToken), cancellationToken);
        var diagnosesRead = Task.Run(() => sql.OnOwnConnectionAsync(connection, c => ReadDiagnosesAsync(c, sql, cancellationToken), cancellationToken), cancellationToken);
        var visitsRead = Task.Run(() => sql.OnOwnConnectionAsync(connection, c => ReadVisitRowsAsync(c, sql, cancellationToken), cancellationToken), cancellationToken);
        var treatedRead = Task.Run(() => sql.OnOwnConnectionAsync(connection, c => ReadTreatedAsync(c, sql, cancellationToken), cancellationToken), cancellationToken);
        var cohort = await cohortRead.ConfigureAwait(false);
        trace.Step("patients", cohort.Registered);
        foreach (var (patient, death) in await deathsRead.ConfigureAwait(false))
        {
            if (cohort.CandidateIndex.TryGetValue(patient, out var index))
            {
                cohort.Candidates[index].Death = death;
            }
        }

        foreach (var (patient, classification, nephritis) in await diagnosesRead.ConfigureAwait(false))
        {
            if (cohort.CandidateIndex.TryGetValue(patient, out var index))
            {
                var candidate = cohort.Candidates[index];
                if (classification is { } date && (candidate.DiagnosisDate is not { } first || date < first))
                {
                    candidate.DiagnosisDate = date;
                }

                candidate.Nephritis |= nephritis;
            }
        }

        foreach (var patient in await treatedRead.ConfigureAwait(false))
        {
            if (cohort.CandidateIndex.ContainsKey(patient))
            {
                cohort.Treated.Add(patient);
            }
        }

        var visits = MapVisits(cohort, timePoints, await visitsRead.ConfigureAwait(false));
        trace.Step("visits", visits.Count);
        return (cohort, visits);
    }

    private static async Task<ReportCohort> ReadPatientsAsync(DbConnection connection, ReportSql sql, CancellationToken cancellationToken)
    {
        var cohort = new ReportCohort();
        await using var command = sql.Command(connection, $"""
            SELECT p.id, s.code, p.study_id, p.sex, p.birth_year, p.birth_date, p.withdrawal_date
            FROM patients p JOIN sites s ON s.id = p.site_id
            WHERE p.deleted_at IS NULL {sql.SiteFilter} {sql.ProtocolFilter}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var pool = new StringPool();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cohort.Candidates.Add(new CohortCandidate(
                reader.GetGuid(0),
                pool.Get(reader.GetString(1)),
                reader.GetString(2),
                pool.Get(reader.GetString(3)),
                reader.IsDBNull(4) ? null : Convert.ToInt32(reader.GetValue(4), CultureInfo.InvariantCulture),
                ReportSql.Date(reader, 5),
                ReportSql.Date(reader, 6)));
        }

        // Report order: site code, then study id, compared ordinally here rather than by the database's collation (the
        // same order on every engine and server locale; PostgreSQL's sort of 10^5 rows also spilled to disk).
        cohort.Candidates.Sort((a, b) => string.CompareOrdinal(a.Site, b.Site) is var bySite and not 0 ? bySite : string.CompareOrdinal(a.StudyId, b.StudyId));
        for (var i = 0; i < cohort.Candidates.Count; i++)
        {
            cohort.CandidateIndex[cohort.Candidates[i].Id] = i;
        }

        return cohort;
    }

    /// <summary>Each patient's first recorded death (records not deleted), at the chosen sites.</summary>
    private static async Task<List<(Guid Patient, DateOnly Death)>> ReadDeathsAsync(DbConnection connection, ReportSql sql, CancellationToken cancellationToken)
    {
        var list = new List<(Guid, DateOnly)>();
        await using var command = sql.Command(connection, $"""
            SELECT x.patient_id, MIN(x.death_date) FROM deaths x {sql.PatientJoin("x")}
            WHERE x.deleted_at IS NULL {sql.SiteFilter} GROUP BY x.patient_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetGuid(0), ReportSql.Date(reader, 1)!.Value));
        }

        return list;
    }

    /// <summary>
    /// The patients of the chosen sites with at least one administration recorded (an infusion record not deleted),
    /// under an enrolment on the chosen protocol when one is named.
    /// </summary>
    private static async Task<List<Guid>> ReadTreatedAsync(DbConnection connection, ReportSql sql, CancellationToken cancellationToken)
    {
        var list = new List<Guid>();
        await using var command = sql.Command(connection, $"""
            SELECT DISTINCT x.patient_id FROM infusions x {sql.PatientJoin("x")}
            {sql.InfusionProtocolJoin("x")}
            WHERE x.deleted_at IS NULL {sql.SiteFilter}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(reader.GetGuid(0));
        }

        return list;
    }

    /// <summary>
    /// The classifications (with their dates) and lupus nephritis biopsies recorded at the chosen sites (records not
    /// deleted), one row each; <see cref="ReadAsync"/> keeps each candidate's first classification date and whether any
    /// biopsy is recorded. Read as a plain scan rather than grouped by patient in the database: at 10^6 patients
    /// PostgreSQL grouped through the patient index, fetching 1.8 × 10^6 rows in index order (3.3 s), where the scan
    /// takes 0.5 s.
    /// </summary>
    private static async Task<List<(Guid Patient, DateOnly? Classification, bool Nephritis)>> ReadDiagnosesAsync(DbConnection connection, ReportSql sql, CancellationToken cancellationToken)
    {
        var list = new List<(Guid, DateOnly?, bool)>();
        await using var command = sql.Command(connection, $"""
            SELECT x.patient_id, CASE WHEN x.kind = 'Classification' THEN x.diagnosis_date END,
              CASE WHEN x.kind = 'LupusNephritisBiopsy' THEN 1 ELSE 0 END
            FROM diagnoses x {sql.PatientJoin("x")}
            WHERE x.deleted_at IS NULL AND x.kind IN ('Classification', 'LupusNephritisBiopsy') {sql.SiteFilter}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetGuid(0), ReportSql.Date(reader, 1), reader.GetInt32(2) == 1));
        }

        return list;
    }

    /// <summary>A visit of the chosen sites, as read (before the cohort is known).</summary>
    private readonly record struct VisitRow(Guid Visit, Guid Patient, string Type, DateOnly Date);

    /// <summary>One stream of the visits of the chosen sites (not deleted), kept to be joined to the cohort in memory.</summary>
    private static async Task<List<VisitRow>> ReadVisitRowsAsync(DbConnection connection, ReportSql sql, CancellationToken cancellationToken)
    {
        var rows = new List<VisitRow>();
        var types = new StringPool();
        await using var command = sql.Command(connection, $"""
            SELECT v.id, v.patient_id, v.type, v.visit_date FROM visits v {sql.PatientJoin("v")}
            WHERE v.deleted_at IS NULL {sql.SiteFilter}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new VisitRow(reader.GetGuid(0), reader.GetGuid(1), types.Get(reader.GetString(2)), ReportSql.Date(reader, 3)!.Value));
        }

        return rows;
    }

    /// <summary>
    /// Each candidate's baseline date, last visit, month-12 visit and number of visits, the months present, and visit id →
    /// (patient, month), so that the lab and assessment streams need no join to <c>visits</c> (a hash join done once here,
    /// not a B-tree lookup per lab row); and the enrolled patients' visits whose type is not a time point, counted by type.
    /// </summary>
    private static VisitMap MapVisits(ReportCohort cohort, ReportTimePoints timePoints, List<VisitRow> rows)
    {
        var months = new SortedSet<int> { 0 };
        var protocolVisits = new List<(Guid Visit, int Candidate, int Month, DateOnly Date)>();
        var otherVisits = new List<(int Candidate, string Type)>();
        foreach (var row in rows)
        {
            if (!cohort.CandidateIndex.TryGetValue(row.Patient, out var index))
            {
                continue;
            }

            var candidate = cohort.Candidates[index];
            candidate.Visits++;
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

            if (timePoints.MonthOf(row.Type) is { } month)
            {
                months.Add(month);
                protocolVisits.Add((row.Visit, index, month, date));
            }
            else
            {
                otherVisits.Add((index, row.Type));
            }
        }

        var enrolled = cohort.Enrol();
        var list = months.ToList();
        var slots = new List<(Guid, VisitSlot)>(protocolVisits.Count);
        foreach (var (visit, candidate, month, date) in protocolVisits)
        {
            if (enrolled[candidate] >= 0)
            {
                slots.Add((visit, new VisitSlot(enrolled[candidate], list.BinarySearch(month), date)));
            }
        }

        var leftOut = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (candidate, type) in otherVisits)
        {
            if (enrolled[candidate] >= 0)
            {
                leftOut[type] = leftOut.GetValueOrDefault(type) + 1;
            }
        }

        return new VisitMap(list, slots, leftOut);
    }
}

/// <summary>A patient of the chosen sites; the visit columns are filled from the one stream of visits.</summary>
internal sealed record CohortCandidate(Guid Id, string Site, string StudyId, string Sex, int? BirthYear, DateOnly? BirthDate, DateOnly? Withdrawal)
{
    public DateOnly? Death { get; set; }

    public DateOnly? DiagnosisDate { get; set; }

    public bool Nephritis { get; set; }

    public DateOnly? Baseline { get; set; }

    public DateOnly? LastVisit { get; set; }

    public bool Completed12 { get; set; }

    /// <summary>The candidate's visits (not deleted, of any type), for the data quality section's SDV coverage.</summary>
    public int Visits { get; set; }
}

/// <summary>An enrolled patient of the cohort: the columns the report's figures use.</summary>
internal sealed record CohortPatient(
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
    bool Nephritis,
    int Visits)
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

/// <summary>Where a visit's values go: the enrolled patient, the month's index and the visit date (for eGFR's age).</summary>
internal readonly record struct VisitSlot(int Patient, int MonthIndex, DateOnly Date);

/// <summary>
/// The follow-up months present, each time-point visit of an enrolled patient by visit id, and the enrolled patients'
/// other visits (not report rows) counted by type. The visits are held sorted by id (<see cref="Guid.CompareTo(Guid)"/>,
/// the order of both engines' <c>visit_id</c> index columns: PostgreSQL's <c>uuid</c> and the upper-case text SQLite
/// stores), so that a value stream read from an index in visit order finds each visit a step or two after the previous
/// one (<see cref="Cursor"/>): 7 × 10^6 lookups at 10^5 patients, which as random probes of a hash table of 6 × 10^5
/// visits were the largest cost of the report's own CPU (a cache miss each).
/// </summary>
internal sealed class VisitMap
{
    private readonly Guid[] ids;
    private readonly VisitSlot[] slots;

    public VisitMap(List<int> months, List<(Guid Visit, VisitSlot Slot)> visits, IReadOnlyDictionary<string, int> leftOut)
    {
        Months = months;
        LeftOut = leftOut;
        ids = new Guid[visits.Count];
        slots = new VisitSlot[visits.Count];
        for (var i = 0; i < visits.Count; i++)
        {
            (ids[i], slots[i]) = visits[i];
        }

        Array.Sort(ids, slots);
    }

    public List<int> Months { get; }

    public IReadOnlyDictionary<string, int> LeftOut { get; }

    public int Count => ids.Length;

    /// <summary>A reader's position in the map, for one stream (not shared between threads).</summary>
    public Cursor Reader() => new(this);

    /// <summary>
    /// Finds visits from the position of the previous one: a stream in visit order costs a step or two per row, any
    /// other order a binary search per row. Every answer is exact whatever the order: the search starts at the previous
    /// position only when the visit sorts after the previous one, and everything before that position sorts before it.
    /// </summary>
    internal sealed class Cursor(VisitMap map)
    {
        private int position;
        private Guid last;

        public bool TryGet(Guid visit, out VisitSlot slot)
        {
            var ids = map.ids;
            var low = visit.CompareTo(last) >= 0 ? position : 0;
            // Gallop forward from the start (1, 2, 4, … entries) to an entry not before the visit, then halve.
            var bound = low;
            for (var step = 1; bound < ids.Length && ids[bound].CompareTo(visit) < 0; step <<= 1)
            {
                low = bound + 1;
                bound = low + step;
            }

            var high = Math.Min(bound, ids.Length);
            while (low < high)
            {
                var middle = (int)((uint)(low + high) >> 1);
                if (ids[middle].CompareTo(visit) < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            position = low;
            last = visit;
            if (low < ids.Length && ids[low] == visit)
            {
                slot = map.slots[low];
                return true;
            }

            slot = default;
            return false;
        }
    }
}
