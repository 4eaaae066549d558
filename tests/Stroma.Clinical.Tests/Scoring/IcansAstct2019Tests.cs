// Source: Lee DW, Santomasso BD, Locke FL, et al. Biol Blood Marrow Transplant 2019;25(4):625-638, ICANS grading for
// adults and the ICE score (orientation 4, naming 3, commands 1, writing 1, attention 1). The grade is the most severe
// domain not attributable to another cause; example from the paper: ICE 3 with a generalized seizure → grade 3.
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class IcansAstct2019Tests
{
    private static IceScore Ice(int total)
    {
        // Fill the tasks in order up to the total: orientation 4, naming 3, commands, writing, attention.
        int Take(int max)
        {
            var taken = Math.Min(max, total);
            total -= taken;
            return taken;
        }

        return new IceScore(Take(4), Take(3), Take(1), Take(1), Take(1));
    }

    private static IcansAstct2019Input Clear() =>
        new(Ice(10), IcansConsciousness.Awake, IcansSeizure.None, DeepFocalMotorWeakness: false, IcansRaisedIcp.None);

    private static Dictionary<string, ItemValue> Items(params (string Key, object Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value switch
        {
            bool b => ItemValue.Of(b),
            int i => ItemValue.Of((decimal)i),
            _ => ItemValue.Of((string)v.Value),
        });

    [Fact]
    public void Grade_Ice10AndNothingElse_IsNoIcans()
    {
        var result = IcansAstct2019.Grade(Clear());

        Assert.Equal(0, result.Grade);
        Assert.Equal(10, result.IceScore);
    }

    [Theory]
    [InlineData(9, 1)]
    [InlineData(7, 1)]
    [InlineData(6, 2)]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    [InlineData(0, 3)]
    public void Grade_IceRow_GivesItsColumn(int ice, int grade)
    {
        var result = IcansAstct2019.Grade(Clear() with { Ice = Ice(ice) });

        Assert.Equal(grade, result.Grade);
        Assert.Equal(ice, result.IceScore);
        Assert.Contains($"ICE score ({ice}/10)", result.Explanation, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void IceScore_Total_AddsTheFiveTasks()
    {
        Assert.Equal(7, new IceScore(Orientation: 3, Naming: 2, FollowsCommands: 1, Writing: 0, Attention: 1).Total);
    }

    [Theory]
    [InlineData(IcansConsciousness.AwakensToVoice, 2)]
    [InlineData(IcansConsciousness.AwakensToTouch, 3)]
    public void Grade_ConsciousnessRow_GivesItsColumn(IcansConsciousness consciousness, int grade)
    {
        var result = IcansAstct2019.Grade(Clear() with { Consciousness = consciousness });

        Assert.Equal(grade, result.Grade);
        Assert.Contains("depressed level of consciousness", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_Unarousable_IceZero_IsGrade4()
    {
        var result = IcansAstct2019.Grade(Clear() with { Ice = IceScore.NotPerformable, Consciousness = IcansConsciousness.Unarousable });

        Assert.Equal(4, result.Grade);
        Assert.Equal(4, result.Domains[0].Grade);
        Assert.Contains("0 (unarousable, unable to perform ICE)", result.Domains[0].Finding, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_AwakeWithGlobalAphasia_IceZero_IsGrade3()
    {
        Assert.Equal(3, IcansAstct2019.Grade(Clear() with { Ice = Ice(0) }).Grade);
    }

    [Theory]
    [InlineData(IcansSeizure.ResolvesRapidly, 3)]
    [InlineData(IcansSeizure.ProlongedOrRepetitive, 4)]
    public void Grade_SeizureRow_GivesItsColumn(IcansSeizure seizure, int grade)
    {
        Assert.Equal(grade, IcansAstct2019.Grade(Clear() with { Seizure = seizure }).Grade);
    }

    [Fact]
    public void Grade_DeepFocalMotorWeakness_IsGrade4()
    {
        Assert.Equal(4, IcansAstct2019.Grade(Clear() with { DeepFocalMotorWeakness = true }).Grade);
    }

    [Theory]
    [InlineData(IcansRaisedIcp.FocalEdema, 3)]
    [InlineData(IcansRaisedIcp.DiffuseEdema, 4)]
    [InlineData(IcansRaisedIcp.Posturing, 4)]
    [InlineData(IcansRaisedIcp.CranialNerveVIPalsy, 4)]
    [InlineData(IcansRaisedIcp.Papilledema, 4)]
    [InlineData(IcansRaisedIcp.CushingsTriad, 4)]
    public void Grade_RaisedIcpRow_GivesItsColumn(IcansRaisedIcp icp, int grade)
    {
        Assert.Equal(grade, IcansAstct2019.Grade(Clear() with { RaisedIcp = icp }).Grade);
    }

    [Fact]
    public void Grade_PaperExample_Ice3WithGeneralizedSeizure_IsGrade3()
    {
        var result = IcansAstct2019.Grade(Clear() with { Ice = Ice(3), Seizure = IcansSeizure.ResolvesRapidly });

        Assert.Equal(3, result.Grade);
        Assert.Contains("seizure (clinical seizure resolving rapidly", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Instrument_WorkedExample_FromDocs_IsGrade1()
    {
        // docs/instruments/icans_astct2019.md worked example: ICE 8 (misses the month and the writing), awake.
        var result = IcansAstct2019.Instrument.Score(Items(("ice_orientation", 3), ("ice_naming", 3), ("ice_commands", 1), ("ice_writing", 0),
            ("ice_attention", 1), ("consciousness", "awake"), ("seizure", "none"), ("deep_focal_motor_weakness", false), ("raised_icp", "none")));

        Assert.True(result.IsValid);
        Assert.Equal("Grade 1", result.Grade);
        Assert.Equal(8m, result.Subtotals.Single(s => s.Key == "ice_score").Value);
    }

    [Fact]
    public void Instrument_UnarousableWithoutIce_IsGrade4()
    {
        var result = IcansAstct2019.Instrument.Score(Items(("consciousness", "unarousable"), ("seizure", "none"),
            ("deep_focal_motor_weakness", false), ("raised_icp", "none")));

        Assert.Equal("Grade 4", result.Grade);
        Assert.Equal(0m, result.Subtotals.Single(s => s.Key == "ice_score").Value);
    }

    [Fact]
    public void Instrument_UnarousableWithIcePoints_IsContradiction()
    {
        var result = IcansAstct2019.Instrument.Score(Items(("ice_orientation", 2), ("consciousness", "unarousable"), ("seizure", "none"),
            ("deep_focal_motor_weakness", false), ("raised_icp", "none")));

        Assert.False(result.IsValid);
        Assert.Equal(IssueCodes.Contradiction, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void Instrument_ArousableWithoutIce_ReportsEachMissingTask()
    {
        var result = IcansAstct2019.Instrument.Score(Items(("ice_orientation", 4), ("consciousness", "awake"), ("seizure", "none"),
            ("deep_focal_motor_weakness", false), ("raised_icp", "none")));

        Assert.False(result.IsValid);
        Assert.Equal(["ice_naming", "ice_commands", "ice_writing", "ice_attention"], result.Issues.Select(i => i.Path));
        Assert.All(result.Issues, i => Assert.Equal(IssueCodes.MissingItem, i.Code));
    }

    [Fact]
    public void Instrument_IceOutOfRange_IsINP004()
    {
        var result = IcansAstct2019.Instrument.Score(Items(("ice_orientation", 5), ("ice_naming", 3), ("ice_commands", 1), ("ice_writing", 1),
            ("ice_attention", 1), ("consciousness", "awake"), ("seizure", "none"), ("deep_focal_motor_weakness", false), ("raised_icp", "none")));

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "ice_orientation");
    }

    [Fact]
    public void Instrument_IsRegistered()
    {
        Assert.Same(IcansAstct2019.Instrument, InstrumentCatalog.Find("icans_astct2019"));
    }
}
