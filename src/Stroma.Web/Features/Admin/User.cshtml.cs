using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Stroma.Web.Features.Account;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Admin;

/// <summary>One membership on the user's page.</summary>
public sealed record MembershipRow(Guid Id, string Site, SiteRole Role, DateOnly StartDate, DateOnly? EndDate);

/// <summary>
/// Administrators: one account. Gives a role at a site (a <see cref="Membership"/> from a date), ends one (never
/// deleted), disables or enables the account, and sets a new password (which signs out the user's other sessions).
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class UserModel(StromaDbContext db, UserManager<User> users, SignInManager<User> signIn, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public User? Account { get; private set; }

    public IReadOnlyList<MembershipRow> Memberships { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Code)> SiteChoices { get; private set; } = [];

    [BindProperty]
    [Display(Name = "admin.site")]
    public Guid? SiteId { get; set; }

    [BindProperty]
    [Display(Name = "admin.role")]
    public SiteRole? Role { get; set; }

    [BindProperty]
    [DataType(DataType.Password)]
    [Display(Name = "account.new_password")]
    public string? NewPassword { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddMembershipAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (SiteId is not { } siteId || !SiteChoices.Any(s => s.Id == siteId))
        {
            ModelState.AddModelError(nameof(SiteId), text["admin.choose_site"]);
        }

        if (Role is not { } role || !Enum.IsDefined(role))
        {
            ModelState.AddModelError(nameof(Role), text["admin.choose_role"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (Account!.UserName == User.Identity?.Name)
        {
            // Separation of duties: an administrator cannot give themself a role (clinical access) at a site; another
            // administrator must. The attempt is on the audit trail.
            await AuditTrail.AppendAccessAsync(db, "refused", id.ToString(), new Dictionary<string, object?>
            {
                ["request"] = "grant own membership",
                ["site"] = SiteChoices.Single(s => s.Id == SiteId).Code,
                ["role"] = Role!.Value.ToString(),
            }, cancellationToken);
            ModelState.AddModelError(nameof(SiteId), text["admin.cannot_grant_self"]);
            return Page();
        }

        var today = Today();
        if (await db.Memberships.AnyAsync(m => m.UserId == id && m.SiteId == SiteId && m.Role == Role && m.EndDate == null, cancellationToken))
        {
            ModelState.AddModelError(nameof(Role), text["admin.membership_exists"]);
            return Page();
        }

        db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), UserId = id, SiteId = SiteId!.Value, Role = Role!.Value, StartDate = today });
        await db.SaveChangesAsync(cancellationToken);
        await EndSessionsAsync(id);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostEndMembershipAsync(Guid id, Guid membershipId, CancellationToken cancellationToken)
    {
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.Id == membershipId && m.UserId == id, cancellationToken);
        if (membership is null)
        {
            return NotFound();
        }

        membership.EndDate ??= Today();
        await db.SaveChangesAsync(cancellationToken);
        await EndSessionsAsync(id);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostDisableAsync(Guid id, bool disable, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return NotFound();
        }

        if (disable && user.UserName == User.Identity?.Name)
        {
            await LoadAsync(id, cancellationToken);
            ModelState.AddModelError("", text["admin.cannot_disable_self"]);
            return Page();
        }

        user.DisabledAt = disable ? clock.GetUtcNow() : null;
        await users.UpdateSecurityStampAsync(user);
        return RedirectToPage(new { id });
    }

    /// <summary>
    /// A user who lost both their authenticator and their recovery codes: the second factor is turned off and its key
    /// and recovery codes discarded (audited, redacted), and the user's sessions end. If their role requires MFA, they
    /// enrol again at their next sign-in, with their own password. Not for one's own account (that needs a code, on
    /// /account/two-factor).
    /// </summary>
    public async Task<IActionResult> OnPostResetTwoFactorAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return NotFound();
        }

        if (user.UserName == User.Identity?.Name)
        {
            await LoadAsync(id, cancellationToken);
            ModelState.AddModelError("", text["admin.cannot_reset_own_mfa"]);
            return Page();
        }

        user.AuthenticatorKey = null;
        user.AuthenticatorLastStep = null;
        user.RecoveryCodeHashes = null;
        // Changes the security stamp too: every session of the user ends.
        await users.SetTwoFactorEnabledAsync(user, false);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostPasswordAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (string.IsNullOrEmpty(NewPassword))
        {
            ModelState.AddModelError(nameof(NewPassword), text["validation.required", text["account.new_password"]]);
            return Page();
        }

        var user = await users.FindByIdAsync(id.ToString());
        // Check the new password against the rules first: removing the old one and then failing to add the new one
        // would leave the account without a password.
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            errors.AddRange((await validator.ValidateAsync(users, user!, NewPassword)).Errors);
        }

        // The administrator now knows this password: the user must replace it before doing anything else.
        user!.MustChangePassword = true;
        var removed = errors.Count > 0 ? IdentityResult.Failed([.. errors])
            : await users.HasPasswordAsync(user!) ? await users.RemovePasswordAsync(user!) : IdentityResult.Success;
        var result = removed.Succeeded ? await users.AddPasswordAsync(user!, NewPassword) : removed;
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(nameof(NewPassword), IdentityText.Describe(text, error));
            }

            return Page();
        }

        return RedirectToPage(new { id });
    }

    /// <summary>A changed role ends the user's sessions (new security stamp); the administrator's own is renewed.</summary>
    private async Task EndSessionsAsync(Guid id)
    {
        db.ChangeTracker.Clear();
        if (await users.FindByIdAsync(id.ToString()) is not { } user)
        {
            return;
        }

        await users.UpdateSecurityStampAsync(user);
        if (user.UserName == User.Identity?.Name)
        {
            await signIn.RefreshSignInAsync(user);
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        Account = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (Account is null)
        {
            return false;
        }

        Memberships = await db.Memberships.AsNoTracking().Where(m => m.UserId == id).OrderBy(m => m.Site!.Code).ThenBy(m => m.StartDate)
            .Select(m => new MembershipRow(m.Id, m.Site!.Code, m.Role, m.StartDate, m.EndDate)).ToListAsync(cancellationToken);
        var sites = await db.Sites.AsNoTracking().OrderBy(s => s.Code).Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken);
        SiteChoices = [.. sites.Select(s => (s.Id, s.Code))];
        return true;
    }
}
