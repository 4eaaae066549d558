using System.Text;
using Hl7.Fhir.Model;
using Stroma.Clinical.Scoring;

namespace Stroma.Interop.Fhir;

/// <summary>
/// An instrument as a FHIR R4 <c>Questionnaire</c> (4.0.1, "Questionnaire"): one per instrument and algorithm version,
/// canonical url <c>urn:stroma:questionnaire:KEY</c> with the version as <c>version</c>, so a QuestionnaireResponse's
/// <c>questionnaire</c> (<c>url|version</c>) names exactly the version that scored it. Items are the instrument's documented
/// items (<see cref="IInstrument.Items"/>): linkId the item key, text its label, type from what it accepts, answer options
/// for choice items, the documented range as the core <c>minValue</c>/<c>maxValue</c> extensions, and the published
/// definition as a display item beneath it. The description cites the publication the instrument's code cites.
/// </summary>
public static class FhirQuestionnaire
{
    /// <summary>FHIR R4 core extensions (extension-definitions): the smallest and largest allowed answer of an item.</summary>
    public const string MinValue = "http://hl7.org/fhir/StructureDefinition/minValue";

    public const string MaxValue = "http://hl7.org/fhir/StructureDefinition/maxValue";

    /// <summary>
    /// The canonical reference to one version: <c>urn:stroma:questionnaire:KEY|VERSION</c> (FHIR R4 2.24.0.2 "canonical");
    /// without a version (none stored) the url alone, which names the current one.
    /// </summary>
    public static string Canonical(string instrument, string version) =>
        version.Length > 0 ? FhirSystems.Questionnaire(instrument) + "|" + version : FhirSystems.Questionnaire(instrument);

    /// <summary>The resource id: <c>KEY-VERSION</c> with every character a FHIR id does not allow as <c>-</c> (at most 64).</summary>
    public static string Id(string instrument, string version)
    {
        var id = new StringBuilder(instrument.Length + version.Length + 1);
        foreach (var c in instrument + "-" + version)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-');
        }

