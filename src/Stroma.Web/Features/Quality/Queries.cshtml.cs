using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Web.Features.CellTherapy;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;
using QueryUseCases = Stroma.Data.Quality.Queries;

namespace Stroma.Web.Features.Quality;

/// <summary>
/// The queries (discrepancy notes) of the sites where the user may read clinical records (docs/data-quality.md, "The
/// query life cycle"), newest first, each with its steps: who did what, when. Filters: status and patient. A site user
/// who may edit records answers an open query; whoever raised it (or, for a check's query, a monitor or data manager
/// of the site) closes or re-opens it. Every step goes through <see cref="QueryUseCases"/>, which decides who may do
/// what; a refusal is shown with its reason and changes nothing. Another site's query is "not found" (QRY code), as if
/// it did not exist.
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class QueriesModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    public IReadOnlyList<Stroma.Data.Quality.QueryView> Shown { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public QueryStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Patient { get; set; }

    [TempData]
    public string? Done { get; set; }

    /// <summary>Source data verification per site the user may read: verified visits of the site's visits.</summary>
    public IReadOnlyList<Stroma.Data.Quality.SdvCoverage> Coverage { get; private set; } = [];

    /// <summary>The query a step was refused on, to show the error beside it.</summary>
    public Guid? Refused { get; private set; }

    public bool CanAnswer(Stroma.Data.Quality.QueryView q) => q.Status == QueryStatus.Open && access.Can(Capability.EditClinical, q.SiteId);

    public bool CanCloseOrReopen(Stroma.Data.Quality.QueryView q) => QueryUseCases.MayCloseOrReopen(access, q.SiteId, q.RaisedBy);

    public string StatusName(QueryStatus status) => text[$"queries.status.{status}"];

    public string StepName(QueryStepKind kind) => text[$"queries.step.{kind}"];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostAnswerAsync(Guid query, string? reply, CancellationToken cancellationToken) =>
        StepAsync(query, reply, QueryUseCases.AnswerAsync, "queries.answered", cancellationToken);

    public Task<IActionResult> OnPostCloseAsync(Guid query, string? reply, CancellationToken cancellationToken) =>
        StepAsync(query, reply, QueryUseCases.CloseAsync, "queries.closed", cancellationToken);

    public Task<IActionResult> OnPostReopenAsync(Guid query, string? reply, CancellationToken cancellationToken) =>
        StepAsync(query, reply, QueryUseCases.ReopenAsync, "queries.reopened", cancellationToken);

    private async Task<IActionResult> StepAsync(Guid query, string? reply,
        Func<StromaDbContext, UserAccess, Guid, string?, CancellationToken, Task<Stroma.Data.CellTherapy.CellTherapyResult<QueryRecord>>> step, string done,
        CancellationToken cancellationToken)
    {
        var result = await step(db, access, query, string.IsNullOrWhiteSpace(reply) ? null : reply.Trim(), cancellationToken);
        if (result.Succeeded)
        {
            Done = text[done];
            return RedirectToPage(new { Status, Patient });
        }

        Refused = query;
        if (result.Issues.Any(i => i.Code == IssueCodes.QueryNotFound))
        {
            return NotFound();
        }

        CellForms.AddIssues(ModelState, result.Issues);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Shown = await QueryUseCases.ListAsync(db, access, status: Status, patientId: Patient, cancellationToken: cancellationToken);
        Coverage = await Stroma.Data.Quality.SourceDataVerification.CoverageAsync(db, [.. access.Sites(Capability.ReadClinical)], cancellationToken: cancellationToken);
    }
}
