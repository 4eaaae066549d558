using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Outcomes;

/// <summary>
/// Clinical response categories reported by the UC-MSC studies in SLE (Wang D et al. Arthritis Res Ther
/// 2014;16:R79). Their definitions are in the papers' Methods, which could not be read (neither could those of Sun L
/// et al. Arthritis Rheum 2010 and Liang J et al. Ann Rheum Dis 2010; docs/sources/responses.md marks them
/// UNCONFIRMED), so Stroma never derives them by itself: each is either adjudicated by an
/// investigator (<see cref="AdjudicatedResponse"/>) or computed by a rule the study declares as data
/// (<see cref="StudyResponseRule"/>), and every result names which.
/// </summary>
public enum ClinicalResponseCategory
{
    /// <summary>Major clinical response (MCR).</summary>
    MajorClinicalResponse,

    /// <summary>Partial clinical response (PCR).</summary>
    PartialClinicalResponse,

    /// <summary>No response (NR).</summary>
    NoResponse,

    /// <summary>Relapse after an earlier major or partial response.</summary>
    Relapse,
}

/// <summary>
/// An investigator's adjudicated response for one patient at one time point: the clinician's judgement, with who
/// made it, when, and on what basis.
/// </summary>
/// <param name="PatientKey">The patient's study id.</param>
/// <param name="AssessmentDate">Clinical date the response refers to.</param>
/// <param name="MonthsSinceStart">Months from the first infusion to <paramref name="AssessmentDate"/>.</param>
/// <param name="Category">MCR, PCR, NR or relapse.</param>
/// <param name="Basis">Free-text basis, e.g. the protocol's criteria as the investigator applied them.</param>
/// <param name="VisitKeys">The visits the judgement rests on.</param>
/// <param name="AdjudicatedBy">Who adjudicated (user id).</param>
/// <param name="AdjudicatedAt">When it was recorded (UTC).</param>
public sealed record AdjudicatedResponse(
    string PatientKey,
    DateOnly AssessmentDate,
    decimal MonthsSinceStart,
    ClinicalResponseCategory Category,
    string Basis,
    IReadOnlyList<string> VisitKeys,
    string AdjudicatedBy,
    DateTimeOffset AdjudicatedAt)
{
    /// <summary>Every problem with this adjudication as a record of a clinician's judgement.</summary>
    public IReadOnlyList<Issue> Validate()
    {
        var issues = new List<Issue>();
        if (string.IsNullOrWhiteSpace(AdjudicatedBy))
        {
            issues.Add(Issue.Error(IssueCodes.AdjudicationIncomplete, "adjudicated_by", $"Response of {PatientKey} on {AssessmentDate:yyyy-MM-dd} has no adjudicator."));
        }

        if (string.IsNullOrWhiteSpace(Basis))
        {
            issues.Add(Issue.Error(IssueCodes.AdjudicationIncomplete, "basis", $"Response of {PatientKey} on {AssessmentDate:yyyy-MM-dd} has no basis; say which criteria and visits it rests on."));
        }

        if (AdjudicatedAt.Offset != TimeSpan.Zero)
        {
            issues.Add(Issue.Error(IssueCodes.AdjudicationIncomplete, "adjudicated_at", $"Adjudication time {AdjudicatedAt:O} must be UTC."));
        }

        if (MonthsSinceStart < 0m)
        {
            issues.Add(Issue.Error(IssueCodes.ImpossibleValue, "months_since_start", $"Months since start is {MonthsSinceStart}; it cannot be negative."));
        }

        return issues;
    }
}

/// <summary>One patient's best response within the horizon, and whether they relapsed after it.</summary>
/// <param name="PatientKey">The patient's study id.</param>
/// <param name="BestResponse">MCR, PCR or NR (NR also when nothing was adjudicated in the horizon).</param>
/// <param name="FirstResponseMonths">Months to the first MCR or PCR, or null.</param>
/// <param name="RelapseMonths">Months to the first relapse after a response, or null.</param>
public sealed record PatientResponse(string PatientKey, ClinicalResponseCategory BestResponse, decimal? FirstResponseMonths, decimal? RelapseMonths);

