using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Patients;

/// <summary>One row of the patient list (a view model: entities never leave the page model).</summary>
public sealed record PatientRow(Guid Id, string Site, string StudyId, string Sex, int? BirthYear, DateOnly? ConsentDate, PatientStatus Status);

/// <summary>A patient's status in the list: deceased (a death record) before withdrawn (a withdrawal date) before active.</summary>
public enum PatientStatus
{
    Active,
    Withdrawn,
    Deceased,
}

/// <summary>
/// The patient list with search (study id), site, protocol (any enrolment on it) and status filters, 50 rows a page: only the patients of the sites where
/// the user may read clinical data (<see cref="Capability.ReadClinical"/>), whatever the filter says.
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class IndexModel(ReadDatabase reads, UserAccess access, PatientDirectory patientDirectory) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Site { get; set; }

    /// <summary>Protocol key: patients with an enrolment on it.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Protocol { get; set; }

    /// <summary>Status filter (<see cref="PatientStatus"/>), or null for all.</summary>
    [BindProperty(SupportsGet = true)]
    public PatientStatus? Status { get; set; }

    /// <summary>The protocols the user's visible patients are enrolled on.</summary>
    public IReadOnlyList<string> Protocols { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<string> Sites { get; private set; } = [];

    public IReadOnlyList<PatientRow> Rows { get; private set; } = [];

    public int Total { get; private set; }

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // Reads may go to the read replica (docs/operations.md "Read replicas").
        var replica = await reads.ReplicaConfigurationAsync(cancellationToken);
        var db = await reads.ContextAsync(cancellationToken);
        var sites = await db.SitesFor(access, Capability.ReadClinical).OrderBy(s => s.Code).Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken);
        Sites = [.. sites.Select(s => s.Code)];
        // The protocols the registry knows (Stroma.Clinical's templates): no scan of the enrolments on every page.
        Protocols = [.. ProtocolTemplates.All.Select(p => p.Key).Order(StringComparer.Ordinal)];
        // The filtered list in (site code, study id) order, read site by site through the (site, study id) index and
        // remembered while the audit trail's head is unchanged (PatientDirectory): exact, and on most requests no
        // patient query at all. The search and the page are then taken from it in memory.
        var key = string.Join('|', Site, Protocol, Status, string.Join(',', access.Sites(Capability.ReadClinical).Order()));
        var listing = await patientDirectory.GetAsync(db, key, async context =>
        {
            var query = Filtered(context);
            var dead = context.Deaths.Select(d => d.PatientId);
            var rows = new List<PatientRow>();
            foreach (var site in sites)
            {
                var page = await query.Where(p => p.SiteId == site.Id).OrderBy(p => p.StudyId)
                    .Select(p => new { p.Id, p.StudyId, p.Sex, p.BirthYear, p.BirthDate, p.ConsentDate, p.WithdrawalDate, Dead = dead.Contains(p.Id) })
                    .ToListAsync(CancellationToken.None);
                rows.AddRange(page.Select(p => new PatientRow(p.Id, site.Code, p.StudyId, p.Sex.ToString(), p.BirthYear ?? p.BirthDate?.Year, p.ConsentDate,
                    p.Dead ? PatientStatus.Deceased : p.WithdrawalDate is not null ? PatientStatus.Withdrawn : PatientStatus.Active)));
            }

            return rows;
        }, cancellationToken, replica);

        // Study-id search: a part of the id, in any letter case ("s1-00" finds S1-001).
        var matches = listing.Search(Search?.Trim() ?? string.Empty);
        Total = matches.Count;
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Rows = [.. matches.Skip((PageNumber - 1) * PageSize).Take(PageSize)];
    }

    /// <summary>The user's readable patients that pass the site, protocol and status filters, on <paramref name="context"/>.</summary>
    private IQueryable<Patient> Filtered(StromaDbContext context)
    {
        var query = context.PatientsFor(access, Capability.ReadClinical).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Site))
        {
            query = query.Where(p => p.Site!.Code == Site);
        }

        if (!string.IsNullOrWhiteSpace(Protocol))
        {
            var enrolled = context.Set<ProtocolEnrolment>().Where(e => e.ProtocolKey == Protocol).Select(e => e.PatientId);
            query = query.Where(p => enrolled.Contains(p.Id));
        }

        var dead = context.Deaths.Select(d => d.PatientId);
        return Status switch
        {
            PatientStatus.Deceased => query.Where(p => dead.Contains(p.Id)),
            PatientStatus.Withdrawn => query.Where(p => !dead.Contains(p.Id) && p.WithdrawalDate != null),
            PatientStatus.Active => query.Where(p => !dead.Contains(p.Id) && p.WithdrawalDate == null),
            _ => query,
        };
    }
}
