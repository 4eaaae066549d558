using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>The ICAHT phase: early (day 0 to +30 after the infusion) or late (after day +30).</summary>
public enum IcahtPhase
{
    /// <summary>Day 0 to day +30. Key <c>early</c>.</summary>
    Early = 1,

    /// <summary>After day +30. Key <c>late</c>.</summary>
    Late = 2,
}

/// <summary>
/// Immune effector cell-associated haematotoxicity (ICAHT) as the clinician grades it. The EHA/EBMT consensus (Rejeski K,
/// Subklewe M, Aljurf M, et al. Immune effector cell-associated hematotoxicity: EHA/EBMT consensus grading and best
/// practice recommendations. Blood 2023;142(10):865-877, doi 10.1182/blood.2023020578) grades early (day 0–30) and late
/// (after day +30) ICAHT by the depth and duration of neutropenia. Its grade table was not read in the paper, so Stroma
/// does not compute the grade: it records the clinician's grade (0 none, 1–4) with the phase and the basis, and shows
/// the neutrophil course (<see cref="NeutrophilCourse"/>) beside it. See docs/instruments/icaht_clinician.md.
/// </summary>
public static class IcahtClinician
{
    public const string Name = "ICAHT grade (clinician-entered, EHA/EBMT 2023)";

    public const string Version = "2023.1";

    public const string Citation = "Rejeski K, Subklewe M, Aljurf M, et al. Immune effector cell-associated hematotoxicity: EHA/EBMT consensus grading and best practice recommendations. Blood 2023;142(10):865-877.";

    /// <summary>Last day after the infusion that belongs to the early phase.</summary>
    public const int EarlyPhaseLastDay = 30;

    /// <summary>The phase of a day relative to the infusion (day 0); null before the infusion.</summary>
    public static IcahtPhase? PhaseOf(int dayAfterInfusion) =>
        dayAfterInfusion < 0 ? null : dayAfterInfusion <= EarlyPhaseLastDay ? IcahtPhase.Early : IcahtPhase.Late;

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score icaht_clinician</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        public string Key => "icaht_clinician";

        public string Name => IcahtClinician.Name;

        public string Version => IcahtClinician.Version;

        public string Citation => IcahtClinician.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            ItemDefinition.Choice("phase", "Phase", "early (day 0 to +30 after the infusion) or late (after day +30).", ["early", "late"], required: true),
            ItemDefinition.Number("grade", "Clinician's ICAHT grade",
                "The grade the clinician assigns by the EHA/EBMT 2023 consensus, 0 (no ICAHT) to 4; Stroma does not compute it (the table is not confirmed in the sources read).",
                0m, 4m, required: true, wholeNumber: true),
            ItemDefinition.Number("day_after_infusion", "Day after infusion",
                "Optional: the day after the infusion (day 0) the grade refers to; checked against the phase (early is day 0–30).", 0m, 36500m, wholeNumber: true),
            new ItemDefinition("basis", "Basis", ItemKind.Text, false,
                "Optional: what the grade rests on, in the clinician's words (e.g. the neutrophil course and its duration)."),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var phase = reader.Choice("phase");
            var grade = reader.Number("grade");
            var day = reader.Number("day_after_infusion");
            var basis = reader.Text("basis");
            if (phase is not null && day is { } d && PhaseOf((int)d) is { } dayPhase && (dayPhase == IcahtPhase.Early) != (phase == "early"))
            {
                reader.Report(Issue.Error(IssueCodes.Contradiction, "day_after_infusion",
                    $"Day {d.ToString(CultureInfo.InvariantCulture)} after the infusion is in the {(dayPhase == IcahtPhase.Early ? "early (day 0–30)" : "late (after day +30)")} phase, but the phase is '{phase}'."));
            }

            if (reader.HasErrors || phase is null || grade is null)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var phaseText = phase == "early" ? "Early" : "Late";
            var g = (int)grade.Value;
            var text = g == 0 ? $"No {phaseText.ToLowerInvariant()} ICAHT" : $"{phaseText} ICAHT grade {g.ToString(CultureInfo.InvariantCulture)}";
            return new ScoreResult(Key, Name, Version, null, text,
                [new ItemContribution("grade", "Clinician's ICAHT grade", g, "entered by the clinician; not computed")],
                [new Subtotal("grade", "ICAHT grade", g, text)],
                $"{text}, as graded by the clinician (EHA/EBMT 2023){(basis is null ? "" : ": " + basis)}. Stroma records the grade and shows the neutrophil course beside it; it does not compute ICAHT.",
                reader.Issues);
        }
    }
}

/// <summary>One absolute neutrophil count on a day relative to the infusion.</summary>
/// <param name="Day">Day after the infusion (day 0); negative before it.</param>
/// <param name="Date">The date of the sample.</param>
/// <param name="CellsPerMicrolitre">Absolute neutrophil count, cells/µL (×10^9/L × 1000), ≥ 0.</param>
public sealed record NeutrophilCount(int Day, DateOnly Date, decimal CellsPerMicrolitre);

/// <summary>
/// The neutrophil course after an infusion, shown beside the clinician's ICAHT grade: every count by day, and the
/// nadir of each phase. Deliberately descriptive: it does not count days under a threshold, because whether the
/// consensus counts "≤ 500" or "&lt; 500" and how it joins episodes is not confirmed in the sources read.
/// </summary>
/// <param name="Counts">Counts in date order.</param>
public sealed record NeutrophilCourse(IReadOnlyList<NeutrophilCount> Counts)
{
    /// <summary>The course from dated counts (cells/µL) relative to the infusion date.</summary>
    public static NeutrophilCourse From(DateOnly infusionDate, IEnumerable<(DateOnly Date, decimal CellsPerMicrolitre)> counts)
    {
        Preconditions.NotNull(counts);
        return new NeutrophilCourse([.. counts
            .Select(c =>
            {
                Preconditions.Requires(c.CellsPerMicrolitre >= 0m, $"A neutrophil count cannot be negative ({c.CellsPerMicrolitre}).");
                return new NeutrophilCount(c.Date.DayNumber - infusionDate.DayNumber, c.Date, c.CellsPerMicrolitre);
            })
            .OrderBy(c => c.Date)]);
    }

    /// <summary>The lowest count of a phase (the earliest if tied), or null without counts in it.</summary>
    public NeutrophilCount? Nadir(IcahtPhase phase) => Counts
        .Where(c => IcahtClinician.PhaseOf(c.Day) == phase)
        .OrderBy(c => c.CellsPerMicrolitre).ThenBy(c => c.Date)
        .FirstOrDefault();
}
