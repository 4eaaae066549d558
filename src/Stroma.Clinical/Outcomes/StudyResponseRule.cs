using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Outcomes;

/// <summary>What a criterion compares: the value at the assessment, or its change from baseline.</summary>
public enum CriterionBasis
{
    /// <summary>The value at the assessment.</summary>
    Current,

    /// <summary>Assessment minus baseline, in the measure's unit.</summary>
    ChangeFromBaseline,

    /// <summary>(Assessment − baseline) / baseline, as a fraction (−0.5 = fell by half).</summary>
    RelativeChangeFromBaseline,
}

/// <summary>A comparison operator.</summary>
public enum Comparison
{
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
    EqualTo,
}

/// <summary>A measure a study rule may use, with its unit. Keys carry the unit so a rule can never mix units.</summary>
/// <param name="Key">Stable key, e.g. <c>proteinuria_g_per_24h</c>.</param>
/// <param name="Description">What it is and where Stroma takes it from.</param>
public sealed record ResponseMeasure(string Key, string Description);

/// <summary>One condition of a category: e.g. "proteinuria_g_per_24h, relative change from baseline, ≤ −0.5".</summary>
public sealed record RuleCriterion(string Measure, CriterionBasis Basis, Comparison Comparison, decimal Threshold)
{
    public override string ToString()
    {
        var op = Comparison switch
        {
            Comparison.LessThan => "<",
            Comparison.LessThanOrEqual => "≤",
            Comparison.GreaterThan => ">",
            Comparison.GreaterThanOrEqual => "≥",
            _ => "=",
        };
        var basis = Basis switch
        {
            CriterionBasis.Current => "",
            CriterionBasis.ChangeFromBaseline => " change from baseline",
            _ => " relative change from baseline",
        };
        return $"{Measure}{basis} {op} {Threshold.ToString(CultureInfo.InvariantCulture)}";
    }
}

/// <summary>A response category and the criteria that must all hold for it.</summary>
public sealed record RuleCategory(ClinicalResponseCategory Category, IReadOnlyList<RuleCriterion> AllOf);

/// <summary>
/// A response rule a study declares as data (from its protocol), named and versioned: categories tried in order,
/// the first whose criteria all hold is the result; if none holds, <see cref="Otherwise"/>. Stroma ships no built-in
/// MCR/PCR/relapse rule because the published definitions could not be confirmed (docs/outcomes.md); a study that
/// has them writes them here and every result names the rule and version that decided it.
/// </summary>
/// <param name="Name">The rule's name, e.g. "UC-MSC multicentre study response (protocol v2, §7.2)".</param>
/// <param name="Version">The rule's version; a changed rule is a new version.</param>
/// <param name="Source">Where the rule comes from (protocol section, publication).</param>
/// <param name="Categories">Categories in the order they are tried.</param>
/// <param name="Otherwise">The category when none holds (normally no response).</param>
public sealed record StudyResponseRule(string Name, string Version, string Source, IReadOnlyList<RuleCategory> Categories, ClinicalResponseCategory Otherwise)
{
    /// <summary>The measures rules may use (baseline and current values come from the registry).</summary>
    public static IReadOnlyList<ResponseMeasure> Measures { get; } =
    [
        new("sledai2k_total", "SLEDAI-2K total (0–105)."),
        new("bilag2004_total_numeric", "BILAG-2004 numeric total (A=12, B=8, C=1, D=E=0; 0–108)."),
        new("bilag2004_renal_numeric", "BILAG-2004 renal system numeric score (12, 8, 1 or 0)."),
        new("pga", "Physician global assessment (0–3)."),
        new("proteinuria_g_per_24h", "24-hour urine protein, g/24 h."),
        new("upcr_mg_per_mmol", "Urine protein–creatinine ratio, mg/mmol."),
        new("creatinine_umol_per_l", "Serum creatinine, µmol/L."),
        new("egfr_ml_min_173m2", "eGFR (CKD-EPI 2021), mL/min/1.73 m²."),
        new("albumin_g_per_l", "Serum albumin, g/L."),
        new("c3_g_per_l", "Complement C3, g/L."),
        new("prednisone_mg_per_day", "Prednisone-equivalent glucocorticoid dose, mg/day."),
    ];

