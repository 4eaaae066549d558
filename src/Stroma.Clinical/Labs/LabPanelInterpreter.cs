using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Labs;

/// <summary>Everything Stroma derives from one specimen's (or one visit's) results.</summary>
public sealed record LabPanelInterpretation(
    IReadOnlyList<LabResult> Results,
    IReadOnlyList<DerivedValue> Derived,
    IReadOnlyList<SledaiSuggestion> Sledai,
    IReadOnlyList<BilagLabItem> Bilag,
    IReadOnlyList<Issue> Issues);

/// <summary>Derives values and suggestions from the interpreted results of one specimen.</summary>
public static class LabPanelInterpreter
{
    /// <summary>
    /// Computes the derived values the results allow (eGFR from creatinine with age and sex; UPCR from spot protein
    /// and creatinine; 24-h protein from concentration and volume; urea from BUN), flags them against
    /// <paramref name="ranges"/>, then the SLEDAI-2K suggestions and BILAG-2004 lab items.
    /// </summary>
    public static LabPanelInterpretation Interpret(IReadOnlyList<LabResult> results, Sex? sex, int? age, string? labId, ReferenceRangeSet ranges)
    {
        Preconditions.NotNull(results);
        Preconditions.NotNull(ranges);
        var derived = new List<DerivedValue>();
        var issues = new List<Issue>();
        LabResult? First(string key) => results.FirstOrDefault(r => r.Analyte.Key == key && r.Normalised is not null);

        if (First("creatinine") is { } creatinine)
        {
            var (egfr, why) = DerivedValues.CkdEpi2021(creatinine.Normalised!.Value, age, sex, creatinine.SourceId);
            Add(egfr, why);
        }

        if (First("urine_protein_spot") is { } spotProtein && First("urine_creatinine_spot") is { } spotCreatinine)
        {
            var (upcr, why) = DerivedValues.Upcr(spotProtein.Normalised!.Value, spotCreatinine.Normalised!.Value, spotProtein.SourceId, spotCreatinine.SourceId);
            Add(upcr, why);
        }

        var concentration = First("urine_protein_24h_conc");
        var volume = First("urine_volume_24h");
        if (concentration is not null && volume is not null)
        {
            Add(DerivedValues.Protein24h(concentration.Normalised!.Value, volume.Normalised!.Value, concentration.SourceId, volume.SourceId), null);
        }
        else if (concentration is not null || volume is not null)
        {
            Add(null, "24-hour urine protein needs both the collection's protein concentration and its volume.");
        }

        if (First("bun") is { } bun)
        {
            Add(DerivedValues.UreaFromBun(bun.Normalised!.Value, bun.SourceId), null);
        }

        var flagged = derived.Select(d =>
        {
            if (d.AnalyteKey is null || ranges.Select(d.AnalyteKey, labId, sex, age) is not { } range)
            {
                return d;
            }

            var analyte = AnalyteCatalog.Get(d.AnalyteKey);
            var (flag, comparable) = LabInterpreter.Flag(analyte, analyte.Normalise(d.Value), null, range);
            return comparable ? d with { Flag = flag, Range = range } : d;
        }).ToList();

        return new LabPanelInterpretation(results, flagged, LabSuggestions.Sledai(results, flagged), LabSuggestions.Bilag(results, flagged), issues);

        void Add(DerivedValue? value, string? whyNot)
        {
            if (value is not null)
            {
                derived.Add(value);
            }
            else if (whyNot is not null)
            {
                issues.Add(Issue.Warning(IssueCodes.DerivedNotComputed, "", whyNot));
            }
        }
    }
}
