using System.Globalization;

namespace Stroma.Clinical.Labs;

/// <summary>One input of a derived value, as used (value and unit), and where it came from.</summary>
public sealed record DerivedInput(string Name, string Value, string? SourceId);

/// <summary>
/// A value computed from results: it records the formula, its version and every input, so it can be recomputed
/// and audited. <see cref="AnalyteKey"/> names the catalog analyte it estimates, when there is one (its range flags it).
/// </summary>
public sealed record DerivedValue(string Key, string Name, Quantity Value, string Formula, string FormulaVersion, IReadOnlyList<DerivedInput> Inputs)
{
    public string? AnalyteKey { get; init; }

    public LabFlag Flag { get; init; } = LabFlag.None;

    public ReferenceRange? Range { get; init; }
}

/// <summary>Derived values: eGFR (CKD-EPI 2021), UPCR, 24-h urine protein, urea from urea nitrogen.</summary>
public static class DerivedValues
{
    /// <summary>
    /// eGFR by the race-free CKD-EPI 2021 creatinine equation (Inker LA, Eneanya ND, Coresh J, et al. New
    /// creatinine- and cystatin C-based equations to estimate GFR without race. N Engl J Med 2021;385:1737-49):
    /// eGFR = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.200 × 0.9938^age × 1.012 [if female], Scr in mg/dL,
    /// κ = 0.7 (female) / 0.9 (male), α = −0.241 (female) / −0.302 (male); mL/min/1.73 m². Developed in adults:
    /// refused below 18 years. Creatinine in µmol/L is converted with 88.4 (AMA SI table). The powers need
    /// floating point; the result is rounded to 0.1 mL/min/1.73 m² and stored as a decimal.
    /// </summary>
    public const string CkdEpi2021Version = "CKD-EPI 2021 creatinine (Inker 2021, NEJM 385:1737-49); Stroma 2021.1";

    public const string CkdEpi2021Formula = "142 × min(Scr/κ,1)^α × max(Scr/κ,1)^-1.200 × 0.9938^age × 1.012 [female]; κ 0.7 F / 0.9 M; α -0.241 F / -0.302 M; Scr mg/dL";

    /// <summary>Computes eGFR; null with a reason when it cannot (age under 18, unknown sex or age).</summary>
    public static (DerivedValue? Value, string? WhyNot) CkdEpi2021(Quantity creatinine, int? age, Sex? sex, string? sourceId = null)
    {
        if (CkdEpi2021WhyNot(creatinine, age, sex, out var mgdl) is { } whyNot)
        {
            return (null, whyNot);
        }

        var female = sex == Sex.Female;
        var value = CkdEpi2021Number(mgdl, age!.Value, female);
        return (new DerivedValue("egfr_ckd_epi_2021", "eGFR (CKD-EPI 2021, creatinine)", new Quantity(value, Units.GfrUnit),
            CkdEpi2021Formula, CkdEpi2021Version,
            [
                new("creatinine", $"{creatinine} (= {Quantity.Format(decimal.Round(mgdl, 4))} mg/dL)", sourceId),
                new("age", age.Value.ToString(CultureInfo.InvariantCulture), null),
                new("sex", female ? "female" : "male", null),
            ]), null);
    }

    /// <summary>
    /// The eGFR number alone, for bulk use (the study report derives it for every creatinine of a cohort): the same
    /// conditions, formula and rounding as <see cref="CkdEpi2021"/>, without building its provenance. Null where
    /// <see cref="CkdEpi2021"/> gives a reason instead of a value.
    /// </summary>
    public static decimal? CkdEpi2021Value(Quantity creatinine, int? age, Sex? sex) =>
        CkdEpi2021WhyNot(creatinine, age, sex, out var mgdl) is null ? CkdEpi2021Number(mgdl, age!.Value, sex == Sex.Female) : null;

    /// <summary>Why CKD-EPI 2021 cannot be computed (null when it can), and the creatinine in mg/dL.</summary>
    private static string? CkdEpi2021WhyNot(Quantity creatinine, int? age, Sex? sex, out decimal creatinineMgDl)
    {
        creatinineMgDl = 0m;
        if (age is null || sex is null or Sex.Unknown)
        {
            return "eGFR (CKD-EPI 2021) needs age and sex.";
        }

        if (age < 18)
        {
            return $"eGFR (CKD-EPI 2021) was developed in adults; age {age} is under 18.";
        }

        var mgdl = AnalyteCatalog.Get("creatinine").Convert(creatinine, Units.MilligramPerDecilitre);
        Preconditions.Requires(mgdl is not null, "Creatinine must be in a creatinine unit.");
        creatinineMgDl = mgdl!.Value.Value;
        return creatinineMgDl <= 0m ? "eGFR (CKD-EPI 2021) needs a creatinine above zero." : null;
    }

