using Microsoft.EntityFrameworkCore;
using Stroma.Data.Model;

namespace Stroma.Data.Access;

/// <summary>Something a user may do, at a site (see <see cref="AccessPolicy.Grants"/>).</summary>
public enum Capability
{
    /// <summary>Read the site's identifiable clinical records (patients, visits, labs, infusions, AEs).</summary>
    ReadClinical,

    /// <summary>Create and change the site's clinical records (enrol, visits, labs, infusions, AEs).</summary>
    EditClinical,

    /// <summary>Sign the site's visits (and unlock a signed visit, with a reason).</summary>
    SignVisits,

    /// <summary>Read the site's audit trail.</summary>
    ReadAudit,

    /// <summary>The study report and de-identified exports over the site's patients.</summary>
    ReadDeidentified,

    /// <summary>Register, test, release and reject the site's cell lots and record their custody.</summary>
    ManageLots,

    /// <summary>See the site's lots, their release status and custody (to infuse, or to check).</summary>
    ReadLots,

    /// <summary>Open queries on the site's records, and close or re-open those one raised (docs/data-quality.md).</summary>
    RaiseQueries,

    /// <summary>Mark the site's visits source-data-verified (an e-signature, docs/data-quality.md "Source data verification").</summary>
    VerifySourceData,
}

/// <summary>
/// Which role grants which capability: the whole authorisation matrix of Stroma in one table (docs/web.md repeats it).
/// Least privilege: a monitor changes nothing; a statistician never sees identifiable records; cell-lab QA sees lots,
/// not patients, and each site's lots are its own (the QA signer also sees the lots they decided); only an investigator signs. Administrators (<see cref="User.IsAdministrator"/>) manage sites and
/// accounts and see clinical data only through a membership, like everyone else.
/// </summary>
public static class AccessPolicy
{
    public static IReadOnlySet<Capability> Grants(SiteRole role) => role switch
    {
        SiteRole.Investigator => Set(Capability.ReadClinical, Capability.EditClinical, Capability.SignVisits, Capability.ReadAudit,
            Capability.ReadDeidentified, Capability.ReadLots),
        SiteRole.Coordinator => Set(Capability.ReadClinical, Capability.EditClinical, Capability.ReadAudit,
            Capability.ReadDeidentified, Capability.ReadLots),
        SiteRole.DataManager => Set(Capability.ReadClinical, Capability.EditClinical, Capability.ReadAudit,
            Capability.ReadDeidentified, Capability.ReadLots, Capability.RaiseQueries),
        SiteRole.Monitor => Set(Capability.ReadClinical, Capability.ReadAudit, Capability.ReadDeidentified, Capability.ReadLots,
            Capability.RaiseQueries, Capability.VerifySourceData),
        SiteRole.CellLabQa => Set(Capability.ManageLots, Capability.ReadLots),
        SiteRole.Statistician => Set(Capability.ReadDeidentified),
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    private static HashSet<Capability> Set(params Capability[] capabilities) => [.. capabilities];
}

/// <summary>
/// What one signed-in user may do, read from the database on each request (so an ended membership or a disabled
/// account takes effect at once, not at the next sign-in). Every page, API call, export and report asks it.
/// </summary>
public sealed class UserAccess
{
    private readonly Dictionary<Capability, HashSet<Guid>> sites = [];
    private readonly Dictionary<SiteRole, HashSet<Guid>> roles = [];

    private UserAccess(string userName, Guid? userId, bool isAdministrator)
    {
        UserName = userName;
        UserId = userId;
        IsAdministrator = isAdministrator;
    }

    /// <summary>Nobody: no sites, no capabilities.</summary>
    public static UserAccess None { get; } = new("", null, false);

    public string UserName { get; }

    public Guid? UserId { get; }

    public bool IsAdministrator { get; }

    /// <summary>The sites where the user has <paramref name="capability"/> (empty when none).</summary>
    public IReadOnlySet<Guid> Sites(Capability capability) =>
        sites.TryGetValue(capability, out var set) ? set : (IReadOnlySet<Guid>)new HashSet<Guid>();

    /// <summary>The sites where the user holds <paramref name="role"/> today (empty when none): what a role's home page section covers.</summary>
    public IReadOnlySet<Guid> SitesAs(SiteRole role) =>
        roles.TryGetValue(role, out var set) ? set : (IReadOnlySet<Guid>)new HashSet<Guid>();

    public bool Can(Capability capability, Guid siteId) => sites.TryGetValue(capability, out var set) && set.Contains(siteId);

