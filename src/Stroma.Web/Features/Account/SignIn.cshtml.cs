using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Sign-in through ASP.NET Core Identity: failures count towards the lockout, which backs off
/// (<see cref="StromaUserManager"/>). Every refusal (unknown name, wrong password, no password, disabled, locked) gives
/// the same message and costs the same password-hash work (<see cref="DummyCredential"/>), so neither the page nor its
/// timing tells which user names exist. Signing out changes the security stamp, which ends every session of the user
/// (a copied cookie stops working). The user's saved language becomes the UI language.
/// </summary>
[AllowAnonymous]
public sealed class SignInModel(SignInManager<User> signIn, StromaDbContext db, TimeProvider clock, IStringLocalizer<Text> text,
    IPasswordHasher<User> hasher, DummyCredential dummy, SignInThrottle throttle) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "account.user_name")]
    public string UserName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [DataType(DataType.Password)]
    [Display(Name = "account.password")]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!throttle.TryAcquire(UserName.Trim()))
        {
            // Too many attempts at this account name this minute, from anywhere: 429, the status page explains.
            return StatusCode(StatusCodes.Status429TooManyRequests);
        }

        var user = await signIn.UserManager.FindByNameAsync(UserName.Trim());
        if (user?.PasswordHash is null)
        {
            // An unknown name, or a seeded account that never had a password: the same work and answer as a wrong password.
            dummy.Verify(hasher, Password);
            return Refused();
        }

        var result = await signIn.PasswordSignInAsync(user, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut || result.IsNotAllowed)
        {
            // Identity refuses these before checking the password: spend the same work, say the same thing.
            dummy.Verify(hasher, Password);
        }

        if (result.RequiresTwoFactor)
        {
            // The password was right; Identity holds the user in its two-factor cookie until a code is given.
            return LocalRedirect(SecondFactorModel.PagePath + (Url.IsLocalUrl(ReturnUrl) ? "?returnUrl=" + Uri.EscapeDataString(ReturnUrl) : ""));
        }

        if (!result.Succeeded)
        {
            return Refused();
        }

        return LocalRedirect(await SignedIn.NextPageAsync(HttpContext, user, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null, db, clock));
    }

    private PageResult Refused()
    {
        ModelState.AddModelError("", text["account.failed"]);
        return Page();
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        // A new security stamp invalidates every cookie issued to this user, not only this browser's (a stolen or
        // copied cookie dies with the sign-out).
        if (User.Identity?.IsAuthenticated == true && await signIn.UserManager.GetUserAsync(User) is { } user)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return LocalRedirect("/");
    }
}

/// <summary>What follows a completed sign-in (password, second factor or single sign-on), written once.</summary>
public static class SignedIn
{
    /// <summary>
    /// Makes the user's saved language the UI language and says where to go: the password page when an administrator
    /// set the password, else <paramref name="localReturnUrl"/> (a path already checked with <c>Url.IsLocalUrl</c>, or
    /// null), else the first page the user's roles open.
    /// </summary>
    public static async Task<string> NextPageAsync(HttpContext context, User user, string? localReturnUrl, StromaDbContext db, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        if (user.Language is { } language && StromaWebHost.Cultures.Any(c => c.Name == language))
        {
            Language.IndexModel.WriteCultureCookie(context.Response, language);
        }

        if (user.MustChangePassword)
        {
            return PasswordChangeRequired.PagePath + (localReturnUrl is not null ? "?returnUrl=" + Uri.EscapeDataString(localReturnUrl) : "");
        }

        return localReturnUrl ?? await LandingPageAsync(user.UserName, db, clock, context.RequestAborted);
    }

    /// <summary>Where a user lands after signing in without a return address: the first page their roles open.</summary>
    private static async Task<string> LandingPageAsync(string userName, StromaDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var access = await UserAccess.LoadAsync(db, userName, today, cancellationToken);
        // Coordinators start from what is due at their sites (issue #14); everyone else keeps the first page their roles open.
        var coordinator = await db.Memberships.AnyAsync(m => m.User!.UserName == userName && m.Role == SiteRole.Coordinator
            && m.StartDate <= today && (m.EndDate == null || m.EndDate >= today), cancellationToken);
        return coordinator && access.CanAnywhere(Capability.ReadClinical) ? "/worklist"
            : access.CanAnywhere(Capability.ReadClinical) ? "/patients"
            : access.CanAnywhere(Capability.ManageLots) ? "/lots"
            : access.CanAnywhere(Capability.ReadDeidentified) ? "/reports"
            : access.IsAdministrator ? "/admin/users"
            : "/";
    }

}
