using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Outcomes;

/// <summary>Units in which KDIGO 2024 states its proteinuria thresholds (protein–creatinine ratio).</summary>
public enum ProteinCreatinineUnit
{
    /// <summary>g protein per g creatinine (thresholds 0.5 and 3 g/g).</summary>
    GramPerGram,

    /// <summary>mg protein per mmol creatinine (thresholds 50 and 300 mg/mmol, as the guideline states them).</summary>
    MilligramPerMillimole,
}

/// <summary>How the urine protein–creatinine ratio was obtained.</summary>
public enum UrineSample
{
    /// <summary>Protein–creatinine ratio of a 24-hour urine collection: the measurement KDIGO 2024 defines response on.</summary>
    TwentyFourHour,

    /// <summary>Spot (random) urine protein–creatinine ratio.</summary>
    Spot,
}

/// <summary>A urine protein–creatinine ratio with its unit and collection.</summary>
/// <param name="Value">The ratio (≥ 0).</param>
/// <param name="Unit">g/g or mg/mmol.</param>
/// <param name="Sample">24-hour or spot urine.</param>
public readonly record struct ProteinCreatinineRatio(decimal Value, ProteinCreatinineUnit Unit, UrineSample Sample)
{
    public static ProteinCreatinineRatio GramsPerGram(decimal value, UrineSample sample = UrineSample.TwentyFourHour) =>
        new(value, ProteinCreatinineUnit.GramPerGram, sample);

    public static ProteinCreatinineRatio MilligramsPerMillimole(decimal value, UrineSample sample = UrineSample.TwentyFourHour) =>
        new(value, ProteinCreatinineUnit.MilligramPerMillimole, sample);

    public override string ToString() =>
        $"{Value} {(Unit == ProteinCreatinineUnit.GramPerGram ? "g/g" : "mg/mmol")} ({(Sample == UrineSample.TwentyFourHour ? "24-h urine" : "spot urine")})";
}

/// <summary>Which kidney-function measure is compared with baseline.</summary>
public enum KidneyFunctionMeasure
{
    /// <summary>eGFR in mL/min/1.73 m²: stable or improved means not below baseline by more than the tolerance.</summary>
    Egfr,

    /// <summary>Serum creatinine (any one unit at both visits): stable or improved means not above baseline by more than the tolerance.</summary>
    SerumCreatinine,
}

/// <summary>A kidney-function value (eGFR, or serum creatinine in one unit used at both visits).</summary>
public readonly record struct KidneyFunction(KidneyFunctionMeasure Measure, decimal Value)
{
    public static KidneyFunction Egfr(decimal mlPerMinPer173M2) => new(KidneyFunctionMeasure.Egfr, mlPerMinPer173M2);

    public static KidneyFunction Creatinine(decimal value) => new(KidneyFunctionMeasure.SerumCreatinine, value);
}

/// <summary>KDIGO 2024 kidney response categories for lupus nephritis.</summary>
public enum RenalResponseCategory
{
    Complete,
    Partial,

    /// <summary>Neither complete nor partial response 6 months or more after the start of therapy.</summary>
    None,

    /// <summary>
    /// Neither complete nor partial response yet, assessed before month 6: KDIGO 2024 declares no response only when
    /// neither is reached within 6–12 months, so it is too early to call it "none".
    /// </summary>
    NotYetReached,
}

/// <summary>Baseline and follow-up values for one renal-response assessment.</summary>
/// <param name="BaselineProteinuria">Protein–creatinine ratio at the start of therapy.</param>
/// <param name="Proteinuria">Protein–creatinine ratio at the assessment.</param>
/// <param name="BaselineKidneyFunction">eGFR or creatinine at the start of therapy.</param>
/// <param name="KidneyFunction">The same measure at the assessment.</param>
/// <param name="MonthsSinceStart">Whole or fractional months from the start of therapy to the assessment.</param>
public sealed record RenalResponseInput(
    ProteinCreatinineRatio BaselineProteinuria,
    ProteinCreatinineRatio Proteinuria,
    KidneyFunction BaselineKidneyFunction,
    KidneyFunction KidneyFunction,
    decimal MonthsSinceStart);