    /// <summary>True when the user has <paramref name="capability"/> at any site.</summary>
    public bool CanAnywhere(Capability capability) => sites.TryGetValue(capability, out var set) && set.Count > 0;

    /// <summary>
    /// The user's roles, read on every request (the access middleware), so compiled once (<see cref="CompiledPerModel"/>).
    /// </summary>
    private static readonly Func<StromaDbContext, string, DateOnly, IAsyncEnumerable<UserRoles>> RolesOf = CompiledPerModel.Compile(
        (StromaDbContext db, string userName, DateOnly today) => db.Users.AsNoTracking().Where(u => u.UserName == userName && u.DisabledAt == null)
            .Select(u => new UserRoles(
                u.Id,
                u.IsAdministrator,
                u.Memberships.Where(m => m.StartDate <= today && (m.EndDate == null || m.EndDate >= today))
                    .Select(m => new RoleAtSite(m.SiteId, m.Role)).ToList())));

    private sealed record RoleAtSite(Guid SiteId, SiteRole Role);

    private sealed record UserRoles(Guid Id, bool IsAdministrator, List<RoleAtSite> Memberships);

    /// <summary>The access of the (enabled) user named <paramref name="userName"/> on <paramref name="today"/>.</summary>
    public static async Task<UserAccess> LoadAsync(StromaDbContext db, string? userName, DateOnly today, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (string.IsNullOrEmpty(userName))
        {
            return None;
        }

        // One round trip: the enabled user with the memberships current on `today` (none when it has no role).
        var rows = new List<UserRoles>(1);
        await foreach (var row in RolesOf(db, userName, today).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        if (rows.Count != 1)
        {
            return None;
        }

        var (user, memberships) = (rows[0], rows[0].Memberships);
        var access = new UserAccess(userName, user.Id, user.IsAdministrator);
        foreach (var membership in memberships)
        {
            if (!access.roles.TryGetValue(membership.Role, out var held))
            {
                access.roles[membership.Role] = held = [];
            }

            held.Add(membership.SiteId);
            foreach (var capability in AccessPolicy.Grants(membership.Role))
            {
                if (!access.sites.TryGetValue(capability, out var set))
                {
                    access.sites[capability] = set = [];
                }

                set.Add(membership.SiteId);
            }
        }

        return access;
    }
}

/// <summary>Queries narrowed to what a user may see: the one way pages, exports and reports select patients.</summary>
public static class AccessQueries
{
    /// <summary>The patients of the sites where <paramref name="access"/> has <paramref name="capability"/>.</summary>
    public static IQueryable<Patient> PatientsFor(this StromaDbContext db, UserAccess access, Capability capability)
    {
        ArgumentNullException.ThrowIfNull(db);
        var sites = SiteIds(access, capability);
        return db.Patients.Where(p => sites.Contains(p.SiteId));
    }

    /// <summary>
    /// The sites where <paramref name="access"/> has <paramref name="capability"/>, as the parameter of a compiled query
    /// (<see cref="CompiledPerModel"/>) that narrows patients exactly as <see cref="PatientsFor"/> does,
    /// <c>sites.Contains(p.SiteId)</c>: the page reads every view makes (the timeline's patient, the banner) are compiled
    /// once, so they cannot call <see cref="PatientsFor"/> inside their expression.
    /// </summary>
    public static Guid[] SiteIds(UserAccess access, Capability capability)
    {
        ArgumentNullException.ThrowIfNull(access);
        return [.. access.Sites(capability)];
    }

    /// <summary>
    /// The lots <paramref name="access"/> sees (issue #16): those of the sites where it may read lots
    /// (<see cref="Capability.ReadLots"/>), and for cell-lab QA (<see cref="Capability.ManageLots"/> at some site) also
    /// every lot whose release or rejection the user signed. Any other lot answers like an unknown one (404).
    /// </summary>
    public static IQueryable<CellLotRecord> LotsFor(this StromaDbContext db, UserAccess access)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var sites = access.Sites(Capability.ReadLots).ToArray();
        if (!access.CanAnywhere(Capability.ManageLots))
        {
            return db.CellLots.Where(l => sites.Contains(l.SiteId));
        }

        var user = access.UserName;
        return db.CellLots.Where(l => sites.Contains(l.SiteId) || db.LotDecisions.Any(d => d.LotId == l.Id && d.SignedBy == user));
    }

    /// <summary>The sites where <paramref name="access"/> has <paramref name="capability"/>.</summary>
    public static IQueryable<Site> SitesFor(this StromaDbContext db, UserAccess access, Capability capability)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var sites = access.Sites(capability).ToArray();
        return db.Sites.Where(s => sites.Contains(s.Id));
    }
}
