using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>
/// Cell-lab QA registers a manufactured lot at one of the sites where they manage lots (the hospital that holds and
/// receives it); it starts in quarantine. The rules are <see cref="CellLot.Validate"/>'s and
/// <see cref="Lots.RegisterAsync"/>'s (as <c>stroma lot register --site</c>): a refused lot writes nothing.
/// </summary>
[Authorize(Policy = Policies.ManageLots)]
public sealed class RegisterLotModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    /// <summary>The code of the site that holds the lot: one where the user manages lots (that one when there is only one).</summary>
    [BindProperty]
    [Display(Name = "patients.site")]
    public string? Site { get; set; }

    /// <summary>The sites where the user manages lots (codes), for the site choice.</summary>
    public IReadOnlyList<string> Sites { get; private set; } = [];

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "lot.number")]
    public string LotNumber { get; set; } = "";

    [BindProperty]
    [Display(Name = "lot.din")]
    public bool Din { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "lot.product")]
    public string? Product { get; set; }

    [BindProperty]
    [Display(Name = "lot.donor")]
    public string? Donor { get; set; }

    [BindProperty]
    [Display(Name = "lot.tissue")]
    public string? Tissue { get; set; }

    [BindProperty]
    [Display(Name = "lot.manufacturer")]
    public string? Manufacturer { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "lot.manufactured")]
    public DateOnly? Manufactured { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "lot.expires")]
    public DateOnly? Expires { get; set; }

    [BindProperty]
    [Display(Name = "lot.passage")]
    public int? Passage { get; set; }

    [BindProperty]
    [Display(Name = "lot.total_cells")]
    public string? TotalCells { get; set; }

    [BindProperty]
    [Display(Name = "lot.concentration")]
    public string? Concentration { get; set; }

    [BindProperty]
    [Display(Name = "lot.viability")]
    public string? Viability { get; set; }

    [BindProperty]
    [Display(Name = "lot.volume")]
    public string? Volume { get; set; }

    [BindProperty]
    [Display(Name = "lot.storage")]
    public StorageCondition Storage { get; set; } = StorageCondition.Cryopreserved;

    [BindProperty]
    [Display(Name = "lot.location")]
    public string? Location { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Sites = await SitesAsync(cancellationToken);
        Site ??= Sites.Count == 1 ? Sites[0] : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Sites = await SitesAsync(cancellationToken);
        Site = string.IsNullOrWhiteSpace(Site) ? (Sites.Count == 1 ? Sites[0] : null) : Site.Trim();
        if (Site is null || !Sites.Contains(Site, StringComparer.Ordinal))
        {
            // None chosen, or not a site where this user manages lots (another site's existence is not confirmed).
            ModelState.AddModelError(nameof(Site), text["validation.required", text["patients.site"]]);
        }

        var type = CellProductTypes.All.FirstOrDefault(t => t.Key() == Product);
        if (Product is not null && CellProductTypes.All.All(t => t.Key() != Product))
        {
            ModelState.AddModelError(nameof(Product), text["lot.product_unknown", Product]);
        }

        var cells = Number(nameof(TotalCells), TotalCells, "lot.total_cells");
        var concentration = Number(nameof(Concentration), Concentration, "lot.concentration");
        var viability = Number(nameof(Viability), Viability, "lot.viability");
        var volume = Number(nameof(Volume), Volume, "lot.volume");
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var lot = new CellLot(LotNumber.Trim(), type, Donor?.Trim() ?? "", Tissue?.Trim() ?? "", Manufacturer?.Trim() ?? "", Manufactured!.Value, Passage,
            CellCount.Cells(cells), CellConcentration.CellsPerMillilitre(concentration), viability, volume,
            new LotStorage(Storage, Location?.Trim() ?? ""), Expires!.Value);
        var result = await Lots.RegisterAsync(db, lot, Site!, Din, cancellationToken);
        if (result.Value is not { } stored)
        {
            CellForms.AddIssues(ModelState, result.Issues);
            return Page();
        }

        return Redirect($"/lots/{stored.Id}");
    }

    private async Task<IReadOnlyList<string>> SitesAsync(CancellationToken cancellationToken) =>
        await db.SitesFor(access, Capability.ManageLots).OrderBy(s => s.Code).Select(s => s.Code).ToListAsync(cancellationToken);

    /// <summary>A non-negative number (a cell count may be written 2e8); an error naming the field and the value otherwise.</summary>
    private decimal Number(string field, string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            ModelState.AddModelError(field, text["validation.required", text[label]]);
            return 0m;
        }

        if (!CellForms.TryNumber(value, out var number) || number < 0m)
        {
            ModelState.AddModelError(field, text["lot.not_a_number", text[label], value]);
            return 0m;
        }

        return number;
    }
}
