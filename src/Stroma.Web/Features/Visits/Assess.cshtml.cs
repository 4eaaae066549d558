using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Primitives;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Data.Visits;
using Stroma.Web.Features.Scoring;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Visits;

/// <summary>
/// Records an instrument at a visit, or changes a saved one (with a reason, kept in the audit trail). The form is the
/// calculator's (<see cref="InstrumentForm"/>, live total from <c>/api/score</c>); on save the server scores again with
/// <see cref="AssessmentScoring"/>, which keeps the inputs, the algorithm version and the whole result. For SLEDAI-2K
/// the lab panel is filled from the patient's stored results of the 10 days before the visit (the SLEDAI-2K window),
/// so the descriptors they suggest are marked for the person to confirm by ticking. A signed visit is locked: nothing
/// is added or changed until an investigator unlocks it.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class AssessModel(StromaDbContext db, UserAccess access, Instruments instruments, ClinicalText clinical, IStringLocalizer<Text> text)
    : PageModel
{
    /// <summary>Days before the visit whose lab results fill the SLEDAI-2K panel (SLEDAI-2K scores the last 10 days).</summary>
    public const int LabWindowDays = 10;

    public const string ReasonField = "change.reason";

    public VisitRecord Visit { get; private set; } = null!;

    public InstrumentForm Form { get; private set; } = null!;

    public ScoreResult Result { get; private set; } = null!;

    public Guid? AssessmentId { get; private set; }

    /// <summary>Dates of the stored lab results put into the panel (shown so the person knows where they came from).</summary>
    public IReadOnlyList<(string Analyte, DateOnly Date)> LabSources { get; private set; } = [];

    [BindProperty(Name = ReasonField)]
    public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, string instrument, Guid? assessmentId, CancellationToken cancellationToken)
    {
        var (refused, existing) = await LoadAsync(id, instrument, assessmentId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var items = existing is null ? new Dictionary<string, ItemValue>() : AssessmentScoring.ReadInputs(existing.InputsJson);
        Form.Show(items);
        await FillLabsAsync(cancellationToken);
        Result = Form.Instrument.Score(items);
        return Page();
    }

    /// <summary>Saves the assessment: scored on the server; refused on a signed visit, or without a reason for a change.</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, string instrument, Guid? assessmentId, CancellationToken cancellationToken)
    {
        var (refused, existing) = await LoadAsync(id, instrument, assessmentId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var items = Form.Read(Request.Form);
        Result = Form.Instrument.Score(items);
        if (Visit.IsSigned)
        {
            return Locked();
        }

        Form.AddErrors(Result);
        if (existing is not null && string.IsNullOrWhiteSpace(Reason))
        {
            ModelState.AddModelError(ReasonField, text["visit.reason_required_edit"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        // One writer (VisitAssessments): a signed visit (checked again in the save), a second assessment of the
        // instrument at this visit, or a correction without a reason are refused with an issue.
        var outcome = await VisitAssessments.RecordAsync(db, new AssessmentRequest(id, Form.Instrument.Key, items, existing?.Id, Reason), cancellationToken);
        if (outcome.Saved is null)
        {
            foreach (var issue in outcome.Issues)
            {
                switch (issue.Code)
                {
                    case IssueCodes.VisitLocked:
                        Visit = (await VisitRecord.FindAsync(db, access, id, cancellationToken))!;
                        return Locked();
                    case IssueCodes.AssessmentAlreadyRecorded:
                        var saved = await db.Assessments.AsNoTracking().Where(a => a.VisitId == id && a.Instrument == Form.Instrument.Key)
                            .Select(a => a.Id).FirstAsync(cancellationToken);
                        ModelState.AddModelError("", text["visit.assessment_exists", Form.Instrument.Key, $"/visits/{id}/assess/{Form.Instrument.Key}/{saved}"]);
                        break;
                    case IssueCodes.CorrectionWithoutReason:
                        ModelState.AddModelError(ReasonField, text["visit.reason_required_edit"]);
                        break;
                    default:
                        ModelState.AddModelError("", issue.ToString());
                        break;
                }
            }

            return Page();
        }

        return Redirect($"/visits/{id}");
    }

    /// <summary>"Check labs": shows the descriptors the typed results suggest; saves nothing.</summary>
    public async Task<IActionResult> OnPostLabsAsync(Guid id, string instrument, Guid? assessmentId, CancellationToken cancellationToken)
    {
        var (refused, _) = await LoadAsync(id, instrument, assessmentId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        Result = Form.Instrument.Score(Form.Read(Request.Form));
        return Page();
    }

    private PageResult Locked()
    {
        ModelState.AddModelError("", text["visit.locked_refused", Visit.SignedByName ?? Visit.SignedBy ?? "",
            Visit.SignedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? ""]);
        var page = Page();
        page.StatusCode = StatusCodes.Status409Conflict;
        return page;
    }

    /// <summary>The stored results of the SLEDAI-2K lab analytes in the window, the latest of each, as if typed into the panel.</summary>
    private async Task FillLabsAsync(CancellationToken cancellationToken)
    {
        if (Form.Labs is null || Visit.Date.DayNumber <= LabWindowDays)
        {
            return;
        }

        var from = new DateTimeOffset(Visit.Date.AddDays(-LabWindowDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = new DateTimeOffset(Visit.Date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var keys = SledaiLabPanel.AnalyteKeys.ToArray();
        // Filtered by time here: SQLite cannot compare DateTimeOffset columns.
        var results = (await db.LabResults.AsNoTracking().Where(l => l.PatientId == Visit.PatientId && keys.Contains(l.Analyte))
                .Select(l => new { l.Analyte, l.SpecimenTime, l.ReportedValue, l.ReportedUnit }).ToListAsync(cancellationToken))
            .Where(l => l.SpecimenTime >= from && l.SpecimenTime < to)
            .GroupBy(l => l.Analyte).Select(g => g.OrderByDescending(l => l.SpecimenTime).First()).ToList();
        if (results.Count == 0)
        {
            return;
        }

        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            fields[SledaiLabPanel.Prefix + r.Analyte] = r.ReportedValue;
            if (r.ReportedUnit is not null)
            {
                fields[SledaiLabPanel.UnitPrefix + r.Analyte] = r.ReportedUnit;
            }
        }

        Form.ShowLabs(new FormCollection(fields));
        LabSources = [.. results.OrderBy(r => r.Analyte, StringComparer.Ordinal)
            .Select(r => (r.Analyte, DateOnly.FromDateTime(r.SpecimenTime.UtcDateTime)))];
    }

    /// <summary>Access first (404 if the visit is not readable, 403 if not editable), then the instrument and the assessment.</summary>
    private async Task<(IActionResult? Refused, Assessment? Existing)> LoadAsync(Guid id, string instrument, Guid? assessmentId,
        CancellationToken cancellationToken)
    {
        var visit = await VisitRecord.FindAsync(db, access, id, cancellationToken);
        if (AccessRefusal.AtSite(access, visit?.SiteId) is { } refused)
        {
            return (refused, null);
        }

        if (!VisitInstruments.Contains(instrument) || instruments.Find(instrument) is not { } found)
        {
            return (NotFound(), null);
        }

        Visit = visit!;
        Form = new InstrumentForm(found, clinical, text, ModelState);
        if (assessmentId is not { } aid)
        {
            return (null, null);
        }

        var existing = await db.Assessments.SingleOrDefaultAsync(a => a.Id == aid && a.VisitId == id && a.Instrument == found.Key, cancellationToken);
        if (existing is null)
        {
            return (NotFound(), null);
        }

        AssessmentId = aid;
        return (null, existing);
    }
}
