namespace Stroma.Clinical.Issues;

/// <summary>Edit checks, queries and source data verification (QLT); see docs/issue-codes.md "Data quality (QLT)".</summary>
public static partial class IssueCodes
{
    /// <summary>A check expression cannot be parsed: the message gives the position and the text found there.</summary>
    public const string CheckSyntax = "QLT001";

    /// <summary>A check names a field that is not in the field catalogue, or not available in the check's scope.</summary>
    public const string CheckUnknownField = "QLT002";

    /// <summary>A check combines values that do not fit: a number with a date, mg/dL with a count, text with &lt;.</summary>
    public const string CheckTypeMismatch = "QLT003";

    /// <summary>A soft check found a discrepancy: the record is saved and a query is opened.</summary>
    public const string CheckSoftFinding = "QLT004";

    /// <summary>A hard check found a discrepancy: the record is refused.</summary>
    public const string CheckHardFinding = "QLT005";

    /// <summary>No query with this id, or not on one of the user's sites.</summary>
    public const string QueryNotFound = "QLT006";

    /// <summary>The step is not allowed in the query's state or for this user (answer a closed query, close an open one as the site).</summary>
    public const string QueryStepNotAllowed = "QLT007";

    /// <summary>Opening or answering a query without its text, or on an unknown record or field.</summary>
    public const string QueryInputInvalid = "QLT008";

    /// <summary>A visit with open (unanswered or re-opened) queries cannot be signed.</summary>
    public const string VisitHasOpenQueries = "QLT009";

    /// <summary>No visit with this id for source data verification, or not on one of the user's sites.</summary>
    public const string SdvVisitNotFound = "QLT010";

    /// <summary>A source data verification mark refused: not a monitor of the site, an unknown field, no meaning, or already verified.</summary>
    public const string SdvNotAllowed = "QLT011";
}
