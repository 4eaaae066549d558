using System.Collections.Frozen;

namespace Stroma.Clinical.Labs;

/// <summary>
/// What a unit measures. Two units convert without knowing the analyte only when they share a dimension
/// <em>and</em> a base (<see cref="UcumUnit.BaseKey"/>); anything else (mass ↔ substance, IU ↔ U, /µL ↔ /[HPF])
/// needs an analyte-specific, cited factor or is refused.
/// </summary>
public enum Dimension
{
    MassConcentration,
    SubstanceConcentration,
    EquivalentConcentration,
    NumberConcentration,
    CatalyticConcentration,
    Fraction,
    Time,
    Volume,
    MassRate,
    MassRatio,
    MassPerSubstance,
    CountPerField,
    ArbitraryConcentration,
    GfrPerBodySurface,
    Mass,
}

/// <summary>
/// A unit by its UCUM code (Unified Code for Units of Measure, ucum.org). <see cref="Factor"/> is the exact size of
/// the unit in its base (e.g. mg/dL = 0.01 g/L) — every factor here is a power of ten or a definition (1 mm³ = 1 µL,
/// 1 d = 24 h, 1 µkat = 60 U because 1 U = 1 µmol/min), never a measured constant.
/// </summary>
/// <param name="Code">The UCUM code, e.g. <c>umol/L</c>, <c>10*9/L</c>, <c>g/(24.h)</c>.</param>
/// <param name="Display">How people write it, e.g. µmol/L, ×10⁹/L.</param>
/// <param name="Dimension">What it measures.</param>
/// <param name="BaseKey">Units convert generically only within the same base key.</param>
/// <param name="Factor">Size of the unit in base units.</param>
public sealed record UcumUnit(string Code, string Display, Dimension Dimension, string BaseKey, decimal Factor)
{
    public override string ToString() => Code;
}

