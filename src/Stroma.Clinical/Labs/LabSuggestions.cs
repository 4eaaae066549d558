using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Labs;

/// <summary>
/// A SLEDAI-2K descriptor suggested by results. It is only a suggestion: a person confirms it (checking the
/// descriptor's exclusions — drug causes, infection, stones) before it is scored, and the SLEDAI-2K input records
/// that it was confirmed (<c>lab_confirmed</c>).
/// </summary>
/// <param name="Descriptor">The SLEDAI-2K descriptor.</param>
/// <param name="Rule">The rule that fired, with its threshold.</param>
/// <param name="Evidence">The results behind it, as values.</param>
/// <param name="SourceIds">Where those results came from (input lines in the CLI).</param>
/// <param name="ToConfirm">What the person must check before confirming.</param>
public sealed record SledaiSuggestion(Sledai2kDescriptor Descriptor, string Rule, IReadOnlyList<string> Evidence, IReadOnlyList<string> SourceIds, string ToConfirm)
{
    public string Key => Sledai2k.Definition(Descriptor).Key;
}

/// <summary>
/// A BILAG-2004 renal or haematological value item filled from results, in the unit printed on the form
/// (item numbers and names from the BILAG-2004 index form, revision 1 Sep 2009: Isenberg DA et al. Rheumatology
/// 2005;44:902-6, supplementary Appendix 1; see docs/sources/bilag-2004.md).
/// Whether the value is due to SLE activity (the form's Y/N box) is the investigator's call.
/// </summary>
public sealed record BilagLabItem(int Number, string Name, string FormUnit, decimal? Value, string Text, IReadOnlyList<string> SourceIds);

/// <summary>
/// Rules that suggest SLEDAI-2K descriptors and fill BILAG-2004 lab items from one specimen's results.
/// SLEDAI-2K (Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91) definitions, as in <see cref="Sledai2k"/>:
/// low complement (C3 or C4 below the testing lab's lower limit; CH50 is not in the catalog), increased DNA
/// binding (anti-dsDNA above the lab's range), thrombocytopenia &lt; 100×10⁹/L, leukopenia &lt; 3×10⁹/L,
/// proteinuria &gt; 0.5 g/24 h, haematuria &gt; 5 RBC/hpf, pyuria &gt; 5 WBC/hpf, urinary casts (heme-granular or RBC).
/// SLEDAI-2K counts proteinuria whenever present (persistent), not only when new or increased as the 1992 SLEDAI
/// and the issue's wording had it; this rule follows SLEDAI-2K. Proteinuria is suggested only from a 24-h amount
/// (measured or concentration × volume): the definition is in g/24 h and a UPCR is not substituted for it.
/// </summary>
public static class LabSuggestions
{
    public const decimal ThrombocytopeniaBelow = 100m;
    public const decimal LeukopeniaBelow = 3m;
    public const decimal ProteinuriaAbove = 0.5m;
    public const decimal HaematuriaAbove = 5m;
    public const decimal PyuriaAbove = 5m;

