using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>The 24 SLEDAI-2K descriptors, in the order of the published form.</summary>
public enum Sledai2kDescriptor
{
    Seizure,
    Psychosis,
    OrganicBrainSyndrome,
    VisualDisturbance,
    CranialNerveDisorder,
    LupusHeadache,
    CerebrovascularAccident,
    Vasculitis,
    Arthritis,
    Myositis,
    UrinaryCasts,
    Hematuria,
    Proteinuria,
    Pyuria,
    Rash,
    Alopecia,
    MucosalUlcers,
    Pleurisy,
    Pericarditis,
    LowComplement,
    IncreasedDnaBinding,
    Fever,
    Thrombocytopenia,
    Leukopenia,
}

/// <summary>Organ domains of SLEDAI-2K descriptors, as LLDAS ("no activity in major organ systems") needs them.</summary>
public enum SledaiDomain
{
    CentralNervousSystem,
    Vascular,
    Musculoskeletal,
    Renal,
    Mucocutaneous,
    Serosal,
    Immunological,
    Constitutional,
    Haematological,
}

/// <summary>The recall window: the published 10 days, or the validated 30-day variant.</summary>
public enum SledaiWindow
{
    /// <summary>Present at the visit or in the preceding 10 days (Gladman 2002).</summary>
    TenDays = 10,

    /// <summary>Present in the preceding 30 days (Touma, Urowitz, Gladman. Lupus 2010;19:49-51).</summary>
    ThirtyDays = 30,
}

/// <summary>One descriptor's definition: key, published name, weight and the glossary wording (abridged).</summary>
public sealed record Sledai2kDescriptorDefinition(
    Sledai2kDescriptor Descriptor,
    string Key,
    string Label,
    int Weight,
    SledaiDomain Domain,
    string Definition)
{
    /// <summary>Serological descriptors (low complement, increased DNA binding): excluded from clinical SLEDAI.</summary>
    public bool IsSerological => Descriptor is Sledai2kDescriptor.LowComplement or Sledai2kDescriptor.IncreasedDnaBinding;
}

/// <summary>Input to SLEDAI-2K: the descriptors the physician recorded as present in the window.</summary>
/// <param name="Present">Descriptors present (attributable to SLE, per each definition's exclusions).</param>
/// <param name="Window">The recall window; 10 days unless the study uses the 30-day variant.</param>
public sealed record Sledai2kInput(IReadOnlySet<Sledai2kDescriptor> Present, SledaiWindow Window = SledaiWindow.TenDays)
{
    /// <summary>Lab-suggested descriptors that a person confirmed (kept so the record shows where each came from).</summary>
    public IReadOnlySet<Sledai2kDescriptor> ConfirmedFromLabSuggestion { get; init; } = new HashSet<Sledai2kDescriptor>();
}

/// <summary>A SLEDAI-2K score.</summary>
/// <param name="Total">0–105.</param>
/// <param name="ClinicalTotal">The total without low complement and increased DNA binding (clinical SLEDAI, used by DORIS).</param>
/// <param name="Window">The recall window used.</param>
/// <param name="Present">Present descriptors with their weights, in form order.</param>
public sealed record Sledai2kResult(int Total, int ClinicalTotal, SledaiWindow Window, IReadOnlyList<Sledai2kDescriptorDefinition> Present)
{
    /// <summary>True if any present descriptor belongs to the domain.</summary>
    public bool HasActivityIn(SledaiDomain domain) => Present.Any(d => d.Domain == domain);
}

/// <summary>
/// SLEDAI-2K: Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000.
/// J Rheumatol 2002;29(2):288-91. 24 descriptors weighted 8 (eight), 4 (six), 2 (seven) and 1 (three): total 0–105.
/// Rash, alopecia, mucosal ulcers and proteinuria count when present, not only when new or recurrent.
/// The 30-day variant: Touma Z, Urowitz MB, Gladman DD. Lupus 2010;19(1):49-51 (same descriptors and weights).
/// Weights checked against two independent tables: HHE Rheumatology 2019 Table 4 (all 24 items) and
/// medicalcriteria.com/web/reusledai (8- and 4-point items). See docs/instruments/sledai2k.md.
/// </summary>
public static class Sledai2k
{
    public const string Name = "SLEDAI-2K";

    /// <summary>Implementation version stored with each score; bump when the algorithm's behaviour changes.</summary>
    public const string Version = "2002.1";

    public const string Citation = "Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91; 30-day window: Touma Z et al. Lupus 2010;19:49-51.";

    /// <summary>Highest possible total: 8×8 + 6×4 + 7×2 + 3×1.</summary>
    public const int MaximumTotal = 105;

