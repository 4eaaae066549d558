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
/// LOINC codes: <see cref="AnalyteDefinition.LoincConfirmed"/> says which were seen with their LOINC long common name
/// (component, property, specimen) in a source named in <see cref="LoincEvidence"/>; the others are UNCONFIRMED (listed
/// in docs/labs.md) and must be checked at loinc.org before an interface relies on them. No code is invented.
/// </summary>
public static class AnalyteCatalog
{
    /// <summary>AMA Manual of Style SI conversion table (JAMA author instructions).</summary>
    public const string AmaTable = "AMA Manual of Style / JAMA SI conversion table (copies read: w3.csmu.edu.tw/~chr/Int_unit_conversion.htm; pdfslide.us/documents/si-units-conversion-table.html)";

    /// <summary>A published SI conversion table listing urea nitrogen as mmol urea/L.</summary>
    public const string SiTable = "SI conversion factors table, ecoursesonline.iasri.res.in/mod/page/view.php?id=53457 (urea nitrogen mg/dL × 0.3570 = mmol urea/L; urea mg/dL × 0.1665 = mmol/L; uric acid × 59.48; phosphorus × 0.3229)";

    /// <summary>A published SI conversion table (Elephant Formulary, Mikota and Plumb).</summary>
    public const string ElephantTable = "Conversion of conventional chemistry units to SI units, elephantcare.org/convers.htm (magnesium mg/dL × 0.4114 = mmol/L)";

    /// <summary>MIMIC documentation: lab ITEMID-to-LOINC mapping with LOINC long names (MIT-LCP).</summary>
    public const string LoincMimic = "MIMIC lab ITEMID-to-LOINC mapping table with LOINC long names (MIT-LCP MIMIC documentation, page 'Lab ITEMID mapping')";

    /// <summary>HL7 Vulcan schedule-of-activities connectathon IG.</summary>
    public const string LoincVulcan = "HL7 Vulcan schedule-of-activities connectathon IG, haematology ObservationDefinitions (github.com/glow-mdsol/vulcan-soa-connectathon-37)";

    /// <summary>CIBMTR Reporting FHIR IG value set.</summary>
    public const string LoincNmdp = "CIBMTR Reporting FHIR IG (NMDP), ValueSet auto-differential-blood-vs 'Auto Differential panel - Blood (57023-4)'";

    /// <summary>HL7 US Core lab example.</summary>
    public const string LoincUsCore = "HL7 US Core Observation Lab example 'neutrophils'";

    /// <summary>French EDSH FHIR lab profiles.</summary>
    public const string LoincEdsh = "French EDSH core-variable FHIR lab profiles (LOINC French display of the same name)";

    /// <summary>NAPKON GECCO+ laboratory value set.</summary>
    public const string LoincGecco = "NAPKON GECCO+ laboratory ValueSet (Charite, github.com/BIH-CEI/napkon-geccoplus)";

    /// <summary>Public FHIR urinalysis value sets.</summary>
    public const string LoincUrinalysisValueSets = "public FHIR urinalysis ValueSets (FSH and JSON copies on GitHub) listing the code with its LOINC display";

    /// <summary>A Java LOINC enum generated from LOINC.</summary>
    public const string LoincJavaEnum = "a Java enum generated from LOINC (entries stamped with LOINC version date 20150101) on GitHub";

    /// <summary>Independent public copies pairing code and long name.</summary>
    public const string LoincPublicCopies = "independent public FHIR resources, HL7 v2 messages and code tables on GitHub pairing the code with this LOINC long common name";

    /// <summary>NIST HL7 v2 test message.</summary>
    public const string LoincNist = "NIST HL7 v2 lab results test message";

    /// <summary>German Medical Informatics Initiative FHIR example.</summary>
    public const string LoincMii = "German Medical Informatics Initiative FHIR lab example";

    /// <summary>The first review, before the per-code sources were recorded.</summary>
    public const string LoincEarlierReview = "seen with its LOINC long name in a LOINC-derived list (the eHealth Connector lab observation list and similar public lists) in the first review";

