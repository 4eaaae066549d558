using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Separation of duties (21 CFR 11.300(b); OWASP ASVS 4.0.3 V2.1.x): a password set by an administrator (a new
/// account or a reset) opens only the password page, sign-out, the language switch and static files until the user
/// has chosen their own. Pages redirect there; the API answers 403. The flag travels as a claim that the
/// security-stamp check rebuilds from the database on every request (<see cref="StromaClaimsFactory"/>).
/// </summary>
public sealed class PasswordChangeRequired(RequestDelegate next)
{
    public const string ClaimType = "stroma.must_change_password";

    public const string PagePath = "/account/password";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.HasClaim(ClaimType, "true") && !Allowed(context.Request))
        {
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase)
                || !HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            }

            context.Response.Redirect(PagePath);
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static bool Allowed(HttpRequest request) =>
        request.Path.Equals(PagePath, StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/language", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/status", StringComparison.OrdinalIgnoreCase)
        || (request.Path.Equals("/account/sign-in", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(request.Method)
            && string.Equals(request.Query["handler"], "SignOut", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Identity's principal plus the <see cref="PasswordChangeRequired"/> claim when the user must change their password,
/// and the <see cref="MfaRequired"/> claim when one of their roles requires a second factor
/// (<see cref="SecurityOptions.RequireMfaForRoles"/>). The security-stamp check rebuilds it on every request, so a role
/// granted later takes effect at once.
/// </summary>
public sealed class StromaClaimsFactory(UserManager<User> users, IOptions<IdentityOptions> options, StromaDbContext db, SecurityOptions security,
    TimeProvider clock) : UserClaimsPrincipalFactory<User>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(PasswordChangeRequired.ClaimType, "true"));
        }

        if (await MfaRequired.ForUserAsync(db, security, user, clock))
        {
            identity.AddClaim(new Claim(MfaRequired.ClaimType, user.TwoFactorEnabled ? MfaRequired.Confirm : MfaRequired.Enrol));
        }

        return identity;
    }
}
