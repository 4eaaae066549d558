using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stroma.Data;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Single sign-on (OpenID Connect, <see cref="OidcSettings"/>): <c>GET /account/sso</c> sends the browser to the
/// hospital's identity provider; its answer comes back here (<c>handler=Callback</c>), where the configured claim must
/// name an existing Stroma account that is active (not disabled, not locked out) and has a Stroma password (which
/// signatures still ask for). Anyone else gets a refusal page that says which name was looked for; no account is ever
/// created. An enrolled user then gives their TOTP code unless the provider reported a multi-factor sign-in.
/// </summary>
[AllowAnonymous]
public sealed class SsoModel(OidcSettings settings, StromaSignInManager signIn, StromaDbContext db, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The name the provider gave (shown when refused).</summary>
    public string? ClaimedName { get; private set; }

    public string ClaimType => settings.ClaimType;

    /// <summary>True when the provider's answer was an error or could not be validated.</summary>
    public bool Failed { get; private set; }

    /// <summary>Where the signed-in user goes next (a same-site step: see <see cref="OnGetCallbackAsync"/>).</summary>
    public string? Next { get; private set; }

    public IActionResult OnGet(bool failed = false)
    {
        if (!settings.Enabled)
        {
            return NotFound();
        }

        if (failed)
        {
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        var callback = "/account/sso?handler=Callback" + (Url.IsLocalUrl(ReturnUrl) ? "&returnUrl=" + Uri.EscapeDataString(ReturnUrl) : "");
        return Challenge(new AuthenticationProperties { RedirectUri = callback }, SingleSignOn.Scheme);
    }

    public async Task<IActionResult> OnGetCallbackAsync()
    {
        if (!settings.Enabled)
        {
            return NotFound();
        }

        var external = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded || external.Principal is null)
        {
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        ClaimedName = external.Principal.FindFirst(settings.ClaimType)?.Value?.Trim();
        var user = string.IsNullOrEmpty(ClaimedName) ? null : await signIn.UserManager.FindByNameAsync(ClaimedName);
        if (user is null || user.DisabledAt is not null || user.PasswordHash is null)
        {
            return Refused();
        }

        var providerDidMfa = settings.TrustProviderMfa && external.Principal.HasClaim(MfaRequired.MethodsClaim, MfaRequired.MultiFactor);
        var result = await signIn.SingleSignOnAsync(user, providerDidMfa);
        var local = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null;
        if (result.RequiresTwoFactor)
        {
            return LocalRedirect(SecondFactorModel.PagePath + (local is not null ? "?returnUrl=" + Uri.EscapeDataString(local) : ""));
        }

        if (!result.Succeeded)
        {
            return Refused();
        }

        // The browser arrived here at the end of redirects that began at the provider (another site), so it would not
        // send the SameSite=Strict session cookie on a further redirect; a page that moves on by itself is a same-site step.
        Next = await SignedIn.NextPageAsync(HttpContext, user, local, db, clock);
        return Page();
    }

    private PageResult Refused()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}
