using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Account;

/// <summary>
/// The user's second factor (docs/security.md, "Multi-factor sign-in"): enrol an authenticator app (the shared key as
/// text and as an <c>otpauth://</c> URI; a code from the app proves it was added), receive ten recovery codes shown this
/// once and kept only as hashes, replace the recovery codes, or replace the authenticator (a new phone). A user whose
/// role requires MFA is sent here before any other page (<see cref="MfaRequired"/>); an enrolled user whose session was
/// not confirmed with a second factor confirms it here. Every action needs a current code from the app; wrong codes
/// count towards the account's lockout.
/// </summary>
public sealed class TwoFactorModel(SignInManager<User> signIn, StromaDbContext db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    /// <summary>How many recovery codes a user gets at a time.</summary>
    public const int RecoveryCodeCount = 10;

    /// <summary>The name authenticator apps show for the account (the <c>otpauth://</c> issuer).</summary>
    public const string Issuer = "Stroma";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "mfa.code")]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Enrolled { get; private set; }

    /// <summary>True when this session was confirmed with a second factor.</summary>
    public bool SessionConfirmed { get; private set; }

    /// <summary>True when one of the user's roles requires a second factor.</summary>
    public bool Required { get; private set; }

    /// <summary>The shared key, grouped by four for typing (only while enrolling).</summary>
    public string? Key { get; private set; }

    /// <summary>The key as an <c>otpauth://totp/</c> URI (Google Authenticator key-URI format) for apps that take a link.</summary>
    public string? KeyUri { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>New recovery codes, shown on this answer only.</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!user.TwoFactorEnabled && string.IsNullOrEmpty(user.AuthenticatorKey))
        {
            // A new key is not a credential change yet (it works only once a code proves it): other sessions stay.
            user.AuthenticatorKey = signIn.UserManager.GenerateNewAuthenticatorKey();
            user.AuthenticatorLastStep = null;
            await signIn.UserManager.UpdateAsync(user);
        }

        await ShowAsync(user);
        return Page();
    }

    /// <summary>Enrolment: the first code from the app turns the second factor on and issues the recovery codes.</summary>
    public async Task<IActionResult> OnPostEnableAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (user.TwoFactorEnabled || string.IsNullOrEmpty(user.AuthenticatorKey))
        {
            return LocalRedirect(MfaRequired.PagePath);
        }

        if (!ModelState.IsValid || !await VerifyAsync(user, allowRecoveryCode: false))
        {
            await ShowAsync(user);
            return Page();
        }

        // Changes the security stamp: the user's other sessions end; this one is renewed, confirmed by this code.
        await signIn.UserManager.SetTwoFactorEnabledAsync(user, true);
        var codes = await signIn.UserManager.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
        await ConfirmSessionAsync(user);
        NewRecoveryCodes = [.. codes ?? []];
        await ShowAsync(user, confirmed: true);
        return Page();
    }

    /// <summary>An enrolled user confirms this session with a code (TOTP or a recovery code), then goes on.</summary>
    public async Task<IActionResult> OnPostConfirmAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!user.TwoFactorEnabled)
        {
            return LocalRedirect(MfaRequired.PagePath);
        }

        if (!ModelState.IsValid || !await VerifyAsync(user, allowRecoveryCode: true))
        {
            await ShowAsync(user);
            return Page();
        }

        await ConfirmSessionAsync(user);
        return LocalRedirect(await SignedIn.NextPageAsync(HttpContext, user, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null, db, clock));
    }

    /// <summary>New recovery codes (the old ones stop working), shown once.</summary>
    public async Task<IActionResult> OnPostRecoveryCodesAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!user.TwoFactorEnabled)
        {
            return LocalRedirect(MfaRequired.PagePath);
        }

        if (!ModelState.IsValid || !await VerifyAsync(user, allowRecoveryCode: false))
        {
            await ShowAsync(user);
            return Page();
        }

        NewRecoveryCodes = [.. await signIn.UserManager.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        await ShowAsync(user);
        return Page();
    }

    /// <summary>
    /// Replaces the authenticator (a new phone): the second factor is turned off and the key and recovery codes
    /// discarded; the page then shows a new key. A user whose role requires MFA can open nothing else until re-enrolled.
    /// </summary>
    public async Task<IActionResult> OnPostResetAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!user.TwoFactorEnabled)
        {
            return LocalRedirect(MfaRequired.PagePath);
        }

        if (!ModelState.IsValid || !await VerifyAsync(user, allowRecoveryCode: true))
        {
            await ShowAsync(user);
            return Page();
        }

        user.AuthenticatorKey = null;
        user.AuthenticatorLastStep = null;
        user.RecoveryCodeHashes = null;
        await signIn.UserManager.SetTwoFactorEnabledAsync(user, false);
        await signIn.RefreshSignInAsync(user);
        return LocalRedirect(MfaRequired.PagePath + (Url.IsLocalUrl(ReturnUrl) ? "?returnUrl=" + Uri.EscapeDataString(ReturnUrl!) : ""));
    }

    /// <summary>
    /// Checks <see cref="Code"/> against the user's authenticator (or, when allowed, a recovery code, which is then
    /// used up). A locked-out account is refused without checking; a wrong code counts towards the lockout.
    /// </summary>
    private async Task<bool> VerifyAsync(User user, bool allowRecoveryCode)
    {
        var users = signIn.UserManager;
        var code = TwoFactorCodes.Compact(Code);
        var ok = !await users.IsLockedOutAsync(user)
            && (TwoFactorCodes.IsTotp(code)
                ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code)
                : allowRecoveryCode && (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded);
        if (ok)
        {
            await users.ResetAccessFailedCountAsync(user);
            return true;
        }

        await users.AccessFailedAsync(user);
        ModelState.AddModelError(nameof(Code), text["mfa.code_failed"]);
        return false;
    }

    /// <summary>Re-issues this session's cookie (same sign-in instant) with <c>amr</c> = <c>mfa</c>.</summary>
    private async Task ConfirmSessionAsync(User user)
    {
        var current = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var claims = new List<Claim> { new(MfaRequired.MethodsClaim, MfaRequired.MultiFactor) };
        if (current.Principal?.FindFirst(ClaimTypes.AuthenticationMethod) is { } method)
        {
            claims.Add(new Claim(ClaimTypes.AuthenticationMethod, method.Value));
        }

        await signIn.SignInWithClaimsAsync(user, current.Properties, claims);
    }

    private async Task ShowAsync(User user, bool? confirmed = null)
    {
        Enrolled = user.TwoFactorEnabled;
        SessionConfirmed = confirmed ?? MfaRequired.Confirmed(User);
        Required = User.HasClaim(c => c.Type == MfaRequired.ClaimType);
        RecoveryCodesLeft = await signIn.UserManager.CountRecoveryCodesAsync(user);
        if (!user.TwoFactorEnabled && user.AuthenticatorKey is { } key)
        {
            Key = string.Join(' ', key.Chunk(4).Select(c => new string(c)));
            KeyUri = $"otpauth://totp/{Uri.EscapeDataString(Issuer + ":" + user.UserName)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30";
        }
    }
}
