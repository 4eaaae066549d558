using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Quality;

/// <summary>
/// The record type a check runs on, and that its queries attach to. A check in scope <see cref="AdverseEvent"/> runs
/// once per adverse event of each enrolled patient, and so on; patient-level fields (consent date, death date, last
/// visit date) and the enrolment's fields are available in every scope.
/// </summary>
public enum CheckScope
{
    Patient,
    Enrolment,
    Visit,
    Infusion,
    AdverseEvent,
}

/// <summary>Stable snake_case keys of <see cref="CheckScope"/>, as definition files and queries name them.</summary>
public static class CheckScopes
{
    public static IReadOnlyList<CheckScope> All { get; } = Enum.GetValues<CheckScope>();

    public static string Key(this CheckScope scope) => scope switch
    {
        CheckScope.Patient => "patient",
        CheckScope.Enrolment => "enrolment",
        CheckScope.Visit => "visit",
        CheckScope.Infusion => "infusion",
        CheckScope.AdverseEvent => "adverse_event",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    public static CheckScope? Find(string? key) => All.Cast<CheckScope?>().FirstOrDefault(s => s!.Value.Key() == key);
}

/// <summary>One field a check can name: its dotted path, type (with unit), meaning and the scopes it is available in.</summary>
/// <param name="Path">Dotted path, e.g. <c>infusion.weight</c>, <c>lab.creatinine</c>.</param>
/// <param name="Type">Kind and unit; numbers are in this unit (lab results in the analyte's canonical unit).</param>
/// <param name="Description">What the field holds, in English (docs/data-quality.md lists them).</param>
/// <param name="Scopes">Scopes in which the field has a value; null for every scope.</param>
public sealed record CheckField(string Path, CheckType Type, string Description, IReadOnlySet<CheckScope>? Scopes)
{
    public bool AvailableIn(CheckScope scope) => Scopes is null || Scopes.Contains(scope);
}

/// <summary>
/// The field catalogue of the rule language: every field a check may name. Lab fields are the analyte catalogue's keys
/// (<c>lab.&lt;key&gt;</c>, the visit's result in the canonical unit), instrument totals are
/// <c>score.&lt;instrument key&gt;</c> (the visit's stored total). Nothing here is a clinical rule: it only says what is
/// recorded and in which unit.
/// </summary>
public static class CheckFieldCatalogue
{
    public const string LabPrefix = "lab.";
    public const string ScorePrefix = "score.";

    private static readonly HashSet<CheckScope> VisitOnly = [CheckScope.Visit];
    private static readonly HashSet<CheckScope> InfusionOnly = [CheckScope.Infusion];
    private static readonly HashSet<CheckScope> AdverseEventOnly = [CheckScope.AdverseEvent];

    /// <summary>The fixed fields (lab and score fields are added from their catalogues).</summary>
    public static IReadOnlyList<CheckField> Fixed { get; } =
    [
        new("patient.birth_date", CheckType.Date, "Date of birth (when recorded as a full date).", null),
        new("patient.sex", CheckType.Text, "Administrative sex: Female, Male or Unknown.", null),
        new("consent.date", CheckType.Date, "Date the patient's registry consent was signed.", null),
        new("patient.withdrawal_date", CheckType.Date, "Date consent was withdrawn.", null),
        new("death.date", CheckType.Date, "Date of death (from the death record).", null),
        new("last_visit.date", CheckType.Date, "Date of the patient's latest visit.", null),
        new("enrolment.start_date", CheckType.Date, "Day 0 of the enrolment on this protocol.", null),
        new("enrolment.weight", CheckType.Number("kg"), "Planning weight at enrolment (kg).", null),
        new("enrolment.weighed_on", CheckType.Date, "Date of the planning weight.", null),
        new("enrolment.consent_date", CheckType.Date, "Date the protocol consent was signed.", null),
        new("visit.date", CheckType.Date, "Visit date.", VisitOnly),
        new("visit.type", CheckType.Text, "Protocol time point of the visit (e.g. month_6).", VisitOnly),
        new("infusion.date", CheckType.Date, "Date of the infusion.", InfusionOnly),
        new("infusion.weight", CheckType.Number("kg"), "Body weight measured on the day of the infusion (kg).", InfusionOnly),
        new("infusion.dose", CheckType.Number("{cells}"), "Cells given.", InfusionOnly),
        new("ae.term", CheckType.Text, "Adverse event term.", AdverseEventOnly),
        new("ae.onset", CheckType.Date, "Onset date of the adverse event.", AdverseEventOnly),
        new("ae.resolution", CheckType.Date, "Resolution date of the adverse event.", AdverseEventOnly),
        new("ae.grade", CheckType.Number("{grade}"), "CTCAE grade (1–5).", AdverseEventOnly),
        new("ae.serious", CheckType.Boolean, "Serious adverse event.", AdverseEventOnly),
        new("ae.outcome", CheckType.Text, "Outcome of the adverse event as recorded.", AdverseEventOnly),
    ];

    private static readonly Dictionary<string, CheckField> ByPath = Build();

    /// <summary>Every field, fixed ones first, then lab and score fields in catalogue order.</summary>
    public static IReadOnlyList<CheckField> All { get; } = [.. ByPath.Values];

    /// <summary>The field with this path, or null.</summary>
    public static CheckField? Find(string path) => ByPath.GetValueOrDefault(path);

    private static Dictionary<string, CheckField> Build()
    {
        var fields = new Dictionary<string, CheckField>(StringComparer.Ordinal);
        foreach (var f in Fixed)
        {
            fields.Add(f.Path, f);
        }

        foreach (var a in AnalyteCatalog.All)
        {
            var type = a.CanonicalUnit is { } unit ? CheckType.Number(unit.Code) : CheckType.Text;
            var unitText = a.CanonicalUnit is { } u ? $" ({u.Code})" : " (as reported, qualitative)";
            fields.TryAdd(LabPrefix + a.Key, new CheckField(LabPrefix + a.Key, type, $"{a.Name}{unitText}: the visit's result.", VisitOnly));
        }

        foreach (var i in InstrumentCatalog.All)
        {
            fields.TryAdd(ScorePrefix + i.Key, new CheckField(ScorePrefix + i.Key, CheckType.Number("{score}"), $"{i.Key} total stored for the visit.", VisitOnly));
        }

        return fields;
    }
}
