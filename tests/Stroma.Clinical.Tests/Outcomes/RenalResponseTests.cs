// Source: KDIGO 2024 Clinical Practice Guideline for the Management of Lupus Nephritis, Kidney Int
// 2024;105(1S):S1-S69, as summarised in docs/sources/responses.md: complete < 0.5 g/g (50 mg/mmol) with
// stable kidney function (±10–15%); partial ≥ 50% fall and < 3 g/g (300 mg/mmol) with stable kidney function.
using Stroma.Clinical.Issues;
using Stroma.Clinical.Outcomes;

namespace Stroma.Clinical.Tests.Outcomes;

public class RenalResponseTests
{
    private static readonly RenalResponseCriteria TenPercent = new(0.10m);

    private static RenalResponseResult Assess(decimal baselineUpcr, decimal upcr, decimal baselineEgfr = 80m, decimal egfr = 80m, decimal months = 12m, RenalResponseCriteria? criteria = null) =>
        RenalResponse.Assess(new RenalResponseInput(
            ProteinCreatinineRatio.GramsPerGram(baselineUpcr), ProteinCreatinineRatio.GramsPerGram(upcr),
            KidneyFunction.Egfr(baselineEgfr), KidneyFunction.Egfr(egfr), months), criteria ?? TenPercent);

    [Theory]
    [InlineData(0.49, RenalResponseCategory.Complete)]
    [InlineData(0.50, RenalResponseCategory.Partial)]
    public void Assess_CompleteThreshold_IsStrictlyBelowHalfGramPerGram(double upcr, RenalResponseCategory expected)
    {
        Assert.Equal(expected, Assess(4m, (decimal)upcr).Category);
    }

    [Theory]
    [InlineData(2.0, 1.0, RenalResponseCategory.Partial)]  // exactly 50% fall, below 3 g/g
    [InlineData(2.0, 1.01, RenalResponseCategory.None)]    // 49.5% fall
    [InlineData(6.0, 2.99, RenalResponseCategory.Partial)] // ≥ 50% and < 3
    [InlineData(8.0, 3.0, RenalResponseCategory.None)]     // 62.5% fall but not < 3 g/g
    public void Assess_PartialNeedsHalvingAndBelowThree(double baseline, double current, RenalResponseCategory expected)
    {
        Assert.Equal(expected, Assess((decimal)baseline, (decimal)current).Category);
    }

    [Theory]
    [InlineData(49.9, RenalResponseCategory.Complete)]
    [InlineData(50.0, RenalResponseCategory.Partial)]
    public void Assess_MilligramsPerMillimole_UsesTheGuidelinesStatedFigures(double upcr, RenalResponseCategory expected)
    {
        var result = RenalResponse.Assess(new RenalResponseInput(
            ProteinCreatinineRatio.MilligramsPerMillimole(400m), ProteinCreatinineRatio.MilligramsPerMillimole((decimal)upcr),
            KidneyFunction.Egfr(60m), KidneyFunction.Egfr(60m), 9m), TenPercent);

        Assert.Equal(expected, result.Category);
    }

    [Fact]
    public void Assess_MgPerMmolPartialBoundary_Is300()
    {
        RenalResponseResult At(decimal v) => RenalResponse.Assess(new RenalResponseInput(
            ProteinCreatinineRatio.MilligramsPerMillimole(800m), ProteinCreatinineRatio.MilligramsPerMillimole(v),
            KidneyFunction.Egfr(60m), KidneyFunction.Egfr(60m), 9m), TenPercent);

        Assert.Equal(RenalResponseCategory.Partial, At(299.9m).Category);
        Assert.Equal(RenalResponseCategory.None, At(300m).Category);
    }

