// Source: conversion factors from the AMA Manual of Style / JAMA SI conversion table (creatinine 88.4, bilirubin 17.1,
// calcium 0.2495 and mEq × 0.5, C3/C4 mg/dL × 0.01 = g/L), a published SI table (urea 0.1665, urea nitrogen 0.357,
// uric acid 59.48, phosphorus 0.3229) and the Elephant Formulary table (magnesium 0.4114); see AnalyteCatalog.
using CsCheck;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Tests.Labs;

public class ConversionTests
{
    private static Quantity Q(decimal value, string unit) => new(value, Units.Find(unit)!);

    private static decimal To(string analyte, decimal value, string from, string to) =>
        AnalyteCatalog.Get(analyte).Convert(Q(value, from), Units.Find(to)!)!.Value.Value;

    [Theory]
    [InlineData("creatinine", 1, "mg/dL", "umol/L", 88.4)]
    [InlineData("urine_creatinine_spot", 1, "mg/dL", "umol/L", 88.4)]
    [InlineData("bilirubin_total", 1, "mg/dL", "umol/L", 17.1)]
    [InlineData("bilirubin_direct", 1, "mg/dL", "umol/L", 17.1)]
    [InlineData("uric_acid", 1, "mg/dL", "umol/L", 59.48)]
    [InlineData("urea", 1, "mg/dL", "mmol/L", 0.1665)]
    [InlineData("calcium", 1, "mg/dL", "mmol/L", 0.2495)]
    [InlineData("calcium", 1, "mEq/L", "mmol/L", 0.5)]
    [InlineData("phosphate", 1, "mg/dL", "mmol/L", 0.3229)]
    [InlineData("magnesium", 1, "mg/dL", "mmol/L", 0.4114)]
    [InlineData("sodium", 1, "mEq/L", "mmol/L", 1)]
    [InlineData("potassium", 1, "mEq/L", "mmol/L", 1)]
    [InlineData("chloride", 1, "mEq/L", "mmol/L", 1)]
    [InlineData("bicarbonate", 1, "mEq/L", "mmol/L", 1)]
    [InlineData("c3", 100, "mg/dL", "g/L", 1)]
    [InlineData("c4", 18, "mg/dL", "g/L", 0.18)]
    [InlineData("hemoglobin", 15.6, "g/dL", "g/L", 156)]
    [InlineData("igg", 620, "mg/dL", "g/L", 6.2)]
    [InlineData("fibrinogen", 480, "mg/dL", "g/L", 4.8)]
    [InlineData("wbc", 8600, "/uL", "10*9/L", 8.6)]
    [InlineData("platelets", 82, "10*3/uL", "10*9/L", 82)]
    [InlineData("rbc", 4.5, "10*6/uL", "10*12/L", 4.5)]
    [InlineData("cd4_abs", 0.5, "10*9/L", "/uL", 500)]
    [InlineData("alt", 1, "ukat/L", "U/L", 60)]
    [InlineData("urine_protein_24h", 2400, "mg/(24.h)", "g/(24.h)", 2.4)]
    [InlineData("urine_volume_24h", 1.5, "L", "mL", 1500)]
    [InlineData("hematocrit", 0.42, "L/L", "%", 42)]
    [InlineData("upcr", 500, "mg/g", "g/g", 0.5)]
    public void Convert_CitedFactor_GivesPublishedValueBothWays(string analyte, double value, string from, string to, double expected)
    {
        var forward = To(analyte, (decimal)value, from, to);
        var back = To(analyte, (decimal)expected, to, from);

        Assert.Equal((decimal)expected, forward);
        Assert.Equal((decimal)value, decimal.Round(back, 20));
    }

    [Fact]
    public void Convert_UpcrGramPerGram_UsesTheCreatinineFactor()
    {
        // 1 mg/dL creatinine = 88.4 µmol/L, so 1 mg creatinine = 8.84 µmol: 1 g/g = 1000/8.84 mg/mmol ≈ 113.12 (C4H7N3O 113.12 g/mol).
        var mgPerMmol = To("upcr", 0.5m, "g/g", "mg/mmol");

        Assert.Equal(56.56m, decimal.Round(mgPerMmol, 2));
        Assert.Equal(113.12m, decimal.Round(To("upcr", 1m, "g/g", "mg/mmol"), 2));
    }

