namespace Stroma.Data.Model;

/// <summary>Where a query is: open (waiting for the site), answered (waiting for whoever raised it), closed.</summary>
public enum QueryStatus
{
    Open = 1,
    Answered = 2,
    Closed = 3,
}

/// <summary>One step in a query's life (docs/data-quality.md "The query life cycle").</summary>
public enum QueryStepKind
{
    Opened = 1,
    Answered = 2,
    Closed = 3,
    Reopened = 4,
}

/// <summary>
/// A query (discrepancy note) on one field of one record: opened by a study's soft edit check (<see cref="CheckKey"/>
/// set) or by a monitor or data manager with text, answered by the site, closed or re-opened by whoever raised it.
/// Its steps are <see cref="QueryStepRecord"/>s; both are audited like every clinical record.
/// </summary>
public sealed class QueryRecord : ClinicalRecord
{
    public Guid SiteId { get; set; }

    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    /// <summary>The record type (a check scope key: patient, enrolment, visit, infusion, adverse_event).</summary>
    public string RecordType { get; set; } = "";

    public Guid RecordId { get; set; }

    /// <summary>The field path in the check field catalogue, e.g. <c>infusion.weight</c>.</summary>
    public string Field { get; set; } = "";

    /// <summary>The visit the record belongs to (the visit itself for a visit-level field): a visit with open queries cannot be signed.</summary>
    public Guid? VisitId { get; set; }

    /// <summary>The protocol whose check opened the query; null for a query opened by a person.</summary>
    public string? ProtocolKey { get; set; }

    public string? ProtocolVersion { get; set; }

    /// <summary>The key of the check that opened the query; null for a query opened by a person.</summary>
    public string? CheckKey { get; set; }

    public QueryStatus Status { get; set; } = QueryStatus.Open;

    /// <summary>The question as opened (a check's English message, or the person's text).</summary>
    public string Text { get; set; } = "";

    /// <summary>The value of the field when the query was opened, as text ("missing" when not recorded).</summary>
    public string? ValueWhenOpened { get; set; }

    /// <summary>User name of whoever raised it (<c>checks</c> for an edit check).</summary>
    public string RaisedBy { get; set; } = "";

    public DateTimeOffset RaisedAt { get; set; }

    public List<QueryStepRecord> Steps { get; } = [];
}

/// <summary>One step of a query: who did what, when, with which text (the answer, the reason to close or re-open).</summary>
public sealed class QueryStepRecord : ClinicalRecord
{
    public Guid QueryId { get; set; }

    public QueryRecord? Query { get; set; }

    /// <summary>1 for the opening, then 2, 3, … in order (unique per query, so two users cannot both take a step from the same state).</summary>
    public int Number { get; set; }

    public QueryStepKind Kind { get; set; }

    public string Text { get; set; } = "";

    public string By { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A source data verification (SDV) mark: a monitor's electronic signature, meaning "verified", that a whole visit (or
/// one field of it, <see cref="Field"/>) was compared with the source documents. A mark is never removed: a later change
/// to anything recorded under the visit (the visit, an assessment, a lab result, an infusion on its date with its
/// details) clears it (<see cref="ClearedAt"/>, <see cref="ClearedBy"/> and why, <see cref="ClearedReason"/>), and the
/// monitor verifies again with a new mark. docs/data-quality.md, "Source data verification".
/// </summary>
public sealed class SdvMark : TrackedRecord
{
    public Guid SiteId { get; set; }

    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public Guid VisitId { get; set; }

    /// <summary>Null for the whole visit; else one field of the visit in the check field catalogue (<c>visit.date</c>, <c>lab.creatinine</c>).</summary>
    public string? Field { get; set; }

    /// <summary>User name of the monitor who signed the mark.</summary>
    public string VerifiedBy { get; set; } = "";

    /// <summary>The monitor's printed name at the time of signing.</summary>
    public string VerifiedByName { get; set; } = "";

    public DateTimeOffset VerifiedAt { get; set; }

    /// <summary>The meaning of the signature as the monitor confirmed it.</summary>
    public string Meaning { get; set; } = "";

    /// <summary>When a later change cleared the mark; null while it stands.</summary>
    public DateTimeOffset? ClearedAt { get; set; }

    /// <summary>Who made the change that cleared it.</summary>
    public string? ClearedBy { get; set; }

    /// <summary>What changed (and the change's own reason, when it had one).</summary>
    public string? ClearedReason { get; set; }

    public bool IsCurrent => ClearedAt is null;
}
