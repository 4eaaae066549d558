using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// A patient's consent to the protocol: signed on a date, possibly withdrawn, possibly time-limited, and for a protocol
/// version (a consent for another version is not current: an amendment needs re-consent).
/// </summary>
public sealed record ConsentRecord(DateOnly SignedOn, string ProtocolVersion, DateOnly? WithdrawnOn = null, DateOnly? ValidUntil = null);

/// <summary>Everything the infusion pre-checks look at. Dates are clinical dates at the site.</summary>
/// <param name="Protocol">The patient's protocol.</param>
/// <param name="ComponentKey">Which of the protocol's products this infusion gives (e.g. <c>msc</c>).</param>
/// <param name="Lot">The lot to be given.</param>
/// <param name="LotStatus">The lot's release status now.</param>
/// <param name="InfusionDate">The infusion day.</param>
/// <param name="Weight">Body weight, or null when not measured.</param>
/// <param name="WeighedOn">The date of that weight.</param>
/// <param name="DoseGiven">Cells to be given.</param>
/// <param name="Consent">The patient's consent, or null when none is recorded.</param>
public sealed record InfusionPrecheckInput(
    Protocol Protocol,
    string ComponentKey,
    CellLot Lot,
    LotStatus LotStatus,
    DateOnly InfusionDate,
    BodyMass? Weight,
    DateOnly? WeighedOn,
    CellCount DoseGiven,
    ConsentRecord? Consent);

/// <summary>The checks that must pass before an infusion is recorded.</summary>
public static class InfusionPrecheck
{
    /// <summary>
    /// Runs every check and returns every failure (empty when the infusion may go ahead): the lot is released and
    /// not expired on the infusion date; its product type is one the protocol component accepts; the dose given is
    /// within the protocol's tolerance (±10% by default) of the dose the rule computes from the weight measured on
    /// the infusion date; the consent is current on that date for this protocol version.
    /// </summary>
    public static IReadOnlyList<Issue> Run(InfusionPrecheckInput input)
    {
        Preconditions.NotNull(input);
        var issues = new List<Issue>();
        var lot = input.Lot;
        if (input.LotStatus != LotStatus.Released)
        {
            issues.Add(Issue.Error(IssueCodes.LotNotReleased, "lot", $"Lot {lot.LotId} is {input.LotStatus.ToString().ToLowerInvariant()}, not released."));
        }

        if (lot.IsExpiredOn(input.InfusionDate))
        {
            issues.Add(Issue.Error(IssueCodes.LotExpiredOnInfusionDate, "lot", $"Lot {lot.LotId} expired on {lot.ExpiresOn:yyyy-MM-dd}, before the infusion on {input.InfusionDate:yyyy-MM-dd}."));
        }

        var component = input.Protocol.Component(input.ComponentKey);
        if (component is null)
        {
            issues.Add(Issue.Error(IssueCodes.ProductTypeMismatch, "component",
                $"Protocol {input.Protocol.Key} has no product '{input.ComponentKey}' (it has {string.Join(", ", input.Protocol.Components.Select(c => c.Key))})."));
        }
        else
        {
            if (!component.AcceptedProducts.Contains(lot.ProductType))
            {
                issues.Add(Issue.Error(IssueCodes.ProductTypeMismatch, "lot.product_type",
                    $"Lot {lot.LotId} is {lot.ProductType.Label()}; protocol {input.Protocol.Key} gives {string.Join(" or ", component.AcceptedProducts.Order().Select(p => p.Label()))} as {component.Label}."));
            }

            var weight = input.Weight;
            if (component.Dose is DoseRule.PerKilogram && weight is not null && input.WeighedOn != input.InfusionDate)
            {
                issues.Add(Issue.Error(IssueCodes.DoseWeightNotFromInfusionDay, "weight",
                    $"The weight was measured on {input.WeighedOn?.ToString("yyyy-MM-dd") ?? "an unknown date"}; a per-kilogram dose needs the weight measured on {input.InfusionDate:yyyy-MM-dd}."));
                weight = null;
            }

            var (prescribed, doseIssues) = component.Dose.Compute(weight);
            issues.AddRange(doseIssues.Where(i => i.Code != IssueCodes.DoseWeightMissing || input.Weight is null));
            if (prescribed is { } p)
            {
                issues.AddRange(input.Protocol.ToleranceOf(component).Check(input.DoseGiven, p));
            }
        }

        issues.AddRange(CheckConsent(input.Consent, input.Protocol.Version, input.InfusionDate));
        return issues;
    }

