using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Access;

namespace Stroma.Data.CellTherapy;

/// <summary>Where an event not yet done stands on a date, against its target and window.</summary>
public enum DueState
{
    /// <summary>Its window has not opened yet.</summary>
    Upcoming,

    /// <summary>Its window is open and its target date is today or later.</summary>
    Due,

    /// <summary>Its target date has passed; its window is still open.</summary>
    Overdue,

    /// <summary>Its window has ended with nothing recorded (a protocol deviation, SCH002/SCH003).</summary>
    Missed,
}

/// <summary>One event due or overdue: the patient, the event, its target (the due date), its window, and how late it
/// is (<c>DaysOverdue</c>: days since the target date, 0 when the target is today or later).</summary>
public sealed record WorklistItem(Guid PatientId, string StudyId, string SiteCode, string ProtocolKey, string EventKey, string Label,
    ScheduledEventKind Kind, DateOnly Target, DateOnly WindowStart, DateOnly WindowEnd, DueState State, int DaysOverdue);

/// <summary>A patient's events on the worklist, earliest target first.</summary>
public sealed record WorklistPatient(Guid PatientId, Guid SiteId, string StudyId, string SiteCode, IReadOnlyList<WorklistItem> Items);

/// <summary>The worklist of some sites on <see cref="AsOf"/>: every event not done whose target falls on or before
/// <see cref="AsOf"/> + <see cref="HorizonDays"/>, grouped by patient (the most overdue patient first).</summary>
public sealed record WorklistReport(DateOnly AsOf, int HorizonDays, IReadOnlyList<string> Sites, IReadOnlyList<WorklistPatient> Patients)
{
    public int ItemCount => Patients.Sum(p => p.Items.Count);
}

/// <summary>
/// The one owner of "what is due": administrations (infusions) and follow-up visits or contacts of the stored schedules
/// (as moved by <see cref="Enrolments.RescheduleAsync"/>) that nothing fulfils yet. An event is done when an infusion
/// or a follow-up contact dated on or before the as-of date names it (as <see cref="ScheduleView"/> and <see cref="Deviations"/> read it). Left out:
/// enrolments whose consent was withdrawn on or before the date (the subject may withdraw at any time,
/// ICH E6(R2) 4.8.10(m); nothing further is planned for them) and patients with a recorded death. Site isolation is in the query itself: only patients of the
/// sites asked for, and on the web only those the user may read (<see cref="Capability.ReadClinical"/>).
/// </summary>
public static class Worklist
{
    /// <summary>The horizon when none is given: two weeks.</summary>
    public const int DefaultHorizonDays = 14;

    /// <summary>The longest horizon accepted (a year, leap day included).</summary>
    public const int MaxHorizonDays = 366;

    /// <summary>Where an event not done stands on <paramref name="asOf"/>.</summary>
    public static DueState StateOf(ScheduledEvent scheduled, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(scheduled);
        return asOf < scheduled.WindowStart ? DueState.Upcoming
            : asOf <= scheduled.Target ? DueState.Due
            : asOf <= scheduled.WindowEnd ? DueState.Overdue
            : DueState.Missed;
    }

    /// <summary>The worklist of the sites with these codes (the command line: its operator reads every site); an unknown
    /// code or a horizon out of range is refused (SCH007, SCH006) and nothing is read.</summary>
    public static async Task<(WorklistReport? Report, IReadOnlyList<Issue> Issues)> ForSitesAsync(StromaDbContext db, IReadOnlyCollection<string> siteCodes,
        DateOnly asOf, int horizonDays = DefaultHorizonDays, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(siteCodes);
        var issues = new List<Issue>();
        if (HorizonIssue(horizonDays) is { } horizon)
        {
            issues.Add(horizon);
        }

        var codes = siteCodes.Distinct(StringComparer.Ordinal).ToArray();
        var sites = await db.Sites.AsNoTracking().Where(s => codes.Contains(s.Code)).Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var missing in codes.Where(c => sites.All(s => s.Code != c)))
        {
            issues.Add(Issue.Error(IssueCodes.WorklistUnknownSite, "site", $"No site with code '{missing}'."));
        }

        if (issues.Count > 0)
        {
            return (null, issues);
        }

