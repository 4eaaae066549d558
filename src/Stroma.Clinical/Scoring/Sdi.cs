using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>The twelve organ systems of the SLICC/ACR Damage Index, in the order of the published form.</summary>
public enum SdiSystem
{
    Ocular,
    Neuropsychiatric,
    Renal,
    Pulmonary,
    Cardiovascular,
    PeripheralVascular,
    Gastrointestinal,
    Musculoskeletal,
    Skin,
    PrematureGonadalFailure,
    Diabetes,
    Malignancy,
}

/// <summary>The 41 items of the SLICC/ACR Damage Index, in the order of the published form.</summary>
public enum SdiItem
{
    Cataract,
    RetinalChangeOrOpticAtrophy,
    CognitiveImpairmentOrPsychosis,
    Seizures,
    CerebrovascularAccident,
    CranialOrPeripheralNeuropathy,
    TransverseMyelitis,
    GfrBelow50Percent,
    Proteinuria,
    EndStageRenalDisease,
    PulmonaryHypertension,
    PulmonaryFibrosis,
    ShrinkingLung,
    PleuralFibrosis,
    PulmonaryInfarction,
    AnginaOrCoronaryBypass,
    MyocardialInfarction,
    Cardiomyopathy,
    ValvularDisease,
    PericarditisOrPericardiectomy,
    Claudication,
    MinorTissueLoss,
    SignificantTissueLoss,
    VenousThrombosis,
    GastrointestinalInfarctionOrResection,
    MesentericInsufficiency,
    ChronicPeritonitis,
    StrictureOrUpperGiSurgery,
    PancreaticInsufficiency,
    MuscleAtrophyOrWeakness,
    DeformingOrErosiveArthritis,
    OsteoporosisWithFracture,
    AvascularNecrosis,
    Osteomyelitis,
    TendonRupture,
    ScarringChronicAlopecia,
    ExtensiveScarringOrPanniculum,
    SkinUlceration,
    PrematureGonadalFailure,
    Diabetes,
    Malignancy,
}

/// <summary>How an SDI item turns into points.</summary>
public enum SdiItemScoring
{
    /// <summary>Present or not: 1 point.</summary>
    OnePoint,

    /// <summary>"Score 2 if more than one": a count of events or sites; 1 event scores 1, more than one scores 2.</summary>
    OneOrTwo,

    /// <summary>End-stage renal disease: the renal system scores 3, standing in for the other renal items.</summary>
    EndStageRenal,
}

/// <summary>One SDI item: key, published name, system, how it scores, and the form wording (abridged).</summary>
/// <param name="Item">The item.</param>
/// <param name="Key">Stable snake_case key.</param>
/// <param name="Label">Published item name (English).</param>
/// <param name="System">The organ system it belongs to.</param>
/// <param name="Scoring">How it scores.</param>
/// <param name="Definition">The form's wording, abridged, with any duration the item itself states.</param>
public sealed record SdiItemDefinition(
    SdiItem Item,
    string Key,
    string Label,
    SdiSystem System,
    SdiItemScoring Scoring,
    string Definition)
{
    /// <summary>The most this item can add: 1, 2 for "score 2 if more than one" items, 3 for end-stage renal disease.</summary>
    public int MaximumPoints => Scoring switch
    {
        SdiItemScoring.OneOrTwo => 2,
        SdiItemScoring.EndStageRenal => 3,
        _ => 1,
    };

    /// <summary>Points for a number of occurrences (events or sites; 0 or 1 for a present/absent item).</summary>
    public int PointsFor(int occurrences) => occurrences <= 0 ? 0 : Scoring switch
    {
        SdiItemScoring.OneOrTwo => occurrences > 1 ? 2 : 1,
        SdiItemScoring.EndStageRenal => 3,
        _ => 1,
    };
}

/// <summary>One organ system: its key, name, Chinese name where the reference gives one, and published maximum.</summary>
/// <param name="System">The system.</param>
/// <param name="Key">Stable snake_case key (used as the subtotal key).</param>
/// <param name="Label">English name.</param>
/// <param name="ChineseLabel">Chinese name as seen on medix.cn (SLICC/ACR 损害指数), or null where none was seen.</param>
/// <param name="Maximum">The published per-system maximum.</param>
public sealed record SdiSystemDefinition(SdiSystem System, string Key, string Label, string? ChineseLabel, int Maximum);

