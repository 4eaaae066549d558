namespace Stroma.Data.Model;

/// <summary>
/// Something the registry keeps with its provenance: who created and last changed it, when (UTC instants from the
/// injected <see cref="TimeProvider"/>), and a <see cref="Version"/> that makes a second editor working from a stale
/// copy fail with a conflict instead of silently overwriting. The audit interceptor fills these fields; features
/// never set them.
/// </summary>
public abstract class TrackedRecord
{
    /// <summary>Client-assigned key (UUID version 7 unless given), so the audit trail knows it before the insert.</summary>
    public Guid Id { get; set; }

    /// <summary>Optimistic-concurrency token, incremented on every saved change.</summary>
    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>
/// A clinical record: never hard-deleted. Deletion is a state (<see cref="DeletedAt"/> with a
/// <see cref="DeletionReason"/>); deleted records are hidden by a query filter but stay in the database and in the
/// audit trail. Every change to a saved clinical record needs a reason (<see cref="StromaDbContext.ChangeReason"/>).
/// </summary>
public abstract class ClinicalRecord : TrackedRecord
{
    public DateTimeOffset? DeletedAt { get; set; }

    public string? DeletedBy { get; set; }

    public string? DeletionReason { get; set; }

    public bool IsDeleted => DeletedAt is not null;
}
