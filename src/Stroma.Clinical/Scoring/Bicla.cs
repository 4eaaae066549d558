using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>
/// How BICLA's "no significant deterioration (≤ 10%) in PGA" is computed. The arithmetic is UNCONFIRMED (EMBLEM's
/// methods were not read), so it is a named, versioned choice recorded with every result.
/// </summary>
public enum BiclaPgaRule
{
    /// <summary>Key <c>scale_below_0_3</c> (default): worsening (PGA now − baseline) must be below 0.3 point, 10% of the
    /// 0–3 scale; a rise of exactly 0.3 fails. The conservative reading, and the same arithmetic as SRI-4's PGA criterion.</summary>
    ScaleBelowThreeTenths,

    /// <summary>Key <c>scale_at_most_0_3</c>: worsening of at most 0.3 point (10% of the 0–3 scale) passes — the
    /// literal "≤ 10%" of the ePROVIDE description applied to the scale.</summary>
    ScaleAtMostThreeTenths,

    /// <summary>Key <c>baseline_at_most_10_percent</c>: worsening of at most 10% of the baseline PGA passes.</summary>
    BaselineAtMost10Percent,
}

/// <summary>Input to BICLA: this visit versus baseline.</summary>
/// <param name="SledaiTotal">SLEDAI-2K total at this visit (<see cref="Sledai2kResult.Total"/>), 0–105.</param>
/// <param name="BaselineSledaiTotal">SLEDAI-2K total at baseline, 0–105.</param>
/// <param name="Pga">Physician global assessment at this visit, 0–3.</param>
/// <param name="BaselinePga">Physician global assessment at baseline, 0–3.</param>
/// <param name="Bilag">BILAG-2004 grade of each of the nine systems at this visit.</param>
/// <param name="BaselineBilag">BILAG-2004 grade of each of the nine systems at baseline.</param>
/// <param name="TreatmentFailure">Investigator-attested treatment failure: non-protocol treatment was started.</param>
/// <param name="PgaRule">How PGA worsening is computed; default <see cref="BiclaPgaRule.ScaleBelowThreeTenths"/>.</param>
public sealed record BiclaInput(
    int SledaiTotal,
    int BaselineSledaiTotal,
    decimal Pga,
    decimal BaselinePga,
    IReadOnlyDictionary<BilagSystem, BilagGrade> Bilag,
    IReadOnlyDictionary<BilagSystem, BilagGrade> BaselineBilag,
    bool TreatmentFailure,
    BiclaPgaRule PgaRule = BiclaPgaRule.ScaleBelowThreeTenths);

/// <summary>
/// BILAG-based Combined Lupus Assessment (BICLA). Developed in Wallace D, Strand V, Furie R, et al. Arthritis Rheum
/// 2011;63(Suppl):S894 (ACR 2011 abstract 2265); first used as a primary endpoint in EMBLEM: Wallace DJ, Kalunian K,
/// Petri MA, et al. Ann Rheum Dis 2014;73(1):183-90. Definition as described by ePROVIDE: responder when (1) every system
/// graded A or B at baseline improves (A → B/C/D; B → C/D); (2) no new BILAG A and no more than one new BILAG B;
/// (3) SLEDAI not worse than baseline; (4) no significant PGA deterioration (≤ 10%; arithmetic UNCONFIRMED, see
/// <see cref="BiclaPgaRule"/>); (5) no treatment failure (non-protocol treatment started). Grades are BILAG-2004; "new"
/// follows <see cref="BilagNewGradeRule"/> (UNCONFIRMED). See docs/instruments/bicla.md.
/// </summary>
public static class Bicla
{
    public const string Name = "BICLA";

    public const string Version = "2011.1";

    public const string Citation = "Wallace D, Strand V, Furie R, et al. Arthritis Rheum 2011;63(Suppl):S894; EMBLEM: Wallace DJ, Kalunian K, Petri MA, et al. Ann Rheum Dis 2014;73(1):183-90.";

    /// <summary>10% of the 0–3 PGA scale.</summary>
    public const decimal PgaScaleTenPercent = 0.3m;

    /// <summary>The recorded rule choice for a PGA rule.</summary>
    public static RuleChoice Describe(BiclaPgaRule rule) => rule switch
    {
        BiclaPgaRule.ScaleBelowThreeTenths => new RuleChoice("pga_rule", "scale_below_0_3", "1", "PGA rise < 0.3 point (10% of the 0–3 scale, strict; UNCONFIRMED)"),
        BiclaPgaRule.ScaleAtMostThreeTenths => new RuleChoice("pga_rule", "scale_at_most_0_3", "1", "PGA rise ≤ 0.3 point (10% of the 0–3 scale; UNCONFIRMED)"),
        BiclaPgaRule.BaselineAtMost10Percent => new RuleChoice("pga_rule", "baseline_at_most_10_percent", "1", "PGA rise ≤ 10% of the baseline PGA (UNCONFIRMED)"),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown BICLA PGA rule."),
    };

    /// <summary>Assesses BICLA at one visit against baseline.</summary>
    public static CompositeResult Assess(BiclaInput input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Bilag);
        Preconditions.NotNull(input.BaselineBilag);
        var pgaRule = Describe(input.PgaRule);
        var issues = new List<Issue>();
        Composite.CheckSledaiTotal(input.SledaiTotal, "sledai2k_total", issues);
        Composite.CheckSledaiTotal(input.BaselineSledaiTotal, "baseline_sledai2k_total", issues);
        Composite.CheckPga(input.Pga, "pga", issues);
        Composite.CheckPga(input.BaselinePga, "baseline_pga", issues);
        Composite.CheckBilag(input.Bilag, input.BaselineBilag, issues);
        if (issues.Count > 0)
        {
            return CompositeResult.Invalid(issues);
        }

