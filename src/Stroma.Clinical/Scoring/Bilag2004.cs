using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>How a BILAG-2004 form item is recorded.</summary>
public enum Bilag2004ItemKind
{
    /// <summary>The state scale: ND not done, 0 not present, 1 improving, 2 same, 3 worse, 4 new.</summary>
    State,

    /// <summary>A measured value in the form's unit, with the Y/N box "confirm this is due to SLE activity" beside it.</summary>
    Value,

    /// <summary>
    /// Items 80, 85, 88, 89, 95, 96, 97: whether the form records them Yes/No or on the 0–4 state scale is
    /// UNCONFIRMED, so Stroma accepts either and keeps which one was given.
    /// </summary>
    YesNoOrState,
}

/// <summary>
/// The BILAG-2004 per-item state: the last 4 weeks compared with the previous 4 weeks (glossary, Isenberg 2005
/// supplement). The numbers 0–4 are the form's codes; <see cref="NotDone"/> is the form's "ND".
/// </summary>
public enum Bilag2004ItemState
{
    /// <summary>ND: not done (not assessed). Counts as no recorded activity.</summary>
    NotDone = -1,

    /// <summary>0: not present.</summary>
    NotPresent = 0,

    /// <summary>1: improving (the glossary's exact criteria are UNCONFIRMED).</summary>
    Improving = 1,

    /// <summary>2: same: present in both periods without significant change.</summary>
    Same = 2,

    /// <summary>3: worse: significant deterioration, enough to consider more treatment.</summary>
    Worse = 3,

    /// <summary>4: new: a new episode (including recurrence) in the last 4 weeks that has not improved.</summary>
    New = 4,
}

/// <summary>Which definitions of the musculoskeletal arthritis items (41–43) a site uses.</summary>
public enum Bilag2004ArthritisDefinitions
{
    /// <summary>The 2004 glossary definitions (default).</summary>
    Original2004,

    /// <summary>
    /// The revised definitions proposed by the BILAG musculoskeletal subcommittee (Rheumatology 2024;63(2):498, as cited
    /// in the reference; not read): basic activities of daily living for "severe", ultrasound-shown synovitis allowed for
    /// "moderate". Recorded so results can be compared; it changes no arithmetic here.
    /// </summary>
    Revised2024,
}

/// <summary>
/// One item of the BILAG-2004 form (revision 1 Sep 2009): its form number, stable key, system and how it is recorded.
/// </summary>
/// <param name="Number">Form number, 1–97.</param>
/// <param name="Key">Stable lowercase snake_case key.</param>
/// <param name="Label">The item as worded on the form.</param>
/// <param name="System">The organ system it belongs to.</param>
/// <param name="Kind">How it is recorded.</param>
public sealed record Bilag2004ItemDefinition(int Number, string Key, string Label, BilagSystem System, Bilag2004ItemKind Kind)
{
    /// <summary>UCUM code of a value item's form unit (null for state items and for the dipstick grade).</summary>
    public string? UnitUcum { get; init; }

    /// <summary>The unit as printed on the form (value items only).</summary>
    public string? UnitDisplay { get; init; }

    /// <summary>
    /// Smallest accepted value. Value bounds are input plausibility limits chosen to catch unit slips (for example
    /// haemoglobin typed in g/L), never clinical thresholds; only the dipstick's 0–3 comes from the form.
    /// </summary>
    public decimal? Min { get; init; }

    /// <summary>Largest accepted value (a plausibility limit; see <see cref="Min"/>).</summary>
    public decimal? Max { get; init; }

    /// <summary>True when the value must be a whole number (the dipstick grade).</summary>
    public bool WholeNumber { get; init; }

    /// <summary>Key of the "due to SLE activity" Y/N answer beside a value item.</summary>
    public string? ConfirmationKey => Kind == Bilag2004ItemKind.Value ? Key + "_due_to_sle" : null;
}

/// <summary>
/// What was recorded for one item: a state, a Yes/No answer, or a value with its "due to SLE activity" answer.
/// Use the factories; which one fits is given by the item's <see cref="Bilag2004ItemKind"/>.
/// </summary>
public sealed record Bilag2004ItemRecord
{
    private Bilag2004ItemRecord()
    {
    }

    /// <summary>The state (state items, and <see cref="Bilag2004ItemKind.YesNoOrState"/> items recorded on the scale).</summary>
    public Bilag2004ItemState? State { get; private init; }

    /// <summary>The Yes/No answer (<see cref="Bilag2004ItemKind.YesNoOrState"/> items recorded Yes/No).</summary>
    public bool? Answer { get; private init; }

    /// <summary>The value in the form's unit (value items); null when not done.</summary>
    public decimal? Value { get; private init; }

    /// <summary>The Y/N answer "confirm this is due to SLE activity" beside a value item; null when not answered.</summary>
    public bool? DueToSleActivity { get; private init; }

    public static Bilag2004ItemRecord OfState(Bilag2004ItemState state)
    {
        Preconditions.Requires(Enum.IsDefined(state), "Unknown BILAG-2004 item state.");
        return new() { State = state };
    }

