using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>The ten domains of the 2019 EULAR/ACR criteria: seven clinical, then three immunological, in published order.</summary>
public enum EularAcr2019Domain
{
    Constitutional,
    Haematological,
    Neuropsychiatric,
    Mucocutaneous,
    Serosal,
    Musculoskeletal,
    Renal,
    AntiphospholipidAntibodies,
    ComplementProteins,
    SleSpecificAntibodies,
}

/// <summary>
/// The 21 additive (weighted) criteria of the 2019 EULAR/ACR classification criteria, in published order. With the
/// ANA entry criterion (<see cref="EularAcr2019Input.AnaEntryCriterion"/>) they make the 22 items of the criteria set.
/// </summary>
public enum EularAcr2019Criterion
{
    Fever,
    Leukopenia,
    Thrombocytopenia,
    AutoimmuneHemolysis,
    Delirium,
    Psychosis,
    Seizure,
    NonScarringAlopecia,
    OralUlcers,
    SubacuteCutaneousOrDiscoidLupus,
    AcuteCutaneousLupus,
    PleuralOrPericardialEffusion,
    AcutePericarditis,
    JointInvolvement,
    Proteinuria,
    LupusNephritisClass2Or5,
    LupusNephritisClass3Or4,
    AntiphospholipidAntibodies,
    LowC3OrLowC4,
    LowC3AndLowC4,
    AntiDsDnaOrAntiSmith,
}

/// <summary>One criterion's definition: key, published name, domain, weight (2–10) and the published definition (abridged).</summary>
public sealed record EularAcr2019CriterionDefinition(
    EularAcr2019Criterion Criterion,
    string Key,
    string Label,
    EularAcr2019Domain Domain,
    int Weight,
    string Definition)
{
    /// <summary>True for the seven clinical domains; false for the three immunological ones.</summary>
    public bool IsClinical => EularAcr2019.IsClinical(Domain);
}

/// <summary>
/// Input to the 2019 EULAR/ACR criteria. Every criterion is the clinician's attestation: it occurred at least once
/// (criteria need not be simultaneous) and is not better explained by another cause. Laboratory criteria
/// (leukopenia &lt; 4.0×10^9/L, thrombocytopenia &lt; 100×10^9/L, proteinuria &gt; 0.5 g/24 h) are attested yes/no, not
/// computed from numbers here.
/// </summary>
/// <param name="AnaEntryCriterion">ANA ≥ 1:80 on HEp-2 cells or an equivalent positive test, at least once:
/// true, false, or null when not recorded. Without it (false or null) the patient is not classified.</param>
/// <param name="Present">The attested criteria.</param>
public sealed record EularAcr2019Input(bool? AnaEntryCriterion, IReadOnlySet<EularAcr2019Criterion> Present);

/// <summary>What one domain contributed: its highest-weighted recorded criterion counts, the others do not.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Points">Weight of the highest-weighted recorded criterion in the domain, or 0 when none was recorded.</param>
/// <param name="Counted">The criterion that counts, or null.</param>
/// <param name="NotCounted">Other recorded criteria of the domain (lower or equal weight): recorded but not counted.</param>
public sealed record EularAcr2019DomainScore(
    EularAcr2019Domain Domain,
    int Points,
    EularAcr2019CriterionDefinition? Counted,
    IReadOnlyList<EularAcr2019CriterionDefinition> NotCounted);

/// <summary>Why a patient was or was not classified as SLE.</summary>
public enum EularAcr2019Outcome
{
    /// <summary>Entry criterion met, at least one clinical criterion, total ≥ 10.</summary>
    Classified,

    /// <summary>ANA ≥ 1:80 ever was recorded as not met: the additive criteria are not applied.</summary>
    EntryCriterionNotMet,

    /// <summary>ANA ≥ 1:80 ever was not recorded: the additive criteria cannot be applied.</summary>
    EntryCriterionNotRecorded,

    /// <summary>Entry criterion met but no clinical criterion counts (whatever the total).</summary>
    NoClinicalCriterion,

    /// <summary>Entry criterion met, a clinical criterion counts, but the total is below 10.</summary>
    BelowThreshold,

    /// <summary>Entry criterion met but both no clinical criterion and a total below 10.</summary>
    NoClinicalCriterionAndBelowThreshold,
}