    /// <summary>The 24 descriptors in form order with weights and abridged glossary definitions.</summary>
    public static IReadOnlyList<Sledai2kDescriptorDefinition> Descriptors { get; } =
    [
        new(Sledai2kDescriptor.Seizure, "seizure", "Seizure", 8, SledaiDomain.CentralNervousSystem,
            "Recent onset; excludes metabolic, infectious or drug causes."),
        new(Sledai2kDescriptor.Psychosis, "psychosis", "Psychosis", 8, SledaiDomain.CentralNervousSystem,
            "Severe disturbance in perception of reality (hallucinations, incoherence, loose associations, illogical thinking, bizarre, disorganised or catatonic behaviour); excludes uraemia and drugs."),
        new(Sledai2kDescriptor.OrganicBrainSyndrome, "organic_brain_syndrome", "Organic brain syndrome", 8, SledaiDomain.CentralNervousSystem,
            "Rapid-onset, fluctuating impairment of orientation, memory or other intellectual function, with clouding of consciousness and at least two of: perceptual disturbance, incoherent speech, insomnia or daytime drowsiness, psychomotor change; excludes metabolic, infectious or drug causes."),
        new(Sledai2kDescriptor.VisualDisturbance, "visual_disturbance", "Visual disturbance", 8, SledaiDomain.CentralNervousSystem,
            "Retinal changes of SLE: cytoid bodies, retinal haemorrhages, serous exudate or haemorrhage in the choroid, or optic neuritis; excludes hypertension, infection or drug causes."),
        new(Sledai2kDescriptor.CranialNerveDisorder, "cranial_nerve_disorder", "Cranial nerve disorder", 8, SledaiDomain.CentralNervousSystem,
            "New onset of sensory or motor neuropathy involving cranial nerves."),
        new(Sledai2kDescriptor.LupusHeadache, "lupus_headache", "Lupus headache", 8, SledaiDomain.CentralNervousSystem,
            "Severe, persistent headache; may be migrainous; unresponsive to narcotic analgesia."),
        new(Sledai2kDescriptor.CerebrovascularAccident, "cerebrovascular_accident", "Cerebrovascular accident", 8, SledaiDomain.CentralNervousSystem,
            "New cerebrovascular accident; excludes arteriosclerosis."),
        new(Sledai2kDescriptor.Vasculitis, "vasculitis", "Vasculitis", 8, SledaiDomain.Vascular,
            "Ulceration, gangrene, tender finger nodules, periungual infarction, splinter haemorrhages, or biopsy or angiogram proof of vasculitis."),
        new(Sledai2kDescriptor.Arthritis, "arthritis", "Arthritis", 4, SledaiDomain.Musculoskeletal,
            "Joints with pain and signs of inflammation (tenderness, swelling or effusion); the joint count is the physician's judgement against the glossary (sources differ: more than 2 vs at least 2)."),
        new(Sledai2kDescriptor.Myositis, "myositis", "Myositis", 4, SledaiDomain.Musculoskeletal,
            "Proximal muscle aching or weakness with raised CK or aldolase, electromyogram changes, or a biopsy showing myositis."),
        new(Sledai2kDescriptor.UrinaryCasts, "urinary_casts", "Urinary casts", 4, SledaiDomain.Renal,
            "Heme-granular or red blood cell casts."),
        new(Sledai2kDescriptor.Hematuria, "hematuria", "Haematuria", 4, SledaiDomain.Renal,
            "More than 5 red blood cells per high-power field; excludes stone, infection or other cause."),
        new(Sledai2kDescriptor.Proteinuria, "proteinuria", "Proteinuria", 4, SledaiDomain.Renal,
            "More than 0.5 g/24 h (counts when present, not only when new)."),
        new(Sledai2kDescriptor.Pyuria, "pyuria", "Pyuria", 4, SledaiDomain.Renal,
            "More than 5 white blood cells per high-power field; excludes infection."),
        new(Sledai2kDescriptor.Rash, "rash", "Rash", 2, SledaiDomain.Mucocutaneous,
            "Inflammatory-type rash (counts when present, not only when new)."),
        new(Sledai2kDescriptor.Alopecia, "alopecia", "Alopecia", 2, SledaiDomain.Mucocutaneous,
            "Abnormal, patchy or diffuse loss of hair (counts when present, not only when new)."),
        new(Sledai2kDescriptor.MucosalUlcers, "mucosal_ulcers", "Mucosal ulcers", 2, SledaiDomain.Mucocutaneous,
            "Oral or nasal ulcerations (counts when present, not only when new)."),
        new(Sledai2kDescriptor.Pleurisy, "pleurisy", "Pleurisy", 2, SledaiDomain.Serosal,
            "Pleuritic chest pain with pleural rub or effusion, or pleural thickening."),
        new(Sledai2kDescriptor.Pericarditis, "pericarditis", "Pericarditis", 2, SledaiDomain.Serosal,
            "Pericardial pain with at least one of rub, effusion, or electrocardiogram or echocardiogram confirmation."),
        new(Sledai2kDescriptor.LowComplement, "low_complement", "Low complement", 2, SledaiDomain.Immunological,
            "Decrease in CH50, C3 or C4 below the lower limit of the testing laboratory's normal range."),
        new(Sledai2kDescriptor.IncreasedDnaBinding, "increased_dna_binding", "Increased DNA binding", 2, SledaiDomain.Immunological,
            "Anti-dsDNA above the testing laboratory's normal range."),
        new(Sledai2kDescriptor.Fever, "fever", "Fever", 1, SledaiDomain.Constitutional,
            "Temperature above 38 °C; excludes infectious cause."),
        new(Sledai2kDescriptor.Thrombocytopenia, "thrombocytopenia", "Thrombocytopenia", 1, SledaiDomain.Haematological,
            "Platelets below 100×10^9/L; excludes drug causes."),
        new(Sledai2kDescriptor.Leukopenia, "leukopenia", "Leukopenia", 1, SledaiDomain.Haematological,
            "White blood cells below 3×10^9/L; excludes drug causes."),
    ];