/// <summary>
/// The criteria a study applies. KDIGO 2024 states the kidney-function condition as "stable or improved,
/// ±10–15% of baseline": a band, not one number, so the study must choose the tolerance (0.10–0.15) and the
/// choice is recorded with each result.
/// </summary>
/// <param name="KidneyFunctionTolerance">Fraction of baseline kidney function allowed to be lost, 0.10–0.15.</param>
public sealed record RenalResponseCriteria(decimal KidneyFunctionTolerance)
{
    public const string Name = "KDIGO 2024 lupus nephritis kidney response";

    public const string Version = "2024.1";

    public const string Citation = "KDIGO 2024 Clinical Practice Guideline for the Management of Lupus Nephritis. Kidney Int 2024;105(1S):S1-S69.";
}

/// <summary>A renal-response assessment: the category, each criterion's outcome, and the rule that decided it.</summary>
public sealed record RenalResponseResult(
    RenalResponseCategory? Category,
    bool KidneyFunctionStable,
    decimal? ProteinuriaReduction,
    string Rule,
    string Explanation,
    IReadOnlyList<Issue> Issues)
{
    public bool IsValid => !Issues.Any(i => i.IsError);
}

/// <summary>
/// Kidney response in lupus nephritis as defined by KDIGO 2024 (Kidney Int 2024;105(1S):S1-S69), taken from a
/// secondary summary of the guideline, the guideline's own figure not read (see docs/sources/responses.md):
/// complete — proteinuria &lt; 0.5 g/g (50 mg/mmol) and kidney function stable or improved (±10–15% of baseline);
/// partial — proteinuria reduced by ≥ 50% and to &lt; 3 g/g (300 mg/mmol), kidney function stable or improved;
/// none — neither. Response is expected within 6–12 months of starting therapy (it may take longer).
/// Thresholds are compared in the unit the value is reported in, using the figure the guideline states for that unit
/// (0.5 g/g or 50 mg/mmol; 3 g/g or 300 mg/mmol), never a converted figure.
/// </summary>
public static class RenalResponse
{
    public static RenalResponseResult Assess(RenalResponseInput input, RenalResponseCriteria criteria)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(criteria);
        var rule = $"{RenalResponseCriteria.Name} (version {RenalResponseCriteria.Version}, kidney-function tolerance {Percent(criteria.KidneyFunctionTolerance)})";
        var issues = new List<Issue>();
        if (criteria.KidneyFunctionTolerance is < 0.10m or > 0.15m)
        {
            issues.Add(Issue.Error(IssueCodes.RenalToleranceOutOfBand, "kidney_function_tolerance",
                $"Kidney-function tolerance {criteria.KidneyFunctionTolerance} is outside KDIGO 2024's band; expected 0.10 to 0.15 (10–15% of baseline)."));
        }

        if (input.BaselineProteinuria.Unit != input.Proteinuria.Unit)
        {
            issues.Add(Issue.Error(IssueCodes.RenalMeasureMismatch, "proteinuria",
                $"Baseline proteinuria is {input.BaselineProteinuria} but follow-up is {input.Proteinuria}; express both in the same unit."));
        }

        if (input.BaselineKidneyFunction.Measure != input.KidneyFunction.Measure)
        {
            issues.Add(Issue.Error(IssueCodes.RenalMeasureMismatch, "kidney_function",
                $"Baseline kidney function is {input.BaselineKidneyFunction.Measure} but follow-up is {input.KidneyFunction.Measure}; compare the same measure."));
        }

        foreach (var (path, value) in new[]
                 {
                     ("baseline_proteinuria", input.BaselineProteinuria.Value), ("proteinuria", input.Proteinuria.Value),
                     ("baseline_kidney_function", input.BaselineKidneyFunction.Value), ("kidney_function", input.KidneyFunction.Value),
                     ("months_since_start", input.MonthsSinceStart),
                 })
        {
            if (value < 0m)
            {
                issues.Add(Issue.Error(IssueCodes.ImpossibleValue, path, $"'{path}' is {value}; it cannot be negative."));
            }
        }

