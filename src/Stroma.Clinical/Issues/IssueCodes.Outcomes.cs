namespace Stroma.Clinical.Issues;

public static partial class IssueCodes
{
    /// <summary>Renal response: the kidney-function tolerance is outside KDIGO 2024's 10–15% band.</summary>
    public const string RenalToleranceOutOfBand = "OUT001";

    /// <summary>Renal response: baseline and follow-up proteinuria (or kidney function) are in different units or measures.</summary>
    public const string RenalMeasureMismatch = "OUT002";

    /// <summary>Renal response: proteinuria was not measured as the protein–creatinine ratio of a 24-h urine, as KDIGO 2024 defines it.</summary>
    public const string RenalNot24HourCollection = "OUT003";

    /// <summary>Renal response: assessed outside the guideline's 6–12 months from the start of therapy.</summary>
    public const string RenalOutsideAssessmentWindow = "OUT004";

    /// <summary>A study response rule is malformed (no name or version, no category, a criterion without a threshold).</summary>
    public const string RuleMalformed = "OUT005";

    /// <summary>A study response rule needs a measure the observation does not have.</summary>
    public const string RuleMeasureMissing = "OUT006";

    /// <summary>An adjudicated response lacks who adjudicated it, when, or its basis.</summary>
    public const string AdjudicationIncomplete = "OUT007";

    /// <summary>A relapse adjudicated for a patient without an earlier major or partial response.</summary>
    public const string RelapseWithoutResponse = "OUT008";

    /// <summary>A negative or otherwise impossible measured value (proteinuria, eGFR, creatinine).</summary>
    public const string ImpossibleValue = "OUT009";
}
