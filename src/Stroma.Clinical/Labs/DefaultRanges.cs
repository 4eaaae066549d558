using static Stroma.Clinical.Labs.Units;

namespace Stroma.Clinical.Labs;

/// <summary>
/// The default adult reference set, used only when a site has not configured its laboratory's own range for an
/// analyte. It contains only ranges read from a source named with them (shown with every flag):
/// <see cref="RangeStatus.PublishedExample"/>, the ranges and critical values one Chinese hospital laboratory published
/// in its list of accredited tests (<see cref="ExampleLaboratory"/>): real published values of one laboratory, not a
/// national standard, which a site still replaces with its own laboratory's ranges.
/// No range is made up: an analyte without a sourced range (blood count, urinalysis, coagulation, T-cell subsets,
/// autoantibodies, urine protein, …) has no default, so its results are not flagged until the site configures its
/// laboratory's ranges (issue LAB010; docs/labs.md). The national standards WS/T 405-2012 (blood count) and WS/T 404
/// (clinical chemistry) were looked for but their tables could not be read, so none of their values is used here.
/// Creatinine has no default: the list was read on a document-sharing website, not in the laboratory's own publication,
/// and no publication of that laboratory could be found, so its creatinine range (the one issue #23 questioned) was
/// dropped; a site configures its laboratory's creatinine range. (The other rows come from the same page.)
/// Illustrative values for demonstrations live in a fictional laboratory's ranges file
/// (docs/examples/demo-laboratory-ranges.csv), never here.
/// </summary>
public static class DefaultRanges
{
    /// <summary>The published example laboratory list.</summary>
    public const string ExampleLaboratory =
        "one hospital laboratory's published list of accredited tests with reference intervals and critical values (认可项目的生物参考区间、危急值和报告时间一览表), read at bwwdw.com/article/ef22.html";

    private static ReferenceRange Example(string analyte, UcumUnit unit, decimal? low, decimal? high) =>
        new(analyte, ExampleLaboratory, RangeStatus.PublishedExample) { Unit = unit, Low = low, High = high };

    /// <summary>All default ranges.</summary>
    public static IReadOnlyList<ReferenceRange> All { get; } =
    [
        // Published example (one laboratory): chemistry, immunoglobulins, complement.
        Example("total_protein", GramPerLitre, 61m, 83m),
        Example("albumin", GramPerLitre, 35m, 50m),
        Example("alt", UnitPerLitre, 0m, 64m),
        Example("ast", UnitPerLitre, 0m, 64m),
        Example("alp", UnitPerLitre, 40m, 150m) with { AgeMin = 18 },
        Example("ggt", UnitPerLitre, 0m, 47m),
        Example("urea", MillimolePerLitre, 2.5m, 6.5m),
        Example("sodium", MillimolePerLitre, 135m, 148m) with { CriticalLow = 120m, CriticalHigh = 160m },
        Example("potassium", MillimolePerLitre, 3.5m, 5.5m) with { CriticalLow = 2.8m, CriticalHigh = 6.2m },
        Example("chloride", MillimolePerLitre, 96m, 106m),
        Example("uric_acid", MillimolePerLitre, 0.15m, 0.42m),
        Example("calcium", MillimolePerLitre, 2.15m, 2.62m) with { CriticalLow = 1.5m, CriticalHigh = 3.25m },
        Example("phosphate", MillimolePerLitre, 0.82m, 1.62m),
        Example("igg", GramPerLitre, 7.51m, 15.6m),
        Example("iga", GramPerLitre, 0.82m, 4.53m),
        Example("igm", GramPerLitre, 0.46m, 3.04m),
        Example("c3", GramPerLitre, 0.79m, 1.52m),
        Example("c4", GramPerLitre, 0.16m, 0.38m),
    ];
}