        var report = await QueryAsync(db, [.. sites.Select(s => s.Id)], [.. sites.Select(s => s.Code).Order(StringComparer.Ordinal)], asOf, horizonDays, cancellationToken)
            .ConfigureAwait(false);
        return (report, []);
    }

    /// <summary>The worklist of every site where <paramref name="access"/> may read clinical records.</summary>
    public static async Task<(WorklistReport? Report, IReadOnlyList<Issue> Issues)> ForUserAsync(StromaDbContext db, UserAccess access, DateOnly asOf,
        int horizonDays = DefaultHorizonDays, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        if (HorizonIssue(horizonDays) is { } horizon)
        {
            return (null, [horizon]);
        }

        var sites = await db.SitesFor(access, Capability.ReadClinical).AsNoTracking().Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var report = await QueryAsync(db, [.. sites.Select(s => s.Id)], [.. sites.Select(s => s.Code).Order(StringComparer.Ordinal)], asOf, horizonDays, cancellationToken)
            .ConfigureAwait(false);
        return (report, []);
    }

    private static Issue? HorizonIssue(int horizonDays) => horizonDays is < 0 or > MaxHorizonDays
        ? Issue.Error(IssueCodes.WorklistHorizonOutOfRange, "within", $"Horizon {horizonDays} days must be from 0 to {MaxHorizonDays} days.")
        : null;

    private static async Task<WorklistReport> QueryAsync(StromaDbContext db, Guid[] siteIds, IReadOnlyList<string> siteCodes, DateOnly asOf, int horizonDays,
        CancellationToken cancellationToken)
    {
        var limit = asOf.AddDays(horizonDays);
        // One round trip: the sites' patients' events due by the limit that no infusion or contact fulfils.
        var rows = await (
            from e in db.ScheduledEvents.AsNoTracking()
            join en in db.ProtocolEnrolments on e.EnrolmentId equals en.Id
            join p in db.Patients on en.PatientId equals p.Id
            where siteIds.Contains(p.SiteId)
                && e.Target <= limit
                && (en.ConsentWithdrawnOn == null || en.ConsentWithdrawnOn > asOf)
                && !db.Deaths.Any(d => d.PatientId == p.Id)
                && !db.Infusions.Any(i => i.EnrolmentId == en.Id && i.EventKey == e.EventKey && i.InfusionDate <= asOf)
                && !db.FollowUpContacts.Any(c => c.EnrolmentId == en.Id && c.EventKey == e.EventKey && c.ContactDate <= asOf)
            select new
            {
                PatientId = p.Id,
                p.SiteId,
                p.StudyId,
                SiteCode = p.Site!.Code,
                en.ProtocolKey,
                e.EventKey,
                e.Label,
                e.Kind,
                e.Target,
                e.WindowDaysBefore,
                e.WindowDaysAfter,
            }).ToListAsync(cancellationToken).ConfigureAwait(false);

        var siteOf = rows.Select(r => (r.PatientId, r.SiteId)).Distinct().ToDictionary(r => r.PatientId, r => r.SiteId);
        var items = rows.Select(r =>
        {
            var scheduled = new ScheduledEvent(r.EventKey, r.Label, r.Kind, r.Target, new VisitWindow(r.WindowDaysBefore, r.WindowDaysAfter));
            return new WorklistItem(r.PatientId, r.StudyId, r.SiteCode, r.ProtocolKey, r.EventKey, r.Label, r.Kind, r.Target, scheduled.WindowStart,
                scheduled.WindowEnd, StateOf(scheduled, asOf), Math.Max(0, asOf.DayNumber - r.Target.DayNumber));
        });
        var patients = items.GroupBy(i => i.PatientId)
            .Select(g => g.OrderBy(i => i.Target).ThenBy(i => i.Kind).ThenBy(i => i.ProtocolKey, StringComparer.Ordinal).ThenBy(i => i.EventKey, StringComparer.Ordinal).ToList())
            .Select(list => new WorklistPatient(list[0].PatientId, siteOf[list[0].PatientId], list[0].StudyId, list[0].SiteCode, list))
            .OrderBy(p => p.Items[0].Target).ThenBy(p => p.SiteCode, StringComparer.Ordinal).ThenBy(p => p.StudyId, StringComparer.Ordinal)
            .ToList();
        return new WorklistReport(asOf, horizonDays, siteCodes, patients);
    }
}