    [Theory]
    [InlineData(0.10, 90.0, true)]
    [InlineData(0.10, 89.9, false)]
    [InlineData(0.15, 85.0, true)]
    [InlineData(0.15, 84.9, false)]
    public void Assess_EgfrTolerance_IsTheStudysChoice(double tolerance, double egfr, bool stable)
    {
        var result = Assess(3m, 0.3m, 100m, (decimal)egfr, criteria: new RenalResponseCriteria((decimal)tolerance));

        Assert.Equal(stable, result.KidneyFunctionStable);
        Assert.Equal(stable ? RenalResponseCategory.Complete : RenalResponseCategory.None, result.Category);
        Assert.Contains($"tolerance {tolerance * 100:0}%", result.Rule, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(110.0, true)]
    [InlineData(110.1, false)]
    public void Assess_CreatinineMayRiseByTheToleranceOnly(double creatinine, bool stable)
    {
        var result = RenalResponse.Assess(new RenalResponseInput(
            ProteinCreatinineRatio.GramsPerGram(3m), ProteinCreatinineRatio.GramsPerGram(0.2m),
            KidneyFunction.Creatinine(100m), KidneyFunction.Creatinine((decimal)creatinine), 6m), TenPercent);

        Assert.Equal(stable, result.KidneyFunctionStable);
    }

    [Theory]
    [InlineData(0.09)]
    [InlineData(0.16)]
    public void Assess_ToleranceOutsideKdigoBand_IsAnError(double tolerance)
    {
        var result = Assess(3m, 0.3m, criteria: new RenalResponseCriteria((decimal)tolerance));

        Assert.Null(result.Category);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.RenalToleranceOutOfBand);
    }

    [Fact]
    public void Assess_MixedUnitsOrMeasures_AreErrorsNotConversions()
    {
        var result = RenalResponse.Assess(new RenalResponseInput(
            ProteinCreatinineRatio.GramsPerGram(3m), ProteinCreatinineRatio.MilligramsPerMillimole(30m),
            KidneyFunction.Egfr(60m), KidneyFunction.Creatinine(80m), 6m), TenPercent);

        Assert.Null(result.Category);
        Assert.Equal(2, result.Issues.Count(i => i.Code == IssueCodes.RenalMeasureMismatch));
    }

    [Fact]
    public void Assess_SpotUrineAndEarlyAssessment_AreFlaggedButAssessed()
    {
        var result = RenalResponse.Assess(new RenalResponseInput(
            ProteinCreatinineRatio.GramsPerGram(3m, UrineSample.Spot), ProteinCreatinineRatio.GramsPerGram(0.3m, UrineSample.Spot),
            KidneyFunction.Egfr(60m), KidneyFunction.Egfr(60m), 3m), TenPercent);

        Assert.Equal(RenalResponseCategory.Complete, result.Category);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.RenalNot24HourCollection && i.Severity == Severity.Warning);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.RenalOutsideAssessmentWindow && i.Severity == Severity.Info);
    }

    [Fact]
    public void Assess_WorkedExample_FromDocs_IsPartial()
    {
        // docs/outcomes.md: 24-h UPCR 2.4 g/g → 1.1 g/g at month 12 (−54.17%), eGFR 72 → 68 (−5.6%), tolerance 10%.
        var result = Assess(2.4m, 1.1m, 72m, 68m, 12m);

        Assert.Equal(RenalResponseCategory.Partial, result.Category);
        Assert.Equal(0.5417m, decimal.Round(result.ProteinuriaReduction!.Value, 4));
        Assert.True(result.KidneyFunctionStable);
    }

    [Theory]
    [InlineData(5.9, RenalResponseCategory.NotYetReached)]
    [InlineData(6.0, RenalResponseCategory.None)]
    [InlineData(12.0, RenalResponseCategory.None)]
    public void Assess_NoResponseIsDeclaredOnlyFromMonthSix(double months, RenalResponseCategory expected)
    {
        // KDIGO 2024: no kidney response = neither complete nor partial response within 6–12 months of therapy.
        Assert.Equal(expected, Assess(2m, 1.5m, months: (decimal)months).Category);
    }
}
