using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>One criterion of a composite state or response (LLDAS, DORIS, SRI-4, BICLA) as evaluated.</summary>
/// <param name="Key">Stable snake_case key of the criterion (e.g. <c>pga</c>).</param>
/// <param name="Label">The criterion as the publication states it (abridged).</param>
/// <param name="Passed">True when met, false when not, null when it could not be assessed.</param>
/// <param name="Reason">Why: the values compared and the threshold (e.g. "PGA 1.01 > 1").</param>
public sealed record CriterionResult(string Key, string Label, bool? Passed, string Reason);

/// <summary>
/// A named, versioned choice where the publications leave the arithmetic open (e.g. DORIS "≤ 5" vs "&lt; 5 mg/day").
/// Every result records the choices it was computed with, so it can be recomputed or compared.
/// </summary>
/// <param name="Parameter">The parameter (e.g. <c>prednisone_rule</c>).</param>
/// <param name="Choice">The chosen value's key (e.g. <c>at_most_5</c>).</param>
/// <param name="Version">Version of the rule's wording and arithmetic.</param>
/// <param name="Description">What the choice means and where it comes from.</param>
public sealed record RuleChoice(string Parameter, string Choice, string Version, string Description);

/// <summary>The result of a composite state or response.</summary>
/// <param name="Met">True when every criterion is met; false when at least one is not; null when it cannot be
/// decided (an input error, or LLDAS at a first visit).</param>
/// <param name="Criteria">Every criterion with its pass/fail and reason, in the publication's order.</param>
/// <param name="Rules">The named, versioned rule choices used.</param>
/// <param name="Issues">Problems found; any error means <paramref name="Met"/> is null.</param>
public sealed record CompositeResult(
    bool? Met,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<RuleChoice> Rules,
    IReadOnlyList<Issue> Issues)
{
    public bool IsValid => !Issues.Any(i => i.IsError);

    /// <summary>Met only if every criterion passed; undecided if any is unassessable or an error was found.</summary>
    internal static CompositeResult From(IReadOnlyList<CriterionResult> criteria, IReadOnlyList<RuleChoice> rules, IReadOnlyList<Issue> issues)
    {
        bool? met = issues.Any(i => i.IsError) || criteria.Any(c => c.Passed is null) ? null : criteria.All(c => c.Passed == true);
        return new CompositeResult(met, criteria, rules, issues);
    }

    internal static CompositeResult Invalid(IReadOnlyList<Issue> issues) => new(null, [], [], issues);
}

/// <summary>
/// The rule Stroma uses for "new BILAG A" and "new BILAG B" in SRI-4 and BICLA, whose publications do not spell it
/// out (UNCONFIRMED, see docs/instruments/sri4.md): a <b>new A</b> is a system graded A now that was not A at
/// baseline; a <b>new B</b> is a system graded B now that was C, D or E at baseline (a system falling from A to B is
/// an improvement, not a new B). Grades are BILAG-2004.
/// </summary>
public static class BilagNewGradeRule
{
    public const string Parameter = "new_bilag_rule";

    public const string Choice = "worsened_into";

    public const string Version = "1";

    public static RuleChoice Description { get; } = new(Parameter, Choice, Version,
        "new A = graded A now, not A at baseline; new B = graded B now, C/D/E at baseline (UNCONFIRMED operationalisation)");

    public static bool IsNewA(BilagGrade baseline, BilagGrade current) => current == BilagGrade.A && baseline != BilagGrade.A;

    public static bool IsNewB(BilagGrade baseline, BilagGrade current) => current == BilagGrade.B && baseline > BilagGrade.B;
}

/// <summary>Checks and adapter plumbing shared by the composite instruments.</summary>
internal static class Composite
{
    /// <summary>PGA (physician global assessment, SELENA-SLEDAI) is on 0–3.</summary>
    public const decimal PgaMaximum = 3m;

    /// <summary>Adapter plausibility bound in mg/day only: it catches typing errors, it is not a clinical limit.</summary>
    public const decimal PrednisoneMaximum = 2000m;

