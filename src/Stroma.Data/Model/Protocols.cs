namespace Stroma.Data.Model;

/// <summary>Where a protocol version is in its life: a draft may change; an approved or retired version never does.</summary>
public enum ProtocolVersionStatus
{
    Draft = 1,
    Approved = 2,
    Retired = 3,
}

/// <summary>A site-defined protocol: its stable key and name. Its content lives in its <see cref="ProtocolVersionRecord"/>s.</summary>
public sealed class ProtocolRecord : ClinicalRecord
{
    /// <summary>snake_case key, unique; never a built-in template's key.</summary>
    public string Key { get; set; } = "";

    public string Name { get; set; } = "";
}

/// <summary>
/// One version (1, 2, …) of a protocol: the full definition as canonical JSON (docs/protocol.schema.json) plus the
/// fields queries need, its status, the reason for the change from the previous version, and the approval
/// e-signature (who, when, meaning). Once approved the row never changes (<c>ProtocolVersionGuard</c>).
/// </summary>
public sealed class ProtocolVersionRecord : ClinicalRecord
{
    public Guid ProtocolId { get; set; }

    public ProtocolRecord? Protocol { get; set; }

    /// <summary>The protocol's key, repeated so a version is found by key and number alone.</summary>
    public string ProtocolKey { get; set; } = "";

    public int Number { get; set; }

    public ProtocolVersionStatus Status { get; set; } = ProtocolVersionStatus.Draft;

    public string Name { get; set; } = "";

    /// <summary>The definition in the canonical JSON form of <c>ProtocolDefinitions.ToJson</c>.</summary>
    public string DefinitionJson { get; set; } = "";

    /// <summary>Version label of the consent form this version requires.</summary>
    public string ConsentVersion { get; set; } = "";

    /// <summary>Days after an event beyond which an entry counts as entered late (default 7).</summary>
    public int LateEntryDays { get; set; } = 7;

    /// <summary>Why this version differs from the previous one (null for version 1).</summary>
    public string? ChangeReason { get; set; }

    public string? ApprovedBy { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    /// <summary>The meaning of the approval signature, e.g. "approved".</summary>
    public string? ApprovalMeaning { get; set; }
}
