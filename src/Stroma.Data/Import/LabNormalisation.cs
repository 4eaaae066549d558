using System.Globalization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Data.Model;

namespace Stroma.Data.Import;

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
public sealed record LabNormalisation(string Analyte, decimal? Value, string? Unit, LabAbnormality Flag, IReadOnlyList<Issue> Issues)
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
        if (string.IsNullOrWhiteSpace(report.Analyte))
        {
            return Fail(report, Issue.Error(IssueCodes.MissingItem, "analyte", "The row has no analyte."));
        }

        var text = report.Value.Trim();
        if (text.Length == 0)
        {
            return Fail(report, Issue.Error(IssueCodes.MissingItem, "value", $"The {report.Analyte} result has no value."));
        }

        if (text[0] is '<' or '>')
        {
            return new LabNormalisation(report.Analyte, null, report.Unit, LabAbnormality.Unknown, []);
        }

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return Fail(report, Issue.Error(IssueCodes.WrongType, "value", $"The {report.Analyte} value \"{text}\" is not a number."));
        }

        return new LabNormalisation(report.Analyte, value, report.Unit, Flag(value, report.Range), []);
    }

    private static LabNormalisation Fail(LabReport report, Issue issue) =>
        new(report.Analyte, null, null, LabAbnormality.Unknown, [issue]);

    /// <summary>Flags a value against a laboratory's range written as text in the value's own unit; Unknown when unreadable.</summary>
    internal static LabAbnormality Flag(decimal value, string? range)
    {
        if (string.IsNullOrWhiteSpace(range))
        {
            return LabAbnormality.Unknown;
        }

        var r = range.AsSpan().Trim();
        if (r[0] is '<' or '>')
        {
            var bound = r[1..].TrimStart('=');
            if (!Number(bound, out var limit))
            {
                return LabAbnormality.Unknown;
            }

            return r[0] == '<' ? (value > limit ? LabAbnormality.High : LabAbnormality.Normal) : (value < limit ? LabAbnormality.Low : LabAbnormality.Normal);
        }

        var dash = r[1..].IndexOf('-');
        if (dash < 0 || !Number(r[..(dash + 1)], out var low) || !Number(r[(dash + 2)..], out var high))
        {
            return LabAbnormality.Unknown;
        }

        return value < low ? LabAbnormality.Low : value > high ? LabAbnormality.High : LabAbnormality.Normal;
    }

    internal static bool IsRange(string? range) => Flag(0m, range) != LabAbnormality.Unknown;

    private static bool Number(ReadOnlySpan<char> text, out decimal value) =>
        decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}

/// <summary>
/// Normalises through <c>Stroma.Clinical.Labs</c>: the analyte is resolved in <see cref="AnalyteCatalog"/> (key,
/// LOINC or alias; stored under its catalogue key), the value is read in a unit the analyte accepts and converted
/// to its canonical unit only through the catalogue's cited factors; unknown analytes, unknown units and units that
/// do not fit the analyte are errors (the row is rejected). The flag comes from the laboratory's own range in the
/// row (compared in the reported unit); without one, from <paramref name="ranges"/> unless that range is a
/// placeholder (then it is left Unknown rather than claimed). Censored values (<c>&lt;0.5</c>) are stored as
/// reported, without a number. Age-specific ranges are not applied (only the birth year is known at import).
/// </summary>
public sealed class CatalogLabNormaliser(ReferenceRangeSet ranges) : ILabNormaliser
{
    public static CatalogLabNormaliser Default { get; } = new(ReferenceRangeSet.Default);

    public LabNormalisation Normalise(LabReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = report.Value.Trim();
        if (text.Length > 0 && text[0] is '<' or '>')
        {
            var known = AnalyteCatalog.Find(report.Analyte);
            return known is null
                ? new LabNormalisation(report.Analyte, null, null, LabAbnormality.Unknown,
                    [Issue.Error(IssueCodes.UnknownAnalyte, "analyte", $"Unknown analyte \"{report.Analyte}\" (stroma labs catalog lists them).")])
                : new LabNormalisation(known.Key, null, report.Unit, LabAbnormality.Unknown, []);
        }

        var interpretation = LabInterpreter.Interpret(new LabObservation(report.Analyte, report.Value, report.Unit)
        {
            LabId = report.LabId,
            Sex = report.Sex,
        }, ranges);
        if (interpretation.Result is not { } result)
        {
            return new LabNormalisation(report.Analyte, null, null, LabAbnormality.Unknown, interpretation.Issues);
        }

        var flag = LabAbnormality.Unknown;
        string? rangeUsed = null;
        var fromReport = result.Reported is not null && ReportedUnitNormaliser.IsRange(report.Range);
        if (fromReport)
        {
            flag = ReportedUnitNormaliser.Flag(result.Reported!.Value.Value, report.Range);
            rangeUsed = $"{report.Range!.Trim()} {report.Unit} (reported by the laboratory)";
        }
        else if (result.Range is not null)
        {
            rangeUsed = $"{result.Range.Describe()} ({result.Range.DescribeSource()})";
            flag = result.Flag switch
            {
                LabFlag.Normal => LabAbnormality.Normal,
                LabFlag.Low => LabAbnormality.Low,
                LabFlag.High => LabAbnormality.High,
                LabFlag.CriticalLow => LabAbnormality.CriticalLow,
                LabFlag.CriticalHigh => LabAbnormality.CriticalHigh,
                _ => LabAbnormality.Unknown,
            };
        }

        var value = result.Normalised?.Value;
        var unit = result.Normalised?.Unit.Code ?? result.Reported?.Unit.Code;
        // Range notes (LAB005 none applies, LAB010 none configured) describe the configured ranges: moot when the
        // laboratory's own reported range flagged the row.
        var issues = fromReport ? interpretation.Issues.Where(i => i.IsError || i.Code is not (IssueCodes.NoReferenceRange or IssueCodes.NoRangeConfigured)) : interpretation.Issues;
        return new LabNormalisation(result.Analyte.Key, value, unit, flag, [.. issues]) { RangeUsed = rangeUsed };
    }
}
