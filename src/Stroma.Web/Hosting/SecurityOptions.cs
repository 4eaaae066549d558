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

    internal static SecurityOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<SecurityOptions>() ?? new SecurityOptions();
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
