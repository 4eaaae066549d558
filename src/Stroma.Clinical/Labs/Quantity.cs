using System.Globalization;

namespace Stroma.Clinical.Labs;

/// <summary>
/// A measured amount: a <see cref="decimal"/> with its UCUM unit. Generic conversion stays inside one base
/// (mg/dL → g/L, /µL → 10*9/L); crossing dimensions (mg/dL → µmol/L) needs the analyte's cited factor
/// (<see cref="AnalyteDefinition.Convert"/>) and is refused here.
/// </summary>
public readonly record struct Quantity(decimal Value, UcumUnit Unit)
{
    /// <summary>True if this quantity converts to <paramref name="unit"/> without knowing the analyte.</summary>
    public bool IsCommensurableWith(UcumUnit unit) => Unit.BaseKey == Preconditions.NotNull(unit).BaseKey;

    /// <summary>
    /// Converts within one base by the units' exact factors. Throws for a unit of another dimension or base:
    /// callers check <see cref="IsCommensurableWith"/> (a cross-dimension conversion is a bug, never a guess).
    /// </summary>
    public Quantity ConvertTo(UcumUnit unit)
    {
        Preconditions.Requires(IsCommensurableWith(unit),
            $"Cannot convert {Unit.Code} ({Unit.Dimension}) to {unit.Code} ({unit.Dimension}) without an analyte-specific factor.");
        return Unit == unit ? this : new Quantity(Value * Unit.Factor / unit.Factor, unit);
    }

    /// <summary>The value with trailing zeros removed, then the unit's UCUM code, e.g. <c>97 umol/L</c>.</summary>
    public override string ToString() => $"{Format(Value)} {Unit.Code}";

    /// <summary>Invariant text without trailing zeros (97.000 → 97; 0.50 → 0.5).</summary>
    public static string Format(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
