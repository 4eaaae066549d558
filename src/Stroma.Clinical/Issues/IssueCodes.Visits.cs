namespace Stroma.Clinical.Issues;

/// <summary>
/// Signed visits and what they lock (VIS), and plausibility checks on entered values (PLS); see docs/issue-codes.md
/// "Visits and signatures (VIS)" and "Plausibility (PLS)".
/// </summary>
public static partial class IssueCodes
{
    /// <summary>The visit is signed and so locked: nothing recorded under it (assessments, lab results, the infusion on its date) is added or changed until it is unlocked.</summary>
    public const string VisitLocked = "VIS001";

    /// <summary>The instrument is already recorded at this visit: correct that assessment (with a reason) instead of adding a second one.</summary>
    public const string AssessmentAlreadyRecorded = "VIS002";

    /// <summary>A correction of a saved assessment without the reason for it.</summary>
    public const string CorrectionWithoutReason = "VIS003";

    /// <summary>The weight measured on the infusion day differs from the enrolment's planning weight by a factor of more than 1.5 (a slip such as 600 for 60): it must be confirmed.</summary>
    public const string WeightFarFromPlanningWeight = "PLS001";
}
