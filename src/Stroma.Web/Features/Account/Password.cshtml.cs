using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Data.Model;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Any signed-in user changes their own password (the current one re-entered). The new security stamp ends the
/// user's other sessions; this one is renewed. After an administrator set the password, this page is the only one the
/// user can open until they chose their own (<see cref="PasswordChangeRequired"/>).
/// </summary>
public sealed class PasswordModel(SignInManager<User> signIn, IStringLocalizer<Text> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [DataType(DataType.Password)]
    [Display(Name = "account.current_password")]
    public string CurrentPassword { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [DataType(DataType.Password)]
    [Display(Name = "account.new_password")]
    public string NewPassword { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [DataType(DataType.Password)]
    [Compare(nameof(NewPassword), ErrorMessage = "account.passwords_differ")]
    [Display(Name = "account.confirm_password")]
    public string ConfirmPassword { get; set; } = "";

    /// <summary>Where to go after a required change (the page first asked for at sign-in).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>True after a successful change (the page says so).</summary>
    public bool Changed { get; private set; }

    /// <summary>True while the password was set by an administrator and not yet changed.</summary>
    public bool Required { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Required = user.MustChangePassword;
        Changed = Request.Query.ContainsKey("changed");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Required = user.MustChangePassword;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (NewPassword == CurrentPassword)
        {
            ModelState.AddModelError(nameof(NewPassword), text["account.password_unchanged"]);
            return Page();
        }

        user.MustChangePassword = false;
        var result = await signIn.UserManager.ChangePasswordAsync(user, CurrentPassword, NewPassword);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                var field = error.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? nameof(CurrentPassword) : nameof(NewPassword);
                ModelState.AddModelError(field, error.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? text["account.current_password_wrong"] : IdentityText.Describe(text, error));
            }

            return Page();
        }

        // The stamp changed: renew this session's cookie so only the other sessions end.
        await signIn.RefreshSignInAsync(user);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/account/password?changed");
    }
}