/// <summary>A 2019 EULAR/ACR classification.</summary>
/// <param name="EntryCriterion">The ANA entry criterion as recorded (null: not recorded).</param>
/// <param name="Total">Sum over the ten domains of each domain's highest weight (0–51). Computed whether or not the
/// entry criterion is met; it counts towards classification only when it is.</param>
/// <param name="ClinicalPoints">The part of <paramref name="Total"/> from the seven clinical domains.</param>
/// <param name="ImmunologicalPoints">The part of <paramref name="Total"/> from the three immunological domains.</param>
/// <param name="Domains">All ten domains in published order.</param>
/// <param name="Outcome">Classified, or why not.</param>
public sealed record EularAcr2019Result(
    bool? EntryCriterion,
    int Total,
    int ClinicalPoints,
    int ImmunologicalPoints,
    IReadOnlyList<EularAcr2019DomainScore> Domains,
    EularAcr2019Outcome Outcome)
{
    /// <summary>True when classified as SLE.</summary>
    public bool Classified => Outcome == EularAcr2019Outcome.Classified;

    /// <summary>True when at least one clinical criterion counts.</summary>
    public bool HasClinicalCriterion => Domains.Any(d => d.Counted is { IsClinical: true });

    /// <summary>Why the patient was or was not classified, in words (e.g. "12 ≥ 10", "no clinical criterion").</summary>
    public string Explanation => Outcome switch
    {
        EularAcr2019Outcome.Classified =>
            $"Classified as SLE (2019 EULAR/ACR): entry criterion met, at least one clinical criterion, {Total} ≥ {EularAcr2019.Threshold}.",
        EularAcr2019Outcome.EntryCriterionNotMet =>
            "Not classified: entry criterion not met (ANA ≥ 1:80 on HEp-2 cells or equivalent never positive); the additive criteria are not applied.",
        EularAcr2019Outcome.EntryCriterionNotRecorded =>
            "Not classified: entry criterion not recorded (ANA ≥ 1:80 on HEp-2 cells or equivalent, ever); the additive criteria are not applied.",
        EularAcr2019Outcome.NoClinicalCriterion =>
            $"Not classified: no clinical criterion (at least one is required), although {Total} ≥ {EularAcr2019.Threshold}.",
        EularAcr2019Outcome.BelowThreshold =>
            $"Not classified: {Total} < {EularAcr2019.Threshold}.",
        _ =>
            $"Not classified: no clinical criterion and {Total} < {EularAcr2019.Threshold}.",
    };
}

/// <summary>
/// 2019 EULAR/ACR classification criteria for systemic lupus erythematosus: Aringer M, Costenbader K, Daikh D, et al.
/// Ann Rheum Dis 2019;78:1151-9 and Arthritis Rheumatol 2019;71:1400-12. Entry criterion ANA ≥ 1:80 on HEp-2 cells
/// (or an equivalent positive test) at least once; then 21 additive criteria weighted 2–10 in 7 clinical and
/// 3 immunological domains. A criterion counts only if not better explained by another cause (the clinician attests
/// this per criterion); it need occur only once; within each domain only the highest-weighted criterion counts.
/// Classified as SLE with ≥ 10 points and at least one clinical criterion. Validation cohort: sensitivity 96.1%,
/// specificity 93.4%. Weights checked against the MSD Manual table of the criteria and two printed tables (docs/sources);
/// definitions against the paper's Table 1 (ard.bmj.com) as far as it could be read; the wording of some definitions
/// is UNCONFIRMED (listed in the docs page) but no weight or rule depends on it. See docs/instruments/eular_acr_2019.md.
/// </summary>
public static class EularAcr2019
{
    public const string Name = "2019 EULAR/ACR SLE classification criteria";

    /// <summary>Implementation version stored with each result; bump when the algorithm's behaviour changes.</summary>
    public const string Version = "2019.1";

    public const string Citation = "Aringer M et al. 2019 EULAR/ACR classification criteria for SLE. Ann Rheum Dis 2019;78:1151-9; Arthritis Rheumatol 2019;71:1400-12.";

    /// <summary>Classified as SLE at this many points or more (with the entry criterion and a clinical criterion).</summary>
    public const int Threshold = 10;

    /// <summary>Highest possible total: the sum of each domain's highest weight (2+4+5+6+6+6+10 + 2+4+6).</summary>
    public const int MaximumTotal = 51;

