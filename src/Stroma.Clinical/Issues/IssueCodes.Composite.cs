namespace Stroma.Clinical.Issues;

/// <summary>Codes of the composite states and responses (LLDAS, DORIS 2021, SRI-4, BICLA): prefix CMP.</summary>
public static partial class IssueCodes
{
    /// <summary>
    /// LLDAS cannot be assessed at a first visit: criterion 2 ("no new features of lupus activity since the previous
    /// assessment", Franklyn 2016) needs a previous assessment. An error: no grade is produced, nothing is guessed.
    /// </summary>
    public const string LldasNoPreviousAssessment = "CMP001";

    /// <summary>
    /// BICLA: no BILAG system was graded A or B at baseline, so "every baseline A/B system improves" holds only
    /// vacuously (a warning; BICLA was built for patients with moderate or severe baseline activity).
    /// </summary>
    public const string BiclaNoBaselineActivity = "CMP002";
}
