// Source: Rejeski K et al. Blood 2023;142(10):865-877 (EHA/EBMT ICAHT consensus, abstract): early ICAHT is day 0 to +30,
// late after day +30. The grade table was not read, so the grade is the clinician's (docs/instruments/icaht_clinician.md).
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class IcahtClinicianTests
{
    private static Dictionary<string, ItemValue> Items(params (string Key, object Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value is int i ? ItemValue.Of((decimal)i) : ItemValue.Of((string)v.Value));

    [Fact]
    public void Instrument_WorkedExample_FromDocs_RecordsTheClinicianGrade()
    {
        var result = IcahtClinician.Instrument.Score(Items(("phase", "early"), ("grade", 2), ("day_after_infusion", 28),
            ("basis", "ANC below 500/µL from day 5 to day 12, recovered since")));

        Assert.True(result.IsValid);
        Assert.Equal("Early ICAHT grade 2", result.Grade);
        Assert.Contains("as graded by the clinician", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Instrument_GradeZero_IsNoIcaht()
    {
        Assert.Equal("No late ICAHT", IcahtClinician.Instrument.Score(Items(("phase", "late"), ("grade", 0))).Grade);
    }

    [Theory]
    [InlineData("early", 30, true)]
    [InlineData("early", 31, false)]
    [InlineData("late", 31, true)]
    [InlineData("late", 30, false)]
    public void Instrument_DayOutsideThePhase_IsContradiction(string phase, int day, bool valid)
    {
        var result = IcahtClinician.Instrument.Score(Items(("phase", phase), ("grade", 1), ("day_after_infusion", day)));

        Assert.Equal(valid, result.IsValid);
        Assert.Equal(valid, !result.Issues.Any(i => i.Code == IssueCodes.Contradiction));
    }

    [Fact]
    public void Instrument_GradeAboveFour_IsINP004()
    {
        var result = IcahtClinician.Instrument.Score(Items(("phase", "early"), ("grade", 5)));

        Assert.Equal(IssueCodes.OutOfRange, Assert.Single(result.Issues).Code);
    }

    [Fact]
    public void NeutrophilCourse_DaysAndNadirPerPhase()
    {
        var day0 = new DateOnly(2025, 3, 10);
        var course = NeutrophilCourse.From(day0, [(day0.AddDays(7), 300m), (day0.AddDays(-5), 3200m), (day0.AddDays(3), 300m), (day0.AddDays(45), 900m), (day0.AddDays(60), 1400m)]);

        Assert.Equal([-5, 3, 7, 45, 60], course.Counts.Select(c => c.Day));
        Assert.Equal(3, course.Nadir(IcahtPhase.Early)!.Day);
        Assert.Equal(900m, course.Nadir(IcahtPhase.Late)!.CellsPerMicrolitre);
    }

    [Fact]
    public void Instrument_IsRegistered()
    {
        Assert.Same(IcahtClinician.Instrument, InstrumentCatalog.Find("icaht_clinician"));
    }
}