    /// <summary>The 21 weighted criteria in published order with domains, weights and abridged definitions.</summary>
    public static IReadOnlyList<EularAcr2019CriterionDefinition> Criteria { get; } =
    [
        new(EularAcr2019Criterion.Fever, "fever", "Fever", EularAcr2019Domain.Constitutional, 2,
            "Temperature > 38.3 °C."),
        new(EularAcr2019Criterion.Leukopenia, "leukopenia", "Leukopenia", EularAcr2019Domain.Haematological, 3,
            "White blood cell count < 4.0×10^9/L (< 4000/mm³)."),
        new(EularAcr2019Criterion.Thrombocytopenia, "thrombocytopenia", "Thrombocytopenia", EularAcr2019Domain.Haematological, 4,
            "Platelet count < 100×10^9/L (< 100,000/mm³)."),
        new(EularAcr2019Criterion.AutoimmuneHemolysis, "autoimmune_hemolysis", "Autoimmune haemolysis", EularAcr2019Domain.Haematological, 4,
            "Evidence of haemolysis (e.g. reticulocytosis, low haptoglobin, raised indirect bilirubin, raised LDH) and a positive direct Coombs (antiglobulin) test."),
        new(EularAcr2019Criterion.Delirium, "delirium", "Delirium", EularAcr2019Domain.Neuropsychiatric, 2,
            "Change in consciousness or arousal with reduced ability to focus, developing over hours to < 2 days, fluctuating through the day, with acute/subacute change in cognition or in behaviour, mood or affect."),
        new(EularAcr2019Criterion.Psychosis, "psychosis", "Psychosis", EularAcr2019Domain.Neuropsychiatric, 3,
            "Delusions and/or hallucinations without insight, in the absence of delirium."),
        new(EularAcr2019Criterion.Seizure, "seizure", "Seizure", EularAcr2019Domain.Neuropsychiatric, 5,
            "Primary generalised seizure or partial/focal seizure."),
        new(EularAcr2019Criterion.NonScarringAlopecia, "non_scarring_alopecia", "Non-scarring alopecia", EularAcr2019Domain.Mucocutaneous, 2,
            "Non-scarring alopecia observed by a clinician."),
        new(EularAcr2019Criterion.OralUlcers, "oral_ulcers", "Oral ulcers", EularAcr2019Domain.Mucocutaneous, 2,
            "Oral ulcers observed by a clinician."),
        new(EularAcr2019Criterion.SubacuteCutaneousOrDiscoidLupus, "subacute_cutaneous_or_discoid_lupus", "Subacute cutaneous or discoid lupus", EularAcr2019Domain.Mucocutaneous, 4,
            "Subacute cutaneous lupus (annular or papulosquamous eruption, usually photodistributed) or discoid lupus (erythematous-violaceous lesions with atrophic scarring, dyspigmentation), observed by a clinician; typical histology if biopsied."),
        new(EularAcr2019Criterion.AcuteCutaneousLupus, "acute_cutaneous_lupus", "Acute cutaneous lupus", EularAcr2019Domain.Mucocutaneous, 6,
            "Malar rash or generalised maculopapular rash observed by a clinician; typical histology if biopsied."),
        new(EularAcr2019Criterion.PleuralOrPericardialEffusion, "pleural_or_pericardial_effusion", "Pleural or pericardial effusion", EularAcr2019Domain.Serosal, 5,
            "Imaging evidence (ultrasound, X-ray, CT or MRI) of pleural or pericardial effusion, or both."),
        new(EularAcr2019Criterion.AcutePericarditis, "acute_pericarditis", "Acute pericarditis", EularAcr2019Domain.Serosal, 6,
            "At least two of: pericardial chest pain, pericardial rub, ECG with new widespread ST elevation or PR depression, new or worsened pericardial effusion on imaging."),
        new(EularAcr2019Criterion.JointInvolvement, "joint_involvement", "Joint involvement", EularAcr2019Domain.Musculoskeletal, 6,
            "Synovitis in ≥ 2 joints (swelling or effusion), or tenderness in ≥ 2 joints with ≥ 30 minutes of morning stiffness."),
        new(EularAcr2019Criterion.Proteinuria, "proteinuria", "Proteinuria > 0.5 g/24 h", EularAcr2019Domain.Renal, 4,
            "Proteinuria > 0.5 g/24 h by 24-hour urine or an equivalent spot urine protein-to-creatinine ratio."),
        new(EularAcr2019Criterion.LupusNephritisClass2Or5, "lupus_nephritis_class_2_or_5", "Renal biopsy class II or V lupus nephritis", EularAcr2019Domain.Renal, 8,
            "Renal biopsy: ISN/RPS 2003 class II (mesangial proliferative) or class V (membranous) lupus nephritis."),
        new(EularAcr2019Criterion.LupusNephritisClass3Or4, "lupus_nephritis_class_3_or_4", "Renal biopsy class III or IV lupus nephritis", EularAcr2019Domain.Renal, 10,
            "Renal biopsy: ISN/RPS 2003 class III (focal) or class IV (diffuse) lupus nephritis."),
        new(EularAcr2019Criterion.AntiphospholipidAntibodies, "antiphospholipid_antibodies", "Anticardiolipin or anti-β2GP1 antibodies or lupus anticoagulant", EularAcr2019Domain.AntiphospholipidAntibodies, 2,
            "Anticardiolipin (IgA, IgG or IgM) at medium or high titre, or positive anti-β2-glycoprotein I (IgA, IgG or IgM), or positive lupus anticoagulant."),
        new(EularAcr2019Criterion.LowC3OrLowC4, "low_c3_or_low_c4", "Low C3 or low C4", EularAcr2019Domain.ComplementProteins, 3,
            "C3 or C4 below the lower limit of normal."),
        new(EularAcr2019Criterion.LowC3AndLowC4, "low_c3_and_low_c4", "Low C3 and low C4", EularAcr2019Domain.ComplementProteins, 4,
            "Both C3 and C4 below their lower limits of normal."),
        new(EularAcr2019Criterion.AntiDsDnaOrAntiSmith, "anti_dsdna_or_anti_smith", "Anti-dsDNA or anti-Smith antibody", EularAcr2019Domain.SleSpecificAntibodies, 6,
            "Anti-dsDNA in an immunoassay with ≥ 90% specificity for SLE against relevant disease controls, or anti-Smith antibodies."),
    ];

