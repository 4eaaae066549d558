using Stroma.Data.Audit;

namespace Stroma.Data.Model;

/// <summary>A participating hospital or centre.</summary>
public sealed class Site : TrackedRecord
{
    /// <summary>Short stable code, unique in the registry (e.g. <c>NJ-DT</c>).</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public string? Country { get; set; }

    public List<Laboratory> Laboratories { get; } = [];
}

/// <summary>A laboratory that reports results for a site (its reference ranges belong to it).</summary>
public sealed class Laboratory : TrackedRecord
{
    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    /// <summary>Code unique within its site.</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";
}

/// <summary>
/// A person who signs in (ASP.NET Core Identity stores its credential fields here, see Stroma.Web's user store); what
/// they may see and do comes from their <see cref="Membership"/>s, and <see cref="IsAdministrator"/> lets them manage
/// sites and accounts. Users are disabled, never deleted: the audit trail names them.
/// </summary>
public sealed class User : TrackedRecord
{
    /// <summary>Unique sign-in name; also the "who" of the audit trail.</summary>
    public string UserName { get; set; } = "";

    /// <summary>Identity's normalised form of <see cref="UserName"/> (upper case), used for lookups.</summary>
    public string NormalizedUserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>Identity's salted PBKDF2 hash; null for a user who cannot sign in. Never written to the audit trail.</summary>
    [AuditRedacted]
    public string? PasswordHash { get; set; }

    /// <summary>Changes when the credentials change, which signs out every other session. Never audited in clear.</summary>
    [AuditRedacted]
    public string? SecurityStamp { get; set; }

    /// <summary>Locked out until this instant after repeated failed sign-ins.</summary>
    public DateTimeOffset? LockoutEnd { get; set; }

    public int AccessFailedCount { get; set; }

    /// <summary>Manages sites and accounts. Seeing clinical data still needs a membership at the site.</summary>
    public bool IsAdministrator { get; set; }

    /// <summary>The user's UI language (<c>en</c> or <c>zh-CN</c>); null follows the browser.</summary>
    public string? Language { get; set; }

    /// <summary>A disabled user cannot sign in (accounts are disabled, never deleted).</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>
    /// The password was set by an administrator (a new account or a reset): until the user chooses their own, every
    /// page but the password page is refused, so an administrator never knows a password that can sign.
    /// </summary>
    public bool MustChangePassword { get; set; }

    /// <summary>
    /// The shared secret of the user's authenticator app (TOTP, RFC 6238), base32 as Identity's authenticator token
    /// provider reads it; null until the user starts enrolment. A secret: never written to the audit trail in clear.
    /// </summary>
    [AuditRedacted]
    public string? AuthenticatorKey { get; set; }

    /// <summary>
    /// The RFC 6238 time step (Unix seconds / 30) of the last authenticator code accepted for this user: a code of that
    /// step or an earlier one is refused, so each code is used once (OWASP ASVS 4.0.3 V2.8.4). Null until a code is
    /// used, and again when the key changes.
    /// </summary>
    public long? AuthenticatorLastStep { get; set; }

    /// <summary>Sign-in asks for a second factor (a TOTP code or a recovery code) after the password.</summary>
    public bool TwoFactorEnabled { get; set; }

    /// <summary>
    /// The unused recovery codes, each stored as its SHA-256 hash (hex, separated by <c>;</c>): the codes themselves are
    /// shown to the user once and kept nowhere. A used code is removed. Never audited in clear.
    /// </summary>
    [AuditRedacted]
    public string? RecoveryCodeHashes { get; set; }

    public List<Membership> Memberships { get; } = [];
}

/// <summary>What a user does at a site (what each role may do: <c>Stroma.Data.Access.AccessPolicy</c>).</summary>
public enum SiteRole
{
    /// <summary>A physician: reads and records the site's clinical data and signs visits.</summary>
    Investigator,

    /// <summary>A study coordinator: reads and records the site's clinical data; cannot sign.</summary>
    Coordinator,

    /// <summary>Like a coordinator (data entry and cleaning); cannot sign.</summary>
    DataManager,

    /// <summary>Reads the site's clinical data and its audit trail; changes nothing.</summary>
    Monitor,

    /// <summary>Cell-lab quality assurance: registers, tests, releases and rejects lots and records custody.</summary>
    CellLabQa,

    /// <summary>Sees de-identified data only: the study report and de-identified exports of the site.</summary>
    Statistician,
}

/// <summary>A user's role at one site, from a date, until it ends (memberships are ended, never deleted).</summary>
public sealed class Membership : TrackedRecord
{
    public Guid UserId { get; set; }

    public User? User { get; set; }

    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    public SiteRole Role { get; set; }

    public DateOnly StartDate { get; set; }

    public DateOnly? EndDate { get; set; }
}