    /// <summary>SLEDAI-2K suggestions from one specimen's results and derived values.</summary>
    public static IReadOnlyList<SledaiSuggestion> Sledai(IReadOnlyList<LabResult> results, IReadOnlyList<DerivedValue> derived)
    {
        Preconditions.NotNull(results);
        Preconditions.NotNull(derived);
        var list = new List<SledaiSuggestion>();
        var ids = (LabResult r) => r.SourceId is null ? Array.Empty<string>() : [r.SourceId];

        var lowComplement = results.Where(r => r.Analyte.Key is "c3" or "c4" && r.Flag.IsLow()).ToList();
        if (lowComplement.Count > 0)
        {
            list.Add(new(Sledai2kDescriptor.LowComplement, "C3 or C4 below the testing laboratory's lower limit",
                [.. lowComplement.Select(r => $"{r.Analyte.Key} {r.Normalised} < {Quantity.Format(r.Range!.Low ?? 0m)} {r.Range.Unit?.Code} ({r.Range.DescribeSource()})")],
                [.. lowComplement.SelectMany(ids)], "Confirm the result and the laboratory's range."));
        }

        var dna = results.Where(r => r.Analyte.Key == "anti_dsdna" && r.Flag.IsHigh()).ToList();
        if (dna.Count > 0)
        {
            list.Add(new(Sledai2kDescriptor.IncreasedDnaBinding, "Anti-dsDNA above the testing laboratory's normal range",
                [.. dna.Select(r => $"anti_dsdna {r.ReportedText} above {r.Range!.Describe()} ({r.Range.DescribeSource()})")],
                [.. dna.SelectMany(ids)], "Confirm the result and the laboratory's range."));
        }

        Threshold("platelets", ThrombocytopeniaBelow, below: true, Sledai2kDescriptor.Thrombocytopenia,
            "Platelets < 100×10^9/L", "Exclude drug causes.");
        Threshold("wbc", LeukopeniaBelow, below: true, Sledai2kDescriptor.Leukopenia,
            "White blood cells < 3×10^9/L", "Exclude drug causes.");
        Threshold("urine_rbc_hpf", HaematuriaAbove, below: false, Sledai2kDescriptor.Hematuria,
            "Urine red cells > 5 per high-power field", "Exclude stone, infection or other cause.");
        Threshold("urine_wbc_hpf", PyuriaAbove, below: false, Sledai2kDescriptor.Pyuria,
            "Urine white cells > 5 per high-power field", "Exclude infection.");

        var protein = results.Where(r => r.Analyte.Key == "urine_protein_24h" && r.Normalised?.Value > ProteinuriaAbove)
            .Select(r => (Text: $"urine_protein_24h {r.Normalised}", Ids: ids(r)))
            .Concat(derived.Where(d => d.Key == "urine_protein_24h" && d.Value.ConvertTo(Units.GramPerDay).Value > ProteinuriaAbove)
                .Select(d => (Text: $"urine_protein_24h {d.Value} ({d.Formula})", Ids: d.Inputs.Where(i => i.SourceId is not null).Select(i => i.SourceId!).ToArray())))
            .ToList();
        if (protein.Count > 0)
        {
            list.Add(new(Sledai2kDescriptor.Proteinuria, "Urine protein > 0.5 g/24 h (SLEDAI-2K: counts when present, not only when new)",
                [.. protein.Select(p => p.Text)], [.. protein.SelectMany(p => p.Ids)],
                "Confirm the collection was complete; SLEDAI-2K counts persistent proteinuria."));
        }

        var casts = results.Where(r => r.Analyte.Key is "urine_rbc_casts" or "urine_heme_granular_casts"
                                       && (r.Normalised?.Value > 0m || r.Qualitative?.Rank > 0)).ToList();
        if (casts.Count > 0)
        {
            list.Add(new(Sledai2kDescriptor.UrinaryCasts, "Heme-granular or red blood cell casts present",
                [.. casts.Select(r => $"{r.Analyte.Key} {r.ReportedText}")], [.. casts.SelectMany(ids)], "Confirm the cast type on microscopy."));
        }

        return [.. list.OrderBy(s => s.Descriptor)];

        void Threshold(string key, decimal limit, bool below, Sledai2kDescriptor descriptor, string rule, string confirm)
        {
            var hits = results.Where(r => r.Analyte.Key == key && r.Normalised is { } q && (below ? q.Value < limit : q.Value > limit)).ToList();
            if (hits.Count > 0)
            {
                list.Add(new(descriptor, rule, [.. hits.Select(r => $"{key} {r.Normalised}")], [.. hits.SelectMany(ids)], confirm));
            }
        }
    }

    /// <summary>
    /// The LAB011 issues: SLEDAI-2K low complement and increased DNA binding are defined against the testing
    /// laboratory's limits, so a C3, C4 or anti-dsDNA result with no usable range (none configured, none applying to
    /// the sex and age, or one in an incomparable unit) cannot suggest them; each such result says so. The fixed
    /// thresholds (platelets, white cells, proteinuria, urine cells) need no range and are not affected.
    /// </summary>
    public static IReadOnlyList<Issue> SledaiNeedingLabRange(IReadOnlyList<LabResult> results, string? labId)
    {
        Preconditions.NotNull(results);
        var lab = labId is null ? "for results without a laboratory id" : $"at laboratory {labId}";
        return
        [
            .. results.Where(r => r.Range is null && (r.Normalised is not null || r.Qualitative is not null))
                .Select(r => r.Analyte.Key switch
                {
                    "c3" or "c4" => Issue.Info(IssueCodes.SuggestionNeedsLabRange, "sledai2k.low_complement",
                        $"SLEDAI-2K low_complement is defined as {r.Analyte.Key.ToUpperInvariant()} below the testing laboratory's lower limit, and no usable range is configured for {r.Analyte.Key} {lab}: "
                        + $"not suggested from {r.ReportedText}{Line(r)}. Configure the laboratory's range or judge the descriptor by hand."),
                    "anti_dsdna" => Issue.Info(IssueCodes.SuggestionNeedsLabRange, "sledai2k.increased_dna_binding",
                        $"SLEDAI-2K increased_dna_binding is defined as anti-dsDNA above the testing laboratory's normal range, and no usable range is configured for anti_dsdna {lab}: "
                        + $"not suggested from {r.ReportedText}{Line(r)}. Configure the laboratory's range or judge the descriptor by hand."),
                    _ => null,
                })
                .OfType<Issue>(),
        ];

        static string Line(LabResult r) => r.SourceId is null ? "" : $" (line {r.SourceId})";
    }