        var active = Enum.GetValues<BilagSystem>().Where(s => input.BaselineBilag[s] <= BilagGrade.B).ToList();
        var notImproved = active.Where(s => input.Bilag[s] <= input.BaselineBilag[s]).ToList();
        if (active.Count == 0)
        {
            issues.Add(Issue.Warning(IssueCodes.BiclaNoBaselineActivity, "",
                "No BILAG-2004 system was graded A or B at baseline: the improvement criterion holds only vacuously."));
        }

        var improvementReason = active.Count == 0
            ? "no system graded A or B at baseline (met vacuously)"
            : string.Join(", ", active.Select(s => $"{s} {input.BaselineBilag[s]} → {input.Bilag[s]}"))
              + (notImproved.Count == 0 ? ": all improved" : $": not improved: {string.Join(", ", notImproved)}");

        var rise = input.Pga - input.BaselinePga;
        var (pgaOk, pgaLimit) = input.PgaRule switch
        {
            BiclaPgaRule.ScaleBelowThreeTenths => (rise < PgaScaleTenPercent, "< +0.3"),
            BiclaPgaRule.ScaleAtMostThreeTenths => (rise <= PgaScaleTenPercent, "≤ +0.3"),
            _ => (rise <= input.BaselinePga * 0.1m, $"≤ +{Composite.Text(input.BaselinePga * 0.1m)} (10% of baseline)"),
        };

        CriterionResult[] criteria =
        [
            new("bilag_improved", "Every BILAG A/B system at baseline improves (A → B/C/D, B → C/D)", notImproved.Count == 0, improvementReason),
            Composite.NoNewBilag(input.Bilag, input.BaselineBilag),
            new("sledai_not_worse", "SLEDAI-2K not worse than baseline", input.SledaiTotal <= input.BaselineSledaiTotal,
                $"SLEDAI-2K {input.BaselineSledaiTotal} → {input.SledaiTotal}"),
            new("pga_not_worse", "No significant PGA deterioration (≤ 10%)", pgaOk,
                $"PGA {Composite.Text(input.BaselinePga)} → {Composite.Text(input.Pga)}: change {Composite.Text(rise)}, allowed {pgaLimit} ({pgaRule.Description})"),
            new("no_treatment_failure", "No treatment failure (non-protocol treatment started)", !input.TreatmentFailure,
                input.TreatmentFailure ? "treatment failure attested" : "no treatment failure attested"),
        ];
        return CompositeResult.From(criteria, [pgaRule, BilagNewGradeRule.Description], issues);
    }

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score bicla</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        private const string RuleKey = "pga_rule";

        public string Key => "bicla";

        public string Name => Bicla.Name;

        public string Version => Bicla.Version;

        public string Citation => Bicla.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            Composite.SledaiTotalItem(baseline: false),
            Composite.SledaiTotalItem(baseline: true),
            Composite.PgaItem(baseline: false),
            Composite.PgaItem(baseline: true),
            .. Composite.BilagItems(baseline: false),
            .. Composite.BilagItems(baseline: true),
            ItemDefinition.Flag("treatment_failure", "Treatment failure",
                "Investigator-attested: non-protocol treatment was started (treatment failure).", required: true),
            ItemDefinition.Choice(RuleKey, "PGA worsening rule",
                "scale_below_0_3 (default): rise < 0.3 point; scale_at_most_0_3: rise ≤ 0.3 point; baseline_at_most_10_percent: rise ≤ 10% of baseline PGA. All UNCONFIRMED readings of \"≤ 10%\".",
                ["scale_below_0_3", "scale_at_most_0_3", "baseline_at_most_10_percent"]),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var sledai = reader.Number("sledai2k_total");
            var baselineSledai = reader.Number("baseline_sledai2k_total");
            var pga = reader.Number("pga");
            var baselinePga = reader.Number("baseline_pga");
            var bilag = Composite.ReadBilag(reader, baseline: false);
            var baselineBilag = Composite.ReadBilag(reader, baseline: true);
            var failure = reader.OptionalFlag("treatment_failure");
            var rule = reader.Choice(RuleKey) switch
            {
                "scale_at_most_0_3" => BiclaPgaRule.ScaleAtMostThreeTenths,
                "baseline_at_most_10_percent" => BiclaPgaRule.BaselineAtMost10Percent,
                _ => BiclaPgaRule.ScaleBelowThreeTenths,
            };
            if (reader.HasErrors || sledai is null || baselineSledai is null || pga is null || baselinePga is null || failure is null)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var result = Assess(new BiclaInput((int)sledai.Value, (int)baselineSledai.Value, pga.Value, baselinePga.Value,
                bilag, baselineBilag, failure.Value, rule));
            if (!result.IsValid)
            {
                return ScoreResult.Invalid(this, [.. reader.Issues, .. result.Issues]);
            }

            return Composite.ToScoreResult(this, result with { Issues = [.. reader.Issues, .. result.Issues] },
                "BICLA with SLEDAI-2K and BILAG-2004", "BICLA responder", "BICLA non-responder",
                [new Subtotal("sledai2k_change", "SLEDAI-2K change from baseline", sledai.Value - baselineSledai.Value),
                 new Subtotal("pga_change", "PGA change from baseline", pga.Value - baselinePga.Value)]);
        }
    }
}