    public static Bilag2004ItemRecord OfYesNo(bool yes) => new() { Answer = yes };

    public static Bilag2004ItemRecord OfValue(decimal? value, bool? dueToSleActivity) =>
        new() { Value = value, DueToSleActivity = dueToSleActivity };

    /// <summary>
    /// True when the record shows current SLE activity: state 1–4, Yes, or a value confirmed as due to SLE activity.
    /// ND, 0, No, and values not confirmed as due to SLE activity do not.
    /// </summary>
    public bool ShowsActivity =>
        State is Bilag2004ItemState.Improving or Bilag2004ItemState.Same or Bilag2004ItemState.Worse or Bilag2004ItemState.New
        || Answer == true
        || (Value is not null && DueToSleActivity == true);
}

/// <summary>Input to BILAG-2004: the item records plus the physician's nine system grades.</summary>
/// <param name="Items">Item records by item key (see <see cref="Bilag2004.Items"/>); a missing key means not recorded.</param>
/// <param name="Grades">The nine system grades A–E as the physician entered them (all nine required).</param>
public sealed record Bilag2004Input(
    IReadOnlyDictionary<string, Bilag2004ItemRecord> Items,
    IReadOnlyDictionary<BilagSystem, BilagGrade> Grades)
{
    /// <summary>
    /// Per system: was it ever involved before this assessment? Needed to tell D (previously affected) from E (never
    /// affected); a system left out is "not recorded".
    /// </summary>
    public IReadOnlyDictionary<BilagSystem, bool> EverInvolvedBefore { get; init; } = new Dictionary<BilagSystem, bool>();

    /// <summary>The previous visit's grades, for new A / new B; null when there is no previous visit.</summary>
    public IReadOnlyDictionary<BilagSystem, BilagGrade>? PreviousGrades { get; init; }

    /// <summary>Who entered the grades (name or user id), kept with the result.</summary>
    public string? GradedBy { get; init; }

    /// <summary>Which arthritis definitions (items 41–43) the site uses.</summary>
    public Bilag2004ArthritisDefinitions ArthritisDefinitions { get; init; } = Bilag2004ArthritisDefinitions.Original2004;
}

/// <summary>One system's result.</summary>
/// <param name="System">The system.</param>
/// <param name="Grade">The physician-entered grade.</param>
/// <param name="Numeric">The grade's numeric value (A 12, B 8, C 1, D 0, E 0; Yee 2010).</param>
/// <param name="ItemsRecorded">Whether any item of the system was recorded.</param>
/// <param name="HasActivity">Whether a recorded item shows current activity.</param>
/// <param name="PreviousGrade">The previous visit's grade, if given.</param>
/// <param name="IsNewA">Graded A now and not A at the previous visit.</param>
/// <param name="IsNewB">Graded B now after C, D or E at the previous visit.</param>
public sealed record Bilag2004SystemResult(
    BilagSystem System,
    BilagGrade Grade,
    int Numeric,
    bool ItemsRecorded,
    bool HasActivity,
    BilagGrade? PreviousGrade,
    bool IsNewA,
    bool IsNewB);

/// <summary>
/// A BILAG-2004 result built on physician-entered grades. When <see cref="IsValid"/> is false the grades failed a
/// consistency check and the numbers must not be used.
/// </summary>
/// <param name="Systems">The nine systems in form order.</param>
/// <param name="Total">Sum of the nine numeric values, 0–108.</param>
/// <param name="RenalNumeric">The renal system's numeric value (0, 1, 8 or 12).</param>
/// <param name="OverallGrade">The highest (most active) system grade (Yee 2007).</param>
/// <param name="NewA">Systems with a new A against the previous visit; null without previous grades.</param>
/// <param name="NewB">Systems with a new B against the previous visit; null without previous grades.</param>
/// <param name="NotComparable">Systems without a previous grade (new A / new B not judged for them).</param>
/// <param name="GradedBy">Who entered the grades, if recorded.</param>
/// <param name="ArthritisDefinitions">The arthritis definitions the site uses.</param>
/// <param name="Issues">Consistency errors and warnings.</param>
public sealed record Bilag2004Result(
    IReadOnlyList<Bilag2004SystemResult> Systems,
    int Total,
    int RenalNumeric,
    BilagGrade OverallGrade,
    IReadOnlyList<BilagSystem>? NewA,
    IReadOnlyList<BilagSystem>? NewB,
    IReadOnlyList<BilagSystem> NotComparable,
    string? GradedBy,
    Bilag2004ArthritisDefinitions ArthritisDefinitions,
    IReadOnlyList<Issue> Issues)
{
    /// <summary>Always <see cref="Bilag2004.GradeSourcePhysicianEntered"/>: Stroma does not derive BILAG-2004 grades.</summary>
    public string GradeSource { get; } = Bilag2004.GradeSourcePhysicianEntered;

    /// <summary>The numeric scheme used (never a classic-BILAG scheme).</summary>
    public string NumericScheme { get; } = Bilag2004.NumericScheme;

    public bool IsValid => !Issues.Any(i => i.IsError);

    public Bilag2004SystemResult this[BilagSystem system] => Systems[(int)system];
}

