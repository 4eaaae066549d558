namespace Stroma.Clinical.Issues;

/// <summary>Issue codes of lab results (docs/labs.md, docs/issue-codes.md).</summary>
public static partial class IssueCodes
{
    /// <summary>An analyte that is neither a catalog key, a LOINC code in the catalog, nor a documented alias.</summary>
    public const string UnknownAnalyte = "LAB001";

    /// <summary>A unit that is not a UCUM code or documented lab spelling Stroma knows.</summary>
    public const string UnknownUnit = "LAB002";

    /// <summary>A known unit the analyte is not reported in, or one that would need a conversion across dimensions with no cited factor: refused, never guessed.</summary>
    public const string UnitNotForAnalyte = "LAB003";

    /// <summary>A value that is neither a number nor a grade on the analyte's qualitative scale.</summary>
    public const string UnreadableValue = "LAB004";

    /// <summary>Ranges exist for the analyte at the laboratory but none applies to this sex and age, or the range's unit is not comparable: the result is not flagged (no range at all is <see cref="NoRangeConfigured"/>).</summary>
    public const string NoReferenceRange = "LAB005";

    /// <summary>A derived value (eGFR, UPCR, 24-h protein, urea from BUN) could not be computed: an input is missing or outside the formula's domain.</summary>
    public const string DerivedNotComputed = "LAB006";

    /// <summary>A reference range (e.g. a row of a <c>--ranges</c> file) that cannot be used.</summary>
    public const string InvalidRange = "LAB007";

    /// <summary>A sex or age that cannot be read, or differs between rows of one specimen.</summary>
    public const string InvalidDemographics = "LAB008";

    /// <summary>A taken-at time that is not an ISO 8601 date or date-time.</summary>
    public const string InvalidTakenAt = "LAB009";

    /// <summary>
    /// Information: no reference range is configured for the analyte at the result's laboratory (none of its own and
    /// no sourced default), so the result is normalised but not flagged; the site must configure its laboratory's ranges.
    /// </summary>
    public const string NoRangeConfigured = "LAB010";

    /// <summary>
    /// Information: a SLEDAI-2K descriptor defined against the testing laboratory's limits (low complement, increased
    /// DNA binding) cannot be suggested from a result because no such limit is configured for it.
    /// </summary>
    public const string SuggestionNeedsLabRange = "LAB011";

    /// <summary>
    /// A specimen time that cannot be true: before 1900-01-01, or before the year the patient was born (a typing or
    /// parsing slip, e.g. year 0001); the row is refused rather than stored.
    /// </summary>
    public const string ImplausibleSpecimenTime = "LAB012";

    /// <summary>A lab result for this patient, analyte and specimen time is already stored.</summary>
    public const string DuplicateLabResult = "LAB013";

    /// <summary>A lab import file whose header lacks a required column (or is not a header at all).</summary>
    public const string LabFileHeader = "LAB014";

    /// <summary>
    /// A reported number with more than 6 decimals (after dropping trailing zeros): the normalised value column
    /// (numeric(18,6)) cannot hold it exactly, so it is refused on every engine rather than rounded on one.
    /// </summary>
    public const string ValueTooPrecise = "LAB015";

    /// <summary>The lab result to correct is not in the registry (or not among the user's sites).</summary>
    public const string UnknownLabResult = "LAB016";

    /// <summary>A correction of a stored lab result without its reason.</summary>
    public const string LabCorrectionWithoutReason = "LAB017";

    /// <summary>Information: the corrected value, unit and range equal the stored ones; nothing is changed.</summary>
    public const string LabCorrectionUnchanged = "LAB018";

    /// <summary>A lab result's note (the laboratory's comments) is longer than a result keeps.</summary>
    public const string LabNoteTooLong = "LAB019";
}
