using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>The 17 SLICC 2012 criteria: 11 clinical, then 6 immunological, in published order (Petri 2012, Table 3).</summary>
public enum Slicc2012Criterion
{
    AcuteCutaneousLupus,
    ChronicCutaneousLupus,
    OralOrNasalUlcers,
    NonScarringAlopecia,
    Synovitis,
    Serositis,
    Renal,
    Neurological,
    HemolyticAnemia,
    LeukopeniaOrLymphopenia,
    Thrombocytopenia,
    Ana,
    AntiDsDna,
    AntiSm,
    AntiphospholipidAntibody,
    LowComplement,
    DirectCoombs,
}

/// <summary>One SLICC criterion: key, published name, whether it is clinical, and the published definition (abridged).</summary>
public sealed record Slicc2012CriterionDefinition(
    Slicc2012Criterion Criterion,
    string Key,
    string Label,
    bool IsClinical,
    string Definition);

/// <summary>
/// Input to the SLICC 2012 criteria. Each criterion is the clinician's attestation that it was present at least once
/// (criteria are cumulative and need not be concurrent), in the absence of the other causes its definition names.
/// Laboratory criteria (leukopenia &lt; 4000/mm³ or lymphopenia &lt; 1000/mm³, thrombocytopenia &lt; 100,000/mm³,
/// proteinuria representing 500 mg/24 h) are attested yes/no, not computed from numbers here.
/// </summary>
/// <param name="Present">The attested criteria.</param>
/// <param name="BiopsyProvenLupusNephritis">Lupus nephritis proven by renal biopsy (the stand-alone rule).</param>
public sealed record Slicc2012Input(IReadOnlySet<Slicc2012Criterion> Present, bool BiopsyProvenLupusNephritis = false);

/// <summary>A SLICC 2012 classification.</summary>
/// <param name="Counted">Criteria that count, in published order.</param>
/// <param name="NotCounted">Criteria recorded but not counted (direct Coombs together with haemolytic anaemia).</param>
/// <param name="ClinicalCount">Counted clinical criteria (0–11).</param>
/// <param name="ImmunologicalCount">Counted immunological criteria (0–6).</param>
/// <param name="BiopsyProvenLupusNephritis">As recorded.</param>
/// <param name="MeetsCountRule">≥ 4 criteria with ≥ 1 clinical and ≥ 1 immunological.</param>
/// <param name="MeetsBiopsyRule">Biopsy-proven lupus nephritis with ANA or anti-dsDNA.</param>
public sealed record Slicc2012Result(
    IReadOnlyList<Slicc2012CriterionDefinition> Counted,
    IReadOnlyList<Slicc2012CriterionDefinition> NotCounted,
    int ClinicalCount,
    int ImmunologicalCount,
    bool BiopsyProvenLupusNephritis,
    bool MeetsCountRule,
    bool MeetsBiopsyRule)
{
    /// <summary>Counted criteria (0–17).</summary>
    public int Total => ClinicalCount + ImmunologicalCount;

    /// <summary>True when classified as SLE by either rule.</summary>
    public bool Classified => MeetsCountRule || MeetsBiopsyRule;

    /// <summary>Which rule classified, or why neither did.</summary>
    public string Explanation
    {
        get
        {
            var counts = $"{Total} criteria ({ClinicalCount} clinical, {ImmunologicalCount} immunological)";
            if (MeetsCountRule && MeetsBiopsyRule)
            {
                return $"Classified as SLE (SLICC 2012) by both rules: {counts}, ≥ 4 with ≥ 1 clinical and ≥ 1 immunological; and biopsy-proven lupus nephritis with ANA or anti-dsDNA.";
            }

            if (MeetsCountRule)
            {
                return $"Classified as SLE (SLICC 2012): {counts}, ≥ 4 with ≥ 1 clinical and ≥ 1 immunological.";
            }

            if (MeetsBiopsyRule)
            {
                return $"Classified as SLE (SLICC 2012): biopsy-proven lupus nephritis with ANA or anti-dsDNA ({counts}).";
            }

            var reasons = new List<string>();
            if (Total < Slicc2012.MinimumCriteria)
            {
                reasons.Add($"{Total} < {Slicc2012.MinimumCriteria} criteria");
            }

            if (ClinicalCount == 0)
            {
                reasons.Add("no clinical criterion");
            }

            if (ImmunologicalCount == 0)
            {
                reasons.Add("no immunological criterion");
            }

            var biopsy = BiopsyProvenLupusNephritis
                ? "biopsy-proven lupus nephritis recorded but neither ANA nor anti-dsDNA"
                : "no biopsy-proven lupus nephritis";
            return $"Not classified (SLICC 2012): {counts}: {string.Join(" and ", reasons)}; {biopsy}.";
        }
    }
}

