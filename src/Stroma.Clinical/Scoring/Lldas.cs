using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>LLDAS criterion 2 as the clinician records it: compared with the previous assessment.</summary>
public enum ActivitySincePrevious
{
    /// <summary>No new features of lupus activity since the previous assessment.</summary>
    NoNewFeatures,

    /// <summary>New features of lupus activity since the previous assessment.</summary>
    NewFeatures,

    /// <summary>A first visit: there is no previous assessment, so LLDAS cannot be assessed.</summary>
    NoPreviousAssessment,
}

/// <summary>Input to LLDAS at one visit.</summary>
/// <param name="Sledai">SLEDAI-2K of this visit (<see cref="Sledai2k.Score"/>), with its present descriptors.</param>
/// <param name="HaemolyticAnaemia">Clinician-attested: haemolytic anaemia due to lupus is present (not a SLEDAI-2K descriptor).</param>
/// <param name="GastrointestinalActivity">Clinician-attested: gastrointestinal lupus activity is present (not a SLEDAI-2K descriptor).</param>
/// <param name="SincePrevious">New features of lupus activity since the previous assessment, or a first visit.</param>
/// <param name="Pga">SELENA-SLEDAI physician global assessment, 0–3.</param>
/// <param name="PrednisoneMgPerDay">Current prednisolone-equivalent dose in mg/day (prednisone and prednisolone 1:1), ≥ 0.</param>
/// <param name="MaintenanceTreatmentWellTolerated">Clinician-attested: any immunosuppressants and approved biologics are at
/// standard maintenance doses and well tolerated (true when the patient takes none).</param>
/// <param name="InvestigationalDrug">The patient takes an investigational drug (excluded by LLDAS).</param>
public sealed record LldasInput(
    Sledai2kResult Sledai,
    bool HaemolyticAnaemia,
    bool GastrointestinalActivity,
    ActivitySincePrevious SincePrevious,
    decimal Pga,
    decimal PrednisoneMgPerDay,
    bool MaintenanceTreatmentWellTolerated,
    bool InvestigationalDrug);

/// <summary>
/// Lupus Low Disease Activity State: Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of a
/// Lupus Low Disease Activity State (LLDAS). Ann Rheum Dis 2016;75(9):1615-21 (Table 1). LLDAS is met when all five hold:
/// (1) SLEDAI-2K ≤ 4 with no activity in major organ systems (renal, CNS, cardiopulmonary, vasculitis, fever) and no
/// haemolytic anaemia or gastrointestinal activity; (2) no new features of lupus activity since the previous assessment;
/// (3) SELENA-SLEDAI PGA ≤ 1 (0–3); (4) prednisolone-equivalent ≤ 7.5 mg/day; (5) well-tolerated standard maintenance
/// doses of immunosuppressants and approved biologics, no investigational drug.
/// Major organ systems are read from the SLEDAI-2K descriptors through <see cref="MajorOrganSystems"/> (documented in
/// docs/instruments/lldas.md); haemolytic anaemia and GI activity are clinician-attested. A first visit cannot be
/// assessed (<see cref="IssueCodes.LldasNoPreviousAssessment"/>).
/// </summary>
public static class Lldas
{
    public const string Name = "LLDAS";

    public const string Version = "2016.1";

    public const string Citation = "Franklyn K, Lau CS, Navarra SV, et al. Ann Rheum Dis 2016;75(9):1615-21 (Table 1).";

    /// <summary>Criterion 1: highest SLEDAI-2K total.</summary>
    public const int MaximumSledai = 4;

    /// <summary>Criterion 3: highest PGA (0–3).</summary>
    public const decimal MaximumPga = 1m;

    /// <summary>Criterion 4: highest prednisolone-equivalent dose, mg/day.</summary>
    public const decimal MaximumPrednisoneMgPerDay = 7.5m;

