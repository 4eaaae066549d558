using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Quality;
using Stroma.Clinical.Time;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Labs;
using Stroma.Web.Features.CellTherapy;
using Stroma.Web.Features.Quality;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;
using LabResultRow = Stroma.Data.Model.LabResult;

namespace Stroma.Web.Features.LabEntry;

/// <summary>One analyte row of the entry form: what was entered (value, unit, the laboratory's printed range).</summary>
public sealed record EntryRow(AnalyteDefinition Analyte, string? Value, string? Unit, string? Range)
{
    public string Name => "v." + Analyte.Key;

    public string UnitName => "u." + Analyte.Key;

    public string RangeName => "r." + Analyte.Key;
}

/// <summary>One stored result as shown back after saving: reported, canonical, flag, the range that flagged it, notes.</summary>
public sealed record SavedResult(string Analyte, string Name, string Reported, string? Normalised, string Flag, string? Range, IReadOnlyList<Issue> Notes);

/// <summary>
/// Lab entry for one patient (issue #8): a single result or a whole panel at once (the panels and analytes of the
/// catalog, <see cref="AnalyteCatalog"/>), a unit per analyte among those the catalog accepts, stored as
/// <see cref="LabResultRow"/> rows by the one use case that records them (<see cref="LabResultEntry"/> in
/// <c>Stroma.Data/Labs</c>: the same normaliser and row mapping as <c>stroma import labs</c>); this page only binds the
/// form and maps the use case's issues onto the fields. All rows are checked before any is written: one bad field
/// stores nothing. Each row is audited on insert.
/// Only for a user who may edit clinical data at the patient's site (read-only there: 403; not readable: 404).
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class EntryModel(StromaDbContext db, UserAccess access, IConfiguration configuration, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public LabPanel? Panel { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Analyte { get; set; }

    [BindProperty]
    public Guid? VisitId { get; set; }

    [BindProperty]
    public Guid? LaboratoryId { get; set; }

    /// <summary>Local date and time the specimen was taken (yyyy-MM-ddTHH:mm).</summary>
    [BindProperty]
    public string? SpecimenTime { get; set; }

    /// <summary>The UTC offset of <see cref="SpecimenTime"/> (e.g. +08:00).</summary>
    [BindProperty]
    public string Offset { get; set; } = "+08:00";

    public Guid PatientId { get; private set; }

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    public IReadOnlyList<(Guid Id, DateOnly Date, string Type)> Visits { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Code, string Name)> Laboratories { get; private set; } = [];

    public IReadOnlyList<EntryRow> Rows { get; private set; } = [];

    public IReadOnlyList<SavedResult> Saved { get; private set; } = [];

    /// <summary>What soft edit checks found on the visit with the results just saved (a query was opened on each).</summary>
    public string? CheckWarnings { get; private set; }

    private Guid siteId;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        SpecimenTime ??= clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        Rows = [.. Analytes().Select(a => new EntryRow(a, null, a.CanonicalUnit?.Code, null))];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        Rows = [.. Analytes().Select(a => new EntryRow(a, Form("v." + a.Key), Form("u." + a.Key) ?? a.CanonicalUnit?.Code, Form("r." + a.Key)))];
        var when = ReadTime();
        var entered = Rows.Where(r => r.Value is not null).ToList();
        if (entered.Count == 0)
        {
            ModelState.AddModelError(Rows.Count > 0 ? Rows[0].Name : nameof(Panel), text["labentry.nothing_entered"]);
        }

        if (!ModelState.IsValid || when is null)
        {
            return Page();
        }

        var outcome = await LabResultEntry.RecordAsync(db, SiteLabRanges.Normaliser(configuration["lab-ranges"]), new LabEntryRequest(id, VisitId, LaboratoryId, when.Value,
            [.. entered.Select(r => new LabEntryValue(r.Analyte.Key, r.Value!, r.Analyte.IsQuantitative ? r.Unit : null, r.Range))]), cancellationToken);
        foreach (var issue in outcome.Issues.Where(i => i.IsError))
        {
            switch (issue.Path)
            {
                case "visit" when issue.Code == IssueCodes.VisitLocked:
                    ModelState.AddModelError(nameof(VisitId), text["labentry.visit_locked", issue.Message]);
                    break;
                case "visit":
                    ModelState.AddModelError(nameof(VisitId), text["labentry.visit_unknown"]);
                    break;
                case "laboratory":
                    ModelState.AddModelError(nameof(LaboratoryId), text["labentry.lab_unknown"]);
                    break;
                case { } path when issue.Code == IssueCodes.CheckHardFinding:
                    // A hard edit check on the visit: on the row of the analyte it names, else with the visit.
                    ModelState.AddModelError(entered.FirstOrDefault(r => path == CheckFieldCatalogue.LabPrefix + r.Analyte.Key)?.Name ?? nameof(VisitId),
                        CellForms.Describe(issue));
                    break;
                default:
                    ModelState.AddModelError(nameof(SpecimenTime), $"{issue.Code}: {issue.Message}");
                    break;
            }
        }

        foreach (var (row, result) in entered.Zip(outcome.Results))
        {
            foreach (var issue in result.Issues.Where(i => i.IsError))
            {
                if (issue.Code == IssueCodes.DuplicateLabResult)
                {
                    ModelState.AddModelError(row.Name, text["labentry.duplicate", row.Analyte.Name, when.Value.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)]);
                    continue;
                }

                // The field at fault: an unreadable reference range (LAB007) is the range's error, not the value's.
                var field = issue.Path switch { "unit" => row.UnitName, "range" => row.RangeName, _ => row.Name };
                var shown = issue.Path switch { "unit" => result.Entered.Unit ?? "", "range" => result.Entered.Range ?? "", _ => row.Value! };
                ModelState.AddModelError(field, text["labentry.row_error", row.Analyte.Name, shown, $"{issue.Code}: {issue.Message}"]);
            }
        }

        if (!outcome.Saved)
        {
            if (ModelState.IsValid)
            {
                ModelState.AddModelError(nameof(SpecimenTime), string.Join("; ", outcome.Issues.Select(i => i.ToString())));
            }

            return Page();
        }

        CheckWarnings = CheckFindings.Warnings(outcome.Issues);
        Saved = [.. outcome.Results.Select(r => new SavedResult(r.Normalised.Analyte, AnalyteCatalog.Find(r.Normalised.Analyte)?.Name ?? r.Normalised.Analyte,
            $"{r.Entered.Value} {r.Entered.Unit}".Trim(),
            r.Normalised.Value is { } v ? $"{Quantity.Format(v)} {r.Normalised.Unit}" : null,
            FlagCode(r.Normalised.Flag), r.Normalised.RangeUsed, r.Normalised.Issues))];
        Rows = [.. Analytes().Select(a => new EntryRow(a, null, a.CanonicalUnit?.Code, null))];
        return Page();
    }

    /// <summary>The problems of one field, for the row's error text.</summary>
    public IEnumerable<string> ErrorsFor(string name) =>
        ModelState.TryGetValue(name, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    /// <summary>The analytes shown: the chosen single analyte, else the chosen panel's, else none yet.</summary>
    public IEnumerable<AnalyteDefinition> Analytes() =>
        AnalyteCatalog.Find(Analyte) is { } single ? [single]
        : Panel is { } panel ? AnalyteCatalog.All.Where(a => a.Panel == panel)
        : [];

    public static string FlagCode(LabFlag flag) => flag.Code();

    private string? Form(string key) => Request.Form[key].ToString() is { Length: > 0 } s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    private DateTimeOffset? ReadTime()
    {
        // The one instant parser; its issue names the field at fault, shown here in the page's language.
        var result = InstantPattern.Parse(SpecimenTime, Offset, nameof(SpecimenTime), nameof(Offset));
        if (result.Issue is { } issue)
        {
            if (issue.Path == nameof(Offset))
            {
                ModelState.AddModelError(nameof(Offset), text["labentry.offset_format", Offset ?? ""]);
            }

            if (issue.Path != nameof(Offset) || !InstantPattern.Parse(SpecimenTime, "Z", nameof(SpecimenTime), nameof(Offset)).Success)
            {
                ModelState.AddModelError(nameof(SpecimenTime), text["labentry.time_format", SpecimenTime ?? ""]);
            }

            return null;
        }

        var parsed = result.Value;
        if (parsed > clock.GetUtcNow().AddMinutes(5))
        {
            ModelState.AddModelError(nameof(SpecimenTime), text["labentry.time_future", SpecimenTime!]);
            return null;
        }

        return parsed;
    }

    /// <summary>Loads the patient; 404 when the user may not read the site's records, 403 when they may read but not edit.</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var (patient, refused) = await AccessRefusal.PatientAsync(db, access, id, cancellationToken);
        if (patient is null)
        {
            return refused;
        }

        (PatientId, StudyId, Site, siteId) = (id, patient.StudyId, patient.Site, patient.SiteId);
        Visits = [.. (await db.Visits.AsNoTracking().Where(v => v.PatientId == id).OrderByDescending(v => v.VisitDate)
            .Select(v => new { v.Id, v.VisitDate, v.Type }).ToListAsync(cancellationToken))
            .Select(v => (v.Id, v.VisitDate, v.Type))];
        Laboratories = [.. (await db.Laboratories.AsNoTracking().Where(l => l.SiteId == siteId).OrderBy(l => l.Code)
            .Select(l => new { l.Id, l.Code, l.Name }).ToListAsync(cancellationToken)).Select(l => (l.Id, l.Code, l.Name))];
        return null;
    }
}
