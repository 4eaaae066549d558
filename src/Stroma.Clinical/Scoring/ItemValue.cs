namespace Stroma.Clinical.Scoring;

/// <summary>The kind of a raw value read from a form, a JSON line or a CSV cell.</summary>
public enum ItemValueKind
{
    /// <summary>JSON <c>null</c> or an empty CSV cell: the item was left blank.</summary>
    Null,
    Boolean,
    Number,
    Text,
}

/// <summary>
/// One raw input value before an instrument interprets it. Surfaces (CLI, web, import) build these from what
/// they read; instruments turn them into typed inputs through <see cref="ItemReader"/>, which reports every
/// problem as an issue naming the key, the value and what was expected. CSV gives only text, so text such as
/// "true" or "12.5" is accepted where a boolean or number is expected.
/// </summary>
public readonly record struct ItemValue
{
    private ItemValue(ItemValueKind kind, bool boolean, decimal number, string? text)
    {
        Kind = kind;
        Boolean = boolean;
        Number = number;
        Text = text;
    }

    public ItemValueKind Kind { get; }

    public bool Boolean { get; }

    public decimal Number { get; }

    public string? Text { get; }

    public static ItemValue Null { get; }

    public static ItemValue Of(bool value) => new(ItemValueKind.Boolean, value, 0m, null);

    public static ItemValue Of(decimal value) => new(ItemValueKind.Number, false, value, null);

    /// <summary>Text; blank text (an empty CSV cell) counts as <see cref="Null"/>.</summary>
    public static ItemValue Of(string? value) =>
        string.IsNullOrWhiteSpace(value) ? Null : new(ItemValueKind.Text, false, 0m, value.Trim());

    /// <summary>The value as the user wrote it, for messages.</summary>
    public override string ToString() => Kind switch
    {
        ItemValueKind.Null => "null",
        ItemValueKind.Boolean => Boolean ? "true" : "false",
        ItemValueKind.Number => Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => $"\"{Text}\"",
    };
}
