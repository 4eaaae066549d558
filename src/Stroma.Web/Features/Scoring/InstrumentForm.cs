using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Scoring;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Scoring;

/// <summary>A group of items shown under one legend (SLEDAI-2K: by weight).</summary>
/// <summary>A group of items; <paramref name="Translated"/> is false when the legend is an English name shown for want of a reviewed translation.</summary>
public sealed record ItemGroup(string? Legend, IReadOnlyList<ItemDefinition> Items, bool Translated = true);

/// <summary>
/// One instrument's form state, shared by the calculator (<see cref="FormModel"/>) and the visit pages that save an
/// assessment: the items in groups as on the paper form, what the user entered, the SLEDAI-2K lab panel with its
/// suggestions, and the errors (in the page's <see cref="ModelStateDictionary"/>, keyed by item). Rendered by
/// <c>_InstrumentItems.cshtml</c>.
/// </summary>
public sealed class InstrumentForm
{
    private const string ConfirmedKey = "lab_confirmed";

    private readonly ClinicalText clinical;
    private readonly IStringLocalizer<Text> text;
    private readonly ModelStateDictionary modelState;

    public InstrumentForm(IInstrument instrument, ClinicalText clinical, IStringLocalizer<Text> text, ModelStateDictionary modelState)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        Instrument = instrument;
        this.clinical = clinical;
        this.text = text;
        this.modelState = modelState;
        Labs = instrument.Key == Sledai2k.Instrument.Key ? SledaiLabPanel.Empty : null;
        Groups = instrument.Key == Sledai2k.Instrument.Key
            ? [.. instrument.Items.GroupBy(i => Weight(i)).Select(g => new ItemGroup(
                g.Key is { } w ? text["form.points_group", w].Value : text["form.other_group"].Value, [.. g]))]
            : instrument.Key == Bilag2004.Instrument.Key ? BilagGroups(instrument)
            : instrument.Key == Sdi.Instrument.Key ? SdiGroups(instrument)
            : [new ItemGroup(null, instrument.Items)];
    }

    public IInstrument Instrument { get; }

    public ClinicalText Clinical => clinical;

    /// <summary>What the user entered, by item key (text as posted).</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<ItemGroup> Groups { get; }

    /// <summary>Lab results typed on the SLEDAI-2K form and the descriptors they suggest; null for other instruments.</summary>
    public SledaiLabPanel? Labs { get; private set; }

    /// <summary>
    /// Reads the posted items (and, for SLEDAI-2K, the lab panel, whose problems go into the model state): the raw
    /// values to score, with the ticked lab-suggested descriptors recorded as confirmed.
    /// </summary>
    public Dictionary<string, ItemValue> Read(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        foreach (var item in Instrument.Items)
        {
            if (form.TryGetValue(item.Key, out var value))
            {
                Values[item.Key] = value.ToString();
            }
        }

        var items = ItemValues.FromForm(form, Instrument);
        if (Labs is not null)
        {
            Labs = SledaiLabPanel.Read(form);
            foreach (var issue in Labs.Issues.Where(i => i.IsError))
            {
                modelState.AddModelError(issue.Path, $"{issue.Code}: {issue.Message}");
            }

            var typed = items.TryGetValue(ConfirmedKey, out var t) ? t.Text : null;
            if (Labs.Confirmed(items, typed) is { } confirmed)
            {
                items[ConfirmedKey] = ItemValue.Of(confirmed);
            }
        }

        return items;
    }

    /// <summary>Shows stored item values (an assessment being edited) as the form would have posted them.</summary>
    public void Show(IReadOnlyDictionary<string, ItemValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var (key, value) in items)
        {
            Values[key] = value.Kind switch
            {
                ItemValueKind.Boolean => value.Boolean ? "true" : "false",
                ItemValueKind.Number => value.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ItemValueKind.Text => value.Text ?? "",
                _ => "",
            };
        }
    }

    /// <summary>Fills the SLEDAI-2K lab panel as if typed (stored results near a visit), so its suggestions show.</summary>
    public void ShowLabs(IFormCollection labFields)
    {
        ArgumentNullException.ThrowIfNull(labFields);
        if (Labs is not null)
        {
            Labs = SledaiLabPanel.Read(labFields);
        }
    }

    /// <summary>Puts each error of <paramref name="result"/> on the item it names.</summary>
    public void AddErrors(ScoreResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var issue in result.Issues.Where(i => i.IsError))
        {
            modelState.AddModelError(issue.Path, $"{issue.Code}: {clinical.Describe(issue, Instrument)}");
        }
    }

    /// <summary>SLEDAI-2K weight of an item, shown beside it; null for other instruments.</summary>
    public int? Weight(ItemDefinition item) =>
        Instrument.Key == Sledai2k.Instrument.Key ? Sledai2k.Descriptors.FirstOrDefault(d => d.Key == item.Key)?.Weight : null;

    public string? Value(string key) => Values.TryGetValue(key, out var v) ? v : null;

    public IReadOnlyList<string> Errors(string key) =>
        modelState.TryGetValue(key, out var entry) ? [.. entry.Errors.Select(e => e.ErrorMessage)] : [];

    /// <summary>SDI by organ system as on the form, each with its maximum.</summary>
    private List<ItemGroup> SdiGroups(IInstrument sdi) =>
    [
        .. sdi.Items.GroupBy(i => Sdi.Items.First(d => d.Key == i.Key).System).OrderBy(g => g.Key).Select(g =>
        {
            var system = Sdi.Definition(g.Key);
            var name = clinical.SdiSystemName(system);
            return new ItemGroup($"{name.Value} · {text["form.max", system.Maximum].Value}", [.. g], name.Translated);
        }),
    ];

    /// <summary>BILAG-2004 by organ system as on the form: the system's items, then its grade entries.</summary>
    private List<ItemGroup> BilagGroups(IInstrument bilag)
    {
        BilagSystem? SystemOf(ItemDefinition item)
        {
            var key = item.Key.EndsWith("_due_to_sle", StringComparison.Ordinal) ? item.Key[..^"_due_to_sle".Length] : item.Key;
            if (Bilag2004.Items.FirstOrDefault(i => i.Key == key) is { } formItem)
            {
                return formItem.System;
            }

            return Enum.GetValues<BilagSystem>().Cast<BilagSystem?>().FirstOrDefault(s =>
                key == "grade_" + Bilag2004.SystemKey(s!.Value) || key == "ever_involved_" + Bilag2004.SystemKey(s.Value)
                || key == "previous_grade_" + Bilag2004.SystemKey(s.Value));
        }

        return
        [
            .. bilag.Items.GroupBy(SystemOf).OrderBy(g => g.Key is null ? 1 : 0).ThenBy(g => g.Key).Select(g => new ItemGroup(
                g.Key is { } system ? clinical.BilagSystemName(system).Value : text["form.other_group"].Value, [.. g], g.Key is not { } named || clinical.BilagSystemName(named).Translated)),
        ];
    }
}