        return id.Length > 64 ? id.ToString(0, 64) : id.ToString();
    }

    /// <summary>
    /// The Questionnaires to write: every instrument at its current version, plus each other version of a known
    /// instrument among <paramref name="stored"/> (instrument key, algorithm version), ordered by key then version.
    /// </summary>
    public static IEnumerable<(IInstrument Instrument, string Version)> Versions(IEnumerable<(string Instrument, string Version)> stored)
    {
        var versions = new SortedSet<(string Key, string Version)>(InstrumentCatalog.All.Select(i => (i.Key, i.Version)),
            Comparer<(string Key, string Version)>.Create((a, b) => string.CompareOrdinal(a.Key, b.Key) is var c && c != 0 ? c : string.CompareOrdinal(a.Version, b.Version)));
        foreach (var (key, version) in stored)
        {
            if (InstrumentCatalog.Find(key) is { } known && version.Length > 0)
            {
                versions.Add((known.Key, version));
            }
        }

        return versions.Select(v => (InstrumentCatalog.Find(v.Key)!, v.Version));
    }

    /// <summary>
    /// The Questionnaire of <paramref name="instrument"/> at <paramref name="version"/>. The items are always the current
    /// ones (Stroma keeps one item list per instrument, its keys stable); a version other than the current one is marked
    /// <c>retired</c> and says so.
    /// </summary>
    public static Questionnaire For(IInstrument instrument, string version)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var current = version == instrument.Version;
        var questionnaire = new Questionnaire
        {
            Id = Id(instrument.Key, version),
            Url = FhirSystems.Questionnaire(instrument.Key),
            Version = version,
            Name = string.Concat(instrument.Key.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
            Title = instrument.Name,
            Status = current ? PublicationStatus.Active : PublicationStatus.Retired,
            SubjectType = [ResourceType.Patient],
            Code = [new Coding(FhirSystems.Instrument, instrument.Key, instrument.Name)],
            Description = $"{instrument.Name} as Stroma records and scores it (instrument `{instrument.Key}`, algorithm version {version})."
                + (current ? "" : $" Stroma now scores version {instrument.Version}; the items listed are that version's (item keys are stable).")
                + $" Source: {instrument.Citation}",
        };
        foreach (var definition in instrument.Items)
        {
            questionnaire.Item.Add(Item(instrument.Key, definition));
        }

        return questionnaire;
    }

    private static Questionnaire.ItemComponent Item(string instrument, ItemDefinition definition)
    {
        var item = new Questionnaire.ItemComponent
        {
            LinkId = definition.Key,
            Text = definition.Label,
            Type = Type(definition.Kind),
            Code = [new Coding(FhirSystems.InstrumentItem(instrument), definition.Key)],
            Required = definition.Required ? true : null,
        };
        if (definition.Kind == ItemKind.Choice)
        {
            var system = FhirSystems.InstrumentChoice(instrument, definition.Key);
            item.AnswerOption = [.. definition.Choices.Select(c => new Questionnaire.AnswerOptionComponent { Value = new Coding(system, c) })];
        }

        if (definition.Kind is ItemKind.WholeNumber or ItemKind.Number)
        {
            if (definition.Min is { } min)
            {
                item.Extension.Add(new Extension(MinValue, Number(definition.Kind, min)));
            }

            if (definition.Max is { } max)
            {
                item.Extension.Add(new Extension(MaxValue, Number(definition.Kind, max)));
            }
        }

        if (definition.Description.Length > 0)
        {
            item.Item.Add(new Questionnaire.ItemComponent { LinkId = definition.Key + ".definition", Type = Questionnaire.QuestionnaireItemType.Display, Text = definition.Description });
        }

        return item;
    }

    private static DataType Number(ItemKind kind, decimal value) =>
        kind == ItemKind.WholeNumber ? new Integer(decimal.ToInt32(value)) : new FhirDecimal(value);

    /// <summary>The FHIR item type of what an item accepts (FHIR R4 value set item-type).</summary>
    public static Questionnaire.QuestionnaireItemType Type(ItemKind kind) => kind switch
    {
        ItemKind.Boolean => Questionnaire.QuestionnaireItemType.Boolean,
        ItemKind.WholeNumber => Questionnaire.QuestionnaireItemType.Integer,
        ItemKind.Number => Questionnaire.QuestionnaireItemType.Decimal,
        ItemKind.Choice => Questionnaire.QuestionnaireItemType.Choice,
        _ => Questionnaire.QuestionnaireItemType.String,
    };

    /// <summary>
    /// A stored item value as the answer its Questionnaire item takes, read as the instrument reads it
    /// (<see cref="ItemReader"/>: <c>"yes"</c> is true, <c>"12"</c> a number, a choice lowercased); null when the item
    /// was left blank or the value cannot be read as the item's type (it stays in the score Observation's components).
    /// </summary>
    internal static DataType? Answer(string instrument, ItemDefinition definition, ItemReader reader)
    {
        switch (definition.Kind)
        {
            case ItemKind.Boolean:
                return reader.OptionalFlag(definition.Key) is { } flag ? new FhirBoolean(flag) : null;
            case ItemKind.WholeNumber:
                return reader.Number(definition.Key) is { } whole && whole == decimal.Truncate(whole) && whole is >= int.MinValue and <= int.MaxValue
                    ? new Integer(decimal.ToInt32(whole)) : null;
            case ItemKind.Number:
                return reader.Number(definition.Key) is { } number ? new FhirDecimal(number) : null;
            case ItemKind.Choice:
                return reader.Choice(definition.Key) is { } choice ? new Coding(FhirSystems.InstrumentChoice(instrument, definition.Key), choice) : null;
            default:
                return reader.Text(definition.Key) is { Length: > 0 } text ? new FhirString(text) : null;
        }
    }
}
