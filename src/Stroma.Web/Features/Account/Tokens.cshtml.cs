using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stroma.Data;
using Stroma.Data.Access;

namespace Stroma.Web.Features.Account;

/// <summary>
/// A signed-in user's personal API tokens for scripts that call the FHIR API (docs/security.md, "API tokens"): make one
/// (a name and a lifetime of 1 to 365 days, 30 unless chosen; the token is shown once, on the answer to the post, and
/// kept nowhere), list them, revoke one. Every user manages only their own; creating and revoking are audited.
/// </summary>
public sealed class TokensModel(StromaDbContext db, UserAccess access) : PageModel
{
    [BindProperty]
    [Display(Name = "tokens.name")]
    public string? Name { get; set; }

    [BindProperty]
    [Display(Name = "tokens.days")]
    public int? Days { get; set; } = ApiTokens.DefaultDays;

    /// <summary>The token just made, shown once.</summary>
    public NewApiToken? Created { get; private set; }

    public bool Revoked { get; private set; }

    public IReadOnlyList<ApiTokenListing> Tokens { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (access.UserId is null)
        {
            return Challenge();
        }

        Revoked = Request.Query.ContainsKey("revoked");
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (access.UserId is not { } userId)
        {
            return Challenge();
        }

        if (ModelState.IsValid)
        {
            var (token, issues) = await ApiTokens.CreateAsync(db, userId, Name, Days, MfaRequired.Confirmed(User), HttpContext.RequestAborted);
            foreach (var issue in issues)
            {
                ModelState.AddModelError(issue.Path == "days" ? nameof(Days) : nameof(Name), $"{issue.Code}: {issue.Message}");
            }

            Created = token;
            if (token is not null)
            {
                Name = null;
                Days = ApiTokens.DefaultDays;
                ModelState.Clear();
            }
        }

        // The token is on this answer only: it must not be cached or kept in the browser's history.
        Response.Headers.CacheControl = "no-store";
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id)
    {
        if (access.UserId is not { } userId)
        {
            return Challenge();
        }

        // Another user's token, or one already revoked, is not found: no one learns another user's token ids.
        return await ApiTokens.RevokeAsync(db, userId, id, HttpContext.RequestAborted) ? RedirectToPage(null, new { revoked = 1 }) : NotFound();
    }

    private async Task LoadAsync()
    {
        Now = db.Clock.GetUtcNow();
        Tokens = await ApiTokens.ListAsync(db, access.UserId!.Value, HttpContext.RequestAborted);
    }
}