/// <summary>
/// Input to the SDI: how many times each item occurred. Damage is an irreversible change present for at least
/// 6 months (unless the item says otherwise), since the onset of lupus, whatever its cause; the clinician attests
/// this by recording the item. Absent items may be left out.
/// </summary>
public sealed record SdiInput
{
    private readonly Dictionary<SdiItem, int> _occurrences;

    /// <param name="occurrences">
    /// Occurrences per item: 0 or 1 for a present/absent item; for "score 2 if more than one" items the number of
    /// events or sites (whether repeat events count is the clinician's judgement against the glossary). A negative
    /// number, an unknown item or more than 1 for a present/absent item is a programmer error and throws.
    /// </param>
    public SdiInput(IReadOnlyDictionary<SdiItem, int> occurrences)
    {
        Preconditions.NotNull(occurrences);
        foreach (var (item, count) in occurrences)
        {
            Preconditions.Requires(Enum.IsDefined(item), $"Unknown SDI item {item}.");
            Preconditions.Requires(count >= 0, $"SDI item {item}: occurrences must not be negative (got {count}).");
            Preconditions.Requires(count <= 1 || Sdi.Definition(item).Scoring == SdiItemScoring.OneOrTwo,
                $"SDI item {item} is present or absent (0 or 1), got {count}.");
        }

        _occurrences = occurrences.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>No damage.</summary>
    public static SdiInput None { get; } = new(new Dictionary<SdiItem, int>());

    /// <summary>Occurrences per item; only items that occurred.</summary>
    public IReadOnlyDictionary<SdiItem, int> Occurrences => _occurrences;

    /// <summary>An input with each given item present once.</summary>
    public static SdiInput Of(params SdiItem[] present) =>
        new(Preconditions.NotNull(present).Distinct().ToDictionary(i => i, _ => 1));

    /// <summary>This input with one item's occurrences set.</summary>
    public SdiInput With(SdiItem item, int occurrences) =>
        new(new Dictionary<SdiItem, int>(_occurrences) { [item] = occurrences });

    /// <summary>How many times the item occurred (0 when absent).</summary>
    public int OccurrencesOf(SdiItem item) => _occurrences.GetValueOrDefault(item);
}

/// <summary>What one present item added.</summary>
/// <param name="Definition">The item.</param>
/// <param name="Occurrences">Events or sites recorded (1 for a present/absent item).</param>
/// <param name="Points">Points it added (0 when end-stage renal disease stands in for it).</param>
/// <param name="Note">Why it added what it did, when that is not plain.</param>
public sealed record SdiItemScore(SdiItemDefinition Definition, int Occurrences, int Points, string? Note);

/// <summary>One organ system's points.</summary>
public sealed record SdiSystemScore(SdiSystemDefinition Definition, int Points);

/// <summary>An SDI score.</summary>
/// <param name="Total">0–47.</param>
/// <param name="Systems">All twelve systems in form order, with their points (0 when undamaged).</param>
/// <param name="Items">Each present item with what it added, in form order.</param>
/// <param name="Issues">Information about how the input was read (e.g. <c>SDI001</c>); never errors.</param>
public sealed record SdiResult(
    int Total,
    IReadOnlyList<SdiSystemScore> Systems,
    IReadOnlyList<SdiItemScore> Items,
    IReadOnlyList<Issue> Issues)
{
    /// <summary>Points of one system.</summary>
    public int PointsFor(SdiSystem system) => Systems.Single(s => s.Definition.System == system).Points;

    /// <summary>A readable account: the total and each damaged system with its items.</summary>
    public string Explanation
    {
        get
        {
            if (Items.Count == 0)
            {
                return "No damage recorded: SDI 0.";
            }

            var parts = Systems.Where(s => Items.Any(i => i.Definition.System == s.Definition.System)).Select(s =>
                $"{s.Definition.Label} {s.Points} (" + string.Join(", ", Items.Where(i => i.Definition.System == s.Definition.System)
                    .Select(i => $"{i.Definition.Label}{OccurrenceText(i)} {i.Points}")) + ")");
            return $"SDI {Total} = " + string.Join(" + ", parts) + ".";
        }
    }

    private static string OccurrenceText(SdiItemScore item) =>
        item.Definition.Scoring == SdiItemScoring.OneOrTwo ? $" ×{item.Occurrences.ToString(CultureInfo.InvariantCulture)}" : "";
}

/// <summary>
/// The SLICC/ACR Damage Index for SLE: Gladman D, Ginzler E, Goldsmith C, et al. The development and initial
/// validation of the Systemic Lupus International Collaborating Clinics/American College of Rheumatology damage
/// index for systemic lupus erythematosus. Arthritis Rheum 1996;39(3):363-9.
/// Damage is an irreversible change present for at least 6 months unless the item says otherwise, since lupus
/// onset, whatever the cause; the clinician attests it by recording the item. 41 items in 12 systems, total 0–47.
/// Items and points from the PhenX toolkit's SLE protocol table, HHE Rheumatology 2019 Table 5, the medix.cn
/// Chinese version with per-system maxima, and an open-source SDI form (docs/sources/README.md); tendon rupture is corroborated only by secondary sources (see
/// docs/instruments/sdi.md, "Open points"). End-stage renal disease makes the renal system score 3 (medix.cn:
/// "终末期肾病…则肾脏总的损害指数为3分"), standing in for GFR &lt; 50% and proteinuria.
/// </summary>
public static class Sdi
{
    public const string Name = "SLICC/ACR Damage Index";

