using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Web.Features.Account;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Visits;

/// <summary>
/// The electronic signature of a visit, in the manner of 21 CFR Part 11: an investigator (<see cref="Capability.SignVisits"/>
/// at the visit's site) re-enters the password (11.200(a)(1): both components at the first signing of a session) and
/// chooses and confirms the meaning of the signature; the signer's user name and printed name, the time (from the
/// app's <see cref="TimeProvider"/>) and the statement are stored on the visit and shown with it (11.50). A signed
/// visit is locked (and the data layer holds the lock: <see cref="Stroma.Data.Visits.VisitLock"/>). Unlocking is itself an
/// electronic signature: the same capability, the password re-entered and a reason; the meaning "unlock", the signer and
/// the reason are in the audit trail (on every changed field's entry, see <see cref="UnlockReason"/>). A wrong password
/// refuses the signature (or the unlock) and counts towards the account's lockout.
/// </summary>
[Authorize(Policy = Policies.SignVisits)]
public sealed class SignModel(StromaDbContext db, UserAccess access, SignInManager<User> signIn, TimeProvider clock, IStringLocalizer<Text> text)
    : PageModel
{
    public const int ReasonMaxLength = 500;

    public VisitRecord Visit { get; private set; } = null!;

    public IReadOnlyList<AssessmentRow> Assessments { get; private set; } = [];

    [BindProperty]
    public string? Meaning { get; set; }

    [BindProperty]
    public bool Confirm { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    /// <summary>Signs the visit: meaning chosen and confirmed, password right, visit not already signed.</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (Visit.IsSigned)
        {
            ModelState.AddModelError("", text["visit.already_signed"]);
            return Page();
        }

        // A visit with open queries cannot be signed (issue #15): the site answers them first (QLT009).
        if (await Stroma.Data.Quality.Queries.OpenOnVisitAsync(db, id, cancellationToken) is var open and > 0)
        {
            ModelState.AddModelError("", text["visit.open_queries", open]);
            return Page();
        }

        if (string.IsNullOrEmpty(Meaning) || !SignatureMeanings.Keys.Contains(Meaning, StringComparer.Ordinal))
        {
            ModelState.AddModelError(nameof(Meaning), text["visit.meaning_required"]);
        }
        else if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), text["visit.confirm_required"]);
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
            ModelState.AddModelError(nameof(Password), text["visit.wrong_password"]);
            return Page();
        }

        var statement = text[SignatureMeanings.TextKey(Meaning!)].Value;
        var visit = await db.Visits.SingleAsync(v => v.Id == id, cancellationToken);
        visit.SignedBy = user.UserName;
        visit.SignedByName = string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName : user.DisplayName;
        visit.SignedAt = clock.GetUtcNow();
        visit.SignatureMeaning = statement;
        db.ChangeReason = $"signed: {statement}";
        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/visits/{id}");
    }

    /// <summary>Unlocks a signed visit (the signature is removed from the visit; the audit trail keeps it and the reason).</summary>
    public async Task<IActionResult> OnPostUnlockAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (!Visit.IsSigned)
        {
            ModelState.AddModelError("", text["visit.not_signed"]);
            return Page();
        }

        var reason = Reason?.Trim() ?? "";
        if (reason.Length == 0)
        {
            ModelState.AddModelError(nameof(Reason), text["visit.reason_required_unlock"]);
        }
        else if (reason.Length > ReasonMaxLength)
        {
            ModelState.AddModelError(nameof(Reason), text["enrol.too_long", text["visit.reason"], reason.Length, ReasonMaxLength]);
        }

        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), text["validation.required", text["account.password"]]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        // Unlocking is itself an electronic signature (11.200(a)(1): the password re-entered; 11.50: who, when, meaning).
        if (await signIn.ConfirmSignerAsync(access.UserName, Password!) is not { } user)
        {
            ModelState.AddModelError(nameof(Password), text["visit.wrong_password_unlock"]);
            return Page();
        }

        var signer = string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName : user.DisplayName;
        var visit = await db.Visits.SingleAsync(v => v.Id == id, cancellationToken);
        visit.SignedBy = null;
        visit.SignedByName = null;
        visit.SignedAt = null;
        visit.SignatureMeaning = null;
        db.ChangeReason = UnlockReason(user.UserName!, signer!, reason);
        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/visits/{id}");
    }

    /// <summary>
    /// The audit-trail reason of an unlock: the e-signature's meaning ("unlock"), the signer's user and printed name
    /// and the reason given; the audit entry adds the time (from the app's clock).
    /// </summary>
    public static string UnlockReason(string userName, string printedName, string reason) =>
        $"unlocked: {reason} [e-signature: meaning \"unlock\", signed by {printedName} ({userName})]";

    /// <summary>Null when the user may sign at the visit's site; else 404 (not readable) or 403 (readable only).</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var visit = await VisitRecord.FindAsync(db, access, id, cancellationToken);
        if (AccessRefusal.AtSite(access, visit?.SiteId, Capability.SignVisits) is { } refused)
        {
            return refused;
        }

        Visit = visit!;
        Assessments = [.. (await db.Assessments.AsNoTracking().Where(a => a.VisitId == id)
            .Select(a => new AssessmentRow(a.Id, a.Instrument, a.Total, a.Grade, a.AlgorithmVersion, a.CreatedBy, a.CreatedAt, a.UpdatedBy, a.UpdatedAt))
            .ToListAsync(cancellationToken)).OrderBy(a => a.RecordedAt)];
        return null;
    }
}
