using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>A lymphodepleting drug of the patient's CAR-T protocol: what the protocol gives (dose per m², days), for the form.</summary>
public sealed record LymphodepletionDrugRow(string Key, string Drug, string Planned);

/// <summary>
/// Recording the lymphodepletion given on a patient's CAR-T enrolment (<see cref="Capability.EditClinical"/> at the
/// patient's site), as <c>stroma lymphodepletion</c> does: height, weight and when they were measured, the BSA formula
/// (the protocol's by default), and for each drug of the protocol its dose per m² and days relative to the infusion
/// (a drug left blank was not given). Checked by <see cref="Lymphodepletions.RecordAsync"/>; a refused course writes
/// nothing. Recorded courses are listed with their BSA, formula and daily amount. Another site's patient is 404; a
/// site the user may read but not edit is 403.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class LymphodepletionModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    public Guid PatientId { get; private set; }

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    /// <summary>The patient's CAR-T enrolments (protocol keys); empty when none.</summary>
    public IReadOnlyList<string> Protocols { get; private set; } = [];

    public IReadOnlyList<LymphodepletionDrugRow> Drugs { get; private set; } = [];

    public IReadOnlyList<LymphodepletionRecord> Recorded { get; private set; } = [];

    public string DefaultFormula { get; private set; } = "mosteller";

    [TempData]
    public string? Done { get; set; }

    [BindProperty]
    public string? Protocol { get; set; }

    [BindProperty]
    public decimal? HeightCm { get; set; }

    [BindProperty]
    public decimal? WeightKg { get; set; }

    [BindProperty]
    public DateOnly? MeasuredOn { get; set; }

    [BindProperty]
    public string? Formula { get; set; }

    /// <summary>Dose per m² by drug key (blank: not given).</summary>
    [BindProperty]
    public Dictionary<string, decimal?> Dose { get; set; } = [];

    /// <summary>Days relative to the infusion by drug key, comma-separated.</summary>
    [BindProperty]
    public Dictionary<string, string?> Days { get; set; } = [];

    [BindProperty]
    public string? LateReason { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        foreach (var (field, value, name) in new[] { (nameof(HeightCm), (object?)HeightCm, "lymphodepletion.height"), (nameof(WeightKg), WeightKg, "lymphodepletion.weight"), (nameof(MeasuredOn), MeasuredOn, "lymphodepletion.measured") })
        {
            if (value is null && ModelState.GetFieldValidationState(field) != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
            {
                ModelState.AddModelError(field, text["validation.required", text[name]]);
            }
        }

        var formula = string.IsNullOrEmpty(Formula) ? null : BodySurfaceArea.FromKey(Formula);
        if (!string.IsNullOrEmpty(Formula) && formula is null)
        {
            ModelState.AddModelError(nameof(Formula), text["validation.invalid"]);
        }

        var given = new List<LymphodepletionGiven>();
        foreach (var drug in Drugs)
        {
            var dose = Dose.GetValueOrDefault(drug.Key);
            var daysText = Days.GetValueOrDefault(drug.Key);
            if (dose is null && string.IsNullOrWhiteSpace(daysText))
            {
                continue;
            }

            var days = Lymphodepletions.ParseDays(daysText);
            if (dose is null || days is null)
            {
                ModelState.AddModelError($"Dose[{drug.Key}]", text["lymphodepletion.drug_incomplete", drug.Drug]);
                continue;
            }

            given.Add(new LymphodepletionGiven(drug.Key, dose.Value, days));
        }

        if (ModelState.IsValid)
        {
            var request = new LymphodepletionRequest(StudyId, HeightCm!.Value, WeightKg!.Value, MeasuredOn!.Value, given, formula,
                string.IsNullOrEmpty(Protocol) ? null : Protocol, string.IsNullOrWhiteSpace(LateReason) ? null : LateReason.Trim());
            var result = await Lymphodepletions.RecordAsync(db, request, cancellationToken);
            if (result.Value is { } records)
            {
                Done = text["lymphodepletion.recorded", string.Join(", ", records.Select(r => r.Drug))];
                return Redirect($"/patients/{id}/lymphodepletion");
            }

            CellForms.AddIssues(ModelState, result.Issues);
        }

        return Page();
    }

    /// <summary>The recorded drug to correct (its protocol key).</summary>
    [BindProperty]
    public string? CorrectDrug { get; set; }

    [BindProperty]
    public decimal? CorrectDose { get; set; }

    [BindProperty]
    public string? CorrectDays { get; set; }

    [BindProperty]
    public decimal? CorrectHeightCm { get; set; }

    [BindProperty]
    public decimal? CorrectWeightKg { get; set; }

    [BindProperty]
    public DateOnly? CorrectMeasuredOn { get; set; }

    [BindProperty]
    public string? CorrectReason { get; set; }

    /// <summary>
    /// Corrects one recorded drug with a reason, as <c>stroma lymphodepletion-correct</c> does
    /// (<see cref="Lymphodepletions.CorrectAsync"/>): a field left blank stays as recorded; the old values and the reason
    /// are kept in the audit trail; refused under a signed visit.
    /// </summary>
    public async Task<IActionResult> OnPostCorrectAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        // The recording form's dictionaries (Dose, Days) try to bind the correction's fields when their own are absent
        // (model binding's empty-prefix fallback) and report them as invalid doses: only the correction's checks count here.
        ModelState.Clear();

        await LoadAsync(cancellationToken);
        var days = string.IsNullOrWhiteSpace(CorrectDays) ? null : Lymphodepletions.ParseDays(CorrectDays);
        if (!string.IsNullOrWhiteSpace(CorrectDays) && days is null)
        {
            ModelState.AddModelError(nameof(CorrectDays), text["validation.invalid"]);
        }

        if (string.IsNullOrWhiteSpace(CorrectDrug))
        {
            ModelState.AddModelError(nameof(CorrectDrug), text["validation.required", text["lymphodepletion.drug"]]);
        }

        if (ModelState.IsValid)
        {
            var result = await Lymphodepletions.CorrectAsync(db, new LymphodepletionCorrection(StudyId, CorrectDrug!.Trim(), CorrectReason ?? "", CorrectDose, days,
                CorrectHeightCm, CorrectWeightKg, CorrectMeasuredOn, null, string.IsNullOrEmpty(Protocol) ? null : Protocol), cancellationToken);
            if (result.Value is { } record && result.Succeeded)
            {
                Done = text["lymphodepletion.corrected", record.Drug];
                return Redirect($"/patients/{id}/lymphodepletion");
            }

            CellForms.AddIssues(ModelState, result.Issues);
        }

        return Page();
    }

    /// <summary>A number as the form shows it (invariant, no trailing zeros).</summary>
    public static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private async Task<IActionResult?> RefuseAsync(Guid id, CancellationToken cancellationToken)
    {
        var (patient, refused) = await AccessRefusal.PatientAsync(db, access, id, cancellationToken);
        if (patient is not null)
        {
            (PatientId, StudyId, Site) = (patient.Id, patient.StudyId, patient.Site);
        }

        return refused;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var (schedules, _) = await Enrolments.LoadAsync(db, StudyId, cancellationToken);
        var carT = schedules.Where(s => s.Protocol?.CarT is not null).ToList();
        Protocols = [.. carT.Select(s => s.Enrolment.ProtocolKey)];
        var chosen = carT.FirstOrDefault(s => s.Enrolment.ProtocolKey == Protocol) ?? carT.FirstOrDefault();
        if (chosen?.Protocol?.CarT is { } plan)
        {
            DefaultFormula = BodySurfaceArea.Key(plan.BsaFormula);
            Drugs = [.. plan.Lymphodepletion.Select(a => new LymphodepletionDrugRow(a.Key, a.Drug,
                $"{(a.DosePerSquareMetre is { } p ? Number(p.MilligramsPerSquareMetre) + " mg/m²" : "—")} · {(a.DaysRelativeToInfusion.Count > 0 ? string.Join(",", a.DaysRelativeToInfusion.Select(d => d.ToString(CultureInfo.InvariantCulture))) : "—")}"))];
        }

        Recorded = await Lymphodepletions.ForPatientAsync(db, PatientId, cancellationToken);
    }
}
