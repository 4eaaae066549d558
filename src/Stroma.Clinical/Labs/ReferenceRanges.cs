using System.Globalization;

namespace Stroma.Clinical.Labs;

/// <summary>Where a reference range comes from, shown with every flag it produces.</summary>
public enum RangeStatus
{
    /// <summary>Supplied by the site for its laboratory (e.g. <c>stroma labs interpret --ranges</c>).</summary>
    SiteSupplied,

    /// <summary>Published by a real laboratory and read by us: an example of one lab's ranges, not a standard.</summary>
    PublishedExample,
}

/// <summary>The flag a result gets against its reference range (HL7 calls these "abnormal flags").</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A lab flag is the domain's own word, not a [Flags] enum.")]
public enum LabFlag
{
    /// <summary>No range applies (none configured, or a nominal result): nothing is claimed.</summary>
    None,
    Normal,
    Low,
    High,
    CriticalLow,
    CriticalHigh,
}

/// <summary>Short codes for flags as lab reports print them.</summary>
public static class LabFlags
{
    public static string Code(this LabFlag flag) => flag switch
    {
        LabFlag.Normal => "N",
        LabFlag.Low => "L",
        LabFlag.High => "H",
        LabFlag.CriticalLow => "LL",
        LabFlag.CriticalHigh => "HH",
        _ => "",
    };

    public static bool IsLow(this LabFlag flag) => flag is LabFlag.Low or LabFlag.CriticalLow;

    public static bool IsHigh(this LabFlag flag) => flag is LabFlag.High or LabFlag.CriticalHigh;
}

/// <summary>
/// One laboratory's reference interval for one analyte, optionally for one sex and an age band (whole years,
/// inclusive). Numeric limits are in <see cref="Unit"/> (converted to the result's unit through the analyte's cited
/// factors before comparing). The reference limits belong to the interval (a value equal to <see cref="Low"/> is
/// normal; below it is L); critical limits are alarms at or beyond them (a value ≤ <see cref="CriticalLow"/> is LL,
/// ≥ <see cref="CriticalHigh"/> is HH), as laboratories write them ("≤ 2.8 or ≥ 6.2 mmol/L").
/// For qualitative analytes <see cref="UpperNormal"/> is the highest normal grade (e.g. negative, or &lt;1:80).
/// </summary>
public sealed record ReferenceRange(string AnalyteKey, string Source, RangeStatus Status)
{
    /// <summary>The laboratory this range belongs to; null for the built-in default set.</summary>
    public string? LabId { get; init; }

    public Sex? Sex { get; init; }

    public int? AgeMin { get; init; }

    public int? AgeMax { get; init; }

    public UcumUnit? Unit { get; init; }

    public decimal? Low { get; init; }

    public decimal? High { get; init; }

    public decimal? CriticalLow { get; init; }

    public decimal? CriticalHigh { get; init; }

    public QualitativeValue? UpperNormal { get; init; }

    /// <summary>How specific the range is: sex and age band each count one (the most specific match wins).</summary>
    public int Specificity => (Sex is null ? 0 : 1) + (AgeMin is null && AgeMax is null ? 0 : 1);

    /// <summary>
    /// True if the range applies to this sex and age. A sex-specific range needs the sex, an age-banded range needs
    /// the age: an unknown sex or age never selects a banded range (that would be a guess).
    /// </summary>
    public bool AppliesTo(Sex? sex, int? age) =>
        (Sex is null || (Sex == sex && sex is not Labs.Sex.Unknown))
        && ((AgeMin is null && AgeMax is null) || (age is not null && (AgeMin is null || age >= AgeMin) && (AgeMax is null || age <= AgeMax)));

    /// <summary>Text for reports: "61-83 g/L", "≤1.5 LL, ≥3.25 HH", "upper normal: negative", plus sex/age.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (UpperNormal is { } upper)
        {
            parts.Add($"normal up to {upper.Label}");
        }

