using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;

namespace Stroma.Web.Features.Scoring;

/// <summary>One lab field on the SLEDAI-2K form: the analyte, its units, and what was entered.</summary>
public sealed record LabField(AnalyteDefinition Analyte, string? Value, string? Unit)
{
    public string Name => SledaiLabPanel.Prefix + Analyte.Key;

    public string UnitName => SledaiLabPanel.UnitPrefix + Analyte.Key;
}

/// <summary>
/// Lab results typed on the SLEDAI-2K form, and the descriptors they suggest (Stroma.Clinical's
/// <see cref="LabSuggestions.Sledai"/>). Only the analytes whose rule is a fixed threshold of the SLEDAI-2K
/// definition are offered: platelets, white cells, urine red and white cells per high-power field and 24-h urine
/// protein. Low complement and anti-dsDNA depend on the testing laboratory's own range, which this stateless form
/// does not have (the built-in ranges are placeholders), so they are not suggested here.
/// A suggestion never ticks a descriptor: the person checks the definition's exclusions and ticks it; a ticked,
/// suggested descriptor is then recorded as confirmed (<c>lab_confirmed</c>).
/// </summary>
public sealed class SledaiLabPanel
{
    public const string Prefix = "lab.";
    public const string UnitPrefix = "lab_unit.";

    public static IReadOnlyList<string> AnalyteKeys { get; } = ["platelets", "wbc", "urine_rbc_hpf", "urine_wbc_hpf", "urine_protein_24h"];

    private SledaiLabPanel(IReadOnlyList<LabField> fields, IReadOnlyList<SledaiSuggestion> suggestions, IReadOnlyList<Issue> issues)
    {
        Fields = fields;
        Suggestions = suggestions;
        Issues = issues;
    }

    public IReadOnlyList<LabField> Fields { get; }

    public IReadOnlyList<SledaiSuggestion> Suggestions { get; }

    /// <summary>Problems with the lab values; each path is the field name (<c>lab.platelets</c>).</summary>
    public IReadOnlyList<Issue> Issues { get; }

    public bool HasValues => Fields.Any(f => !string.IsNullOrWhiteSpace(f.Value));

    public SledaiSuggestion? SuggestionFor(string descriptorKey) => Suggestions.FirstOrDefault(s => s.Key == descriptorKey);

    public static SledaiLabPanel Empty { get; } = new([.. AnalyteKeys.Select(k => new LabField(AnalyteCatalog.Find(k)!, null, null))], [], []);

    /// <summary>Reads and interprets the posted lab fields (all optional).</summary>
    public static SledaiLabPanel Read(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var fields = new List<LabField>();
        var results = new List<LabResult>();
        var issues = new List<Issue>();
        foreach (var key in AnalyteKeys)
        {
            var analyte = AnalyteCatalog.Find(key)!;
            var value = form[Prefix + key].ToString();
            var unit = form[UnitPrefix + key].ToString();
            var field = new LabField(analyte, value, string.IsNullOrWhiteSpace(unit) ? analyte.CanonicalUnit!.Code : unit);
            fields.Add(field);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var interpretation = LabInterpreter.Interpret(new LabObservation(key, value, field.Unit), ReferenceRangeSet.Default);
            issues.AddRange(interpretation.Issues.Select(i => i with { Path = field.Name }));
            if (interpretation.Result is not null && !interpretation.Issues.Any(i => i.IsError))
            {
                results.Add(interpretation.Result);
            }
        }

        var suggestions = results.Count == 0 ? [] : LabSuggestions.Sledai(results, []);
        return new(fields, suggestions, issues);
    }

    /// <summary>
    /// The <c>lab_confirmed</c> value for scoring: what the user typed there, plus every suggested descriptor the
    /// user ticked (ticking a suggested descriptor is the confirmation).
    /// </summary>
    public string? Confirmed(IReadOnlyDictionary<string, ItemValue> items, string? typed)
    {
        ArgumentNullException.ThrowIfNull(items);
        var keys = (typed ?? "").Split([' ', ';', ','], StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var suggestion in Suggestions)
        {
            if (items.TryGetValue(suggestion.Key, out var v) && v.Kind == ItemValueKind.Text && v.Text == "true" && !keys.Contains(suggestion.Key))
            {
                keys.Add(suggestion.Key);
            }
        }

        return keys.Count == 0 ? null : string.Join(' ', keys);
    }
}
