using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Patients;

/// <summary>One row of the patient list (a view model: entities never leave the page model).</summary>
public sealed record PatientRow(Guid Id, string Site, string StudyId, string Sex, int? BirthYear, DateOnly? ConsentDate, bool Withdrawn);

/// <summary>
/// The patient list with search (study id) and a site filter, 50 rows a page: only the patients of the sites where
/// the user may read clinical data (<see cref="Capability.ReadClinical"/>), whatever the filter says.
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class IndexModel(StromaDbContext db, UserAccess access) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Site { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<string> Sites { get; private set; } = [];

    public IReadOnlyList<PatientRow> Rows { get; private set; } = [];

    public int Total { get; private set; }

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Sites = await db.SitesFor(access, Capability.ReadClinical).OrderBy(s => s.Code).Select(s => s.Code).ToListAsync(cancellationToken);
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

        Total = await query.CountAsync(cancellationToken);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        var page = await query.OrderBy(p => p.Site!.Code).ThenBy(p => p.StudyId)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(p => new { p.Id, Site = p.Site!.Code, p.StudyId, p.Sex, p.BirthYear, p.BirthDate, p.ConsentDate, p.WithdrawalDate })
            .ToListAsync(cancellationToken);
        Rows = [.. page.Select(p => new PatientRow(p.Id, p.Site, p.StudyId, p.Sex.ToString(), p.BirthYear ?? p.BirthDate?.Year, p.ConsentDate, p.WithdrawalDate is not null))];
    }
}