/// <summary>
/// SLICC 2012 classification criteria for systemic lupus erythematosus: Petri M, Orbai AM, Alarcón GS, et al.
/// Derivation and validation of the Systemic Lupus International Collaborating Clinics classification criteria for
/// systemic lupus erythematosus. Arthritis Rheum 2012;64(8):2677-86 (doi 10.1002/art.34473; PMC3409311, Table 3).
/// 17 criteria (11 clinical, 6 immunological), cumulative. Classified as SLE with ≥ 4 criteria including ≥ 1 clinical
/// and ≥ 1 immunological, or with biopsy-proven lupus nephritis in the presence of ANA or anti-dsDNA. The direct
/// Coombs criterion counts only in the absence of haemolytic anaemia. See docs/instruments/slicc_2012.md.
/// </summary>
public static class Slicc2012
{
    public const string Name = "SLICC 2012 SLE classification criteria";

    /// <summary>Implementation version stored with each result; bump when the algorithm's behaviour changes.</summary>
    public const string Version = "2012.1";

    public const string Citation = "Petri M et al. Derivation and validation of the SLICC classification criteria for SLE. Arthritis Rheum 2012;64:2677-86.";

    /// <summary>The count rule needs at least this many criteria.</summary>
    public const int MinimumCriteria = 4;

    /// <summary>The 17 criteria in published order with abridged definitions.</summary>
    public static IReadOnlyList<Slicc2012CriterionDefinition> Criteria { get; } =
    [
        new(Slicc2012Criterion.AcuteCutaneousLupus, "acute_cutaneous_lupus", "Acute cutaneous lupus", true,
            "Lupus malar rash (not if malar discoid), bullous lupus, toxic epidermal necrolysis variant of SLE, maculopapular or photosensitive lupus rash, in the absence of dermatomyositis; or subacute cutaneous lupus."),
        new(Slicc2012Criterion.ChronicCutaneousLupus, "chronic_cutaneous_lupus", "Chronic cutaneous lupus", true,
            "Classic discoid rash (localised or generalised), hypertrophic (verrucous) lupus, lupus panniculitis (profundus), mucosal lupus, lupus tumidus, chilblain lupus, or discoid lupus/lichen planus overlap."),
        new(Slicc2012Criterion.OralOrNasalUlcers, "oral_or_nasal_ulcers", "Oral or nasal ulcers", true,
            "Palate, buccal, tongue or nasal ulcers, in the absence of other causes (vasculitis, Behçet's, herpes infection, inflammatory bowel disease, reactive arthritis, acidic foods)."),
        new(Slicc2012Criterion.NonScarringAlopecia, "non_scarring_alopecia", "Non-scarring alopecia", true,
            "Diffuse thinning or hair fragility with visible broken hairs, in the absence of other causes (alopecia areata, drugs, iron deficiency, androgenic alopecia)."),
        new(Slicc2012Criterion.Synovitis, "synovitis", "Synovitis", true,
            "Synovitis in ≥ 2 joints with swelling or effusion, or tenderness in ≥ 2 joints with ≥ 30 minutes of morning stiffness."),
        new(Slicc2012Criterion.Serositis, "serositis", "Serositis", true,
            "Typical pleurisy > 1 day, pleural effusion or rub; or typical pericardial pain > 1 day, pericardial effusion or rub, or pericarditis by ECG; in the absence of other causes (infection, uraemia, Dressler's)."),
        new(Slicc2012Criterion.Renal, "renal", "Renal", true,
            "Urine protein/creatinine ratio (or 24-hour urine protein) representing 500 mg protein/24 h, or red blood cell casts."),
        new(Slicc2012Criterion.Neurological, "neurological", "Neurological", true,
            "Seizures, psychosis, mononeuritis multiplex, myelitis, peripheral or cranial neuropathy, or acute confusional state, in the absence of other known causes."),
        new(Slicc2012Criterion.HemolyticAnemia, "hemolytic_anemia", "Haemolytic anaemia", true,
            "Haemolytic anaemia."),
        new(Slicc2012Criterion.LeukopeniaOrLymphopenia, "leukopenia_or_lymphopenia", "Leukopenia or lymphopenia", true,
            "Leukopenia < 4000/mm³ at least once (absent other known causes such as Felty's, drugs, portal hypertension), or lymphopenia < 1000/mm³ at least once (absent other known causes such as corticosteroids, drugs, infection)."),
        new(Slicc2012Criterion.Thrombocytopenia, "thrombocytopenia", "Thrombocytopenia", true,
            "Platelets < 100,000/mm³ at least once, in the absence of other known causes (drugs, portal hypertension, thrombotic thrombocytopenic purpura)."),
        new(Slicc2012Criterion.Ana, "ana", "ANA", false,
            "Antinuclear antibody above the laboratory reference range."),
        new(Slicc2012Criterion.AntiDsDna, "anti_dsdna", "Anti-dsDNA", false,
            "Anti-dsDNA above the laboratory reference range (or > 2-fold the reference range if tested by ELISA)."),
        new(Slicc2012Criterion.AntiSm, "anti_sm", "Anti-Sm", false,
            "Antibody to the Sm nuclear antigen."),
        new(Slicc2012Criterion.AntiphospholipidAntibody, "antiphospholipid_antibody", "Antiphospholipid antibody", false,
            "Lupus anticoagulant, false-positive RPR, medium or high titre anticardiolipin (IgA, IgG or IgM), or anti-β2-glycoprotein I (IgA, IgG or IgM)."),
        new(Slicc2012Criterion.LowComplement, "low_complement", "Low complement", false,
            "Low C3, low C4 or low CH50."),
        new(Slicc2012Criterion.DirectCoombs, "direct_coombs", "Direct Coombs test", false,
            "Positive direct Coombs test in the absence of haemolytic anaemia."),
    ];

