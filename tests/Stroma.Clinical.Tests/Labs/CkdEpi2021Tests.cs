// Source: CKD-EPI 2021 creatinine equation, Inker LA et al. N Engl J Med 2021;385:1737-49 (formula as in
// docs/sources/README.md). Expected values computed by hand from the formula (shown per case) and
// cross-checked with an independent double-precision evaluation; Stroma rounds to 0.1 mL/min/1.73 m².
using CsCheck;
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Tests.Labs;

public class CkdEpi2021Tests
{
    [Theory]
    // Female 40, Scr 0.7 mg/dL: Scr/κ = 1, so 142 × 0.9938^40 × 1.012 = 142 × 0.779753 × 1.012 = 112.05.
    [InlineData(0.7, "mg/dL", 40, Sex.Female, 112.1)]
    // Female 40, Scr 1.1 mg/dL: 142 × (1.1/0.7)^-1.2 × 0.9938^40 × 1.012 = 142 × 0.581360 × 0.779753 × 1.012 = 65.14.
    [InlineData(1.1, "mg/dL", 40, Sex.Female, 65.1)]
    // Same creatinine in µmol/L (1.1 × 88.4 = 97.24): the same eGFR.
    [InlineData(97.24, "umol/L", 40, Sex.Female, 65.1)]
    // Male 60, Scr 1.0 mg/dL: 142 × (1.0/0.9)^-1.2 × 0.9938^60 = 142 × 0.881234 × 0.688539 = 86.16.
    [InlineData(1.0, "mg/dL", 60, Sex.Male, 86.2)]
    // Male 50, Scr 0.8 mg/dL (below κ): 142 × (0.8/0.9)^-0.302 × 0.9938^50 = 142 × 1.036211 × 0.732758 = 107.82.
    [InlineData(0.8, "mg/dL", 50, Sex.Male, 107.8)]
    // Female 30, Scr 0.5 mg/dL: 142 × (0.5/0.7)^-0.241 × 0.9938^30 × 1.012 = 142 × 1.084467 × 0.829559 × 1.012 = 129.32.
    [InlineData(0.5, "mg/dL", 30, Sex.Female, 129.3)]
    // Male 70, Scr 2.0 mg/dL: 142 × (2.0/0.9)^-1.2 × 0.9938^70 = 35.24.
    [InlineData(2.0, "mg/dL", 70, Sex.Male, 35.2)]
    public void CkdEpi2021_HandComputedCases_Match(double creatinine, string unit, int age, Sex sex, double expected)
    {
        var (value, why) = DerivedValues.CkdEpi2021(new Quantity((decimal)creatinine, Units.Find(unit)!), age, sex, "5");

        Assert.Null(why);
        Assert.Equal((decimal)expected, value!.Value.Value);
        Assert.Equal(Units.GfrUnit, value.Value.Unit);
        Assert.Equal(DerivedValues.CkdEpi2021Version, value.FormulaVersion);
        Assert.Equal(["creatinine", "age", "sex"], value.Inputs.Select(i => i.Name));
        Assert.Equal("5", value.Inputs[0].SourceId);
        Assert.Equal((decimal)expected, DerivedValues.CkdEpi2021Value(new Quantity((decimal)creatinine, Units.Find(unit)!), age, sex));
    }

    [Fact]
    public void CkdEpi2021Value_EqualsTheFullDerivation_WhereverItIsComputed()
    {
        Gen.Select(Gen.Int[1, 2000], Gen.Int[10, 100], Gen.Int[0, 2]).Sample((umol, age, s) =>
        {
            Sex? sex = s switch { 0 => Sex.Female, 1 => Sex.Male, _ => null };
            var creatinine = new Quantity(umol / 2m, Units.MicromolePerLitre);
            Assert.Equal(DerivedValues.CkdEpi2021(creatinine, age, sex).Value?.Value.Value, DerivedValues.CkdEpi2021Value(creatinine, age, sex));
        });
        Assert.Null(DerivedValues.CkdEpi2021Value(new Quantity(0m, Units.MicromolePerLitre), 40, Sex.Female));
        Assert.Null(DerivedValues.CkdEpi2021Value(new Quantity(60m, Units.MicromolePerLitre), null, Sex.Female));
    }

    [Fact]
    public void CkdEpi2021_UnderEighteenOrUnknownSex_IsNotComputed()
    {
        var creatinine = new Quantity(0.7m, Units.MilligramPerDecilitre);

        Assert.Null(DerivedValues.CkdEpi2021(creatinine, 17, Sex.Female).Value);
        Assert.Null(DerivedValues.CkdEpi2021(creatinine, 40, null).Value);
        Assert.Null(DerivedValues.CkdEpi2021(creatinine, 40, Sex.Unknown).Value);
        Assert.Null(DerivedValues.CkdEpi2021Value(creatinine, 40, Sex.Unknown));
        Assert.Null(DerivedValues.CkdEpi2021(creatinine, null, Sex.Male).Value);
        Assert.NotNull(DerivedValues.CkdEpi2021(creatinine, 18, Sex.Female).Value);
    }

    [Fact]
    public void CkdEpi2021_HigherCreatinine_NeverRaisesEgfr()
    {
        Gen.Int[30, 1500].Sample(hundredths =>
        {
            var lower = DerivedValues.CkdEpi2021(new Quantity(hundredths / 100m, Units.MilligramPerDecilitre), 45, Sex.Male).Value!.Value.Value;
            var higher = DerivedValues.CkdEpi2021(new Quantity((hundredths + 1) / 100m, Units.MilligramPerDecilitre), 45, Sex.Male).Value!.Value.Value;
            Assert.True(higher <= lower);
        });
    }
}
