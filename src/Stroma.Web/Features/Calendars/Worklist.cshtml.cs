using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Calendars;

/// <summary>
/// The worklist of the user's sites (<see cref="Worklist.ForUserAsync"/>: only sites where they may read clinical
/// records): infusions and follow-up visits due within the horizon (default 14 days) or overdue, per patient, with
/// links to the patient's calendar and to the infusion form. The landing page of coordinators.
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class WorklistModel(StromaDbContext db, UserAccess access, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    [Display(Name = "worklist.within")]
    public string? Within { get; set; }

    public WorklistReport? Report { get; private set; }

    public DateOnly Today { get; private set; }

    /// <summary>The open queries of the user's sites (issue #15: the site answers them; docs/data-quality.md).</summary>
    public IReadOnlyList<Stroma.Data.Quality.QueryView> OpenQueries { get; private set; } = [];

    /// <summary>True when the user may record for patients of <paramref name="siteId"/> (the infusion link).</summary>
    public bool CanEdit(Guid siteId) => access.Can(Capability.EditClinical, siteId);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var horizon = Worklist.DefaultHorizonDays;
        if (!string.IsNullOrWhiteSpace(Within))
        {
            if (!int.TryParse(Within.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out horizon)
                || horizon > Worklist.MaxHorizonDays)
            {
                ModelState.AddModelError(nameof(Within), text["worklist.within_range", text["worklist.within"], Worklist.MaxHorizonDays]);
                horizon = Worklist.DefaultHorizonDays;
            }
        }

        Within = horizon.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (report, issues) = await Worklist.ForUserAsync(db, access, Today, horizon, cancellationToken);
        foreach (var issue in issues)
        {
            ModelState.AddModelError(nameof(Within), $"{issue.Code}: {issue.Message}");
        }

        Report = report;
        OpenQueries = await Stroma.Data.Quality.Queries.ListAsync(db, access, status: Stroma.Data.Model.QueryStatus.Open, cancellationToken: cancellationToken);
        return Page();
    }
}
