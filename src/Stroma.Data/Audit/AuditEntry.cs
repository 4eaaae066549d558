namespace Stroma.Data.Audit;

/// <summary>
/// One link of the tamper-evident audit trail: who did what to which record and field, when, from which old value
/// to which new value, and why. <see cref="Hash"/> is SHA-256 over this entry's canonical serialisation, which
/// includes <see cref="PreviousHash"/>, so editing, inserting or removing a row breaks the chain from there on
/// (<see cref="AuditChain.VerifyAsync"/>). Entries are written only by <see cref="AuditInterceptor"/> (and one per
/// bulk import) and are never updated or deleted through the model.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Position in the chain: 1, 2, 3, … without gaps.</summary>
    public long Sequence { get; set; }

    /// <summary>When the change was saved (UTC, microsecond precision, from the context's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>The user name of whoever made the change.</summary>
    public string UserName { get; set; } = "";

    /// <summary><c>insert</c>, <c>update</c>, <c>delete</c> (a soft delete), <c>undelete</c>, or <c>import</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>Entity type name (e.g. <c>Patient</c>).</summary>
    public string Entity { get; set; } = "";

    /// <summary>The record's key.</summary>
    public string EntityKey { get; set; } = "";

    /// <summary>The property changed; <c>*</c> for an insert (then <see cref="NewValue"/> holds every field as JSON).</summary>
    public string Field { get; set; } = "";

    public string? OldValue { get; set; }

    public string? NewValue { get; set; }

    /// <summary>Why the change was made (required for changes to saved clinical records).</summary>
    public string? Reason { get; set; }

    /// <summary>The previous entry's <see cref="Hash"/> (64 zeros for the first entry).</summary>
    public string PreviousHash { get; set; } = "";

    /// <summary>Lowercase hex SHA-256 of the canonical serialisation (<see cref="AuditChain.ComputeHash"/>).</summary>
    public string Hash { get; set; } = "";
}
