using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Sign-in. Only the demo account exists so far (<c>--demo</c>); without it every attempt is refused with the reason.
/// Failures count towards the lockout; the message never says whether the user name exists.
/// </summary>
public sealed class SignInModel(SignInThrottle throttle, IStringLocalizer<Text> text, DemoMode? demo = null) : PageModel
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

    public bool AccountsAvailable => demo is not null;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (demo is null)
        {
            ModelState.AddModelError("", text["account.unavailable"]);
            return Page();
        }

        if (throttle.IsLockedOut(UserName))
        {
            ModelState.AddModelError("", text["account.locked", (int)SignInThrottle.LockoutDuration.TotalMinutes]);
            return Page();
        }

        if (!string.Equals(UserName, DemoMode.UserName, StringComparison.Ordinal) || !demo.Verify(Password))
        {
            throttle.Failed(UserName);
            ModelState.AddModelError("", text["account.failed"]);
            return Page();
        }

        throttle.Succeeded(UserName);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, DemoMode.UserName), new Claim(ClaimTypes.Role, "demo")],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/patients");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect("/");
    }
}