    /// <summary>Implementation version stored with each score; bump when the algorithm's behaviour changes.</summary>
    public const string Version = "1996.1";

    public const string Citation = "Gladman D, Ginzler E, Goldsmith C, et al. Arthritis Rheum 1996;39:363-9.";

    /// <summary>Highest possible total: the sum of the twelve system maxima.</summary>
    public const int MaximumTotal = 47;

    /// <summary>The twelve systems in form order, with their published maxima.</summary>
    public static IReadOnlyList<SdiSystemDefinition> Systems { get; } =
    [
        new(SdiSystem.Ocular, "ocular", "Ocular", "眼睛", 2),
        new(SdiSystem.Neuropsychiatric, "neuropsychiatric", "Neuropsychiatric", "神经精神系统", 6),
        new(SdiSystem.Renal, "renal", "Renal", "肾脏", 3),
        new(SdiSystem.Pulmonary, "pulmonary", "Pulmonary", "肺脏", 5),
        new(SdiSystem.Cardiovascular, "cardiovascular", "Cardiovascular", "心血管", 6),
        new(SdiSystem.PeripheralVascular, "peripheral_vascular", "Peripheral vascular", "周围血管", 5),
        new(SdiSystem.Gastrointestinal, "gastrointestinal", "Gastrointestinal", "胃肠道", 6),
        new(SdiSystem.Musculoskeletal, "musculoskeletal", "Musculoskeletal", null, 7),
        new(SdiSystem.Skin, "skin", "Skin", null, 3),
        new(SdiSystem.PrematureGonadalFailure, "premature_gonadal_failure", "Premature gonadal failure", null, 1),
        new(SdiSystem.Diabetes, "diabetes", "Diabetes", null, 1),
        new(SdiSystem.Malignancy, "malignancy", "Malignancy", null, 2),
    ];