    /// <summary>
    /// Where each confirmed LOINC code was seen with its LOINC long common name (the name is quoted first). A code is
    /// confirmed only when a source read for this work pairs it with the long name of this analyte, specimen and
    /// property, and no source read pairs it with another analyte; dissenting sources are named in a note. Codes not
    /// listed stay UNCONFIRMED (docs/labs.md).
    /// </summary>
    public static IReadOnlyDictionary<string, string> LoincEvidence { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["6690-2"] = "\"Leukocytes [#/volume] in Blood by Automated count\": " + LoincPublicCopies + "; " + LoincEdsh,
        ["751-8"] = "\"Neutrophils [#/volume] in Blood by Automated count\": " + LoincVulcan + "; " + LoincNmdp,
        ["731-0"] = "\"Lymphocytes [#/volume] in Blood by Automated count\": " + LoincVulcan + "; " + LoincNmdp,
        ["742-7"] = "\"Monocytes [#/volume] in Blood by Automated count\": " + LoincVulcan + "; " + LoincNmdp,
        ["711-2"] = "\"Eosinophils [#/volume] in Blood by Automated count\": " + LoincVulcan + "; " + LoincNmdp,
        ["704-7"] = "\"Basophils [#/volume] in Blood by Automated count\": " + LoincVulcan + "; " + LoincNmdp,
        ["770-8"] = "\"Neutrophils/100 leukocytes in Blood by Automated count\": " + LoincNmdp + "; " + LoincUsCore,
        ["736-9"] = "\"Lymphocytes/100 leukocytes in Blood by Automated count\": " + LoincNmdp,
        ["5905-5"] = "\"Monocytes/100 leukocytes in Blood by Automated count\": " + LoincNmdp,
        ["713-8"] = "\"Eosinophils/100 leukocytes in Blood by Automated count\": " + LoincNmdp,
        ["706-2"] = "\"Basophils/100 leukocytes in Blood by Automated count\": " + LoincNmdp,
        ["789-8"] = "\"Erythrocytes [#/volume] in Blood by Automated count\": " + LoincVulcan + "; " + LoincEdsh,
        ["718-7"] = "\"Hemoglobin [Mass/volume] in Blood\": " + LoincVulcan + "; " + LoincMimic,
        ["4544-3"] = "\"Hematocrit [Volume Fraction] of Blood by Automated count\": " + LoincVulcan,
        ["787-2"] = "\"MCV [Entitic volume] by Automated count\": " + LoincPublicCopies,
        ["785-6"] = "\"MCH [Entitic mass] by Automated count\": " + LoincPublicCopies,
        ["786-4"] = "\"MCHC [Mass/volume] by Automated count\": " + LoincPublicCopies,
        ["777-3"] = "\"Platelets [#/volume] in Blood by Automated count\": " + LoincPublicCopies,
        ["5794-3"] = "\"Hemoglobin [Presence] in Urine by Test strip\": " + LoincMimic + "; " + LoincUrinalysisValueSets,
        ["5799-2"] = "\"Leukocyte esterase [Presence] in Urine by Test strip\": " + LoincUrinalysisValueSets,
        ["13945-1"] = "\"Erythrocytes [#/area] in Urine sediment by Microscopy high power field\": " + LoincUrinalysisValueSets,
        ["5821-4"] = "\"Leukocytes [#/area] in Urine sediment by Microscopy high power field\": " + LoincUrinalysisValueSets,
        ["6768-6"] = "\"Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma\": " + LoincPublicCopies,
        ["2324-2"] = "\"Gamma glutamyl transferase [Enzymatic activity/volume] in Serum or Plasma\": " + LoincMimic,
        ["1975-2"] = "\"Bilirubin.total [Mass/volume] in Serum or Plasma\": " + LoincMimic + "; " + LoincPublicCopies + "; note: the MIMIC table gives the older name \"Bilirubin [Mass/volume] in Serum or Plasma\"",
        ["1968-7"] = "\"Direct bilirubin [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["2885-2"] = "\"Protein [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["2160-0"] = "\"Creatinine [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["3094-0"] = "\"Urea nitrogen [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["3084-1"] = "\"Urate [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["2951-2"] = "\"Sodium [Moles/volume] in Serum or Plasma\": " + LoincMimic + "; " + LoincGecco,
        ["2823-3"] = "\"Potassium [Moles/volume] in Serum or Plasma\": " + LoincMimic + "; " + LoincGecco,
        ["2075-0"] = "\"Chloride [Moles/volume] in Serum or Plasma\": " + LoincPublicCopies,
        ["1963-8"] = "\"Bicarbonate [Moles/volume] in Serum\": " + LoincMimic,
        ["17861-6"] = "\"Calcium [Mass/volume] in Serum or Plasma\": " + LoincPublicCopies + "; note: one app code list gives [Moles/volume] for it (the molar code is 2000-8)",
        ["2777-1"] = "\"Phosphate [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["19123-9"] = "\"Magnesium [Mass/volume] in Serum or Plasma\": " + LoincPublicCopies,
        ["5902-2"] = "\"Prothrombin time (PT)\": " + LoincPublicCopies,
        ["6301-6"] = "\"INR in Platelet poor plasma by Coagulation assay\": " + LoincPublicCopies,
        ["3243-3"] = "\"Thrombin time in Platelet poor plasma by Coagulation assay\": " + LoincMimic,
        ["3255-7"] = "\"Fibrinogen [Mass/volume] in Platelet poor plasma by Coagulation assay\": " + LoincMimic,
        ["8123-2"] = "\"CD3+CD4+ (T4 helper) cells/100 cells in Blood\": " + LoincJavaEnum + "; note: one app list labels it NK cells: rejected",
        ["24467-3"] = "\"CD3+CD4+ (T4 helper) cells [#/volume] in Blood\": " + LoincJavaEnum,
        ["8101-8"] = "\"CD3+CD8+ (T8 suppressor cells) cells/100 cells in Blood\": " + LoincJavaEnum,
        ["2465-3"] = "\"IgG [Mass/volume] in Serum\": " + LoincMimic,
        ["2458-8"] = "\"IgA [Mass/volume] in Serum\": " + LoincMimic,
        ["2472-9"] = "\"IgM [Mass/volume] in Serum\": " + LoincMimic,
        ["4485-9"] = "\"Complement C3 [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["4498-2"] = "\"Complement C4 [Mass/volume] in Serum or Plasma\": " + LoincMimic,
        ["5048-4"] = "\"Nuclear Ab [Titer] in Serum by Immunofluorescence\": " + LoincPublicCopies + "; note: one generated seed file pairs it with anti-dsDNA (and also mislabels the C3/C4 codes): rejected",
        ["5130-0"] = "\"DNA double strand Ab [Units/volume] in Serum\": " + LoincPublicCopies + "; note: two app lists pair it with ANA or anti-desmoglein without LOINC names: rejected",
        ["3181-5"] = "\"Cardiolipin IgG Ab [Units/volume] in Serum by Immunoassay\": " + LoincPublicCopies,
        ["3182-3"] = "\"Cardiolipin IgM Ab [Units/volume] in Serum by Immunoassay\": " + LoincMimic + "; " + LoincPublicCopies,
        ["2889-4"] = "\"Protein [Mass/time] in 24 hour Urine\": " + LoincPublicCopies,
        ["21482-5"] = "\"Protein [Mass/volume] in 24 hour Urine\": " + LoincPublicCopies + "; " + LoincNist,
        ["3167-4"] = "\"Volume of 24 hour Urine\": " + LoincPublicCopies,
        ["2888-6"] = "\"Protein [Mass/volume] in Urine\": " + LoincPublicCopies + "; note: one app list calls it 24-hour urine: rejected",
        ["2161-8"] = "\"Creatinine [Mass/volume] in Urine\": " + LoincMimic,
        ["2890-2"] = "\"Protein/Creatinine [Mass ratio] in Urine\": " + LoincMimic + "; " + LoincMii + "; note: a mass ratio (g/g); results in mg/mmol are the same analyte converted through the cited factor",
        ["20454-5"] = LoincEarlierReview,
        ["1742-6"] = LoincEarlierReview,
        ["1920-8"] = LoincEarlierReview,
        ["1751-7"] = LoincEarlierReview,
        ["3173-2"] = LoincEarlierReview,
        ["8124-0"] = LoincEarlierReview,
        ["8122-4"] = LoincEarlierReview,
        ["14135-8"] = LoincEarlierReview,
        ["54218-3"] = LoincEarlierReview,
    }.ToFrozenDictionary(StringComparer.Ordinal);

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

