using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;

namespace Stroma.Web.Hosting;

/// <summary>
/// ASP.NET Core's rate limiter (<see cref="RateLimitSettings"/>; OWASP ASVS 4.0.3 V2.2.1, V11.1.4): every request that
/// changes something (any method but GET, HEAD, OPTIONS) counts against its signed-in user, or its client address
/// before sign-in; sign-in posts count against the address with a lower limit. The per-account sign-in limit needs the
/// posted user name, so the sign-in page asks <see cref="SignInThrottle"/> itself. Over a limit: 429, shown by the
/// status page in the user's language.
/// </summary>
internal static class RateLimits
{
    public static void Add(IServiceCollection services, RateLimitSettings settings)
    {
        services.AddSingleton(new SignInThrottle(settings));
        if (!settings.Enabled)
        {
            return;
        }

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var method = context.Request.Method;
                if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
                {
                    return RateLimitPartition.GetNoLimiter("read");
                }

                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                // The password and the second-factor code (/account/sign-in/code) share the sign-in limit.
                if (context.Request.Path.StartsWithSegments("/account/sign-in", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(context.Request.Query["handler"], "SignOut", StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetFixedWindowLimiter("sign-in:" + address, _ => Window(settings.SignInPerAddress));
                }

                var client = context.User.Identity?.IsAuthenticated == true ? "user:" + context.User.Identity.Name : "address:" + address;
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => Window(settings.PostsPerClient));
            });
        });
    }

    internal static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>Sign-in attempts per account name per minute, whatever the client address (<see cref="RateLimitSettings.SignInPerAccount"/>).</summary>
public sealed class SignInThrottle(RateLimitSettings settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string>? limiter = settings.Enabled
        ? PartitionedRateLimiter.Create<string, string>(name => RateLimitPartition.GetFixedWindowLimiter(name, _ => RateLimits.Window(settings.SignInPerAccount)))
        : null;

    private readonly UpperInvariantLookupNormalizer normalizer = new();

    /// <summary>False when the account name has had too many attempts this minute (the attempt is then not made).</summary>
    public bool TryAcquire(string userName)
    {
        if (limiter is null)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(normalizer.NormalizeName(userName) ?? "", 1);
        return lease.IsAcquired;
    }

    public void Dispose() => limiter?.Dispose();

    /// <summary>For logs: the limit in words.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{settings.SignInPerAccount} sign-ins per account per minute");
}
