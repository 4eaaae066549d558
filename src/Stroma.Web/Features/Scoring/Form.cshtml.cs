using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Scoring;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Scoring;

/// <summary>A group of items shown under one legend (SLEDAI-2K: by weight).</summary>
public sealed record ItemGroup(string? Legend, IReadOnlyList<ItemDefinition> Items);

/// <summary>
/// The form of one instrument, built from its documented items. The total shown while ticking comes from
/// <c>/api/score/{instrument}</c> (wwwroot/js/score.js); on submit the server scores again and is the source of
/// truth, mapping each issue onto the item it names. Nothing is stored yet (patient records arrive with Stroma.Data).
/// </summary>
/// <remarks>Open without signing in: it stores and reads no registry data.</remarks>
[AllowAnonymous]
public sealed class FormModel(Instruments instruments, ClinicalText clinical, IStringLocalizer<Text> text) : PageModel
{
    public IInstrument Instrument { get; private set; } = null!;

    public ClinicalText Clinical => clinical;

    /// <summary>What the user entered, by item key (text as posted).</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>The server's score of the current values (the empty form on first display).</summary>
    public ScoreResult Result { get; private set; } = null!;

    public bool Submitted { get; private set; }

    public IReadOnlyList<ItemGroup> Groups { get; private set; } = [];

    /// <summary>Lab results typed on the SLEDAI-2K form and the descriptors they suggest; null for other instruments.</summary>
    public SledaiLabPanel? Labs { get; private set; }

    public IActionResult OnGet(string instrument)
    {
        if (!Load(instrument))
        {
            return NotFound();
        }

        Result = Instrument.Score(new Dictionary<string, ItemValue>());
        return Page();
    }

    /// <summary>Scores the form: the server's answer, with each issue on the item it names.</summary>
    public IActionResult OnPost(string instrument)
    {
        if (!Load(instrument))
        {
            return NotFound();
        }

        Submitted = true;
        Result = Instrument.Score(ReadForm());
        foreach (var issue in Result.Issues.Where(i => i.IsError))
        {
            ModelState.AddModelError(issue.Path, $"{issue.Code}: {clinical.Describe(issue, Instrument)}");
        }

        return Page();
    }

    /// <summary>"Check labs" on the SLEDAI-2K form: shows the suggested descriptors without scoring the submit.</summary>
    public IActionResult OnPostLabs(string instrument)
    {
        if (!Load(instrument))
        {
            return NotFound();
        }

        Result = Instrument.Score(ReadForm());
        return Page();
    }

    private Dictionary<string, ItemValue> ReadForm()
    {
        foreach (var item in Instrument.Items)
        {
            if (Request.Form.TryGetValue(item.Key, out var value))
            {
                Values[item.Key] = value.ToString();
            }
        }

        var items = ItemValues.FromForm(Request.Form, Instrument);
        if (Labs is not null)
        {
            Labs = SledaiLabPanel.Read(Request.Form);
            foreach (var issue in Labs.Issues.Where(i => i.IsError))
            {
                ModelState.AddModelError(issue.Path, $"{issue.Code}: {issue.Message}");
            }

            const string confirmedKey = "lab_confirmed";
            var typed = items.TryGetValue(confirmedKey, out var t) ? t.Text : null;
            if (Labs.Confirmed(items, typed) is { } confirmed)
            {
                items[confirmedKey] = ItemValue.Of(confirmed);
            }
        }

        return items;
    }

    /// <summary>SLEDAI-2K weight of an item, shown beside it; null for other instruments.</summary>
    public int? Weight(ItemDefinition item) =>
        Instrument.Key == Sledai2k.Instrument.Key ? Sledai2k.Descriptors.FirstOrDefault(d => d.Key == item.Key)?.Weight : null;

    public string? Value(string key) => Values.TryGetValue(key, out var v) ? v : null;

    public IReadOnlyList<string> Errors(string key) =>
        ModelState.TryGetValue(key, out var entry) ? [.. entry.Errors.Select(e => e.ErrorMessage)] : [];

    private bool Load(string key)
    {
        if (instruments.Find(key) is not { } found)
        {
            return false;
        }

        Instrument = found;
        Labs = found.Key == Sledai2k.Instrument.Key ? SledaiLabPanel.Empty : null;
        Groups = found.Key == Sledai2k.Instrument.Key
            ? [.. found.Items.GroupBy(i => Weight(i)).Select(g => new ItemGroup(
                g.Key is { } w ? text["form.points_group", w].Value : text["form.other_group"].Value, [.. g]))]
            : found.Key == Bilag2004.Instrument.Key ? BilagGroups(found)
            : found.Key == Sdi.Instrument.Key ? SdiGroups(found)
            : [new ItemGroup(null, found.Items)];
        return true;
    }

    /// <summary>SDI by organ system as on the form, each with its maximum.</summary>
    private List<ItemGroup> SdiGroups(IInstrument sdi) =>
    [
        .. sdi.Items.GroupBy(i => Sdi.Items.First(d => d.Key == i.Key).System).OrderBy(g => g.Key).Select(g =>
        {
            var system = Sdi.Definition(g.Key);
            return new ItemGroup($"{clinical.SdiSystemName(system).Value} · {text["form.max", system.Maximum].Value}", [.. g]);
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
                g.Key is { } system ? clinical.BilagSystemName(system).Value : text["form.other_group"].Value, [.. g])),
        ];
    }
}
