using System.Globalization;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// The formula a body surface area was computed with. Recorded with every BSA and every dose per m², because the
/// formulas differ by up to about 2% in adults and more in obesity and children.
/// </summary>
public enum BsaFormula
{
    /// <summary>
    /// Mosteller RD. Simplified calculation of body-surface area. N Engl J Med 1987;317(17):1098:
    /// BSA (m²) = √(height [cm] × weight [kg] / 3600). Key <c>mosteller</c>.
    /// </summary>
    Mosteller = 1,

    /// <summary>
    /// Du Bois D, Du Bois EF. Clinical calorimetry, tenth paper: a formula to estimate the approximate surface area if
    /// height and weight be known. Arch Intern Med 1916;17:863-71: BSA (m²) = 0.007184 × weight [kg]^0.425 ×
    /// height [cm]^0.725. Key <c>du_bois</c>.
    /// </summary>
    DuBois = 2,
}

/// <summary>A patient's standing height in centimetres (UCUM <c>cm</c>), 30–300 cm.</summary>
public readonly record struct BodyHeight
{
    /// <summary>The UCUM code of the unit.</summary>
    public const string Ucum = "cm";

    private BodyHeight(decimal centimetres) => Centimetres = centimetres;

    /// <summary>The height in centimetres.</summary>
    public decimal Centimetres { get; }

    /// <summary>A height, e.g. <c>BodyHeight.FromCentimetres(165m)</c>. Throws unless 30 ≤ cm ≤ 300 (catches metres or
    /// millimetres entered as centimetres).</summary>
    public static BodyHeight FromCentimetres(decimal centimetres)
    {
        Preconditions.Requires(centimetres is >= 30m and <= 300m, $"A height must be 30–300 cm ({centimetres}).");
        return new BodyHeight(centimetres);
    }

    public override string ToString() => $"{Centimetres.ToString(CultureInfo.InvariantCulture)} cm";
}

/// <summary>
/// A body surface area in square metres (UCUM <c>m2</c>) with the formula that produced it. Kept to 4 decimal places
/// (computation precision, not a clinical rounding: whether and how a dose's BSA is rounded or capped is the site
/// protocol's decision; no source used here sets one).
/// </summary>
public readonly record struct BodySurfaceArea
{
    /// <summary>The UCUM code of the unit.</summary>
    public const string Ucum = "m2";

    private BodySurfaceArea(decimal squareMetres, BsaFormula formula)
    {
        SquareMetres = squareMetres;
        Formula = formula;
    }

    /// <summary>The area in m².</summary>
    public decimal SquareMetres { get; }

    /// <summary>The formula used.</summary>
    public BsaFormula Formula { get; }

    /// <summary>The BSA from height and weight by the named formula.</summary>
    public static BodySurfaceArea Calculate(BodyHeight height, BodyMass weight, BsaFormula formula)
    {
        var h = (double)height.Centimetres;
        var w = (double)weight.Kilograms;
        var m2 = formula switch
        {
            BsaFormula.Mosteller => Math.Sqrt(h * w / 3600d),
            BsaFormula.DuBois => 0.007184d * Math.Pow(w, 0.425d) * Math.Pow(h, 0.725d),
            _ => throw new ArgumentOutOfRangeException(nameof(formula), formula, "Unknown BSA formula."),
        };
        return new BodySurfaceArea(decimal.Round((decimal)m2, 4, MidpointRounding.AwayFromZero), formula);
    }

    /// <summary>The stable key of a formula (<c>mosteller</c>, <c>du_bois</c>).</summary>
    public static string Key(BsaFormula formula) => formula switch
    {
        BsaFormula.Mosteller => "mosteller",
        BsaFormula.DuBois => "du_bois",
        _ => throw new ArgumentOutOfRangeException(nameof(formula), formula, "Unknown BSA formula."),
    };

    /// <summary>The formula for a key, or null.</summary>
    public static BsaFormula? FromKey(string? key) => key switch
    {
        "mosteller" => BsaFormula.Mosteller,
        "du_bois" => BsaFormula.DuBois,
        _ => null,
    };

    public override string ToString() =>
        $"{SquareMetres.ToString("0.00##", CultureInfo.InvariantCulture)} m² ({(Formula == BsaFormula.Mosteller ? "Mosteller 1987" : "Du Bois 1916")})";
}

/// <summary>A drug dose per square metre of body surface area, in mg/m² (UCUM <c>mg/m2</c>), greater than 0.</summary>
public readonly record struct DrugDosePerSquareMetre
{
    /// <summary>The UCUM code of the unit.</summary>
    public const string Ucum = "mg/m2";

    private DrugDosePerSquareMetre(decimal milligramsPerSquareMetre) => MilligramsPerSquareMetre = milligramsPerSquareMetre;

    public decimal MilligramsPerSquareMetre { get; }

    public static DrugDosePerSquareMetre MilligramsPerM2(decimal value)
    {
        Preconditions.Requires(value is > 0m and <= 100000m, $"A dose per m² must be above 0 and at most 100000 mg/m² ({value}).");
        return new DrugDosePerSquareMetre(value);
    }

    /// <summary>mg/m² × m² → mg (to 0.01 mg; the pharmacy's rounding is the site's).</summary>
    public static DrugAmount operator *(DrugDosePerSquareMetre dose, BodySurfaceArea bsa) =>
        DrugAmount.FromMilligrams(decimal.Round(dose.MilligramsPerSquareMetre * bsa.SquareMetres, 2, MidpointRounding.AwayFromZero));

    public override string ToString() => $"{MilligramsPerSquareMetre.ToString(CultureInfo.InvariantCulture)} mg/m²";
}

/// <summary>An amount of drug in milligrams (UCUM <c>mg</c>), ≥ 0.</summary>
public readonly record struct DrugAmount
{
    private DrugAmount(decimal milligrams) => Milligrams = milligrams;

    /// <summary>The amount in mg.</summary>
    public decimal Milligrams { get; }

    public static DrugAmount FromMilligrams(decimal milligrams)
    {
        Preconditions.Requires(milligrams >= 0m, $"A drug amount cannot be negative ({milligrams}).");
        return new DrugAmount(milligrams);
    }

    public override string ToString() => $"{Milligrams.ToString(CultureInfo.InvariantCulture)} mg";
}
