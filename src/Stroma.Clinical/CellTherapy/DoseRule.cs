using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// How a protocol doses one product: a fixed number of cells, cells per kilogram of the weight measured on the day,
/// or not set (a template whose source gives no dose: the site must set it before any infusion can pass its checks).
/// </summary>
public abstract record DoseRule
{
    private DoseRule()
    {
    }

    /// <summary>The same number of cells for every patient, e.g. 5×10^7 cells.</summary>
    public sealed record Fixed(CellCount Cells) : DoseRule
    {
        public override string ToString() => Cells.ToString();
    }

    /// <summary>Cells per kilogram of the body weight measured on the infusion day, e.g. 1×10^6 cells/kg.</summary>
    public sealed record PerKilogram(CellDosePerKilogram Dose) : DoseRule
    {
        public override string ToString() => Dose.ToString();
    }

    /// <summary>No dose in the source; the site must set one (<see cref="IssueCodes.DoseRuleNotSet"/> until then).</summary>
    public sealed record NotSet(string Why) : DoseRule
    {
        public override string ToString() => "not set (site must set)";
    }

    /// <summary>
    /// The dose the rule prescribes for a patient weighing <paramref name="weight"/> (null when not weighed), or
    /// the issues that prevent computing it.
    /// </summary>
    public (CellCount? Dose, IReadOnlyList<Issue> Issues) Compute(BodyMass? weight, string path = "dose") => this switch
    {
        Fixed f => (f.Cells, []),
        PerKilogram p when weight is { } w => (p.Dose * w, []),
        PerKilogram => (null, [Issue.Error(IssueCodes.DoseWeightMissing, path, $"The dose is {this}; the body weight measured on the day is needed.")]),
        NotSet n => (null, [Issue.Error(IssueCodes.DoseRuleNotSet, path, $"The protocol's dose is not set: {n.Why}")]),
        _ => throw new InvalidOperationException("Unknown dose rule."),
    };
}

/// <summary>
/// The accepted deviation of a given dose from the prescribed one, as a fraction each way (0.10 = ±10%). The ±10%
/// default is the project's requirement (issue #6), not a published figure: a protocol may set its own.
/// </summary>
public readonly record struct DoseTolerance
{
    private DoseTolerance(decimal fraction) => Fraction = fraction;

    /// <summary>Allowed relative difference each way, 0 to 1.</summary>
    public decimal Fraction { get; }

    /// <summary>±10%, the default of issue #6.</summary>
    public static DoseTolerance Default { get; } = new(0.10m);

    /// <summary>A tolerance of ±<paramref name="percent"/>% (0–100).</summary>
    public static DoseTolerance Percent(decimal percent)
    {
        Preconditions.Requires(percent is >= 0m and <= 100m, $"A dose tolerance must be 0–100% ({percent}).");
        return new DoseTolerance(percent / 100m);
    }

    /// <summary>
    /// Issues when <paramref name="given"/> differs from <paramref name="prescribed"/> by more than the tolerance
    /// (inclusive: exactly 10% off passes a ±10% tolerance).
    /// </summary>
    public IReadOnlyList<Issue> Check(CellCount given, CellCount prescribed, string path = "dose")
    {
        if (prescribed.Value == 0m)
        {
            return given.Value == 0m ? [] : [Issue.Error(IssueCodes.DoseOutsideTolerance, path, $"Given {given}, prescribed none.")];
        }

        var difference = given.RelativeDifferenceFrom(prescribed);
        return Math.Abs(difference) <= Fraction
            ? []
            : [Issue.Error(IssueCodes.DoseOutsideTolerance, path,
                $"Given {given} is {Percent100(difference)} from the prescribed {prescribed}; tolerance ±{Percent100(Fraction).TrimStart('+')}.")];
    }

    public override string ToString() => $"±{Percent100(Fraction).TrimStart('+')}";

    private static string Percent100(decimal fraction) =>
        (fraction >= 0 ? "+" : "") + Math.Round(fraction * 100m, 2).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
