using System.Globalization;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.Import;

/// <summary>One lab result as the laboratory reported it, with what normalisation may need about the patient.</summary>
public sealed record LabReport(string Analyte, string Value, string? Unit, string? Range, Sex Sex, int? BirthYear, DateTimeOffset SpecimenTime);

/// <summary>The normalised form of a <see cref="LabReport"/>, or the issues that prevent storing it.</summary>
/// <param name="Analyte">The analyte key to store.</param>
/// <param name="Value">The value in <paramref name="Unit"/>, or null when not numeric (e.g. "&lt;0.5").</param>
/// <param name="Unit">The canonical UCUM unit, or the reported unit when no conversion is known.</param>
/// <param name="Flag">Abnormality relative to the reference range.</param>
/// <param name="Issues">Errors reject the row; warnings are reported and the row is stored.</param>
public sealed record LabNormalisation(string Analyte, decimal? Value, string? Unit, LabAbnormality Flag, IReadOnlyList<Issue> Issues)
{
    public bool IsValid => !Issues.Any(i => i.IsError);
}

/// <summary>
/// The validation and normalisation step of <c>stroma import labs</c>. The clinical implementation (analyte
/// catalogue, UCUM conversions, reference ranges) belongs to <c>Stroma.Clinical/Labs</c>; until it is wired in,
/// <see cref="ReportedUnitNormaliser"/> is used.
/// </summary>
public interface ILabNormaliser
{
    LabNormalisation Normalise(LabReport report);
}

/// <summary>
/// A deliberately minimal normaliser that converts nothing: a numeric value is kept in the unit the laboratory
/// reported, and the flag is derived only from the laboratory's own reported range (<c>low-high</c>, <c>&lt;high</c>,
/// <c>&gt;low</c>). Censored values (<c>&lt;0.5</c>, <c>&gt;2000</c>) are stored as reported with no numeric value.
/// It invents no factor or range: it is the stand-in until <c>Stroma.Clinical/Labs</c> provides the catalogue.
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

    private static LabAbnormality Flag(decimal value, string? range)
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

    private static bool Number(ReadOnlySpan<char> text, out decimal value) =>
        decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
