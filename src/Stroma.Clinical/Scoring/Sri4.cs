using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>Input to SRI-4: this visit versus baseline.</summary>
/// <param name="SledaiTotal">SLEDAI-2K total at this visit (<see cref="Sledai2kResult.Total"/>), 0–105.</param>
/// <param name="BaselineSledaiTotal">SLEDAI-2K total at baseline, 0–105.</param>
/// <param name="Pga">Physician global assessment at this visit, 0–3.</param>
/// <param name="BaselinePga">Physician global assessment at baseline, 0–3.</param>
/// <param name="Bilag">BILAG-2004 grade of each of the nine systems at this visit.</param>
/// <param name="BaselineBilag">BILAG-2004 grade of each of the nine systems at baseline.</param>
public sealed record Sri4Input(
    int SledaiTotal,
    int BaselineSledaiTotal,
    decimal Pga,
    decimal BaselinePga,
    IReadOnlyDictionary<BilagSystem, BilagGrade> Bilag,
    IReadOnlyDictionary<BilagSystem, BilagGrade> BaselineBilag);

/// <summary>
/// SLE Responder Index (SRI-4): Furie RA, Petri MA, Wallace DJ, et al. Novel evidence-based systemic lupus
/// erythematosus responder index. Arthritis Rheum 2009;61(9):1143-51 (PMC2748175). Responder when, versus baseline:
/// (1) SLEDAI fell by ≥ 4 points; (2) no new BILAG A and no more than one new BILAG B; (3) PGA not worse by ≥ 0.3 (0–3).
/// Deviations, documented in docs/instruments/sri4.md: the original uses SELENA-SLEDAI, Stroma uses SLEDAI-2K; grades are
/// BILAG-2004; "new A/B" follows <see cref="BilagNewGradeRule"/> (UNCONFIRMED operationalisation).
/// </summary>
public static class Sri4
{
    public const string Name = "SRI-4";

    public const string Version = "2009.1";

    public const string Citation = "Furie RA, Petri MA, Wallace DJ, et al. Arthritis Rheum 2009;61(9):1143-51.";

    /// <summary>Criterion 1: the least fall in SLEDAI from baseline.</summary>
    public const int MinimumSledaiFall = 4;

    /// <summary>Criterion 3: a PGA rise of this much or more (0–3) is worsening.</summary>
    public const decimal PgaWorsening = 0.3m;

    /// <summary>Assesses SRI-4 at one visit against baseline.</summary>
    public static CompositeResult Assess(Sri4Input input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Bilag);
        Preconditions.NotNull(input.BaselineBilag);
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

        var fall = input.BaselineSledaiTotal - input.SledaiTotal;
        var rise = input.Pga - input.BaselinePga;
        CriterionResult[] criteria =
        [
            new("sledai_fall", "SLEDAI-2K fell by ≥ 4 points", fall >= MinimumSledaiFall,
                $"SLEDAI-2K {input.BaselineSledaiTotal} → {input.SledaiTotal}: fell by {fall} ({(fall >= MinimumSledaiFall ? "≥" : "<")} 4)"),
            Composite.NoNewBilag(input.Bilag, input.BaselineBilag),
            new("pga_not_worse", "PGA not worse by ≥ 0.3 (0–3)", rise < PgaWorsening,
                $"PGA {Composite.Text(input.BaselinePga)} → {Composite.Text(input.Pga)}: change {Composite.Text(rise)} ({(rise < PgaWorsening ? "<" : "≥")} +0.3)"),
        ];
        return CompositeResult.From(criteria, [BilagNewGradeRule.Description], issues);
    }

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score sri4</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        public string Key => "sri4";

        public string Name => Sri4.Name;

        public string Version => Sri4.Version;

        public string Citation => Sri4.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            Composite.SledaiTotalItem(baseline: false),
            Composite.SledaiTotalItem(baseline: true),
            Composite.PgaItem(baseline: false),
            Composite.PgaItem(baseline: true),
            .. Composite.BilagItems(baseline: false),
            .. Composite.BilagItems(baseline: true),
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
            if (reader.HasErrors || sledai is null || baselineSledai is null || pga is null || baselinePga is null)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var result = Assess(new Sri4Input((int)sledai.Value, (int)baselineSledai.Value, pga.Value, baselinePga.Value, bilag, baselineBilag));
            if (!result.IsValid)
            {
                return ScoreResult.Invalid(this, [.. reader.Issues, .. result.Issues]);
            }

            return Composite.ToScoreResult(this, result with { Issues = [.. reader.Issues, .. result.Issues] },
                "SRI-4 (Furie 2009) with SLEDAI-2K and BILAG-2004", "SRI-4 responder", "SRI-4 non-responder",
                [new Subtotal("sledai2k_change", "SLEDAI-2K change from baseline", sledai.Value - baselineSledai.Value),
                 new Subtotal("pga_change", "PGA change from baseline", pga.Value - baselinePga.Value)]);
        }
    }
}