/// <summary>The units Stroma knows, by UCUM code, with the spellings labs use for them.</summary>
public static class Units
{
    public static readonly UcumUnit GramPerLitre = new("g/L", "g/L", Dimension.MassConcentration, "g/L", 1m);
    public static readonly UcumUnit GramPerDecilitre = new("g/dL", "g/dL", Dimension.MassConcentration, "g/L", 10m);
    public static readonly UcumUnit MilligramPerDecilitre = new("mg/dL", "mg/dL", Dimension.MassConcentration, "g/L", 0.01m);
    public static readonly UcumUnit MilligramPerLitre = new("mg/L", "mg/L", Dimension.MassConcentration, "g/L", 0.001m);
    public static readonly UcumUnit MolePerLitre = new("mol/L", "mol/L", Dimension.SubstanceConcentration, "mol/L", 1m);
    public static readonly UcumUnit MillimolePerLitre = new("mmol/L", "mmol/L", Dimension.SubstanceConcentration, "mol/L", 0.001m);
    public static readonly UcumUnit MicromolePerLitre = new("umol/L", "µmol/L", Dimension.SubstanceConcentration, "mol/L", 0.000001m);
    public static readonly UcumUnit MilliequivalentPerLitre = new("meq/L", "mEq/L", Dimension.EquivalentConcentration, "eq/L", 0.001m);
    public static readonly UcumUnit PerLitre9 = new("10*9/L", "×10⁹/L", Dimension.NumberConcentration, "/L", 1_000_000_000m);
    public static readonly UcumUnit PerLitre12 = new("10*12/L", "×10¹²/L", Dimension.NumberConcentration, "/L", 1_000_000_000_000m);
    public static readonly UcumUnit PerMicrolitre = new("/uL", "/µL", Dimension.NumberConcentration, "/L", 1_000_000m);
    public static readonly UcumUnit ThousandPerMicrolitre = new("10*3/uL", "×10³/µL", Dimension.NumberConcentration, "/L", 1_000_000_000m);
    public static readonly UcumUnit MillionPerMicrolitre = new("10*6/uL", "×10⁶/µL", Dimension.NumberConcentration, "/L", 1_000_000_000_000m);
    public static readonly UcumUnit PerCubicMillimetre = new("/mm3", "/mm³", Dimension.NumberConcentration, "/L", 1_000_000m);
    public static readonly UcumUnit UnitPerLitre = new("U/L", "U/L", Dimension.CatalyticConcentration, "U/L", 1m);
    public static readonly UcumUnit MicrokatalPerLitre = new("ukat/L", "µkat/L", Dimension.CatalyticConcentration, "U/L", 60m);
    public static readonly UcumUnit Percent = new("%", "%", Dimension.Fraction, "1", 0.01m);
    public static readonly UcumUnit Unity = new("1", "(ratio)", Dimension.Fraction, "1", 1m);
    public static readonly UcumUnit LitrePerLitre = new("L/L", "L/L", Dimension.Fraction, "1", 1m);
    public static readonly UcumUnit Second = new("s", "s", Dimension.Time, "s", 1m);
    public static readonly UcumUnit Litre = new("L", "L", Dimension.Volume, "L", 1m);
    public static readonly UcumUnit Millilitre = new("mL", "mL", Dimension.Volume, "L", 0.001m);
    public static readonly UcumUnit Femtolitre = new("fL", "fL", Dimension.Volume, "L", 0.000_000_000_000_001m);
    public static readonly UcumUnit Picogram = new("pg", "pg", Dimension.Mass, "g", 0.000_000_000_001m);
    public static readonly UcumUnit GramPerDay = new("g/(24.h)", "g/24 h", Dimension.MassRate, "g/(24.h)", 1m);
    public static readonly UcumUnit MilligramPerDay = new("mg/(24.h)", "mg/24 h", Dimension.MassRate, "g/(24.h)", 0.001m);
    public static readonly UcumUnit GramPerGram = new("g/g", "g/g", Dimension.MassRatio, "g/g", 1m);
    public static readonly UcumUnit MilligramPerGram = new("mg/g", "mg/g", Dimension.MassRatio, "g/g", 0.001m);
    public static readonly UcumUnit MilligramPerMillimole = new("mg/mmol", "mg/mmol", Dimension.MassPerSubstance, "g/mol", 1m);
    public static readonly UcumUnit PerHighPowerField = new("/[HPF]", "/HPF", Dimension.CountPerField, "/[HPF]", 1m);
    public static readonly UcumUnit PerLowPowerField = new("/[LPF]", "/LPF", Dimension.CountPerField, "/[LPF]", 1m);
    public static readonly UcumUnit InternationalUnitPerMillilitre = new("[IU]/mL", "IU/mL", Dimension.ArbitraryConcentration, "[IU]/mL", 1m);
    public static readonly UcumUnit ArbitraryUnitPerMillilitre = new("U/mL", "U/mL", Dimension.ArbitraryConcentration, "U/mL", 1m);
    public static readonly UcumUnit GplUnitPerMillilitre = new("[GPL'U]/mL", "GPL-U/mL", Dimension.ArbitraryConcentration, "[GPL'U]/mL", 1m);
    public static readonly UcumUnit MplUnitPerMillilitre = new("[MPL'U]/mL", "MPL-U/mL", Dimension.ArbitraryConcentration, "[MPL'U]/mL", 1m);
    public static readonly UcumUnit GfrUnit = new("mL/min/{1.73_m2}", "mL/min/1.73 m²", Dimension.GfrPerBodySurface, "mL/min/{1.73_m2}", 1m);

    /// <summary>Every known unit.</summary>
    public static IReadOnlyList<UcumUnit> All { get; } =
    [
        GramPerLitre, GramPerDecilitre, MilligramPerDecilitre, MilligramPerLitre, MolePerLitre, MillimolePerLitre,
        MicromolePerLitre, MilliequivalentPerLitre, PerLitre9, PerLitre12, PerMicrolitre, ThousandPerMicrolitre,
        MillionPerMicrolitre, PerCubicMillimetre, UnitPerLitre, MicrokatalPerLitre, Percent, Unity, LitrePerLitre, Second,
        Litre, Millilitre, Femtolitre, Picogram, GramPerDay, MilligramPerDay, GramPerGram, MilligramPerGram, MilligramPerMillimole,
        PerHighPowerField, PerLowPowerField, InternationalUnitPerMillilitre, ArbitraryUnitPerMillilitre, GplUnitPerMillilitre,
        MplUnitPerMillilitre, GfrUnit,
    ];

