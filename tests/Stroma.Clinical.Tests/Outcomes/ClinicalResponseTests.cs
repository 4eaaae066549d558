// Source: counts as reported by Wang D et al. Arthritis Res Ther 2014;16:R79 (MCR 13/40, PCR 11/40 within 12 months;
// relapse in 3 patients at 9 and 4 at 12 months). The MCR/PCR definitions are UNCONFIRMED, so responses here are
// investigator-adjudicated records (docs/sources/responses.md).
using Stroma.Clinical.Issues;
using Stroma.Clinical.Outcomes;

namespace Stroma.Clinical.Tests.Outcomes;

public class ClinicalResponseTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private static AdjudicatedResponse Adjudicate(string patient, decimal months, ClinicalResponseCategory category) =>
        new(patient, new DateOnly(2013, 1, 1).AddMonths((int)months), months, category, "protocol criteria §7", ["v"], "dr.wang", At);

    [Fact]
    public void Summarise_PublishedCohort_ReproducesThe13And11Of40()
    {
        var cohort = Enumerable.Range(1, 40).Select(i => $"P{i:00}").ToList();
        var adjudications = new List<AdjudicatedResponse>();
        for (var i = 1; i <= 13; i++)
        {
            adjudications.Add(Adjudicate($"P{i:00}", 6m, ClinicalResponseCategory.MajorClinicalResponse));
        }

        for (var i = 14; i <= 24; i++)
        {
            adjudications.Add(Adjudicate($"P{i:00}", 3m, ClinicalResponseCategory.PartialClinicalResponse));
        }

        // Seven relapses after a response: three at month 9, four at month 12.
        foreach (var (i, m) in new[] { (1, 9m), (2, 9m), (14, 9m), (3, 12m), (15, 12m), (16, 12m), (17, 12m) })
        {
            adjudications.Add(Adjudicate($"P{i:00}", m, ClinicalResponseCategory.Relapse));
        }

        var summary = ClinicalResponses.Summarise(cohort, adjudications, 12m);

        Assert.Equal(40, summary.CohortSize);
        Assert.Equal(13, summary.MajorClinicalResponses);
        Assert.Equal(11, summary.PartialClinicalResponses);
        Assert.Equal(16, summary.NoResponses);
        Assert.Equal(7, summary.Relapses);
        Assert.Empty(summary.Issues);
    }

    [Fact]
    public void Summarise_BestResponseWins_AndHorizonIsRespected()
    {
        var summary = ClinicalResponses.Summarise(["A", "B"],
        [
            Adjudicate("A", 3m, ClinicalResponseCategory.PartialClinicalResponse),
            Adjudicate("A", 6m, ClinicalResponseCategory.MajorClinicalResponse),
            Adjudicate("B", 13m, ClinicalResponseCategory.MajorClinicalResponse),
        ], 12m);

        Assert.Equal(ClinicalResponseCategory.MajorClinicalResponse, summary.Patients[0].BestResponse);
        Assert.Equal(3m, summary.Patients[0].FirstResponseMonths);
        Assert.Equal(ClinicalResponseCategory.NoResponse, summary.Patients[1].BestResponse);
    }

    [Fact]
    public void Summarise_PatientListedTwiceInCohort_Throws()
    {
        // A rate such as MCR 13/40 counts each patient once: a repeated key would count one response twice.
        Assert.Throws<ArgumentException>(() => ClinicalResponses.Summarise(["A", "B", "A"],
            [Adjudicate("A", 6m, ClinicalResponseCategory.MajorClinicalResponse)], 12m));
    }

    [Fact]
    public void Summarise_CohortAsOrdinalSetOrAsCaseInsensitiveSet_CountsEachPatientOnce()
    {
        // An ordinal set is taken as it is (it cannot hold a key twice); a set that compares otherwise is still checked
        // ordinally: "a" and "A" are two patients, the same counts as the list gives.
        AdjudicatedResponse[] adjudications = [Adjudicate("A", 6m, ClinicalResponseCategory.MajorClinicalResponse), Adjudicate("b", 3m, ClinicalResponseCategory.PartialClinicalResponse)];
        var fromList = ClinicalResponses.Summarise(["A", "b", "C"], adjudications, 12m);
        var fromSet = ClinicalResponses.Summarise(new HashSet<string>(["A", "b", "C"], StringComparer.Ordinal), adjudications, 12m);
        var fromIgnoreCase = ClinicalResponses.Summarise(new HashSet<string>(["A", "b", "C"], StringComparer.OrdinalIgnoreCase), adjudications, 12m);

        foreach (var summary in new[] { fromSet, fromIgnoreCase })
        {
            Assert.Equal((3, 1, 1, 1), (summary.CohortSize, summary.MajorClinicalResponses, summary.PartialClinicalResponses, summary.NoResponses));
            Assert.Equal(fromList.Patients.OrderBy(p => p.PatientKey, StringComparer.Ordinal), summary.Patients.OrderBy(p => p.PatientKey, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Summarise_RelapseWithoutResponse_IsAnError()
    {
        var summary = ClinicalResponses.Summarise(["A"], [Adjudicate("A", 6m, ClinicalResponseCategory.Relapse)], 12m);

        Assert.Equal(0, summary.Relapses);
        Assert.Contains(summary.Issues, i => i.Code == IssueCodes.RelapseWithoutResponse);
    }

    [Fact]
    public void Validate_MissingAdjudicatorBasisOrUtc_AreEachReported()
    {
        var bad = new AdjudicatedResponse("A", new DateOnly(2014, 1, 1), 6m, ClinicalResponseCategory.MajorClinicalResponse, " ", [], "",
            new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(8)));

        var issues = bad.Validate();

        Assert.Equal(3, issues.Count(i => i.Code == IssueCodes.AdjudicationIncomplete));
    }

    [Fact]
    public void Summarise_IncompleteAdjudication_IsReportedButNotCounted()
    {
        var unsigned = Adjudicate("A", 6m, ClinicalResponseCategory.MajorClinicalResponse) with { AdjudicatedBy = "" };

        var summary = ClinicalResponses.Summarise(["A"], [unsigned], 12m);

        Assert.Equal(0, summary.MajorClinicalResponses);
        Assert.Equal(1, summary.NoResponses);
        Assert.Contains(summary.Issues, i => i.Code == IssueCodes.AdjudicationIncomplete);
    }

    [Fact]
    public void Summarise_RelapseOnTheDayOfTheFirstResponse_IsNotAfterIt()
    {
        var summary = ClinicalResponses.Summarise(["A"],
        [
            Adjudicate("A", 6m, ClinicalResponseCategory.PartialClinicalResponse),
            Adjudicate("A", 6m, ClinicalResponseCategory.Relapse),
        ], 12m);

        Assert.Equal(0, summary.Relapses);
        Assert.Contains(summary.Issues, i => i.Code == IssueCodes.RelapseWithoutResponse);
    }
}
