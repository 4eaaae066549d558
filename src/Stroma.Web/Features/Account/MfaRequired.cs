using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Multi-factor sign-in for the roles that sign or administer (OWASP ASVS 4.0.3 V2.7/V2.8, NIST SP 800-63B AAL2;
/// <see cref="SecurityOptions.RequireMfaForRoles"/>): a session of a user holding such a role that was not confirmed
/// with a second factor (no <c>amr</c> = <c>mfa</c> claim: a TOTP or recovery code at sign-in, at enrolment, or the
/// hospital's identity provider saying so) opens only the two-factor page, sign-out, the language switch and the status
/// pages. Pages redirect there; the API and other posts answer 403. Runs after <see cref="PasswordChangeRequired"/>, so
/// a forced password change comes first.
/// </summary>
public sealed class MfaRequired(RequestDelegate next)
{
    /// <summary>
    /// Set by <see cref="StromaClaimsFactory"/> when one of the user's roles requires a second factor: <see cref="Enrol"/>
    /// while the user has no authenticator (whatever the session), <see cref="Confirm"/> once they have one.
    /// </summary>
    public const string ClaimType = "stroma.mfa_required";

    public const string Enrol = "enrol";

    public const string Confirm = "confirm";

    /// <summary>The authentication-methods claim (RFC 8176) Identity adds after a second factor, as OpenID Connect names it.</summary>
    public const string MethodsClaim = "amr";

    public const string MultiFactor = "mfa";

    public const string PagePath = "/account/two-factor";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Pending(context.User) && !Allowed(context.Request))
        {
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase) || !HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }

            var back = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect(PagePath + (back == "/" ? "" : "?returnUrl=" + Uri.EscapeDataString(back)));
            return Task.CompletedTask;
        }

        return next(context);
    }

    /// <summary>True while the user must still enrol, or confirm this session with a second factor.</summary>
    public static bool Pending(ClaimsPrincipal user) =>
        user is not null && (user.HasClaim(ClaimType, Enrol) || (user.HasClaim(ClaimType, Confirm) && !Confirmed(user)));

    /// <summary>True when this session was confirmed with a second factor.</summary>
    public static bool Confirmed(ClaimsPrincipal user) => user?.HasClaim(MethodsClaim, MultiFactor) == true;

    /// <summary>True when <paramref name="user"/> holds, today, a role that <paramref name="security"/> requires MFA for.</summary>
    public static async Task<bool> ForUserAsync(StromaDbContext db, SecurityOptions security, User user, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(clock);
        var (administrators, roles) = security.MfaRoles;
        if (administrators && user.IsAdministrator)
        {
            return true;
        }

        if (roles.Count == 0)
        {
            return false;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var required = roles.ToList();
        return await db.Memberships.AnyAsync(m => m.UserId == user.Id && required.Contains(m.Role)
            && m.StartDate <= today && (m.EndDate == null || m.EndDate >= today));
    }

    private static bool Allowed(HttpRequest request) =>
        request.Path.Equals(PagePath, StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/language", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/status", StringComparison.OrdinalIgnoreCase)
        || (request.Path.Equals("/account/sign-in", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(request.Method)
            && string.Equals(request.Query["handler"], "SignOut", StringComparison.OrdinalIgnoreCase));
}
