using System.Net;

namespace Stroma.Web.Hosting;

/// <summary>
/// Session, sign-in and proxy settings (configuration section <c>Security</c>; every value has a safe default).
/// What each one protects against: docs/security.md.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// A session ends this long after sign-in however active it is (OWASP ASVS 4.0.3 V3.3.2: re-authentication
    /// periodically); the sliding idle timeout (<see cref="StromaWebHost.SessionTimeout"/>) ends it sooner.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The first lockout after <see cref="StromaWebHost.MaxFailedSignIns"/> failures in a row; each further failure doubles it.</summary>
    public TimeSpan LockoutBase { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest lockout however many failures follow.</summary>
    public TimeSpan LockoutMaximum { get; set; } = TimeSpan.FromHours(1);

    public RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> headers are believed. Empty (the
    /// default): forwarded headers are ignored, so no client can claim to be HTTPS or another address.
    /// </summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of trusted reverse proxies, as <see cref="KnownProxies"/>.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>
    /// The roles whose holders must sign in with a second factor (TOTP), comma-separated: <c>Administrator</c> (an
    /// account with <c>IsAdministrator</c>) and any site role by name (<c>Investigator</c>, <c>CellLabQa</c>, ...).
    /// Default: the roles that sign (investigators sign visits) and administer. Empty: nobody is required (users may
    /// still enrol). A user holding such a role without an enrolled authenticator is sent to enrol before anything
    /// else (docs/security.md, "Multi-factor sign-in"). The demo sets it empty unless configured.
    /// </summary>
    public string RequireMfaForRoles { get; set; } = DefaultMfaRoles;

    public const string DefaultMfaRoles = "Investigator,Administrator";

    /// <summary>The word in <see cref="RequireMfaForRoles"/> for <c>User.IsAdministrator</c>.</summary>
    public const string AdministratorRole = "Administrator";

    /// <summary><see cref="RequireMfaForRoles"/> parsed: whether administrators need MFA, and which site roles.</summary>
    public (bool Administrators, IReadOnlySet<Stroma.Data.Model.SiteRole> SiteRoles) MfaRoles { get; private set; } = (true, new HashSet<Stroma.Data.Model.SiteRole> { Stroma.Data.Model.SiteRole.Investigator });

    internal static SecurityOptions Read(IConfiguration configuration, bool demo = false)
    {
        var options = configuration.GetSection(Section).Get<SecurityOptions>() ?? new SecurityOptions();
        if (demo && configuration[$"{Section}:{nameof(RequireMfaForRoles)}"] is null)
        {
            // The demo's one-time account would otherwise need an authenticator app before the first page (README).
            options.RequireMfaForRoles = "";
        }

        var administrators = false;
        var roles = new HashSet<Stroma.Data.Model.SiteRole>();
        foreach (var word in (options.RequireMfaForRoles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(word, AdministratorRole, StringComparison.OrdinalIgnoreCase))
            {
                administrators = true;
            }
            else if (Enum.TryParse<Stroma.Data.Model.SiteRole>(word, ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(word, out _))
            {
                roles.Add(role);
            }
            else
            {
                throw new InvalidOperationException($"{Section}:{nameof(RequireMfaForRoles)}: \"{word}\" is not a role; use {AdministratorRole} or "
                    + $"{string.Join(", ", Enum.GetNames<Stroma.Data.Model.SiteRole>())}, separated by commas (or nothing to require no one).");
            }
        }

        options.MfaRoles = (administrators, roles);
        if (options.SessionLifetime <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:SessionLifetime must be positive, not {options.SessionLifetime}.");
        }

        if (options.LockoutBase <= TimeSpan.Zero || options.LockoutMaximum < options.LockoutBase)
        {
            throw new InvalidOperationException($"{Section}:LockoutBase must be positive and {Section}:LockoutMaximum at least as long.");
        }

        foreach (var proxy in options.KnownProxies)
        {
            if (!IPAddress.TryParse(proxy, out _))
            {
                throw new InvalidOperationException($"{Section}:KnownProxies: \"{proxy}\" is not an IP address.");
            }
        }

        foreach (var network in options.KnownNetworks)
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                throw new InvalidOperationException($"{Section}:KnownNetworks: \"{network}\" is not a network in CIDR form (e.g. 10.0.0.0/8).");
            }
        }

        return options;
    }
}

/// <summary>
/// Request rates (ASP.NET Core's rate limiter, fixed one-minute windows). Over a limit the answer is 429 with a page
/// in the user's language. Sign-in is limited per client address and per account name, every other POST per user
/// (or per address before sign-in).
/// </summary>
public sealed class RateLimitSettings
{
    /// <summary>Off only for load tests; on by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sign-in attempts per client address per minute.</summary>
    public int SignInPerAddress { get; set; } = 20;

    /// <summary>Sign-in attempts per account name per minute (whatever the address).</summary>
    public int SignInPerAccount { get; set; } = 10;

    /// <summary>Form posts and API writes per signed-in user (or per address) per minute.</summary>
    public int PostsPerClient { get; set; } = 120;
}
