using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Quality;

namespace Stroma.Web.Features.Home;

/// <summary>What is due at a coordinator's sites, counted by kind of event (issue #19), from <see cref="Worklist"/>.</summary>
/// <param name="Sites">The sites counted (codes).</param>
/// <param name="Infusions">Administrations not yet given whose target falls within the horizon or has passed.</param>
/// <param name="InfusionsLate">Of those, overdue or missed (the target date has passed).</param>
/// <param name="FollowUps">Follow-up visits and contacts not yet recorded, within the horizon or passed.</param>
/// <param name="FollowUpsLate">Of those, overdue or missed.</param>
/// <param name="Patients">Patients with at least one such event.</param>
public sealed record CoordinatorSummary(IReadOnlyList<string> Sites, int Infusions, int InfusionsLate, int FollowUps, int FollowUpsLate, int Patients);

/// <summary>A visit not yet signed at a site where the user is an investigator, with its open queries (which block signing).</summary>
public sealed record VisitToSign(Guid VisitId, Guid PatientId, string StudyId, string SiteCode, DateOnly VisitDate, string Type, int OpenQueries);

/// <summary>A lot in quarantine at a site where the user is cell-lab QA.</summary>
public sealed record LotAwaitingRelease(Guid Id, string LotNumber, string SiteCode, string Product, DateOnly ManufacturedOn, DateOnly ExpiresOn, bool Expired);

/// <summary>Per site the user reads: its patients and its open queries.</summary>
public sealed record SiteCounts(string SiteCode, string SiteName, int Patients, int OpenQueries);

/// <summary>
/// The signed-in user's home page (issue #19, "a home page per role"): one section per role the user holds today, each
/// over the sites where they hold it (<see cref="UserAccess.SitesAs"/>), so a user with several roles sees each of their
/// sections and nothing of another site. A coordinator: what is due (<see cref="Worklist"/>'s own query, the worklist's
/// default two weeks); an investigator: visits awaiting a signature; cell-lab QA: lots in quarantine awaiting a release
/// decision; a monitor: open queries (<see cref="Queries.ListAsync"/>) and the visits still to source-data-verify
/// (<see cref="SourceDataVerification.CoverageAsync"/>). Everyone who reads clinical records also sees the counts per
/// site. Read-only: every section links to the page where the work is done.
/// </summary>
[Authorize]
public sealed class DashboardModel(StromaDbContext db, UserAccess access, TimeProvider clock) : PageModel
{
    /// <summary>Rows shown in a section's table; the section's count says how many there are in all.</summary>
    public const int ShownRows = 20;

    public DateOnly Today { get; private set; }

    public CoordinatorSummary? Coordinator { get; private set; }

    /// <summary>Null unless the user is an investigator somewhere; the first <see cref="ShownRows"/> oldest first.</summary>
    public IReadOnlyList<VisitToSign>? VisitsToSign { get; private set; }

    public int VisitsToSignCount { get; private set; }

    /// <summary>Null unless the user is cell-lab QA somewhere.</summary>
    public IReadOnlyList<LotAwaitingRelease>? LotsAwaitingRelease { get; private set; }

    /// <summary>Null unless the user is a monitor somewhere; the first <see cref="ShownRows"/>, oldest first.</summary>
    public IReadOnlyList<QueryView>? MonitorQueries { get; private set; }

    public int MonitorQueryCount { get; private set; }

    /// <summary>Per site where the user is a monitor: visits without a standing whole-visit verification, of all visits.</summary>
    public IReadOnlyList<SdvCoverage> SdvToDo { get; private set; } = [];

    /// <summary>Null unless the user reads clinical records somewhere.</summary>
    public IReadOnlyList<SiteCounts>? Sites { get; private set; }

    /// <summary>True when the user is a statistician somewhere (the section points to the study report).</summary>
    public bool Statistician { get; private set; }

    /// <summary>True when the user administers the registry (the section points to the accounts and sites).</summary>
    public bool Administrator => access.IsAdministrator;