    /// <summary>
    /// BILAG-2004 renal and haematological value items filled from results: 81 urine dipstick protein, 83 UPCR,
    /// 84 24-h urine protein, 86 plasma/serum creatinine, 87 calculated GFR, 90 haemoglobin, 91 total white cell count,
    /// 92 neutrophils, 93 lymphocytes, 94 platelets. Items that need judgement or definitions not confirmed (78–80
    /// blood pressure, 82 ACR, 85 nephrotic syndrome, 88 active urinary sediment, 89 active nephritis, 95 TTP,
    /// 96 haemolysis, 97 isolated positive Coombs') are left to the investigator. No BILAG grade is computed.
    /// </summary>
    public static IReadOnlyList<BilagLabItem> Bilag(IReadOnlyList<LabResult> results, IReadOnlyList<DerivedValue> derived)
    {
        Preconditions.NotNull(results);
        Preconditions.NotNull(derived);
        var items = new List<BilagLabItem>();

        foreach (var r in results.Where(r => r.Analyte.Key == "urine_protein_dipstick" && r.Qualitative is not null))
        {
            // Form: + = 1, ++ = 2, +++ = 3. Trace and 4+ are not on the form's scale: shown, not mapped.
            var rank = r.Qualitative!.Value.Rank;
            decimal? value = rank switch { 0 => 0m, 2 => 1m, 3 => 2m, 4 => 3m, _ => null };
            items.Add(new(81, "Urine dipstick protein", "+ = 1, ++ = 2, +++ = 3", value,
                value is null ? $"{r.Qualitative.Value.Label} (not on the form's scale: record by judgement)" : $"{r.Qualitative.Value.Label} = {value}",
                Ids(r)));
        }

        Quantity(83, "Urine protein-creatinine ratio", "upcr", Units.MilligramPerMillimole);
        Quantity(84, "24-hour urine protein", "urine_protein_24h", Units.GramPerDay);
        Quantity(86, "Plasma/serum creatinine", "creatinine", Units.MicromolePerLitre);
        foreach (var d in derived.Where(d => d.Key == "egfr_ckd_epi_2021"))
        {
            items.Add(new(87, "Calculated GFR", "mL/min/1.73 m²", d.Value.Value, $"{d.Value} ({d.FormulaVersion})", SourceIdsOf(d)));
        }

        Quantity(90, "Haemoglobin", "hemoglobin", Units.GramPerDecilitre);
        Quantity(91, "Total white cell count", "wbc", Units.PerLitre9);
        Quantity(92, "Neutrophils", "neutrophils", Units.PerLitre9);
        Quantity(93, "Lymphocytes", "lymphocytes", Units.PerLitre9);
        Quantity(94, "Platelets", "platelets", Units.PerLitre9);
        return [.. items.OrderBy(i => i.Number)];

        void Quantity(int number, string name, string key, UcumUnit formUnit)
        {
            var measured = results.Where(r => r.Analyte.Key == key && r.Normalised is not null).ToList();
            foreach (var r in measured)
            {
                var v = r.Analyte.Convert(r.Normalised!.Value, formUnit)!.Value;
                items.Add(new(number, name, formUnit.Display, v.Value, $"{Labs.Quantity.Format(v.Value)} {formUnit.Display} (reported {r.ReportedText})", Ids(r)));
            }

            if (measured.Count == 0)
            {
                foreach (var d in derived.Where(d => d.AnalyteKey == key))
                {
                    var v = AnalyteCatalog.Get(key).Convert(d.Value, formUnit)!.Value;
                    items.Add(new(number, name, formUnit.Display, v.Value, $"{Labs.Quantity.Format(v.Value)} {formUnit.Display} (derived: {d.Formula})", SourceIdsOf(d)));
                }
            }
        }
    }

    private static string[] Ids(LabResult r) => r.SourceId is null ? [] : [r.SourceId];

    private static string[] SourceIdsOf(DerivedValue d) => [.. d.Inputs.Where(i => i.SourceId is not null).Select(i => i.SourceId!)];
}
