using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Labs;

/// <summary>One result as reported: the analyte name (key, LOINC or alias), the value as text and the unit as text.</summary>
/// <param name="Analyte">Catalog key, LOINC code or documented alias.</param>
/// <param name="Value">A number (invariant culture) or a qualitative grade such as "2+", "positive", "1:320".</param>
/// <param name="Unit">UCUM code or documented spelling; required for numbers, ignored for qualitative grades.</param>
public sealed record LabObservation(string? Analyte, string? Value, string? Unit)
{
    /// <summary>The laboratory that measured it (selects its ranges); null for the defaults.</summary>
    public string? LabId { get; init; }

    public Sex? Sex { get; init; }

    /// <summary>Age in whole years at sampling.</summary>
    public int? Age { get; init; }

    /// <summary>Opaque reference to where the result came from (the CLI puts the input line number).</summary>
    public string? SourceId { get; init; }
}

/// <summary>
/// A result read exactly: the reported quantity, the same quantity in the analyte's canonical unit, or the
/// qualitative grade; the flag and the range that produced it (kept with the result).
/// </summary>
public sealed record LabResult(
    AnalyteDefinition Analyte,
    Quantity? Reported,
    Quantity? Normalised,
    QualitativeValue? Qualitative,
    LabFlag Flag,
    ReferenceRange? Range)
{
    public string? SourceId { get; init; }

    /// <summary>The value as reported, for display ("97 umol/L", "2+").</summary>
    public string ReportedText => Reported?.ToString() ?? Qualitative?.Label ?? "";
}

/// <summary>A result with the issues found reading it; <see cref="Result"/> is null when it has an error.</summary>
public sealed record LabInterpretation(LabResult? Result, IReadOnlyList<Issue> Issues);

/// <summary>Reads single results: resolves the analyte and unit, normalises, selects the range and flags.</summary>
public static class LabInterpreter
{
    /// <summary>Interprets one observation against <paramref name="ranges"/>. Never throws for bad input.</summary>
    public static LabInterpretation Interpret(LabObservation observation, ReferenceRangeSet ranges)
    {
        Preconditions.NotNull(observation);
        Preconditions.NotNull(ranges);
        var issues = new List<Issue>();
        var analyte = AnalyteCatalog.Find(observation.Analyte);
        if (analyte is null)
        {
            issues.Add(string.IsNullOrWhiteSpace(observation.Analyte)
                ? Issue.Error(IssueCodes.MissingItem, "analyte", "No analyte given.")
                : Issue.Error(IssueCodes.UnknownAnalyte, "analyte",
                    $"Unknown analyte \"{observation.Analyte}\": use a catalog key, its LOINC code or a documented alias (stroma labs catalog)."));
        }

        if (string.IsNullOrWhiteSpace(observation.Value))
        {
            issues.Add(Issue.Error(IssueCodes.MissingItem, "value", "No value given."));
        }

        if (analyte is null || issues.Count > 0)
        {
            return new LabInterpretation(null, issues);
        }

        var text = observation.Value!.Trim();
        Quantity? reported = null, normalised = null;
        QualitativeValue? qualitative = null;
        var isNumber = decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number);
        if (isNumber && analyte.IsQuantitative)
        {
            (reported, normalised) = ReadQuantity(analyte, number, observation.Unit, issues);
        }
        else if (analyte.Scale is { } scale && QualitativeValue.Parse(scale, text) is { } grade)
        {
            qualitative = grade;
        }
        else
        {
            var expected = (analyte.IsQuantitative ? "a number with a unit" : "")
                + (analyte.IsQuantitative && analyte.Scale is not null ? " or " : "")
                + (analyte.Scale is { } s ? Expected(s) : "");
            issues.Add(Issue.Error(IssueCodes.UnreadableValue, "value", $"{analyte.Name}: \"{text}\" cannot be read; expected {expected}."));
        }

        if (issues.Any(i => i.IsError))
        {
            return new LabInterpretation(null, issues);
        }

        var range = ranges.Select(analyte.Key, observation.LabId, observation.Sex, observation.Age);
        var (flag, comparable) = range is null ? (LabFlag.None, true) : Flag(analyte, normalised, qualitative, range);
        if (range is null)
        {
            if (analyte.Scale != QualitativeScale.Nominal || normalised is not null)
            {
                issues.Add(Issue.Warning(IssueCodes.NoReferenceRange, "value",
                    $"{analyte.Name}: no reference range for lab {observation.LabId ?? "(default)"}, sex {Describe(observation.Sex)}, age {observation.Age?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}; not flagged."));
            }
        }
        else if (!comparable)
        {
            issues.Add(Issue.Warning(IssueCodes.NoReferenceRange, "value",
                $"{analyte.Name}: the range ({range.Describe()}) cannot be compared with {(reported?.ToString() ?? qualitative?.Label)}; not flagged."));
            range = null;
        }