    /// <summary>The 41 items in form order.</summary>
    public static IReadOnlyList<SdiItemDefinition> Items { get; } =
    [
        new(SdiItem.Cataract, "cataract", "Any cataract ever", SdiSystem.Ocular, SdiItemScoring.OnePoint,
            "Any cataract ever, whatever the cause (primary or secondary to steroid therapy)."),
        new(SdiItem.RetinalChangeOrOpticAtrophy, "retinal_change_or_optic_atrophy", "Retinal change or optic atrophy", SdiSystem.Ocular, SdiItemScoring.OnePoint,
            "Retinal change documented by ophthalmoscopy, or optic atrophy."),
        new(SdiItem.CognitiveImpairmentOrPsychosis, "cognitive_impairment_or_psychosis", "Cognitive impairment or major psychosis", SdiSystem.Neuropsychiatric, SdiItemScoring.OnePoint,
            "Cognitive impairment (memory deficit, difficulty with calculation, poor concentration, difficulty with spoken or written language, impaired performance level) or major psychosis."),
        new(SdiItem.Seizures, "seizures", "Seizures requiring therapy for 6 months", SdiSystem.Neuropsychiatric, SdiItemScoring.OnePoint,
            "Seizures requiring therapy for 6 months."),
        new(SdiItem.CerebrovascularAccident, "cerebrovascular_accident", "Cerebrovascular accident ever", SdiSystem.Neuropsychiatric, SdiItemScoring.OneOrTwo,
            "Cerebrovascular accident ever (score 2 if more than one). Enter the number of events; whether a repeat event counts is the clinician's judgement."),
        new(SdiItem.CranialOrPeripheralNeuropathy, "cranial_or_peripheral_neuropathy", "Cranial or peripheral neuropathy", SdiSystem.Neuropsychiatric, SdiItemScoring.OnePoint,
            "Cranial or peripheral neuropathy, excluding optic neuropathy."),
        new(SdiItem.TransverseMyelitis, "transverse_myelitis", "Transverse myelitis", SdiSystem.Neuropsychiatric, SdiItemScoring.OnePoint,
            "Transverse myelitis."),
        new(SdiItem.GfrBelow50Percent, "gfr_below_50_percent", "Estimated or measured GFR < 50%", SdiSystem.Renal, SdiItemScoring.OnePoint,
            "Estimated or measured glomerular filtration rate below 50%."),
        new(SdiItem.Proteinuria, "proteinuria_3_5_g_24h", "Proteinuria ≥ 3.5 g/24 h", SdiSystem.Renal, SdiItemScoring.OnePoint,
            "Proteinuria of at least 3.5 g/24 h."),
        new(SdiItem.EndStageRenalDisease, "end_stage_renal_disease", "End-stage renal disease", SdiSystem.Renal, SdiItemScoring.EndStageRenal,
            "End-stage renal disease regardless of dialysis or transplantation: the renal system scores 3, in place of the other renal items."),
        new(SdiItem.PulmonaryHypertension, "pulmonary_hypertension", "Pulmonary hypertension", SdiSystem.Pulmonary, SdiItemScoring.OnePoint,
            "Pulmonary hypertension (right ventricular prominence or loud P2)."),
        new(SdiItem.PulmonaryFibrosis, "pulmonary_fibrosis", "Pulmonary fibrosis", SdiSystem.Pulmonary, SdiItemScoring.OnePoint,
            "Pulmonary fibrosis (physical examination and radiograph)."),
        new(SdiItem.ShrinkingLung, "shrinking_lung", "Shrinking lung", SdiSystem.Pulmonary, SdiItemScoring.OnePoint,
            "Shrinking lung (radiograph)."),
        new(SdiItem.PleuralFibrosis, "pleural_fibrosis", "Pleural fibrosis", SdiSystem.Pulmonary, SdiItemScoring.OnePoint,
            "Pleural fibrosis (radiograph)."),
        new(SdiItem.PulmonaryInfarction, "pulmonary_infarction", "Pulmonary infarction", SdiSystem.Pulmonary, SdiItemScoring.OnePoint,
            "Pulmonary infarction (radiograph). The Chinese version adds 'or resection not for malignancy' (unconfirmed)."),
        new(SdiItem.AnginaOrCoronaryBypass, "angina_or_coronary_bypass", "Angina or coronary artery bypass", SdiSystem.Cardiovascular, SdiItemScoring.OnePoint,
            "Angina or coronary artery bypass."),
        new(SdiItem.MyocardialInfarction, "myocardial_infarction", "Myocardial infarction ever", SdiSystem.Cardiovascular, SdiItemScoring.OneOrTwo,
            "Myocardial infarction ever (score 2 if more than one). Enter the number of events; whether a repeat event counts is the clinician's judgement."),
        new(SdiItem.Cardiomyopathy, "cardiomyopathy", "Cardiomyopathy", SdiSystem.Cardiovascular, SdiItemScoring.OnePoint,
            "Cardiomyopathy (ventricular dysfunction)."),
        new(SdiItem.ValvularDisease, "valvular_disease", "Valvular disease", SdiSystem.Cardiovascular, SdiItemScoring.OnePoint,
            "Valvular disease (diastolic murmur, or systolic murmur > 3/6)."),
        new(SdiItem.PericarditisOrPericardiectomy, "pericarditis_or_pericardiectomy", "Pericarditis for 6 months or pericardiectomy", SdiSystem.Cardiovascular, SdiItemScoring.OnePoint,
            "Pericarditis for 6 months, or pericardiectomy."),
        new(SdiItem.Claudication, "claudication", "Claudication for 6 months", SdiSystem.PeripheralVascular, SdiItemScoring.OnePoint,
            "Claudication for 6 months."),
        new(SdiItem.MinorTissueLoss, "minor_tissue_loss", "Minor tissue loss", SdiSystem.PeripheralVascular, SdiItemScoring.OnePoint,
            "Minor tissue loss (pulp space)."),
        new(SdiItem.SignificantTissueLoss, "significant_tissue_loss", "Significant tissue loss ever", SdiSystem.PeripheralVascular, SdiItemScoring.OneOrTwo,
            "Significant tissue loss ever, e.g. loss of digit or limb (score 2 if more than one site). Enter the number of sites."),
        new(SdiItem.VenousThrombosis, "venous_thrombosis", "Venous thrombosis with swelling, ulceration or venous stasis", SdiSystem.PeripheralVascular, SdiItemScoring.OnePoint,
            "Venous thrombosis with swelling, ulceration or venous stasis."),
        new(SdiItem.GastrointestinalInfarctionOrResection, "gi_infarction_or_resection", "Infarction or resection of bowel, spleen, liver or gallbladder ever", SdiSystem.Gastrointestinal, SdiItemScoring.OneOrTwo,
            "Infarction or resection of bowel below the duodenum, spleen, liver or gallbladder ever, for any cause (score 2 if more than one site). Enter the number of sites."),
        new(SdiItem.MesentericInsufficiency, "mesenteric_insufficiency", "Mesenteric insufficiency", SdiSystem.Gastrointestinal, SdiItemScoring.OnePoint,
            "Mesenteric insufficiency."),
        new(SdiItem.ChronicPeritonitis, "chronic_peritonitis", "Chronic peritonitis", SdiSystem.Gastrointestinal, SdiItemScoring.OnePoint,
            "Chronic peritonitis."),
        new(SdiItem.StrictureOrUpperGiSurgery, "stricture_or_upper_gi_surgery", "Stricture or upper gastrointestinal surgery ever", SdiSystem.Gastrointestinal, SdiItemScoring.OnePoint,
            "Stricture or upper gastrointestinal tract surgery ever."),
        new(SdiItem.PancreaticInsufficiency, "pancreatic_insufficiency", "Pancreatic insufficiency", SdiSystem.Gastrointestinal, SdiItemScoring.OnePoint,
            "Pancreatic insufficiency requiring enzyme replacement or with pseudocyst."),
        new(SdiItem.MuscleAtrophyOrWeakness, "muscle_atrophy_or_weakness", "Muscle atrophy or weakness", SdiSystem.Musculoskeletal, SdiItemScoring.OnePoint,
            "Muscle atrophy or weakness."),
        new(SdiItem.DeformingOrErosiveArthritis, "deforming_or_erosive_arthritis", "Deforming or erosive arthritis", SdiSystem.Musculoskeletal, SdiItemScoring.OnePoint,
            "Deforming or erosive arthritis, including reducible deformities, excluding avascular necrosis."),
        new(SdiItem.OsteoporosisWithFracture, "osteoporosis_with_fracture", "Osteoporosis with fracture or vertebral collapse", SdiSystem.Musculoskeletal, SdiItemScoring.OnePoint,
            "Osteoporosis with fracture or vertebral collapse, excluding avascular necrosis."),
        new(SdiItem.AvascularNecrosis, "avascular_necrosis", "Avascular necrosis", SdiSystem.Musculoskeletal, SdiItemScoring.OneOrTwo,
            "Avascular necrosis (score 2 if more than one). Enter the number of sites."),
        new(SdiItem.Osteomyelitis, "osteomyelitis", "Osteomyelitis", SdiSystem.Musculoskeletal, SdiItemScoring.OnePoint,
            "Osteomyelitis."),
        new(SdiItem.TendonRupture, "tendon_rupture", "Tendon rupture", SdiSystem.Musculoskeletal, SdiItemScoring.OnePoint,
            "Ruptured tendon (corroborated by secondary sources only; see docs/instruments/sdi.md)."),
        new(SdiItem.ScarringChronicAlopecia, "scarring_chronic_alopecia", "Scarring chronic alopecia", SdiSystem.Skin, SdiItemScoring.OnePoint,
            "Scarring chronic alopecia."),
        new(SdiItem.ExtensiveScarringOrPanniculum, "extensive_scarring_or_panniculum", "Extensive scarring or panniculum", SdiSystem.Skin, SdiItemScoring.OnePoint,
            "Extensive scarring or panniculum other than scalp and pulp space."),
        new(SdiItem.SkinUlceration, "skin_ulceration", "Skin ulceration for more than 6 months", SdiSystem.Skin, SdiItemScoring.OnePoint,
            "Skin ulceration, excluding thrombosis, for more than 6 months."),
        new(SdiItem.PrematureGonadalFailure, "premature_gonadal_failure", "Premature gonadal failure", SdiSystem.PrematureGonadalFailure, SdiItemScoring.OnePoint,
            "Premature gonadal failure."),
        new(SdiItem.Diabetes, "diabetes", "Diabetes", SdiSystem.Diabetes, SdiItemScoring.OnePoint,
            "Diabetes, regardless of treatment."),
        new(SdiItem.Malignancy, "malignancy", "Malignancy", SdiSystem.Malignancy, SdiItemScoring.OneOrTwo,
            "Malignancy, excluding dysplasia (score 2 if more than one site). Enter the number of sites."),
    ];