    /// <summary>True when the user holds no role today and does not administer the registry.</summary>
    public bool NoRole { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var any = false;
        if (await SiteCodesAsync(SiteRole.Coordinator, cancellationToken) is { Count: > 0 } coordinatorSites)
        {
            any = true;
            var (report, _) = await Worklist.ForSitesAsync(db, coordinatorSites, Today, Worklist.DefaultHorizonDays, cancellationToken);
            var items = report?.Patients.SelectMany(p => p.Items).ToList() ?? [];
            static bool Late(WorklistItem i) => i.State is DueState.Overdue or DueState.Missed;
            Coordinator = new CoordinatorSummary(report?.Sites ?? [],
                items.Count(i => i.Kind == ScheduledEventKind.Administration), items.Count(i => i.Kind == ScheduledEventKind.Administration && Late(i)),
                items.Count(i => i.Kind == ScheduledEventKind.FollowUp), items.Count(i => i.Kind == ScheduledEventKind.FollowUp && Late(i)),
                report?.Patients.Count ?? 0);
        }

        if (access.SitesAs(SiteRole.Investigator).ToArray() is { Length: > 0 } investigatorSites)
        {
            any = true;
            var unsigned = db.Visits.AsNoTracking().Where(v => investigatorSites.Contains(v.Patient!.SiteId) && v.SignedAt == null);
            VisitsToSignCount = await unsigned.CountAsync(cancellationToken);
            VisitsToSign = await unsigned.OrderBy(v => v.VisitDate).ThenBy(v => v.Id).Take(ShownRows)
                .Select(v => new VisitToSign(v.Id, v.PatientId, v.Patient!.StudyId, v.Patient.Site!.Code, v.VisitDate, v.Type,
                    db.Queries.Count(q => q.VisitId == v.Id && q.Status == QueryStatus.Open)))
                .ToListAsync(cancellationToken);
        }

        if (access.SitesAs(SiteRole.CellLabQa).ToArray() is { Length: > 0 } qaSites)
        {
            any = true;
            var lots = await db.CellLots.AsNoTracking().Where(l => qaSites.Contains(l.SiteId) && l.Status == LotStatus.Quarantine)
                .OrderBy(l => l.LotNumber)
                .Select(l => new { l.Id, l.LotNumber, Site = l.Site!.Code, l.ProductType, l.ManufacturedOn, l.ExpiresOn })
                .ToListAsync(cancellationToken);
            LotsAwaitingRelease = [.. lots.OrderBy(l => l.ExpiresOn).ThenBy(l => l.LotNumber, StringComparer.Ordinal)
                .Select(l => new LotAwaitingRelease(l.Id, l.LotNumber, l.Site, l.ProductType.Label(), l.ManufacturedOn, l.ExpiresOn, l.ExpiresOn < Today))];
        }

        if (access.SitesAs(SiteRole.Monitor) is { Count: > 0 } monitorSites)
        {
            any = true;
            var open = (await Queries.ListAsync(db, access, status: QueryStatus.Open, cancellationToken: cancellationToken))
                .Where(q => monitorSites.Contains(q.SiteId)).OrderBy(q => q.RaisedAt).ThenBy(q => q.Id).ToList();
            MonitorQueryCount = open.Count;
            MonitorQueries = [.. open.Take(ShownRows)];
            SdvToDo = await SourceDataVerification.CoverageAsync(db, [.. monitorSites], cancellationToken: cancellationToken);
        }

        if (access.Sites(Capability.ReadClinical).ToArray() is { Length: > 0 } readable)
        {
            any = true;
            var patients = await db.Patients.AsNoTracking().Where(p => readable.Contains(p.SiteId)).GroupBy(p => p.SiteId)
                .Select(g => new { SiteId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.SiteId, g => g.Count, cancellationToken);
            var queries = await db.Queries.AsNoTracking().Where(q => readable.Contains(q.SiteId) && q.Status == QueryStatus.Open).GroupBy(q => q.SiteId)
                .Select(g => new { SiteId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.SiteId, g => g.Count, cancellationToken);
            var sites = await db.Sites.AsNoTracking().Where(s => readable.Contains(s.Id)).Select(s => new { s.Id, s.Code, s.Name }).ToListAsync(cancellationToken);
            Sites = [.. sites.OrderBy(s => s.Code, StringComparer.Ordinal)
                .Select(s => new SiteCounts(s.Code, s.Name, patients.GetValueOrDefault(s.Id), queries.GetValueOrDefault(s.Id)))];
        }

        Statistician = access.SitesAs(SiteRole.Statistician).Count > 0;
        NoRole = !any && !Statistician && !access.IsAdministrator;
    }

    private async Task<IReadOnlyList<string>> SiteCodesAsync(SiteRole role, CancellationToken cancellationToken)
    {
        var ids = access.SitesAs(role).ToArray();
        return ids.Length == 0 ? [] : await db.Sites.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Code).ToListAsync(cancellationToken);
    }
}
