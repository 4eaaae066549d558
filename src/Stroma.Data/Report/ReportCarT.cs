using System.Data.Common;
using System.Text.Json.Serialization;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Scoring;
using Stroma.Clinical.Statistics;
using Stroma.Data.Protocols;

namespace Stroma.Data.Report;

/// <summary>The study report's CAR-T section (issue #20): present only for a protocol with a CAR-T plan.</summary>
public sealed partial record StudyReport
{
    /// <summary>The CAR-T toxicity and long-term follow-up section; null (and left out of the JSON) for a protocol without a CAR-T plan.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CarTSection? CarT { get; init; }
}

/// <summary>
/// CAR-T toxicity and long-term follow-up over the report's cohort (its sites and protocol only): the enrolled patients
/// with a CAR-T infusion, day 0 being their first infusion of a CAR-T lot. Aggregates only: no patient is named.
/// </summary>
/// <param name="Infused">Enrolled patients with an infusion of a CAR-T lot (under the chosen protocol).</param>
/// <param name="MaximumGrades">Per toxicity, patients by their maximum grade.</param>
/// <param name="Episodes">CRS and ICANS: onset day and duration (days) over the patients with the syndrome.</param>
/// <param name="TimeToOnset">Kaplan-Meier of the time (days) from day 0 to CRS or ICANS onset, where events exist.</param>
/// <param name="Treatments">Patients given tocilizumab or a corticosteroid from day 0 to day <see cref="CarTTreatments.WindowDays"/>.</param>
/// <param name="Retention">Patients still in follow-up by year after the infusion.</param>
/// <param name="Methods">How each figure is derived.</param>
public sealed record CarTSection(
    int Infused,
    IReadOnlyList<CarTMaximumGrade> MaximumGrades,
    IReadOnlyList<CarTEpisodes> Episodes,
    IReadOnlyList<CarTOnsetCurve> TimeToOnset,
    CarTTreatments Treatments,
    IReadOnlyList<CarTRetentionYear> Retention,
    IReadOnlyList<string> Methods);

/// <summary>
/// Patients by their maximum grade of one toxicity (<c>crs</c>, <c>icans</c> by ASTCT 2019; <c>icaht_early</c>,
/// <c>icaht_late</c> the clinician's EHA/EBMT 2023 grade): <paramref name="ByGrade"/>[g] patients had maximum grade g
/// (0 = graded, never present); <paramref name="NotGraded"/> infused patients have no such grading.
/// </summary>
public sealed record CarTMaximumGrade(string Toxicity, int Graded, int NotGraded, IReadOnlyList<int> ByGrade);

/// <summary>
/// CRS or ICANS among the infused patients: <paramref name="Patients"/> with grade ≥ 1 on some day; onset = the first such
/// day after day 0; duration = days from onset to the last day graded ≥ 1, both included. Median and range.
/// </summary>
public sealed record CarTEpisodes(string Toxicity, int Patients, double? OnsetMedian, int? OnsetMin, int? OnsetMax, double? DurationMedian, int? DurationMin, int? DurationMax);

/// <summary>
/// Kaplan-Meier estimate (R survfit defaults, as the report's survival) of the time in days from day 0 to the onset of CRS
/// or ICANS; a patient without it is censored at the last day it was graded.
/// </summary>
/// <param name="Toxicity"><c>crs</c> or <c>icans</c>.</param>
/// <param name="N">Infused patients graded for it.</param>
/// <param name="Events">Patients with an onset.</param>
/// <param name="Curve">Each distinct time, in days after day 0.</param>
/// <param name="MedianDays">Median time to onset in days (null: not reached).</param>
public sealed record CarTOnsetCurve(string Toxicity, int N, int Events, IReadOnlyList<SurvivalStep> Curve, double? MedianDays);

/// <summary>
/// Patients with a medication record (not deleted) started from day 0 to day <paramref name="WindowDays"/>: tocilizumab
/// (drug name) and corticosteroids (class glucocorticoid). Counts what the registry holds; zero when none is recorded.
/// </summary>
public sealed record CarTTreatments(int WindowDays, int Tocilizumab, int Corticosteroid);

/// <summary>
/// Long-term follow-up at year <paramref name="Year"/> after the infusion, over the <paramref name="Infused"/> patients:
/// <paramref name="InFollowUp"/> have a visit or contact from the anniversary on (less the 7-day visit window); those who
/// died or withdrew before the anniversary are counted apart; <paramref name="NoContactYet"/> have neither (the year is
/// not yet due, or its contact was not recorded).
/// </summary>
public sealed record CarTRetentionYear(int Year, int Infused, int InFollowUp, int Died, int Withdrawn, int NoContactYet);

/// <summary>Reads and computes the CAR-T section (<see cref="CarTSection"/>).</summary>
internal static class ReportCarT
{
    /// <summary>Days after day 0 within which tocilizumab and corticosteroid starts are counted (Stroma's choice: the template's daily grading and visits to day 28).</summary>
    public const int TreatmentWindowDays = 28;

    private static readonly string[] Toxicities = ["crs", "icans", "icaht_early", "icaht_late"];

