using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>What happened to a lot (or a unit of it) at one point in its chain of custody.</summary>
public enum CustodyEventKind
{
    Released = 1,
    Shipped = 2,
    Received = 3,
    Thawed = 4,
    Prepared = 5,
    Administered = 6,
    Returned = 7,
    Discarded = 8,
}

/// <summary>One custody event: what, when (instant, UTC), where, who, and the product temperature if measured.</summary>
/// <param name="Kind">The event.</param>
/// <param name="At">When it happened.</param>
/// <param name="Place">Where (site, room, shipper).</param>
/// <param name="Person">Who did it (user id or name of the courier).</param>
/// <param name="TemperatureCelsius">Product or container temperature recorded at the event, °C (UCUM <c>Cel</c>).</param>
public sealed record CustodyEvent(CustodyEventKind Kind, DateTimeOffset At, string Place, string Person, decimal? TemperatureCelsius = null);

/// <summary>An inclusive acceptable temperature range in °C.</summary>
public readonly record struct TemperatureRange(decimal MinCelsius, decimal MaxCelsius)
{
    public bool Contains(decimal celsius) => celsius >= MinCelsius && celsius <= MaxCelsius;

    public override string ToString() =>
        $"{MinCelsius.ToString(CultureInfo.InvariantCulture)} to {MaxCelsius.ToString(CultureInfo.InvariantCulture)} °C";
}

/// <summary>
/// Site-configured temperature ranges by event kind (e.g. shipping and receipt of cryopreserved product vs after
/// thaw). Stroma ships no default ranges: they depend on the product, its container and the site's validated
/// procedures. An event kind with no range is not checked.
/// </summary>
public sealed record CustodyRules(IReadOnlyDictionary<CustodyEventKind, TemperatureRange> TemperatureRanges)
{
    public static CustodyRules NoTemperatureChecks { get; } = new(new Dictionary<CustodyEventKind, TemperatureRange>());
}

/// <summary>
/// Chain-of-custody rules for one lot (or unit). The sequence must start with release and follow the allowed
/// transitions below; administration and discard end it. For a cryopreserved lot, administration needs a thaw first.
/// </summary>
public static class ChainOfCustody
{
    private static readonly Dictionary<CustodyEventKind, CustodyEventKind[]> AllowedAfter = new()
    {
        [CustodyEventKind.Released] = [],
        [CustodyEventKind.Shipped] = [CustodyEventKind.Released, CustodyEventKind.Received, CustodyEventKind.Returned],
        [CustodyEventKind.Received] = [CustodyEventKind.Shipped],
        [CustodyEventKind.Thawed] = [CustodyEventKind.Received, CustodyEventKind.Released],
        [CustodyEventKind.Prepared] = [CustodyEventKind.Received, CustodyEventKind.Thawed, CustodyEventKind.Released],
        [CustodyEventKind.Administered] = [CustodyEventKind.Prepared, CustodyEventKind.Thawed, CustodyEventKind.Received],
        [CustodyEventKind.Returned] = [CustodyEventKind.Shipped, CustodyEventKind.Received, CustodyEventKind.Thawed, CustodyEventKind.Prepared],
        [CustodyEventKind.Discarded] = [CustodyEventKind.Released, CustodyEventKind.Shipped, CustodyEventKind.Received,
            CustodyEventKind.Thawed, CustodyEventKind.Prepared, CustodyEventKind.Returned],
    };

    /// <summary>The kinds that may directly precede <paramref name="kind"/> (empty: it must be first).</summary>
    public static IReadOnlyList<CustodyEventKind> AllowedPredecessors(CustodyEventKind kind) => AllowedAfter[kind];

    /// <summary>
    /// Checks a lot's custody history, in the order recorded, and returns every problem: times going backwards,
    /// events in an impossible order (e.g. administered before received), events after administration or discard,
    /// missing place or person, a cryopreserved lot administered without thaw, and temperature excursions (warnings).
    /// </summary>
    public static IReadOnlyList<Issue> Validate(IReadOnlyList<CustodyEvent> events, StorageCondition storage, CustodyRules rules)
    {
        Preconditions.NotNull(events);
        Preconditions.NotNull(rules);
        var issues = new List<Issue>();
        CustodyEvent? previous = null;
        var thawed = false;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var path = $"events[{i}]";
            if (string.IsNullOrWhiteSpace(e.Place) || string.IsNullOrWhiteSpace(e.Person))
            {
                issues.Add(Issue.Error(IssueCodes.CustodyMissingPlaceOrPerson, path, $"{Name(e.Kind)} at {Time(e.At)} needs both place and person."));
            }

            if (previous is not null && e.At < previous.At)
            {
                issues.Add(Issue.Error(IssueCodes.CustodyOutOfOrder, path,
                    $"{Name(e.Kind)} at {Time(e.At)} is earlier than the {Name(previous.Kind)} recorded before it at {Time(previous.At)}."));
            }

            if (previous?.Kind is CustodyEventKind.Administered or CustodyEventKind.Discarded)
            {
                issues.Add(Issue.Error(IssueCodes.CustodyAfterEnd, path, $"{Name(e.Kind)} after the product was {Name(previous.Kind)}."));
            }
            else if (previous is null ? AllowedAfter[e.Kind].Length > 0 : !AllowedAfter[e.Kind].Contains(previous.Kind))
            {
                var expected = AllowedAfter[e.Kind].Length == 0 ? "it must be the first event" : "expected after " + string.Join(" or ", AllowedAfter[e.Kind].Select(Name));
                var seen = previous is null ? "as the first event" : $"after {Name(previous.Kind)}";
                issues.Add(Issue.Error(IssueCodes.CustodyTransitionNotAllowed, path, $"{Name(e.Kind)} {seen}: {expected}."));
            }

            if (e.Kind == CustodyEventKind.Thawed && storage == StorageCondition.Fresh)
            {
                issues.Add(Issue.Error(IssueCodes.CustodyTransitionNotAllowed, path, "A fresh (not cryopreserved) product cannot be thawed."));
            }

            thawed |= e.Kind == CustodyEventKind.Thawed;
            if (e.Kind == CustodyEventKind.Administered && storage == StorageCondition.Cryopreserved && !thawed)
            {
                issues.Add(Issue.Error(IssueCodes.CustodyNotThawed, path, "A cryopreserved product was administered with no thaw recorded."));
            }

            if (e.TemperatureCelsius is { } t && rules.TemperatureRanges.TryGetValue(e.Kind, out var range) && !range.Contains(t))
            {
                issues.Add(Issue.Warning(IssueCodes.CustodyTemperatureExcursion, path,
                    $"{Name(e.Kind)} at {Time(e.At)}: {t.ToString(CultureInfo.InvariantCulture)} °C is outside {range}."));
            }

            previous = e;
        }

        return issues;
    }

    private static string Name(CustodyEventKind kind) => kind.ToString().ToLowerInvariant();

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
