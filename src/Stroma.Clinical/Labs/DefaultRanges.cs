using static Stroma.Clinical.Labs.Units;

namespace Stroma.Clinical.Labs;

/// <summary>
/// The default adult reference set, used only when a site has not configured its laboratory's own ranges. It is
/// deliberately honest about where each range comes from (shown with every flag):
/// <list type="bullet">
/// <item><see cref="RangeStatus.PublishedExample"/>: ranges and critical values as published by one Chinese hospital
/// laboratory in its list of accredited tests (<see cref="ExampleLaboratory"/>). Real published values from one
/// laboratory, not a national standard; they still must be replaced by the site's own laboratory's ranges.</item>
/// <item><see cref="RangeStatus.Placeholder"/>: every other range. ILLUSTRATIVE PLACEHOLDERS, not read from a source
/// (typical textbook orders of magnitude); a site must replace them. No critical limits are given as placeholders.</item>
/// </list>
/// The national standards WS/T 405-2012 (blood count) and WS/T 404 (clinical chemistry) were looked for but their
/// tables could not be read, so none of their values is used here. See docs/labs.md.
/// </summary>
public static class DefaultRanges
{
    /// <summary>The published example laboratory list.</summary>
    public const string ExampleLaboratory =
        "one hospital laboratory's published list of accredited tests with reference intervals and critical values (认可项目的生物参考区间、危急值和报告时间一览表), read at bwwdw.com/article/ef22.html";

    /// <summary>The placeholder marker.</summary>
    public const string PlaceholderSource = "ILLUSTRATIVE PLACEHOLDER, not from a source: replace with the laboratory's own range";

    private static ReferenceRange Example(string analyte, UcumUnit unit, decimal? low, decimal? high) =>
        new(analyte, ExampleLaboratory, RangeStatus.PublishedExample) { Unit = unit, Low = low, High = high };

    private static ReferenceRange Placeholder(string analyte, UcumUnit unit, decimal? low, decimal? high) =>
        new(analyte, PlaceholderSource, RangeStatus.Placeholder) { Unit = unit, Low = low, High = high };

    private static ReferenceRange PlaceholderNormal(string analyte, QualitativeValue upperNormal) =>
        new(analyte, PlaceholderSource, RangeStatus.Placeholder) { UpperNormal = upperNormal };

    private static readonly QualitativeValue DipstickNegative = QualitativeValue.Dipstick(0);
    private static readonly QualitativeValue Negative = QualitativeValue.Negative(QualitativeScale.PositiveNegative);

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
        Example("creatinine", MicromolePerLitre, 50m, 110m),
        Example("uric_acid", MillimolePerLitre, 0.15m, 0.42m),
        Example("calcium", MillimolePerLitre, 2.15m, 2.62m) with { CriticalLow = 1.5m, CriticalHigh = 3.25m },
        Example("phosphate", MillimolePerLitre, 0.82m, 1.62m),
        Example("igg", GramPerLitre, 7.51m, 15.6m),
        Example("iga", GramPerLitre, 0.82m, 4.53m),
        Example("igm", GramPerLitre, 0.46m, 3.04m),
        Example("c3", GramPerLitre, 0.79m, 1.52m),
        Example("c4", GramPerLitre, 0.16m, 0.38m),

        // Placeholders: blood count.
        Placeholder("wbc", PerLitre9, 3.5m, 9.5m),
        Placeholder("neutrophils", PerLitre9, 1.8m, 6.3m),
        Placeholder("lymphocytes", PerLitre9, 1.1m, 3.2m),
        Placeholder("monocytes", PerLitre9, 0.1m, 0.6m),
        Placeholder("eosinophils", PerLitre9, 0.02m, 0.52m),
        Placeholder("basophils", PerLitre9, 0m, 0.06m),
        Placeholder("neutrophils_pct", Percent, 40m, 75m),
        Placeholder("lymphocytes_pct", Percent, 20m, 50m),
        Placeholder("rbc", PerLitre12, 3.8m, 5.1m) with { Sex = Sex.Female },
        Placeholder("rbc", PerLitre12, 4.3m, 5.8m) with { Sex = Sex.Male },
        Placeholder("hemoglobin", GramPerLitre, 115m, 150m) with { Sex = Sex.Female },
        Placeholder("hemoglobin", GramPerLitre, 130m, 175m) with { Sex = Sex.Male },
        Placeholder("hematocrit", Percent, 35m, 45m) with { Sex = Sex.Female },
        Placeholder("hematocrit", Percent, 40m, 50m) with { Sex = Sex.Male },
        Placeholder("platelets", PerLitre9, 125m, 350m),

        // Placeholders: urinalysis.
        PlaceholderNormal("urine_protein_dipstick", DipstickNegative),
        PlaceholderNormal("urine_blood_dipstick", DipstickNegative),
        PlaceholderNormal("urine_leukocyte_esterase", DipstickNegative),
        Placeholder("urine_rbc_hpf", PerHighPowerField, 0m, 3m),
        Placeholder("urine_wbc_hpf", PerHighPowerField, 0m, 5m),
        Placeholder("urine_rbc_casts", PerLowPowerField, 0m, 0m) with { UpperNormal = Negative },
        Placeholder("urine_heme_granular_casts", PerLowPowerField, 0m, 0m) with { UpperNormal = Negative },

        // Placeholders: other chemistry.
        Placeholder("bilirubin_total", MicromolePerLitre, 0m, 21m),
        Placeholder("bilirubin_direct", MicromolePerLitre, 0m, 7m),
        Placeholder("bun", MilligramPerDecilitre, 7m, 20m),
        Placeholder("bicarbonate", MillimolePerLitre, 22m, 29m),
        Placeholder("magnesium", MillimolePerLitre, 0.75m, 1.02m),

        // Placeholders: coagulation.
        Placeholder("pt", Second, 11m, 14m),
        Placeholder("inr", Unity, 0.8m, 1.2m),
        Placeholder("aptt", Second, 25m, 37m),
        Placeholder("thrombin_time", Second, 14m, 21m),
        Placeholder("fibrinogen", GramPerLitre, 2m, 4m),

        // Placeholders: T-cell subsets.
        Placeholder("cd3_pct", Percent, 55m, 84m),
        Placeholder("cd4_pct", Percent, 31m, 60m),
        Placeholder("cd8_pct", Percent, 13m, 41m),
        Placeholder("cd4_cd8_ratio", Unity, 0.7m, 2.8m),
        Placeholder("nk_pct", Percent, 7m, 40m),

        // Placeholders: autoantibodies.
        PlaceholderNormal("ana", Negative),
        PlaceholderNormal("ana_titre", QualitativeValue.Parse(QualitativeScale.Titre, "<1:80")!.Value),
        Placeholder("anti_dsdna", InternationalUnitPerMillilitre, null, 100m) with { UpperNormal = Negative },
        PlaceholderNormal("anti_sm", Negative),
        PlaceholderNormal("anticardiolipin_igg", Negative),
        PlaceholderNormal("anticardiolipin_igm", Negative),
        PlaceholderNormal("anti_b2gp1_igg", Negative),
        PlaceholderNormal("lupus_anticoagulant", Negative),

        // Placeholders: urine protein.
        Placeholder("urine_protein_24h", GramPerDay, 0m, 0.15m),
        Placeholder("upcr", MilligramPerMillimole, 0m, 15m),
    ];
}