/// <summary>Counts over a cohort, as a results section reports them (e.g. MCR 13/40, PCR 11/40).</summary>
public sealed record ResponseSummary(
    int CohortSize,
    int MajorClinicalResponses,
    int PartialClinicalResponses,
    int NoResponses,
    int Relapses,
    decimal HorizonMonths,
    IReadOnlyList<PatientResponse> Patients,
    IReadOnlyList<Issue> Issues);

/// <summary>Summarises adjudicated responses over a cohort within a horizon (e.g. 12 months).</summary>
public static class ClinicalResponses
{
    /// <summary>
    /// Per patient: the best of MCR &gt; PCR &gt; NR adjudicated within <paramref name="horizonMonths"/>, and the
    /// first relapse adjudicated after that patient's first response. Patients in the cohort with no adjudication
    /// count as NR (a patient who died or withdrew is in the denominator, as in an intention-to-treat count).
    /// </summary>
    public static ResponseSummary Summarise(IReadOnlyCollection<string> cohort, IEnumerable<AdjudicatedResponse> adjudications, decimal horizonMonths)
    {
        Preconditions.NotNull(cohort);
        Preconditions.NotNull(adjudications);
        // An ordinal set holds each patient once by construction (the study report passes one of 10^6 patients); any other
        // collection is checked.
        Preconditions.Requires(
            (cohort is HashSet<string> set && set.Comparer.Equals(StringComparer.Ordinal)) || cohort.Distinct(StringComparer.Ordinal).Count() == cohort.Count,
            "The cohort lists a patient more than once; each patient counts once in the denominator.");
        var issues = new List<Issue>();
        var byPatient = adjudications.GroupBy(a => a.PatientKey).ToDictionary(g => g.Key, g => g.OrderBy(a => a.AssessmentDate).ToList());
        foreach (var unknown in byPatient.Keys.Where(k => !cohort.Contains(k)))
        {
            issues.Add(Issue.Warning(IssueCodes.AdjudicationIncomplete, unknown, $"Adjudications for {unknown}, who is not in the cohort, were ignored."));
        }

        var patients = new List<PatientResponse>();
        foreach (var key in cohort)
        {
            var list = new List<AdjudicatedResponse>();
            foreach (var a in byPatient.TryGetValue(key, out var found) ? found.Where(a => a.MonthsSinceStart <= horizonMonths) : [])
            {
                // An adjudication that is not a complete record of a judgement (who, on what basis) is reported, not counted.
                var problems = a.Validate();
                issues.AddRange(problems);
                if (!problems.Any(p => p.IsError))
                {
                    list.Add(a);
                }
            }

            var responses = list.Where(a => a.Category is ClinicalResponseCategory.MajorClinicalResponse or ClinicalResponseCategory.PartialClinicalResponse).ToList();
            var best = responses.Any(a => a.Category == ClinicalResponseCategory.MajorClinicalResponse) ? ClinicalResponseCategory.MajorClinicalResponse
                : responses.Count > 0 ? ClinicalResponseCategory.PartialClinicalResponse
                : ClinicalResponseCategory.NoResponse;
            var first = responses.FirstOrDefault();
            var firstResponse = first?.MonthsSinceStart;
            decimal? relapse = null;
            foreach (var r in list.Where(a => a.Category == ClinicalResponseCategory.Relapse))
            {
                if (first is not null && r.AssessmentDate > first.AssessmentDate)
                {
                    relapse ??= r.MonthsSinceStart;
                }
                else
                {
                    issues.Add(Issue.Error(IssueCodes.RelapseWithoutResponse, key,
                        $"{key}: relapse adjudicated on {r.AssessmentDate:yyyy-MM-dd} (month {r.MonthsSinceStart}) without an earlier major or partial response."));
                }
            }

            patients.Add(new PatientResponse(key, best, firstResponse, relapse));
        }

        return new ResponseSummary(
            cohort.Count,
            patients.Count(p => p.BestResponse == ClinicalResponseCategory.MajorClinicalResponse),
            patients.Count(p => p.BestResponse == ClinicalResponseCategory.PartialClinicalResponse),
            patients.Count(p => p.BestResponse == ClinicalResponseCategory.NoResponse),
            patients.Count(p => p.RelapseMonths is not null),
            horizonMonths,
            patients,
            issues);
    }
}
