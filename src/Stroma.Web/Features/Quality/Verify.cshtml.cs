using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Quality;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using Stroma.Web.Features.Account;
using Stroma.Web.Features.CellTherapy;
using Stroma.Web.Features.Visits;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Quality;

/// <summary>
/// Source data verification of a visit (docs/data-quality.md, "Source data verification"): a monitor of the visit's site
/// (<see cref="Capability.VerifySourceData"/>) marks the whole visit, or one of its fields, verified. The mark is an
/// electronic signature in the manner of the visit signature: the meaning ("verified") confirmed and the password
/// re-entered (a wrong one counts towards the account's lockout); <see cref="SourceDataVerification"/> stores it with the
/// time. The page lists the visit's marks, standing and cleared (with what cleared them). Another site's visit is 404.
/// </summary>
[Authorize(Policy = Policies.VerifySourceData)]
public sealed class VerifyModel(StromaDbContext db, UserAccess access, SignInManager<User> signIn, IStringLocalizer<Text> text) : PageModel
{
    public VisitRecord Visit { get; private set; } = null!;

    /// <summary>The fields of the visit that can carry their own mark: the visit's date and type, its lab results and scores.</summary>
    public IReadOnlyList<string> Fields { get; private set; } = [];

    public IReadOnlyList<SdvMarkView> Marks { get; private set; } = [];

    [BindProperty]
    public string? Field { get; set; }

    [BindProperty]
    public bool Confirm { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), text["sdv.confirm_required"]);
        }

        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), text["validation.required", text["account.password"]]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await signIn.ConfirmSignerAsync(access.UserName, Password!) is not { } user)
        {
            ModelState.AddModelError(nameof(Password), text["sdv.wrong_password"]);
            return Page();
        }

        var signer = new SdvSigner(user.UserName!, string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName! : user.DisplayName);
        var result = await SourceDataVerification.MarkAsync(db, access, id, string.IsNullOrWhiteSpace(Field) ? null : Field, signer, cancellationToken);
        if (!result.Succeeded)
        {
            CellForms.AddIssues(ModelState, result.Issues);
            await LoadAsync(id, cancellationToken);
            return Page();
        }

        Done = text["sdv.marked"];
        return RedirectToPage(new { id });
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var visit = await VisitRecord.FindAsync(db, access, id, cancellationToken);
        if (AccessRefusal.AtSite(access, visit?.SiteId, Capability.VerifySourceData) is { } refused)
        {
            return refused;
        }

        Visit = visit!;
        var labs = await db.LabResults.AsNoTracking().Where(l => l.VisitId == id).Select(l => l.Analyte).Distinct().ToListAsync(cancellationToken);
        var scores = await db.Assessments.AsNoTracking().Where(a => a.VisitId == id).Select(a => a.Instrument).Distinct().ToListAsync(cancellationToken);
        Fields = [
            "visit.date", "visit.type",
            .. labs.Select(a => CheckFieldCatalogue.LabPrefix + a).Where(SourceDataVerification.IsVisitField).Order(StringComparer.Ordinal),
            .. scores.Select(i => CheckFieldCatalogue.ScorePrefix + i).Where(SourceDataVerification.IsVisitField).Order(StringComparer.Ordinal),
        ];
        Marks = await SourceDataVerification.ListAsync(db, access, visitId: id, cancellationToken: cancellationToken);
        return null;
    }
}
