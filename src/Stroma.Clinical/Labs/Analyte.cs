namespace Stroma.Clinical.Labs;

/// <summary>The work-up panels of the programme (issue #4; the seed's second case).</summary>
public enum LabPanel
{
    BloodCount,
    Urinalysis,
    Liver,
    Kidney,
    Electrolytes,
    Coagulation,
    TCellSubsets,
    Immunoglobulins,
    Complement,
    Autoantibodies,
    UrineProtein,
}

/// <summary>
/// Administrative sex: the one type for a patient's record and for reference ranges and CKD-EPI. <see cref="Unknown"/>
/// is recorded when it is not known; it selects no sex-specific range and gives no eGFR, exactly like an absent sex.
/// The registry stores the member's name ("Female", "Male", "Unknown").
/// </summary>
public enum Sex
{
    Female,
    Male,
    Unknown,
}

/// <summary>
/// An analyte-specific conversion across dimensions: <c>value in <see cref="To"/> = value in <see cref="From"/> ×
/// <see cref="Multiply"/> ÷ <see cref="DivideBy"/></c>; the inverse divides. Each factor carries its citation.
/// </summary>
public sealed record AnalyteConversion(UcumUnit From, UcumUnit To, decimal Multiply, decimal DivideBy, string Citation)
{
    public override string ToString() =>
        DivideBy == 1m
            ? $"1 {From.Display} = {Quantity.Format(Multiply)} {To.Display}"
            : $"1 {From.Display} = {Quantity.Format(Multiply)}/{Quantity.Format(DivideBy)} {To.Display}";
}

/// <summary>
/// One analyte: what it is (LOINC), the unit Stroma stores it in (canonical UCUM unit), the units labs report it in,
/// and the qualitative scale when it is reported as text. An analyte is either quantitative
/// (<see cref="CanonicalUnit"/> set), qualitative (<see cref="Scale"/> set) or both (anti-dsDNA in IU/mL or
/// positive/negative). Urea and urea nitrogen (BUN) are different analytes (see <see cref="DerivedValues.UreaFromBun"/>).
/// </summary>
/// <param name="Key">Stable snake_case key (also accepted as input alias).</param>
/// <param name="Loinc">The LOINC code Stroma records; null where no code was confirmed (never an invented one).</param>
/// <param name="LoincConfirmed">True where the code and its LOINC long name were seen together in a named source (<see cref="LoincSource"/>).</param>
/// <param name="Name">English name.</param>
/// <param name="Panel">The work-up panel.</param>
/// <param name="CanonicalUnit">Unit results are normalised to; null for a purely qualitative analyte.</param>
/// <param name="ReportedUnits">Units accepted for this analyte (canonical first).</param>
/// <param name="Scale">Qualitative scale, or null when only numbers are accepted.</param>
/// <param name="Aliases">Further input spellings (lower case, documented in docs/labs.md).</param>
public sealed record AnalyteDefinition(
    string Key,
    string? Loinc,
    bool LoincConfirmed,
    string Name,
    LabPanel Panel,
    UcumUnit? CanonicalUnit,
    IReadOnlyList<UcumUnit> ReportedUnits,
    QualitativeScale? Scale,
    IReadOnlyList<string> Aliases)
{
    /// <summary>Cross-dimension conversions with their cited factors.</summary>
    public IReadOnlyList<AnalyteConversion> Conversions { get; init; } = [];

    /// <summary>Where the LOINC code was seen with its long common name (quoted first); null while UNCONFIRMED.</summary>
    public string? LoincSource { get; init; }

    /// <summary>Other LOINC codes that denote the same analyte in another property (e.g. the molar code).</summary>
    public IReadOnlyList<string> OtherLoincs { get; init; } = [];

    /// <summary>Why a seemingly usual unit is not accepted, or other caveats, for people reading the catalog.</summary>
    public string? Note { get; init; }

    public bool IsQuantitative => CanonicalUnit is not null;

    /// <summary>True if a lab may report this analyte in <paramref name="unit"/>.</summary>
    public bool Accepts(UcumUnit unit) => ReportedUnits.Contains(unit);

    /// <summary>
    /// Converts a quantity of this analyte to <paramref name="target"/>: within one base by exact unit factors,
    /// across dimensions only through a cited <see cref="Conversions"/> entry. Null when no exact path exists
    /// (the caller reports it; it never guesses).
    /// </summary>
    public Quantity? Convert(Quantity quantity, UcumUnit target)
    {
        Preconditions.NotNull(target);
        if (quantity.IsCommensurableWith(target))
        {
            return quantity.ConvertTo(target);
        }

        foreach (var c in Conversions)
        {
            if (quantity.IsCommensurableWith(c.From) && target.BaseKey == c.To.BaseKey)
            {
                var from = quantity.ConvertTo(c.From);
                return new Quantity(from.Value * c.Multiply / c.DivideBy, c.To).ConvertTo(target);
            }

            if (quantity.IsCommensurableWith(c.To) && target.BaseKey == c.From.BaseKey)
            {
                var to = quantity.ConvertTo(c.To);
                return new Quantity(to.Value * c.DivideBy / c.Multiply, c.From).ConvertTo(target);
            }
        }

        return null;
    }

    /// <summary>Converts to the canonical unit (see <see cref="Convert"/>).</summary>
    public Quantity? Normalise(Quantity quantity) => CanonicalUnit is null ? null : Convert(quantity, CanonicalUnit);
}
