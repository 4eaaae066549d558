using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>Whether a scheduled event is an administration of product or a follow-up visit.</summary>
public enum ScheduledEventKind
{
    Administration = 1,
    FollowUp = 2,
}

/// <summary>One event of a patient's calendar: its target date and the window around it.</summary>
public sealed record ScheduledEvent(string Key, string Label, ScheduledEventKind Kind, DateOnly Target, VisitWindow Window)
{
    public DateOnly WindowStart => Target.AddDays(-Window.DaysBefore);

    public DateOnly WindowEnd => Target.AddDays(Window.DaysAfter);

    public bool IsWithinWindow(DateOnly date) => date >= WindowStart && date <= WindowEnd;
}

/// <summary>A change of one event's target date, kept forever: from, to, why, who and when (instant, UTC).</summary>
public sealed record ScheduleChange(string EventKey, DateOnly From, DateOnly To, string Reason, string ChangedBy, DateTimeOffset ChangedAt);

/// <summary>
/// A patient's calendar in one protocol, generated from the start date (day 0). Targets are computed from the start,
/// not from the previous event. Rescheduling returns a new schedule with the change appended to <see cref="History"/>;
/// the event keeps its window around the new target.
/// </summary>
public sealed record PatientSchedule(string ProtocolKey, string ProtocolVersion, DateOnly Start, IReadOnlyList<ScheduledEvent> Events, IReadOnlyList<ScheduleChange> History)
{
    /// <summary>Generates the calendar of <paramref name="protocol"/> from <paramref name="start"/>, ordered by target date
    /// (administrations before visits on the same day).</summary>
    public static PatientSchedule Generate(Protocol protocol, DateOnly start)
    {
        Preconditions.NotNull(protocol);
        var administrations = protocol.Administrations.Select(a =>
            new ScheduledEvent(a.Key, $"Administration {a.Number}", ScheduledEventKind.Administration, a.Offset.From(start), a.Window));
        var visits = protocol.FollowUps.Select(v => new ScheduledEvent(v.Key, v.Label, ScheduledEventKind.FollowUp, v.Offset.From(start), v.Window));
        var events = administrations.Concat(visits).OrderBy(e => e.Target).ThenBy(e => e.Kind).ToList();
        return new PatientSchedule(protocol.Key, protocol.Version, start, events, []);
    }

    public ScheduledEvent? Event(string key) => Events.FirstOrDefault(e => e.Key == key);

    /// <summary>Moves one event's target; refuses (returning this schedule and the issues) for an unknown event or a
    /// change without reason or person.</summary>
    public (PatientSchedule Schedule, IReadOnlyList<Issue> Issues) Reschedule(string eventKey, DateOnly newTarget, string reason, string changedBy, DateTimeOffset changedAt)
    {
        var issues = new List<Issue>();
        var existing = Event(eventKey);
        if (existing is null)
        {
            issues.Add(Issue.Error(IssueCodes.ScheduleUnknownEvent, eventKey, $"The schedule has no event '{eventKey}'."));
        }

        if (string.IsNullOrWhiteSpace(reason) || string.IsNullOrWhiteSpace(changedBy))
        {
            issues.Add(Issue.Error(IssueCodes.RescheduleWithoutReason, eventKey, "A reschedule needs its reason and the person who made it."));
        }

        if (issues.Count > 0)
        {
            return (this, issues);
        }

        var change = new ScheduleChange(eventKey, existing!.Target, newTarget, reason, changedBy, changedAt);
        var events = Events.Select(e => e.Key == eventKey ? e with { Target = newTarget } : e).OrderBy(e => e.Target).ThenBy(e => e.Kind).ToList();
        return (this with { Events = events, History = [.. History, change] }, []);
    }
}

/// <summary>What actually happened for a scheduled event: its date, and for an administration the weight measured
/// that day and the cells given per protocol component key.</summary>
public sealed record EventOccurrence(string EventKey, DateOnly Date, BodyMass? Weight = null, IReadOnlyDictionary<string, CellCount>? DosesGiven = null);

/// <summary>The kinds of protocol deviation Stroma detects.</summary>
public enum DeviationKind
{
    /// <summary>An event took place outside its window.</summary>
    OutsideWindow = 1,

    /// <summary>An administration's window has passed with no administration recorded.</summary>
    MissedAdministration = 2,

