using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Visits;

/// <summary>
/// One visit: its assessments (total, grade, algorithm version, who recorded and changed them), the signature's
/// manifestation when signed (printed name, time, meaning), and, as the user's capabilities at the patient's site
/// allow, links to record an instrument (unsigned visits only), to sign, or to unlock.
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class DetailsModel(StromaDbContext db, UserAccess access) : PageModel
{
    /// <summary>The TempData key under which the visit form leaves the soft edit-check findings of the save.</summary>
    public const string CheckWarningsKey = "CheckWarnings";

    public VisitRecord Visit { get; private set; } = null!;

    /// <summary>What soft edit checks found when the visit was just saved (a query was opened on each).</summary>
    [TempData(Key = CheckWarningsKey)]
    public string? CheckWarnings { get; set; }

    public IReadOnlyList<AssessmentRow> Assessments { get; private set; } = [];

    public bool CanEdit { get; private set; }

    public bool CanSign { get; private set; }

    /// <summary>May mark the visit source-data-verified (a monitor of its site).</summary>
    public bool CanVerify { get; private set; }

    /// <summary>The visit's standing source data verification marks (docs/data-quality.md).</summary>
    public IReadOnlyList<Stroma.Data.Quality.SdvMarkView> Verified { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await VisitRecord.FindAsync(db, access, id, cancellationToken) is not { } visit)
        {
            return NotFound();
        }

        Visit = visit;
        CanEdit = access.Can(Capability.EditClinical, visit.SiteId);
        CanSign = access.Can(Capability.SignVisits, visit.SiteId);
        CanVerify = access.Can(Capability.VerifySourceData, visit.SiteId);
        Verified = await Stroma.Data.Quality.SourceDataVerification.ListAsync(db, access, visitId: id, currentOnly: true, cancellationToken: cancellationToken);
        // Ordered here: SQLite cannot order by a DateTimeOffset column.
        Assessments = [.. (await db.Assessments.AsNoTracking().Where(a => a.VisitId == id)
            .Select(a => new AssessmentRow(a.Id, a.Instrument, a.Total, a.Grade, a.AlgorithmVersion, a.CreatedBy, a.CreatedAt, a.UpdatedBy, a.UpdatedAt))
            .ToListAsync(cancellationToken)).OrderBy(a => a.RecordedAt)];
        return Page();
    }
}
