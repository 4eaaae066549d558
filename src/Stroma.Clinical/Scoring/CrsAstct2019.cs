using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>Hypotension attributed to CRS, by the treatment it needs (ASTCT 2019 CRS table, "with hypotension" row).</summary>
public enum CrsHypotension
{
    /// <summary>No hypotension. Key <c>none</c>.</summary>
    None,

    /// <summary>Hypotension not requiring vasopressors (grade 2). Key <c>without_vasopressors</c>.</summary>
    WithoutVasopressors,

    /// <summary>Requiring a vasopressor with or without vasopressin (grade 3). Key <c>one_vasopressor</c>.</summary>
    OneVasopressor,

    /// <summary>Requiring multiple vasopressors, vasopressin not counted (grade 4). Key <c>multiple_vasopressors</c>.</summary>
    MultipleVasopressors,

    /// <summary>
    /// Vasopressin alone: the consensus table does not say which grade this is, so Stroma does not grade it
    /// (<c>CAR001</c>); the clinician records the grade. Key <c>vasopressin_only</c>.
    /// </summary>
    VasopressinOnly,
}

/// <summary>Oxygen delivery needed for hypoxia attributed to CRS (ASTCT 2019 CRS table, "and/or hypoxia" row).</summary>
public enum CrsOxygen
{
    /// <summary>No oxygen needed. Key <c>none</c>.</summary>
    None,

    /// <summary>Blow-by oxygen (low flow, grade 2). Key <c>blow_by</c>.</summary>
    BlowBy,

    /// <summary>Low-flow nasal cannula, oxygen ≤ 6 L/min (grade 2). Key <c>low_flow_nasal_cannula</c>.</summary>
    LowFlowNasalCannula,

    /// <summary>High-flow nasal cannula, oxygen &gt; 6 L/min (grade 3). Key <c>high_flow_nasal_cannula</c>.</summary>
    HighFlowNasalCannula,

    /// <summary>Facemask, whatever the flow (grade 3). Key <c>facemask</c>.</summary>
    Facemask,

    /// <summary>Nonrebreather mask (grade 3). Key <c>nonrebreather_mask</c>.</summary>
    NonrebreatherMask,

    /// <summary>Venturi mask (grade 3). Key <c>venturi_mask</c>.</summary>
    VenturiMask,

    /// <summary>Positive pressure: CPAP (grade 4). Key <c>cpap</c>.</summary>
    Cpap,

    /// <summary>Positive pressure: BiPAP (grade 4). Key <c>bipap</c>.</summary>
    Bipap,

    /// <summary>Positive pressure: intubation and mechanical ventilation (grade 4). Key <c>mechanical_ventilation</c>.</summary>
    MechanicalVentilation,
}

/// <summary>One CRS assessment (the worst of the period assessed, usually a day).</summary>
/// <param name="MaxTemperatureCelsius">Highest body temperature, °C (25–45).</param>
/// <param name="FeverAttributableToOtherCause">The clinician attributes the fever to another cause (e.g. an infection
/// shown by culture): then it is not CRS fever.</param>
/// <param name="FeverMaskedByTreatment">The patient has CRS and has received antipyretic or anticytokine therapy
/// (tocilizumab, corticosteroids): fever is then no longer required, and hypotension/hypoxia drive the grade.</param>
/// <param name="Hypotension">Hypotension not attributable to any other cause, by its treatment.</param>
/// <param name="Oxygen">Oxygen delivery for hypoxia not attributable to any other cause.</param>
/// <param name="OxygenFlowLitresPerMinute">Oxygen flow, L/min, when known: checked against the nasal-cannula choice
/// (low flow ≤ 6 L/min, high flow &gt; 6 L/min).</param>
public sealed record CrsAstct2019Input(
    decimal MaxTemperatureCelsius,
    bool FeverAttributableToOtherCause,
    bool FeverMaskedByTreatment,
    CrsHypotension Hypotension,
    CrsOxygen Oxygen,
    decimal? OxygenFlowLitresPerMinute = null);

