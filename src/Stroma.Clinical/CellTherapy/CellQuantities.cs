using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// A number of cells (UCUM <c>{cells}</c>), e.g. the cells in a lot or the dose given at one infusion. Never negative.
/// Cells and cells per kilogram are different types so that a per-kilogram dose can never be given as a total:
/// the only way from one to the other is <see cref="CellDosePerKilogram"/> × <see cref="BodyMass"/>.
/// </summary>
public readonly record struct CellCount : IComparable<CellCount>
{
    /// <summary>The UCUM code of the unit.</summary>
    public const string Ucum = "{cells}";

    private CellCount(decimal value) => Value = value;

    /// <summary>The number of cells (0 or more; may be fractional only as the result of a computed dose).</summary>
    public decimal Value { get; }

    /// <summary>A count of cells, e.g. <c>CellCount.Cells(5e7m)</c>. Throws on a negative count (a programmer error:
    /// validate entered values first).</summary>
    public static CellCount Cells(decimal cells)
    {
        Preconditions.Requires(cells >= 0m, $"A cell count cannot be negative ({cells}).");
        return new CellCount(cells);
    }

    /// <summary>Total cells of two bags or lots. Adding counts is meaningful; adding a count to a dose per kg is not.</summary>
    public static CellCount operator +(CellCount left, CellCount right) => new(left.Value + right.Value);

    /// <summary>The per-kilogram dose this count amounts to for a patient of <paramref name="mass"/>.</summary>
    public static CellDosePerKilogram operator /(CellCount count, BodyMass mass) => CellDosePerKilogram.CellsPerKilogram(count.Value / mass.Kilograms);

    public static bool operator <(CellCount left, CellCount right) => left.Value < right.Value;

    public static bool operator >(CellCount left, CellCount right) => left.Value > right.Value;

    public static bool operator <=(CellCount left, CellCount right) => left.Value <= right.Value;

    public static bool operator >=(CellCount left, CellCount right) => left.Value >= right.Value;

    public CellCount Add(CellCount other) => this + other;

    public int CompareTo(CellCount other) => Value.CompareTo(other.Value);

    /// <summary>(this − reference) / reference, e.g. −0.05 for a dose 5% below the reference. The reference must be positive.</summary>
    public decimal RelativeDifferenceFrom(CellCount reference)
    {
        Preconditions.Requires(reference.Value > 0m, "The reference count must be positive.");
        return (Value - reference.Value) / reference.Value;
    }

    public override string ToString() => $"{CellNumberFormat.Scientific(Value)} cells";
}

/// <summary>
/// A dose in cells per kilogram of body weight (UCUM <c>{cells}/kg</c>), e.g. 1×10^6 cells/kg. Never negative.
/// Multiply by a <see cref="BodyMass"/> to get the <see cref="CellCount"/> to give.
/// </summary>
public readonly record struct CellDosePerKilogram
{
    /// <summary>The UCUM code of the unit.</summary>
    public const string Ucum = "{cells}/kg";

    private CellDosePerKilogram(decimal value) => CellsPerKg = value;

    /// <summary>Cells per kilogram of body weight.</summary>
    public decimal CellsPerKg { get; }

    /// <summary>A dose per kilogram, e.g. <c>CellDosePerKilogram.CellsPerKilogram(1e6m)</c>. Throws when negative.</summary>
    public static CellDosePerKilogram CellsPerKilogram(decimal cellsPerKg)
    {
        Preconditions.Requires(cellsPerKg >= 0m, $"A dose per kilogram cannot be negative ({cellsPerKg}).");
        return new CellDosePerKilogram(cellsPerKg);
    }

    /// <summary>The number of cells for a patient of this body mass (checked arithmetic).</summary>
    public static CellCount operator *(CellDosePerKilogram dose, BodyMass mass) => CellCount.Cells(dose.CellsPerKg * mass.Kilograms);

    /// <inheritdoc cref="op_Multiply(CellDosePerKilogram, BodyMass)"/>
    public static CellCount operator *(BodyMass mass, CellDosePerKilogram dose) => dose * mass;

    public CellCount For(BodyMass mass) => this * mass;

    public override string ToString() => $"{CellNumberFormat.Scientific(CellsPerKg)} cells/kg";
}

