namespace Stroma.Data.Model;

/// <summary>
/// A record of a clinical event that may be entered after the fact: its own event time (a date or instant on the
/// record) is kept apart from the entry time (<see cref="TrackedRecord.CreatedAt"/>), and an entry more than the
/// study's late-entry days after the event is marked with the reason given (see <c>CellTherapy.LateEntry</c>).
/// </summary>
public interface ILateEntryRecord
{
    /// <summary>Whether the record was entered more than the study's late-entry days after its event.</summary>
    bool EnteredLate { get; set; }

    /// <summary>Why it was entered late (only when <see cref="EnteredLate"/>).</summary>
    string? LateEntryReason { get; set; }
}