/// <summary>A CRS grade by ASTCT 2019 with its parts.</summary>
/// <param name="Grade">0 (no CRS) to 4; null when the input cannot be graded (see <paramref name="Issues"/>).</param>
/// <param name="Fever">Whether the fever criterion holds (≥ 38 °C not attributable to another cause).</param>
/// <param name="HypotensionGrade">The grade the hypotension row alone gives (0, 2, 3, 4), null when not gradeable.</param>
/// <param name="HypoxiaGrade">The grade the hypoxia row alone gives (0, 2, 3, 4).</param>
/// <param name="Explanation">Why the grade is what it is.</param>
/// <param name="Issues">Problems and warnings.</param>
public sealed record CrsAstct2019Result(int? Grade, bool Fever, int? HypotensionGrade, int HypoxiaGrade, string Explanation, IReadOnlyList<Issue> Issues);

/// <summary>
/// Cytokine release syndrome grade by the ASTCT consensus: Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus
/// grading for cytokine release syndrome and neurologic toxicity associated with immune effector cells. Biol Blood
/// Marrow Transplant 2019;25(4):625-638 (doi 10.1016/j.bbmt.2018.12.758). Fever (≥ 38 °C, not attributable to any other
/// cause) is required, except after antipyretic or anticytokine therapy; the grade is then that of the more severe of
/// hypotension and hypoxia (the two never add); fever alone is grade 1. Low-flow nasal cannula is ≤ 6 L/min, high flow
/// &gt; 6 L/min; vasopressin never counts towards "multiple vasopressors". Organ toxicities are graded by CTCAE and do
/// not change the CRS grade. Grade 5 (death from CRS) is recorded as the adverse event's outcome, not scored here.
/// See docs/instruments/crs_astct2019.md.
/// </summary>
public static class CrsAstct2019
{
    public const string Name = "CRS grade (ASTCT 2019)";

    public const string Version = "2019.1";

    public const string Citation = "Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus grading for cytokine release syndrome and neurologic toxicity associated with immune effector cells. Biol Blood Marrow Transplant 2019;25(4):625-638.";

    /// <summary>Fever threshold, °C, inclusive.</summary>
    public const decimal FeverCelsius = 38m;

    /// <summary>Largest low-flow nasal cannula flow, L/min, inclusive.</summary>
    public const decimal LowFlowMaxLitresPerMinute = 6m;

    /// <summary>Grades one CRS assessment.</summary>
    public static CrsAstct2019Result Grade(CrsAstct2019Input input)
    {
        Preconditions.NotNull(input);
        var issues = new List<Issue>();
        var fever = input.MaxTemperatureCelsius >= FeverCelsius && !input.FeverAttributableToOtherCause;
        var hypotensionGrade = input.Hypotension switch
        {
            CrsHypotension.None => 0,
            CrsHypotension.WithoutVasopressors => 2,
            CrsHypotension.OneVasopressor => 3,
            CrsHypotension.MultipleVasopressors => 4,
            _ => (int?)null,
        };
        var hypoxiaGrade = OxygenGrade(input.Oxygen);
        CheckFlow(input, issues);
        if (hypotensionGrade is null)
        {
            issues.Add(Issue.Error(IssueCodes.CrsVasopressinAlone, "hypotension",
                "Hypotension treated with vasopressin alone is not graded by the ASTCT 2019 CRS table (vasopressin does not count as a vasopressor for grade 4, and the table is silent on vasopressin alone); record the clinician's CRS grade instead."));
        }

        if (issues.Exists(i => i.IsError))
        {
            return new CrsAstct2019Result(null, fever, hypotensionGrade, hypoxiaGrade, "Not graded: see the issues.", issues);
        }

        var organ = Math.Max(hypotensionGrade!.Value, hypoxiaGrade);
        var feverText = fever
            ? $"fever {Text(input.MaxTemperatureCelsius)} °C ≥ 38 °C"
            : input.MaxTemperatureCelsius >= FeverCelsius
                ? $"temperature {Text(input.MaxTemperatureCelsius)} °C attributed to another cause (not CRS fever)"
                : $"no fever ({Text(input.MaxTemperatureCelsius)} °C < 38 °C)";
        var parts = $"hypotension: {Describe(input.Hypotension)} (row grade {hypotensionGrade}); hypoxia: {Describe(input.Oxygen)} (row grade {hypoxiaGrade})";
        if (!fever && !input.FeverMaskedByTreatment)
        {
            if (organ > 0)
            {
                issues.Add(Issue.Warning(IssueCodes.CrsWithoutFever, "max_temperature_c",
                    "Hypotension or hypoxia without fever is not CRS by ASTCT 2019 unless fever was masked by antipyretic or anticytokine therapy given for CRS (then set fever_masked_by_treatment); look for another cause."));
            }

            return new CrsAstct2019Result(0, false, hypotensionGrade, hypoxiaGrade,
                $"No CRS: {feverText}, and fever is required (ASTCT 2019); {parts}.", issues);
        }

        if (organ == 0)
        {
            return fever
                ? new CrsAstct2019Result(1, true, 0, 0, $"Grade 1: {feverText} without hypotension or hypoxia.", issues)
                : new CrsAstct2019Result(0, false, 0, 0,
                    $"No CRS grade at this assessment: {feverText}, fever no longer required after antipyretic or anticytokine therapy, and neither hypotension nor hypoxia.", issues);
        }

        var decides = hypotensionGrade == hypoxiaGrade ? "both" : hypotensionGrade > hypoxiaGrade ? "hypotension" : "hypoxia";
        var feverPart = fever ? feverText : $"{feverText}; fever not required after antipyretic or anticytokine therapy";
        return new CrsAstct2019Result(organ, fever, hypotensionGrade, hypoxiaGrade,
            $"Grade {organ}: {feverPart}; {parts}; the more severe decides ({decides}).", issues);
    }

