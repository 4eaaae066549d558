namespace Stroma.Clinical.Issues;

/// <summary>Codes of the SLICC/ACR Damage Index (SDI) and the Physician Global Assessment (PGA).</summary>
public static partial class IssueCodes
{
    /// <summary>
    /// Information: end-stage renal disease was recorded together with GFR &lt; 50% and/or proteinuria ≥ 3.5 g/24 h.
    /// The renal system scores 3 (end-stage renal disease stands in for the other renal items); the other items
    /// are kept in the record but add nothing.
    /// </summary>
    public const string SdiEndStageRenalDiseaseSubsumes = "SDI001";

    /// <summary>
    /// A "score 2 if more than one" SDI item (cerebrovascular accident, myocardial infarction, significant tissue
    /// loss, gastrointestinal infarction or resection, avascular necrosis, malignancy) was given something other than
    /// a count of events or sites (0, 1, 2, …) or <c>more_than_one</c>.
    /// </summary>
    public const string SdiNotACount = "SDI002";

    /// <summary>
    /// A Physician Global Assessment with more decimal places than Stroma stores (2): the value would be silently
    /// rounded, so it is rejected instead.
    /// </summary>
    public const string PgaTooPrecise = "PGA001";
}