    /// <summary>CKD-EPI 2021 (<see cref="CkdEpi2021Formula"/>) from creatinine in mg/dL, rounded to 0.1 mL/min/1.73 m².</summary>
    private static decimal CkdEpi2021Number(decimal creatinineMgDl, int age, bool female)
    {
        var kappa = female ? 0.7 : 0.9;
        var alpha = female ? -0.241 : -0.302;
        var ratio = (double)creatinineMgDl / kappa;
        var egfr = 142.0 * Math.Pow(Math.Min(ratio, 1.0), alpha) * Math.Pow(Math.Max(ratio, 1.0), -1.200)
                   * Math.Pow(0.9938, age) * (female ? 1.012 : 1.0);
        return (decimal)Math.Round(egfr, 1, MidpointRounding.AwayFromZero);
    }

    public const string UpcrVersion = "UPCR = spot urine protein (mg/L) / spot urine creatinine (mmol/L); Stroma 1";

    /// <summary>
    /// Urine protein/creatinine ratio in mg/mmol from spot urine protein and creatinine concentrations of the same
    /// sample: protein (mg/L) ÷ creatinine (mmol/L); creatinine in mg/dL converts with 88.4. Rounded to 0.01 mg/mmol.
    /// </summary>
    public static (DerivedValue? Value, string? WhyNot) Upcr(Quantity protein, Quantity creatinine, string? proteinSource = null, string? creatinineSource = null)
    {
        var proteinMgL = protein.ConvertTo(Units.MilligramPerLitre);
        var creatinineMmolL = AnalyteCatalog.Get("urine_creatinine_spot").Convert(creatinine, Units.MillimolePerLitre);
        Preconditions.Requires(creatinineMmolL is not null, "Creatinine must be in a creatinine unit.");
        if (creatinineMmolL!.Value.Value <= 0m)
        {
            return (null, "UPCR needs a urine creatinine above zero.");
        }

        var value = decimal.Round(proteinMgL.Value / creatinineMmolL.Value.Value, 2, MidpointRounding.AwayFromZero);
        return (new DerivedValue("upcr", "Urine protein/creatinine ratio", new Quantity(value, Units.MilligramPerMillimole),
            "protein (mg/L) / creatinine (mmol/L)", UpcrVersion,
            [new("urine_protein_spot", protein.ToString(), proteinSource), new("urine_creatinine_spot", creatinine.ToString(), creatinineSource)])
        { AnalyteKey = "upcr" }, null);
    }

    public const string Protein24hVersion = "24-h protein = concentration (g/L) × volume (L); Stroma 1";

    /// <summary>24-hour urine protein (g/24 h) = protein concentration of the collection (g/L) × its volume (L); exact.</summary>
    public static DerivedValue Protein24h(Quantity concentration, Quantity volume, string? concentrationSource = null, string? volumeSource = null)
    {
        var gl = concentration.ConvertTo(Units.GramPerLitre);
        var litres = volume.ConvertTo(Units.Litre);
        return new DerivedValue("urine_protein_24h", "Protein, 24-hour urine (from concentration × volume)",
            new Quantity(gl.Value * litres.Value, Units.GramPerDay), "concentration (g/L) × volume (L)", Protein24hVersion,
            [new("urine_protein_24h_conc", concentration.ToString(), concentrationSource), new("urine_volume_24h", volume.ToString(), volumeSource)])
        { AnalyteKey = "urine_protein_24h" };
    }

    /// <summary>Urea nitrogen (mg/dL) × 0.357 = urea (mmol/L): one urea molecule carries two nitrogen atoms.</summary>
    public const decimal BunToUreaMmolFactor = 0.357m;

    public const string UreaFromBunVersion = "urea (mmol/L) = BUN (mg/dL) × 0.357 (" + AnalyteCatalog.SiTable + "); Stroma 1";

    /// <summary>
    /// Urea (mmol/L) from urea nitrogen: urea and urea nitrogen are different analytes (urea mg/dL = BUN mg/dL × 2.14);
    /// in molar terms they coincide, and the cited factor 0.357 converts BUN mg/dL to urea mmol/L.
    /// </summary>
    public static DerivedValue UreaFromBun(Quantity bun, string? sourceId = null)
    {
        var mgdl = bun.ConvertTo(Units.MilligramPerDecilitre);
        return new DerivedValue("urea_from_bun", "Urea (from urea nitrogen)", new Quantity(mgdl.Value * BunToUreaMmolFactor, Units.MillimolePerLitre),
            "BUN (mg/dL) × 0.357", UreaFromBunVersion, [new("bun", bun.ToString(), sourceId)])
        { AnalyteKey = "urea" };
    }
}