    /// <summary>The definition of one criterion.</summary>
    public static EularAcr2019CriterionDefinition Definition(EularAcr2019Criterion criterion) => Criteria[(int)criterion];

    /// <summary>True for the seven clinical domains.</summary>
    public static bool IsClinical(EularAcr2019Domain domain) => domain <= EularAcr2019Domain.Renal;

    /// <summary>Classifies: highest weight per domain, summed; entry criterion, a clinical criterion and ≥ 10 points required.</summary>
    public static EularAcr2019Result Classify(EularAcr2019Input input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Present);
        Preconditions.Requires(input.Present.All(Enum.IsDefined), "Unknown EULAR/ACR 2019 criterion.");

        var domains = Enum.GetValues<EularAcr2019Domain>().Select(domain =>
        {
            // Highest weight first; ties keep published order, so the result does not depend on set order.
            var recorded = Criteria.Where(c => c.Domain == domain && input.Present.Contains(c.Criterion))
                .OrderByDescending(c => c.Weight).ToList();
            return recorded.Count == 0
                ? new EularAcr2019DomainScore(domain, 0, null, [])
                : new EularAcr2019DomainScore(domain, recorded[0].Weight, recorded[0], recorded.Skip(1).ToList());
        }).ToList();

        var clinical = domains.Where(d => IsClinical(d.Domain)).Sum(d => d.Points);
        var immunological = domains.Where(d => !IsClinical(d.Domain)).Sum(d => d.Points);
        var total = clinical + immunological;
        var hasClinical = domains.Any(d => IsClinical(d.Domain) && d.Counted is not null);

        var outcome = input.AnaEntryCriterion switch
        {
            null => EularAcr2019Outcome.EntryCriterionNotRecorded,
            false => EularAcr2019Outcome.EntryCriterionNotMet,
            true when hasClinical && total >= Threshold => EularAcr2019Outcome.Classified,
            true when hasClinical => EularAcr2019Outcome.BelowThreshold,
            true when total >= Threshold => EularAcr2019Outcome.NoClinicalCriterion,
            true => EularAcr2019Outcome.NoClinicalCriterionAndBelowThreshold,
        };