    /// <summary>
    /// The SLEDAI-2K domains that are LLDAS "major organ systems": renal (urinary casts, haematuria, proteinuria,
    /// pyuria), CNS (the seven neuropsychiatric descriptors, visual disturbance included as in the SLEDAI form),
    /// cardiopulmonary (the serosal descriptors pleurisy and pericarditis), vasculitis, and fever (the only
    /// constitutional descriptor). Musculoskeletal, mucocutaneous, immunological and haematological (thrombocytopenia,
    /// leukopenia) activity is allowed within SLEDAI-2K ≤ 4.
    /// </summary>
    public static IReadOnlyDictionary<SledaiDomain, string> MajorOrganSystems { get; } = new Dictionary<SledaiDomain, string>
    {
        [SledaiDomain.Renal] = "renal",
        [SledaiDomain.CentralNervousSystem] = "CNS",
        [SledaiDomain.Serosal] = "cardiopulmonary",
        [SledaiDomain.Vascular] = "vasculitis",
        [SledaiDomain.Constitutional] = "fever",
    };

    /// <summary>Assesses LLDAS at one visit.</summary>
    public static CompositeResult Assess(LldasInput input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Sledai);
        Preconditions.Requires(Enum.IsDefined(input.SincePrevious), "Unknown ActivitySincePrevious value.");
        var issues = new List<Issue>();
        Composite.CheckPga(input.Pga, "pga", issues);
        Composite.CheckPrednisone(input.PrednisoneMgPerDay, "prednisone_mg_per_day", issues);
        if (issues.Count > 0)
        {
            return CompositeResult.Invalid(issues);
        }

        var criteria = new List<CriterionResult> { Criterion1(input) };

        criteria.Add(input.SincePrevious switch
        {
            ActivitySincePrevious.NoNewFeatures => new CriterionResult("no_new_activity", "No new features of lupus activity since the previous assessment", true,
                "no new features recorded since the previous assessment"),
            ActivitySincePrevious.NewFeatures => new CriterionResult("no_new_activity", "No new features of lupus activity since the previous assessment", false,
                "new features of lupus activity recorded since the previous assessment"),
            _ => new CriterionResult("no_new_activity", "No new features of lupus activity since the previous assessment", null,
                "first visit: there is no previous assessment to compare with"),
        });
        if (input.SincePrevious == ActivitySincePrevious.NoPreviousAssessment)
        {
            issues.Add(Issue.Error(IssueCodes.LldasNoPreviousAssessment, "new_activity_since_previous",
                "LLDAS cannot be assessed at a first visit: criterion 2 compares with the previous assessment (Franklyn 2016)."));
        }

        criteria.Add(new CriterionResult("pga", "SELENA-SLEDAI PGA ≤ 1 (0–3)", input.Pga <= MaximumPga,
            $"PGA {Composite.Text(input.Pga)} {(input.Pga <= MaximumPga ? "≤" : ">")} 1"));
        criteria.Add(new CriterionResult("glucocorticoid", "Prednisolone-equivalent ≤ 7.5 mg/day", input.PrednisoneMgPerDay <= MaximumPrednisoneMgPerDay,
            $"{Composite.Text(input.PrednisoneMgPerDay)} mg/day {(input.PrednisoneMgPerDay <= MaximumPrednisoneMgPerDay ? "≤" : ">")} 7.5 mg/day"));

        var treatmentReasons = new List<string>();
        if (!input.MaintenanceTreatmentWellTolerated)
        {
            treatmentReasons.Add("immunosuppressants/biologics not at well-tolerated standard maintenance doses");
        }

        if (input.InvestigationalDrug)
        {
            treatmentReasons.Add("an investigational drug is taken");
        }

        criteria.Add(new CriterionResult("treatment",
            "Well-tolerated standard maintenance immunosuppressants and approved biologics; no investigational drug",
            treatmentReasons.Count == 0,
            treatmentReasons.Count == 0 ? "maintenance treatment attested well tolerated; no investigational drug" : string.Join("; ", treatmentReasons)));

