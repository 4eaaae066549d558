namespace Stroma.Clinical.Issues;

/// <summary>CAR-T toxicity codes (CAR): ASTCT 2019 CRS and ICANS grading, the CRS/ICANS adverse-event link, ICAHT.</summary>
public static partial class IssueCodes
{
    /// <summary>CRS: hypotension treated with vasopressin alone, which the ASTCT 2019 table does not grade.</summary>
    public const string CrsVasopressinAlone = "CAR001";

    /// <summary>CRS (warning): hypotension or hypoxia without fever and without antipyretic/anticytokine therapy: not CRS by ASTCT 2019.</summary>
    public const string CrsWithoutFever = "CAR002";

    /// <summary>A CAR-T protocol version cannot be approved while a lymphodepleting drug has no dose per m² or no days.</summary>
    public const string LymphodepletionNotSetAtApproval = "CAR003";

    /// <summary>Warning: an adverse event entered as CRS or ICANS on a CAR-T patient; grade it with the ASTCT 2019 instrument.</summary>
    public const string CarTToxicityNeedsAstctGrade = "CAR004";

    /// <summary>Lymphodepletion recorded on an enrolment whose protocol has no CAR-T plan.</summary>
    public const string LymphodepletionNotCarT = "CAR005";

    /// <summary>A lymphodepleting drug the enrolment's protocol does not name.</summary>
    public const string LymphodepletionUnknownDrug = "CAR006";

    /// <summary>Lymphodepletion days relative to the infusion that are not all before day 0, or not ascending and distinct.</summary>
    public const string LymphodepletionDaysInvalid = "CAR007";

    /// <summary>The drug's lymphodepletion is already recorded on this enrolment.</summary>
    public const string LymphodepletionAlreadyRecorded = "CAR008";

    /// <summary>Warning: the dose per m² or the days given differ from the protocol's.</summary>
    public const string LymphodepletionDiffersFromProtocol = "CAR009";

    /// <summary>A correction of a recorded lymphodepletion without the reason for it.</summary>
    public const string LymphodepletionCorrectionWithoutReason = "CAR010";

    /// <summary>No lymphodepletion of that drug is recorded on the enrolment, so there is nothing to correct.</summary>
    public const string LymphodepletionNotRecorded = "CAR011";

    /// <summary>Information: the correction gives the values already recorded; nothing is changed.</summary>
    public const string LymphodepletionCorrectionUnchanged = "CAR012";
}