/// <summary>
/// A patient's body mass in kilograms (UCUM <c>kg</c>), as measured on a given day. Greater than 0 and at most
/// 1000 kg (the upper bound only catches grams entered as kilograms; plausibility is the caller's concern).
/// </summary>
public readonly record struct BodyMass
{
    /// <summary>The UCUM code of the unit.</summary>
    public const string Ucum = "kg";

    private BodyMass(decimal kilograms) => Kilograms = kilograms;

    /// <summary>The mass in kilograms.</summary>
    public decimal Kilograms { get; }

    /// <summary>A body mass, e.g. <c>BodyMass.FromKilograms(58m)</c>. Throws unless 0 &lt; kg ≤ 1000.</summary>
    public static BodyMass FromKilograms(decimal kilograms)
    {
        Preconditions.Requires(Accepts(kilograms), $"A body mass must be above 0 and at most 1000 kg ({kilograms}).");
        return new BodyMass(kilograms);
    }

    /// <summary>True when <paramref name="kilograms"/> is a body mass <see cref="FromKilograms"/> takes (0 &lt; kg ≤ 1000).</summary>
    public static bool Accepts(decimal kilograms) => kilograms is > 0m and <= 1000m;

    /// <summary>The body mass of <paramref name="kilograms"/>, or null when none is given or it is out of range.</summary>
    public static BodyMass? OrNull(decimal? kilograms) => kilograms is { } kg && Accepts(kg) ? new BodyMass(kg) : null;

    /// <summary>
    /// The refusal of an entered weight out of range (<see cref="IssueCodes.OutOfRange"/> on field <c>weight</c>), or null
    /// when none is entered or it is accepted: the one check of a planning weight and an infusion-day weight, wherever
    /// they are entered (the CLI, the web forms, the ODM import).
    /// </summary>
    public static Issue? Check(decimal? kilograms) => kilograms is { } kg && !Accepts(kg)
        ? Issue.Error(IssueCodes.OutOfRange, "weight", $"Weight {kg} kg must be above 0 and at most 1000 kg.")
        : null;

    public override string ToString() => $"{Kilograms.ToString(CultureInfo.InvariantCulture)} kg";
}

/// <summary>A cell concentration in cells per millilitre (UCUM <c>{cells}/mL</c>), as stated for a lot.</summary>
public readonly record struct CellConcentration
{
    /// <summary>The UCUM code of the unit.</summary>
    public const string Ucum = "{cells}/mL";

    private CellConcentration(decimal value) => CellsPerMl = value;

    /// <summary>Cells per millilitre.</summary>
    public decimal CellsPerMl { get; }

    /// <summary>A concentration, e.g. <c>CellConcentration.CellsPerMillilitre(1e6m)</c>. Throws when negative.</summary>
    public static CellConcentration CellsPerMillilitre(decimal cellsPerMl)
    {
        Preconditions.Requires(cellsPerMl >= 0m, $"A concentration cannot be negative ({cellsPerMl}).");
        return new CellConcentration(cellsPerMl);
    }

    /// <summary>The cells in <paramref name="millilitres"/> of this suspension.</summary>
    public CellCount In(decimal millilitres)
    {
        Preconditions.Requires(millilitres >= 0m, $"A volume cannot be negative ({millilitres}).");
        return CellCount.Cells(CellsPerMl * millilitres);
    }

    public override string ToString() => $"{CellNumberFormat.Scientific(CellsPerMl)} cells/mL";
}

/// <summary>Formats cell numbers the way protocols write them: 5×10^7, 5.8×10^7, 1×10^6.</summary>
public static class CellNumberFormat
{
    /// <summary>Mantissa (up to 4 significant decimals, trailing zeros removed) × 10^exponent; plain below 1000.</summary>
    public static string Scientific(decimal value)
    {
        if (value < 1000m)
        {
            return value.ToString("0.####", CultureInfo.InvariantCulture);
        }

        var exponent = 0;
        var mantissa = value;
        while (mantissa >= 10m)
        {
            mantissa /= 10m;
            exponent++;
        }

        mantissa = Math.Round(mantissa, 4);
        if (mantissa >= 10m)
        {
            mantissa /= 10m;
            exponent++;
        }

        return $"{mantissa.ToString("0.####", CultureInfo.InvariantCulture)}×10^{exponent}";
    }
}
