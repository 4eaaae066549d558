using System.Globalization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;

namespace Stroma.Data.Labs;

/// <summary>One lab result as the laboratory reported it, with what normalisation may need about the patient.</summary>
public sealed record LabReport(string Analyte, string Value, string? Unit, string? Range, Sex Sex, int? BirthYear, DateTimeOffset SpecimenTime)
{
    /// <summary>The laboratory id whose configured ranges apply (<see cref="ReferenceRange.LabId"/>); null for the defaults only.</summary>
    public string? LabId { get; init; }
}

/// <summary>The normalised form of a <see cref="LabReport"/>, or the issues that prevent storing it.</summary>
/// <param name="Analyte">The analyte key to store.</param>
/// <param name="Value">The value in <paramref name="Unit"/>, or null when not numeric (e.g. "&lt;0.5").</param>
/// <param name="Unit">The canonical UCUM unit, or the reported unit when no conversion is known.</param>
/// <param name="Flag">Abnormality relative to the reference range.</param>
/// <param name="Issues">Errors reject the row; warnings and notes (e.g. LAB010, no range configured) are reported and the row is stored.</param>
public sealed record LabNormalisation(string Analyte, decimal? Value, string? Unit, LabFlag Flag, IReadOnlyList<Issue> Issues)
{
    public bool IsValid => !Issues.Any(i => i.IsError);

    /// <summary>Which range produced <see cref="Flag"/> (the laboratory's reported range, or a configured range and its source); null when none did.</summary>
    public string? RangeUsed { get; init; }
}

/// <summary>
/// The validation and normalisation step of <c>stroma import labs</c>: <see cref="CatalogLabNormaliser"/> (the
/// analyte catalogue, UCUM units and cited conversions of <c>Stroma.Clinical/Labs</c>) in the CLI;
/// <see cref="ReportedUnitNormaliser"/> converts nothing.
/// </summary>
public interface ILabNormaliser
{
    LabNormalisation Normalise(LabReport report);
}

/// <summary>
/// How lab text is read by every normaliser: numbers are invariant ASCII decimals (no exponent, no NaN or Infinity,
/// no other scripts' digits or minus signs: <c>１２</c> and <c>−5</c> are refused rather than guessed), a censored value
/// is <c>&lt;</c> or <c>&gt;</c> (optionally followed by <c>=</c>) and such a number, and a laboratory's printed range
/// is <c>low-high</c>, <c>&lt;high</c> or <c>&gt;low</c> with <c>low ≤ high</c>. Text with a NUL character is refused
/// (no database stores it as text).
/// </summary>
public static class LabText
{
    /// <summary>The longest analyte text stored (the column's length).</summary>
    public const int MaxAnalyteLength = 64;

    /// <summary>Reads an invariant ASCII decimal; false for anything else.</summary>
    public static bool TryNumber(ReadOnlySpan<char> text, out decimal value)
    {
        var trimmed = text.Trim();
        foreach (var c in trimmed)
        {
            if (c is not ((>= '0' and <= '9') or '.' or '-' or '+'))
            {
                value = 0;
                return false;
            }
        }

        return decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>True when <paramref name="text"/> is a censored value (starts with &lt; or &gt;).</summary>
    public static bool IsCensored(string text) => text.Length > 0 && text[0] is '<' or '>';

    /// <summary>The error of a censored value whose limit is not a number (<c>&lt;NaN</c>, <c>&gt;1e309</c>); null when readable.</summary>
    public static Issue? CensoredProblem(string analyte, string text)
    {
        var limit = text.AsSpan(1).TrimStart('=');
        return TryNumber(limit, out var number) && Math.Abs(number) <= LabResultRows.LargestStorable ? null
            : Issue.Error(IssueCodes.UnreadableValue, "value",
                $"The {analyte} value \"{text}\" is not a censored number: after < or > must come a number in ASCII digits (e.g. <0.5).");
    }

    /// <summary>The most decimals the normalised value column holds (numeric(18,6)).</summary>
    public const int MaxDecimals = 6;

    /// <summary>
    /// The error (LAB015) of a reported number the normalised value column cannot hold exactly: more than
    /// <see cref="MaxDecimals"/> decimals once trailing zeros are dropped (<c>92.1234567</c>; <c>92.1234560</c> is
    /// fine). PostgreSQL would round it silently and SQLite keep it, so it is refused on both; null when it fits.
    /// </summary>
    public static Issue? PrecisionProblem(string analyte, string text, decimal value) =>
        value == decimal.Round(value, MaxDecimals) ? null
            : Issue.Error(IssueCodes.ValueTooPrecise, "value",
                $"The {analyte} value {text.Trim()} has more than {MaxDecimals} decimals; it cannot be stored exactly (round it as the laboratory reports it).");

    /// <summary>Errors for text that no database stores (NUL) and an analyte longer than its column.</summary>
    public static IEnumerable<Issue> StorageProblems(LabReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var (path, text) in new[] { ("analyte", report.Analyte), ("value", report.Value), ("unit", report.Unit), ("range", report.Range) })
        {
            if (text is not null && text.Contains('\0', StringComparison.Ordinal))
            {
                yield return Issue.Error(IssueCodes.MalformedRecord, path, $"The {path} contains a NUL character; it cannot be stored.");
            }
        }

        if (report.Analyte.Trim().Length > MaxAnalyteLength)
        {
            yield return Issue.Error(IssueCodes.WrongType, "analyte", $"The analyte is longer than {MaxAnalyteLength} characters.");
        }
    }

