using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Features.Account;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Admin;

/// <summary>One account in the administrator's list.</summary>
public sealed record UserRow(Guid Id, string UserName, string DisplayName, bool IsAdministrator, bool Disabled, bool CanSignIn, string Roles);

/// <summary>Administrators: the accounts, and creating one (Identity's password rules apply). Roles are given per site on the user's page.</summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class UsersModel(StromaDbContext db, UserManager<User> users, IStringLocalizer<Text> text) : PageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [RegularExpression("^[A-Za-z0-9._@-]{1,128}$", ErrorMessage = "admin.user_name_format")]
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
    [Display(Name = "admin.is_administrator")]
    public bool IsAdministrator { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (ModelState.IsValid && await users.FindByNameAsync(UserName.Trim()) is not null)
        {
            ModelState.AddModelError(nameof(UserName), text["admin.user_exists", UserName.Trim()]);
        }

        if (ModelState.IsValid)
        {
            // The administrator chose this password: the user must replace it at first sign-in.
            var user = new User { UserName = UserName.Trim(), DisplayName = DisplayName.Trim(), IsAdministrator = IsAdministrator, MustChangePassword = true };
            var result = await users.CreateAsync(user, Password);
            if (result.Succeeded)
            {
                return RedirectToPage("/Admin/User", new { id = user.Id });
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(nameof(Password), IdentityText.Describe(text, error));
            }
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.UserName)
            .Select(u => new
            {
                u.Id,
                u.UserName,
                u.DisplayName,
                u.IsAdministrator,
                Disabled = u.DisabledAt != null,
                CanSignIn = u.PasswordHash != null,
                Roles = u.Memberships.Where(m => m.EndDate == null).Select(m => new { m.Site!.Code, m.Role }).ToList(),
            })
            .ToListAsync(cancellationToken);
        Users = [.. rows.Select(r => new UserRow(r.Id, r.UserName, r.DisplayName, r.IsAdministrator, r.Disabled, r.CanSignIn,
            string.Join(", ", r.Roles.OrderBy(x => x.Code).Select(x => $"{x.Code}: {text[$"role.{x.Role}"]}"))))];
    }
}
