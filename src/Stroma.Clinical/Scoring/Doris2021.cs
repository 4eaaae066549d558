using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>
/// The DORIS 2021 glucocorticoid limit: the paper is internally inconsistent (abstract "prednisolone 5 mg/day or
/// less"; Table 2 final recommendation "prednisolone &lt; 5 mg/day"), so the comparison is a named, versioned choice.
/// </summary>
public enum DorisPrednisoneRule
{
    /// <summary>Prednisolone ≤ 5 mg/day, as the abstract words it (Stroma's default). Key <c>at_most_5</c>.</summary>
    AtMost5,

    /// <summary>Prednisolone &lt; 5 mg/day, as the task force's Table 2 words it. Key <c>below_5</c>.</summary>
    Below5,
}

/// <summary>Input to the DORIS 2021 remission definition at one visit.</summary>
/// <param name="Sledai">SLEDAI-2K of this visit; DORIS uses its clinical part (<see cref="Sledai2kResult.ClinicalTotal"/>),
/// so serology (low complement, increased DNA binding) is ignored.</param>
/// <param name="Pga">Evaluator's (physician's) global assessment, 0–3.</param>
/// <param name="PrednisoneMgPerDay">Current prednisolone-equivalent dose in mg/day (prednisone and prednisolone 1:1), ≥ 0.</param>
/// <param name="TreatmentStable">Clinician-attested: any antimalarials, immunosuppressives and biologics are at stable doses
/// (true when none are taken).</param>
/// <param name="PrednisoneRule">Which wording of the glucocorticoid limit to apply; default the abstract's ≤ 5 mg/day.</param>
public sealed record Doris2021Input(
    Sledai2kResult Sledai,
    decimal Pga,
    decimal PrednisoneMgPerDay,
    bool TreatmentStable,
    DorisPrednisoneRule PrednisoneRule = DorisPrednisoneRule.AtMost5);

/// <summary>
/// 2021 DORIS definition of remission in SLE: van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of
/// remission in SLE: final recommendations from an international task force. Lupus Sci Med 2021;8(1):e000538
/// (doi 10.1136/lupus-2021-000538). Remission when: clinical SLEDAI = 0 (irrespective of serology); evaluator's global
/// assessment &lt; 0.5 (0–3); prednisolone ≤ 5 mg/day (abstract; Table 2 says &lt; 5 — see <see cref="DorisPrednisoneRule"/>);
/// antimalarials, immunosuppressives and biologics allowed when stable. No duration requirement. Stroma reads clinical
/// SLEDAI from SLEDAI-2K. See docs/instruments/doris_2021.md.
/// </summary>
public static class Doris2021
{
    public const string Name = "DORIS 2021 remission";

    public const string Version = "2021.1";

    public const string Citation = "van Vollenhoven RF, Bertsias G, Doria A, et al. Lupus Sci Med 2021;8(1):e000538.";

    /// <summary>PGA must be below this (strictly), 0–3.</summary>
    public const decimal PgaBelow = 0.5m;

    /// <summary>The glucocorticoid limit, mg/day; inclusive or not per <see cref="DorisPrednisoneRule"/>.</summary>
    public const decimal PrednisoneLimitMgPerDay = 5m;

    /// <summary>The recorded rule choice for a glucocorticoid rule.</summary>
    public static RuleChoice Describe(DorisPrednisoneRule rule) => rule switch
    {
        DorisPrednisoneRule.AtMost5 => new RuleChoice("prednisone_rule", "at_most_5", "2021.1", "prednisolone ≤ 5 mg/day (DORIS 2021 abstract)"),
        DorisPrednisoneRule.Below5 => new RuleChoice("prednisone_rule", "below_5", "2021.1", "prednisolone < 5 mg/day (DORIS 2021 Table 2)"),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown DORIS prednisone rule."),
    };

    /// <summary>Assesses DORIS 2021 remission at one visit.</summary>
    public static CompositeResult Assess(Doris2021Input input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Sledai);
        var rule = Describe(input.PrednisoneRule);
        var issues = new List<Issue>();
        Composite.CheckPga(input.Pga, "pga", issues);
        Composite.CheckPrednisone(input.PrednisoneMgPerDay, "prednisone_mg_per_day", issues);
        if (issues.Count > 0)
        {
            return CompositeResult.Invalid(issues);
        }

