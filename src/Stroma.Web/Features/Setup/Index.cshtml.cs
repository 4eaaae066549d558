using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Features.Account;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Setup;

/// <summary>
/// First start: creates the administrator. Open only while no account exists, and only with the one-time setup code
/// printed on the server's console (<see cref="FirstRun"/>); afterwards it answers 404.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(FirstRun firstRun, StromaDbContext db, UserManager<User> users, SignInManager<User> signIn,
    IStringLocalizer<Text> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "setup.code")]
    public string Code { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [StringLength(128, ErrorMessage = "validation.too_long")]
    [Display(Name = "account.user_name")]
    public string UserName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [StringLength(200, ErrorMessage = "validation.too_long")]
    [Display(Name = "account.display_name")]
    public string DisplayName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [DataType(DataType.Password)]
    [Display(Name = "account.password")]
    public string Password { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [DataType(DataType.Password)]
    [Compare(nameof(Password), ErrorMessage = "account.passwords_differ")]
    [Display(Name = "account.confirm_password")]
    public string ConfirmPassword { get; set; } = "";

    public IActionResult OnGet() => firstRun.HasAccounts ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (firstRun.HasAccounts || await FirstRun.AnyAccountAsync(db, cancellationToken))
        {
            firstRun.AccountsExist();
            return NotFound();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (!firstRun.CodeMatches(Code))
        {
            ModelState.AddModelError(nameof(Code), text["setup.wrong_code"]);
            return Page();
        }

        var result = await FirstRun.CreateAdministratorAsync(users, UserName.Trim(), DisplayName.Trim(), Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(nameof(Password), IdentityText.Describe(text, error));
            }

            return Page();
        }

        firstRun.AccountsExist();
        await signIn.PasswordSignInAsync(UserName.Trim(), Password, isPersistent: false, lockoutOnFailure: false);
        return LocalRedirect("/admin/sites");
    }
}
