namespace Stroma.Clinical.Issues;

/// <summary>
/// Every issue code Stroma emits. Codes are stable (never reused for another meaning), unique (a test checks)
/// and documented in docs/issue-codes.md (a test checks that too). The class is split by area into
/// <c>IssueCodes.*.cs</c> files in this folder so each area's codes sit together.
/// </summary>
public static partial class IssueCodes
{
    /// <summary>An item key the instrument does not know (often a typo that would silently drop an item).</summary>
    public const string UnknownItem = "INP001";

    /// <summary>A required item is missing or null.</summary>
    public const string MissingItem = "INP002";

    /// <summary>A value of the wrong type (text where a number or true/false was expected).</summary>
    public const string WrongType = "INP003";

    /// <summary>A number outside the item's allowed range.</summary>
    public const string OutOfRange = "INP004";

    /// <summary>A value that is not one of the item's allowed choices.</summary>
    public const string NotAChoice = "INP005";

    /// <summary>Items that contradict each other.</summary>
    public const string Contradiction = "INP006";

    /// <summary>A line or row that cannot be read at all (malformed JSON, wrong column count).</summary>
    public const string MalformedRecord = "INP007";

    /// <summary>A record without its <c>id</c>.</summary>
    public const string MissingId = "INP008";
}