    /// <summary>The definition of one item.</summary>
    public static SdiItemDefinition Definition(SdiItem item) => Items[(int)item];

    /// <summary>The definition of one system.</summary>
    public static SdiSystemDefinition Definition(SdiSystem system) => Systems[(int)system];

    /// <summary>
    /// Scores the SDI: each present item adds its points ("score 2 if more than one" items 1 or 2); end-stage renal
    /// disease makes the renal system 3 and the other renal items add nothing (reported as <c>SDI001</c>).
    /// </summary>
    public static SdiResult Score(SdiInput input)
    {
        Preconditions.NotNull(input);
        var endStage = input.OccurrencesOf(SdiItem.EndStageRenalDisease) > 0;
        var issues = new List<Issue>();
        var scores = new List<SdiItemScore>();
        foreach (var definition in Items)
        {
            var occurrences = input.OccurrencesOf(definition.Item);
            if (occurrences == 0)
            {
                continue;
            }

            if (endStage && definition.System == SdiSystem.Renal && definition.Scoring != SdiItemScoring.EndStageRenal)
            {
                scores.Add(new SdiItemScore(definition, occurrences, 0,
                    "counted within end-stage renal disease (renal system scores 3)"));
                issues.Add(Issue.Info(IssueCodes.SdiEndStageRenalDiseaseSubsumes, definition.Key,
                    $"'{definition.Key}' is recorded together with end-stage renal disease: the renal system scores 3 (end-stage renal disease stands in for it), so '{definition.Key}' adds nothing."));
                continue;
            }

            var note = definition.Scoring == SdiItemScoring.OneOrTwo
                ? (occurrences > 1 ? $"{occurrences} recorded: more than one scores 2" : "1 recorded")
                : null;
            scores.Add(new SdiItemScore(definition, occurrences, definition.PointsFor(occurrences), note));
        }

        var systems = Systems.Select(s => new SdiSystemScore(s, scores.Where(i => i.Definition.System == s.System).Sum(i => i.Points))).ToList();
        return new SdiResult(systems.Sum(s => s.Points), systems, scores, issues);
    }

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score sdi</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        /// <summary>Sanity bound for counts of events or sites: larger numbers are taken as entry errors.</summary>
        private const int MaximumCount = 99;

