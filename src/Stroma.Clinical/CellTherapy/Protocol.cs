using System.Globalization;

namespace Stroma.Clinical.CellTherapy;

/// <summary>How the product is given.</summary>
public enum AdministrationRoute
{
    /// <summary>Intravenous infusion.</summary>
    Intravenous = 1,
}

/// <summary>Whether an offset counts days or calendar months.</summary>
public enum OffsetUnit
{
    Days = 1,
    Months = 2,
}

/// <summary>
/// Where an event falls relative to the schedule's start date (day 0). Months are calendar months counted from the
/// start, each offset from the start itself (never chained), with the day clamped to the month's last day:
/// 31 Jan + 1 month = 28 Feb (29 in a leap year), + 2 months = 31 Mar (<see cref="DateOnly.AddMonths"/>).
/// </summary>
public readonly record struct ScheduleOffset(int Amount, OffsetUnit Unit)
{
    public static ScheduleOffset Days(int days) => new(days, OffsetUnit.Days);

    public static ScheduleOffset Months(int months) => new(months, OffsetUnit.Months);

    public DateOnly From(DateOnly start) => Unit == OffsetUnit.Days ? start.AddDays(Amount) : start.AddMonths(Amount);

    /// <summary>This offset <paramref name="times"/> times (session k of a regular series).</summary>
    public ScheduleOffset Times(int times) => this with { Amount = checked(Amount * times) };

    public override string ToString() => Unit == OffsetUnit.Days
        ? $"day {Amount.ToString(CultureInfo.InvariantCulture)}"
        : $"month {Amount.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>How many days before and after its target date an event may take place and still be on schedule.</summary>
public readonly record struct VisitWindow
{
    public VisitWindow(int daysBefore, int daysAfter)
    {
        Preconditions.Requires(daysBefore >= 0 && daysAfter >= 0, "Window days cannot be negative.");
        DaysBefore = daysBefore;
        DaysAfter = daysAfter;
    }

    public int DaysBefore { get; }

    public int DaysAfter { get; }

    /// <summary>On the target day only.</summary>
    public static VisitWindow Exact { get; } = new(0, 0);

    /// <summary>± <paramref name="days"/> days.</summary>
    public static VisitWindow PlusMinus(int days) => new(days, days);

    public override string ToString() => DaysBefore == DaysAfter
        ? (DaysBefore == 0 ? "exact" : $"±{DaysBefore} d")
        : $"-{DaysBefore}/+{DaysAfter} d";
}

/// <summary>One product a protocol gives at each administration (two for a combined MSC + NK protocol).</summary>
/// <param name="Key">Stable snake_case key, e.g. <c>msc</c>, <c>nk</c>.</param>
/// <param name="Label">What a person reads.</param>
/// <param name="AcceptedProducts">Product types a lot may have to be given under this component.</param>
/// <param name="Dose">The dose rule.</param>
/// <param name="Route">The route.</param>
public sealed record ProtocolComponent(string Key, string Label, IReadOnlySet<CellProductType> AcceptedProducts, DoseRule Dose, AdministrationRoute Route)
{
    /// <summary>This product's accepted dose deviation when it differs from the protocol's (<see cref="Protocol.Tolerance"/>); null: the protocol's.</summary>
    public DoseTolerance? Tolerance { get; init; }
}

/// <summary>Administration number <paramref name="Number"/> (1-based) at <paramref name="Offset"/> from day 0.</summary>
public sealed record PlannedAdministration(int Number, ScheduleOffset Offset, VisitWindow Window)
{
    public string Key => $"administration_{Number.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Whether a follow-up event is a visit at the site or a contact (telephone, message).</summary>
public enum FollowUpKind
{
    Visit = 1,
    Contact = 2,
}

/// <summary>
/// A follow-up visit or contact with its target offset and window, and what is collected at it: instrument keys
/// (<see cref="Scoring.InstrumentCatalog"/>) and lab panels.
/// </summary>
public sealed record PlannedVisit(string Key, string Label, ScheduleOffset Offset, VisitWindow Window)
{
    public FollowUpKind Kind { get; init; } = FollowUpKind.Visit;

    /// <summary>Instrument keys to assess at this event (e.g. <c>sledai2k</c>); empty when the protocol names none.</summary>
    public IReadOnlyList<string> Instruments { get; init; } = [];

    /// <summary>Lab panels to draw at this event; empty when the protocol names none.</summary>
    public IReadOnlyList<Labs.LabPanel> LabPanels { get; init; } = [];

    /// <summary>Other things collected at this event, in words (e.g. the long-term follow-up questions); empty when none.</summary>
    public IReadOnlyList<string> Collects { get; init; } = [];
}

/// <summary>
/// A treatment protocol: which products, dose rules and route, when each administration falls, and the follow-up
/// visits. Versioned: a stored schedule keeps the protocol key and version it was generated from.
/// </summary>
/// <param name="Key">Stable snake_case key.</param>
/// <param name="Name">Title.</param>
/// <param name="Version">Version of this definition.</param>
/// <param name="Description">What it is, including what in it is UNCONFIRMED or assumed.</param>
/// <param name="Source">The publication or record it comes from.</param>
/// <param name="Components">Products given at each administration.</param>
/// <param name="Administrations">The administrations, in order.</param>
/// <param name="FollowUps">Follow-up visits.</param>
/// <param name="Tolerance">Accepted dose deviation, for every component that does not set its own (<see cref="ProtocolComponent.Tolerance"/>).</param>
/// <param name="Notes">Facts in this protocol not confirmed against the source, and assumptions a site must review.</param>
public sealed record Protocol(
    string Key,
    string Name,
    string Version,
    string Description,
    string Source,
    IReadOnlyList<ProtocolComponent> Components,
    IReadOnlyList<PlannedAdministration> Administrations,
    IReadOnlyList<PlannedVisit> FollowUps,
    DoseTolerance Tolerance,
    IReadOnlyList<string> Notes)
{
    /// <summary>The CAR-T parts (preparation, release tests, lymphodepletion, BSA formula); null for other protocols.</summary>
    public CarTPlan? CarT { get; init; }

    public ProtocolComponent? Component(string key) => Components.FirstOrDefault(c => c.Key == key);

    /// <summary>The accepted dose deviation of <paramref name="component"/>: its own, else the protocol's.</summary>
    public DoseTolerance ToleranceOf(ProtocolComponent component)
    {
        ArgumentNullException.ThrowIfNull(component);
        return component.Tolerance ?? Tolerance;
    }

    /// <summary>The figures its publication reports (empty when none is declared), for published-versus-registry tables.</summary>
    public IReadOnlyList<PublishedResult> PublishedResults { get; init; } = [];
}
