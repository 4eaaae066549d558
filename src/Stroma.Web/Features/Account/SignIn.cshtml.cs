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
/// Sign-in through ASP.NET Core Identity: failures count towards the lockout (<see cref="StromaWebHost.MaxFailedSignIns"/>
/// in a row lock the account for <see cref="StromaWebHost.LockoutDuration"/>); the message never says whether the user
/// name exists. The user's saved language becomes the UI language.
/// </summary>
[AllowAnonymous]
public sealed class SignInModel(SignInManager<User> signIn, StromaDbContext db, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
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

        var result = await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            ModelState.AddModelError("", text["account.locked", (int)StromaWebHost.LockoutDuration.TotalMinutes]);
            return Page();
        }

        if (!result.Succeeded)
        {
            ModelState.AddModelError("", text["account.failed"]);
            return Page();
        }

        var user = await signIn.UserManager.FindByNameAsync(UserName.Trim());
        if (user?.Language is { } language && StromaWebHost.Cultures.Any(c => c.Name == language))
        {
            Language.IndexModel.WriteCultureCookie(Response, language);
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : await LandingPageAsync(UserName.Trim()));
    }

    /// <summary>Where a user lands after signing in without a return address: the first page their roles open.</summary>
    private async Task<string> LandingPageAsync(string userName)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var access = await UserAccess.LoadAsync(db, userName, today, HttpContext.RequestAborted);
        // Coordinators start from what is due at their sites (issue #14); everyone else keeps the first page their roles open.
        var coordinator = await db.Memberships.AnyAsync(m => m.User!.UserName == userName && m.Role == SiteRole.Coordinator
            && m.StartDate <= today && (m.EndDate == null || m.EndDate >= today), HttpContext.RequestAborted);
        return coordinator && access.CanAnywhere(Capability.ReadClinical) ? "/worklist"
            : access.CanAnywhere(Capability.ReadClinical) ? "/patients"
            : access.CanAnywhere(Capability.ManageLots) ? "/lots"
            : access.CanAnywhere(Capability.ReadDeidentified) ? "/reports"
            : access.IsAdministrator ? "/admin/users"
            : "/";
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/");
    }
}