    /// <summary>A follow-up visit's window has passed with no visit recorded.</summary>
    MissedVisit = 3,

    /// <summary>A dose given outside the protocol's tolerance of the dose its rule computes.</summary>
    DoseOutsideTolerance = 4,
}

/// <summary>One protocol deviation, with the issue that describes it.</summary>
public sealed record ProtocolDeviation(DeviationKind Kind, string EventKey, Issue Issue);

/// <summary>The deviations found, and every issue (the deviations' issues plus problems that prevented a check).</summary>
public sealed record DeviationReport(IReadOnlyList<ProtocolDeviation> Deviations, IReadOnlyList<Issue> Issues);

/// <summary>Finds protocol deviations in what happened against the (possibly rescheduled) calendar.</summary>
public static class ProtocolDeviations
{
    /// <summary>
    /// Compares <paramref name="occurred"/> with <paramref name="schedule"/> as of <paramref name="asOf"/>: each event
    /// outside its window; each administration or visit whose window ended before <paramref name="asOf"/> with nothing
    /// recorded; and each dose outside <see cref="Protocol.Tolerance"/> of the dose its rule computes from the weight
    /// measured that day. A dose that cannot be assessed (rule not set, no weight) is an issue, not a deviation.
    /// </summary>
    public static DeviationReport Find(Protocol protocol, PatientSchedule schedule, IReadOnlyList<EventOccurrence> occurred, DateOnly asOf)
    {
        Preconditions.NotNull(protocol);
        Preconditions.NotNull(schedule);
        Preconditions.NotNull(occurred);
        var deviations = new List<ProtocolDeviation>();
        var issues = new List<Issue>();
        foreach (var o in occurred)
        {
            var e = schedule.Event(o.EventKey);
            if (e is null)
            {
                issues.Add(Issue.Error(IssueCodes.ScheduleUnknownEvent, o.EventKey, $"The schedule has no event '{o.EventKey}'."));
                continue;
            }

            if (!e.IsWithinWindow(o.Date))
            {
                var days = o.Date.DayNumber - e.Target.DayNumber;
                Deviate(DeviationKind.OutsideWindow, Issue.Error(IssueCodes.VisitOutsideWindow, e.Key,
                    $"{e.Label} on {o.Date:yyyy-MM-dd} is {Math.Abs(days)} day(s) {(days < 0 ? "before" : "after")} its target {e.Target:yyyy-MM-dd}, outside the window {e.WindowStart:yyyy-MM-dd} to {e.WindowEnd:yyyy-MM-dd}."));
            }

            if (e.Kind == ScheduledEventKind.Administration)
            {
                foreach (var component in protocol.Components)
                {
                    var path = $"{e.Key}.{component.Key}";
                    if (o.DosesGiven is null || !o.DosesGiven.TryGetValue(component.Key, out var given))
                    {
                        issues.Add(Issue.Error(IssueCodes.MissingItem, path, $"{e.Label}: no dose of {component.Label} recorded."));
                        continue;
                    }

                    var (prescribed, computeIssues) = component.Dose.Compute(o.Weight, path);
                    issues.AddRange(computeIssues);
                    if (prescribed is { } p)
                    {
                        foreach (var issue in protocol.Tolerance.Check(given, p, path))
                        {
                            Deviate(DeviationKind.DoseOutsideTolerance, issue);
                        }
                    }
                }
            }
        }

        var done = occurred.Select(o => o.EventKey).ToHashSet(StringComparer.Ordinal);
        foreach (var e in schedule.Events.Where(e => !done.Contains(e.Key) && e.WindowEnd < asOf))
        {
            var (kind, code) = e.Kind == ScheduledEventKind.Administration
                ? (DeviationKind.MissedAdministration, IssueCodes.AdministrationMissed)
                : (DeviationKind.MissedVisit, IssueCodes.VisitMissed);
            Deviate(kind, Issue.Error(code, e.Key, $"{e.Label} (target {e.Target:yyyy-MM-dd}, window ended {e.WindowEnd:yyyy-MM-dd}) was not recorded by {asOf:yyyy-MM-dd}."));
        }

        return new DeviationReport(deviations, issues);

        void Deviate(DeviationKind kind, Issue issue)
        {
            deviations.Add(new ProtocolDeviation(kind, issue.Path.Split('.')[0], issue));
            issues.Add(issue);
        }
    }
}
