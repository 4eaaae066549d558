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
    /// The late-entry policy of the study an event belongs to (<paramref name="enrolment"/>, or none for a lot's
    /// events). The one place the days come from: for now every study has <see cref="LateEntryPolicy.Default"/>
    /// (7 days). Protocols stored as versioned data carry their own late-entry days; once they exist, this function
    /// reads the enrolment's protocol version's days here (the coordinator wires that after merging), and every use
    /// case follows.
    /// </summary>
    public static LateEntryPolicy PolicyFor(StromaDbContext db, ProtocolEnrolment? enrolment)
    {
        ArgumentNullException.ThrowIfNull(db);
        _ = enrolment;
        return LateEntryPolicy.Default;
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