    /// <summary>Whether the protocol (a template or a stored protocol, its latest version of any status) has a CAR-T plan.</summary>
    public static async Task<bool> IsCarTAsync(StromaDbContext db, string? protocol, CancellationToken cancellationToken)
    {
        if (protocol is null)
        {
            return false;
        }

        var (version, _) = await ProtocolVersions.FindAsync(db, protocol, null, includeDrafts: true, cancellationToken).ConfigureAwait(false);
        return version?.Definition.Protocol.CarT is not null;
    }

    /// <summary>The section over the cohort's enrolled patients, on the report's connection.</summary>
    public static async Task<CarTSection> ReadAsync(DbConnection connection, ReportSql sql, ReportCohort cohort, CancellationToken cancellationToken)
    {
        var day0 = new Dictionary<int, DateOnly>();
        await using (var command = sql.Command(connection, $"""
            SELECT x.patient_id, MIN(x.infusion_date) FROM infusions x JOIN cell_lots l ON l.id = x.lot_id {sql.PatientJoin("x")}
            {sql.InfusionProtocolJoin("x")}
            WHERE x.deleted_at IS NULL AND l.product_type = 'CarT' {sql.SiteFilter} GROUP BY x.patient_id
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (cohort.Index.TryGetValue(reader.GetGuid(0), out var i))
                {
                    day0[i] = ReportSql.Date(reader, 1)!.Value;
                }
            }
        }

        // Each patient's grade by day after day 0, per toxicity.
        var grades = Toxicities.ToDictionary(t => t, _ => new Dictionary<int, SortedDictionary<int, int>>(), StringComparer.Ordinal);
        await using (var command = sql.Command(connection, $"""
            SELECT x.patient_id, x.instrument, x.assessment_date, x.grade FROM assessments x {sql.PatientJoin("x")}
            WHERE x.deleted_at IS NULL AND x.instrument IN ('{CrsAstct2019.Instrument.Key}', '{IcansAstct2019.Instrument.Key}', '{IcahtClinician.Instrument.Key}') {sql.SiteFilter}
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!cohort.Index.TryGetValue(reader.GetGuid(0), out var i) || !day0.TryGetValue(i, out var start) || reader.IsDBNull(3))
                {
                    continue;
                }

                var date = ReportSql.Date(reader, 2)!.Value;
                var text = reader.GetString(3);
                if (date < start || GradeNumber(text) is not { } grade)
                {
                    continue;
                }

                var toxicity = reader.GetString(1) switch
                {
                    var k when k == CrsAstct2019.Instrument.Key => "crs",
                    var k when k == IcansAstct2019.Instrument.Key => "icans",
                    _ => text.Contains("early", StringComparison.OrdinalIgnoreCase) ? "icaht_early" : "icaht_late",
                };
                var days = grades[toxicity].TryGetValue(i, out var d) ? d : grades[toxicity][i] = [];
                var day = date.DayNumber - start.DayNumber;
                days[day] = Math.Max(days.TryGetValue(day, out var previous) ? previous : 0, grade);
            }
        }

        var treated = (Tocilizumab: new HashSet<int>(), Corticosteroid: new HashSet<int>());
        await using (var command = sql.Command(connection, $"""
            SELECT x.patient_id, x.drug, x.class, x.start_date FROM medications x {sql.PatientJoin("x")}
            WHERE x.deleted_at IS NULL AND (LOWER(x.drug) = 'tocilizumab' OR x.class = 'Glucocorticoid') {sql.SiteFilter}
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (cohort.Index.TryGetValue(reader.GetGuid(0), out var i) && day0.TryGetValue(i, out var start)
                    && ReportSql.Date(reader, 3)!.Value.DayNumber - start.DayNumber is >= 0 and <= TreatmentWindowDays)
                {
                    (reader.GetString(2) == "Glucocorticoid" ? treated.Corticosteroid : treated.Tocilizumab).Add(i);
                }
            }
        }

        // The last follow-up of each patient: the later of the last visit (from the cohort) and the last contact.
        var last = day0.Keys.ToDictionary(i => i, i => cohort.Enrolled[i].LastVisit);
        await using (var command = sql.Command(connection, $"""
            SELECT x.patient_id, MAX(x.contact_date) FROM follow_up_contacts x {sql.PatientJoin("x")}
            WHERE x.deleted_at IS NULL {sql.SiteFilter} GROUP BY x.patient_id
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (cohort.Index.TryGetValue(reader.GetGuid(0), out var i) && last.TryGetValue(i, out var visit) && ReportSql.Date(reader, 1) is { } contact && contact > visit)
                {
                    last[i] = contact;
                }
            }
        }

