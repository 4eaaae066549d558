namespace Stroma.Clinical.Issues;

/// <summary>Codes of retrospective entry (event time vs entry time); see docs/issue-codes.md "Retrospective entry (RET)".</summary>
public static partial class IssueCodes
{
    /// <summary>An event time (a date or instant of a clinical event) after today / now: events are recorded once they happened.</summary>
    public const string EventInFuture = "RET001";

    /// <summary>An entry made more than the study's late-entry days after its event, without the reason for the late entry.</summary>
    public const string LateEntryWithoutReason = "RET002";
}