    [Fact]
    public void Convert_EveryAcceptedUnit_RoundTripsThroughCanonical()
    {
        foreach (var analyte in AnalyteCatalog.All.Where(a => a.IsQuantitative))
        {
            foreach (var unit in analyte.ReportedUnits)
            {
                if (unit.Dimension == Dimension.ArbitraryConcentration && unit.BaseKey != analyte.CanonicalUnit!.BaseKey)
                {
                    // Assay-specific units (U/mL beside IU/mL) have no conversion at all.
                    Assert.Null(analyte.Normalise(new Quantity(1m, unit)));
                    continue;
                }

                Gen.Int[0, 10_000_000].Sample(i =>
                {
                    var value = i / 1000m;
                    var canonical = analyte.Normalise(new Quantity(value, unit));
                    Assert.True(canonical is not null, $"{analyte.Key}: {unit.Code} to canonical");
                    var back = analyte.Convert(canonical.Value, unit);
                    Assert.True(back is not null, $"{analyte.Key}: canonical to {unit.Code}");
                    Assert.Equal(value, decimal.Round(back.Value.Value, 15));
                }, iter: 200);
            }
        }
    }

    [Fact]
    public void ConvertTo_AcrossDimensions_Throws()
    {
        Assert.Throws<ArgumentException>(() => Q(1m, "mg/dL").ConvertTo(Units.MicromolePerLitre));
        Assert.Throws<ArgumentException>(() => Q(1m, "[IU]/mL").ConvertTo(Units.ArbitraryUnitPerMillilitre));
        Assert.Throws<ArgumentException>(() => Q(10m, "/uL").ConvertTo(Units.PerHighPowerField));
    }

    [Fact]
    public void Convert_WithoutCitedFactor_IsNull()
    {
        // Albumin has no molar factor in the catalog: g/L → µmol/L is never guessed.
        Assert.Null(AnalyteCatalog.Get("albumin").Convert(Q(40m, "g/L"), Units.MicromolePerLitre));
        Assert.Null(AnalyteCatalog.Get("anti_dsdna").Convert(Q(40m, "[IU]/mL"), Units.ArbitraryUnitPerMillilitre));
    }

    [Theory]
    [InlineData("creatinine", "1.1", "U/L")]
    [InlineData("bun", "5", "mmol/L")]
    [InlineData("urine_rbc_hpf", "25", "/uL")]
    [InlineData("hemoglobin", "9", "mmol/L")]
    [InlineData("platelets", "82", "g/L")]
    public void Interpret_UnitOfAnotherDimension_IsRefusedWithLab003(string analyte, string value, string unit)
    {
        var result = LabInterpreter.Interpret(new LabObservation(analyte, value, unit), ReferenceRangeSet.Default);

        Assert.Null(result.Result);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.UnitNotForAnalyte && i.Path == "unit");
    }

    [Fact]
    public void Interpret_UnknownAnalyteOrUnit_IsAClearIssue()
    {
        var analyte = LabInterpreter.Interpret(new LabObservation("creatinin", "97", "umol/L"), ReferenceRangeSet.Default);
        var unit = LabInterpreter.Interpret(new LabObservation("creatinine", "97", "umol/dL"), ReferenceRangeSet.Default);
        var missingUnit = LabInterpreter.Interpret(new LabObservation("creatinine", "97", null), ReferenceRangeSet.Default);

        Assert.Equal(IssueCodes.UnknownAnalyte, Assert.Single(analyte.Issues).Code);
        Assert.Equal(IssueCodes.UnknownUnit, Assert.Single(unit.Issues).Code);
        Assert.Equal(IssueCodes.MissingItem, Assert.Single(missingUnit.Issues).Code);
    }

    [Fact]
    public void Units_CaseSensitiveSpellings_AreNotAliased()
    {
        // "G/L" (giga per litre, 10^9/L) must never be read as g/L: it is refused as unknown.
        Assert.Equal(Units.GramPerLitre, Units.Find("g/L"));
        Assert.Equal(Units.GramPerLitre, Units.Find("g/l"));
        Assert.Null(Units.Find("G/L"));
        Assert.Null(Units.Find("IU/L"));
    }

    [Fact]
    public void Interpret_CreatinineInMilligramsPerLitre_IsConvertedAsTenthOfMgPerDecilitre()
    {
        // Issue #23: mg/L is the same dimension as mg/dL (1 mg/dL = 10 mg/L), so 11 mg/L = 1.1 mg/dL = 97.24 µmol/L.
        var result = LabInterpreter.Interpret(new LabObservation("creatinine", "11", "mg/L"), ReferenceRangeSet.Default);

        Assert.DoesNotContain(result.Issues, i => i.IsError);
        Assert.Equal(97.24m, result.Result!.Normalised!.Value.Value);
        Assert.Equal("umol/L", result.Result.Normalised.Value.Unit.Code);
    }
}