        return CompositeResult.From(criteria, [], issues);
    }

    private static CriterionResult Criterion1(LldasInput input)
    {
        var reasons = new List<string>();
        var total = input.Sledai.Total;
        var sledaiOk = total <= MaximumSledai;
        reasons.Add($"SLEDAI-2K {total} {(sledaiOk ? "≤" : ">")} 4");
        var major = input.Sledai.Present.Where(d => MajorOrganSystems.ContainsKey(d.Domain)).ToList();
        reasons.Add(major.Count == 0
            ? "no major organ activity"
            : "major organ activity: " + string.Join(", ", major.Select(d => $"{MajorOrganSystems[d.Domain]} ({d.Label})")));
        if (input.HaemolyticAnaemia)
        {
            reasons.Add("haemolytic anaemia");
        }

        if (input.GastrointestinalActivity)
        {
            reasons.Add("gastrointestinal activity");
        }

        var passed = sledaiOk && major.Count == 0 && !input.HaemolyticAnaemia && !input.GastrointestinalActivity;
        return new CriterionResult("sledai", "SLEDAI-2K ≤ 4, no major organ activity, no haemolytic anaemia or GI activity", passed,
            string.Join("; ", reasons));
    }

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score lldas</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        private const string SincePreviousKey = "new_activity_since_previous";

        public string Key => "lldas";

        public string Name => Lldas.Name;

        public string Version => Lldas.Version;

        public string Citation => Lldas.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            .. Sledai2k.Descriptors.Select(d => ItemDefinition.Flag(d.Key, d.Label,
                $"SLEDAI-2K descriptor at this visit ({d.Weight} points). {d.Definition}")),
            ItemDefinition.Flag("haemolytic_anaemia", "Haemolytic anaemia", "Clinician-attested: haemolytic anaemia due to lupus is present (not a SLEDAI-2K descriptor).", required: true),
            ItemDefinition.Flag("gastrointestinal_activity", "Gastrointestinal activity", "Clinician-attested: gastrointestinal lupus activity is present (not a SLEDAI-2K descriptor).", required: true),
            ItemDefinition.Choice(SincePreviousKey, "New features since the previous assessment",
                "no: no new features of lupus activity since the previous assessment; yes: new features; no_previous_assessment: a first visit (LLDAS cannot be assessed).",
                ["no", "yes", "no_previous_assessment"], required: true),
            Composite.PgaItem(baseline: false),
            Composite.PrednisoneItem(),
            ItemDefinition.Flag("maintenance_treatment_well_tolerated", "Maintenance treatment well tolerated",
                "Clinician-attested: any immunosuppressants and approved biologics are at standard maintenance doses and well tolerated (true when none are taken).", required: true),
            ItemDefinition.Flag("investigational_drug", "Investigational drug", "The patient takes an investigational drug (excluded by LLDAS).", required: true),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var present = Sledai2k.Descriptors.Where(d => reader.Flag(d.Key)).Select(d => d.Descriptor).ToHashSet();
            var haemolytic = reader.OptionalFlag("haemolytic_anaemia");
            var gi = reader.OptionalFlag("gastrointestinal_activity");
            var since = reader.Choice(SincePreviousKey) switch
            {
                "no" => ActivitySincePrevious.NoNewFeatures,
                "yes" => ActivitySincePrevious.NewFeatures,
                "no_previous_assessment" => ActivitySincePrevious.NoPreviousAssessment,
                _ => (ActivitySincePrevious?)null,
            };
            var pga = reader.Number("pga");
            var prednisone = reader.Number("prednisone_mg_per_day");
            var tolerated = reader.OptionalFlag("maintenance_treatment_well_tolerated");
            var investigational = reader.OptionalFlag("investigational_drug");
            if (reader.HasErrors || haemolytic is null || gi is null || since is null || pga is null || prednisone is null
                || tolerated is null || investigational is null)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var sledai = Sledai2k.Score(new Sledai2kInput(present));
            var result = Assess(new LldasInput(sledai, haemolytic.Value, gi.Value, since.Value, pga.Value, prednisone.Value,
                tolerated.Value, investigational.Value));
            return Composite.ToScoreResult(this, result with { Issues = [.. reader.Issues, .. result.Issues] },
                "LLDAS (Franklyn 2016)", "LLDAS met", "LLDAS not met",
                [new Subtotal("sledai2k_total", "SLEDAI-2K", sledai.Total), new Subtotal("pga", "PGA", pga)]);
        }
    }
}
