using System.Collections.Frozen;
using static Stroma.Clinical.Labs.Units;

namespace Stroma.Clinical.Labs;

/// <summary>
/// The analytes of the programme's work-up (issue #4): blood count with differential, urinalysis, liver and kidney
/// function, electrolytes, coagulation, T-cell subsets, immunoglobulins, complement, autoantibodies and urine protein.
/// Conversion factors (see docs/labs.md for the table):
/// <list type="bullet">
/// <item>Powers of ten and definitions (mg/dL → g/L, /µL → 10⁹/L, 1 µkat = 60 U): exact, in <see cref="Units"/>.</item>
/// <item>Creatinine 88.4, bilirubin 17.1, calcium 0.2495, C3/C4 mg/dL × 0.01 = g/L: AMA Manual of Style SI conversion
/// table (JAMA author instructions), <see cref="AmaTable"/>.</item>
/// <item>Urea 0.1665, urea nitrogen 0.357 (mmol urea/L), uric acid 59.48, phosphorus 0.3229: <see cref="SiTable"/>.</item>
/// <item>Magnesium 0.4114: <see cref="ElephantTable"/>.</item>
/// </list>
/// LOINC codes: <see cref="AnalyteDefinition.LoincConfirmed"/> says which were seen with their LOINC long name in a
/// LOINC-derived list; the others are UNCONFIRMED (listed in docs/labs.md) and must be checked at loinc.org before
/// an interface relies on them.
/// </summary>
public static class AnalyteCatalog
{
    /// <summary>AMA Manual of Style SI conversion table (JAMA author instructions).</summary>
    public const string AmaTable = "AMA Manual of Style / JAMA SI conversion table (copies read: w3.csmu.edu.tw/~chr/Int_unit_conversion.htm; pdfslide.us/documents/si-units-conversion-table.html)";

    /// <summary>A published SI conversion table listing urea nitrogen as mmol urea/L.</summary>
    public const string SiTable = "SI conversion factors table, ecoursesonline.iasri.res.in/mod/page/view.php?id=53457 (urea nitrogen mg/dL × 0.3570 = mmol urea/L; urea mg/dL × 0.1665 = mmol/L; uric acid × 59.48; phosphorus × 0.3229)";

    /// <summary>A published SI conversion table (Elephant Formulary, Mikota and Plumb).</summary>
    public const string ElephantTable = "Conversion of conventional chemistry units to SI units, elephantcare.org/convers.htm (magnesium mg/dL × 0.4114 = mmol/L)";

    private static readonly AnalyteConversion CreatinineFactor =
        new(MilligramPerDecilitre, MicromolePerLitre, 88.4m, 1m, AmaTable + ": creatinine mg/dL × 88.4 = µmol/L");

    /// <summary>
    /// UPCR g/g ↔ mg/mmol follows from the creatinine factor: 1 mg/dL = 88.4 µmol/L means 1 mg creatinine = 8.84 µmol,
    /// so 1 g/g (= 1 mg/mg) = 1 mg per 0.00884 mmol = 1000/8.84 ≈ 113.12 mg/mmol (creatinine C4H7N3O, 113.12 g/mol).
    /// </summary>
    private static readonly AnalyteConversion UpcrFactor =
        new(GramPerGram, MilligramPerMillimole, 1000m, 8.84m, "Derived from the creatinine factor 88.4 (" + AmaTable + "): 1 g/g = 1000/8.84 mg/mmol");

    private static AnalyteDefinition Q(string key, string? loinc, bool confirmed, string name, LabPanel panel,
        UcumUnit canonical, UcumUnit[] units, params string[] aliases) =>
        new(key, loinc, confirmed, name, panel, canonical, units, null, aliases);

    private static readonly UcumUnit[] CellCount = [PerLitre9, ThousandPerMicrolitre, PerMicrolitre, PerCubicMillimetre];
    private static readonly UcumUnit[] SubsetCount = [PerMicrolitre, PerCubicMillimetre, PerLitre9];
    private static readonly UcumUnit[] Protein = [GramPerLitre, GramPerDecilitre, MilligramPerDecilitre];
    private static readonly UcumUnit[] Enzyme = [UnitPerLitre, MicrokatalPerLitre];

