using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Quality;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Quality;
using Stroma.Web.Features.CellTherapy;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Quality;

/// <summary>
/// A monitor or data manager raises a query on one field of one record (<c>/queries/new?type=visit&amp;id=…</c>,
/// linked from the patient's timeline): the field is chosen among those the rule language knows for that kind of
/// record (<see cref="CheckFieldCatalogue"/>), with the question. <see cref="Queries.OpenAsync"/> decides: a user who may
/// not read the record's site gets 404; one who may read but not raise queries there gets the refusal with its reason.
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class NewQueryModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Field { get; set; }

    [BindProperty]
    public string? Question { get; set; }

    public Guid PatientId { get; private set; }

    /// <summary>The fields a query on this kind of record may name, with what each holds.</summary>
    public IReadOnlyList<CheckField> Fields { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LocateAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await LocateAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        var result = await Queries.OpenAsync(db, access, new QueryTarget(Type!, Id, Field ?? ""), Question, cancellationToken);
        if (result.Succeeded)
        {
            TempData["Done"] = text["queries.opened"].Value;
            return Redirect($"/queries?Patient={PatientId}");
        }

        CellForms.AddIssues(ModelState, result.Issues);
        return Page();
    }

    /// <summary>404 unless the record exists at a site the user may read; loads the record's fields.</summary>
    private async Task<IActionResult?> LocateAsync(CancellationToken cancellationToken)
    {
        if (CheckScopes.Find(Type) is not { } scope
            || await Queries.LocateAsync(db, Type!, Id, cancellationToken) is not { } where
            || !access.Can(Capability.ReadClinical, where.SiteId))
        {
            return NotFound();
        }

        PatientId = where.PatientId;
        Fields = [.. CheckFieldCatalogue.All.Where(f => f.AvailableIn(scope))];
        return null;
    }
}
