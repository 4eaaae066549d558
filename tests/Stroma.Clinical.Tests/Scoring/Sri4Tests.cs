// Source: Furie RA, Petri MA, Wallace DJ, et al. Novel evidence-based systemic lupus erythematosus responder index.
// Arthritis Rheum 2009;61(9):1143-51 (PMC2748175): ≥ 4-point SLEDAI fall; no new BILAG A and ≤ 1 new BILAG B; PGA not
// worse by ≥ 0.3. "New A/B" follows Stroma's documented rule (UNCONFIRMED), see docs/instruments/sri4.md.
using System.Globalization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class Sri4Tests
{
    private static Dictionary<BilagSystem, BilagGrade> Grades(BilagGrade fill, params (BilagSystem System, BilagGrade Grade)[] set)
    {
        var grades = Enum.GetValues<BilagSystem>().ToDictionary(s => s, _ => fill);
        foreach (var (system, grade) in set)
        {
            grades[system] = grade;
        }

        return grades;
    }

    private static Sri4Input Responder() => new(
        SledaiTotal: 4, BaselineSledaiTotal: 10, Pga: 1.0m, BaselinePga: 2.0m,
        Bilag: Grades(BilagGrade.D), BaselineBilag: Grades(BilagGrade.D));

    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    private static bool? Passed(CompositeResult result, string key) => result.Criteria.Single(c => c.Key == key).Passed;

    [Fact]
    public void Assess_AllCriteriaHold_IsResponderAndRecordsTheNewGradeRule()
    {
        var result = Sri4.Assess(Responder());

        Assert.True(result.Met);
        Assert.Equal(["sledai_fall", "no_new_bilag", "pga_not_worse"], result.Criteria.Select(c => c.Key));
        Assert.Equal(BilagNewGradeRule.Description, Assert.Single(result.Rules));
    }

    [Theory]
    [InlineData(10, 7, false)]
    [InlineData(10, 6, true)]
    [InlineData(3, 0, false)]
    [InlineData(4, 0, true)]
    public void Assess_SledaiFall_PassesAtFourOrMore(int baseline, int now, bool passed)
    {
        var result = Sri4.Assess(Responder() with { BaselineSledaiTotal = baseline, SledaiTotal = now });

        Assert.Equal(passed, Passed(result, "sledai_fall"));
        Assert.Equal(passed, result.Met);
    }

    [Theory]
    [InlineData("1.0", "1.29", true)]
    [InlineData("1.0", "1.3", false)]
    [InlineData("2.0", "0", true)]
    [InlineData("2.7", "3", false)]
    public void Assess_PgaWorsening_FailsAtThreeTenths(string baseline, string now, bool passed)
    {
        var result = Sri4.Assess(Responder() with { BaselinePga = D(baseline), Pga = D(now) });

        Assert.Equal(passed, Passed(result, "pga_not_worse"));
        Assert.Equal(passed, result.Met);
    }

    [Fact]
    public void Assess_OneNewB_Passes_TwoNewB_Fail()
    {
        var one = Sri4.Assess(Responder() with { Bilag = Grades(BilagGrade.D, (BilagSystem.Mucocutaneous, BilagGrade.B)) });
        var two = Sri4.Assess(Responder() with
        {
            Bilag = Grades(BilagGrade.D, (BilagSystem.Mucocutaneous, BilagGrade.B), (BilagSystem.Musculoskeletal, BilagGrade.B)),
        });

        Assert.True(Passed(one, "no_new_bilag"));
        Assert.True(one.Met);
        Assert.False(Passed(two, "no_new_bilag"));
        Assert.False(two.Met);
        Assert.Contains("2 new B (Mucocutaneous, Musculoskeletal)", two.Criteria[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Assess_OneNewA_Fails()
    {
        var result = Sri4.Assess(Responder() with { Bilag = Grades(BilagGrade.D, (BilagSystem.Renal, BilagGrade.A)) });

        Assert.False(Passed(result, "no_new_bilag"));
        Assert.Contains("1 new A (Renal)", result.Criteria[1].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BilagGrade.A, BilagGrade.A, false, false)]
    [InlineData(BilagGrade.B, BilagGrade.A, true, false)]
    [InlineData(BilagGrade.E, BilagGrade.A, true, false)]
    [InlineData(BilagGrade.A, BilagGrade.B, false, false)]
    [InlineData(BilagGrade.B, BilagGrade.B, false, false)]
    [InlineData(BilagGrade.C, BilagGrade.B, false, true)]
    [InlineData(BilagGrade.D, BilagGrade.B, false, true)]
    [InlineData(BilagGrade.E, BilagGrade.B, false, true)]
    [InlineData(BilagGrade.D, BilagGrade.C, false, false)]
    public void BilagNewGradeRule_NewMeansWorsenedIntoTheGrade(BilagGrade baseline, BilagGrade now, bool newA, bool newB)
    {
        Assert.Equal(newA, BilagNewGradeRule.IsNewA(baseline, now));
        Assert.Equal(newB, BilagNewGradeRule.IsNewB(baseline, now));
    }

    [Fact]
    public void Assess_MissingSystemAndEAfterActivity_AreIssues()
    {
        var current = Grades(BilagGrade.D, (BilagSystem.Renal, BilagGrade.E));
        current.Remove(BilagSystem.Ophthalmic);

        var result = Sri4.Assess(Responder() with { Bilag = current, BaselineBilag = Grades(BilagGrade.D, (BilagSystem.Renal, BilagGrade.A)) });

        Assert.Null(result.Met);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "bilag_ophthalmic");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.Contradiction && i.Path == "bilag_renal");
    }

    [Theory]
    [InlineData(106, 10, "2", "2")]
    [InlineData(4, -1, "2", "2")]
    [InlineData(4, 10, "3.1", "2")]
    [InlineData(4, 10, "2", "-0.5")]
    public void Assess_OutOfRangeInput_IsAnIssue(int now, int baseline, string pga, string baselinePga)
    {
        var result = Sri4.Assess(Responder() with { SledaiTotal = now, BaselineSledaiTotal = baseline, Pga = D(pga), BaselinePga = D(baselinePga) });

        Assert.Null(result.Met);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange);
    }

    private static Dictionary<string, ItemValue> WorkedExample()
    {
        var items = new Dictionary<string, ItemValue>
        {
            ["id"] = ItemValue.Of("p7-w52"),
            ["sledai2k_total"] = ItemValue.Of(6m),
            ["baseline_sledai2k_total"] = ItemValue.Of(12m),
            ["pga"] = ItemValue.Of(1.2m),
            ["baseline_pga"] = ItemValue.Of(1.8m),
        };
        foreach (var system in Enum.GetValues<BilagSystem>())
        {
            items["bilag_" + system.ToString().ToLowerInvariant()] = ItemValue.Of("d");
            items["baseline_bilag_" + system.ToString().ToLowerInvariant()] = ItemValue.Of("d");
        }

        items["baseline_bilag_musculoskeletal"] = ItemValue.Of("b");
        items["bilag_musculoskeletal"] = ItemValue.Of("c");
        items["baseline_bilag_mucocutaneous"] = ItemValue.Of("b");
        items["bilag_mucocutaneous"] = ItemValue.Of("c");
        items["baseline_bilag_haematological"] = ItemValue.Of("c");
        items["bilag_haematological"] = ItemValue.Of("b");
        return items;
    }

    [Fact]
    public void Instrument_WorkedExample_FromDocs_IsResponder()
    {
        // docs/instruments/sri4.md worked example: SLEDAI-2K 12 → 6, PGA 1.8 → 1.2, one new BILAG B (haematological).
        var result = Sri4.Instrument.Score(WorkedExample());

        Assert.True(result.IsValid);
        Assert.Equal("SRI-4 responder", result.Grade);
        Assert.Equal("met: 0 new A (none), 1 new B (Haematological); allowed: 0 new A and at most 1 new B",
            result.Contributions.Single(c => c.Key == "no_new_bilag").Note);
        Assert.Contains(result.Subtotals, s => s.Key == "sledai2k_change" && s.Value == -6m);
    }

    [Fact]
    public void Instrument_WorkedExample_WithSecondNewB_IsNonResponder()
    {
        var items = WorkedExample();
        items["bilag_renal"] = ItemValue.Of("b");

        var result = Sri4.Instrument.Score(items);

        Assert.Equal("SRI-4 non-responder", result.Grade);
    }

    [Fact]
    public void Instrument_BadInput_ReportsEveryProblem()
    {
        var items = WorkedExample();
        items["bilag_renal"] = ItemValue.Of("f");
        items["sledai2k_total"] = ItemValue.Of(4.5m);
        items.Remove("baseline_pga");
        items["baseline_bilag_kidney"] = ItemValue.Of("a");

        var result = Sri4.Instrument.Score(items);

        Assert.False(result.IsValid);
        Assert.Null(result.Grade);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.NotAChoice && i.Path == "bilag_renal");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "sledai2k_total");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "baseline_pga");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "baseline_bilag_kidney");
    }

    [Fact]
    public void Instrument_ContradictoryGrades_AreReportedNotScored()
    {
        var items = WorkedExample();
        items["bilag_musculoskeletal"] = ItemValue.Of("e");

        var result = Sri4.Instrument.Score(items);

        Assert.Null(result.Grade);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.Contradiction && i.Path == "bilag_musculoskeletal");
    }
}
