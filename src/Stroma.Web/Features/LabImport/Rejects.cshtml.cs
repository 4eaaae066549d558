using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stroma.Data.Access;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.LabImport;

/// <summary>The reject report of an upload as CSV (line, field, value, reason): only to the user who uploaded it, for an hour.</summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class RejectsModel(UserAccess access, TimeProvider clock) : PageModel
{
    public IActionResult OnGet(Guid token) =>
        RejectReports.Find(token, access.UserName, clock.GetUtcNow()) is { } csv
            ? File(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", "lab-import-rejects.csv")
            : NotFound();
}