    /// <summary>The definition of one descriptor.</summary>
    public static Sledai2kDescriptorDefinition Definition(Sledai2kDescriptor descriptor) => Descriptors[(int)descriptor];

    /// <summary>Scores SLEDAI-2K: the sum of the weights of the present descriptors.</summary>
    public static Sledai2kResult Score(Sledai2kInput input)
    {
        Preconditions.NotNull(input);
        Preconditions.Requires(Enum.IsDefined(input.Window), "Unknown SLEDAI window.");
        Preconditions.NotNull(input.Present);
        Preconditions.Requires(input.Present.All(Enum.IsDefined), "Unknown SLEDAI-2K descriptor.");
        var present = Descriptors.Where(d => input.Present.Contains(d.Descriptor)).ToList();
        var total = present.Sum(d => d.Weight);
        var clinical = present.Where(d => !d.IsSerological).Sum(d => d.Weight);
        return new Sledai2kResult(total, clinical, input.Window, present);
    }

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score sledai2k</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        private const string WindowKey = "window_days";
        private const string ConfirmedKey = "lab_confirmed";

        public string Key => "sledai2k";

        public string Name => Sledai2k.Name;

        public string Version => Sledai2k.Version;

        public string Citation => Sledai2k.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            .. Descriptors.Select(d => ItemDefinition.Flag(d.Key, d.Label, $"{d.Weight} points. {d.Definition}")),
            ItemDefinition.Choice(WindowKey, "Recall window (days)",
                "10 (default, Gladman 2002) or 30 (Touma 2010 variant).", ["10", "30"]),
            new ItemDefinition(ConfirmedKey, "Lab-suggested descriptors confirmed", ItemKind.Text, false,
                "Keys of descriptors that were suggested from lab results and confirmed by a person, separated by spaces or semicolons; each must also be marked present."),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var present = Descriptors.Where(d => reader.Flag(d.Key)).Select(d => d.Descriptor).ToHashSet();
            var window = reader.Choice(WindowKey) == "30" ? SledaiWindow.ThirtyDays : SledaiWindow.TenDays;
            var confirmed = new HashSet<Sledai2kDescriptor>();
            foreach (var key in (reader.Text(ConfirmedKey) ?? "").Split([' ', ';', ','], StringSplitOptions.RemoveEmptyEntries))
            {
                var definition = Descriptors.FirstOrDefault(d => d.Key == key);
                if (definition is null)
                {
                    reader.Report(Issue.Error(IssueCodes.NotAChoice, ConfirmedKey,
                        $"Item '{ConfirmedKey}': \"{key}\" is not a SLEDAI-2K descriptor key."));
                }
                else if (!present.Contains(definition.Descriptor))
                {
                    reader.Report(Issue.Error(IssueCodes.Contradiction, ConfirmedKey,
                        $"Item '{ConfirmedKey}': \"{key}\" is listed as a confirmed lab suggestion but '{key}' is not marked present."));
                }
                else
                {
                    confirmed.Add(definition.Descriptor);
                }
            }

            if (reader.HasErrors)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var result = Sledai2k.Score(new Sledai2kInput(present, window) { ConfirmedFromLabSuggestion = confirmed });
            var algorithm = window == SledaiWindow.TenDays ? "SLEDAI-2K, 10-day window" : "SLEDAI-2K, 30-day window (Touma 2010)";
            var explanation = result.Present.Count == 0
                ? "No descriptor present: SLEDAI-2K 0."
                : $"SLEDAI-2K {result.Total} = " + string.Join(" + ", result.Present.Select(d => $"{d.Label} {d.Weight}"))
                  + $"; clinical SLEDAI (without serology) {result.ClinicalTotal}.";
            return new ScoreResult(
                Key, algorithm, Version, result.Total, null,
                [.. result.Present.Select(d => new ItemContribution(d.Key, d.Label, d.Weight,
                    confirmed.Contains(d.Descriptor) ? "suggested from lab results, confirmed" : null))],
                [new Subtotal("clinical_sledai", "Clinical SLEDAI (without anti-dsDNA and complement)", result.ClinicalTotal),
                 new Subtotal("window_days", "Recall window (days)", ((int)window))],
                explanation,
                reader.Issues);
        }
    }
}