    // Spellings seen on lab reports, mapped to one UCUM code. Matching ignores case and spaces, so spellings whose
    // meaning depends on case (G/L = giga per litre vs g/L) are deliberately absent, as is "IU/L" ([IU]/L is not U/L).
    private static readonly FrozenDictionary<string, UcumUnit> Spellings = BuildSpellings();

    private static FrozenDictionary<string, UcumUnit> BuildSpellings()
    {
        var map = new Dictionary<string, UcumUnit>(StringComparer.OrdinalIgnoreCase);
        foreach (var unit in All)
        {
            map[Normalise(unit.Code)] = unit;
            map[Normalise(unit.Display)] = unit;
        }

        void Add(UcumUnit unit, params string[] spellings)
        {
            foreach (var s in spellings)
            {
                map[Normalise(s)] = unit;
            }
        }

        Add(MicromolePerLitre, "µmol/L", "μmol/L", "umol/l");
        Add(PerLitre9, "10^9/L", "x10^9/L", "×10^9/L", "10E9/L", "10e9/L", "x10*9/L");
        Add(PerLitre12, "10^12/L", "x10^12/L", "×10^12/L", "10E12/L", "x10*12/L");
        Add(PerMicrolitre, "cells/uL", "cells/µL", "/µL", "/μL");
        Add(ThousandPerMicrolitre, "10^3/uL", "x10^3/uL", "K/uL", "10^3/µL");
        Add(MillionPerMicrolitre, "10^6/uL", "x10^6/uL", "M/uL", "10^6/µL");
        Add(PerCubicMillimetre, "/mm^3", "cells/mm3");
        Add(MicrokatalPerLitre, "µkat/L", "μkat/L");
        Add(MilliequivalentPerLitre, "mEq/L", "meq/l");
        Add(Unity, "ratio", "{ratio}");
        Add(Second, "sec", "seconds");
        Add(GramPerDay, "g/24h", "g/24 h", "g/d", "g/day", "g/24hr");
        Add(MilligramPerDay, "mg/24h", "mg/24 h", "mg/d", "mg/day", "mg/24hr");
        Add(PerHighPowerField, "/HPF", "/hpf", "cells/HPF", "/[hpf]");
        Add(PerLowPowerField, "/LPF", "/lpf", "/[lpf]");
        Add(InternationalUnitPerMillilitre, "IU/mL", "IU/ml");
        Add(GplUnitPerMillilitre, "GPL", "GPL/mL", "GPL-U/mL", "GPLU/mL");
        Add(MplUnitPerMillilitre, "MPL", "MPL/mL", "MPL-U/mL", "MPLU/mL");
        Add(GfrUnit, "mL/min/1.73m2", "mL/min/1.73 m2", "mL/min/1.73m²");
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static string Normalise(string text) => text.Replace(" ", "", StringComparison.Ordinal);

    /// <summary>Finds a unit by UCUM code or a documented lab spelling; null when unknown (never a guess).</summary>
    public static UcumUnit? Find(string? text) =>
        string.IsNullOrWhiteSpace(text) || CaseSensitive.Contains(Normalise(text.Trim())) ? null : Spellings.GetValueOrDefault(Normalise(text.Trim()));

    // Spellings that case-insensitive matching would misread: G/L (giga per litre, i.e. 10^9/L) is not g/L, T/L is
    // not t/L. They are refused as unknown so a person rewrites them as 10^9/L or 10^12/L.
    private static readonly FrozenSet<string> CaseSensitive = FrozenSet.ToFrozenSet(["G/L", "T/L"], StringComparer.Ordinal);
}
