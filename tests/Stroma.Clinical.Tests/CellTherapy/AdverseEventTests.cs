// Sources: CTCAE v5.0 grades (grade 5 = death related to the AE); ICH E2A seriousness criteria and SUSAR; the
// Wang 2014 AE table (Arthritis Res Ther 2014;16:R79, Table 2: patient 9 died on day 7, SAE, not related).
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class AdverseEventTests
{
    private static readonly DateOnly Onset = new(2023, 3, 1);

    private static AdverseEvent Mild() => new("Infusion related reaction", AdverseEventCategory.InfusionRelatedReaction, Onset, Onset,
        CtcaeGrade.Mild, SeriousnessCriteria.None, Relatedness.Possible, Expectedness.Expected, AdverseEventOutcome.Recovered, "G123498654321H");

    private static AdverseEvent Death() => new("Death NOS", AdverseEventCategory.Other, Onset, null, CtcaeGrade.Death,
        SeriousnessCriteria.ResultsInDeath, Relatedness.NotRelated, Expectedness.Unexpected, AdverseEventOutcome.Fatal, DeathDate: Onset);

    [Fact]
    public void Validate_ConsistentEvents_HaveNoIssues()
    {
        Assert.Empty(Mild().Validate());
        Assert.Empty(Death().Validate()); // like Wang 2014 patient 9: death, SAE, not related
    }

    [Theory]
    [InlineData(AdverseEventOutcome.RecoveredWithSequelae, SeriousnessCriteria.ResultsInDeath, false)]
    [InlineData(AdverseEventOutcome.Fatal, SeriousnessCriteria.Hospitalisation, false)]
    [InlineData(AdverseEventOutcome.Fatal, SeriousnessCriteria.ResultsInDeath, true)]
    public void Validate_Grade5_NeedsFatalOutcomeDeathCriterionAndDate(AdverseEventOutcome outcome, SeriousnessCriteria seriousness, bool noDate)
    {
        var ae = Death() with { Outcome = outcome, Seriousness = seriousness, DeathDate = noDate ? null : Onset };

        Assert.Equal([IssueCodes.Grade5WithoutDeath], ae.Validate().Select(i => i.Code));
    }

    [Fact]
    public void Validate_DeathRecordedBelowGrade5_IsAnIssue()
    {
        var ae = Death() with { Grade = CtcaeGrade.LifeThreatening };

        // CTCAE v5.0 defines grade 5 only for "Death NOS" (MedDRA 10011914): grade 4 is also a grade the term does not have.
        Assert.Equal([IssueCodes.DeathWithoutGrade5, IssueCodes.GradeNotDefinedForTerm], ae.Validate().Select(i => i.Code));
    }

    [Fact]
    public void Validate_ResolvedBeforeOnset_IsAnIssue()
    {
        Assert.Equal([IssueCodes.AdverseEventDatesInconsistent], (Mild() with { Resolved = Onset.AddDays(-1) }).Validate().Select(i => i.Code));
    }

    [Fact]
    public void Validate_RelatedWithoutLot_IsAnIssue_UnrelatedWithoutLot_IsNot()
    {
        Assert.Equal([IssueCodes.RelatedWithoutLot], (Mild() with { SuspectLotId = null }).Validate().Select(i => i.Code));
        Assert.Empty((Mild() with { SuspectLotId = null, Relatedness = Relatedness.Unlikely }).Validate());
    }

    [Fact]
    public void Validate_Grade4NotSerious_IsAWarning()
    {
        var issue = Assert.Single((Mild() with { Grade = CtcaeGrade.LifeThreatening }).Validate());

        Assert.Equal((IssueCodes.Grade4NotSerious, Severity.Warning), (issue.Code, issue.Severity));
    }

    [Fact]
    public void Susar_SeriousUnexpectedRelated_IsFlagged()
    {
        var ae = Mild() with { Grade = CtcaeGrade.Severe, Seriousness = SeriousnessCriteria.Hospitalisation, Expectedness = Expectedness.Unexpected };

        Assert.True(ae.IsSusar);
        Assert.Equal((IssueCodes.Susar, Severity.Info), ae.Validate().Select(i => (i.Code, i.Severity)).Single());
        Assert.False((ae with { Expectedness = Expectedness.Expected }).IsSusar);
        Assert.False((ae with { Relatedness = Relatedness.Unlikely }).IsSusar);
        Assert.False((ae with { Seriousness = SeriousnessCriteria.None }).IsSusar);
    }

    [Fact]
    public void Grades_AreOneToFive()
    {
        Assert.Equal([1, 2, 3, 4, 5], Enum.GetValues<CtcaeGrade>().Select(g => (int)g));
    }

    [Fact]
    public void SeriousnessCriteriaCodes_EveryCriterionOnce_InIchE2AOrder_CodesParseBack()
    {
        Assert.Equal(Enum.GetValues<SeriousnessCriteria>().Where(v => v != SeriousnessCriteria.None), SeriousnessCriteriaCodes.All.Select(c => c.Value));
        Assert.Equal(["death", "life_threatening", "hospitalisation", "disability", "congenital_anomaly", "important_medical_event"], SeriousnessCriteriaCodes.All.Select(c => c.Code));
        Assert.All(SeriousnessCriteriaCodes.All, c => Assert.Equal(c.Value, SeriousnessCriteriaCodes.Parse(c.Code)));
        Assert.Null(SeriousnessCriteriaCodes.Parse("Death"));
        Assert.Null(SeriousnessCriteriaCodes.Parse(""));
    }
}