        return Summarise(cohort, day0, grades, treated, last);
    }

    private static CarTSection Summarise(ReportCohort cohort, Dictionary<int, DateOnly> day0, Dictionary<string, Dictionary<int, SortedDictionary<int, int>>> grades,
        (HashSet<int> Tocilizumab, HashSet<int> Corticosteroid) treated, Dictionary<int, DateOnly> last)
    {
        var infused = day0.Keys.Order().ToList();
        var maximum = Toxicities.Select(t =>
        {
            var byGrade = new int[5];
            foreach (var days in grades[t].Values)
            {
                byGrade[days.Values.Max()]++;
            }

            return new CarTMaximumGrade(t, grades[t].Count, infused.Count - grades[t].Count, byGrade);
        }).ToList();

        var episodes = new List<CarTEpisodes>();
        var curves = new List<CarTOnsetCurve>();
        foreach (var t in new[] { "crs", "icans" })
        {
            var onsets = new List<int>();
            var durations = new List<int>();
            var times = new List<double>();
            var events = new List<bool>();
            foreach (var days in grades[t].Values)
            {
                var present = days.Where(d => d.Value >= 1).Select(d => d.Key).ToList();
                if (present.Count > 0)
                {
                    onsets.Add(present[0]);
                    durations.Add(present[^1] - present[0] + 1);
                    times.Add(present[0]);
                    events.Add(true);
                }
                else
                {
                    times.Add(days.Keys.Max());
                    events.Add(false);
                }
            }

            episodes.Add(new CarTEpisodes(t, onsets.Count, Median(onsets), onsets.Count > 0 ? onsets.Min() : null, onsets.Count > 0 ? onsets.Max() : null,
                Median(durations), durations.Count > 0 ? durations.Min() : null, durations.Count > 0 ? durations.Max() : null));
            if (onsets.Count > 0)
            {
                var curve = KaplanMeier.Fit(SurvivalData.Create([.. times], [.. events]))[0];
                curves.Add(new CarTOnsetCurve(t, times.Count, onsets.Count,
                    [.. curve.Rows.Select(r => new SurvivalStep(r.Time, r.AtRisk, r.Events, r.Censored, r.Survival, Finite(r.Lower), Finite(r.Upper)))], curve.Median.Median));
            }
        }

        var retention = new List<CarTRetentionYear>();
        for (var year = 1; year <= LongTermFollowUp.Years; year++)
        {
            int inFollowUp = 0, died = 0, withdrawn = 0;
            foreach (var i in infused)
            {
                var anniversary = day0[i].AddYears(year);
                var patient = cohort.Enrolled[i];
                if (patient.Death is { } death && death < anniversary)
                {
                    died++;
                }
                else if (patient.Withdrawal is { } withdrawal && withdrawal < anniversary)
                {
                    withdrawn++;
                }
                else if (last[i] >= anniversary.AddDays(-(int)StudyReportBuilder.VisitWindowDays))
                {
                    inFollowUp++;
                }
            }

            retention.Add(new CarTRetentionYear(year, infused.Count, inFollowUp, died, withdrawn, infused.Count - inFollowUp - died - withdrawn));
            if (inFollowUp == 0)
            {
                // The first year nobody has reached ends the table (later years cannot have more).
                break;
            }
        }

        return new CarTSection(infused.Count, maximum, episodes, curves, new CarTTreatments(TreatmentWindowDays, treated.Tocilizumab.Count, treated.Corticosteroid.Count),
            retention, Methods);
    }

    /// <summary>The grade number of a stored grade text ("No CRS" → 0, "Grade 2" → 2, "Early ICAHT grade 1" → 1); null when ungraded.</summary>
    internal static int? GradeNumber(string grade) =>
        grade.StartsWith("No ", StringComparison.Ordinal) ? 0
        : grade.Length > 0 && grade[^1] is >= '0' and <= '4' ? grade[^1] - '0' : null;

    private static double? Median(List<int> values) => values.Count == 0 ? null : Descriptive.Summarise(values.Select(v => (double)v)).Median;

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static readonly string[] Methods =
    [
        "CAR-T: the enrolled patients with an infusion of a CAR-T lot (under the chosen protocol); day 0 is the first such infusion.",
        "CRS and ICANS grades are the recorded ASTCT 2019 gradings (Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38) from day 0 on; ICAHT is the clinician's recorded grade (EHA/EBMT 2023: Rejeski K et al. Blood 2023;142:865-77), early and late apart; Stroma does not compute ICAHT.",
        "Maximum grade: each patient's highest grade over the days graded; not graded: infused patients without that assessment.",
        "Onset: the first day after day 0 graded 1 or more; duration: days from onset to the last day graded 1 or more, both included; median and range over the patients with the syndrome.",
        "Time to onset: Kaplan-Meier in days from day 0 (R survfit defaults: Greenwood SE, log intervals), a patient without the syndrome censored at the last day graded; shown where at least one onset exists.",
        "Tocilizumab and corticosteroids: patients with a medication record started from day 0 to day 28 (drug tocilizumab; class glucocorticoid); the window is Stroma's choice (the protocol's daily grading and visits to day 28), not a published rule.",
        "Long-term follow-up (FDA guidance on long-term follow-up after human gene therapy products, January 2020: up to 15 years for integrating vectors): at year N, patients with a visit or follow-up contact on or after the N-th anniversary of day 0 less 7 days; those who died or withdrew before it are counted apart; the table ends at the first year no patient has reached.",
    ];
}
