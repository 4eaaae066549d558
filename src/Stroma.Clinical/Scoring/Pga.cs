using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>
/// The Physician Global Assessment of SLE disease activity on the 0–3 scale used with SELENA-SLEDAI (scale confirmed
/// in Franklyn K et al. Ann Rheum Dis 2016;75:1615-21, Table 1, and Furie RA et al. Arthritis Rheum 2009;61:1143-51),
/// as LLDAS (≤ 1), DORIS 2021 (&lt; 0.5), SRI-4 (not worse by ≥ 0.3) and BICLA use it. Stored as a decimal from 0.00
/// to 3.00 with at most <see cref="DecimalPlaces"/> decimal places. Anchor words for the points of the scale are not
/// confirmed and are not part of this type. <c>default</c> is 0.00.
/// </summary>
public readonly record struct PhysicianGlobalAssessment
{
    /// <summary>Lowest value of the scale.</summary>
    public const decimal Minimum = 0m;

    /// <summary>Highest value of the scale.</summary>
    public const decimal Maximum = 3m;

    /// <summary>
    /// Most decimal places accepted (a Stroma decision, not a published rule): enough for the 0.1 and 0.01 steps
    /// that trial forms record and for the 0.3-point SRI-4 threshold; a finer value would be rounded, so it is
    /// rejected instead.
    /// </summary>
    public const int DecimalPlaces = 2;

    private PhysicianGlobalAssessment(decimal value) => Value = value;

    /// <summary>The assessment, 0.00–3.00.</summary>
    public decimal Value { get; }

    /// <summary>
    /// Validates a value: out of 0–3 is <c>INP004</c>, more than <see cref="DecimalPlaces"/> decimal places is
    /// <c>PGA001</c>. Trailing zeros do not count (1.500 is 1.5).
    /// </summary>
    /// <param name="value">The assessment.</param>
    /// <param name="path">Where to report issues (an item key).</param>
    public static PhysicianGlobalAssessmentReading Create(decimal value, string path = "pga")
    {
        var issues = Check(value, value.ToString(CultureInfo.InvariantCulture), path);
        return issues.Count == 0
            ? new PhysicianGlobalAssessmentReading(new PhysicianGlobalAssessment(value), issues)
            : new PhysicianGlobalAssessmentReading(null, issues);
    }

    /// <summary>
    /// Reads a raw value (a number, or text such as "1.5" from a CSV cell): not a number is <c>INP003</c>, blank is
    /// <c>INP002</c>; then as <see cref="Create(decimal, string)"/>. Text accepts digits, one decimal point and a sign
    /// only (no thousands separators or exponents), so "1,5" is refused rather than read as 15.
    /// </summary>
    public static PhysicianGlobalAssessmentReading Read(ItemValue raw, string path = "pga")
    {
        Preconditions.NotNull(path);
        switch (raw.Kind)
        {
            case ItemValueKind.Number:
                return Create(raw.Number, path);
            case ItemValueKind.Text when decimal.TryParse(raw.Text,
                NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                CultureInfo.InvariantCulture, out var parsed):
                return Create(parsed, path);
            case ItemValueKind.Null:
                return new PhysicianGlobalAssessmentReading(null,
                    [Issue.Error(IssueCodes.MissingItem, path, $"Item '{path}' (Physician Global Assessment) is required but missing; expected a number from 0 to 3.")]);
            default:
                return new PhysicianGlobalAssessmentReading(null,
                    [Issue.Error(IssueCodes.WrongType, path, $"Item '{path}' (Physician Global Assessment): value {raw} is not a number; expected a number from 0 to 3.")]);
        }
    }

    /// <summary>A value known to be valid (constants, tests, values already validated); throws otherwise.</summary>
    public static PhysicianGlobalAssessment Of(decimal value)
    {
        var issues = Check(value, value.ToString(CultureInfo.InvariantCulture), "pga");
        Preconditions.Requires(issues.Count == 0, issues.Count == 0 ? "" : issues[0].Message, nameof(value));
        return new PhysicianGlobalAssessment(value);
    }

    /// <summary>The value with its significant decimals (e.g. "1.5").</summary>
    public override string ToString() => Value.ToString("0.##", CultureInfo.InvariantCulture);

    private static List<Issue> Check(decimal value, string written, string path)
    {
        var issues = new List<Issue>();
        if (value is < Minimum or > Maximum)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, path,
                $"Item '{path}' (Physician Global Assessment): value {written} is out of range; expected a number from 0 to 3."));
        }
        else if (decimal.Round(value, DecimalPlaces) != value)
        {
            issues.Add(Issue.Error(IssueCodes.PgaTooPrecise, path,
                $"Item '{path}' (Physician Global Assessment): value {written} has more than {DecimalPlaces} decimal places; enter it to at most {DecimalPlaces} (e.g. 1.25)."));
        }

        return issues;
    }
}

/// <summary>The outcome of validating a Physician Global Assessment: the value, or the issues that stopped it.</summary>
/// <param name="Value">The valid assessment, or null when there are issues.</param>
/// <param name="Issues">Problems found (empty when valid).</param>
public sealed record PhysicianGlobalAssessmentReading(PhysicianGlobalAssessment? Value, IReadOnlyList<Issue> Issues)
{
    public bool IsValid => Value is not null;
}

/// <summary>The <see cref="IInstrument"/> adapter for the Physician Global Assessment (<c>stroma score pga</c>).</summary>
public static class Pga
{
    public const string Name = "Physician Global Assessment (0–3)";

    /// <summary>Implementation version stored with each score.</summary>
    public const string Version = "1.0";

    public const string Citation = "0–3 scale as used with SELENA-SLEDAI: Franklyn K et al. Ann Rheum Dis 2016;75:1615-21 (Table 1); Furie RA et al. Arthritis Rheum 2009;61:1143-51.";

    /// <summary>The item key.</summary>
    public const string ItemKey = "pga";

    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        public string Key => "pga";

        public string Name => Pga.Name;

        public string Version => Pga.Version;

        public string Citation => Pga.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            ItemDefinition.Number(ItemKey, "Physician Global Assessment",
                $"The physician's global assessment of SLE disease activity, 0 to 3, at most {PhysicianGlobalAssessment.DecimalPlaces} decimal places.",
                PhysicianGlobalAssessment.Minimum, PhysicianGlobalAssessment.Maximum, required: true),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            // The reader reports unknown keys; the value itself is validated by PhysicianGlobalAssessment.Read, which
            // also refuses too many decimals and thousands separators.
            var reader = new ItemReader(items, Items);
            var reading = PhysicianGlobalAssessment.Read(items.TryGetValue(ItemKey, out var raw) ? raw : ItemValue.Null, ItemKey);
            foreach (var issue in reading.Issues)
            {
                reader.Report(issue);
            }

            if (reader.HasErrors || reading.Value is not { } pga)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            return new ScoreResult(
                Key, Name, Version, pga.Value, null,
                [new ItemContribution(ItemKey, "Physician Global Assessment", pga.Value)],
                [],
                $"Physician Global Assessment {pga} on the 0–3 scale.",
                reader.Issues);
        }
    }
}
