using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Data.Visits;
using Stroma.Web.Features.CellTherapy;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Visits;

/// <summary>
/// One visit: its assessments (total, grade, algorithm version, who recorded and changed them), the signature's
/// manifestation when signed (printed name, time, meaning), and, as the user's capabilities at the patient's site
/// allow, links to record an instrument (unsigned visits only), to sign, or to unlock. The medication courses recorded
/// at the visit are listed; a user who may edit the patient's records (<see cref="Capability.EditClinical"/> at the
/// patient's site) adds a course at the visit (unsigned visits only) and stops a running course with a reason, both
/// through the one writer <see cref="VisitMedications"/> (issue #16). Another site's visit is 404 for the posts as for
/// the page; a site the user may only read is 403.
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class DetailsModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    /// <summary>The TempData key under which the visit form leaves the soft edit-check findings of the save.</summary>
    public const string CheckWarningsKey = "CheckWarnings";

    public VisitRecord Visit { get; private set; } = null!;

    /// <summary>What soft edit checks found when the visit was just saved (a query was opened on each).</summary>
    [TempData(Key = CheckWarningsKey)]
    public string? CheckWarnings { get; set; }

    public IReadOnlyList<AssessmentRow> Assessments { get; private set; } = [];

    public bool CanEdit { get; private set; }

    public bool CanSign { get; private set; }

    /// <summary>May mark the visit source-data-verified (a monitor of its site).</summary>
    public bool CanVerify { get; private set; }

    /// <summary>The visit's standing source data verification marks (docs/data-quality.md).</summary>
    public IReadOnlyList<Stroma.Data.Quality.SdvMarkView> Verified { get; private set; } = [];

    /// <summary>The medication courses recorded at this visit, in order of their start.</summary>
    public IReadOnlyList<MedicationRow> Medications { get; private set; } = [];

    /// <summary>What the last add or stop did (shown once after the redirect).</summary>
    [TempData]
    public string? MedicationDone { get; set; }

    [BindProperty]
    public MedicationClass MedClass { get; set; } = MedicationClass.Glucocorticoid;

    [BindProperty]
    public string? MedDrug { get; set; }

    /// <summary>The dose as typed (kept as text so a refused value is shown back as typed).</summary>
    [BindProperty]
    public string? MedDose { get; set; }

    [BindProperty]
    public string? MedDoseUnit { get; set; }

    [BindProperty]
    public string? MedFrequency { get; set; }

    [BindProperty]
    public string? MedPrednisone { get; set; }

    [BindProperty]
    public DateOnly? MedStart { get; set; }

    [BindProperty]
    public DateOnly? MedStop { get; set; }

    /// <summary>The running course the stop form names.</summary>
    [BindProperty]
    public Guid? StopId { get; set; }

    [BindProperty]
    public DateOnly? StopDate { get; set; }

    [BindProperty]
    public string? StopReason { get; set; }

    /// <summary>The people's name of a medication class (<c>enum.MedicationClass.*</c>).</summary>
    public string ClassName(MedicationClass value) => text[$"enum.MedicationClass.{value}"];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ?? Page();

    /// <summary>Adds a medication course at this visit (<see cref="VisitMedications.AddAsync"/>); a refusal keeps what was typed.</summary>
    public async Task<IActionResult> OnPostMedicationAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (AccessRefusal.For(readable: true, CanEdit) is { } forbidden)
        {
            return forbidden;
        }

        if (!Enum.IsDefined(MedClass))
        {
            ModelState.AddModelError(nameof(MedClass), text["validation.invalid"]);
        }

        if (MedStart is null)
        {
            ModelState.AddModelError(nameof(MedStart), text["validation.required", text["medication.start"]]);
        }

        var dose = Number(MedDose, nameof(MedDose));
        var prednisone = Number(MedPrednisone, nameof(MedPrednisone));
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await VisitMedications.AddAsync(db, new MedicationRequest(id, MedClass, MedDrug ?? "", dose, MedDoseUnit, MedFrequency, prednisone,
            MedStart!.Value, MedStop), cancellationToken);
        if (result.Succeeded)
        {
            MedicationDone = text["medication.added", result.Value!.Drug];
            return Redirect($"/visits/{id}#medications");
        }

        var locked = false;
        foreach (var issue in result.Issues.Where(i => i.IsError))
        {
            if (issue.Code == IssueCodes.VisitLocked)
            {
                locked = true;
                ModelState.AddModelError("", text["medication.visit_locked", $"{issue.Code}: {issue.Message}"]);
                continue;
            }

            ModelState.AddModelError(issue.Path switch
            {
                "drug" => nameof(MedDrug),
                "dose" => nameof(MedDose),
                "doseUnit" => nameof(MedDoseUnit),
                "frequency" => nameof(MedFrequency),
                "prednisoneEquivalent" => nameof(MedPrednisone),
                "stopDate" => nameof(MedStop),
                _ => "",
            }, CellForms.Describe(issue));
        }

        var page = Page();
        if (locked)
        {
            page.StatusCode = StatusCodes.Status409Conflict;
        }

        return page;
    }

    /// <summary>Records the stop of a running course recorded at this visit, with its reason (<see cref="VisitMedications.StopAsync"/>).</summary>
    public async Task<IActionResult> OnPostStopMedicationAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (AccessRefusal.For(readable: true, CanEdit) is { } forbidden)
        {
            return forbidden;
        }

        // Only a course of this visit: another visit's (or another site's) course is not on this page.
        if (StopId is not { } stopId || !Medications.Any(m => m.Id == stopId))
        {
            return NotFound();
        }

        if (StopDate is null)
        {
            ModelState.AddModelError(nameof(StopDate), text["validation.required", text["medication.stop"]]);
            return Page();
        }

        var result = await VisitMedications.StopAsync(db, Visit.PatientId, stopId, StopDate.Value, StopReason, cancellationToken);
        if (result.Succeeded)
        {
            MedicationDone = text["medication.stopped", result.Value!.Drug, StopDate.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)];
            return Redirect($"/visits/{id}#medications");
        }

        foreach (var issue in result.Issues.Where(i => i.IsError))
        {
            ModelState.AddModelError(issue.Path == "stopDate" ? nameof(StopDate) : "", CellForms.Describe(issue));
        }

        return Page();
    }

    private decimal? Number(string? typed, string field)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }

        if (CellForms.TryNumber(typed, out var value))
        {
            return value;
        }

        ModelState.AddModelError(field, text["medication.not_number", typed]);
        return null;
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await VisitRecord.FindAsync(db, access, id, cancellationToken) is not { } visit)
        {
            return NotFound();
        }

        Visit = visit;
        CanEdit = access.Can(Capability.EditClinical, visit.SiteId);
        CanSign = access.Can(Capability.SignVisits, visit.SiteId);
        CanVerify = access.Can(Capability.VerifySourceData, visit.SiteId);
        Verified = await Stroma.Data.Quality.SourceDataVerification.ListAsync(db, access, visitId: id, currentOnly: true, cancellationToken: cancellationToken);
        // Ordered here: SQLite cannot order by a DateTimeOffset column.
        Assessments = [.. (await db.Assessments.AsNoTracking().Where(a => a.VisitId == id)
            .Select(a => new AssessmentRow(a.Id, a.Instrument, a.Total, a.Grade, a.AlgorithmVersion, a.CreatedBy, a.CreatedAt, a.UpdatedBy, a.UpdatedAt))
            .ToListAsync(cancellationToken)).OrderBy(a => a.RecordedAt)];
        Medications = await db.Medications.AsNoTracking().Where(m => m.VisitId == id && m.DeletedAt == null).OrderBy(m => m.StartDate)
            .Select(m => new MedicationRow(m.Id, m.Class, m.Drug, m.Dose, m.DoseUnit, m.Frequency, m.PrednisoneEquivalentMgPerDay, m.StartDate, m.StopDate))
            .ToListAsync(cancellationToken);
        return null;
    }
}

/// <summary>A medication course recorded at the visit, as the visit page lists it.</summary>
public sealed record MedicationRow(Guid Id, MedicationClass Class, string Drug, decimal? Dose, string? DoseUnit, string? Frequency,
    decimal? PrednisoneEquivalentMgPerDay, DateOnly StartDate, DateOnly? StopDate);
