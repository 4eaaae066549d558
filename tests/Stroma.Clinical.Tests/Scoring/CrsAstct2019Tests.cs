// Source: Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus grading for cytokine release syndrome and neurologic
// toxicity associated with immune effector cells. Biol Blood Marrow Transplant 2019;25(4):625-638, CRS table and its
// footnotes (fever ≥ 38 °C not attributable to another cause; not required after antipyretic or anticytokine therapy;
// grade by the more severe of hypotension and hypoxia; low flow ≤ 6 L/min; vasopressin not counted as "multiple").
// Example from the paper: 39.5 °C, one vasopressor, low-flow nasal cannula → grade 3.
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class CrsAstct2019Tests
{
    private static CrsAstct2019Input Febrile(CrsHypotension hypotension = CrsHypotension.None, CrsOxygen oxygen = CrsOxygen.None) =>
        new(38.5m, FeverAttributableToOtherCause: false, FeverMaskedByTreatment: false, hypotension, oxygen);

    private static Dictionary<string, ItemValue> Items(params (string Key, object Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value switch
        {
            bool b => ItemValue.Of(b),
            decimal d => ItemValue.Of(d),
            int i => ItemValue.Of((decimal)i),
            _ => ItemValue.Of((string)v.Value),
        });

    [Fact]
    public void Grade_FeverAlone_IsGrade1()
    {
        var result = CrsAstct2019.Grade(Febrile());

        Assert.Equal(1, result.Grade);
        Assert.StartsWith("Grade 1: fever 38.5 °C ≥ 38 °C without hypotension or hypoxia", result.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CrsHypotension.WithoutVasopressors, 2)]
    [InlineData(CrsHypotension.OneVasopressor, 3)]
    [InlineData(CrsHypotension.MultipleVasopressors, 4)]
    public void Grade_HypotensionRow_GivesItsColumn(CrsHypotension hypotension, int grade)
    {
        var result = CrsAstct2019.Grade(Febrile(hypotension: hypotension));

        Assert.Equal(grade, result.Grade);
        Assert.Equal(grade, result.HypotensionGrade);
        Assert.Contains("(hypotension)", result.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CrsOxygen.BlowBy, 2)]
    [InlineData(CrsOxygen.LowFlowNasalCannula, 2)]
    [InlineData(CrsOxygen.HighFlowNasalCannula, 3)]
    [InlineData(CrsOxygen.Facemask, 3)]
    [InlineData(CrsOxygen.NonrebreatherMask, 3)]
    [InlineData(CrsOxygen.VenturiMask, 3)]
    [InlineData(CrsOxygen.Cpap, 4)]
    [InlineData(CrsOxygen.Bipap, 4)]
    [InlineData(CrsOxygen.MechanicalVentilation, 4)]
    public void Grade_HypoxiaRow_GivesItsColumn(CrsOxygen oxygen, int grade)
    {
        var result = CrsAstct2019.Grade(Febrile(oxygen: oxygen));

        Assert.Equal(grade, result.Grade);
        Assert.Equal(grade, result.HypoxiaGrade);
        Assert.Contains("(hypoxia)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_PaperExample_OneVasopressorAndLowFlow_IsGrade3NotAdded()
    {
        var result = CrsAstct2019.Grade(new CrsAstct2019Input(39.5m, false, false, CrsHypotension.OneVasopressor, CrsOxygen.LowFlowNasalCannula));

        Assert.Equal(3, result.Grade);
        Assert.Contains("the more severe decides (hypotension)", result.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CrsHypotension.WithoutVasopressors, CrsOxygen.BlowBy, 2)]
    [InlineData(CrsHypotension.OneVasopressor, CrsOxygen.Facemask, 3)]
    [InlineData(CrsHypotension.WithoutVasopressors, CrsOxygen.Bipap, 4)]
    [InlineData(CrsHypotension.MultipleVasopressors, CrsOxygen.LowFlowNasalCannula, 4)]
    public void Grade_BothRows_TheWorseDecides(CrsHypotension hypotension, CrsOxygen oxygen, int grade)
    {
        Assert.Equal(grade, CrsAstct2019.Grade(Febrile(hypotension, oxygen)).Grade);
    }

    [Theory]
    [InlineData("38", 1)]
    [InlineData("37.9", 0)]
    public void Grade_FeverThreshold_Is38Inclusive(string temperature, int grade)
    {
        var input = Febrile() with { MaxTemperatureCelsius = decimal.Parse(temperature, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Equal(grade, CrsAstct2019.Grade(input).Grade);
    }

    [Fact]
    public void Grade_HypotensionWithoutFever_IsNoCrsWithWarning()
    {
        var result = CrsAstct2019.Grade(Febrile(CrsHypotension.OneVasopressor) with { MaxTemperatureCelsius = 37.2m });

        Assert.Equal(0, result.Grade);
        Assert.Equal(IssueCodes.CrsWithoutFever, Assert.Single(result.Issues).Code);
        Assert.StartsWith("No CRS: no fever (37.2 °C < 38 °C), and fever is required", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_FeverAttributedToInfection_IsNotCrsFever()
    {
        var result = CrsAstct2019.Grade(Febrile() with { MaxTemperatureCelsius = 39m, FeverAttributableToOtherCause = true });

        Assert.Equal(0, result.Grade);
        Assert.False(result.Fever);
        Assert.Contains("attributed to another cause", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_AfterTocilizumab_FeverNotRequired_HypoxiaDecides()
    {
        var result = CrsAstct2019.Grade(new CrsAstct2019Input(36.8m, false, FeverMaskedByTreatment: true, CrsHypotension.None, CrsOxygen.HighFlowNasalCannula));

        Assert.Equal(3, result.Grade);
        Assert.Empty(result.Issues);
        Assert.Contains("fever not required after antipyretic or anticytokine therapy", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_AfterTocilizumab_NothingLeft_IsNoGrade()
    {
        var result = CrsAstct2019.Grade(new CrsAstct2019Input(36.8m, false, true, CrsHypotension.None, CrsOxygen.None));

        Assert.Equal(0, result.Grade);
    }

    [Fact]
    public void Grade_VasopressinAlone_IsNotGradedCar001()
    {
        var result = CrsAstct2019.Grade(Febrile(CrsHypotension.VasopressinOnly));

        Assert.Null(result.Grade);
        Assert.Equal(IssueCodes.CrsVasopressinAlone, Assert.Single(result.Issues).Code);
    }

    [Theory]
    [InlineData(CrsOxygen.LowFlowNasalCannula, "6", 2, false)]
    [InlineData(CrsOxygen.LowFlowNasalCannula, "6.5", null, true)]
    [InlineData(CrsOxygen.HighFlowNasalCannula, "6", null, true)]
    [InlineData(CrsOxygen.HighFlowNasalCannula, "7", 3, false)]
    [InlineData(CrsOxygen.Facemask, "5", 3, false)]
    [InlineData(CrsOxygen.None, "2", null, true)]
    public void Grade_OxygenFlow_SixLitresIsLowFlow(CrsOxygen oxygen, string flow, int? grade, bool contradiction)
    {
        var result = CrsAstct2019.Grade(Febrile(oxygen: oxygen) with { OxygenFlowLitresPerMinute = decimal.Parse(flow, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(grade, result.Grade);
        Assert.Equal(contradiction, result.Issues.Any(i => i.Code == IssueCodes.Contradiction));
    }

    [Fact]
    public void Instrument_WorkedExample_FromDocs_IsGrade2()
    {
        // docs/instruments/crs_astct2019.md worked example: 38.9 °C, fluids only, 2 L/min nasal cannula.
        var result = CrsAstct2019.Instrument.Score(Items(("max_temperature_c", 38.9m), ("hypotension", "without_vasopressors"),
            ("oxygen", "low_flow_nasal_cannula"), ("oxygen_flow_l_per_min", 2m)));

        Assert.True(result.IsValid);
        Assert.Equal("Grade 2", result.Grade);
        Assert.Null(result.Total);
        Assert.Equal(2m, result.Subtotals.Single(s => s.Key == "grade").Value);
    }

    [Fact]
    public void Instrument_MissingRequiredItems_GathersEveryIssue()
    {
        var result = CrsAstct2019.Instrument.Score(Items(("oxygen", "helmet"), ("max_temperature_c", 50m)));

        Assert.False(result.IsValid);
        Assert.Equal([IssueCodes.OutOfRange, IssueCodes.MissingItem, IssueCodes.NotAChoice], result.Issues.Select(i => i.Code));
    }

    [Fact]
    public void Instrument_IsRegistered()
    {
        Assert.Same(CrsAstct2019.Instrument, InstrumentCatalog.Find("crs_astct2019"));
    }
}
