using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Web.Features.Audit;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Patients;

/// <summary>
/// The audit trail of one patient's records (the patient, and everything that hangs from it, deleted records included):
/// who, when (UTC and local), action, field, old → new, reason; 50 a page, newest first. Only for a user who may read
/// the audit trail at the patient's site (<see cref="Capability.ReadAudit"/>); anyone else gets 404.
/// </summary>
[Authorize(Policy = Policies.ReadAudit)]
public sealed class AuditModel(StromaDbContext db, UserAccess access, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Guid PatientId { get; private set; }

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    public AuditPage Entries { get; private set; } = new([], 0, 1, AuditPage.Size, "", "");

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var patient = await db.PatientsFor(access, Capability.ReadAudit).IgnoreQueryFilters().AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { Site = p.Site!.Code, p.StudyId }).SingleOrDefaultAsync(cancellationToken);
        if (patient is null)
        {
            return NotFound();
        }

        (PatientId, Site, StudyId) = (id, patient.Site, patient.StudyId);
        var keys = (await PatientRecords.KeysAsync(db, id, cancellationToken)).ToArray();
        Entries = await AuditPage.LoadAsync(db.AuditEntries.Where(e => keys.Contains(e.EntityKey)), PageNumber, $"/patients/{id}/audit", clock, cancellationToken);
        return Page();
    }
}