        private static readonly string[] MoreThanOneWords = ["more_than_one", ">1"];

        public string Key => "sdi";

        public string Name => Sdi.Name;

        public string Version => Sdi.Version;

        public string Citation => Sdi.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            .. Sdi.Items.Select(d => d.Scoring == SdiItemScoring.OneOrTwo
                ? ItemDefinition.Number(d.Key, d.Label,
                    $"{Definition(d.System).Label}; count of events or sites, or more_than_one: 1 scores 1, more than one scores 2. {d.Definition}",
                    0, MaximumCount, wholeNumber: true)
                : ItemDefinition.Flag(d.Key, d.Label,
                    $"{Definition(d.System).Label}; {d.MaximumPoints} point{(d.MaximumPoints == 1 ? "" : "s")}. {d.Definition}")),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var occurrences = new Dictionary<SdiItem, int>();
            foreach (var definition in Sdi.Items)
            {
                var count = definition.Scoring == SdiItemScoring.OneOrTwo
                    ? ReadCount(reader, items, definition)
                    : (reader.Flag(definition.Key) ? 1 : 0);
                if (count > 0)
                {
                    occurrences[definition.Item] = count;
                }
            }

            if (reader.HasErrors)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var result = Sdi.Score(new SdiInput(occurrences));
            return new ScoreResult(
                Key, Name, Version, result.Total, null,
                [.. result.Items.Select(i => new ItemContribution(i.Definition.Key, i.Definition.Label, i.Points, i.Note))],
                [.. result.Systems.Select(s => new Subtotal(s.Definition.Key, s.Definition.Label, s.Points))],
                result.Explanation,
                [.. reader.Issues, .. result.Issues]);
        }