        var clinical = input.Sledai.ClinicalTotal;
        var serology = input.Sledai.Present.Where(d => d.IsSerological).Select(d => d.Label).ToList();
        var clinicalNote = clinical == 0
            ? "clinical SLEDAI 0"
            : "clinical SLEDAI " + clinical + " > 0: " + string.Join(", ", input.Sledai.Present.Where(d => !d.IsSerological).Select(d => d.Label));
        if (serology.Count > 0)
        {
            clinicalNote += "; serology ignored (" + string.Join(", ", serology) + ")";
        }

        var pgaOk = input.Pga < PgaBelow;
        var dose = input.PrednisoneMgPerDay;
        var doseOk = input.PrednisoneRule == DorisPrednisoneRule.AtMost5 ? dose <= PrednisoneLimitMgPerDay : dose < PrednisoneLimitMgPerDay;
        var doseSign = input.PrednisoneRule == DorisPrednisoneRule.AtMost5 ? (doseOk ? "≤" : ">") : (doseOk ? "<" : "≥");
        var limitText = input.PrednisoneRule == DorisPrednisoneRule.AtMost5 ? "≤ 5" : "< 5";
        CriterionResult[] criteria =
        [
            new("clinical_sledai", "Clinical SLEDAI = 0 (serology ignored)", clinical == 0, clinicalNote),
            new("pga", "Evaluator's global assessment < 0.5 (0–3)", pgaOk, $"PGA {Composite.Text(input.Pga)} {(pgaOk ? "<" : "≥")} 0.5"),
            new("glucocorticoid", $"Prednisolone {limitText} mg/day", doseOk, $"{Composite.Text(dose)} mg/day {doseSign} 5 mg/day ({rule.Description})"),
            new("treatment_stable", "Antimalarials, immunosuppressives and biologics, if any, stable", input.TreatmentStable,
                input.TreatmentStable ? "attested stable (or none taken)" : "attested not stable"),
        ];
        return CompositeResult.From(criteria, [rule], issues);
    }

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score doris_2021</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        private const string RuleKey = "prednisone_rule";

        public string Key => "doris_2021";

        public string Name => Doris2021.Name;

        public string Version => Doris2021.Version;

        public string Citation => Doris2021.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            .. Sledai2k.Descriptors.Select(d => ItemDefinition.Flag(d.Key, d.Label,
                $"SLEDAI-2K descriptor at this visit ({d.Weight} points{(d.IsSerological ? "; serological, ignored by DORIS" : "")}). {d.Definition}")),
            Composite.PgaItem(baseline: false),
            Composite.PrednisoneItem(),
            ItemDefinition.Flag("treatment_stable", "Other treatment stable",
                "Clinician-attested: any antimalarials, immunosuppressives and biologics are at stable doses (true when none are taken).", required: true),
            ItemDefinition.Choice(RuleKey, "Glucocorticoid rule",
                "at_most_5 (default): prednisolone ≤ 5 mg/day as in the DORIS 2021 abstract; below_5: < 5 mg/day as in the paper's Table 2.",
                ["at_most_5", "below_5"]),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var present = Sledai2k.Descriptors.Where(d => reader.Flag(d.Key)).Select(d => d.Descriptor).ToHashSet();
            var pga = reader.Number("pga");
            var prednisone = reader.Number("prednisone_mg_per_day");
            var stable = reader.OptionalFlag("treatment_stable");
            var rule = reader.Choice(RuleKey) == "below_5" ? DorisPrednisoneRule.Below5 : DorisPrednisoneRule.AtMost5;
            if (reader.HasErrors || pga is null || prednisone is null || stable is null)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var sledai = Sledai2k.Score(new Sledai2kInput(present));
            var result = Assess(new Doris2021Input(sledai, pga.Value, prednisone.Value, stable.Value, rule));
            return Composite.ToScoreResult(this, result with { Issues = [.. reader.Issues, .. result.Issues] },
                "DORIS 2021 remission", "DORIS remission met", "DORIS remission not met",
                [new Subtotal("clinical_sledai", "Clinical SLEDAI (without anti-dsDNA and complement)", sledai.ClinicalTotal),
                 new Subtotal("pga", "PGA", pga)]);
        }
    }
}
