using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// CTCAE v5.0 grade (Common Terminology Criteria for Adverse Events v5.0, US NCI, 2017): 1 mild; 2 moderate;
/// 3 severe or medically significant but not immediately life-threatening; 4 life-threatening consequences, urgent
/// intervention indicated; 5 death related to the adverse event.
/// </summary>
public enum CtcaeGrade
{
    Mild = 1,
    Moderate = 2,
    Severe = 3,
    LifeThreatening = 4,
    Death = 5,
}

/// <summary>
/// Seriousness criteria (ICH E2A, Clinical Safety Data Management: definitions and standards for expedited
/// reporting, 1994): an adverse event is serious if it results in death, is life-threatening, requires
/// in-patient hospitalisation or prolongs it, results in persistent or significant disability/incapacity, is a
/// congenital anomaly/birth defect, or is another important medical event.
/// </summary>
[Flags]
public enum SeriousnessCriteria
{
    None = 0,
    ResultsInDeath = 1,
    LifeThreatening = 2,
    Hospitalisation = 4,
    DisabilityOrIncapacity = 8,
    CongenitalAnomaly = 16,
    ImportantMedicalEvent = 32,
}

/// <summary>
/// The written codes of <see cref="SeriousnessCriteria"/> (the CLI's <c>--serious</c>, the ODM code list) and their ICH E2A
/// wording, in the guideline's order: one table for every place that reads or writes them.
/// </summary>
public static class SeriousnessCriteriaCodes
{
    /// <summary>Each criterion, its code and its ICH E2A wording.</summary>
    public static IReadOnlyList<(SeriousnessCriteria Value, string Code, string Decode)> All { get; } =
    [
        (SeriousnessCriteria.ResultsInDeath, "death", "Results in death"),
        (SeriousnessCriteria.LifeThreatening, "life_threatening", "Is life-threatening"),
        (SeriousnessCriteria.Hospitalisation, "hospitalisation", "Requires or prolongs in-patient hospitalisation"),
        (SeriousnessCriteria.DisabilityOrIncapacity, "disability", "Results in persistent or significant disability or incapacity"),
        (SeriousnessCriteria.CongenitalAnomaly, "congenital_anomaly", "Is a congenital anomaly or birth defect"),
        (SeriousnessCriteria.ImportantMedicalEvent, "important_medical_event", "Is another important medical event"),
    ];