    /// <summary>
    /// Reads a laboratory's printed range: null limits where the range is open. Returns an error (LAB007) for text
    /// that is not a range or whose limits are out of order; (null, null, null) when there is no range.
    /// </summary>
    public static (decimal? Low, decimal? High, Issue? Problem) ReadRange(string? range)
    {
        if (string.IsNullOrWhiteSpace(range))
        {
            return (null, null, null);
        }

        var r = range.AsSpan().Trim();
        if (r[0] is '<' or '>')
        {
            if (!TryNumber(r[1..].TrimStart('='), out var limit))
            {
                return (null, null, Unreadable(range));
            }

            return r[0] == '<' ? (null, limit, null) : (limit, null, null);
        }

        var dash = r.Length > 1 ? r[1..].IndexOf('-') : -1;
        if (dash < 0 || !TryNumber(r[..(dash + 1)], out var low) || !TryNumber(r[(dash + 2)..], out var high))
        {
            return (null, null, Unreadable(range));
        }

        return low > high
            ? (null, null, Issue.Error(IssueCodes.InvalidRange, "range", $"The range \"{range.Trim()}\" has its limits out of order (low {Quantity.Format(low)} is above high {Quantity.Format(high)})."))
            : (low, high, null);
    }

    /// <summary>The flag of <paramref name="value"/> against a range read by <see cref="ReadRange"/>.</summary>
    public static LabFlag Flag(decimal value, decimal? low, decimal? high) =>
        low is { } l && value < l ? LabFlag.Low : high is { } h && value > h ? LabFlag.High : LabFlag.Normal;

    private static Issue Unreadable(string range) =>
        Issue.Error(IssueCodes.InvalidRange, "range", $"The range \"{range.Trim()}\" cannot be read: write low-high, <high or >low in ASCII digits (e.g. 0.9-1.8).");

    /// <summary>How far ahead of the server's clock a specimen time may be before it counts as in the future: the
    /// laboratory system's clock and Stroma's are not the same clock. A Stroma default, not a clinical rule.</summary>
    public static readonly TimeSpan ClockAllowance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The plausibility rule for a specimen time (LAB012): not before 1900-01-01 and not before the year the patient
    /// was born. Nothing clinical is assumed: both only catch times that cannot be true (a year 0001 from a slip).
    /// A specimen time later than <paramref name="now"/> (by more than <see cref="ClockAllowance"/>) is an event in the
    /// future and is refused like every other one (RET001).
    /// </summary>
    public static Issue? SpecimenTimeProblem(DateTimeOffset time, int? birthYear, DateTimeOffset now)
    {
        if (time > now + ClockAllowance)
        {
            return Issue.Error(IssueCodes.EventInFuture, "specimen_time",
                $"specimen_time {time:yyyy-MM-dd'T'HH:mmzzz} is in the future (now is {now.ToOffset(time.Offset):yyyy-MM-dd'T'HH:mmzzz}): record a result once the specimen has been taken.");
        }

        if (time.UtcDateTime.Year < 1900)
        {
            return Issue.Error(IssueCodes.ImplausibleSpecimenTime, "specimen_time",
                $"Specimen time {time:yyyy-MM-dd'T'HH:mmzzz} is before 1900: check the year.");
        }

        return birthYear is { } born && time.Year < born
            ? Issue.Error(IssueCodes.ImplausibleSpecimenTime, "specimen_time",
                $"Specimen time {time:yyyy-MM-dd'T'HH:mmzzz} is before the patient's birth year {born.ToString(CultureInfo.InvariantCulture)}.")
            : null;
    }
}