        if (input.BaselineKidneyFunction.Value == 0m)
        {
            issues.Add(Issue.Error(IssueCodes.ImpossibleValue, "baseline_kidney_function", "Baseline kidney function is 0; a change from baseline cannot be computed."));
        }

        if (input.BaselineProteinuria.Sample != UrineSample.TwentyFourHour || input.Proteinuria.Sample != UrineSample.TwentyFourHour)
        {
            issues.Add(Issue.Warning(IssueCodes.RenalNot24HourCollection, "proteinuria",
                "KDIGO 2024 defines kidney response on the protein–creatinine ratio of a 24-hour urine collection; a spot ratio was used."));
        }

        if (input.MonthsSinceStart is < 6m or > 12m)
        {
            issues.Add(Issue.Info(IssueCodes.RenalOutsideAssessmentWindow, "months_since_start",
                $"Assessed {input.MonthsSinceStart} months after the start of therapy; KDIGO 2024 expects response within 6–12 months (it may take longer)."));
        }

        if (issues.Exists(i => i.IsError))
        {
            return new RenalResponseResult(null, false, null, rule, "Not assessed: the input has errors.", issues);
        }

        var stable = KidneyFunctionStable(input.BaselineKidneyFunction, input.KidneyFunction, criteria.KidneyFunctionTolerance);
        var (completeBelow, partialBelow) = input.Proteinuria.Unit == ProteinCreatinineUnit.GramPerGram ? (0.5m, 3m) : (50m, 300m);
        var unit = input.Proteinuria.Unit == ProteinCreatinineUnit.GramPerGram ? "g/g" : "mg/mmol";
        decimal? reduction = input.BaselineProteinuria.Value == 0m
            ? null
            : (input.BaselineProteinuria.Value - input.Proteinuria.Value) / input.BaselineProteinuria.Value;
        var kidneyText = stable
            ? $"kidney function stable or improved (within {Percent(criteria.KidneyFunctionTolerance)} of baseline)"
            : $"kidney function worse than baseline by more than {Percent(criteria.KidneyFunctionTolerance)}";

        RenalResponseCategory category;
        string why;
        if (stable && input.Proteinuria.Value < completeBelow)
        {
            category = RenalResponseCategory.Complete;
            why = $"proteinuria {input.Proteinuria.Value} {unit} < {completeBelow} {unit} and {kidneyText}";
        }
        else if (stable && reduction >= 0.5m && input.Proteinuria.Value < partialBelow)
        {
            category = RenalResponseCategory.Partial;
            why = $"proteinuria fell {Percent(reduction!.Value)} (≥ 50%) to {input.Proteinuria.Value} {unit} (< {partialBelow} {unit}) and {kidneyText}";
        }
        else
        {
            category = input.MonthsSinceStart < 6m ? RenalResponseCategory.NotYetReached : RenalResponseCategory.None;
            why = !stable
                ? kidneyText
                : $"proteinuria {input.Proteinuria.Value} {unit} is not < {completeBelow} {unit}, and the fall ({(reduction is { } r ? Percent(r) : "not computable from a baseline of 0")}) with a level below {partialBelow} {unit} does not meet the partial criteria";
        }

        return new RenalResponseResult(category, stable, reduction, rule, $"{category} kidney response by {rule}: {why}.", issues);
    }

    private static string Percent(decimal fraction) =>
        (fraction * 100m).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";

    private static bool KidneyFunctionStable(KidneyFunction baseline, KidneyFunction current, decimal tolerance) =>
        baseline.Measure == KidneyFunctionMeasure.Egfr
            ? current.Value >= baseline.Value * (1m - tolerance)
            : current.Value <= baseline.Value * (1m + tolerance);
}
