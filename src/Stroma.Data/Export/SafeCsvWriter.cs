using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;

namespace Stroma.Data.Export;

/// <summary>
/// The CSV writer for every CSV file Stroma writes (exports, the study report, lab-import rejects, the CLI's outputs):
/// CsvHelper's writer with spreadsheet-formula injection neutralised (OWASP "CSV Injection": a cell that begins with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return is prefixed with a single quote, so a spreadsheet
/// shows it as text instead of running it; <c>=HYPERLINK(...)</c> as a study id stays inert). One exception, chosen so
/// numbers stay numbers: a cell that is a plain decimal number (<c>-5</c>, <c>+1.5</c>, <c>-2.1e-3</c>) is written as it
/// is, since a spreadsheet reads it as a number, never as a formula. Readers of the file see the quote: strip a leading
/// <c>'</c> when a cell's next character is one of those six (docs/operations.md, "CSV files").
/// </summary>
public sealed partial class SafeCsvWriter : CsvWriter
{
    public SafeCsvWriter(TextWriter writer, CsvConfiguration configuration, bool leaveOpen = false)
        : base(writer, Protected(configuration), leaveOpen)
    {
    }

    public SafeCsvWriter(TextWriter writer, CultureInfo culture, bool leaveOpen = false)
        : this(writer, new CsvConfiguration(culture), leaveOpen)
    {
    }

    /// <summary>The value as a spreadsheet-safe cell (see the type's summary).</summary>
    public static string Neutralise(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(value)
            ? "'" + value
            : value;
    }

    /// <summary>
    /// CsvHelper calls this after quoting: a quoted field (<c>"=HYPERLINK(""..."")"</c>) gets the quote inside the
    /// opening double quote; a quoted field is never a plain number.
    /// </summary>
    protected override string SanitizeForInjection(string? field) =>
        field is null ? field!
        : field.Length > 1 && field[0] == '"' && field[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "\"'" + field[1..]
        : Neutralise(field);

    private static CsvConfiguration Protected(CsvConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration with { InjectionOptions = InjectionOptions.Escape };
    }

    [GeneratedRegex(@"\A[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