    /// <summary>The criterion written <paramref name="code"/> (exactly, as listed), or null.</summary>
    public static SeriousnessCriteria? Parse(string code)
    {
        foreach (var (value, known, _) in All)
        {
            if (string.Equals(known, code, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>The investigator's causality assessment of the product. Possible, probable and definite count as related
/// (a "reasonable possibility", ICH E2A); the scale itself is the site's and is stored as entered.</summary>
public enum Relatedness
{
    NotRelated = 1,
    Unlikely = 2,
    Possible = 3,
    Probable = 4,
    Definite = 5,
}

/// <summary>Whether the event is listed in the reference safety information.</summary>
public enum Expectedness
{
    Expected = 1,
    Unexpected = 2,
}

/// <summary>The event's outcome.</summary>
public enum AdverseEventOutcome
{
    Recovered = 1,
    Recovering = 2,
    NotRecovered = 3,
    RecoveredWithSequelae = 4,
    Fatal = 5,
    Unknown = 6,
}

/// <summary>Categories the cell-therapy reports count separately.</summary>
public enum AdverseEventCategory
{
    Other = 1,
    InfusionRelatedReaction = 2,
    Infection = 3,
}

/// <summary>An adverse event as the investigator records it.</summary>
/// <param name="Term">CTCAE term, e.g. "Infusion related reaction".</param>
/// <param name="Category">Infusion-related reaction, infection or other.</param>
/// <param name="Onset">Onset date.</param>
/// <param name="Resolved">Resolution date, if resolved.</param>
/// <param name="Grade">CTCAE v5.0 grade.</param>
/// <param name="Seriousness">SAE criteria met (none for a non-serious event).</param>
/// <param name="Relatedness">Causality to the cell product.</param>
/// <param name="Expectedness">Expected or unexpected.</param>
/// <param name="Outcome">Outcome.</param>
/// <param name="SuspectLotId">The lot judged related, required when the event is related.</param>
/// <param name="DeathDate">Date of death, when the outcome is fatal.</param>
public sealed record AdverseEvent(
    string Term,
    AdverseEventCategory Category,
    DateOnly Onset,
    DateOnly? Resolved,
    CtcaeGrade Grade,
    SeriousnessCriteria Seriousness,
    Relatedness Relatedness,
    Expectedness Expectedness,
    AdverseEventOutcome Outcome,
    string? SuspectLotId = null,
    DateOnly? DeathDate = null)
{
    public bool IsSerious => Seriousness != SeriousnessCriteria.None;

    public bool IsRelated => Relatedness >= Relatedness.Possible;

    /// <summary>Serious, unexpected and related: a suspected unexpected serious adverse reaction (ICH E2A) that needs expedited reporting.</summary>
    public bool IsSusar => IsSerious && IsRelated && Expectedness == Expectedness.Unexpected;

    /// <summary>
    /// Consistency checks, all returned together: grade 5 (death) needs a fatal outcome, the death seriousness
    /// criterion and a death date, and vice versa; resolution and death not before onset; a related event names its
    /// lot; grade 4 without any seriousness criterion is a warning (CTCAE grade and SAE seriousness are different
    /// scales, so this is for review, not refusal); a SUSAR is flagged for expedited reporting; a CTCAE v5.0 term
    /// (<see cref="CtcaeV5"/>) takes only the grades CTCAE defines for it (any other term is kept as written, ungraded by this check).
    /// </summary>
    public IReadOnlyList<Issue> Validate()
    {
        var issues = new List<Issue>();
        var deathRecorded = Outcome == AdverseEventOutcome.Fatal || Seriousness.HasFlag(SeriousnessCriteria.ResultsInDeath) || DeathDate is not null;
        if (Grade == CtcaeGrade.Death)
        {
            if (Outcome != AdverseEventOutcome.Fatal || !Seriousness.HasFlag(SeriousnessCriteria.ResultsInDeath) || DeathDate is null)
            {
                issues.Add(Issue.Error(IssueCodes.Grade5WithoutDeath, "grade",
                    "CTCAE grade 5 means death related to the event: the outcome must be fatal, the seriousness must include death, and the death date is needed."));
            }
        }
        else if (deathRecorded)
        {
            issues.Add(Issue.Error(IssueCodes.DeathWithoutGrade5, "grade",
                $"A death is recorded (fatal outcome, death criterion or date) but the grade is {(int)Grade}; death related to the event is grade 5."));
        }

        // CTCAE v5.0 defines only some grades for some terms (a "-" in its table): such a grade does not exist for the term.
        if (CtcaeV5.Find(Term) is { } ctcae && !ctcae.Allows(Grade))
        {
            issues.Add(Issue.Error(IssueCodes.GradeNotDefinedForTerm, "grade",
                $"CTCAE v{CtcaeV5.Version} defines no grade {(int)Grade} for {ctcae.Term} (MedDRA {ctcae.MeddraCode}): its grades are {string.Join(", ", ctcae.Grades.Select(g => (int)g))}."));
        }

        if (Resolved is { } r && r < Onset)
        {
            issues.Add(Issue.Error(IssueCodes.AdverseEventDatesInconsistent, "resolved", $"Resolved {r:yyyy-MM-dd} before onset {Onset:yyyy-MM-dd}."));
        }

        if (DeathDate is { } d && d < Onset)
        {
            issues.Add(Issue.Error(IssueCodes.AdverseEventDatesInconsistent, "death_date", $"Death {d:yyyy-MM-dd} before onset {Onset:yyyy-MM-dd}."));
        }

        if (IsRelated && string.IsNullOrWhiteSpace(SuspectLotId))
        {
            issues.Add(Issue.Error(IssueCodes.RelatedWithoutLot, "suspect_lot_id", $"The event is {Relatedness} related to the product: name the lot."));
        }

        if (Grade == CtcaeGrade.LifeThreatening && !IsSerious)
        {
            issues.Add(Issue.Warning(IssueCodes.Grade4NotSerious, "seriousness", "Grade 4 (life-threatening) with no seriousness criterion: review seriousness."));
        }

        if (IsSusar)
        {
            issues.Add(Issue.Info(IssueCodes.Susar, "", "Serious, unexpected and related: a SUSAR needing expedited reporting."));
        }

        return issues;
    }
}