    private static IEnumerable<Issue> CheckConsent(ConsentRecord? consent, string protocolVersion, DateOnly date)
    {
        string? problem = consent switch
        {
            null => "no consent is recorded",
            { SignedOn: var s } when s > date => $"consent was signed on {s:yyyy-MM-dd}, after the infusion date",
            { WithdrawnOn: { } w } when w <= date => $"consent was withdrawn on {w:yyyy-MM-dd}",
            { ValidUntil: { } v } when v < date => $"consent was valid until {v:yyyy-MM-dd}",
            { ProtocolVersion: var pv } when pv != protocolVersion => $"consent is for protocol version {pv}, not {protocolVersion}",
            _ => null,
        };
        if (problem is not null)
        {
            yield return Issue.Error(IssueCodes.ConsentNotCurrent, "consent", $"Consent is not current on {date:yyyy-MM-dd}: {problem}.");
        }
    }
}

/// <summary>Vital signs at one instant. Every value optional; units: mmHg, /min, °C, %.</summary>
public sealed record VitalSigns(
    DateTimeOffset At,
    decimal? SystolicMmHg = null,
    decimal? DiastolicMmHg = null,
    decimal? HeartRatePerMinute = null,
    decimal? TemperatureCelsius = null,
    decimal? RespiratoryRatePerMinute = null,
    decimal? OxygenSaturationPercent = null);

/// <summary>A premedication: drug, dose as written (e.g. "10 mg IV") and when given.</summary>
public sealed record Premedication(string Drug, string Dose, DateTimeOffset GivenAt);

/// <summary>A reaction during or after the infusion, graded by CTCAE v5.0 ("Infusion related reaction" or another term).</summary>
public sealed record InfusionReaction(string Term, CtcaeGrade Grade, DateTimeOffset Onset, string? Action = null);

/// <summary>What happened at one infusion: which event, lot and product, start/stop, dose, weight, vitals before and
/// after, premedication and reactions.</summary>
public sealed record InfusionRecord(
    string EventKey,
    string LotId,
    string ComponentKey,
    DateTimeOffset Start,
    DateTimeOffset? Stop,
    CellCount DoseGiven,
    BodyMass? Weight,
    IReadOnlyList<VitalSigns> PreVitals,
    IReadOnlyList<VitalSigns> PostVitals,
    IReadOnlyList<Premedication> Premedications,
    IReadOnlyList<InfusionReaction> Reactions)
{
    /// <summary>Problems with the record's own times: stop before start, pre-infusion vitals after the start,
    /// post-infusion vitals before the stop, premedication after the start (warning).</summary>
    public IReadOnlyList<Issue> Validate()
    {
        var issues = new List<Issue>();
        if (Stop is { } stop && stop < Start)
        {
            issues.Add(Issue.Error(IssueCodes.InfusionTimesInconsistent, "stop", "The infusion stops before it starts."));
        }

        if (PreVitals.Any(v => v.At > Start))
        {
            issues.Add(Issue.Error(IssueCodes.InfusionTimesInconsistent, "pre_vitals", "Pre-infusion vital signs are timed after the start."));
        }

        if (Stop is { } end && PostVitals.Any(v => v.At < end))
        {
            issues.Add(Issue.Error(IssueCodes.InfusionTimesInconsistent, "post_vitals", "Post-infusion vital signs are timed before the stop."));
        }

        if (Premedications.Any(p => p.GivenAt > Start))
        {
            issues.Add(Issue.Warning(IssueCodes.InfusionTimesInconsistent, "premedication", "A premedication is timed after the infusion started."));
        }

        return issues;
    }
}