/// <summary>
/// A deliberately minimal normaliser that converts nothing: a numeric value is kept in the unit the laboratory
/// reported, and the flag is derived only from the laboratory's own reported range (<c>low-high</c>, <c>&lt;high</c>,
/// <c>&gt;low</c>). Censored values (<c>&lt;0.5</c>, <c>&gt;2000</c>) are stored as reported with no numeric value.
/// It invents no factor or range.
/// </summary>
public sealed class ReportedUnitNormaliser : ILabNormaliser
{
    public static ReportedUnitNormaliser Instance { get; } = new();

    public LabNormalisation Normalise(LabReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (LabText.StorageProblems(report).ToList() is { Count: > 0 } unstorable)
        {
            return new(report.Analyte, null, null, LabFlag.None, unstorable);
        }

        if (string.IsNullOrWhiteSpace(report.Analyte))
        {
            return Fail(report, Issue.Error(IssueCodes.MissingItem, "analyte", "The row has no analyte."));
        }

        var text = report.Value.Trim();
        if (text.Length == 0)
        {
            return Fail(report, Issue.Error(IssueCodes.MissingItem, "value", $"The {report.Analyte} result has no value."));
        }

        if (LabText.IsCensored(text))
        {
            return LabText.CensoredProblem(report.Analyte, text) is { } censored
                ? Fail(report, censored)
                : new LabNormalisation(report.Analyte, null, report.Unit, LabFlag.None, []);
        }

        if (!LabText.TryNumber(text, out var value))
        {
            return Fail(report, Issue.Error(IssueCodes.WrongType, "value", $"The {report.Analyte} value \"{text}\" is not a number."));
        }

        if (LabText.PrecisionProblem(report.Analyte, text, value) is { } precision)
        {
            return Fail(report, precision);
        }

        if (Math.Abs(value) > LabResultRows.LargestStorable)
        {
            return Fail(report, Issue.Error(IssueCodes.UnreadableValue, "value", $"The {report.Analyte} value {text} is too large to be a measurement."));
        }

        var (low, high, problem) = LabText.ReadRange(report.Range);
        if (problem is not null)
        {
            return Fail(report, problem);
        }

        var flag = low is null && high is null ? LabFlag.None : LabText.Flag(value, low, high);
        return new LabNormalisation(report.Analyte, value, report.Unit, flag, []);
    }

    private static LabNormalisation Fail(LabReport report, Issue issue) =>
        new(report.Analyte, null, null, LabFlag.None, [issue]);
}

/// <summary>
/// Normalises through <c>Stroma.Clinical.Labs</c>: the analyte is resolved in <see cref="AnalyteCatalog"/> (key,
/// LOINC or alias; stored under its catalogue key), the value is read in a unit the analyte accepts and converted
/// to its canonical unit only through the catalogue's cited factors; unknown analytes, unknown units and units that
/// do not fit the analyte are errors (the row is rejected). The flag comes from the laboratory's own range in the
/// row (compared in the reported unit; a range that cannot be read or is out of order rejects the row); without one,
/// from <paramref name="ranges"/> (the site laboratory's configured range, else a sourced default, else none with
/// LAB010). Censored values (<c>&lt;0.5</c>) are stored as reported, without a number. Age-specific ranges are not
/// applied (only the birth year is known at import).
/// </summary>
public sealed class CatalogLabNormaliser(ReferenceRangeSet ranges) : ILabNormaliser
{
    public static CatalogLabNormaliser Default { get; } = new(ReferenceRangeSet.Default);

