using System.Globalization;

namespace Stroma.Clinical.Quality;

/// <summary>The kind of value a field or expression has.</summary>
public enum ValueKind
{
    Number,
    Date,
    Boolean,
    Text,
}

/// <summary>
/// The static type of a check expression: its kind and, for numbers, its unit (a UCUM code such as <c>kg</c>,
/// <c>umol/L</c>, <c>d</c> for days, <c>1</c> for a ratio, or an annotation such as <c>{grade}</c>). A number literal
/// written in a check has no unit of its own (<see cref="Unit"/> null) and takes the unit of what it is compared with.
/// </summary>
public readonly record struct CheckType(ValueKind Kind, string? Unit)
{
    public static CheckType Number(string? unit) => new(ValueKind.Number, unit);

    public static readonly CheckType Date = new(ValueKind.Date, null);
    public static readonly CheckType Boolean = new(ValueKind.Boolean, null);
    public static readonly CheckType Text = new(ValueKind.Text, null);

    /// <summary>The unit of a ratio of two values with the same unit.</summary>
    public const string Ratio = "1";

    /// <summary>The unit of the difference of two dates (UCUM <c>d</c>).</summary>
    public const string Days = "d";

    public override string ToString() => Kind switch
    {
        ValueKind.Number when Unit is null => "a number",
        ValueKind.Number when Unit == Ratio => "a ratio (no unit)",
        ValueKind.Number => $"a number in {Unit}",
        ValueKind.Date => "a date",
        ValueKind.Boolean => "true/false",
        _ => "text",
    };
}

/// <summary>
/// One value of a field for one record, or missing. Numbers are <c>decimal</c> in the field's catalogue unit (lab
/// results in the analyte's canonical unit, as stored); dates are clinical dates.
/// </summary>
public readonly record struct FieldValue
{
    private FieldValue(ValueKind kind, decimal number, DateOnly date, bool boolean, string? text, bool present)
    {
        Kind = kind;
        NumberValue = number;
        DateValue = date;
        BooleanValue = boolean;
        TextValue = text;
        IsPresent = present;
    }

    public ValueKind Kind { get; }

    public decimal NumberValue { get; }

    public DateOnly DateValue { get; }

    public bool BooleanValue { get; }

    public string? TextValue { get; }

    /// <summary>False for a missing value (not recorded).</summary>
    public bool IsPresent { get; }

    public static FieldValue Missing => default;

    public static FieldValue Of(decimal? value) => value is { } v ? new(ValueKind.Number, v, default, false, null, true) : Missing;

    public static FieldValue Of(DateOnly? value) => value is { } v ? new(ValueKind.Date, 0m, v, false, null, true) : Missing;

    public static FieldValue Of(bool? value) => value is { } v ? new(ValueKind.Boolean, 0m, default, v, null, true) : Missing;

    public static FieldValue Of(string? value) =>
        string.IsNullOrWhiteSpace(value) ? Missing : new(ValueKind.Text, 0m, default, false, value.Trim(), true);

    public override string ToString() => !IsPresent ? "missing" : Kind switch
    {
        ValueKind.Number => NumberValue.ToString("0.############", CultureInfo.InvariantCulture),
        ValueKind.Date => DateValue.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ValueKind.Boolean => BooleanValue ? "true" : "false",
        _ => TextValue!,
    };
}