    /// <summary>The definition of one criterion.</summary>
    public static Slicc2012CriterionDefinition Definition(Slicc2012Criterion criterion) => Criteria[(int)criterion];

    /// <summary>Classifies by the count rule (≥ 4, ≥ 1 clinical, ≥ 1 immunological) or the biopsy rule.</summary>
    public static Slicc2012Result Classify(Slicc2012Input input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Present);
        Preconditions.Requires(input.Present.All(Enum.IsDefined), "Unknown SLICC 2012 criterion.");

        var recorded = Criteria.Where(c => input.Present.Contains(c.Criterion)).ToList();

        // Direct Coombs is defined as "in the absence of haemolytic anaemia": with haemolytic anaemia it does not count.
        var coombsExcluded = input.Present.Contains(Slicc2012Criterion.DirectCoombs)
                             && input.Present.Contains(Slicc2012Criterion.HemolyticAnemia);
        var counted = recorded.Where(c => !(coombsExcluded && c.Criterion == Slicc2012Criterion.DirectCoombs)).ToList();
        var notCounted = recorded.Except(counted).ToList();

        var clinical = counted.Count(c => c.IsClinical);
        var immunological = counted.Count(c => !c.IsClinical);
        var countRule = clinical + immunological >= MinimumCriteria && clinical >= 1 && immunological >= 1;
        var biopsyRule = input.BiopsyProvenLupusNephritis
                         && (input.Present.Contains(Slicc2012Criterion.Ana) || input.Present.Contains(Slicc2012Criterion.AntiDsDna));
        return new Slicc2012Result(counted, notCounted, clinical, immunological, input.BiopsyProvenLupusNephritis, countRule, biopsyRule);
    }

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score slicc_2012</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        private const string BiopsyKey = "biopsy_proven_lupus_nephritis";

        public string Key => "slicc_2012";

        public string Name => Slicc2012.Name;

        public string Version => Slicc2012.Version;

        public string Citation => Slicc2012.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            .. Criteria.Select(c => ItemDefinition.Flag(c.Key, c.Label,
                $"{(c.IsClinical ? "Clinical" : "Immunological")} criterion. {c.Definition} Attested by the clinician: present at least once.")),
            ItemDefinition.Flag(BiopsyKey, "Biopsy-proven lupus nephritis",
                "Lupus nephritis proven by renal biopsy. With ANA or anti-dsDNA it classifies as SLE on its own."),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var present = Criteria.Where(c => reader.Flag(c.Key)).Select(c => c.Criterion).ToHashSet();
            var biopsy = reader.Flag(BiopsyKey);
            if (reader.HasErrors)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var result = Classify(new Slicc2012Input(present, biopsy));
            foreach (var c in result.NotCounted)
            {
                reader.Report(Issue.Info(IssueCodes.ClassificationCoombsWithHemolyticAnemia, c.Key,
                    $"Item '{c.Key}' ({c.Label}) is recorded with haemolytic anaemia; SLICC counts a positive direct Coombs test only in the absence of haemolytic anaemia, so it is not counted."));
            }

            var rule = (result.MeetsCountRule, result.MeetsBiopsyRule) switch
            {
                (true, true) => "both",
                (true, false) => "count",
                (false, true) => "biopsy",
                _ => null,
            };
            return new ScoreResult(
                Key, Name, Version, result.Total,
                result.Classified ? "SLE" : "not classified",
                [
                    .. result.Counted.Select(c => new ItemContribution(c.Key, c.Label, 1m, c.IsClinical ? "clinical" : "immunological")),
                    .. result.NotCounted.Select(c => new ItemContribution(c.Key, c.Label, 0m,
                        "recorded, not counted: counts only in the absence of haemolytic anaemia")),
                ],
                [
                    new Subtotal("clinical_criteria", "Clinical criteria counted", result.ClinicalCount),
                    new Subtotal("immunological_criteria", "Immunological criteria counted", result.ImmunologicalCount),
                    new Subtotal("count_rule", "≥ 4 criteria with ≥ 1 clinical and ≥ 1 immunological", null, result.MeetsCountRule ? "met" : "not met"),
                    new Subtotal("biopsy_rule", "Biopsy-proven lupus nephritis with ANA or anti-dsDNA", null, result.MeetsBiopsyRule ? "met" : "not met"),
                    new Subtotal("classified_by", "Rule that classified", null, rule ?? "none"),
                ],
                result.Explanation,
                reader.Issues);
        }
    }
}
