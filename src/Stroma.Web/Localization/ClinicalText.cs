using System.Globalization;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Web.Localization;

/// <summary>A name in the user's language, or the English name when no reviewed translation exists.</summary>
/// <param name="Value">The text to show.</param>
/// <param name="Translated">False when the user's language is not English and the English name is shown instead.</param>
public readonly record struct LocalName(string Value, bool Translated)
{
    public override string ToString() => Value;
}

/// <summary>
/// Clinical names and issue messages in the user's language. Item and instrument names come from
/// <see cref="ItemNames"/>; where it has none, the English name from Stroma.Clinical is shown and flagged. Issue
/// messages for the generic input codes (INP002–INP005) are rebuilt from the item definition in the user's language;
/// other codes keep Stroma.Clinical's English message. The code is always shown, so nothing is lost in translation.
/// </summary>
public sealed class ClinicalText(IStringLocalizer<Text> text, IStringLocalizer<ItemNames> names)
{
    private static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public LocalName InstrumentName(IInstrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return Lookup($"instrument.{instrument.Key}", instrument.Name);
    }

    /// <summary>A BILAG-2004 organ system's name (only names seen in a Chinese source are translated).</summary>
    public LocalName BilagSystemName(BilagSystem system) => Lookup($"bilag_system.{system}", system.ToString());

    /// <summary>An SDI organ system's name: the Chinese name Stroma.Clinical records from its source, where there is one.</summary>
    public LocalName SdiSystemName(SdiSystemDefinition system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return IsEnglish || system.ChineseLabel is null ? new(system.Label, IsEnglish) : new(system.ChineseLabel, true);
    }

    public LocalName ItemLabel(IInstrument instrument, ItemDefinition item)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(item);
        var own = Lookup($"item.{instrument.Key}.{item.Key}", item.Label);
        if (own.Translated || IsEnglish)
        {
            return own;
        }

        // Composite instruments (LLDAS, DORIS) reuse the SLEDAI-2K descriptors: same key and label, same name.
        var descriptor = Sledai2k.Descriptors.FirstOrDefault(d => d.Key == item.Key && d.Label == item.Label);
        return descriptor is null ? own : Lookup($"item.sledai2k.{item.Key}", item.Label);
    }

    public string Describe(Issue issue, IInstrument? instrument)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (IsEnglish)
        {
            return issue.Message;
        }

        var item = instrument?.Items.FirstOrDefault(i => i.Key == issue.Path);
        if (item is null || instrument is null)
        {
            return issue.Message;
        }

        var label = ItemLabel(instrument, item).Value;
        var inv = CultureInfo.InvariantCulture;
        LocalizedString? message = issue.Code switch
        {
            IssueCodes.MissingItem => text["issue.missing", label],
            IssueCodes.WrongType => item.Kind switch
            {
                ItemKind.Boolean => text["issue.wrong_type.boolean", label],
                ItemKind.WholeNumber => text["issue.wrong_type.whole_number", label],
                ItemKind.Number => text["issue.wrong_type.number", label],
                _ => null,
            },
            IssueCodes.OutOfRange when item.Min is { } min && item.Max is { } max =>
                text["issue.out_of_range", label, min.ToString(inv), max.ToString(inv)],
            IssueCodes.NotAChoice when item.Choices.Count > 0 => text["issue.not_a_choice", label, string.Join(", ", item.Choices)],
            _ => null,
        };
        return message is { ResourceNotFound: false } ? message.Value : issue.Message;
    }

    private LocalName Lookup(string key, string english)
    {
        if (IsEnglish)
        {
            return new(english, true);
        }

        var found = names[key];
        return found.ResourceNotFound ? new(english, false) : new(found.Value, true);
    }
}
