// Source: Common Terminology Criteria for Adverse Events (CTCAE) v5.0, NCI, November 27, 2017 (the spreadsheet
// CTCAE_v5.0_2017-11-27.xlsx, "CTCAE v5.0 Clean Copy": MedDRA code, MedDRA SOC, CTCAE term, grades 1-5 where "-" means
// the grade does not exist for the term). The rows below are read from that table; data/ctcae/README.md says how the
// vendored list was taken and cross-checked.
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class CtcaeV5Tests
{
    private static readonly DateOnly Onset = new(2024, 3, 1);

    private static AdverseEvent Event(string term, CtcaeGrade grade) => new(term, AdverseEventCategory.Other, Onset, null, grade,
        grade >= CtcaeGrade.LifeThreatening ? SeriousnessCriteria.LifeThreatening : SeriousnessCriteria.None, Relatedness.NotRelated, Expectedness.Expected,
        AdverseEventOutcome.Recovering);

    [Fact]
    public void Terms_TheWholeTable_837TermsWithUniqueCodesAndTerms()
    {
        CtcaeV5.Terms.Count.ShouldBe(837);
        CtcaeV5.Terms.Select(t => t.MeddraCode).Distinct().Count().ShouldBe(837);
        CtcaeV5.Terms.Select(t => t.Term.ToUpperInvariant()).Distinct().Count().ShouldBe(837);
        CtcaeV5.Terms.ShouldAllBe(t => t.MeddraCode.Length == 8 && t.MeddraCode.All(char.IsAsciiDigit) && t.Soc.Length > 0 && t.Grades.Count > 0);
        CtcaeV5.Terms.Select(t => t.Soc).Distinct().Count().ShouldBe(26);
    }

    [Theory]
    [InlineData("Febrile neutropenia", "10016288", "Blood and lymphatic system disorders", "345")]
    [InlineData("Anemia", "10002272", "Blood and lymphatic system disorders", "12345")]
    [InlineData("Eosinophilia", "10014950", "Blood and lymphatic system disorders", "13")]
    [InlineData("Cytokine release syndrome", "10052015", "Immune system disorders", "12345")]
    [InlineData("Sepsis", "10040047", "Infections and infestations", "345")]
    [InlineData("Headache", "10019211", "Nervous system disorders", "123")]
    [InlineData("Infusion related reaction", "10051792", "Injury, poisoning and procedural complications", "12345")]
    [InlineData("Death NOS", "10011914", "General disorders and administration site conditions", "5")]
    public void Find_PublishedTerm_CodeSocAndGradesAsInTheTable(string term, string code, string soc, string grades)
    {
        var found = CtcaeV5.Find(term).ShouldNotBeNull();

        (found.MeddraCode, found.Soc, string.Concat(found.Grades.Select(g => (int)g))).ShouldBe((code, soc, grades));
        CtcaeV5.FindByCode(code).ShouldBeSameAs(found);
    }

    [Fact]
    public void Find_OtherLetterCaseAndSpaces_SameTerm_FreeTextNone()
    {
        CtcaeV5.Find("  febrile NEUTROPENIA ").ShouldBeSameAs(CtcaeV5.Find("Febrile neutropenia"));
        CtcaeV5.Find("fever after the second infusion").ShouldBeNull();
        CtcaeV5.Find(null).ShouldBeNull();
    }

    [Theory]
    [InlineData(CtcaeGrade.Mild)]
    [InlineData(CtcaeGrade.Moderate)]
    public void Validate_FebrileNeutropeniaBelowGrade3_RefusedNamingTheTermsGrades(CtcaeGrade grade)
    {
        var issues = Event("Febrile neutropenia", grade).Validate();

        var issue = issues.Single(i => i.Code == IssueCodes.GradeNotDefinedForTerm);
        issue.IsError.ShouldBeTrue();
        issue.Path.ShouldBe("grade");
        issue.Message.ShouldContain("10016288");
        issue.Message.ShouldContain("3, 4, 5");
    }

    [Fact]
    public void Validate_AGradeTheTermDefines_OrFreeText_NoGradeIssue()
    {
        Event("Febrile neutropenia", CtcaeGrade.Severe).Validate().ShouldNotContain(i => i.Code == IssueCodes.GradeNotDefinedForTerm);
        Event("Eosinophilia", CtcaeGrade.Severe).Validate().ShouldNotContain(i => i.Code == IssueCodes.GradeNotDefinedForTerm);
        Event("Eosinophilia", CtcaeGrade.Moderate).Validate().Select(i => i.Code).ShouldBe([IssueCodes.GradeNotDefinedForTerm]);
        Event("fever after the second infusion", CtcaeGrade.Mild).Validate().ShouldBeEmpty();
    }
}