        return new EularAcr2019Result(input.AnaEntryCriterion, total, clinical, immunological, domains, outcome);
    }

    /// <summary>The snake_case key of a domain, as used in subtotals.</summary>
    public static string DomainKey(EularAcr2019Domain domain) => domain switch
    {
        EularAcr2019Domain.Constitutional => "constitutional",
        EularAcr2019Domain.Haematological => "hematologic",
        EularAcr2019Domain.Neuropsychiatric => "neuropsychiatric",
        EularAcr2019Domain.Mucocutaneous => "mucocutaneous",
        EularAcr2019Domain.Serosal => "serosal",
        EularAcr2019Domain.Musculoskeletal => "musculoskeletal",
        EularAcr2019Domain.Renal => "renal",
        EularAcr2019Domain.AntiphospholipidAntibodies => "antiphospholipid_antibodies",
        EularAcr2019Domain.ComplementProteins => "complement_proteins",
        EularAcr2019Domain.SleSpecificAntibodies => "sle_specific_antibodies",
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    /// <summary>The published English name of a domain.</summary>
    public static string DomainLabel(EularAcr2019Domain domain) => domain switch
    {
        EularAcr2019Domain.Constitutional => "Constitutional",
        EularAcr2019Domain.Haematological => "Haematological",
        EularAcr2019Domain.Neuropsychiatric => "Neuropsychiatric",
        EularAcr2019Domain.Mucocutaneous => "Mucocutaneous",
        EularAcr2019Domain.Serosal => "Serosal",
        EularAcr2019Domain.Musculoskeletal => "Musculoskeletal",
        EularAcr2019Domain.Renal => "Renal",
        EularAcr2019Domain.AntiphospholipidAntibodies => "Antiphospholipid antibodies",
        EularAcr2019Domain.ComplementProteins => "Complement proteins",
        EularAcr2019Domain.SleSpecificAntibodies => "SLE-specific antibodies",
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score eular_acr_2019</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        private const string AnaKey = "ana_at_least_1_80";

        public string Key => "eular_acr_2019";

        public string Name => EularAcr2019.Name;

        public string Version => EularAcr2019.Version;

        public string Citation => EularAcr2019.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            ItemDefinition.Flag(AnaKey, "Entry criterion: ANA ≥ 1:80 ever",
                "Antinuclear antibodies at a titre ≥ 1:80 on HEp-2 cells, or an equivalent positive test, at least once. Blank: not recorded (not classified, with warning CLS001)."),
            .. Criteria.Select(c => ItemDefinition.Flag(c.Key, c.Label,
                $"{DomainLabel(c.Domain)} domain, {c.Weight} points. {c.Definition} Attested by the clinician: occurred at least once and not better explained by another cause.")),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var ana = reader.OptionalFlag(AnaKey);
            var present = Criteria.Where(c => reader.Flag(c.Key)).Select(c => c.Criterion).ToHashSet();
            if (reader.HasErrors)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            if (ana is null)
            {
                reader.Report(Issue.Warning(IssueCodes.ClassificationEntryCriterionNotRecorded, AnaKey,
                    $"Item '{AnaKey}' (ANA ≥ 1:80 ever) is blank: the 2019 EULAR/ACR criteria are not applied and the patient is not classified; record true or false."));
            }

            var result = Classify(new EularAcr2019Input(ana, present));
            var applied = result.EntryCriterion == true;
            var contributions = new List<ItemContribution>();
            foreach (var domain in result.Domains.Where(d => d.Counted is not null))
            {
                var counted = domain.Counted!;
                contributions.Add(applied
                    ? new ItemContribution(counted.Key, counted.Label, counted.Weight,
                        $"{DomainLabel(domain.Domain)}: highest-weighted criterion in the domain")
                    : NotApplied(counted, result.Outcome));
                contributions.AddRange(domain.NotCounted.Select(c => applied
                    ? new ItemContribution(c.Key, c.Label, 0m,
                        $"recorded, not counted: only the highest-weighted criterion in the {DomainLabel(domain.Domain)} domain counts ({counted.Label} {counted.Weight})")
                    : NotApplied(c, result.Outcome)));
            }

            var recorded = result.Domains.SelectMany(d => d.Counted is null ? [] : (IEnumerable<EularAcr2019CriterionDefinition>)[d.Counted, .. d.NotCounted]).ToList();
            var explanation = result.Explanation;
            if (applied && result.Total > 0)
            {
                explanation += " Points: " + string.Join(" + ", result.Domains.Where(d => d.Counted is not null)
                    .Select(d => $"{d.Counted!.Label} {d.Points}")) + $" = {result.Total}.";
            }
            else if (!applied)
            {
                explanation += recorded.Count == 0
                    ? " No criterion recorded."
                    : " Recorded: " + string.Join(", ", recorded.Select(c => c.Label)) + ".";
            }

            return new ScoreResult(
                Key, Name, Version,
                applied ? result.Total : null,
                result.Classified ? "SLE" : "not classified",
                contributions,
                [
                    .. result.Domains.Select(d => new Subtotal(DomainKey(d.Domain), DomainLabel(d.Domain), applied ? d.Points : null)),
                    new Subtotal("clinical_points", "Clinical domains", applied ? result.ClinicalPoints : null),
                    new Subtotal("immunological_points", "Immunological domains", applied ? result.ImmunologicalPoints : null),
                ],
                explanation,
                reader.Issues);
        }

        private static ItemContribution NotApplied(EularAcr2019CriterionDefinition c, EularAcr2019Outcome outcome) =>
            new(c.Key, c.Label, 0m, $"recorded ({c.Weight} points), not counted: entry criterion (ANA ≥ 1:80) "
                + (outcome == EularAcr2019Outcome.EntryCriterionNotRecorded ? "not recorded" : "not met"));
    }
}
