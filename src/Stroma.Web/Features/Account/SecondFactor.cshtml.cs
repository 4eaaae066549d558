using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Account;

/// <summary>
/// The second step of sign-in for a user with an authenticator (after the password, or after single sign-on): a
/// six-digit TOTP code (RFC 6238, Identity's authenticator token provider) or one of the user's recovery codes, which
/// then stops working. Identity remembers the half-signed-in user in its two-factor cookie (five minutes); a wrong
/// code counts towards the account's lockout like a wrong password.
/// </summary>
[AllowAnonymous]
public sealed class SecondFactorModel(SignInManager<User> signIn, StromaDbContext db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public const string PagePath = "/account/sign-in/code";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "mfa.code")]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? LocalRedirect("/account/sign-in") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            // The two-factor cookie expired (five minutes) or never existed: start again with the password.
            return LocalRedirect("/account/sign-in");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var code = TwoFactorCodes.Compact(Code);
        var result = TwoFactorCodes.IsTotp(code)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (!result.Succeeded)
        {
            ModelState.AddModelError(nameof(Code), text["mfa.code_failed"]);
            return Page();
        }

        return LocalRedirect(await SignedIn.NextPageAsync(HttpContext, user, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null, db, clock));
    }
}

/// <summary>How a typed code is read: spaces and dashes ignored; six digits are a TOTP code, anything else a recovery code.</summary>
public static class TwoFactorCodes
{
    public static string Compact(string? code) => new([.. (code ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-')]);

    public static bool IsTotp(string compact) => compact is { Length: 6 } && compact.All(char.IsAsciiDigit);
}
