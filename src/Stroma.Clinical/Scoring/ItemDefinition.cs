namespace Stroma.Clinical.Scoring;

/// <summary>What an item accepts.</summary>
public enum ItemKind
{
    /// <summary>true/false (also 1/0, yes/no in text).</summary>
    Boolean,

    /// <summary>A whole number within [Min, Max].</summary>
    WholeNumber,

    /// <summary>A decimal within [Min, Max].</summary>
    Number,

    /// <summary>One of <see cref="ItemDefinition.Choices"/>.</summary>
    Choice,

    /// <summary>Free text or an identifier.</summary>
    Text,
}

/// <summary>
/// One documented item key of an instrument: stable, lowercase snake_case, with its meaning and what it accepts.
/// The list of these per instrument is what <c>stroma score</c> and docs/instruments/*.md document.
/// </summary>
/// <param name="Key">Stable lowercase snake_case key.</param>
/// <param name="Label">Short English label (the published item name).</param>
/// <param name="Kind">What the item accepts.</param>
/// <param name="Required">Whether a missing value is an error (otherwise it defaults as documented).</param>
/// <param name="Description">Meaning of the item (the published definition, abridged) and its points.</param>
public sealed record ItemDefinition(string Key, string Label, ItemKind Kind, bool Required, string Description)
{
    /// <summary>Smallest allowed number (Integer and Decimal items).</summary>
    public decimal? Min { get; init; }

    /// <summary>Largest allowed number (Integer and Decimal items).</summary>
    public decimal? Max { get; init; }

    /// <summary>Allowed values (Choice items), lowercase.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    public static ItemDefinition Flag(string key, string label, string description, bool required = false) =>
        new(key, label, ItemKind.Boolean, required, description);

    public static ItemDefinition Number(string key, string label, string description, decimal min, decimal max, bool required = false, bool wholeNumber = false) =>
        new(key, label, wholeNumber ? ItemKind.WholeNumber : ItemKind.Number, required, description) { Min = min, Max = max };

    public static ItemDefinition Choice(string key, string label, string description, IReadOnlyList<string> choices, bool required = false) =>
        new(key, label, ItemKind.Choice, required, description) { Choices = choices };
}