        return new LabInterpretation(new LabResult(analyte, reported, normalised, qualitative, flag, range) { SourceId = observation.SourceId }, issues);
    }

    private static (Quantity?, Quantity?) ReadQuantity(AnalyteDefinition analyte, decimal number, string? unitText, List<Issue> issues)
    {
        if (number < 0)
        {
            issues.Add(Issue.Error(IssueCodes.UnreadableValue, "value", $"{analyte.Name}: {Quantity.Format(number)} is negative; a measured amount cannot be."));
            return (null, null);
        }

        if (string.IsNullOrWhiteSpace(unitText))
        {
            issues.Add(Issue.Error(IssueCodes.MissingItem, "unit", $"{analyte.Name}: a number needs its unit; accepted: {Accepted(analyte)}."));
            return (null, null);
        }

        var unit = Units.Find(unitText);
        if (unit is null)
        {
            issues.Add(Issue.Error(IssueCodes.UnknownUnit, "unit", $"Unknown unit \"{unitText.Trim()}\"; {analyte.Name} is accepted in {Accepted(analyte)}."));
            return (null, null);
        }

        var reported = new Quantity(number, unit);
        // Assay-specific arbitrary units (IU/mL vs U/mL for anti-dsDNA) are accepted but never converted into each
        // other: such a result stays in its reported unit, and only a range in that same unit can flag it.
        Quantity? normalised;
        try
        {
            normalised = !analyte.Accepts(unit) ? null
                : analyte.Normalise(reported) ?? (unit.Dimension == Dimension.ArbitraryConcentration ? reported : null);
        }
        catch (OverflowException)
        {
            issues.Add(Issue.Error(IssueCodes.UnreadableValue, "value", $"{analyte.Name}: {Quantity.Format(number)} {unit.Code} is too large to be a measurement."));
            return (null, null);
        }

        if (normalised is null)
        {
            issues.Add(Issue.Error(IssueCodes.UnitNotForAnalyte, "unit",
                $"{analyte.Name} is not reported in {unit.Code} ({unit.Dimension}); accepted: {Accepted(analyte)}. Stroma does not convert without a cited factor."
                + (analyte.Note is null ? "" : " " + analyte.Note)));
            return (null, null);
        }

        return (reported, normalised);
    }

    /// <summary>
    /// The flag of a result against a range. Quantities are compared in the canonical unit (the range's limits are
    /// converted through the analyte's cited factors); qualitative grades by rank on their scale.
    /// </summary>
    /// <returns>The flag, and whether the range could be compared with the result at all.</returns>
    public static (LabFlag Flag, bool Comparable) Flag(AnalyteDefinition analyte, Quantity? normalised, QualitativeValue? qualitative, ReferenceRange range)
    {
        Preconditions.NotNull(analyte);
        Preconditions.NotNull(range);
        var comparable = true;
        if (normalised is { } q)
        {
            if (range.Low is null && range.High is null && range.CriticalLow is null && range.CriticalHigh is null)
            {
                return (LabFlag.None, false);
            }

            decimal? Limit(decimal? value)
            {
                if (value is null)
                {
                    return null;
                }

                var converted = range.Unit is null ? null : analyte.Convert(new Quantity(value.Value, range.Unit), q.Unit);
                if (converted is null)
                {
                    comparable = false;
                }

                return converted?.Value;
            }

            var (low, high, cl, ch) = (Limit(range.Low), Limit(range.High), Limit(range.CriticalLow), Limit(range.CriticalHigh));
            if (!comparable)
            {
                return (LabFlag.None, false);
            }

            var v = q.Value;
            var flag = v <= cl ? LabFlag.CriticalLow
                : v < low ? LabFlag.Low
                : v >= ch ? LabFlag.CriticalHigh
                : v > high ? LabFlag.High
                : LabFlag.Normal;
            return (flag, true);
        }

        if (qualitative is { } grade)
        {
            if (grade.Scale == QualitativeScale.Nominal)
            {
                return (LabFlag.None, true);
            }

            if (range.UpperNormal is not { } upper || upper.Scale != grade.Scale)
            {
                return (LabFlag.None, false);
            }

            return (grade > upper ? LabFlag.High : LabFlag.Normal, true);
        }

        return (LabFlag.None, false);
    }

    private static string Accepted(AnalyteDefinition analyte) => string.Join(", ", analyte.ReportedUnits.Select(u => u.Code));

    private static string Describe(Sex? sex) => sex switch
    {
        Sex.Female => "female",
        Sex.Male => "male",
        _ => "unknown",
    };

    private static string Expected(QualitativeScale scale) => scale switch
    {
        QualitativeScale.Dipstick => "a grade: negative, trace, 1+, 2+, 3+ or 4+",
        QualitativeScale.PositiveNegative => "positive or negative",
        QualitativeScale.Titre => "a titre such as 1:80, <1:40 or >1:1280",
        _ => "text",
    };
}
