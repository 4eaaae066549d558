// Source: Dominici M et al. Minimal criteria for defining multipotent mesenchymal stromal cells. The International
// Society for Cellular Therapy position statement. Cytotherapy 2006;8(4):315-7 (≥ 95% CD105, CD73, CD90; ≤ 2% CD45,
// CD34, CD14 or CD11b, CD79a or CD19, HLA-DR; plastic adherence; trilineage differentiation). Viability and endotoxin
// limits are not in ISCT: the tests set site values (90% and 5 EU/kg are test inputs, not recommendations).
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class ReleaseTests
{
    private static readonly DateTimeOffset SignedAt = new(2017, 7, 20, 9, 30, 0, TimeSpan.Zero);

    private static ReleaseSpecification SiteSpec() => ReleaseSpecification.IsctMscDefault
        .WithLimit("viability", 90m, "site-1", "Site A release specification v1")
        .WithLimit("endotoxin", 5m, "site-2", "Site A release specification v1");

    private static Dictionary<string, ReleaseMeasurement> PassingResults() => new()
    {
        ["cd73"] = ReleaseMeasurement.Of(99.1m),
        ["cd90"] = ReleaseMeasurement.Of(98.7m),
        ["cd105"] = ReleaseMeasurement.Of(96.2m),
        ["cd45"] = ReleaseMeasurement.Of(0.4m),
        ["cd34"] = ReleaseMeasurement.Of(0.3m),
        ["cd11b"] = ReleaseMeasurement.Of(0.8m),
        ["cd19"] = ReleaseMeasurement.Of(0.2m),
        ["hla_dr"] = ReleaseMeasurement.Of(1.1m),
        ["plastic_adherence"] = ReleaseMeasurement.Outcome(true),
        ["trilineage_differentiation"] = ReleaseMeasurement.Outcome(true),
        ["viability"] = ReleaseMeasurement.Of(93m),
        ["sterility"] = ReleaseMeasurement.Outcome(true),
        ["endotoxin"] = ReleaseMeasurement.Of(0.5m),
        ["mycoplasma"] = ReleaseMeasurement.Outcome(true),
    };

    [Fact]
    public void IsctDefault_HasThePublishedLimits()
    {
        var c = ReleaseSpecification.IsctMscDefault.Criteria.ToDictionary(x => x.Key);
        foreach (var key in new[] { "cd73", "cd90", "cd105" })
        {
            Assert.Equal((CriterionKind.AtLeast, 95m), (c[key].Kind, c[key].Limit));
        }

        foreach (var key in new[] { "cd45", "cd34", "cd14_or_cd11b", "cd79a_or_cd19", "hla_dr" })
        {
            Assert.Equal((CriterionKind.AtMost, 2m), (c[key].Kind, c[key].Limit));
        }

        Assert.Equal(["cd14", "cd11b"], c["cd14_or_cd11b"].AlternativeKeys);
        Assert.Equal(["cd79a", "cd19"], c["cd79a_or_cd19"].AlternativeKeys);
        Assert.Equal(CriterionKind.MustBeMet, c["plastic_adherence"].Kind);
        Assert.Equal(CriterionKind.MustBeMet, c["trilineage_differentiation"].Kind);
    }

    [Fact]
    public void IsctDefault_LeavesViabilityAndEndotoxinToTheSite()
    {
        var issues = ReleaseSpecification.IsctMscDefault.Validate();

        Assert.Equal(["viability", "endotoxin"], issues.Select(i => i.Path));
        Assert.All(issues, i => Assert.Equal(IssueCodes.ReleaseLimitNotSet, i.Code));
        Assert.Empty(SiteSpec().Validate());
    }

    [Fact]
    public void Evaluate_DefaultSpecWithoutSiteLimits_CannotPass()
    {
        var evaluation = ReleaseSpecification.IsctMscDefault.Evaluate(PassingResults());

        Assert.False(evaluation.Passed);
        Assert.Equal(CriterionOutcome.LimitNotSet, evaluation.Results.Single(r => r.Criterion.Key == "viability").Outcome);
    }

    [Fact]
    public void Evaluate_AllWithinLimits_PassesWithMeasuredValues()
    {
        var evaluation = SiteSpec().Evaluate(PassingResults());

        Assert.True(evaluation.Passed);
        Assert.Empty(evaluation.Issues);
        Assert.Equal(14, evaluation.Results.Count);
        Assert.Equal("cd11b=0.8", evaluation.Results.Single(r => r.Criterion.Key == "cd14_or_cd11b").Measured);
        Assert.Equal("sterility=met", evaluation.Results.Single(r => r.Criterion.Key == "sterility").Measured);
    }

    [Theory]
    [InlineData("cd73", "95", true)] // at the limit: ≥ 95% passes
    [InlineData("cd73", "94.9", false)]
    [InlineData("cd105", "80", false)]
    [InlineData("cd45", "2", true)] // at the limit: ≤ 2% passes
    [InlineData("cd45", "2.1", false)]
    [InlineData("cd34", "3", false)]
    [InlineData("cd11b", "2.5", false)]
    [InlineData("cd19", "4", false)]
    [InlineData("hla_dr", "2.01", false)]
    [InlineData("viability", "89.9", false)]
    [InlineData("viability", "90", true)]
    [InlineData("endotoxin", "5.1", false)]
    public void Evaluate_EachNumericCriterion_PassesAtLimitAndFailsBeyond(string key, string value, bool passes)
    {
        var results = PassingResults();
        results[key] = ReleaseMeasurement.Of(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var evaluation = SiteSpec().Evaluate(results);

        Assert.Equal(passes, evaluation.Passed);
        if (!passes)
        {
            var issue = Assert.Single(evaluation.Issues);
            Assert.Equal(IssueCodes.ReleaseCriterionFailed, issue.Code);
            Assert.Equal(key, issue.Path);
            Assert.Contains(value, issue.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("plastic_adherence")]
    [InlineData("trilineage_differentiation")]
    [InlineData("sterility")]
    [InlineData("mycoplasma")]
    public void Evaluate_QualitativeNotMet_Fails(string key)
    {
        var results = PassingResults();
        results[key] = ReleaseMeasurement.Outcome(false);

        var evaluation = SiteSpec().Evaluate(results);

        Assert.False(evaluation.Passed);
        Assert.Equal(CriterionOutcome.Fail, evaluation.Results.Single(r => r.Criterion.Key == key).Outcome);
    }

    [Fact]
    public void Evaluate_EitherAlternativeMarker_Satisfies_ButEachGivenMustPass()
    {
        var results = PassingResults();
        results.Remove("cd11b");
        results["cd14"] = ReleaseMeasurement.Of(1m);
        Assert.True(SiteSpec().Evaluate(results).Passed);

        results["cd11b"] = ReleaseMeasurement.Of(3m);
        Assert.False(SiteSpec().Evaluate(results).Passed);
    }

    [Fact]
    public void Evaluate_MissingAndUnknownResults_AreReported()
    {
        var results = PassingResults();
        results.Remove("mycoplasma");
        results["cd3"] = ReleaseMeasurement.Of(1m);

        var evaluation = SiteSpec().Evaluate(results);

        Assert.False(evaluation.Passed);
        Assert.Contains(evaluation.Issues, i => i.Code == IssueCodes.ReleaseCriterionNotTested && i.Path == "mycoplasma");
        Assert.Contains(evaluation.Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "cd3");
    }

    [Fact]
    public void Decide_PassedLotInQuarantine_IsReleasedWithSignature()
    {
        var lot = CellTherapyData.UcMscLot();
        var decision = new ReleaseDecision(ReleaseVerdict.Release, "qa.li", SignedAt, "Approved for clinical use");

        var result = LotRelease.Decide(lot, LotStatus.Quarantine, SiteSpec().Evaluate(PassingResults()), decision, new DateOnly(2017, 7, 20));

        Assert.True(result.Accepted);
        Assert.Equal(LotStatus.Released, result.Status);
        Assert.Equal("qa.li", result.Decision!.SignedBy);
        Assert.Equal(SignedAt, result.Decision.SignedAt);
    }

    [Fact]
    public void Decide_FailedEvaluation_RefusesRelease()
    {
        var results = PassingResults();
        results["cd90"] = ReleaseMeasurement.Of(90m);

        var result = LotRelease.Decide(CellTherapyData.UcMscLot(), LotStatus.Quarantine, SiteSpec().Evaluate(results),
            new ReleaseDecision(ReleaseVerdict.Release, "qa.li", SignedAt, "Approved"), new DateOnly(2017, 7, 20));

        Assert.False(result.Accepted);
        Assert.Equal(LotStatus.Quarantine, result.Status);
        Assert.Contains("cd90", Assert.Single(result.Issues, i => i.Code == IssueCodes.LotReleaseWithoutPassedSpecification).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoEvaluation_RefusesRelease()
    {
        var result = LotRelease.Decide(CellTherapyData.UcMscLot(), LotStatus.Quarantine, null,
            new ReleaseDecision(ReleaseVerdict.Release, "qa.li", SignedAt, "Approved"), new DateOnly(2017, 7, 20));

        Assert.Equal(IssueCodes.LotReleaseWithoutPassedSpecification, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void Decide_ExpiredLot_RefusesRelease()
    {
        var lot = CellTherapyData.UcMscLot(expiresOn: new DateOnly(2017, 7, 19));

        var result = LotRelease.Decide(lot, LotStatus.Quarantine, SiteSpec().Evaluate(PassingResults()),
            new ReleaseDecision(ReleaseVerdict.Release, "qa.li", SignedAt, "Approved"), new DateOnly(2017, 7, 20));

        Assert.Equal(IssueCodes.LotExpired, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData(LotStatus.Released)]
    [InlineData(LotStatus.Rejected)]
    public void Decide_LotNotInQuarantine_IsRefused(LotStatus status)
    {
        var result = LotRelease.Decide(CellTherapyData.UcMscLot(), status, SiteSpec().Evaluate(PassingResults()),
            new ReleaseDecision(ReleaseVerdict.Reject, "qa.li", SignedAt, "Rejected", "Sterility failure"), new DateOnly(2017, 7, 20));

        Assert.Equal(status, result.Status);
        Assert.Equal(IssueCodes.LotNotInQuarantine, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void Decide_Unsigned_IsRefused()
    {
        var result = LotRelease.Decide(CellTherapyData.UcMscLot(), LotStatus.Quarantine, SiteSpec().Evaluate(PassingResults()),
            new ReleaseDecision(ReleaseVerdict.Release, " ", SignedAt, ""), new DateOnly(2017, 7, 20));

        Assert.Equal(IssueCodes.ReleaseDecisionUnsigned, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void Decide_RejectWithReason_Rejects_WithoutReason_IsRefused()
    {
        var lot = CellTherapyData.UcMscLot();
        var withReason = LotRelease.Decide(lot, LotStatus.Quarantine, null,
            new ReleaseDecision(ReleaseVerdict.Reject, "qa.li", SignedAt, "Rejected", "Mycoplasma detected"), new DateOnly(2017, 7, 20));
        var without = LotRelease.Decide(lot, LotStatus.Quarantine, null,
            new ReleaseDecision(ReleaseVerdict.Reject, "qa.li", SignedAt, "Rejected"), new DateOnly(2017, 7, 20));

        Assert.Equal(LotStatus.Rejected, withReason.Status);
        Assert.Equal(IssueCodes.ReleaseDecisionUnsigned, Assert.Single(without.Issues).Code);
    }

    [Fact]
    public void IsExpiredOn_UsableThroughExpiryDay()
    {
        var lot = CellTherapyData.UcMscLot(expiresOn: new DateOnly(2018, 6, 30));

        Assert.False(lot.IsExpiredOn(new DateOnly(2018, 6, 30)));
        Assert.True(lot.IsExpiredOn(new DateOnly(2018, 7, 1)));
    }

    [Fact]
    public void LotValidate_ValidLot_HasNoIssues_BadLot_GathersAll()
    {
        Assert.Empty(CellTherapyData.UcMscLot().Validate());

        var bad = CellTherapyData.UcMscLot(expiresOn: new DateOnly(2017, 6, 1)) with { DonorPseudonym = "", ViabilityPercent = 101m, Passage = -1 };
        var codes = bad.Validate().Select(i => i.Code).ToList();

        Assert.Equal([IssueCodes.MissingItem, IssueCodes.OutOfRange, IssueCodes.OutOfRange, IssueCodes.LotExpiryBeforeManufacture], codes);
    }
}
