// Source: issue #6 (cells vs cells/kg must not mix); dose arithmetic is cells/kg × kg = cells, worked by hand below.
using CsCheck;
using Stroma.Clinical.CellTherapy;

namespace Stroma.Clinical.Tests.CellTherapy;

public class CellQuantitiesTests
{
    [Fact]
    public void DoseTimesMass_PerKilogramDose_GivesCells()
    {
        // 1×10^6 cells/kg × 58 kg = 5.8×10^7 cells.
        var cells = CellDosePerKilogram.CellsPerKilogram(1e6m) * BodyMass.FromKilograms(58m);

        Assert.Equal(58_000_000m, cells.Value);
        Assert.Equal("5.8×10^7 cells", cells.ToString());
    }

    [Fact]
    public void MassTimesDose_IsCommutative()
    {
        var dose = CellDosePerKilogram.CellsPerKilogram(1e6m);
        var mass = BodyMass.FromKilograms(62.5m);

        Assert.Equal(dose * mass, mass * dose);
        Assert.Equal(62_500_000m, dose.For(mass).Value);
    }

    [Fact]
    public void CountDividedByMass_GivesDosePerKilogram()
    {
        // 5×10^7 cells for a 50 kg patient = 1×10^6 cells/kg.
        var perKg = CellCount.Cells(5e7m) / BodyMass.FromKilograms(50m);

        Assert.Equal(1_000_000m, perKg.CellsPerKg);
    }

    [Fact]
    public void Concentration_InVolume_GivesCells()
    {
        Assert.Equal(CellCount.Cells(1e8m), CellConcentration.CellsPerMillilitre(1e6m).In(100m));
    }

    [Fact]
    public void Counts_Add()
    {
        Assert.Equal(CellCount.Cells(7e7m), CellCount.Cells(5e7m) + CellCount.Cells(2e7m));
        Assert.True(CellCount.Cells(5e7m) > CellCount.Cells(4e7m));
    }

    [Theory]
    [InlineData(-1)]
    public void Cells_Negative_Throws(int value)
    {
        Assert.Throws<ArgumentException>(() => CellCount.Cells(value));
        Assert.Throws<ArgumentException>(() => CellDosePerKilogram.CellsPerKilogram(value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(1001)]
    public void Kilograms_OutsidePlausibleRange_Throws(int value)
    {
        Assert.Throws<ArgumentException>(() => BodyMass.FromKilograms(value));
    }

    [Fact]
    public void Multiply_Overflow_ThrowsInsteadOfWrapping()
    {
        Assert.Throws<OverflowException>(() => CellDosePerKilogram.CellsPerKilogram(decimal.MaxValue / 10m) * BodyMass.FromKilograms(1000m));
    }

    [Fact]
    public void Types_OfferNoMeaninglessOperators()
    {
        // cells + cells/kg, cells × kg and cells/kg + cells/kg have no meaning: no such operators exist.
        static bool HasOperator(Type t, string name, Type other) => t.GetMethods().Any(m =>
            m.Name == name && m.GetParameters().Any(p => p.ParameterType == other));

        Assert.False(HasOperator(typeof(CellCount), "op_Addition", typeof(CellDosePerKilogram)));
        Assert.False(HasOperator(typeof(CellCount), "op_Multiply", typeof(BodyMass)));
        Assert.False(HasOperator(typeof(CellDosePerKilogram), "op_Addition", typeof(CellDosePerKilogram)));
        Assert.False(HasOperator(typeof(BodyMass), "op_Addition", typeof(BodyMass)));
    }

    [Theory]
    [InlineData("50000000", "5×10^7")]
    [InlineData("1000000", "1×10^6")]
    [InlineData("58000000", "5.8×10^7")]
    [InlineData("999999999", "1×10^9")]
    [InlineData("250", "250")]
    public void Scientific_FormatsAsProtocolsWriteIt(string value, string expected)
    {
        Assert.Equal(expected, CellNumberFormat.Scientific(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void DoseRoundTrip_CellsPerKgTimesMassDividedByMass_IsIdentity()
    {
        Gen.Select(Gen.Int[1, 100_000], Gen.Int[1, 3000]).Sample((perKgThousands, decikg) =>
        {
            var dose = CellDosePerKilogram.CellsPerKilogram(perKgThousands * 1000m);
            var mass = BodyMass.FromKilograms(decikg / 10m);
            return (dose * mass) / mass == dose;
        });
    }
}