    public LabNormalisation Normalise(LabReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (LabText.StorageProblems(report).ToList() is { Count: > 0 } unstorable)
        {
            return new(report.Analyte, null, null, LabFlag.None, unstorable);
        }

        var text = report.Value.Trim();
        if (LabText.IsCensored(text))
        {
            var known = AnalyteCatalog.Find(report.Analyte);
            return known is null
                ? new LabNormalisation(report.Analyte, null, null, LabFlag.None,
                    [Issue.Error(IssueCodes.UnknownAnalyte, "analyte", $"Unknown analyte \"{report.Analyte}\" (stroma labs catalog lists them).")])
                : LabText.CensoredProblem(known.Name, text) is { } censored
                    ? new LabNormalisation(known.Key, null, null, LabFlag.None, [censored])
                    : new LabNormalisation(known.Key, null, report.Unit, LabFlag.None, []);
        }

        if (text.Length > 0 && !LabText.TryNumber(text, out _) && LabText.TryNumber(text.Normalize(System.Text.NormalizationForm.FormKC).Replace('\u2212', '-'), out _))
        {
            // Full-width digits or a Unicode minus: refused with the reason rather than read as a grade or guessed.
            return new LabNormalisation(report.Analyte, null, null, LabFlag.None,
                [Issue.Error(IssueCodes.UnreadableValue, "value", $"The value \"{text}\" is written with non-ASCII digits or minus sign; write it in ASCII (0-9, -, .).")]);
        }

        if (LabText.TryNumber(text, out var number) && LabText.PrecisionProblem(report.Analyte, text, number) is { } precision)
        {
            return new LabNormalisation(AnalyteCatalog.Find(report.Analyte)?.Key ?? report.Analyte, null, null, LabFlag.None, [precision]);
        }

        var interpretation = LabInterpreter.Interpret(new LabObservation(report.Analyte, report.Value, report.Unit)
        {
            LabId = report.LabId,
            Sex = report.Sex,
        }, ranges);
        if (interpretation.Result is not { } result)
        {
            return new LabNormalisation(report.Analyte, null, null, LabFlag.None, interpretation.Issues);
        }

        var value = result.Normalised?.Value;
        if (value is { } v && Math.Abs(v) > LabResultRows.LargestStorable)
        {
            return new LabNormalisation(result.Analyte.Key, null, null, LabFlag.None,
                [Issue.Error(IssueCodes.UnreadableValue, "value", $"{result.Analyte.Name}: {text} {report.Unit} is too large to be a measurement.")]);
        }

        var flag = LabFlag.None;
        string? rangeUsed = null;
        var fromReport = false;
        if (result.Reported is { } reported)
        {
            var (low, high, problem) = LabText.ReadRange(report.Range);
            if (problem is not null)
            {
                return new LabNormalisation(result.Analyte.Key, null, null, LabFlag.None, [problem]);
            }

            if (low is not null || high is not null)
            {
                fromReport = true;
                flag = LabText.Flag(reported.Value, low, high);
                rangeUsed = $"{report.Range!.Trim()} {report.Unit} (reported by the laboratory)";
            }
        }

        if (!fromReport && result.Range is not null)
        {
            rangeUsed = $"{result.Range.Describe()} ({result.Range.DescribeSource()})";
            flag = result.Flag;
        }

        var unit = result.Normalised?.Unit.Code ?? result.Reported?.Unit.Code;
        // Range notes (LAB005 none applies, LAB010 none configured) describe the configured ranges: moot when the
        // laboratory's own reported range flagged the row.
        var issues = fromReport ? interpretation.Issues.Where(i => i.IsError || i.Code is not (IssueCodes.NoReferenceRange or IssueCodes.NoRangeConfigured)) : interpretation.Issues;
        return new LabNormalisation(result.Analyte.Key, value, unit, flag, [.. issues]) { RangeUsed = rangeUsed };
    }
}