    /// <summary>The grade the hypoxia row gives for an oxygen delivery (0, 2, 3 or 4).</summary>
    public static int OxygenGrade(CrsOxygen oxygen) => oxygen switch
    {
        CrsOxygen.None => 0,
        CrsOxygen.BlowBy or CrsOxygen.LowFlowNasalCannula => 2,
        CrsOxygen.HighFlowNasalCannula or CrsOxygen.Facemask or CrsOxygen.NonrebreatherMask or CrsOxygen.VenturiMask => 3,
        CrsOxygen.Cpap or CrsOxygen.Bipap or CrsOxygen.MechanicalVentilation => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(oxygen), oxygen, "Unknown oxygen delivery."),
    };

    private static void CheckFlow(CrsAstct2019Input input, List<Issue> issues)
    {
        if (input.OxygenFlowLitresPerMinute is not { } flow)
        {
            return;
        }

        if (flow < 0m)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "oxygen_flow_l_per_min", $"Oxygen flow {Text(flow)} L/min is negative."));
        }
        else if (input.Oxygen == CrsOxygen.LowFlowNasalCannula && flow > LowFlowMaxLitresPerMinute)
        {
            issues.Add(Issue.Error(IssueCodes.Contradiction, "oxygen_flow_l_per_min",
                $"Oxygen flow {Text(flow)} L/min is high flow (> 6 L/min by ASTCT 2019), but oxygen is low_flow_nasal_cannula; choose high_flow_nasal_cannula or correct the flow."));
        }
        else if (input.Oxygen == CrsOxygen.HighFlowNasalCannula && flow <= LowFlowMaxLitresPerMinute)
        {
            issues.Add(Issue.Error(IssueCodes.Contradiction, "oxygen_flow_l_per_min",
                $"Oxygen flow {Text(flow)} L/min is low flow (≤ 6 L/min by ASTCT 2019), but oxygen is high_flow_nasal_cannula; choose low_flow_nasal_cannula or correct the flow."));
        }
        else if (input.Oxygen == CrsOxygen.None && flow > 0m)
        {
            issues.Add(Issue.Error(IssueCodes.Contradiction, "oxygen_flow_l_per_min",
                $"Oxygen flow {Text(flow)} L/min is given, but oxygen is none; choose how the oxygen is delivered."));
        }
    }

    private static string Text(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Describe(CrsHypotension value) => value switch
    {
        CrsHypotension.None => "none",
        CrsHypotension.WithoutVasopressors => "not requiring vasopressors",
        CrsHypotension.OneVasopressor => "one vasopressor (with or without vasopressin)",
        CrsHypotension.MultipleVasopressors => "multiple vasopressors (excluding vasopressin)",
        _ => "vasopressin alone",
    };

    private static string Describe(CrsOxygen value) => value switch
    {
        CrsOxygen.None => "none",
        CrsOxygen.BlowBy => "blow-by",
        CrsOxygen.LowFlowNasalCannula => "low-flow nasal cannula (≤ 6 L/min)",
        CrsOxygen.HighFlowNasalCannula => "high-flow nasal cannula (> 6 L/min)",
        CrsOxygen.Facemask => "facemask",
        CrsOxygen.NonrebreatherMask => "nonrebreather mask",
        CrsOxygen.VenturiMask => "Venturi mask",
        CrsOxygen.Cpap => "CPAP",
        CrsOxygen.Bipap => "BiPAP",
        _ => "intubation and mechanical ventilation",
    };

    internal static readonly string[] HypotensionKeys = ["none", "without_vasopressors", "one_vasopressor", "multiple_vasopressors", "vasopressin_only"];

    internal static readonly string[] OxygenKeys =
        ["none", "blow_by", "low_flow_nasal_cannula", "high_flow_nasal_cannula", "facemask", "nonrebreather_mask", "venturi_mask", "cpap", "bipap", "mechanical_ventilation"];

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score crs_astct2019</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        public string Key => "crs_astct2019";

        public string Name => CrsAstct2019.Name;

        public string Version => CrsAstct2019.Version;

        public string Citation => CrsAstct2019.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            ItemDefinition.Number("max_temperature_c", "Highest temperature (°C)",
                "Highest body temperature in the period assessed, °C. Fever is ≥ 38 °C not attributable to any other cause.", 25m, 45m, required: true),
            ItemDefinition.Flag("fever_other_cause", "Fever attributable to another cause",
                "The clinician attributes the temperature to another cause (e.g. a documented infection): it is then not CRS fever."),
            ItemDefinition.Flag("fever_masked_by_treatment", "Antipyretic or anticytokine therapy given for CRS",
                "The patient has CRS and has since received antipyretic or anticytokine therapy (tocilizumab, corticosteroids): fever is no longer required to grade, hypotension and hypoxia decide."),
            ItemDefinition.Choice("hypotension", "Hypotension",
                "Hypotension not attributable to any other cause: none; without_vasopressors (grade 2); one_vasopressor, with or without vasopressin (grade 3); multiple_vasopressors, vasopressin not counted (grade 4); vasopressin_only (not in the table: not graded, CAR001).",
                HypotensionKeys, required: true),
            ItemDefinition.Choice("oxygen", "Oxygen for hypoxia",
                "Oxygen needed for hypoxia not attributable to any other cause: none; blow_by or low_flow_nasal_cannula ≤ 6 L/min (grade 2); high_flow_nasal_cannula > 6 L/min, facemask, nonrebreather_mask or venturi_mask (grade 3); cpap, bipap or mechanical_ventilation (positive pressure, grade 4).",
                OxygenKeys, required: true),
            ItemDefinition.Number("oxygen_flow_l_per_min", "Oxygen flow (L/min)",
                "Optional oxygen flow, L/min; checked against the nasal cannula choice (low flow ≤ 6, high flow > 6).", 0m, 80m),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var temperature = reader.Number("max_temperature_c");
            var otherCause = reader.Flag("fever_other_cause");
            var masked = reader.Flag("fever_masked_by_treatment");
            var hypotension = reader.Choice("hypotension");
            var oxygen = reader.Choice("oxygen");
            var flow = reader.Number("oxygen_flow_l_per_min");
            if (reader.HasErrors || temperature is null || hypotension is null || oxygen is null)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var result = Grade(new CrsAstct2019Input(temperature.Value, otherCause, masked,
                (CrsHypotension)Array.IndexOf(HypotensionKeys, hypotension), (CrsOxygen)Array.IndexOf(OxygenKeys, oxygen), flow));
            IReadOnlyList<Issue> issues = [.. reader.Issues, .. result.Issues];
            if (result.Grade is not { } grade)
            {
                return ScoreResult.Invalid(this, issues);
            }

            return new ScoreResult(
                Key, Name, Version, null, GradeText(grade),
                [
                    new ItemContribution("fever", "Fever ≥ 38 °C not attributable to another cause", result.Fever ? 1m : 0m,
                        result.Fever ? "present" : masked ? "absent; not required after antipyretic or anticytokine therapy" : "absent"),
                    new ItemContribution("hypotension", "Hypotension", result.HypotensionGrade ?? 0m, $"row grade {result.HypotensionGrade}"),
                    new ItemContribution("oxygen", "Hypoxia (oxygen delivery)", result.HypoxiaGrade, $"row grade {result.HypoxiaGrade}"),
                ],
                [new Subtotal("grade", "CRS grade", grade, GradeText(grade))],
                result.Explanation,
                issues);
        }
    }

    /// <summary>The grade as the generic result shows it: "No CRS" or "Grade N".</summary>
    public static string GradeText(int grade) => grade == 0 ? "No CRS" : $"Grade {grade}";
}