        /// <summary>
        /// A count of events or sites: a whole number 0–99, or <c>more_than_one</c> (scored as 2). Text is parsed
        /// strictly (digits only), so "1,2" is not read as 12. true/false is refused: it cannot say how many.
        /// </summary>
        private static int ReadCount(ItemReader reader, IReadOnlyDictionary<string, ItemValue> items, SdiItemDefinition definition)
        {
            if (!items.TryGetValue(definition.Key, out var value) || value.Kind == ItemValueKind.Null)
            {
                return 0;
            }

            if (value.Kind == ItemValueKind.Text)
            {
                var text = value.Text!.Trim().ToLowerInvariant();
                if (MoreThanOneWords.Contains(text))
                {
                    return 2;
                }

                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    return InRange(reader, definition, value, parsed);
                }
            }
            else if (value.Kind == ItemValueKind.Number && value.Number == decimal.Truncate(value.Number)
                     && value.Number is >= 0m and <= MaximumCount)
            {
                return (int)value.Number;
            }
            else if (value.Kind == ItemValueKind.Number)
            {
                return InRange(reader, definition, value, -1);
            }

            reader.Report(Issue.Error(IssueCodes.SdiNotACount, definition.Key,
                $"Item '{definition.Key}' ({definition.Label}): value {value} is not a count; expected the number of events or sites (0, 1, 2, …) or more_than_one."));
            return 0;
        }

        private static int InRange(ItemReader reader, SdiItemDefinition definition, ItemValue value, int count)
        {
            if (count is >= 0 and <= MaximumCount)
            {
                return count;
            }

            reader.Report(Issue.Error(IssueCodes.OutOfRange, definition.Key,
                $"Item '{definition.Key}' ({definition.Label}): value {value} is out of range; expected a whole number from 0 to {MaximumCount} or more_than_one."));
            return 0;
        }
    }
}
