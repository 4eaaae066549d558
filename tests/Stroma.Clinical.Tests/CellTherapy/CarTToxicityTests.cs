// Source: issue #20 — an adverse event entered as CTCAE "cytokine release syndrome" (or ICANS) on a CAR-T patient leads
// the user to the ASTCT 2019 grading (Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38).
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class CarTToxicityTests
{
    private static AdverseEvent Event(string term) => new(term, AdverseEventCategory.Other, new DateOnly(2025, 1, 2), null, CtcaeGrade.Moderate,
        SeriousnessCriteria.None, Relatedness.Probable, Expectedness.Expected, AdverseEventOutcome.Recovering, "CART-01");

    [Theory]
    [InlineData("Cytokine release syndrome", CarTSyndrome.CytokineReleaseSyndrome)]
    [InlineData("  CRS ", CarTSyndrome.CytokineReleaseSyndrome)]
    [InlineData("细胞因子释放综合征", CarTSyndrome.CytokineReleaseSyndrome)]
    [InlineData("Immune effector cell-associated neurotoxicity syndrome", CarTSyndrome.Icans)]
    [InlineData("ICANS", CarTSyndrome.Icans)]
    public void Syndrome_KnownTerms_AreRecognised(string term, CarTSyndrome syndrome)
    {
        Assert.Equal(syndrome, CarTToxicity.Syndrome(term));
    }

    [Theory]
    [InlineData("fever")]
    [InlineData("cytokine release syndrome-like fever")]
    [InlineData("")]
    public void Syndrome_OtherTerms_AreNot(string term)
    {
        Assert.Null(CarTToxicity.Syndrome(term));
    }

    [Fact]
    public void GradingAdvice_CrsOnCarTPatient_IsCar004WarningNamingTheInstrument()
    {
        var issue = CarTToxicity.GradingAdvice(Event("Cytokine release syndrome"), carTPatient: true);

        Assert.NotNull(issue);
        Assert.Equal(IssueCodes.CarTToxicityNeedsAstctGrade, issue.Code);
        Assert.Equal(Severity.Warning, issue.Severity);
        Assert.Contains("stroma score crs_astct2019", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GradingAdvice_IcansOnCarTPatient_NamesTheIcansInstrument()
    {
        Assert.Contains("icans_astct2019", CarTToxicity.GradingAdvice(Event("ICANS"), carTPatient: true)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GradingAdvice_NotCarTPatient_IsNull()
    {
        Assert.Null(CarTToxicity.GradingAdvice(Event("Cytokine release syndrome"), carTPatient: false));
    }
}
