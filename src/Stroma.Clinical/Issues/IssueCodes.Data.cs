namespace Stroma.Clinical.Issues;

/// <summary>Codes of the registry's data paths (import, audit); see docs/issue-codes.md "Data (DAT) and audit (AUD)".</summary>
public static partial class IssueCodes
{
    /// <summary>An import row names a site code the registry does not have.</summary>
    public const string UnknownSite = "DAT001";

    /// <summary>An import row names a patient study id that does not exist at its site (or was deleted).</summary>
    public const string UnknownPatient = "DAT002";

    /// <summary>An import row names a visit date on which the patient has no visit.</summary>
    public const string UnknownVisit = "DAT003";

    /// <summary>An import row names a laboratory code its site does not have.</summary>
    public const string UnknownLaboratory = "DAT004";

    /// <summary>An instant (specimen time, infusion or custody time, adjudication time, ...) without a UTC offset (ambiguous) or not an ISO 8601 date and time; see <c>Time.InstantPattern</c>.</summary>
    public const string AmbiguousTime = "DAT005";

    /// <summary>The disk (file system) holding the registry or an output file is full: nothing was stored or written.</summary>
    public const string DiskFull = "DAT006";

    /// <summary>A SQLite registry's migration lock (a row in <c>__EFMigrationsLock</c>) older than the bound: a migration was killed and left it, or is still running; <c>stroma db unlock</c> removes it.</summary>
    public const string StaleMigrationLock = "DAT007";

    /// <summary><c>stroma db unlock</c> refused: another connection holds the SQLite database's write lock, so the migration lock was not removed.</summary>
    public const string MigrationLockBusy = "DAT008";

    /// <summary>The audit chain is broken: an entry was altered, inserted or removed after it was written.</summary>
    public const string AuditChainBroken = "AUD001";

    /// <summary>A record's stored state differs from the state its audit trail ends in (or bulk rows from their import digest).</summary>
    public const string LedgerMismatch = "AUD002";

    /// <summary>The audit chain no longer extends a signed anchor: its tail was removed or rewritten.</summary>
    public const string AnchorNotExtended = "AUD003";

    /// <summary>An anchor file cannot be read, or its signature does not verify with the key given.</summary>
    public const string AnchorInvalid = "AUD004";

    /// <summary>The anchor key is missing or shorter than 32 bytes.</summary>
    public const string AnchorKeyInvalid = "AUD005";
}
