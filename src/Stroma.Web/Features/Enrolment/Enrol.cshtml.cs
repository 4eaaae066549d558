using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Features.Enrolment;

/// <summary>
/// Registers a patient at a site where the user may edit clinical data (<see cref="Capability.EditClinical"/>): a
/// pseudonymous study id unique within the site, sex, birth year or date, and the consent (form version and date,
/// both required: nobody is registered without consent). Optionally enrols the patient on a built-in protocol template or a stored approved protocol through
/// the same use case as <c>stroma enrol</c> (<see cref="Enrolments"/>), in the same save: either both or neither.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class EnrolModel(StromaDbContext db, UserAccess access, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public const int StudyIdMaxLength = 64;
    public const int MinimumBirthYear = 1900;

    public IReadOnlyList<(Guid Id, string Code)> SiteChoices { get; private set; } = [];

    /// <summary>
    /// What a patient can be enrolled on: the built-in templates and every stored protocol's latest approved version
    /// (<see cref="ProtocolVersions"/>); drafts are not offered.
    /// </summary>
    public IReadOnlyList<ProtocolChoice> Protocols { get; private set; } = [];

    [BindProperty]
    [Display(Name = "enrol.site")]
    public Guid? SiteId { get; set; }

    [BindProperty]
    [Display(Name = "enrol.study_id")]
    public string? StudyId { get; set; }

    [BindProperty]
    [Display(Name = "enrol.sex")]
    public Sex? Sex { get; set; }

    [BindProperty]
    [Display(Name = "enrol.birth_year")]
    public int? BirthYear { get; set; }

    [BindProperty]
    [Display(Name = "enrol.birth_date")]
    public DateOnly? BirthDate { get; set; }

    [BindProperty]
    [Display(Name = "enrol.consent_version")]
    public string? ConsentVersion { get; set; }

    [BindProperty]
    [Display(Name = "enrol.consent_date")]
    public DateOnly? ConsentDate { get; set; }

    [BindProperty]
    [Display(Name = "enrol.protocol")]
    public string? Protocol { get; set; }

    [BindProperty]
    [Display(Name = "enrol.start")]
    public DateOnly? Start { get; set; }

    [BindProperty]
    [Display(Name = "enrol.weight")]
    public decimal? WeightKg { get; set; }

    [BindProperty]
    [Display(Name = "enrol.weighed_on")]
    public DateOnly? WeighedOn { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (SiteChoices.Count == 1)
        {
            SiteId = SiteChoices[0].Id;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);

        // Access first: a site the user may not edit is refused before anything posted is looked at.
        if (SiteId is { } requested && AccessRefusal.AtSite(access, requested) is { } refused)
        {
            return refused;
        }

        Validate();
        var studyId = StudyId?.Trim() ?? "";
        if (ModelState.IsValid && await db.Patients.AnyAsync(p => p.SiteId == SiteId && p.StudyId == studyId, cancellationToken))
        {
            var site = SiteChoices.Single(s => s.Id == SiteId).Code;
            ModelState.AddModelError(nameof(StudyId), text["enrol.study_id_taken", studyId, site]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var patient = new Patient
        {
            Id = Guid.CreateVersion7(),
            SiteId = SiteId!.Value,
            StudyId = studyId,
            Sex = Sex!.Value,
            BirthDate = BirthDate,
            BirthYear = BirthDate is null ? BirthYear : null,
            ConsentVersion = ConsentVersion!.Trim(),
            ConsentDate = ConsentDate,
        };
        db.Patients.Add(patient);
        if (string.IsNullOrEmpty(Protocol))
        {
            await db.SaveChangesAsync(cancellationToken);
            return Redirect($"/patients/{patient.Id}");
        }

        // The consent to the protocol is the one just recorded, for the version enrolled on: the latest approved one (as the CLI's default).
        var chosen = Protocols.Single(p => p.Key == Protocol);
        var request = new EnrolmentRequest(Start!.Value, WeightKg, WeighedOn, new ConsentRecord(ConsentDate!.Value, chosen.Version), chosen.Number);
        var result = await Enrolments.EnrolAsync(db, patient, Protocol, request, cancellationToken);
        if (result.Value is null)
        {
            foreach (var issue in result.Issues.Where(i => i.IsError))
            {
                ModelState.AddModelError(issue.Path switch { "weight" => nameof(WeightKg), "protocol" => nameof(Protocol), _ => "" },
                    $"{issue.Code}: {issue.Message}");
            }

            return Page();
        }

        return Redirect($"/patients/{patient.Id}");
    }

    /// <summary>Every problem with the form at once, each naming the field, the value and why.</summary>
    private void Validate()
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (SiteId is null)
        {
            ModelState.AddModelError(nameof(SiteId), text["admin.choose_site"]);
        }

        var studyId = StudyId?.Trim();
        if (string.IsNullOrEmpty(studyId))
        {
            ModelState.AddModelError(nameof(StudyId), text["validation.required", text["enrol.study_id"]]);
        }
        else if (studyId.Length > StudyIdMaxLength)
        {
            ModelState.AddModelError(nameof(StudyId), text["enrol.too_long", text["enrol.study_id"], studyId.Length, StudyIdMaxLength]);
        }

        if (Sex is not { } sex || !Enum.IsDefined(sex))
        {
            ModelState.AddModelError(nameof(Sex), text["validation.required", text["enrol.sex"]]);
        }

        if (BirthYear is null && BirthDate is null)
        {
            ModelState.AddModelError(nameof(BirthYear), text["enrol.birth_required"]);
        }

        if (BirthYear is { } year && (year < MinimumBirthYear || year > today.Year))
        {
            ModelState.AddModelError(nameof(BirthYear), text["enrol.birth_year_range", year, MinimumBirthYear, today.Year]);
        }

        if (BirthDate is { } born)
        {
            if (born > today)
            {
                ModelState.AddModelError(nameof(BirthDate), text["enrol.future", text["enrol.birth_date"], Iso(born), Iso(today)]);
            }

            if (BirthYear is { } y && y != born.Year)
            {
                ModelState.AddModelError(nameof(BirthYear), text["enrol.birth_year_differs", y, Iso(born)]);
            }
        }

        if (string.IsNullOrWhiteSpace(ConsentVersion))
        {
            ModelState.AddModelError(nameof(ConsentVersion), text["enrol.consent_required", text["enrol.consent_version"]]);
        }
        else if (ConsentVersion.Trim().Length > StudyIdMaxLength)
        {
            ModelState.AddModelError(nameof(ConsentVersion), text["enrol.too_long", text["enrol.consent_version"], ConsentVersion.Trim().Length, StudyIdMaxLength]);
        }

        if (ConsentDate is not { } consent)
        {
            ModelState.AddModelError(nameof(ConsentDate), text["enrol.consent_required", text["enrol.consent_date"]]);
        }
        else
        {
            if (consent > today)
            {
                ModelState.AddModelError(nameof(ConsentDate), text["enrol.future", text["enrol.consent_date"], Iso(consent), Iso(today)]);
            }

            var bornBy = BirthDate ?? (BirthYear is { } by ? new DateOnly(Math.Clamp(by, 1, 9999), 1, 1) : (DateOnly?)null);
            if (bornBy is { } b && consent < b)
            {
                ModelState.AddModelError(nameof(ConsentDate), text["enrol.consent_before_birth", Iso(consent)]);
            }
        }

        if (!string.IsNullOrEmpty(Protocol))
        {
            if (Protocols.All(p => p.Key != Protocol))
            {
                ModelState.AddModelError(nameof(Protocol), text["enrol.unknown_protocol", Protocol]);
            }

            if (Start is null)
            {
                ModelState.AddModelError(nameof(Start), text["enrol.start_required", Protocol]);
            }
            else if (ConsentDate is { } c && Start < c)
            {
                ModelState.AddModelError(nameof(Start), text["enrol.start_before_consent", Iso(Start.Value), Iso(c)]);
            }

            if (WeightKg is not null && WeighedOn is null)
            {
                ModelState.AddModelError(nameof(WeighedOn), text["enrol.weighed_on_required"]);
            }
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var sites = await db.SitesFor(access, Capability.EditClinical).AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken);
        SiteChoices = [.. sites.Select(s => (s.Id, s.Code))];
        var versions = await ProtocolVersions.ListAsync(db, cancellationToken);
        Protocols = [.. versions.Where(v => v.Status == ProtocolVersionStatus.Approved)
            .GroupBy(v => v.Key).Select(g => g.MaxBy(v => v.Number)!)
            .Select(v => new ProtocolChoice(v.Key, v.Definition.Protocol.Name, v.Number, v.Definition.Protocol.Version, v.IsTemplate))];
    }
}

/// <summary>A protocol offered for enrolment: its key, name and latest approved version (number and label).</summary>
public sealed record ProtocolChoice(string Key, string Name, int Number, string Version, bool IsTemplate);
