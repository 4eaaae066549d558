namespace Stroma.Clinical.Issues;

/// <summary>BILAG-2004 codes (BLG): consistency checks on physician-entered system grades. See docs/instruments/bilag2004.md.</summary>
public static partial class IssueCodes
{
    /// <summary>
    /// A system graded A or B although its recorded items show no activity (every item 0, ND or No, and no value
    /// confirmed as due to SLE activity).
    /// </summary>
    public const string BilagGradeWithoutActivity = "BLG001";

    /// <summary>A system graded D (previously affected, now inactive) although past involvement is recorded as No.</summary>
    public const string BilagGradeDWithoutPastInvolvement = "BLG002";

    /// <summary>A system graded E (never affected) although it was involved before (recorded, or graded A–D at the previous visit).</summary>
    public const string BilagGradeEWithPastInvolvement = "BLG003";

    /// <summary>A system graded E (never affected) although its current items show activity.</summary>
    public const string BilagGradeEWithCurrentActivity = "BLG004";

    /// <summary>Past involvement recorded as No although the previous visit graded the system A, B, C or D.</summary>
    public const string BilagPastInvolvementContradictsPreviousGrade = "BLG005";

    /// <summary>Warning: no item of a system was recorded, so its grade could not be checked against the items.</summary>
    public const string BilagGradeNotCheckedAgainstItems = "BLG006";

    /// <summary>Warning: previous grades were given but not for this system, so new A / new B cannot be judged for it.</summary>
    public const string BilagPreviousGradeMissing = "BLG007";

    /// <summary>A "due to SLE activity" answer was given for a value item that has no value.</summary>
    public const string BilagConfirmationWithoutValue = "BLG008";

    /// <summary>Warning: a value was entered without its "due to SLE activity" Y/N answer; it is not counted as activity.</summary>
    public const string BilagValueWithoutConfirmation = "BLG009";

    /// <summary>A system graded D or E but whether it was ever involved before is not recorded (needed to tell D from E).</summary>
    public const string BilagPastInvolvementUnknown = "BLG010";
}
