using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>How a release criterion compares the measured value with its limit.</summary>
public enum CriterionKind
{
    /// <summary>Measured value ≥ limit (e.g. CD73 ≥ 95% of cells).</summary>
    AtLeast,

    /// <summary>Measured value ≤ limit (e.g. CD45 ≤ 2% of cells).</summary>
    AtMost,

    /// <summary>A qualitative test that must be met (plastic adherence; sterility "no growth").</summary>
    MustBeMet,
}

/// <summary>
/// One release criterion. For numeric kinds, <see cref="Limit"/> is in <see cref="Unit"/>; a null limit means the
/// site has not set it yet, and every evaluation then reports <see cref="IssueCodes.ReleaseLimitNotSet"/> instead
/// of passing the lot. <see cref="AlternativeKeys"/> lists the measurement keys that satisfy the criterion: the
/// ISCT criteria allow either CD14 or CD11b, and either CD79a or CD19; each alternative given must meet the limit.
/// </summary>
/// <param name="Key">Stable snake_case key, e.g. <c>cd73</c>, <c>cd14_or_cd11b</c>, <c>viability</c>.</param>
/// <param name="Label">What a person reads.</param>
/// <param name="Kind">How the measurement is compared.</param>
/// <param name="Limit">The limit, or null when the site must still set it.</param>
/// <param name="Unit">UCUM unit of value and limit (<c>%</c>), or text for qualitative criteria.</param>
/// <param name="AlternativeKeys">Measurement keys that may report this criterion.</param>
/// <param name="Source">Where the limit comes from (a publication, or the site's specification).</param>
public sealed record ReleaseCriterion(
    string Key,
    string Label,
    CriterionKind Kind,
    decimal? Limit,
    string Unit,
    IReadOnlyList<string> AlternativeKeys,
    string Source)
{
    public string LimitText => Kind switch
    {
        CriterionKind.AtLeast => Limit is { } l ? $"≥ {l.ToString(CultureInfo.InvariantCulture)} {Unit}" : "≥ (not set by site)",
        CriterionKind.AtMost => Limit is { } l ? $"≤ {l.ToString(CultureInfo.InvariantCulture)} {Unit}" : "≤ (not set by site)",
        _ => "met",
    };
}

/// <summary>A measured release-test value: a number (numeric criteria) or met / not met (qualitative ones).</summary>
public readonly record struct ReleaseMeasurement(decimal? Value, bool? Met)
{
    public static ReleaseMeasurement Of(decimal value) => new(value, null);

    public static ReleaseMeasurement Outcome(bool met) => new(null, met);

    public override string ToString() =>
        Value is { } v ? v.ToString(CultureInfo.InvariantCulture) : Met is { } m ? (m ? "met" : "not met") : "none";
}

/// <summary>The outcome of one criterion.</summary>
public enum CriterionOutcome
{
    Pass,
    Fail,

    /// <summary>No measurement was given.</summary>
    NotTested,

    /// <summary>The site has not set the limit; the criterion cannot pass.</summary>
    LimitNotSet,
}

/// <summary>One criterion's result with the value(s) measured, e.g. "cd14=0.8".</summary>
public sealed record CriterionResult(ReleaseCriterion Criterion, CriterionOutcome Outcome, string Measured);

/// <summary>A lot's release testing against a specification: every criterion's result and the issues for those not passed.</summary>
public sealed record ReleaseEvaluation(string SpecificationName, string SpecificationVersion, IReadOnlyList<CriterionResult> Results, IReadOnlyList<Issue> Issues)
{
    /// <summary>True only when every criterion passed and nothing else was wrong.</summary>
    public bool Passed => Results.All(r => r.Outcome == CriterionOutcome.Pass) && !Issues.Any(i => i.IsError);
}

/// <summary>
/// A release specification a site configures, versioned. <see cref="IsctMscDefault"/> is the default for MSC lots.
/// </summary>
public sealed record ReleaseSpecification(string Name, string Version, IReadOnlyList<ReleaseCriterion> Criteria)
{
    private const string Isct = "ISCT minimal criteria: Dominici M et al. Cytotherapy 2006;8:315-7";
    private const string SiteSet = "site specification (no published default; the site must set it)";

    /// <summary>
    /// The default for MSC: the ISCT minimal criteria (Dominici M, Le Blanc K, Mueller I, et al. Minimal criteria for
    /// defining multipotent mesenchymal stromal cells. The International Society for Cellular Therapy position
    /// statement. Cytotherapy 2006;8(4):315-7): plastic adherence; CD105, CD73, CD90 expressed by ≥ 95% of cells;
    /// CD45, CD34, CD14 or CD11b, CD79a or CD19 and HLA-DR by ≤ 2%; in vitro differentiation to osteoblasts,
    /// adipocytes and chondroblasts. Plus the safety tests a release needs: sterility and mycoplasma (must be
    /// negative), and viability and endotoxin, whose numeric limits ISCT does not give: they are left unset
    /// (<c>null</c>) so a lot cannot pass until the site sets them with <see cref="WithLimit"/>.
    /// </summary>
    public static ReleaseSpecification IsctMscDefault { get; } = new("ISCT MSC minimal criteria + safety", "2006.1",
    [
        Marker("cd73", "CD73 positive", CriterionKind.AtLeast, 95m),
        Marker("cd90", "CD90 positive", CriterionKind.AtLeast, 95m),
        Marker("cd105", "CD105 positive", CriterionKind.AtLeast, 95m),
        Marker("cd45", "CD45 positive", CriterionKind.AtMost, 2m),
        Marker("cd34", "CD34 positive", CriterionKind.AtMost, 2m),
        new("cd14_or_cd11b", "CD14 or CD11b positive", CriterionKind.AtMost, 2m, "%", ["cd14", "cd11b"], Isct),
        new("cd79a_or_cd19", "CD79a or CD19 positive", CriterionKind.AtMost, 2m, "%", ["cd79a", "cd19"], Isct),
        Marker("hla_dr", "HLA-DR positive", CriterionKind.AtMost, 2m),
        Qualitative("plastic_adherence", "Plastic-adherent in standard culture", Isct),
        Qualitative("trilineage_differentiation", "Differentiates to osteoblasts, adipocytes and chondroblasts in vitro", Isct),
        new("viability", "Viable cells", CriterionKind.AtLeast, null, "%", ["viability"], SiteSet),
        Qualitative("sterility", "Sterility: no growth", SiteSet),
        new("endotoxin", "Endotoxin", CriterionKind.AtMost, null, "EU/kg", ["endotoxin"], SiteSet),
        Qualitative("mycoplasma", "Mycoplasma: not detected", SiteSet),
    ]);

