// Source: issue #6 infusion checks (lot released and not expired; product type matches; dose within ±10% by default
// of the rule's dose from the weight measured that day; consent current). Doses: Wang 2014 template (1×10^6
// cells/kg, UNCONFIRMED) and seed case 1 (5×10^7 cells).
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class InfusionPrecheckTests
{
    private static readonly DateOnly Day = new(2017, 8, 4);

    private static InfusionPrecheckInput Passing() => new(
        ProtocolTemplates.Wang2014(),
        "msc",
        CellTherapyData.UcMscLot(),
        LotStatus.Released,
        Day,
        BodyMass.FromKilograms(58m),
        Day,
        CellCount.Cells(5.8e7m),
        new ConsentRecord(new DateOnly(2017, 7, 28), "1"));

    private static IReadOnlyList<string> Codes(InfusionPrecheckInput input) => [.. InfusionPrecheck.Run(input).Select(i => i.Code)];

    [Fact]
    public void Run_EverythingInOrder_HasNoIssues()
    {
        Assert.Empty(InfusionPrecheck.Run(Passing()));
    }

    [Theory]
    [InlineData(LotStatus.Quarantine)]
    [InlineData(LotStatus.Rejected)]
    public void Run_LotNotReleased_Fails(LotStatus status)
    {
        Assert.Equal([IssueCodes.LotNotReleased], Codes(Passing() with { LotStatus = status }));
    }

    [Fact]
    public void Run_LotExpiredTheDayBefore_Fails_ExpiringThatDay_Passes()
    {
        Assert.Equal([IssueCodes.LotExpiredOnInfusionDate], Codes(Passing() with { Lot = CellTherapyData.UcMscLot(Day.AddDays(-1)) }));
        Assert.Empty(Codes(Passing() with { Lot = CellTherapyData.UcMscLot(Day) }));
    }

    [Theory]
    [InlineData(CellProductType.BoneMarrowMsc)]
    [InlineData(CellProductType.NkCells)]
    public void Run_ProductTypeNotInProtocol_Fails(CellProductType type)
    {
        var input = Passing() with { Lot = CellTherapyData.UcMscLot() with { ProductType = type } };

        Assert.Equal([IssueCodes.ProductTypeMismatch], Codes(input));
    }

    [Fact]
    public void Run_UnknownComponent_Fails()
    {
        Assert.Equal([IssueCodes.ProductTypeMismatch], Codes(Passing() with { ComponentKey = "nk" }));
    }

    [Fact]
    public void Run_SeedCase2_AcceptsAnyMscForMscAndNkForNk()
    {
        var parameters = new SeedCase2Parameters(new DoseRule.Fixed(CellCount.Cells(5e7m)), new DoseRule.Fixed(CellCount.Cells(1e9m)), ScheduleOffset.Months(1));
        var protocol = ProtocolTemplates.SeedCase2(parameters);
        var msc = Passing() with { Protocol = protocol, Lot = CellTherapyData.UcMscLot() with { ProductType = CellProductType.AdiposeMsc }, DoseGiven = CellCount.Cells(5e7m) };
        var nk = msc with { ComponentKey = "nk", Lot = CellTherapyData.UcMscLot() with { ProductType = CellProductType.NkCells }, DoseGiven = CellCount.Cells(1e9m) };

        Assert.Empty(Codes(msc));
        Assert.Empty(Codes(nk));
        Assert.Equal([IssueCodes.ProductTypeMismatch], Codes(nk with { ComponentKey = "msc", DoseGiven = CellCount.Cells(5e7m) }));
    }

    [Theory]
    [InlineData("52200000", true)] // −10% exactly
    [InlineData("63800000", true)] // +10% exactly
    [InlineData("52000000", false)]
    [InlineData("64000000", false)]
    public void Run_PerKilogramDose_ToleranceIsInclusive(string cells, bool passes)
    {
        var input = Passing() with { DoseGiven = CellCount.Cells(decimal.Parse(cells, System.Globalization.CultureInfo.InvariantCulture)) };

        Assert.Equal(passes ? [] : [IssueCodes.DoseOutsideTolerance], Codes(input));
    }

    [Fact]
    public void Run_FixedDose_IgnoresWeight()
    {
        var input = Passing() with { Protocol = ProtocolTemplates.SeedCase1(), Weight = null, WeighedOn = null, DoseGiven = CellCount.Cells(4.6e7m) };

        Assert.Empty(Codes(input)); // 5×10^7 − 8%
        Assert.Equal([IssueCodes.DoseOutsideTolerance], Codes(input with { DoseGiven = CellCount.Cells(4.4e7m) }));
    }

    [Fact]
    public void Run_ProtocolTolerance_IsConfigurable()
    {
        var protocol = ProtocolTemplates.Wang2014() with { Tolerance = DoseTolerance.Percent(5m) };

        Assert.Equal([IssueCodes.DoseOutsideTolerance], Codes(Passing() with { Protocol = protocol, DoseGiven = CellCount.Cells(5.4e7m) }));
    }

    [Fact]
    public void Run_ComponentTolerance_OverridesTheProtocols_ForThatComponentOnly()
    {
        // Wang 2014: 1×10^6 cells/kg at 58 kg prescribes 5.8×10^7; 5.0×10^7 is 13.8% below.
        var wang = ProtocolTemplates.Wang2014();
        var wider = wang with { Components = [wang.Components[0] with { Tolerance = DoseTolerance.Percent(15m) }] };
        var given = Passing() with { DoseGiven = CellCount.Cells(5.0e7m) };

        Assert.Equal([IssueCodes.DoseOutsideTolerance], Codes(given));
        Assert.Empty(Codes(given with { Protocol = wider }));
        Assert.Equal(DoseTolerance.Percent(15m), wider.ToleranceOf(wider.Components[0]));
        Assert.Equal(DoseTolerance.Default, wang.ToleranceOf(wang.Components[0]));
    }

    [Fact]
    public void Run_PerKilogramWithoutWeight_Fails()
    {
        Assert.Equal([IssueCodes.DoseWeightMissing], Codes(Passing() with { Weight = null, WeighedOn = null }));
    }

    [Fact]
    public void Run_WeightFromAnotherDay_Fails()
    {
        Assert.Equal([IssueCodes.DoseWeightNotFromInfusionDay], Codes(Passing() with { WeighedOn = Day.AddDays(-3) }));
    }

    [Fact]
    public void Run_DoseRuleNotSet_Fails()
    {
        var input = Passing() with { Protocol = ProtocolTemplates.SeedCase2() };

        Assert.Equal([IssueCodes.DoseRuleNotSet], Codes(input));
    }

    [Theory]
    [MemberData(nameof(NotCurrentConsents))]
    public void Run_ConsentNotCurrent_Fails(ConsentRecord? consent)
    {
        Assert.Equal([IssueCodes.ConsentNotCurrent], Codes(Passing() with { Consent = consent }));
    }

    public static TheoryData<ConsentRecord?> NotCurrentConsents => new()
    {
        { null! },
        new ConsentRecord(Day.AddDays(1), "1"),
        new ConsentRecord(Day.AddDays(-10), "1", WithdrawnOn: Day),
        new ConsentRecord(Day.AddDays(-10), "1", ValidUntil: Day.AddDays(-1)),
        new ConsentRecord(Day.AddDays(-10), "0.9"),
    };

    [Fact]
    public void Run_ConsentValidUntilInfusionDay_Passes()
    {
        Assert.Empty(Codes(Passing() with { Consent = new ConsentRecord(Day.AddDays(-10), "1", ValidUntil: Day) }));
    }

    [Fact]
    public void Run_EverythingWrong_ReturnsEveryIssue()
    {
        var input = Passing() with
        {
            LotStatus = LotStatus.Quarantine,
            Lot = CellTherapyData.UcMscLot(Day.AddDays(-1)) with { ProductType = CellProductType.NkCells },
            DoseGiven = CellCount.Cells(1e8m),
            Consent = null,
        };

        Assert.Equal(
            [IssueCodes.LotNotReleased, IssueCodes.LotExpiredOnInfusionDate, IssueCodes.ProductTypeMismatch, IssueCodes.DoseOutsideTolerance, IssueCodes.ConsentNotCurrent],
            Codes(input));
    }

    [Fact]
    public void InfusionRecord_Validate_ConsistentTimes_Pass_InconsistentFail()
    {
        var start = new DateTimeOffset(2017, 8, 4, 9, 0, 0, TimeSpan.Zero);
        var record = new InfusionRecord("administration_1", "G123498654321H", "msc", start, start.AddMinutes(40), CellCount.Cells(5e7m), BodyMass.FromKilograms(58m),
            [new VitalSigns(start.AddMinutes(-15), 118m, 76m, 72m, 36.6m, 16m, 98m)],
            [new VitalSigns(start.AddMinutes(70), 120m, 78m, 80m, 36.8m, 16m, 98m)],
            [new Premedication("promethazine", "25 mg IM", start.AddMinutes(-30))],
            [new InfusionReaction("Infusion related reaction", CtcaeGrade.Mild, start.AddMinutes(20))]);

        Assert.Empty(record.Validate());

        var bad = record with { Stop = start.AddMinutes(-1), PreVitals = [new VitalSigns(start.AddMinutes(5))], Premedications = [new Premedication("x", "1 mg", start.AddMinutes(1))] };
        Assert.Equal([("stop", Severity.Error), ("pre_vitals", Severity.Error), ("premedication", Severity.Warning)],
            bad.Validate().Select(i => (i.Path, i.Severity)));
        Assert.All(bad.Validate(), i => Assert.Equal(IssueCodes.InfusionTimesInconsistent, i.Code));

        var latePost = record with { PostVitals = [new VitalSigns(start.AddMinutes(30))] };
        Assert.Equal("post_vitals", Assert.Single(latePost.Validate()).Path);
    }
}
