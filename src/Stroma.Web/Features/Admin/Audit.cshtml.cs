using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Features.Audit;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Admin;

/// <summary>
/// Administrators: the audit trail of accounts, sites, laboratories and memberships (not of clinical records, which
/// administrators see only through a membership), and the access entries: who read which patient's or visit's pages,
/// who exported what, and refused self-grants (ids only, no clinical values). Secrets are already redacted by the audit interceptor.
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class AuditModel(StromaDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>The entity types this page shows.</summary>
    public static readonly string[] Entities = [nameof(User), nameof(Site), nameof(Laboratory), nameof(Membership), Stroma.Data.Audit.AuditTrail.AccessEntity];

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>One of <see cref="Entities"/>, or empty for all of them.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Entity { get; set; }

    public AuditPage Entries { get; private set; } = new([], 0, 1, AuditPage.Size, "", "");

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var chosen = Entities.Contains(Entity) ? [Entity!] : Entities;
        Entity = chosen.Length == 1 ? chosen[0] : null;
        Entries = await AuditPage.LoadAsync(db.AuditEntries.Where(e => chosen.Contains(e.Entity)), PageNumber,
            Entity is null ? "/admin/audit" : $"/admin/audit?entity={Entity}", clock, cancellationToken);
        return Page();
    }
}