    private static ReleaseCriterion Marker(string key, string label, CriterionKind kind, decimal limit) =>
        new(key, label, kind, limit, "%", [key], Isct);

    private static ReleaseCriterion Qualitative(string key, string label, string source) =>
        new(key, label, CriterionKind.MustBeMet, null, "", [key], source);

    /// <summary>This specification with one criterion's limit set by the site (a new version string is required).</summary>
    public ReleaseSpecification WithLimit(string criterionKey, decimal limit, string newVersion, string source)
    {
        Preconditions.Requires(Criteria.Any(c => c.Key == criterionKey && c.Kind != CriterionKind.MustBeMet), $"No numeric criterion '{criterionKey}'.");
        Preconditions.NotBlank(newVersion);
        return this with
        {
            Version = newVersion,
            Criteria = [.. Criteria.Select(c => c.Key == criterionKey ? c with { Limit = limit, Source = source } : c)],
        };
    }

    /// <summary>Problems with the specification itself: limits the site still has to set.</summary>
    public IReadOnlyList<Issue> Validate() =>
        [.. Criteria.Where(c => c.Kind != CriterionKind.MustBeMet && c.Limit is null)
            .Select(c => Issue.Error(IssueCodes.ReleaseLimitNotSet, c.Key, $"The release limit for {c.Label} is not set; ISCT gives none, so the site must set it."))];

    /// <summary>
    /// Evaluates measured results (keyed by measurement key, e.g. <c>cd73</c>, <c>cd11b</c>, <c>sterility</c>) against
    /// every criterion. Returns each criterion's outcome with its measured value; unknown measurement keys are errors.
    /// </summary>
    public ReleaseEvaluation Evaluate(IReadOnlyDictionary<string, ReleaseMeasurement> measured)
    {
        Preconditions.NotNull(measured);
        var results = new List<CriterionResult>();
        var issues = new List<Issue>();
        var known = Criteria.SelectMany(c => c.AlternativeKeys).ToHashSet(StringComparer.Ordinal);
        foreach (var key in measured.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal))
        {
            issues.Add(Issue.Error(IssueCodes.UnknownItem, key, $"'{key}' is not a measurement of specification '{Name}'."));
        }

        foreach (var criterion in Criteria)
        {
            var given = criterion.AlternativeKeys.Where(measured.ContainsKey).Select(k => (Key: k, Value: measured[k])).ToList();
            var text = string.Join("; ", given.Select(g => $"{g.Key}={g.Value}"));
            CriterionOutcome outcome;
            if (criterion.Kind != CriterionKind.MustBeMet && criterion.Limit is null)
            {
                outcome = CriterionOutcome.LimitNotSet;
                issues.Add(Issue.Error(IssueCodes.ReleaseLimitNotSet, criterion.Key, $"The release limit for {criterion.Label} is not set by the site."));
            }
            else if (given.Count == 0)
            {
                outcome = CriterionOutcome.NotTested;
                issues.Add(Issue.Error(IssueCodes.ReleaseCriterionNotTested, criterion.Key,
                    $"{criterion.Label}: no result (expected {string.Join(" or ", criterion.AlternativeKeys)})."));
            }
            else
            {
                var bad = given.Where(g => !Meets(criterion, g.Value)).ToList();
                outcome = bad.Count == 0 ? CriterionOutcome.Pass : CriterionOutcome.Fail;
                foreach (var (key, value) in bad)
                {
                    issues.Add(Issue.Error(IssueCodes.ReleaseCriterionFailed, key,
                        $"{criterion.Label}: measured {value}{(criterion.Kind == CriterionKind.MustBeMet ? "" : " " + criterion.Unit)}, required {criterion.LimitText}."));
                }
            }

            results.Add(new CriterionResult(criterion, outcome, text));
        }

        return new ReleaseEvaluation(Name, Version, results, issues);
    }

    private static bool Meets(ReleaseCriterion criterion, ReleaseMeasurement m) => criterion.Kind switch
    {
        CriterionKind.AtLeast => m.Value is { } v && v >= criterion.Limit!.Value,
        CriterionKind.AtMost => m.Value is { } v && v <= criterion.Limit!.Value,
        _ => m.Met == true,
    };
}
