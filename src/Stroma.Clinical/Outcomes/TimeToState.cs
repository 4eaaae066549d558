namespace Stroma.Clinical.Outcomes;

/// <summary>
/// Time from a start date to the first visit at which a state (LLDAS, DORIS remission, a response) was met, or to
/// the last assessed visit when it never was (censored): the input of a Kaplan-Meier analysis.
/// </summary>
/// <param name="Reached">True when the state was met at some visit (an event); false when censored.</param>
/// <param name="Days">Days from the start to the event, or to the last assessed visit when censored.</param>
/// <param name="Date">The visit date of the event or censoring, or null when no visit was assessed.</param>
public sealed record TimeToEvent(bool Reached, int Days, DateOnly? Date);

/// <summary>Computes time to the first visit at which a state holds.</summary>
public static class TimeToState
{
    /// <summary>
    /// Visits before <paramref name="start"/> are ignored; visits where the state could not be assessed
    /// (<c>Met</c> null, e.g. LLDAS at a first visit) neither end nor extend follow-up.
    /// </summary>
    public static TimeToEvent First(DateOnly start, IEnumerable<(DateOnly Date, bool? Met)> visits)
    {
        Preconditions.NotNull(visits);
        DateOnly? lastAssessed = null;
        foreach (var (date, met) in visits.Where(v => v.Date >= start).OrderBy(v => v.Date))
        {
            if (met is null)
            {
                continue;
            }

            if (met.Value)
            {
                return new TimeToEvent(true, date.DayNumber - start.DayNumber, date);
            }

            lastAssessed = date;
        }

        return new TimeToEvent(false, lastAssessed is { } d ? d.DayNumber - start.DayNumber : 0, lastAssessed);
    }
}
