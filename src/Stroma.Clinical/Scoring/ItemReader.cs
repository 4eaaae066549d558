using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>
/// Reads typed values out of a raw record against an instrument's item definitions, gathering every problem
/// (unknown key, missing required item, wrong type, out of range, not a choice) instead of stopping at the first.
/// </summary>
public sealed class ItemReader
{
    private static readonly string[] TrueWords = ["true", "yes", "y", "1"];
    private static readonly string[] FalseWords = ["false", "no", "n", "0"];

    // No thousands separators or exponents: "1,2" must be refused, not read as 12.
    private const NumberStyles StrictNumber = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
                                              | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    // Instruments keep one item list for their lifetime; index it once, not once per record (bench/README.md).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<ItemDefinition>, Dictionary<string, ItemDefinition>> Indexes = [];

    private readonly IReadOnlyDictionary<string, ItemValue> _record;
    private readonly Dictionary<string, ItemDefinition> _definitions;
    private readonly List<Issue> _issues = [];

    /// <param name="record">Raw values by key. The key <c>id</c> is the record's identifier and is ignored here.</param>
    /// <param name="definitions">The instrument's items.</param>
    public ItemReader(IReadOnlyDictionary<string, ItemValue> record, IReadOnlyList<ItemDefinition> definitions)
    {
        _record = Preconditions.NotNull(record);
        _definitions = Indexes.GetValue(Preconditions.NotNull(definitions), d => d.ToDictionary(x => x.Key, StringComparer.Ordinal));
        foreach (var key in record.Keys)
        {
            if (key != "id" && !_definitions.ContainsKey(key))
            {
                _issues.Add(Issue.Error(IssueCodes.UnknownItem, key,
                    $"Unknown item '{key}'; expected one of the documented keys ({string.Join(", ", definitions.Select(d => d.Key))})."));
            }
        }
    }

    public IReadOnlyList<Issue> Issues => _issues;

    public bool HasErrors => _issues.Exists(i => i.IsError);

    /// <summary>Adds an issue found by the instrument itself (contradictions, cross-item rules).</summary>
    public void Report(Issue issue) => _issues.Add(Preconditions.NotNull(issue));

    /// <summary>True when the key is present with a non-null value.</summary>
    public bool Has(string key) => _record.TryGetValue(key, out var v) && v.Kind != ItemValueKind.Null;

    /// <summary>A boolean item; missing means false unless the item is required.</summary>
    public bool Flag(string key) => OptionalFlag(key) ?? false;

    /// <summary>A boolean item, or null when it was left blank.</summary>
    public bool? OptionalFlag(string key)
    {
        var (definition, value) = Lookup(key);
        if (value is not { } v)
        {
            return null;
        }

        switch (v.Kind)
        {
            case ItemValueKind.Boolean:
                return v.Boolean;
            case ItemValueKind.Number when v.Number is 0m or 1m:
                return v.Number == 1m;
            case ItemValueKind.Text when TrueWords.Contains(v.Text!.ToLowerInvariant()):
                return true;
            case ItemValueKind.Text when FalseWords.Contains(v.Text!.ToLowerInvariant()):
                return false;
            default:
                _issues.Add(Issue.Error(IssueCodes.WrongType, key,
                    $"Item '{key}' ({definition.Label}): value {v} is not true or false; expected true/false (or 1/0, yes/no)."));
                return null;
        }
    }

    /// <summary>A number item, checked against the definition's range; null when blank or invalid.</summary>
    public decimal? Number(string key)
    {
        var (definition, value) = Lookup(key);
        if (value is not { } v)
        {
            return null;
        }

        decimal number;
        if (v.Kind == ItemValueKind.Number)
        {
            number = v.Number;
        }
        else if (v.Kind == ItemValueKind.Text && decimal.TryParse(v.Text, StrictNumber, CultureInfo.InvariantCulture, out var parsed))
        {
            number = parsed;
        }
        else
        {
            _issues.Add(Issue.Error(IssueCodes.WrongType, key,
                $"Item '{key}' ({definition.Label}): value {v} is not a number; expected {RangeText(definition)}."));
            return null;
        }

        if ((definition.Kind == ItemKind.WholeNumber && number != decimal.Truncate(number))
            || (definition.Min is { } min && number < min) || (definition.Max is { } max && number > max))
        {
            _issues.Add(Issue.Error(IssueCodes.OutOfRange, key,
                $"Item '{key}' ({definition.Label}): value {v} is out of range; expected {RangeText(definition)}."));
            return null;
        }

        return number;
    }

    /// <summary>A choice item, lowercased; null when blank or not one of the choices.</summary>
    public string? Choice(string key)
    {
        var (definition, value) = Lookup(key);
        if (value is not { } v)
        {
            return null;
        }

        var text = v.Kind switch
        {
            ItemValueKind.Text => v.Text!.ToLowerInvariant(),
            ItemValueKind.Number => v.Number.ToString(CultureInfo.InvariantCulture),
            ItemValueKind.Boolean => v.Boolean ? "true" : "false",
            _ => null,
        };
        if (text is null || !definition.Choices.Contains(text))
        {
            _issues.Add(Issue.Error(IssueCodes.NotAChoice, key,
                $"Item '{key}' ({definition.Label}): value {v} is not allowed; expected one of {string.Join(", ", definition.Choices)}."));
            return null;
        }

        return text;
    }

    /// <summary>A free-text item; null when blank.</summary>
    public string? Text(string key)
    {
        var (_, value) = Lookup(key);
        return value switch
        {
            null => null,
            { Kind: ItemValueKind.Text } v => v.Text,
            { } v => v.ToString(),
        };
    }

    private (ItemDefinition Definition, ItemValue? Value) Lookup(string key)
    {
        if (!_definitions.TryGetValue(key, out var definition))
        {
            throw new ArgumentException($"The instrument reads '{key}' but does not define it.", nameof(key));
        }

        if (_record.TryGetValue(key, out var value) && value.Kind != ItemValueKind.Null)
        {
            return (definition, value);
        }

        if (definition.Required)
        {
            _issues.Add(Issue.Error(IssueCodes.MissingItem, key,
                $"Item '{key}' ({definition.Label}) is required but missing; expected {RangeText(definition)}."));
        }

        return (definition, null);
    }

    private static string RangeText(ItemDefinition d) => d.Kind switch
    {
        ItemKind.Boolean => "true or false",
        ItemKind.WholeNumber => $"a whole number from {d.Min} to {d.Max}",
        ItemKind.Number => $"a number from {d.Min} to {d.Max}",
        ItemKind.Choice => $"one of {string.Join(", ", d.Choices)}",
        _ => "text",
    };
}