    /// <summary>Every problem that makes the rule unusable (checked before any evaluation).</summary>
    public IReadOnlyList<Issue> Validate()
    {
        var issues = new List<Issue>();
        if (string.IsNullOrWhiteSpace(Name) || string.IsNullOrWhiteSpace(Version))
        {
            issues.Add(Issue.Error(IssueCodes.RuleMalformed, "name", "A study response rule needs a name and a version."));
        }

        if (Categories.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.RuleMalformed, "categories", $"Rule '{Name}' has no category."));
        }

        for (var i = 0; i < Categories.Count; i++)
        {
            if (Categories[i].AllOf.Count == 0)
            {
                issues.Add(Issue.Error(IssueCodes.RuleMalformed, $"categories[{i}]", $"Rule '{Name}': category {Categories[i].Category} has no criterion."));
            }

            foreach (var c in Categories[i].AllOf.Where(c => Measures.All(m => m.Key != c.Measure)))
            {
                issues.Add(Issue.Error(IssueCodes.RuleMalformed, $"categories[{i}]",
                    $"Rule '{Name}': unknown measure '{c.Measure}'; expected one of {string.Join(", ", Measures.Select(m => m.Key))}."));
            }
        }

        return issues;
    }
}

/// <summary>Baseline and current values of the measures for one patient at one time point.</summary>
public sealed record ResponseObservation(string PatientKey, decimal MonthsSinceStart, IReadOnlyDictionary<string, decimal> Baseline, IReadOnlyDictionary<string, decimal> Current);

/// <summary>One criterion's outcome.</summary>
public sealed record CriterionOutcome(RuleCriterion Criterion, decimal? Value, bool? Met);

/// <summary>The category a rule gave, with the rule's name and version and every criterion it checked.</summary>
public sealed record RuleEvaluation(ClinicalResponseCategory? Category, string Rule, IReadOnlyList<CriterionOutcome> Checked, string Explanation, IReadOnlyList<Issue> Issues);

/// <summary>Applies a <see cref="StudyResponseRule"/> to an observation.</summary>
public static class StudyResponseRules
{
    public static RuleEvaluation Evaluate(StudyResponseRule rule, ResponseObservation observation)
    {
        Preconditions.NotNull(rule);
        Preconditions.NotNull(observation);
        var name = $"{rule.Name} (version {rule.Version})";
        var issues = rule.Validate().ToList();
        if (issues.Count > 0)
        {
            return new RuleEvaluation(null, name, [], "Not evaluated: the rule is malformed.", issues);
        }

        var checkedCriteria = new List<CriterionOutcome>();
        foreach (var category in rule.Categories)
        {
            var outcomes = category.AllOf.Select(c => Check(c, observation)).ToList();
            checkedCriteria.AddRange(outcomes);
            var missing = outcomes.Where(o => o.Met is null).ToList();
            if (missing.Count > 0)
            {
                issues.AddRange(missing.Select(o => Issue.Error(IssueCodes.RuleMeasureMissing, o.Criterion.Measure,
                    $"{observation.PatientKey} at month {observation.MonthsSinceStart}: '{o.Criterion}' needs {o.Criterion.Measure}{(o.Criterion.Basis == CriterionBasis.Current ? "" : " at baseline and")} at the assessment, which is missing (or a baseline of 0 for a relative change).")));
                return new RuleEvaluation(null, name, checkedCriteria, "Not evaluated: a measure is missing.", issues);
            }

            if (outcomes.All(o => o.Met == true))
            {
                return new RuleEvaluation(category.Category, name, checkedCriteria,
                    $"{category.Category} by {name}: {string.Join("; ", outcomes.Select(o => $"{o.Criterion} (value {o.Value:0.####})"))}.", issues);
            }
        }

        return new RuleEvaluation(rule.Otherwise, name, checkedCriteria,
            $"{rule.Otherwise} by {name}: no category's criteria all held.", issues);
    }

    private static CriterionOutcome Check(RuleCriterion criterion, ResponseObservation o)
    {
        if (!o.Current.TryGetValue(criterion.Measure, out var current))
        {
            return new CriterionOutcome(criterion, null, null);
        }

        decimal value;
        if (criterion.Basis == CriterionBasis.Current)
        {
            value = current;
        }
        else if (!o.Baseline.TryGetValue(criterion.Measure, out var baseline)
                 || (criterion.Basis == CriterionBasis.RelativeChangeFromBaseline && baseline == 0m))
        {
            return new CriterionOutcome(criterion, null, null);
        }
        else
        {
            value = criterion.Basis == CriterionBasis.ChangeFromBaseline ? current - baseline : (current - baseline) / baseline;
        }

        var met = criterion.Comparison switch
        {
            Comparison.LessThan => value < criterion.Threshold,
            Comparison.LessThanOrEqual => value <= criterion.Threshold,
            Comparison.GreaterThan => value > criterion.Threshold,
            Comparison.GreaterThanOrEqual => value >= criterion.Threshold,
            _ => value == criterion.Threshold,
        };
        return new CriterionOutcome(criterion, value, met);
    }
}
