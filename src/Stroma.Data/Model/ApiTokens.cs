using Stroma.Data.Audit;

namespace Stroma.Data.Model;

/// <summary>
/// A personal API token (docs/security.md, "API tokens"): a user makes one for a script that calls the FHIR API
/// (<c>Authorization: Bearer</c>). The token is shown once and kept nowhere: Stroma stores only its
/// <see cref="Prefix"/> (to find it) and the SHA-256 hash of its 256-bit random secret. A token acts as its user, with
/// the user's roles and sites as they are at each request; it ends at <see cref="ExpiresAt"/> or when revoked (tokens
/// are revoked, never deleted: the audit trail names them). Creating and revoking are audited like every record; use
/// only moves <see cref="LastUsedAt"/>, written outside the audit trail at most once a minute.
/// </summary>
public sealed class ApiToken : TrackedRecord
{
    public Guid UserId { get; set; }

    public User? User { get; set; }

    /// <summary>The user's name for it (what the script is), 1 to 100 characters.</summary>
    public string Name { get; set; } = "";

    /// <summary>The token's first part (<c>stp_</c> and 16 hexadecimal digits): not secret, unique, used to find it.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the secret part, hexadecimal. Never written to the audit trail in clear.</summary>
    [AuditRedacted]
    public string SecretHash { get; set; } = "";

    /// <summary>The instant after which the token no longer authenticates (at most a year after its creation).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the user revoked it (null while it is live).</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// The session that made it was confirmed with a second factor, so the token carries that confirmation (a user
    /// whose role requires a second factor cannot use a token made in a session without one).
    /// </summary>
    public bool MadeWithSecondFactor { get; set; }

    /// <summary>The last request it authenticated, to the minute (not audited: use is not a change to the record).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}
