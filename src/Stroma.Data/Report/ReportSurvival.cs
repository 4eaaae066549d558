using Stroma.Clinical.Outcomes;
using Stroma.Clinical.Statistics;

namespace Stroma.Data.Report;

/// <summary>
/// Kaplan-Meier curves (R survfit defaults: Greenwood SE, log intervals) of overall and relapse-free survival, with the
/// numbers at risk at the nominal months.
/// </summary>
internal static class ReportSurvival
{
    /// <summary>Overall and relapse-free survival of the enrolled patients from the baseline visit, censored at the last visit.</summary>
    public static List<SurvivalSummary> Curves(ReportCohort cohort, List<(int Patient, AdjudicatedResponse Response)> adjudications)
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
            osTime[i] = ((p.Death?.DayNumber ?? last) - start) / StudyReportBuilder.DaysPerMonth;
            var firstEvent = new[] { p.Death, relapse.TryGetValue(i, out var r) ? r : null }.Where(d => d is not null).Min();
            rfsEvent[i] = firstEvent is not null;
            rfsTime[i] = ((firstEvent?.DayNumber ?? last) - start) / StudyReportBuilder.DaysPerMonth;
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
        var atRisk = marks.Select(m => new AtRiskCount(m, time.Count(t => t >= m - (StudyReportBuilder.VisitWindowDays / StudyReportBuilder.DaysPerMonth)))).ToList();
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
}
