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
}
