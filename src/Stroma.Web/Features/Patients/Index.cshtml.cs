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
public sealed class IndexModel(StromaDbContext db, UserAccess access, PatientCounts patientCounts) : PageModel
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
        var sites = await db.SitesFor(access, Capability.ReadClinical).OrderBy(s => s.Code).Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken);
        Sites = [.. sites.Select(s => s.Code)];
        // The protocols the registry knows (Stroma.Clinical's templates): no scan of the enrolments on every page.
        Protocols = [.. ProtocolTemplates.All.Select(p => p.Key).Order(StringComparer.Ordinal)];
        var query = db.PatientsFor(access, Capability.ReadClinical).AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Search))
        {
            var term = Search.Trim();
            query = query.Where(p => p.StudyId.Contains(term));
        }

        if (!string.IsNullOrWhiteSpace(Site))
        {
            query = query.Where(p => p.Site!.Code == Site);
        }

        if (!string.IsNullOrWhiteSpace(Protocol))
        {
            var enrolled = db.Set<ProtocolEnrolment>().Where(e => e.ProtocolKey == Protocol).Select(e => e.PatientId);
            query = query.Where(p => enrolled.Contains(p.Id));
        }

        var dead = db.Deaths.Select(d => d.PatientId);
        query = Status switch
        {
            PatientStatus.Deceased => query.Where(p => dead.Contains(p.Id)),
            PatientStatus.Withdrawn => query.Where(p => !dead.Contains(p.Id) && p.WithdrawalDate != null),
            PatientStatus.Active => query.Where(p => !dead.Contains(p.Id) && p.WithdrawalDate == null),
            _ => query,
        };

        // Paging in (site code, study id) order without sorting the whole registry: count per site (the index on
        // (site, study id) answers it), then read the page's rows site by site in index order.
        // Remembered while the audit trail's head is unchanged (PatientCounts): exact, and cheap on most pages.
        var key = string.Join('|', Search?.Trim(), Site, Protocol, Status, string.Join(',', access.Sites(Capability.ReadClinical).Order()));
        var counts = await patientCounts.GetAsync(db, key, async ct =>
            (await query.GroupBy(p => p.SiteId).Select(g => new { Site = g.Key, Count = g.Count() }).ToListAsync(ct))
                .ToDictionary(c => c.Site, c => c.Count), cancellationToken);
        Total = counts.Values.Sum();
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        var skip = (PageNumber - 1) * PageSize;
        var rows = new List<PatientRow>(PageSize);
        foreach (var site in sites)
        {
            var count = counts.GetValueOrDefault(site.Id);
            if (skip >= count)
            {
                skip -= count;
                continue;
            }

            var page = await query.Where(p => p.SiteId == site.Id).OrderBy(p => p.StudyId).Skip(skip).Take(PageSize - rows.Count)
                .Select(p => new { p.Id, p.StudyId, p.Sex, p.BirthYear, p.BirthDate, p.ConsentDate, p.WithdrawalDate, Dead = dead.Contains(p.Id) })
                .ToListAsync(cancellationToken);
            rows.AddRange(page.Select(p => new PatientRow(p.Id, site.Code, p.StudyId, p.Sex.ToString(), p.BirthYear ?? p.BirthDate?.Year, p.ConsentDate,
                p.Dead ? PatientStatus.Deceased : p.WithdrawalDate is not null ? PatientStatus.Withdrawn : PatientStatus.Active)));
            skip = 0;
            if (rows.Count == PageSize)
            {
                break;
            }
        }

        Rows = rows;
    }
}
