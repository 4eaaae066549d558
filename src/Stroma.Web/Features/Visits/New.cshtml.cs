using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using Stroma.Web.Features.Quality;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Visits;

/// <summary>
/// Creates a visit of a patient (date, scheduled or unscheduled, type) for a user who may edit clinical data at the
/// patient's site. Not in the future, not before the consent, not after a withdrawal of consent.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class NewModel(StromaDbContext db, UserAccess access, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public const int TypeMaxLength = 64;

    /// <summary>Suggested types (protocol time points; any other text is accepted).</summary>
    public static IReadOnlyList<string> SuggestedTypes { get; } =
        ["screening", "baseline", "infusion", "week_2", "month_1", "month_3", "month_6", "month_9", "month_12", "flare", "follow_up"];

    /// <summary>The form field that shows each catalogue field a visit check may name.</summary>
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["visit.date"] = nameof(VisitDate),
        ["visit.type"] = nameof(Type),
    };

    public Guid PatientId { get; private set; }

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    [BindProperty]
    [Display(Name = "visit.date")]
    public DateOnly? VisitDate { get; set; }

    [BindProperty]
    [Display(Name = "visit.kind")]
    public VisitKind? Kind { get; set; }

    [BindProperty]
    [Display(Name = "visit.type")]
    public string? Type { get; set; }

    [BindProperty]
    [Display(Name = "visit.notes")]
    public string? Notes { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        Kind = VisitKind.Scheduled;
        VisitDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        var patient = await db.Patients.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.ConsentDate, p.WithdrawalDate }).SingleAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (VisitDate is not { } date)
        {
            ModelState.AddModelError(nameof(VisitDate), text["validation.required", text["visit.date"]]);
        }
        else if (date.Year < 1900)
        {
            // Not a clinical rule: a year such as 0001 is a slip (and dates before it cannot be computed with), issue #16.
            ModelState.AddModelError(nameof(VisitDate), text["visit.date_before_1900", Iso(date)]);
        }
        else if (date > today)
        {
            ModelState.AddModelError(nameof(VisitDate), text["visit.date_future", Iso(date), Iso(today)]);
        }
        else if (patient.ConsentDate is { } consent && date < consent)
        {
            ModelState.AddModelError(nameof(VisitDate), text["visit.date_before_consent", Iso(date), Iso(consent)]);
        }
        else if (patient.WithdrawalDate is { } withdrawn && date > withdrawn)
        {
            ModelState.AddModelError(nameof(VisitDate), text["visit.date_after_withdrawal", Iso(date), Iso(withdrawn)]);
        }

        if (Kind is not { } kind || !Enum.IsDefined(kind))
        {
            ModelState.AddModelError(nameof(Kind), text["validation.required", text["visit.kind"]]);
        }

        var type = Type?.Trim() ?? "";
        if (type.Length == 0)
        {
            ModelState.AddModelError(nameof(Type), text["validation.required", text["visit.type"]]);
        }
        else if (type.Length > TypeMaxLength)
        {
            ModelState.AddModelError(nameof(Type), text["enrol.too_long", text["visit.type"], type.Length, TypeMaxLength]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var visit = new Visit
        {
            Id = Guid.CreateVersion7(),
            PatientId = id,
            VisitDate = VisitDate!.Value,
            Kind = Kind!.Value,
            Type = type,
            Notes = string.IsNullOrWhiteSpace(Notes) ? null : Notes.Trim(),
        };
        db.Visits.Add(visit);
        // The protocol's edit checks on the visit (docs/data-quality.md "Save-time checks"): hard refuses, soft warns and opens a query.
        var findings = await SaveChecks.RunAsync(db, cancellationToken);
        if (findings.Any(i => i.IsError))
        {
            CheckFindings.AddErrors(ModelState, findings, Fields);
            return Page();
        }

        await db.SaveChangesAsync(cancellationToken);
        TempData[DetailsModel.CheckWarningsKey] = CheckFindings.Warnings(findings);
        return Redirect($"/visits/{visit.Id}");
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Null when the user may edit the patient's records; else the refusal (404 if not even readable).</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var (patient, refused) = await AccessRefusal.PatientAsync(db, access, id, cancellationToken);
        if (patient is null)
        {
            return refused;
        }

        (PatientId, StudyId, Site) = (id, patient.StudyId, patient.Site);
        return null;
    }
}