    public static readonly string[] GradeChoices = ["a", "b", "c", "d", "e"];

    public static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static void CheckPga(decimal pga, string path, List<Issue> issues)
    {
        if (pga < 0m || pga > PgaMaximum)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, path, $"PGA {Text(pga)} is out of range; expected 0 to 3 (SELENA-SLEDAI PGA scale)."));
        }
    }

    public static void CheckPrednisone(decimal mgPerDay, string path, List<Issue> issues)
    {
        if (mgPerDay < 0m)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, path, $"Prednisone-equivalent dose {Text(mgPerDay)} mg/day is negative; expected 0 or more."));
        }
    }

    public static void CheckSledaiTotal(int total, string path, List<Issue> issues)
    {
        if (total < 0 || total > Sledai2k.MaximumTotal)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, path, $"SLEDAI-2K total {total} is out of range; expected 0 to {Sledai2k.MaximumTotal}."));
        }
    }

    public static string BilagKey(BilagSystem system, bool baseline) =>
        (baseline ? "baseline_bilag_" : "bilag_") + system.ToString().ToLowerInvariant();

    /// <summary>Checks both visits' BILAG grades: all nine systems present, and no system "never affected" (E) now
    /// that was affected (A–D) at baseline, which contradicts the meaning of E.</summary>
    public static void CheckBilag(IReadOnlyDictionary<BilagSystem, BilagGrade> current, IReadOnlyDictionary<BilagSystem, BilagGrade> baseline, List<Issue> issues)
    {
        foreach (var system in Enum.GetValues<BilagSystem>())
        {
            var hasNow = current.TryGetValue(system, out var now);
            var hasThen = baseline.TryGetValue(system, out var then);
            if (!hasNow)
            {
                issues.Add(Issue.Error(IssueCodes.MissingItem, BilagKey(system, false), $"BILAG-2004 {system} grade is missing at this visit."));
            }

            if (!hasThen)
            {
                issues.Add(Issue.Error(IssueCodes.MissingItem, BilagKey(system, true), $"BILAG-2004 {system} grade is missing at baseline."));
            }

            if (hasNow && !Enum.IsDefined(now))
            {
                issues.Add(Issue.Error(IssueCodes.NotAChoice, BilagKey(system, false), $"BILAG-2004 {system} grade {(int)now} is not A–E."));
            }
            else if (hasThen && !Enum.IsDefined(then))
            {
                issues.Add(Issue.Error(IssueCodes.NotAChoice, BilagKey(system, true), $"BILAG-2004 {system} grade {(int)then} is not A–E."));
            }
            else if (hasNow && hasThen && now == BilagGrade.E && then != BilagGrade.E)
            {
                issues.Add(Issue.Error(IssueCodes.Contradiction, BilagKey(system, false),
                    $"BILAG-2004 {system} is E (never affected) now but was {then} at baseline."));
            }
        }
    }

    /// <summary>Counts new A and new B systems under <see cref="BilagNewGradeRule"/>.</summary>
    public static CriterionResult NoNewBilag(IReadOnlyDictionary<BilagSystem, BilagGrade> current, IReadOnlyDictionary<BilagSystem, BilagGrade> baseline)
    {
        var systems = Enum.GetValues<BilagSystem>();
        var newA = systems.Where(s => BilagNewGradeRule.IsNewA(baseline[s], current[s])).ToList();
        var newB = systems.Where(s => BilagNewGradeRule.IsNewB(baseline[s], current[s])).ToList();
        var passed = newA.Count == 0 && newB.Count <= 1;
        var reason = $"{newA.Count} new A ({List(newA)}), {newB.Count} new B ({List(newB)}); allowed: 0 new A and at most 1 new B";
        return new CriterionResult("no_new_bilag", "No new BILAG A and no more than one new BILAG B", passed, reason);

        static string List(List<BilagSystem> s) => s.Count == 0 ? "none" : string.Join(", ", s);
    }

    public static IEnumerable<ItemDefinition> BilagItems(bool baseline) =>
        Enum.GetValues<BilagSystem>().Select(s => ItemDefinition.Choice(BilagKey(s, baseline),
            $"BILAG-2004 {s}{(baseline ? " at baseline" : "")}",
            $"BILAG-2004 {s} system grade {(baseline ? "at baseline" : "at this visit")}: a (severe), b (moderate), c (mild), d (previously affected, now inactive), e (never affected).",
            GradeChoices, required: true));

    public static Dictionary<BilagSystem, BilagGrade> ReadBilag(ItemReader reader, bool baseline)
    {
        var grades = new Dictionary<BilagSystem, BilagGrade>();
        foreach (var system in Enum.GetValues<BilagSystem>())
        {
            if (reader.Choice(BilagKey(system, baseline)) is { } choice)
            {
                grades[system] = Enum.Parse<BilagGrade>(choice, ignoreCase: true);
            }
        }

        return grades;
    }

    public static ItemDefinition PgaItem(bool baseline) => ItemDefinition.Number(baseline ? "baseline_pga" : "pga",
        baseline ? "PGA at baseline" : "Physician global assessment (PGA)",
        $"SELENA-SLEDAI physician global assessment of disease activity {(baseline ? "at baseline" : "at this visit")}, 0–3 (decimal).",
        0m, PgaMaximum, required: true);

    public static ItemDefinition SledaiTotalItem(bool baseline) => ItemDefinition.Number(
        baseline ? "baseline_sledai2k_total" : "sledai2k_total",
        baseline ? "SLEDAI-2K total at baseline" : "SLEDAI-2K total",
        $"SLEDAI-2K total {(baseline ? "at baseline" : "at this visit")} (0–105).",
        0m, Sledai2k.MaximumTotal, required: true, wholeNumber: true);

    public static ItemDefinition PrednisoneItem() => ItemDefinition.Number("prednisone_mg_per_day", "Prednisone-equivalent dose (mg/day)",
        "Current daily glucocorticoid dose as prednisone/prednisolone equivalent in mg/day (decimal). Conversion from other glucocorticoids is the clinician's; the upper bound only catches typing errors.",
        0m, PrednisoneMaximum, required: true);

    /// <summary>Maps a typed composite result onto the generic <see cref="ScoreResult"/>: one contribution per criterion
    /// (1 point when met, 0 otherwise, with a note), the grade, and the rule choices in the algorithm name.</summary>
    public static ScoreResult ToScoreResult(IInstrument instrument, CompositeResult result, string name, string metGrade, string notMetGrade, IReadOnlyList<Subtotal> subtotals)
    {
        var rules = result.Rules.Count == 0 ? "" : " [" + string.Join("; ", result.Rules.Select(r => $"{r.Parameter}={r.Choice} v{r.Version}")) + "]";
        string? grade = result.Met switch
        {
            true => metGrade,
            false => notMetGrade,
            null => null,
        };
        var failed = result.Criteria.Where(c => c.Passed == false).Select(c => c.Label).ToList();
        var open = result.Criteria.Where(c => c.Passed is null).Select(c => c.Label).ToList();
        var explanation = result.Met switch
        {
            true => $"{metGrade}: all {result.Criteria.Count} criteria met.",
            false => $"{notMetGrade}. Criteria not met: {string.Join("; ", failed)}.",
            null when result.Criteria.Count == 0 => "Not assessed: the input has errors.",
            null => $"No grade. Not assessable: {string.Join("; ", open.Count > 0 ? open : ["see issues"])}."
                    + (failed.Count > 0 ? $" Criteria not met: {string.Join("; ", failed)}." : ""),
        };
        return new ScoreResult(
            instrument.Key, name + rules, instrument.Version, null, grade,
            [.. result.Criteria.Select(c => new ItemContribution(c.Key, c.Label, c.Passed == true ? 1m : 0m,
                (c.Passed switch { true => "met: ", false => "not met: ", null => "not assessable: " }) + c.Reason))],
            subtotals,
            explanation,
            result.Issues);
    }
}
