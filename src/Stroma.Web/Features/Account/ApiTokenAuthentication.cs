using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Personal API tokens for the FHIR API (docs/security.md, "API tokens"): on a request under <c>/fhir</c> that carries
/// <c>Authorization: Bearer &lt;token&gt;</c>, the token alone decides who the caller is (a session cookie sent with it
/// is ignored). A token that authenticates (<see cref="ApiTokens.AuthenticateAsync"/>: known, secret matching, neither
/// revoked nor expired, its user enabled) makes the request its user's, with the claims a session of that user gets
/// (<see cref="StromaClaimsFactory"/>, rebuilt on every request, so the forced password change and the second-factor
/// requirement apply; <c>amr</c> = <c>mfa</c> when the token was made in a session confirmed by a second factor).
/// Roles and sites are then loaded from the database by <see cref="AccessMiddleware"/> as for every request. Any
/// other token leaves the request anonymous (the API answers 401), and counts against the client address's sign-in
/// limit (<see cref="RateLimitSettings.SignInPerAddress"/> a minute): past it, bearer requests from the address get
/// 429 until the minute ends. Pages never take a token. Runs after the cookie authentication.
/// </summary>
public sealed class ApiTokenAuthentication(RequestDelegate next, SecurityOptions security) : IDisposable
{
    /// <summary>The claim naming the token's prefix (not secret) on a token-authenticated request.</summary>
    public const string PrefixClaim = "stroma.api_token";

    private readonly PartitionedRateLimiter<string>? failures = security.RateLimits.Enabled
        ? PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => RateLimits.Window(security.RateLimits.SignInPerAddress)))
        : null;

    public async Task InvokeAsync(HttpContext context, StromaDbContext db, IUserClaimsPrincipalFactory<User> claims)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(claims);
        if (!context.Request.Path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase)
            || context.Request.Headers.Authorization.ToString() is not { Length: > 0 } header
            || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (failures?.GetStatistics(address) is { CurrentAvailablePermits: <= 0 })
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        var found = await ApiTokens.AuthenticateAsync(db, header["Bearer ".Length..].Trim(), context.RequestAborted);
        if (found is null)
        {
            using var lease = failures?.AttemptAcquire(address);
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
        else
        {
            var principal = await claims.CreateAsync(found.User);
            var identity = (ClaimsIdentity)principal.Identity!;
            identity.AddClaim(new Claim(PrefixClaim, found.Prefix));
            if (found.MadeWithSecondFactor && !MfaRequired.Confirmed(principal))
            {
                identity.AddClaim(new Claim(MfaRequired.MethodsClaim, MfaRequired.MultiFactor));
            }

            context.User = principal;
        }

        await next(context);
    }

    public void Dispose() => failures?.Dispose();
}
