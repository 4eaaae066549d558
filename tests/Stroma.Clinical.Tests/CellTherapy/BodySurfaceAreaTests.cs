// Source: the published formulas — Mosteller RD. N Engl J Med 1987;317(17):1098: BSA = √(height cm × weight kg / 3600),
// equivalently √(height in × weight lb / 3131); Du Bois D, Du Bois EF. Arch Intern Med 1916;17:863-71:
// BSA = 0.007184 × weight^0.425 × height^0.725. Expected values are these formulas evaluated to 4 decimals (as in BSA
// reference tables): 170 cm/70 kg → 1.8181 and 1.8097; 160/50 → 1.4907 and 1.5011; 180/100 → 2.2361 and 2.1950.
using System.Globalization;
using Stroma.Clinical.CellTherapy;

namespace Stroma.Clinical.Tests.CellTherapy;

public class BodySurfaceAreaTests
{
    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(170, 70, "1.8181", "1.8097")]
    [InlineData(160, 50, "1.4907", "1.5011")]
    [InlineData(180, 100, "2.2361", "2.1950")]
    public void Calculate_ReferenceValues_MatchBothFormulas(int heightCm, int weightKg, string mosteller, string duBois)
    {
        var height = BodyHeight.FromCentimetres(heightCm);
        var weight = BodyMass.FromKilograms(weightKg);

        Assert.Equal(D(mosteller), BodySurfaceArea.Calculate(height, weight, BsaFormula.Mosteller).SquareMetres);
        Assert.Equal(D(duBois), BodySurfaceArea.Calculate(height, weight, BsaFormula.DuBois).SquareMetres);
    }

    [Fact]
    public void Calculate_Mosteller_AgreesWithItsInchPoundForm()
    {
        // 70 in × 154 lb / 3131 in the paper's second form; 177.8 cm and 69.853 kg are the same patient.
        var imperial = Math.Sqrt(70d * 154d / 3131d);

        var metric = BodySurfaceArea.Calculate(BodyHeight.FromCentimetres(177.8m), BodyMass.FromKilograms(69.853m), BsaFormula.Mosteller);

        Assert.Equal((decimal)Math.Round(imperial, 2), decimal.Round(metric.SquareMetres, 2));
    }

    [Fact]
    public void Calculate_RecordsTheFormula()
    {
        var bsa = BodySurfaceArea.Calculate(BodyHeight.FromCentimetres(170m), BodyMass.FromKilograms(70m), BsaFormula.DuBois);

        Assert.Equal(BsaFormula.DuBois, bsa.Formula);
        Assert.Equal("1.8097 m² (Du Bois 1916)", bsa.ToString());
        Assert.Equal("du_bois", BodySurfaceArea.Key(bsa.Formula));
        Assert.Equal(BsaFormula.DuBois, BodySurfaceArea.FromKey("du_bois"));
        Assert.Null(BodySurfaceArea.FromKey("haycock"));
    }

    [Fact]
    public void DosePerSquareMetre_TimesBsa_GivesMilligrams()
    {
        var bsa = BodySurfaceArea.Calculate(BodyHeight.FromCentimetres(160m), BodyMass.FromKilograms(50m), BsaFormula.Mosteller);

        var dose = DrugDosePerSquareMetre.MilligramsPerM2(25m) * bsa;

        Assert.Equal(37.27m, dose.Milligrams); // 25 × 1.4907 = 37.2675 → 37.27 mg
    }

    [Theory]
    [InlineData("1.7")]
    [InlineData("1700")]
    public void FromCentimetres_MetresOrMillimetres_Throw(string text)
    {
        Assert.Throws<ArgumentException>(() => BodyHeight.FromCentimetres(D(text)));
    }
}