        if (Low is not null || High is not null)
        {
            var unit = Unit?.Code ?? "";
            parts.Add((Low, High) switch
            {
                ({ } l, { } h) => $"{Quantity.Format(l)}-{Quantity.Format(h)} {unit}",
                ({ } l, null) => $">={Quantity.Format(l)} {unit}",
                (null, { } h) => $"<={Quantity.Format(h)} {unit}",
                _ => "",
            });
        }

        if (CriticalLow is { } cl)
        {
            parts.Add($"LL <={Quantity.Format(cl)}");
        }

        if (CriticalHigh is { } ch)
        {
            parts.Add($"HH >={Quantity.Format(ch)}");
        }

        if (Sex is { } s)
        {
            parts.Add(s switch { Labs.Sex.Female => "female", Labs.Sex.Male => "male", _ => "sex unknown" });
        }

        if (AgeMin is not null || AgeMax is not null)
        {
            parts.Add($"age {AgeMin?.ToString(CultureInfo.InvariantCulture) ?? "0"}-{AgeMax?.ToString(CultureInfo.InvariantCulture) ?? ""}");
        }

        return string.Join("; ", parts);
    }

    /// <summary>Where the range came from, for reports: "lab X (site-supplied): source" or "default (published example): …".</summary>
    public string DescribeSource()
    {
        var status = Status switch
        {
            RangeStatus.SiteSupplied => "site-supplied",
            RangeStatus.PublishedExample => "published example",
            _ => throw new InvalidOperationException($"Unknown range status {Status}."),
        };
        return LabId is null ? $"default ({status}): {Source}" : $"lab {LabId} ({status}): {Source}";
    }
}

/// <summary>
/// The ranges in force: each laboratory's own ranges, and the default adult set used when a lab has no range for an
/// analyte (the output always names which range, and from where, produced a flag). The default set holds only ranges
/// read from a named source (<see cref="DefaultRanges"/>); for any other analyte the laboratory's own range must be
/// configured, and until it is, results are not flagged (<see cref="IsConfigured"/>, issue LAB010).
/// </summary>
public sealed class ReferenceRangeSet
{
    private readonly ILookup<(string Lab, string Analyte), ReferenceRange> _byLab;
    private readonly ILookup<string, ReferenceRange> _defaults;

    public ReferenceRangeSet(IEnumerable<ReferenceRange> laboratoryRanges, IEnumerable<ReferenceRange> defaults)
    {
        Preconditions.NotNull(laboratoryRanges);
        Preconditions.NotNull(defaults);
        _byLab = laboratoryRanges.ToLookup(r => (Preconditions.NotBlank(r.LabId), r.AnalyteKey));
        _defaults = defaults.ToLookup(r => r.AnalyteKey);
    }

    /// <summary>The built-in default set only (see <see cref="DefaultRanges"/>).</summary>
    public static ReferenceRangeSet Default { get; } = new([], DefaultRanges.All);

    /// <summary>
    /// The range for a result: the lab's own ranges when the lab has any for the analyte, else the defaults; among
    /// those that apply to the sex and age, the most specific. Null when none applies.
    /// </summary>
    public ReferenceRange? Select(string analyteKey, string? labId, Sex? sex, int? age)
    {
        var candidates = labId is not null && _byLab.Contains((labId, analyteKey))
            ? _byLab[(labId, analyteKey)]
            : _defaults[analyteKey];
        return candidates.Where(r => r.AppliesTo(sex, age)).OrderByDescending(r => r.Specificity).FirstOrDefault();
    }

    /// <summary>
    /// True when some range exists for the analyte at this laboratory (its own, or a sourced default), whether or not
    /// it applies to a given sex and age. False means nothing is configured: no result of it can be flagged.
    /// </summary>
    public bool IsConfigured(string analyteKey, string? labId) =>
        (labId is not null && _byLab.Contains((labId, analyteKey))) || _defaults.Contains(analyteKey);
}