    /// <summary>Every analyte, grouped by panel.</summary>
    public static IReadOnlyList<AnalyteDefinition> All { get; } =
    [
        // Blood count with differential
        Q("wbc", "6690-2", false, "Leukocytes (white cell count)", LabPanel.BloodCount, PerLitre9, CellCount, "white_cell_count", "leukocytes"),
        Q("neutrophils", "751-8", false, "Neutrophils, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "neut", "anc", "neutrophils_abs"),
        Q("lymphocytes", "731-0", false, "Lymphocytes, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "lymph", "alc", "lymphocytes_abs"),
        Q("monocytes", "742-7", false, "Monocytes, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "mono"),
        Q("eosinophils", "711-2", false, "Eosinophils, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "eos"),
        Q("basophils", "704-7", false, "Basophils, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "baso"),
        Q("neutrophils_pct", "770-8", false, "Neutrophils/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "neut_pct"),
        Q("lymphocytes_pct", "736-9", false, "Lymphocytes/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "lymph_pct"),
        Q("monocytes_pct", "5905-5", false, "Monocytes/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "mono_pct"),
        Q("eosinophils_pct", "713-8", false, "Eosinophils/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "eos_pct"),
        Q("basophils_pct", "706-2", false, "Basophils/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "baso_pct"),
        Q("rbc", "789-8", false, "Erythrocytes (red cell count)", LabPanel.BloodCount, PerLitre12, [PerLitre12, MillionPerMicrolitre], "red_cell_count", "erythrocytes"),
        Q("hemoglobin", "718-7", false, "Haemoglobin", LabPanel.BloodCount, GramPerLitre, [GramPerLitre, GramPerDecilitre], "hb", "hgb", "haemoglobin")
            with { Note = "mmol/L (haemoglobin monomer) is not accepted: report g/L or g/dL." },
        Q("hematocrit", "4544-3", false, "Haematocrit", LabPanel.BloodCount, Percent, [Percent, LitrePerLitre], "hct", "haematocrit"),
        Q("mcv", "787-2", false, "Mean corpuscular volume", LabPanel.BloodCount, Femtolitre, [Femtolitre]),
        Q("mch", "785-6", false, "Mean corpuscular haemoglobin", LabPanel.BloodCount, Picogram, [Picogram]),
        Q("mchc", "786-4", false, "Mean corpuscular haemoglobin concentration", LabPanel.BloodCount, GramPerLitre, [GramPerLitre, GramPerDecilitre]),
        Q("platelets", "777-3", false, "Platelets", LabPanel.BloodCount, PerLitre9, CellCount, "plt", "platelet_count"),

        // Urinalysis
        new("urine_protein_dipstick", "20454-5", true, "Protein, urine test strip", LabPanel.Urinalysis, null, [], QualitativeScale.Dipstick,
            ["urine_protein", "pro", "dipstick_protein"]),
        new("urine_blood_dipstick", "5794-3", false, "Haemoglobin (occult blood), urine test strip", LabPanel.Urinalysis, null, [], QualitativeScale.Dipstick,
            ["urine_occult_blood", "occult_blood", "bld"]) { Note = "Not the same as red cells per high-power field: never used for the SLEDAI-2K haematuria rule." },
        new("urine_leukocyte_esterase", "5799-2", false, "Leukocyte esterase, urine test strip", LabPanel.Urinalysis, null, [], QualitativeScale.Dipstick,
            ["urine_leu", "leu"]),
        Q("urine_rbc_hpf", "13945-1", false, "Erythrocytes, urine sediment, per high-power field", LabPanel.Urinalysis, PerHighPowerField, [PerHighPowerField], "urine_rbc")
            with { Note = "Analyser counts per µL are a different measure: no exact conversion to /HPF exists, so they are refused." },
        Q("urine_wbc_hpf", "5821-4", false, "Leukocytes, urine sediment, per high-power field", LabPanel.Urinalysis, PerHighPowerField, [PerHighPowerField], "urine_wbc")
            with { Note = "Analyser counts per µL are a different measure: no exact conversion to /HPF exists, so they are refused." },
        new("urine_rbc_casts", "5807-3", false, "Erythrocyte casts, urine sediment, per low-power field", LabPanel.Urinalysis, PerLowPowerField, [PerLowPowerField],
            QualitativeScale.PositiveNegative, ["rbc_casts"]),
        new("urine_heme_granular_casts", null, false, "Heme-granular casts, urine sediment", LabPanel.Urinalysis, PerLowPowerField, [PerLowPowerField],
            QualitativeScale.PositiveNegative, ["heme_granular_casts"]) { Note = "No LOINC code confirmed; recorded by key." },

        // Liver function
        Q("alt", "1742-6", true, "Alanine aminotransferase", LabPanel.Liver, UnitPerLitre, Enzyme),
        Q("ast", "1920-8", true, "Aspartate aminotransferase", LabPanel.Liver, UnitPerLitre, Enzyme),
        Q("alp", "6768-6", false, "Alkaline phosphatase", LabPanel.Liver, UnitPerLitre, Enzyme, "alkaline_phosphatase"),
        Q("ggt", "2324-2", false, "Gamma-glutamyl transferase", LabPanel.Liver, UnitPerLitre, Enzyme),
        Q("bilirubin_total", "1975-2", false, "Bilirubin, total", LabPanel.Liver, MicromolePerLitre, [MicromolePerLitre, MilligramPerDecilitre], "tbil")
            with { Conversions = [new(MilligramPerDecilitre, MicromolePerLitre, 17.1m, 1m, AmaTable + ": bilirubin mg/dL × 17.1 = µmol/L")] },
        Q("bilirubin_direct", "1968-7", false, "Bilirubin, direct", LabPanel.Liver, MicromolePerLitre, [MicromolePerLitre, MilligramPerDecilitre], "dbil")
            with { Conversions = [new(MilligramPerDecilitre, MicromolePerLitre, 17.1m, 1m, AmaTable + ": bilirubin mg/dL × 17.1 = µmol/L")] },
        Q("total_protein", "2885-2", false, "Protein, total (serum)", LabPanel.Liver, GramPerLitre, Protein, "serum_protein", "tp"),
        Q("albumin", "1751-7", true, "Albumin (serum)", LabPanel.Liver, GramPerLitre, Protein, "alb"),

        // Kidney function
        Q("creatinine", "2160-0", false, "Creatinine (serum/plasma)", LabPanel.Kidney, MicromolePerLitre, [MicromolePerLitre, MilligramPerDecilitre, MillimolePerLitre], "scr", "cr")
            with { Conversions = [CreatinineFactor], OtherLoincs = ["14682-9"] },
        Q("urea", "22664-7", false, "Urea (serum/plasma)", LabPanel.Kidney, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre])
            with
            {
                Conversions = [new(MilligramPerDecilitre, MillimolePerLitre, 0.1665m, 1m, SiTable + ": urea mg/dL × 0.1665 = mmol/L")],
                OtherLoincs = ["3091-6"],
                Note = "Urea, not urea nitrogen. A result labelled 'BUN' in mmol/L is urea in mmol/L: send it as urea.",
            },
        Q("bun", "3094-0", false, "Urea nitrogen (serum/plasma)", LabPanel.Kidney, MilligramPerDecilitre, [MilligramPerDecilitre], "urea_nitrogen")
            with { Note = "Mass of urea nitrogen; mmol/L is refused (that is urea). Urea is derived: urea (mmol/L) = BUN (mg/dL) × 0.357." },
        Q("uric_acid", "3084-1", false, "Urate (uric acid)", LabPanel.Kidney, MicromolePerLitre, [MicromolePerLitre, MillimolePerLitre, MilligramPerDecilitre], "urate", "ua")
            with { Conversions = [new(MilligramPerDecilitre, MicromolePerLitre, 59.48m, 1m, SiTable + ": uric acid mg/dL × 59.48 = µmol/L")], OtherLoincs = ["14933-6"] },

        // Electrolytes
        Q("sodium", "2951-2", false, "Sodium", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "na")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": monovalent ions mEq/L = mmol/L")] },
        Q("potassium", "2823-3", false, "Potassium", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "k")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": monovalent ions mEq/L = mmol/L")] },
        Q("chloride", "2075-0", false, "Chloride", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "cl")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": chloride mEq/L = mmol/L")] },
        Q("bicarbonate", "1963-8", false, "Bicarbonate", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "hco3")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": bicarbonate mEq/L = mmol/L")] },
        Q("calcium", "17861-6", false, "Calcium, total", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre, MilliequivalentPerLitre], "ca")
            with
            {
                Conversions =
                [
                    new(MilligramPerDecilitre, MillimolePerLitre, 0.2495m, 1m, AmaTable + ": calcium mg/dL × 0.2495 = mmol/L"),
                    new(MilliequivalentPerLitre, MillimolePerLitre, 0.5m, 1m, AmaTable + ": calcium mEq/L × 0.5 = mmol/L"),
                ],
                OtherLoincs = ["2000-8"],
            },
        Q("phosphate", "2777-1", false, "Phosphate (inorganic phosphorus)", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre], "phosphorus", "p")
            with { Conversions = [new(MilligramPerDecilitre, MillimolePerLitre, 0.3229m, 1m, SiTable + ": phosphorus mg/dL × 0.3229 = mmol/L")] },
        Q("magnesium", "19123-9", false, "Magnesium", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre], "mg")
            with { Conversions = [new(MilligramPerDecilitre, MillimolePerLitre, 0.4114m, 1m, ElephantTable)] },

        // Coagulation (the "four coagulation items": PT, APTT, TT, fibrinogen; INR alongside PT)
        Q("pt", "5902-2", false, "Prothrombin time", LabPanel.Coagulation, Second, [Second], "prothrombin_time"),
        Q("inr", "6301-6", false, "INR", LabPanel.Coagulation, Unity, [Unity]),
        Q("aptt", "3173-2", true, "Activated partial thromboplastin time", LabPanel.Coagulation, Second, [Second], "ptt"),
        Q("thrombin_time", "3243-3", false, "Thrombin time", LabPanel.Coagulation, Second, [Second], "tt"),
        Q("fibrinogen", "3255-7", false, "Fibrinogen", LabPanel.Coagulation, GramPerLitre, [GramPerLitre, MilligramPerDecilitre], "fib"),

        // T-lymphocyte subsets
        Q("cd3_pct", "8124-0", true, "CD3+ T cells/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "cd3"),
        Q("cd3_abs", "8122-4", true, "CD3+ T cells, absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount),
        Q("cd4_pct", "8123-2", false, "CD3+CD4+ T cells/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "cd4"),
        Q("cd4_abs", "24467-3", false, "CD3+CD4+ T cells, absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount),
        Q("cd8_pct", "8101-8", false, "CD3+CD8+ T cells/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "cd8"),
        Q("cd8_abs", "14135-8", true, "CD3+CD8+ T cells, absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount),
        Q("cd4_cd8_ratio", "54218-3", true, "CD4/CD8 ratio", LabPanel.TCellSubsets, Unity, [Unity], "cd4_cd8"),
        Q("nk_pct", "8112-5", false, "NK cells (CD16+CD56+)/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "nk"),
        Q("nk_abs", null, false, "NK cells (CD16+CD56+), absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount)
            with { Note = "No LOINC code confirmed; recorded by key." },

        // Immunoglobulins and complement
        Q("igg", "2465-3", false, "IgG", LabPanel.Immunoglobulins, GramPerLitre, Protein),
        Q("iga", "2458-8", false, "IgA", LabPanel.Immunoglobulins, GramPerLitre, Protein),
        Q("igm", "2472-9", false, "IgM", LabPanel.Immunoglobulins, GramPerLitre, Protein),
        Q("c3", "4485-9", false, "Complement C3", LabPanel.Complement, GramPerLitre, [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre], "complement_c3"),
        Q("c4", "4498-2", false, "Complement C4", LabPanel.Complement, GramPerLitre, [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre], "complement_c4"),

        // Autoantibodies
        new("ana", null, false, "Antinuclear antibodies (screen)", LabPanel.Autoantibodies, null, [], QualitativeScale.PositiveNegative, []),
        new("ana_titre", "5048-4", false, "Antinuclear antibodies, titre (HEp-2 IIF)", LabPanel.Autoantibodies, null, [], QualitativeScale.Titre, ["ana_titer"]),
        new("ana_pattern", null, false, "Antinuclear antibody pattern (HEp-2 IIF)", LabPanel.Autoantibodies, null, [], QualitativeScale.Nominal, [])
            { Note = "Nominal (homogeneous, speckled, …): kept as written, never flagged." },
        new("anti_dsdna", "5130-0", false, "Anti-double-stranded DNA antibodies", LabPanel.Autoantibodies, InternationalUnitPerMillilitre,
            [InternationalUnitPerMillilitre, ArbitraryUnitPerMillilitre], QualitativeScale.PositiveNegative, ["dsdna", "ds_dna"])
            { Note = "IU/mL and U/mL are assay-specific and never converted into each other; the range must be in the result's unit." },
        new("anti_sm", null, false, "Anti-Smith antibodies", LabPanel.Autoantibodies, ArbitraryUnitPerMillilitre, [ArbitraryUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["sm"]),
        new("anticardiolipin_igg", "3181-5", false, "Anticardiolipin IgG", LabPanel.Autoantibodies, GplUnitPerMillilitre, [GplUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["acl_igg"]),
        new("anticardiolipin_igm", "3182-3", false, "Anticardiolipin IgM", LabPanel.Autoantibodies, MplUnitPerMillilitre, [MplUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["acl_igm"]),
        new("anti_b2gp1_igg", null, false, "Anti-β2-glycoprotein I IgG", LabPanel.Autoantibodies, ArbitraryUnitPerMillilitre, [ArbitraryUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["b2gp1_igg"]),
        new("lupus_anticoagulant", null, false, "Lupus anticoagulant", LabPanel.Autoantibodies, null, [], QualitativeScale.PositiveNegative, ["la"]),

        // Urine protein
        Q("urine_protein_24h", "2889-4", false, "Protein, 24-hour urine (excretion)", LabPanel.UrineProtein, GramPerDay, [GramPerDay, MilligramPerDay], "proteinuria_24h", "24h_protein"),
        Q("urine_protein_24h_conc", "21482-5", false, "Protein concentration, 24-hour urine", LabPanel.UrineProtein, GramPerLitre,
            [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre]),
        Q("urine_volume_24h", "3167-4", false, "Volume, 24-hour urine", LabPanel.UrineProtein, Millilitre, [Millilitre, Litre], "urine_volume"),
        Q("urine_protein_spot", "2888-6", false, "Protein concentration, spot urine", LabPanel.UrineProtein, GramPerLitre,
            [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre], "urine_total_protein"),
        Q("urine_creatinine_spot", "2161-8", false, "Creatinine concentration, spot urine", LabPanel.UrineProtein, MillimolePerLitre,
            [MillimolePerLitre, MicromolePerLitre, MilligramPerDecilitre], "urine_creatinine")
            with { Conversions = [CreatinineFactor], OtherLoincs = ["14683-7"] },
        Q("upcr", "2890-2", false, "Protein/creatinine ratio, urine", LabPanel.UrineProtein, MilligramPerMillimole,
            [MilligramPerMillimole, GramPerGram, MilligramPerGram], "urine_protein_creatinine_ratio")
            with { Conversions = [UpcrFactor] },
    ];

    private static readonly FrozenDictionary<string, AnalyteDefinition> ByName = BuildIndex();

    private static FrozenDictionary<string, AnalyteDefinition> BuildIndex()
    {
        var map = new Dictionary<string, AnalyteDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in All)
        {
            foreach (var name in (IEnumerable<string?>)[a.Key, a.Loinc, .. a.OtherLoincs, .. a.Aliases])
            {
                if (name is not null)
                {
                    // A name must denote one analyte: a duplicate is a catalog bug.
                    Preconditions.Requires(map.TryAdd(name, a), $"Analyte name '{name}' is used twice in the catalog.");
                }
            }
        }

        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Finds an analyte by key, LOINC code (either property) or documented alias; null when unknown.</summary>
    public static AnalyteDefinition? Find(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : ByName.GetValueOrDefault(name.Trim());

    /// <summary>The analyte with this key (programmer use; throws for an unknown key).</summary>
    public static AnalyteDefinition Get(string key) =>
        Find(key) ?? throw new ArgumentException($"No analyte '{key}' in the catalog.", nameof(key));
}
