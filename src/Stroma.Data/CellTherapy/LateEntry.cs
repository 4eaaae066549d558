using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.CellTherapy;

/// <summary>
/// Retrospective entry: every use case that records a clinical event checks its event time here against the entry
/// time (now, from <see cref="StromaDbContext.Clock"/>) with the study's <see cref="LateEntryPolicy"/>. A future
/// event time is refused; an event more than the policy's days back is "entered late" and needs a reason, both stored
/// on the record (<see cref="ILateEntryRecord"/>) and so in its audit-trail entry.
/// </summary>
public static class LateEntry
{
    /// <summary>
    /// The late-entry policy for events outside a study (a lot's tests, release and custody; an adverse event
    /// reported on its own): the registry's default, <see cref="LateEntryPolicy.Default"/> (7 days).
    /// </summary>
    public static LateEntryPolicy RegistryPolicy => LateEntryPolicy.Default;

    /// <summary>
    /// The late-entry policy of the study an event belongs to: the days of the protocol version the
    /// <paramref name="enrolment"/> is on (<c>lateEntryDays</c> of its definition; the built-in templates use the
    /// default 7), or <see cref="RegistryPolicy"/> without an enrolment. The one place the days come from.
    /// </summary>
    public static async Task<LateEntryPolicy> PolicyForAsync(StromaDbContext db, ProtocolEnrolment? enrolment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (enrolment is null || !int.TryParse(enrolment.ProtocolVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return RegistryPolicy;
        }

        var days = await db.ProtocolVersions.AsNoTracking()
            .Where(v => v.ProtocolKey == enrolment.ProtocolKey && v.Number == number)
            .Select(v => (int?)v.LateEntryDays)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return days is { } d ? new LateEntryPolicy(d) : RegistryPolicy;
    }

    /// <summary>
    /// The late-entry days a form hints with for a patient on <paramref name="enrolments"/>: the fewest of their
    /// protocol versions' (<see cref="PolicyForAsync"/>), or the registry's without an enrolment. The server's check
    /// still uses the enrolment of the event entered.
    /// </summary>
    public static async Task<int> HintDaysAsync(StromaDbContext db, IEnumerable<ProtocolEnrolment> enrolments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(enrolments);
        int? fewest = null;
        foreach (var enrolment in enrolments)
        {
            var days = (await PolicyForAsync(db, enrolment, cancellationToken).ConfigureAwait(false)).Days;
            fewest = fewest is { } f ? Math.Min(f, days) : days;
        }

        return fewest ?? RegistryPolicy.Days;
    }

    /// <summary>The site's date today: the clock's local date (the server's time zone is the site's).</summary>
    public static DateOnly Today(StromaDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return DateOnly.FromDateTime(db.Clock.GetLocalNow().DateTime);
    }

    /// <summary>Checks a clinical date against today (see <see cref="LateEntryPolicy.Check(string, DateOnly, DateOnly, string?)"/>).</summary>
    public static LateEntryCheck Check(StromaDbContext db, LateEntryPolicy policy, string field, DateOnly eventDate, string? reason)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Check(field, eventDate, Today(db), reason);
    }

    /// <summary>Checks an event instant against now (see <see cref="LateEntryPolicy.Check(string, DateTimeOffset, DateTimeOffset, string?)"/>).</summary>
    public static LateEntryCheck Check(StromaDbContext db, LateEntryPolicy policy, string field, DateTimeOffset eventTime, string? reason)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Check(field, eventTime, db.Clock.GetUtcNow(), reason);
    }

    /// <summary>Stores the outcome on the record.</summary>
    internal static T Mark<T>(this T record, LateEntryCheck check)
        where T : ILateEntryRecord
    {
        record.EnteredLate = check.EnteredLate;
        record.LateEntryReason = check.Reason;
        return record;
    }
}
