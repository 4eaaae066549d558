using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Time;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Import;
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
/// <see cref="LabResultRow"/> rows exactly as <c>stroma import labs</c> stores them: each result normalised by the
/// import's <see cref="CatalogLabNormaliser"/> (conversion to the canonical unit through the catalog's cited factors;
/// flag from the laboratory's printed range when entered, else the site laboratory's configured range, else a sourced
/// default, else none with LAB010) and mapped by <see cref="Data.Import.LabImport.Fill"/>; optionally attached to a visit.
/// All rows are checked before any is written: one bad field stores nothing. Each row is audited on insert.
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

    public IReadOnlyList<(Guid Id, string Text)> Visits { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Code, string Name)> Laboratories { get; private set; } = [];

    public IReadOnlyList<EntryRow> Rows { get; private set; } = [];

    public IReadOnlyList<SavedResult> Saved { get; private set; } = [];

    private Data.Model.Sex sex;
    private int? birthYear;
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
        if (VisitId is { } visit && !Visits.Any(v => v.Id == visit))
        {
            ModelState.AddModelError(nameof(VisitId), text["labentry.visit_unknown"]);
        }

        var lab = Laboratories.FirstOrDefault(l => l.Id == LaboratoryId);
        if (LaboratoryId is not null && lab.Code is null)
        {
            ModelState.AddModelError(nameof(LaboratoryId), text["labentry.lab_unknown"]);
        }

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

        var normaliser = SiteLabRanges.Normaliser(configuration);
        var rangeLab = lab.Code is null ? null : SiteLabRanges.LabId(Site, lab.Code);
        var results = new List<(EntryRow Row, LabNormalisation Normalised)>();
        foreach (var row in entered)
        {
            var unit = row.Analyte.IsQuantitative ? row.Unit : null;
            var normalised = normaliser.Normalise(new LabReport(row.Analyte.Key, row.Value!, unit, row.Range, sex, birthYear, when.Value) { LabId = rangeLab });
            foreach (var issue in normalised.Issues.Where(i => i.IsError))
            {
                var field = issue.Path == "unit" ? row.UnitName : row.Name;
                var shown = issue.Path == "unit" ? unit ?? "" : row.Value!;
                ModelState.AddModelError(field, text["labentry.row_error", row.Analyte.Name, shown, $"{issue.Code}: {issue.Message}"]);
            }

            results.Add((row, normalised));
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var keys = results.Select(r => r.Normalised.Analyte).ToList();
        var existing = await db.LabResults.AsNoTracking().Where(l => l.PatientId == id && l.SpecimenTime == when.Value && keys.Contains(l.Analyte))
            .Select(l => l.Analyte).ToListAsync(cancellationToken);
        foreach (var (row, normalised) in results.Where(r => existing.Contains(r.Normalised.Analyte)))
        {
            ModelState.AddModelError(row.Name, text["labentry.duplicate", row.Analyte.Name, when.Value.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture)]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        foreach (var (row, normalised) in results)
        {
            var record = new LabResultRow { Id = Guid.CreateVersion7() };
            Data.Import.LabImport.Fill(record, id, VisitId, LaboratoryId, when.Value, row.Value!, row.Analyte.IsQuantitative ? row.Unit : null, row.Range, normalised);
            db.LabResults.Add(record);
        }

        await db.SaveChangesAsync(cancellationToken);
        Saved = [.. results.Select(r => new SavedResult(r.Normalised.Analyte, r.Row.Analyte.Name,
            $"{r.Row.Value} {(r.Row.Analyte.IsQuantitative ? r.Row.Unit : null)}".Trim(),
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

    public static string FlagCode(Data.Model.LabAbnormality flag) => flag switch
    {
        Data.Model.LabAbnormality.Normal => "N",
        Data.Model.LabAbnormality.Low => "L",
        Data.Model.LabAbnormality.High => "H",
        Data.Model.LabAbnormality.CriticalLow => "LL",
        Data.Model.LabAbnormality.CriticalHigh => "HH",
        _ => "",
    };

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

        return Data.Audit.AuditChain.Normalise(parsed);
    }

    /// <summary>Loads the patient; 404 when the user may not read the site's records, 403 when they may read but not edit.</summary>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var patient = await db.PatientsFor(access, Capability.ReadClinical).AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.SiteId, Site = p.Site!.Code, p.StudyId, p.Sex, p.BirthYear, p.BirthDate }).SingleOrDefaultAsync(cancellationToken);
        if (patient is null)
        {
            return NotFound();
        }

        if (!access.Can(Capability.EditClinical, patient.SiteId))
        {
            return Forbid();
        }

        (PatientId, StudyId, Site, siteId, sex, birthYear) = (id, patient.StudyId, patient.Site, patient.SiteId, patient.Sex, patient.BirthYear ?? patient.BirthDate?.Year);
        Visits = [.. (await db.Visits.AsNoTracking().Where(v => v.PatientId == id).OrderByDescending(v => v.VisitDate)
            .Select(v => new { v.Id, v.VisitDate, v.Type }).ToListAsync(cancellationToken))
            .Select(v => (v.Id, $"{v.VisitDate:yyyy-MM-dd} {v.Type}"))];
        Laboratories = [.. (await db.Laboratories.AsNoTracking().Where(l => l.SiteId == siteId).OrderBy(l => l.Code)
            .Select(l => new { l.Id, l.Code, l.Name }).ToListAsync(cancellationToken)).Select(l => (l.Id, l.Code, l.Name))];
        return null;
    }
}
