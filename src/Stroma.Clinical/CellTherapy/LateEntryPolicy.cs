using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// When an entry counts as "entered late": its event (the clinical date or instant it happened) lies more than
/// <see cref="Days"/> whole days before the moment it is entered (the audit trail's entry time). A late entry needs
/// the reason it is late, which is stored with the record; an event time after the entry time is refused. Stroma
/// invents no limit: <see cref="Default"/>'s 7 days is the registry's default until a study sets its own.
/// </summary>
/// <param name="Days">Days (0 or more) an entry may follow its event and still count as on time.</param>
public sealed record LateEntryPolicy(int Days)
{
    /// <summary>The registry's default, 7 days, used where the study sets none.</summary>
    public static LateEntryPolicy Default { get; } = new(7);

    /// <summary>
    /// Checks an event given as a clinical date against <paramref name="today"/> (the site's date at entry):
    /// a date after today is refused (<see cref="IssueCodes.EventInFuture"/>); a date more than <see cref="Days"/>
    /// days back is late and needs <paramref name="reason"/> (<see cref="IssueCodes.LateEntryWithoutReason"/>).
    /// </summary>
    public LateEntryCheck Check(string field, DateOnly eventDate, DateOnly today, string? reason)
    {
        Preconditions.NotBlank(field);
        Preconditions.Requires(Days >= 0, "Late-entry days cannot be negative.");
        if (InFuture(field, eventDate, today) is { } future)
        {
            return LateEntryCheck.Refused(future);
        }

        return Late(field, Iso(eventDate), today.DayNumber - eventDate.DayNumber > Days, Iso(today), reason);
    }

    /// <summary>
    /// Checks an event given as an instant against <paramref name="now"/> (the entry instant): after now is refused;
    /// more than <see cref="Days"/> × 24 hours before now is late and needs <paramref name="reason"/>.
    /// </summary>
    public LateEntryCheck Check(string field, DateTimeOffset eventTime, DateTimeOffset now, string? reason)
    {
        Preconditions.NotBlank(field);
        Preconditions.Requires(Days >= 0, "Late-entry days cannot be negative.");
        if (eventTime > now)
        {
            return LateEntryCheck.Refused(Issue.Error(IssueCodes.EventInFuture, field,
                $"{field} {Iso(eventTime)} is in the future (now is {Iso(now)}, today {Iso(DateOnly.FromDateTime(now.UtcDateTime))} UTC): record an event once it has happened."));
        }

        return Late(field, Iso(eventTime), now - eventTime > TimeSpan.FromDays(Days), Iso(DateOnly.FromDateTime(now.UtcDateTime)), reason);
    }

    private LateEntryCheck Late(string field, string value, bool late, string today, string? reason)
    {
        if (!late)
        {
            return LateEntryCheck.OnTime;
        }

        return string.IsNullOrWhiteSpace(reason)
            ? LateEntryCheck.Refused(Issue.Error(IssueCodes.LateEntryWithoutReason, "late_reason",
                $"{field} {value} is more than {Days} days before today ({today}): this is a late entry; give the reason for entering it late."))
            : new LateEntryCheck(true, reason.Trim(), []);
    }

    /// <summary>
    /// The refusal of an event date after <paramref name="today"/> (<see cref="IssueCodes.EventInFuture"/>), or null:
    /// the one wording of RET001 for dates, also for events that have no late-entry rule (a consent's signature).
    /// </summary>
    public static Issue? InFuture(string field, DateOnly eventDate, DateOnly today) =>
        eventDate > today
            ? Issue.Error(IssueCodes.EventInFuture, field, $"{field} {Iso(eventDate)} is in the future (today is {Iso(today)}): record an event once it has happened.")
            : null;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture);
}

/// <summary>The outcome of <see cref="LateEntryPolicy.Check(string, DateOnly, DateOnly, string?)"/>: whether the entry is late, its reason, or the issue refusing it.</summary>
/// <param name="EnteredLate">Whether the entry is late (stored with the record).</param>
/// <param name="Reason">The reason for the late entry (only when late).</param>
/// <param name="Issues">An <see cref="IssueCodes.EventInFuture"/> or <see cref="IssueCodes.LateEntryWithoutReason"/> error, or none.</param>
public sealed record LateEntryCheck(bool EnteredLate, string? Reason, IReadOnlyList<Issue> Issues)
{
    public static LateEntryCheck OnTime { get; } = new(false, null, []);

    internal static LateEntryCheck Refused(Issue issue) => new(false, null, [issue]);
}
