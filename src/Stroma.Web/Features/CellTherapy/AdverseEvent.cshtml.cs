using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Web.Features.Quality;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;
using ClinicalAdverseEvent = Stroma.Clinical.CellTherapy.AdverseEvent;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>An adverse event already recorded for the patient.</summary>
public sealed record AdverseEventRow(DateOnly Onset, string Term, int? Grade, bool Serious, string Causality, string? Lot, string? Outcome);

/// <summary>
/// Recording an adverse event for a patient (<see cref="Capability.EditClinical"/> at the patient's site): term,
/// category, onset and resolution, CTCAE v5.0 grade, ICH E2A seriousness criteria, relatedness to the cell product and
/// the suspect lot, expectedness, outcome and date of death. Checked by <see cref="ClinicalAdverseEvent.Validate"/> through
/// <see cref="FollowUps.RecordAdverseEventAsync"/> (as <c>stroma ae</c>); a refused event writes nothing. Another site's
/// patient is 404; a site the user may read but not edit is 403.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class AdverseEventModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    public Guid PatientId { get; private set; }

    private Guid patientSiteId;

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    /// <summary>Lots the patient received (first) and the other released lots of the patient's site, for the suspect lot.</summary>
    public IReadOnlyList<(string Number, bool Infused)> Lots { get; private set; } = [];

    public IReadOnlyList<AdverseEventRow> Recorded { get; private set; } = [];

    /// <summary>Warnings and information from the checks of the event just recorded (e.g. a SUSAR flag).</summary>
    [TempData]
    public string? Done { get; set; }

    [BindProperty]
    public string? Term { get; set; }

    /// <summary>The CTCAE v5.0 term <see cref="Term"/> names (its MedDRA code, system organ class and grades), or null for free text.</summary>
    public CtcaeTerm? Ctcae => CtcaeV5.Find(Term);

    [BindProperty]
    public AdverseEventCategory Category { get; set; } = AdverseEventCategory.Other;

    [BindProperty]
    public DateOnly? Onset { get; set; }

    [BindProperty]
    public DateOnly? Resolved { get; set; }

    [BindProperty]
    public int? Grade { get; set; }

    [BindProperty]
    public List<SeriousnessCriteria> Serious { get; set; } = [];

    [BindProperty]
    public Relatedness? Relatedness { get; set; }

    [BindProperty]
    public string? SuspectLot { get; set; }

    /// <summary>Why the event is entered more than the late-entry days after its onset.</summary>
    [BindProperty]
    public string? LateReason { get; set; }

    /// <summary>The "reason for late entry" field, tied to the onset.</summary>
    public LateReasonField Late => new("LateReason", nameof(Onset), LateReason, CellForms.ShowLateReason(ModelState, LateReason),
        LateEntry.RegistryPolicy.Days, LateEntry.Today(db));

    [BindProperty]
    public bool Unexpected { get; set; }

    [BindProperty]
    public AdverseEventOutcome Outcome { get; set; } = AdverseEventOutcome.Unknown;

    [BindProperty]
    public DateOnly? DeathDate { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>The form field that shows each catalogue field an adverse-event check may name.</summary>
    private static readonly Dictionary<string, string> CheckFields = new(StringComparer.Ordinal)
    {
        ["ae.term"] = nameof(Term),
        ["ae.onset"] = nameof(Onset),
        ["ae.resolution"] = nameof(Resolved),
        ["ae.grade"] = nameof(Grade),
        ["ae.outcome"] = nameof(Outcome),
    };

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(Term))
        {
            ModelState.AddModelError(nameof(Term), text["validation.required", text["ae.term"]]);
        }

        if (Onset is null)
        {
            ModelState.AddModelError(nameof(Onset), text["validation.required", text["ae.onset"]]);
        }

        if (Grade is not (>= 1 and <= 5))
        {
            ModelState.AddModelError(nameof(Grade), text["ae.grade_invalid", text["ae.grade"], Grade?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""]);
        }

        if (Relatedness is not { } relatedness || !Enum.IsDefined(relatedness))
        {
            ModelState.AddModelError(nameof(Relatedness), text["validation.required", text["ae.relatedness"]]);
        }

        if (Serious.Any(s => !Enum.IsDefined(s) || s == SeriousnessCriteria.None) || !Enum.IsDefined(Category) || !Enum.IsDefined(Outcome))
        {
            ModelState.AddModelError("", text["validation.invalid"]);
        }

        if (ModelState.IsValid)
        {
            var seriousness = Serious.Aggregate(SeriousnessCriteria.None, (all, c) => all | c);
            var adverseEvent = new ClinicalAdverseEvent(Term!.Trim(), Category, Onset!.Value, Resolved, (CtcaeGrade)Grade!.Value, seriousness, Relatedness!.Value,
                Unexpected ? Expectedness.Unexpected : Expectedness.Expected, Outcome, string.IsNullOrWhiteSpace(SuspectLot) ? null : SuspectLot.Trim(), DeathDate);
            var result = await FollowUps.RecordAdverseEventAsync(db, StudyId, adverseEvent, LateReason, cancellationToken);
            if (result.Succeeded)
            {
                var notes = result.Issues.Where(i => !i.IsError).Select(i => i.Code == IssueCodes.CarTToxicityNeedsAstctGrade && CarTToxicity.Syndrome(adverseEvent.Term) is { } syndrome
                    ? text["ae.astct_grading", text[syndrome == CarTSyndrome.Icans ? "ae.syndrome.icans" : "ae.syndrome.crs"], CarTToxicity.InstrumentKey(syndrome)].Value
                    : CellForms.Describe(i)).ToList();
                Done = text["ae.recorded", adverseEvent.Term] + (notes.Count == 0 ? "" : " " + string.Join(" ", notes))
                    + (adverseEvent.IsSusar ? " " + text["ae.susar"] : "");
                return Redirect($"/patients/{id}/adverse-event");
            }

            CheckFindings.AddErrors(ModelState, result.Issues, CheckFields);
            // A grade the CTCAE term does not define is shown on the grade, in the page's language (AEV007).
            if (result.Issues.Any(i => i.Code == IssueCodes.GradeNotDefinedForTerm) && Ctcae is { } ctcae)
            {
                ModelState.AddModelError(nameof(Grade), text["ae.grade_not_in_term", ctcae.Term, ctcae.MeddraCode, Grade!.Value,
                    string.Join(", ", ctcae.Grades.Select(g => (int)g))]);
            }

            CellForms.AddIssues(ModelState, result.Issues.Where(i => i.Code is not (IssueCodes.CheckHardFinding or IssueCodes.GradeNotDefinedForTerm)));
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<IActionResult?> RefuseAsync(Guid id, CancellationToken cancellationToken)
    {
        var (patient, refused) = await AccessRefusal.PatientAsync(db, access, id, cancellationToken);
        if (patient is not null)
        {
            (PatientId, StudyId, Site, patientSiteId) = (patient.Id, patient.StudyId, patient.Site, patient.SiteId);
        }

        return refused;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var infused = await db.Infusions.AsNoTracking().Where(i => i.PatientId == PatientId).Select(i => i.Lot!.LotNumber).Distinct().ToListAsync(cancellationToken);
        var released = await db.CellLots.AsNoTracking().Where(l => l.Status == LotStatus.Released && l.SiteId == patientSiteId).Select(l => l.LotNumber).ToListAsync(cancellationToken);
        Lots = [.. infused.Order(StringComparer.Ordinal).Select(l => (l, true)), .. released.Except(infused).Order(StringComparer.Ordinal).Select(l => (l, false))];
        var events = await db.AdverseEvents.AsNoTracking().Where(e => e.PatientId == PatientId)
            .Select(e => new { e.OnsetDate, e.Term, e.CtcaeGrade, e.Serious, e.Causality, Lot = e.LotId == null ? null : db.CellLots.Where(l => l.Id == e.LotId).Select(l => l.LotNumber).FirstOrDefault(), e.Outcome })
            .ToListAsync(cancellationToken);
        Recorded = [.. events.OrderBy(e => e.OnsetDate).Select(e => new AdverseEventRow(e.OnsetDate, e.Term, e.CtcaeGrade, e.Serious, e.Causality.ToString(), e.Lot, e.Outcome))];
    }
}
