using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Registry;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Admin;

/// <summary>One site in the administrator's list.</summary>
public sealed record SiteRow(Guid Id, string Code, string Name, string? Country, int Laboratories, int Members);

/// <summary>Administrators: the participating sites, and adding one (with its first laboratory). Audited like any record.</summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class SitesModel(StromaDbContext db, IStringLocalizer<Text> text) : PageModel
{
    public IReadOnlyList<SiteRow> Sites { get; private set; } = [];

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", ErrorMessage = "admin.site_code_format")]
    [Display(Name = "admin.site_code")]
    public string Code { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [StringLength(200, ErrorMessage = "validation.too_long")]
    [Display(Name = "admin.site_name")]
    public string Name { get; set; } = "";

    [BindProperty]
    [RegularExpression("^[A-Za-z]{2}$", ErrorMessage = "admin.country_format")]
    [Display(Name = "admin.country")]
    public string? Country { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // An empty field binds as null (the [Required] error says so), whatever the property's initial value.
        var code = Code?.Trim().ToUpperInvariant() ?? "";
        if (ModelState.IsValid && await db.Sites.AnyAsync(s => s.Code == code, cancellationToken))
        {
            ModelState.AddModelError(nameof(Code), text["admin.site_exists", code]);
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            return Page();
        }

        // The write is the one of 'stroma site add' (the site and its first laboratory); the form above gave the localized messages.
        var added = await Registration.AddSiteAsync(db, new SiteRequest(code, Name, Country), cancellationToken);
        if (!added.Succeeded)
        {
            foreach (var issue in added.Issues)
            {
                ModelState.AddModelError(issue.Path switch { "code" => nameof(Code), "name" => nameof(Name), "country" => nameof(Country), _ => "" }, issue.Message);
            }

            await LoadAsync(cancellationToken);
            return Page();
        }

        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var sites = await db.Sites.AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new SiteRow(s.Id, s.Code, s.Name, s.Country, s.Laboratories.Count, db.Memberships.Count(m => m.SiteId == s.Id && m.EndDate == null)))
            .ToListAsync(cancellationToken);
        Sites = sites;
    }
}