    /// <summary>Every analyte, grouped by panel, each confirmed LOINC code with its source (<see cref="LoincEvidence"/>).</summary>
    public static IReadOnlyList<AnalyteDefinition> All { get; } = WithLoincSources(
    [
        // Blood count with differential
        Q("wbc", "6690-2", true, "Leukocytes (white cell count)", LabPanel.BloodCount, PerLitre9, CellCount, "white_cell_count", "leukocytes"),
        Q("neutrophils", "751-8", true, "Neutrophils, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "neut", "anc", "neutrophils_abs"),
        Q("lymphocytes", "731-0", true, "Lymphocytes, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "lymph", "alc", "lymphocytes_abs"),
        Q("monocytes", "742-7", true, "Monocytes, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "mono"),
        Q("eosinophils", "711-2", true, "Eosinophils, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "eos"),
        Q("basophils", "704-7", true, "Basophils, absolute", LabPanel.BloodCount, PerLitre9, CellCount, "baso"),
        Q("neutrophils_pct", "770-8", true, "Neutrophils/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "neut_pct"),
        Q("lymphocytes_pct", "736-9", true, "Lymphocytes/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "lymph_pct"),
        Q("monocytes_pct", "5905-5", true, "Monocytes/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "mono_pct"),
        Q("eosinophils_pct", "713-8", true, "Eosinophils/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "eos_pct"),
        Q("basophils_pct", "706-2", true, "Basophils/100 leukocytes", LabPanel.BloodCount, Percent, [Percent], "baso_pct"),
        Q("rbc", "789-8", true, "Erythrocytes (red cell count)", LabPanel.BloodCount, PerLitre12, [PerLitre12, MillionPerMicrolitre], "red_cell_count", "erythrocytes"),
        Q("hemoglobin", "718-7", true, "Haemoglobin", LabPanel.BloodCount, GramPerLitre, [GramPerLitre, GramPerDecilitre], "hb", "hgb", "haemoglobin")
            with { Note = "mmol/L (haemoglobin monomer) is not accepted: report g/L or g/dL." },
        Q("hematocrit", "4544-3", true, "Haematocrit", LabPanel.BloodCount, Percent, [Percent, LitrePerLitre], "hct", "haematocrit"),
        Q("mcv", "787-2", true, "Mean corpuscular volume", LabPanel.BloodCount, Femtolitre, [Femtolitre]),
        Q("mch", "785-6", true, "Mean corpuscular haemoglobin", LabPanel.BloodCount, Picogram, [Picogram]),
        Q("mchc", "786-4", true, "Mean corpuscular haemoglobin concentration", LabPanel.BloodCount, GramPerLitre, [GramPerLitre, GramPerDecilitre]),
        Q("platelets", "777-3", true, "Platelets", LabPanel.BloodCount, PerLitre9, CellCount, "plt", "platelet_count"),

        // Urinalysis
        new("urine_protein_dipstick", "20454-5", true, "Protein, urine test strip", LabPanel.Urinalysis, null, [], QualitativeScale.Dipstick,
            ["urine_protein", "pro", "dipstick_protein"]),
        new("urine_blood_dipstick", "5794-3", true, "Haemoglobin (occult blood), urine test strip", LabPanel.Urinalysis, null, [], QualitativeScale.Dipstick,
            ["urine_occult_blood", "occult_blood", "bld"]) { Note = "Not the same as red cells per high-power field: never used for the SLEDAI-2K haematuria rule." },
        new("urine_leukocyte_esterase", "5799-2", true, "Leukocyte esterase, urine test strip", LabPanel.Urinalysis, null, [], QualitativeScale.Dipstick,
            ["urine_leu", "leu"]),
        Q("urine_rbc_hpf", "13945-1", true, "Erythrocytes, urine sediment, per high-power field", LabPanel.Urinalysis, PerHighPowerField, [PerHighPowerField], "urine_rbc")
            with { Note = "Analyser counts per µL are a different measure: no exact conversion to /HPF exists, so they are refused." },
        Q("urine_wbc_hpf", "5821-4", true, "Leukocytes, urine sediment, per high-power field", LabPanel.Urinalysis, PerHighPowerField, [PerHighPowerField], "urine_wbc")
            with { Note = "Analyser counts per µL are a different measure: no exact conversion to /HPF exists, so they are refused." },
        new("urine_rbc_casts", "5807-3", false, "Erythrocyte casts, urine sediment, per low-power field", LabPanel.Urinalysis, PerLowPowerField, [PerLowPowerField],
            QualitativeScale.PositiveNegative, ["rbc_casts"]),
        new("urine_heme_granular_casts", null, false, "Heme-granular casts, urine sediment", LabPanel.Urinalysis, PerLowPowerField, [PerLowPowerField],
            QualitativeScale.PositiveNegative, ["heme_granular_casts"]) { Note = "No LOINC code confirmed; recorded by key." },

        // Liver function
        Q("alt", "1742-6", true, "Alanine aminotransferase", LabPanel.Liver, UnitPerLitre, Enzyme),
        Q("ast", "1920-8", true, "Aspartate aminotransferase", LabPanel.Liver, UnitPerLitre, Enzyme),
        Q("alp", "6768-6", true, "Alkaline phosphatase", LabPanel.Liver, UnitPerLitre, Enzyme, "alkaline_phosphatase"),
        Q("ggt", "2324-2", true, "Gamma-glutamyl transferase", LabPanel.Liver, UnitPerLitre, Enzyme),
        Q("bilirubin_total", "1975-2", true, "Bilirubin, total", LabPanel.Liver, MicromolePerLitre, [MicromolePerLitre, MilligramPerDecilitre], "tbil")
            with { Conversions = [new(MilligramPerDecilitre, MicromolePerLitre, 17.1m, 1m, AmaTable + ": bilirubin mg/dL × 17.1 = µmol/L")] },
        Q("bilirubin_direct", "1968-7", true, "Bilirubin, direct", LabPanel.Liver, MicromolePerLitre, [MicromolePerLitre, MilligramPerDecilitre], "dbil")
            with { Conversions = [new(MilligramPerDecilitre, MicromolePerLitre, 17.1m, 1m, AmaTable + ": bilirubin mg/dL × 17.1 = µmol/L")] },
        Q("total_protein", "2885-2", true, "Protein, total (serum)", LabPanel.Liver, GramPerLitre, Protein, "serum_protein", "tp"),
        Q("albumin", "1751-7", true, "Albumin (serum)", LabPanel.Liver, GramPerLitre, Protein, "alb"),

        // Kidney function
        Q("creatinine", "2160-0", true, "Creatinine (serum/plasma)", LabPanel.Kidney, MicromolePerLitre, [MicromolePerLitre, MilligramPerDecilitre, MilligramPerLitre, MillimolePerLitre], "scr", "cr")
            with { Conversions = [CreatinineFactor], OtherLoincs = ["14682-9"] },
        Q("urea", "22664-7", false, "Urea (serum/plasma)", LabPanel.Kidney, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre])
            with
            {
                Conversions = [new(MilligramPerDecilitre, MillimolePerLitre, 0.1665m, 1m, SiTable + ": urea mg/dL × 0.1665 = mmol/L")],
                OtherLoincs = ["3091-6"],
                Note = "Urea, not urea nitrogen. A result labelled 'BUN' in mmol/L is urea in mmol/L: send it as urea.",
            },
        Q("bun", "3094-0", true, "Urea nitrogen (serum/plasma)", LabPanel.Kidney, MilligramPerDecilitre, [MilligramPerDecilitre], "urea_nitrogen")
            with { Note = "Mass of urea nitrogen; mmol/L is refused (that is urea). Urea is derived: urea (mmol/L) = BUN (mg/dL) × 0.357." },
        Q("uric_acid", "3084-1", true, "Urate (uric acid)", LabPanel.Kidney, MicromolePerLitre, [MicromolePerLitre, MillimolePerLitre, MilligramPerDecilitre], "urate", "ua")
            with { Conversions = [new(MilligramPerDecilitre, MicromolePerLitre, 59.48m, 1m, SiTable + ": uric acid mg/dL × 59.48 = µmol/L")], OtherLoincs = ["14933-6"] },

        // Electrolytes
        Q("sodium", "2951-2", true, "Sodium", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "na")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": monovalent ions mEq/L = mmol/L")] },
        Q("potassium", "2823-3", true, "Potassium", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "k")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": monovalent ions mEq/L = mmol/L")] },
        Q("chloride", "2075-0", true, "Chloride", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "cl")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": chloride mEq/L = mmol/L")] },
        Q("bicarbonate", "1963-8", true, "Bicarbonate", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilliequivalentPerLitre], "hco3")
            with { Conversions = [new(MilliequivalentPerLitre, MillimolePerLitre, 1m, 1m, AmaTable + ": bicarbonate mEq/L = mmol/L")] },
        Q("calcium", "17861-6", true, "Calcium, total", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre, MilliequivalentPerLitre], "ca")
            with
            {
                Conversions =
                [
                    new(MilligramPerDecilitre, MillimolePerLitre, 0.2495m, 1m, AmaTable + ": calcium mg/dL × 0.2495 = mmol/L"),
                    new(MilliequivalentPerLitre, MillimolePerLitre, 0.5m, 1m, AmaTable + ": calcium mEq/L × 0.5 = mmol/L"),
                ],
                OtherLoincs = ["2000-8"],
            },
        Q("phosphate", "2777-1", true, "Phosphate (inorganic phosphorus)", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre], "phosphorus", "p")
            with { Conversions = [new(MilligramPerDecilitre, MillimolePerLitre, 0.3229m, 1m, SiTable + ": phosphorus mg/dL × 0.3229 = mmol/L")] },
        Q("magnesium", "19123-9", true, "Magnesium", LabPanel.Electrolytes, MillimolePerLitre, [MillimolePerLitre, MilligramPerDecilitre], "mg")
            with { Conversions = [new(MilligramPerDecilitre, MillimolePerLitre, 0.4114m, 1m, ElephantTable)] },

        // Coagulation (the "four coagulation items": PT, APTT, TT, fibrinogen; INR alongside PT)
        Q("pt", "5902-2", true, "Prothrombin time", LabPanel.Coagulation, Second, [Second], "prothrombin_time"),
        Q("inr", "6301-6", true, "INR", LabPanel.Coagulation, Unity, [Unity]),
        Q("aptt", "3173-2", true, "Activated partial thromboplastin time", LabPanel.Coagulation, Second, [Second], "ptt"),
        Q("thrombin_time", "3243-3", true, "Thrombin time", LabPanel.Coagulation, Second, [Second], "tt"),
        Q("fibrinogen", "3255-7", true, "Fibrinogen", LabPanel.Coagulation, GramPerLitre, [GramPerLitre, MilligramPerDecilitre], "fib"),

        // T-lymphocyte subsets
        Q("cd3_pct", "8124-0", true, "CD3+ T cells/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "cd3"),
        Q("cd3_abs", "8122-4", true, "CD3+ T cells, absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount),
        Q("cd4_pct", "8123-2", true, "CD3+CD4+ T cells/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "cd4"),
        Q("cd4_abs", "24467-3", true, "CD3+CD4+ T cells, absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount),
        Q("cd8_pct", "8101-8", true, "CD3+CD8+ T cells/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "cd8"),
        Q("cd8_abs", "14135-8", true, "CD3+CD8+ T cells, absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount),
        Q("cd4_cd8_ratio", "54218-3", true, "CD4/CD8 ratio", LabPanel.TCellSubsets, Unity, [Unity], "cd4_cd8"),
        Q("nk_pct", "8112-5", false, "NK cells (CD16+CD56+)/100 lymphocytes", LabPanel.TCellSubsets, Percent, [Percent], "nk"),
        Q("nk_abs", null, false, "NK cells (CD16+CD56+), absolute", LabPanel.TCellSubsets, PerMicrolitre, SubsetCount)
            with { Note = "No LOINC code confirmed; recorded by key." },

        // Immunoglobulins and complement
        Q("igg", "2465-3", true, "IgG", LabPanel.Immunoglobulins, GramPerLitre, Protein),
        Q("iga", "2458-8", true, "IgA", LabPanel.Immunoglobulins, GramPerLitre, Protein),
        Q("igm", "2472-9", true, "IgM", LabPanel.Immunoglobulins, GramPerLitre, Protein),
        Q("c3", "4485-9", true, "Complement C3", LabPanel.Complement, GramPerLitre, [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre], "complement_c3"),
        Q("c4", "4498-2", true, "Complement C4", LabPanel.Complement, GramPerLitre, [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre], "complement_c4"),

        // Autoantibodies
        new("ana", null, false, "Antinuclear antibodies (screen)", LabPanel.Autoantibodies, null, [], QualitativeScale.PositiveNegative, []),
        new("ana_titre", "5048-4", true, "Antinuclear antibodies, titre (HEp-2 IIF)", LabPanel.Autoantibodies, null, [], QualitativeScale.Titre, ["ana_titer"]),
        new("ana_pattern", null, false, "Antinuclear antibody pattern (HEp-2 IIF)", LabPanel.Autoantibodies, null, [], QualitativeScale.Nominal, [])
            { Note = "Nominal (homogeneous, speckled, …): kept as written, never flagged." },
        new("anti_dsdna", "5130-0", true, "Anti-double-stranded DNA antibodies", LabPanel.Autoantibodies, InternationalUnitPerMillilitre,
            [InternationalUnitPerMillilitre, ArbitraryUnitPerMillilitre], QualitativeScale.PositiveNegative, ["dsdna", "ds_dna"])
            { Note = "IU/mL and U/mL are assay-specific and never converted into each other; the range must be in the result's unit." },
        new("anti_sm", null, false, "Anti-Smith antibodies", LabPanel.Autoantibodies, ArbitraryUnitPerMillilitre, [ArbitraryUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["sm"]),
        new("anticardiolipin_igg", "3181-5", true, "Anticardiolipin IgG", LabPanel.Autoantibodies, GplUnitPerMillilitre, [GplUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["acl_igg"]),
        new("anticardiolipin_igm", "3182-3", true, "Anticardiolipin IgM", LabPanel.Autoantibodies, MplUnitPerMillilitre, [MplUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["acl_igm"]),
        new("anti_b2gp1_igg", null, false, "Anti-β2-glycoprotein I IgG", LabPanel.Autoantibodies, ArbitraryUnitPerMillilitre, [ArbitraryUnitPerMillilitre],
            QualitativeScale.PositiveNegative, ["b2gp1_igg"]),
        new("lupus_anticoagulant", null, false, "Lupus anticoagulant", LabPanel.Autoantibodies, null, [], QualitativeScale.PositiveNegative, ["la"]),

        // Urine protein
        Q("urine_protein_24h", "2889-4", true, "Protein, 24-hour urine (excretion)", LabPanel.UrineProtein, GramPerDay, [GramPerDay, MilligramPerDay], "proteinuria_24h", "24h_protein"),
        Q("urine_protein_24h_conc", "21482-5", true, "Protein concentration, 24-hour urine", LabPanel.UrineProtein, GramPerLitre,
            [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre]),
        Q("urine_volume_24h", "3167-4", true, "Volume, 24-hour urine", LabPanel.UrineProtein, Millilitre, [Millilitre, Litre], "urine_volume"),
        Q("urine_protein_spot", "2888-6", true, "Protein concentration, spot urine", LabPanel.UrineProtein, GramPerLitre,
            [GramPerLitre, MilligramPerDecilitre, MilligramPerLitre], "urine_total_protein"),
        Q("urine_creatinine_spot", "2161-8", true, "Creatinine concentration, spot urine", LabPanel.UrineProtein, MillimolePerLitre,
            [MillimolePerLitre, MicromolePerLitre, MilligramPerDecilitre], "urine_creatinine")
            with { Conversions = [CreatinineFactor], OtherLoincs = ["14683-7"] },
        Q("upcr", "2890-2", true, "Protein/creatinine ratio, urine", LabPanel.UrineProtein, MilligramPerMillimole,
            [MilligramPerMillimole, GramPerGram, MilligramPerGram], "urine_protein_creatinine_ratio")
            with { Conversions = [UpcrFactor] },
    ]);

    private static AnalyteDefinition[] WithLoincSources(AnalyteDefinition[] analytes) =>
        [.. analytes.Select(a => a.Loinc is { } code && LoincEvidence.TryGetValue(code, out var source) ? a with { LoincSource = source } : a)];

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