/// <summary>
/// BILAG-2004 disease activity index: Isenberg DA et al. BILAG 2004. Development and initial validation of an updated
/// version of the British Isles Lupus Assessment Group's disease activity index for patients with SLE. Rheumatology
/// (Oxford) 2005;44:902-6 (form and glossary: its supplementary appendices; form revision 1 Sep 2009). 9 systems,
/// 97 items, the last 4 weeks compared with the previous 4.
/// <para>
/// The per-system A–E grading rules (the scoring appendix) could not be read, so Stroma does NOT derive grades: the
/// physician enters the nine grades and Stroma checks only what is certain (A or B needs recorded activity; D needs
/// past involvement; E needs no past involvement and no current activity), then computes the numeric score
/// A = 12, B = 8, C = 1, D = 0, E = 0 (Yee CS et al. Numerical scoring for the BILAG-2004 index. Rheumatology (Oxford)
/// 2010;49:1665-9), total 0–108, the overall grade as the highest system grade (Yee CS et al. Arthritis Rheum
/// 2007;56:4113-19), and new A / new B against the previous visit. See docs/instruments/bilag2004.md.
/// </para>
/// </summary>
public static class Bilag2004
{
    public const string Name = "BILAG-2004";

    /// <summary>Implementation version stored with each score; bump when behaviour changes.</summary>
    public const string Version = "2004-entered.1";

    public const string Citation =
        "Isenberg DA et al. Rheumatology 2005;44:902-6 (form rev. 1 Sep 2009); numeric: Yee CS et al. Rheumatology 2010;49:1665-9; overall grade: Yee CS et al. Arthritis Rheum 2007;56:4113-19.";

    /// <summary>Where the grades come from: the physician, not Stroma.</summary>
    public const string GradeSourcePhysicianEntered = "physician-entered";

    /// <summary>The numeric scheme, stored with every total so it is never confused with classic-BILAG schemes.</summary>
    public const string NumericScheme = "BILAG-2004 numeric (Yee 2010): A=12, B=8, C=1, D=0, E=0";

    /// <summary>How "new A" and "new B" are judged against the previous visit (see the docs for what is UNCONFIRMED).</summary>
    public const string NewGradeDefinition =
        "new A: A now, B/C/D/E at the previous visit; new B: B now, C/D/E at the previous visit (A to B is improvement)";

    /// <summary>Highest possible total: nine systems at A (12 each).</summary>
    public const int MaximumTotal = 108;

    private const string StateText = "Record ND (not done), 0 not present, 1 improving, 2 same, 3 worse or 4 new (last 4 weeks vs the previous 4).";

    /// <summary>All 97 form items in form order.</summary>
    public static IReadOnlyList<Bilag2004ItemDefinition> Items { get; } = BuildItems();

    /// <summary>The number of items per system on the form.</summary>
    public static IReadOnlyDictionary<BilagSystem, int> ItemCounts { get; } = new Dictionary<BilagSystem, int>
    {
        [BilagSystem.Constitutional] = 4,
        [BilagSystem.Mucocutaneous] = 14,
        [BilagSystem.Neuropsychiatric] = 20,
        [BilagSystem.Musculoskeletal] = 5,
        [BilagSystem.Cardiorespiratory] = 12,
        [BilagSystem.Gastrointestinal] = 9,
        [BilagSystem.Ophthalmic] = 13,
        [BilagSystem.Renal] = 12,
        [BilagSystem.Haematological] = 8,
    };

    private static readonly Dictionary<string, Bilag2004ItemDefinition> ByKey = Items.ToDictionary(i => i.Key, StringComparer.Ordinal);

    /// <summary>The item with this form number (1–97).</summary>
    public static Bilag2004ItemDefinition Item(int number)
    {
        Preconditions.Requires(number is >= 1 and <= 97, "BILAG-2004 item numbers run from 1 to 97.");
        return Items[number - 1];
    }

    /// <summary>The item with this key, or null.</summary>
    public static Bilag2004ItemDefinition? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The stable lowercase key of a system (e.g. <c>renal</c>).</summary>
    public static string SystemKey(BilagSystem system) => system.ToString().ToLowerInvariant();

