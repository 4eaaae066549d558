using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>One lot in the cell lab's list.</summary>
public sealed record LotRow(Guid Id, string LotNumber, string Site, string Product, DateOnly ManufacturedOn, DateOnly ExpiresOn, LotStatus Status, bool Expired);

/// <summary>
/// The lots the user sees (<see cref="AccessQueries.LotsFor"/>) with their site, release status (quarantine, released,
/// rejected) and expiry: those of the sites where the user may read lots, and for cell-lab QA also the lots they decided.
/// </summary>
[Authorize(Policy = Policies.ReadLots)]
public sealed class LotsModel(StromaDbContext db, UserAccess access, TimeProvider clock) : PageModel
{
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public LotStatus? Status { get; set; }

    public IReadOnlyList<LotRow> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var query = db.LotsFor(access).AsNoTracking();
        if (Status is { } status)
        {
            query = query.Where(l => l.Status == status);
        }

        var lots = await query.OrderBy(l => l.LotNumber)
            .Select(l => new { l.Id, l.LotNumber, Site = l.Site!.Code, l.ProductType, l.ManufacturedOn, l.ExpiresOn, l.Status }).ToListAsync(cancellationToken);
        Rows = [.. lots.Select(l => new LotRow(l.Id, l.LotNumber, l.Site, l.ProductType.Label(), l.ManufacturedOn, l.ExpiresOn, l.Status, l.ExpiresOn < today))];
    }
}