    /// <summary>The numeric value of a grade: A 12, B 8, C 1, D 0, E 0 (Yee CS et al. Rheumatology 2010;49:1665-9).</summary>
    public static int NumericValue(BilagGrade grade) => grade switch
    {
        BilagGrade.A => 12,
        BilagGrade.B => 8,
        BilagGrade.C => 1,
        BilagGrade.D => 0,
        BilagGrade.E => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(grade), grade, "Unknown BILAG grade."),
    };

    /// <summary>
    /// Checks the physician-entered grades against the item records and computes the numeric score, overall grade and
    /// new A / new B. Throws only for programmer errors (unknown item key, a record of the wrong shape, a missing grade).
    /// </summary>
    public static Bilag2004Result Score(Bilag2004Input input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Items);
        Preconditions.NotNull(input.Grades);
        Preconditions.NotNull(input.EverInvolvedBefore);
        foreach (var system in Enum.GetValues<BilagSystem>())
        {
            Preconditions.Requires(input.Grades.ContainsKey(system), $"The {system} grade is missing; all nine grades are required.");
        }

        var issues = new List<Issue>();
        foreach (var (key, record) in input.Items)
        {
            var definition = Find(key) ?? throw new ArgumentException($"'{key}' is not a BILAG-2004 item key.", nameof(input));
            CheckShape(definition, Preconditions.NotNull(record));
            if (definition.Kind == Bilag2004ItemKind.Value)
            {
                if (record.Value is null && record.DueToSleActivity is not null)
                {
                    issues.Add(Issue.Error(IssueCodes.BilagConfirmationWithoutValue, definition.ConfirmationKey!,
                        $"Item {definition.Number} ({definition.Label}): 'due to SLE activity' is answered but no value is entered; enter the value or leave both blank."));
                }
                else if (record.Value is not null && record.DueToSleActivity is null)
                {
                    issues.Add(Issue.Warning(IssueCodes.BilagValueWithoutConfirmation, definition.ConfirmationKey!,
                        $"Item {definition.Number} ({definition.Label}): value {record.Value} has no 'due to SLE activity' answer; it is not counted as activity."));
                }
            }
        }

        var systems = new List<Bilag2004SystemResult>();
        foreach (var system in Enum.GetValues<BilagSystem>())
        {
            systems.Add(ScoreSystem(input, system, issues));
        }

        List<BilagSystem>? newA = null, newB = null;
        if (input.PreviousGrades is not null)
        {
            newA = [.. systems.Where(s => s.IsNewA).Select(s => s.System)];
            newB = [.. systems.Where(s => s.IsNewB).Select(s => s.System)];
        }

        var notComparable = input.PreviousGrades is null
            ? []
            : systems.Where(s => s.PreviousGrade is null).Select(s => s.System).ToList();
        return new Bilag2004Result(
            systems,
            systems.Sum(s => s.Numeric),
            systems[(int)BilagSystem.Renal].Numeric,
            systems.Min(s => s.Grade),
            newA,
            newB,
            notComparable,
            string.IsNullOrWhiteSpace(input.GradedBy) ? null : input.GradedBy.Trim(),
            input.ArthritisDefinitions,
            issues);
    }

    private static Bilag2004SystemResult ScoreSystem(Bilag2004Input input, BilagSystem system, List<Issue> issues)
    {
        var key = SystemKey(system);
        var grade = input.Grades[system];
        Preconditions.Requires(Enum.IsDefined(grade), $"Unknown grade for {system}.");
        var records = Items.Where(i => i.System == system && input.Items.ContainsKey(i.Key)).Select(i => input.Items[i.Key]).ToList();
        var itemsRecorded = records.Count > 0;
        var activity = records.Exists(r => r.ShowsActivity);

        BilagGrade? previous = input.PreviousGrades is { } p && p.TryGetValue(system, out var pg) ? pg : null;
        var previouslyInvolvedByGrade = previous is BilagGrade.A or BilagGrade.B or BilagGrade.C or BilagGrade.D;
        bool? recorded = input.EverInvolvedBefore.TryGetValue(system, out var r) ? r : null;
        if (recorded == false && previouslyInvolvedByGrade)
        {
            issues.Add(Issue.Error(IssueCodes.BilagPastInvolvementContradictsPreviousGrade, "ever_involved_" + key,
                $"{system}: past involvement is recorded as No, but the previous visit graded it {previous}; a grade A–D means the system has been involved."));
        }

        var pastInvolvement = previouslyInvolvedByGrade ? true : recorded;
        var gradeKey = "grade_" + key;
        if (grade is BilagGrade.A or BilagGrade.B or BilagGrade.E && !itemsRecorded)
        {
            issues.Add(Issue.Warning(IssueCodes.BilagGradeNotCheckedAgainstItems, gradeKey,
                $"{system}: graded {grade} but no item of the system is recorded, so the grade could not be checked against the items."));
        }

        if (grade is BilagGrade.A or BilagGrade.B && itemsRecorded && !activity)
        {
            issues.Add(Issue.Error(IssueCodes.BilagGradeWithoutActivity, gradeKey,
                $"{system}: graded {grade}, but every recorded item is 0, ND or No and no value is confirmed as due to SLE activity; A or B needs recorded activity."));
        }

        if (grade == BilagGrade.D)
        {
            if (pastInvolvement is null)
            {
                issues.Add(Issue.Error(IssueCodes.BilagPastInvolvementUnknown, "ever_involved_" + key,
                    $"{system}: graded D (previously affected, now inactive) but past involvement is not recorded; record whether the system was ever involved."));
            }
            else if (pastInvolvement == false)
            {
                issues.Add(Issue.Error(IssueCodes.BilagGradeDWithoutPastInvolvement, gradeKey,
                    $"{system}: graded D (previously affected) but past involvement is recorded as No; use E for a system never affected."));
            }
        }

        if (grade == BilagGrade.E)
        {
            if (pastInvolvement is null)
            {
                issues.Add(Issue.Error(IssueCodes.BilagPastInvolvementUnknown, "ever_involved_" + key,
                    $"{system}: graded E (never affected) but past involvement is not recorded; record whether the system was ever involved."));
            }
            else if (pastInvolvement == true)
            {
                issues.Add(Issue.Error(IssueCodes.BilagGradeEWithPastInvolvement, gradeKey,
                    previouslyInvolvedByGrade
                        ? $"{system}: graded E (never affected) but the previous visit graded it {previous}; use D if it is now inactive."
                        : $"{system}: graded E (never affected) but past involvement is recorded as Yes; use D if it is now inactive."));
            }

            if (activity)
            {
                issues.Add(Issue.Error(IssueCodes.BilagGradeEWithCurrentActivity, gradeKey,
                    $"{system}: graded E (never affected) but recorded items show current activity."));
            }
        }

        if (input.PreviousGrades is not null && previous is null)
        {
            issues.Add(Issue.Warning(IssueCodes.BilagPreviousGradeMissing, "previous_grade_" + key,
                $"{system}: previous grades were given but not for this system; new A / new B is not judged for it."));
        }

        var isNewA = grade == BilagGrade.A && previous is BilagGrade.B or BilagGrade.C or BilagGrade.D or BilagGrade.E;
        var isNewB = grade == BilagGrade.B && previous is BilagGrade.C or BilagGrade.D or BilagGrade.E;
        return new Bilag2004SystemResult(system, grade, NumericValue(grade), itemsRecorded, activity, previous, isNewA, isNewB);
    }

    private static void CheckShape(Bilag2004ItemDefinition definition, Bilag2004ItemRecord record)
    {
        var ok = definition.Kind switch
        {
            Bilag2004ItemKind.State => record.State is not null,
            Bilag2004ItemKind.YesNoOrState => record.State is not null || record.Answer is not null,
            Bilag2004ItemKind.Value => record.State is null && record.Answer is null,
            _ => false,
        };
        Preconditions.Requires(ok, $"Item {definition.Number} ({definition.Key}) is a {definition.Kind} item; the record does not fit.");
        if (record.Value is { } v && (v < definition.Min || v > definition.Max || (definition.WholeNumber && v != decimal.Truncate(v))))
        {
            throw new ArgumentException($"Item {definition.Number} ({definition.Key}): {v} is outside {definition.Min}–{definition.Max}.", nameof(record));
        }
    }

    private static List<Bilag2004ItemDefinition> BuildItems()
    {
        var items = new List<Bilag2004ItemDefinition>();
        var system = BilagSystem.Constitutional;
        void S(int n, string key, string label) => items.Add(new(n, key, label, system, Bilag2004ItemKind.State));
        void U(int n, string key, string label) => items.Add(new(n, key, label, system, Bilag2004ItemKind.YesNoOrState));
        void V(int n, string key, string label, string? ucum, string display, decimal min, decimal max, bool whole = false) =>
            items.Add(new(n, key, label, system, Bilag2004ItemKind.Value)
            {
                UnitUcum = ucum,
                UnitDisplay = display,
                Min = min,
                Max = max,
                WholeNumber = whole,
            });

        S(1, "pyrexia", "Pyrexia - documented > 37.5 °C");
        S(2, "weight_loss", "Weight loss - unintentional > 5%");
        S(3, "lymphadenopathy_splenomegaly", "Lymphadenopathy/splenomegaly");
        S(4, "anorexia", "Anorexia");

        system = BilagSystem.Mucocutaneous;
        S(5, "skin_eruption_severe", "Skin eruption - severe");
        S(6, "skin_eruption_mild", "Skin eruption - mild");
        S(7, "angio_oedema_severe", "Angio-oedema - severe");
        S(8, "angio_oedema_mild", "Angio-oedema - mild");
        S(9, "mucosal_ulceration_severe", "Mucosal ulceration - severe");
        S(10, "mucosal_ulceration_mild", "Mucosal ulceration - mild");
        S(11, "panniculitis_bullous_severe", "Panniculitis/Bullous lupus - severe");
        S(12, "panniculitis_bullous_mild", "Panniculitis/Bullous lupus - mild");
        S(13, "major_cutaneous_vasculitis_thrombosis", "Major cutaneous vasculitis/thrombosis");
        S(14, "digital_infarcts_nodular_vasculitis", "Digital infarcts or nodular vasculitis");
        S(15, "alopecia_severe", "Alopecia - severe");
        S(16, "alopecia_mild", "Alopecia - mild");
        S(17, "periungual_erythema_chilblains", "Peri-ungual erythema/chilblains");
        S(18, "splinter_haemorrhages", "Splinter haemorrhages");

        system = BilagSystem.Neuropsychiatric;
        S(19, "aseptic_meningitis", "Aseptic meningitis");
        S(20, "cerebral_vasculitis", "Cerebral vasculitis");
        S(21, "demyelinating_syndrome", "Demyelinating syndrome");
        S(22, "myelopathy", "Myelopathy");
        S(23, "acute_confusional_state", "Acute confusional state");
        S(24, "psychosis", "Psychosis");
        S(25, "acute_inflammatory_demyelinating_polyradiculoneuropathy", "Acute inflammatory demyelinating polyradiculoneuropathy");
        S(26, "mononeuropathy", "Mononeuropathy (single/multiplex)");
        S(27, "cranial_neuropathy", "Cranial neuropathy");
        S(28, "plexopathy", "Plexopathy");
        S(29, "polyneuropathy", "Polyneuropathy");
        S(30, "seizure_disorder", "Seizure disorder");
        S(31, "status_epilepticus", "Status epilepticus");
        S(32, "cerebrovascular_disease", "Cerebrovascular disease (not due to vasculitis)");
        S(33, "cognitive_dysfunction", "Cognitive dysfunction");
        S(34, "movement_disorder", "Movement disorder");
        S(35, "autonomic_disorder", "Autonomic disorder");
        S(36, "cerebellar_ataxia", "Cerebellar ataxia (isolated)");
        S(37, "lupus_headache", "Lupus headache - severe unremitting");
        S(38, "intracranial_hypertension_headache", "Headache from IC hypertension");

        system = BilagSystem.Musculoskeletal;
        S(39, "myositis_severe", "Myositis - severe");
        S(40, "myositis_mild", "Myositis - mild");
        S(41, "arthritis_severe", "Arthritis (severe)");
        S(42, "arthritis_moderate_tendonitis", "Arthritis (moderate)/Tendonitis/Tenosynovitis");
        S(43, "arthritis_mild_arthralgia_myalgia", "Arthritis (mild)/Arthralgia/Myalgia");

        system = BilagSystem.Cardiorespiratory;
        S(44, "myocarditis_mild", "Myocarditis - mild");
        S(45, "myocarditis_endocarditis_cardiac_failure", "Myocarditis/Endocarditis + Cardiac failure");
        S(46, "arrhythmia", "Arrhythmia");
        S(47, "new_valvular_dysfunction", "New valvular dysfunction");
        S(48, "pleurisy_pericarditis", "Pleurisy/Pericarditis");
        S(49, "cardiac_tamponade", "Cardiac tamponade");
        S(50, "pleural_effusion_dyspnoea", "Pleural effusion with dyspnoea");
        S(51, "pulmonary_haemorrhage_vasculitis", "Pulmonary haemorrhage/vasculitis");
        S(52, "interstitial_alveolitis_pneumonitis", "Interstitial alveolitis/pneumonitis");
        S(53, "shrinking_lung_syndrome", "Shrinking lung syndrome");
        S(54, "aortitis", "Aortitis");
        S(55, "coronary_vasculitis", "Coronary vasculitis");

        system = BilagSystem.Gastrointestinal;
        S(56, "lupus_peritonitis", "Lupus peritonitis");
        S(57, "abdominal_serositis_ascites", "Abdominal serositis or ascites");
        S(58, "lupus_enteritis_colitis", "Lupus enteritis/colitis");
        S(59, "malabsorption", "Malabsorption");
        S(60, "protein_losing_enteropathy", "Protein-losing enteropathy");
        S(61, "intestinal_pseudo_obstruction", "Intestinal pseudo-obstruction");
        S(62, "lupus_hepatitis", "Lupus hepatitis");
        S(63, "acute_lupus_cholecystitis", "Acute lupus cholecystitis");
        S(64, "acute_lupus_pancreatitis", "Acute lupus pancreatitis");

        system = BilagSystem.Ophthalmic;
        S(65, "orbital_inflammation", "Orbital inflammation/myositis/proptosis");
        S(66, "keratitis_severe", "Keratitis - severe");
        S(67, "keratitis_mild", "Keratitis - mild");
        S(68, "anterior_uveitis", "Anterior uveitis");
        S(69, "posterior_uveitis_retinal_vasculitis_severe", "Posterior uveitis/retinal vasculitis - severe");
        S(70, "posterior_uveitis_retinal_vasculitis_mild", "Posterior uveitis/retinal vasculitis - mild");
        S(71, "episcleritis", "Episcleritis");
        S(72, "scleritis_severe", "Scleritis - severe");
        S(73, "scleritis_mild", "Scleritis - mild");
        S(74, "retinal_choroidal_vaso_occlusive_disease", "Retinal/choroidal vaso-occlusive disease");
        S(75, "isolated_cotton_wool_spots", "Isolated cotton-wool spots (cytoid bodies)");
        S(76, "optic_neuritis", "Optic neuritis");
        S(77, "anterior_ischaemic_optic_neuropathy", "Anterior ischaemic optic neuropathy");

        // Value bounds below are plausibility limits against unit slips, not clinical thresholds (see Min).
        system = BilagSystem.Renal;
        V(78, "systolic_bp", "Systolic blood pressure", "mm[Hg]", "mmHg", 0m, 300m);
        V(79, "diastolic_bp", "Diastolic blood pressure", "mm[Hg]", "mmHg", 0m, 200m);
        U(80, "accelerated_hypertension", "Accelerated hypertension");
        V(81, "urine_dipstick_protein", "Urine dipstick protein (+ = 1, ++ = 2, +++ = 3)", null, "0–3 (+ = 1, ++ = 2, +++ = 3)", 0m, 3m, whole: true);
        V(82, "urine_acr", "Urine albumin-creatinine ratio", "mg/mmol", "mg/mmol", 0m, 10000m);
        V(83, "urine_pcr", "Urine protein-creatinine ratio", "mg/mmol", "mg/mmol", 0m, 10000m);
        V(84, "urine_protein_24h", "24-hour urine protein", "g/(24.h)", "g (24 h)", 0m, 50m);
        U(85, "nephrotic_syndrome", "Nephrotic syndrome");
        V(86, "creatinine", "Plasma/serum creatinine", "umol/L", "µmol/L", 0m, 3000m);
        V(87, "gfr", "Calculated GFR", "mL/min/{1.73_m2}", "mL/min/1.73 m²", 0m, 250m);
        U(88, "active_urinary_sediment", "Active urinary sediment");
        U(89, "active_nephritis", "Active nephritis");

        system = BilagSystem.Haematological;
        V(90, "haemoglobin", "Haemoglobin", "g/dL", "g/dL", 0m, 25m);
        V(91, "white_cell_count", "Total white cell count", "10*9/L", "×10⁹/L", 0m, 500m);
        V(92, "neutrophils", "Neutrophils", "10*9/L", "×10⁹/L", 0m, 500m);
        V(93, "lymphocytes", "Lymphocytes", "10*9/L", "×10⁹/L", 0m, 500m);
        V(94, "platelets", "Platelets", "10*9/L", "×10⁹/L", 0m, 2000m);
        U(95, "ttp", "TTP (thrombotic thrombocytopenic purpura)");
        U(96, "active_haemolysis", "Evidence of active haemolysis");
        U(97, "coombs_positive_isolated", "Coombs' test positive (isolated)");
        return items;
    }

    private static readonly string[] StateChoices = ["nd", "0", "1", "2", "3", "4"];
    private static readonly string[] YesNoOrStateChoices = ["nd", "0", "1", "2", "3", "4", "yes", "no", "true", "false"];
    private static readonly string[] GradeChoices = ["a", "b", "c", "d", "e"];

    private static Bilag2004ItemState ParseState(string choice) =>
        choice == "nd" ? Bilag2004ItemState.NotDone : (Bilag2004ItemState)int.Parse(choice, System.Globalization.CultureInfo.InvariantCulture);

    private static BilagGrade ParseGrade(string choice) => Enum.Parse<BilagGrade>(choice, ignoreCase: true);

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score bilag2004</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        private const string GradedByKey = "graded_by";
        private const string ArthritisKey = "arthritis_definitions";

        public string Key => "bilag2004";

        public string Name => Bilag2004.Name;

        public string Version => Bilag2004.Version;

        public string Citation => Bilag2004.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } = BuildDefinitions();

        private static List<ItemDefinition> BuildDefinitions()
        {
            var list = new List<ItemDefinition>();
            foreach (var item in Bilag2004.Items)
            {
                var where = $"Form item {item.Number} ({item.System}).";
                switch (item.Kind)
                {
                    case Bilag2004ItemKind.State:
                        list.Add(ItemDefinition.Choice(item.Key, item.Label, $"{where} {StateText}", StateChoices));
                        break;
                    case Bilag2004ItemKind.YesNoOrState:
                        list.Add(ItemDefinition.Choice(item.Key, item.Label,
                            $"{where} Yes/No or the state scale (which one the form uses is UNCONFIRMED): yes/no (or true/false), or nd/0–4; a number is read as a state.",
                            YesNoOrStateChoices));
                        break;
                    default:
                        list.Add(ItemDefinition.Number(item.Key, item.Label,
                            $"{where} Value in {item.UnitDisplay} (form unit); blank when not done. Accepted {item.Min}–{item.Max} (plausibility limits, not clinical thresholds).",
                            item.Min!.Value, item.Max!.Value, wholeNumber: item.WholeNumber));
                        list.Add(ItemDefinition.Flag(item.ConfirmationKey!, $"{item.Label}: due to SLE activity",
                            $"Form Y/N beside item {item.Number}: confirm the value is due to SLE activity."));
                        break;
                }
            }

            foreach (var system in Enum.GetValues<BilagSystem>())
            {
                var key = SystemKey(system);
                list.Add(ItemDefinition.Choice("grade_" + key, $"{system} grade",
                    $"The physician's BILAG-2004 grade for {system}: a–e. Stroma does not derive it.", GradeChoices, required: true));
            }

            foreach (var system in Enum.GetValues<BilagSystem>())
            {
                list.Add(ItemDefinition.Flag("ever_involved_" + SystemKey(system), $"{system} ever involved before",
                    $"Was {system} ever involved before this assessment? Needed for grade D (yes) or E (no)."));
            }

            foreach (var system in Enum.GetValues<BilagSystem>())
            {
                list.Add(ItemDefinition.Choice("previous_grade_" + SystemKey(system), $"{system} grade at the previous visit",
                    $"The previous visit's {system} grade (a–e), for new A / new B.", GradeChoices));
            }

            list.Add(new ItemDefinition(GradedByKey, "Grades entered by", ItemKind.Text, false, "Who entered the system grades (name or user id)."));
            list.Add(ItemDefinition.Choice(ArthritisKey, "Arthritis definitions in use",
                "bilag2004 (default: the 2004 glossary) or revised2024 (BILAG musculoskeletal subcommittee proposal, Rheumatology 2024).",
                ["bilag2004", "revised2024"]));
            return list;
        }

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var records = new Dictionary<string, Bilag2004ItemRecord>(StringComparer.Ordinal);
            foreach (var item in Bilag2004.Items)
            {
                switch (item.Kind)
                {
                    case Bilag2004ItemKind.State:
                        if (reader.Choice(item.Key) is { } state)
                        {
                            records[item.Key] = Bilag2004ItemRecord.OfState(ParseState(state));
                        }

                        break;
                    case Bilag2004ItemKind.YesNoOrState:
                        if (reader.Choice(item.Key) is { } answer)
                        {
                            records[item.Key] = answer switch
                            {
                                "yes" or "true" => Bilag2004ItemRecord.OfYesNo(true),
                                "no" or "false" => Bilag2004ItemRecord.OfYesNo(false),
                                _ => Bilag2004ItemRecord.OfState(ParseState(answer)),
                            };
                        }

                        break;
                    default:
                        var value = reader.Number(item.Key);
                        var due = reader.OptionalFlag(item.ConfirmationKey!);
                        if (value is not null || due is not null)
                        {
                            records[item.Key] = Bilag2004ItemRecord.OfValue(value, due);
                        }

                        break;
                }
            }

            var grades = new Dictionary<BilagSystem, BilagGrade>();
            var involved = new Dictionary<BilagSystem, bool>();
            var previous = new Dictionary<BilagSystem, BilagGrade>();
            foreach (var system in Enum.GetValues<BilagSystem>())
            {
                var key = SystemKey(system);
                if (reader.Choice("grade_" + key) is { } g)
                {
                    grades[system] = ParseGrade(g);
                }

                if (reader.OptionalFlag("ever_involved_" + key) is { } e)
                {
                    involved[system] = e;
                }

                if (reader.Choice("previous_grade_" + key) is { } pg)
                {
                    previous[system] = ParseGrade(pg);
                }
            }

            var gradedBy = reader.Text(GradedByKey);
            var arthritis = reader.Choice(ArthritisKey) == "revised2024"
                ? Bilag2004ArthritisDefinitions.Revised2024
                : Bilag2004ArthritisDefinitions.Original2004;
            if (reader.HasErrors)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var result = Bilag2004.Score(new Bilag2004Input(records, grades)
            {
                EverInvolvedBefore = involved,
                PreviousGrades = previous.Count > 0 ? previous : null,
                GradedBy = gradedBy,
                ArthritisDefinitions = arthritis,
            });
            List<Issue> issues = [.. reader.Issues, .. result.Issues];
            if (!result.IsValid)
            {
                return ScoreResult.Invalid(this, issues);
            }

            return new ScoreResult(
                Key,
                $"BILAG-2004, {GradeSourcePhysicianEntered} grades; {NumericScheme}",
                Version,
                result.Total,
                result.OverallGrade.ToString(),
                [.. result.Systems.Select(s => new ItemContribution("grade_" + SystemKey(s.System), s.System.ToString(), s.Numeric,
                    $"grade {s.Grade}, {GradeSourcePhysicianEntered}" + (s.IsNewA ? "; new A" : "") + (s.IsNewB ? "; new B" : "")))],
                [.. Subtotals(result)],
                Explain(result),
                issues);
        }

        private static IEnumerable<Subtotal> Subtotals(Bilag2004Result result)
        {
            foreach (var s in result.Systems)
            {
                yield return new Subtotal(SystemKey(s.System), s.System.ToString(), s.Numeric, s.Grade.ToString());
            }

            if (result.NewA is not null && result.NewB is not null)
            {
                yield return new Subtotal("new_a", "Systems with a new A since the previous visit", result.NewA.Count, string.Join(" ", result.NewA.Select(SystemKey)));
                yield return new Subtotal("new_b", "Systems with a new B since the previous visit", result.NewB.Count, string.Join(" ", result.NewB.Select(SystemKey)));
            }
        }

        private static string Explain(Bilag2004Result result)
        {
            var by = result.GradedBy is null ? "" : $" by {result.GradedBy}";
            var text = $"Grades {GradeSourcePhysicianEntered}{by} (Stroma does not derive BILAG-2004 grades): "
                + string.Join(", ", result.Systems.Select(s => $"{s.System} {s.Grade} = {s.Numeric}"))
                + $". Total {result.Total} of {MaximumTotal} ({NumericScheme}); renal {result.RenalNumeric}; overall grade {result.OverallGrade} (highest system grade).";
            if (result.NewA is not null && result.NewB is not null)
            {
                static string List(IReadOnlyList<BilagSystem> l) => l.Count == 0 ? "none" : string.Join(", ", l);
                text += $" Against the previous visit: new A {List(result.NewA)}; new B {List(result.NewB)}";
                text += result.NotComparable.Count == 0 ? "." : $"; not comparable (no previous grade): {List(result.NotComparable)}.";
            }

            return text;
        }
    }
}
