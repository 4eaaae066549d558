using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>The five tasks of the Immune effector Cell-associated Encephalopathy (ICE) score, 0–10.</summary>
/// <param name="Orientation">Orientation to year, month, city and hospital: 0–4 (1 point each).</param>
/// <param name="Naming">Naming 3 objects: 0–3 (1 point each).</param>
/// <param name="FollowsCommands">Follows simple commands: 0–1.</param>
/// <param name="Writing">Writes a standard sentence: 0–1.</param>
/// <param name="Attention">Counts backwards from 100 by 10: 0–1.</param>
public sealed record IceScore(int Orientation, int Naming, int FollowsCommands, int Writing, int Attention)
{
    /// <summary>The ICE score, 0–10.</summary>
    public int Total => Orientation + Naming + FollowsCommands + Writing + Attention;

    /// <summary>An unarousable patient cannot perform the ICE and scores 0.</summary>
    public static IceScore NotPerformable { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>Depressed level of consciousness not attributable to any other cause (e.g. no sedating medication).</summary>
public enum IcansConsciousness
{
    /// <summary>Awake, or awakens spontaneously: no grade from this domain. Key <c>awake</c>.</summary>
    Awake,

    /// <summary>Awakens to voice (grade 2). Key <c>awakens_to_voice</c>.</summary>
    AwakensToVoice,

    /// <summary>Awakens only to tactile stimulus (grade 3). Key <c>awakens_to_touch</c>.</summary>
    AwakensToTouch,

    /// <summary>Unarousable or requires vigorous or repetitive tactile stimuli to arouse; stupor or coma (grade 4). Key <c>unarousable</c>.</summary>
    Unarousable,
}

/// <summary>Seizure (ASTCT 2019 ICANS table, seizure row).</summary>
public enum IcansSeizure
{
    /// <summary>No seizure. Key <c>none</c>.</summary>
    None,

    /// <summary>Any clinical seizure, focal or generalized, that resolves rapidly, or nonconvulsive seizures on EEG that
    /// resolve with intervention (grade 3). Key <c>resolves_rapidly</c>.</summary>
    ResolvesRapidly,

    /// <summary>Life-threatening prolonged seizure (&gt; 5 min), or repetitive clinical or electrical seizures without
    /// return to baseline in between (grade 4). Key <c>prolonged_or_repetitive</c>.</summary>
    ProlongedOrRepetitive,
}

/// <summary>Elevated intracranial pressure / cerebral oedema (ASTCT 2019 ICANS table).</summary>
public enum IcansRaisedIcp
{
    /// <summary>None. Key <c>none</c>.</summary>
    None,

    /// <summary>Focal/local oedema on neuroimaging (grade 3). Key <c>focal_edema</c>.</summary>
    FocalEdema,

    /// <summary>Diffuse cerebral oedema on neuroimaging (grade 4). Key <c>diffuse_edema</c>.</summary>
    DiffuseEdema,

    /// <summary>Decerebrate or decorticate posturing (grade 4). Key <c>posturing</c>.</summary>
    Posturing,

    /// <summary>Cranial nerve VI palsy (grade 4). Key <c>cranial_nerve_vi_palsy</c>.</summary>
    CranialNerveVIPalsy,

    /// <summary>Papilloedema (grade 4). Key <c>papilledema</c>.</summary>
    Papilledema,

    /// <summary>Cushing's triad (grade 4). Key <c>cushings_triad</c>.</summary>
    CushingsTriad,
}

/// <summary>One ICANS assessment of an adult (the ICE is not valid for young children: the consensus grades them with the
/// CAPD, which Stroma does not implement).</summary>
/// <param name="Ice">The ICE tasks; <see cref="IceScore.NotPerformable"/> when the patient is unarousable.</param>
/// <param name="Consciousness">Level of consciousness.</param>
/// <param name="Seizure">Seizure.</param>
/// <param name="DeepFocalMotorWeakness">Deep focal motor weakness such as hemiparesis or paraparesis (grade 4).</param>
/// <param name="RaisedIcp">Elevated intracranial pressure / cerebral oedema.</param>
public sealed record IcansAstct2019Input(
    IceScore Ice,
    IcansConsciousness Consciousness,
    IcansSeizure Seizure,
    bool DeepFocalMotorWeakness,
    IcansRaisedIcp RaisedIcp);

/// <summary>One domain's contribution to an ICANS grade.</summary>
/// <param name="Key">Domain key (<c>ice</c>, <c>consciousness</c>, <c>seizure</c>, <c>motor</c>, <c>raised_icp</c>).</param>
/// <param name="Label">Domain name as in the consensus table.</param>
/// <param name="Grade">The grade this domain alone gives (0 when it gives none).</param>
/// <param name="Finding">What was found.</param>
public sealed record IcansDomain(string Key, string Label, int Grade, string Finding);

/// <summary>An ICANS grade by ASTCT 2019.</summary>
/// <param name="Grade">0 (no ICANS) to 4.</param>
/// <param name="IceScore">The ICE score, 0–10.</param>
/// <param name="Domains">Each domain's grade.</param>
/// <param name="Explanation">Why.</param>
public sealed record IcansAstct2019Result(int Grade, int IceScore, IReadOnlyList<IcansDomain> Domains, string Explanation);

/// <summary>
/// Immune effector cell-associated neurotoxicity syndrome (ICANS) grade for adults by the ASTCT consensus: Lee DW,
/// Santomasso BD, Locke FL, et al. Biol Blood Marrow Transplant 2019;25(4):625-638 (doi 10.1016/j.bbmt.2018.12.758).
/// The grade is that of the most severe domain (ICE score, depressed level of consciousness, seizure, motor findings,
/// elevated ICP / cerebral oedema) not attributable to any other cause. ICE 7–9 → 1, 3–6 → 2, 0–2 → 3, 0 because
/// unarousable → 4 (through the consciousness domain); ICE 10 with nothing else is no ICANS. Tremor, myoclonus and
/// intracranial haemorrhage are not ICANS features (CTCAE grades them). The paediatric CAPD-based grading is out of
/// scope. Grade 5 (death) is the adverse event's outcome, not scored here. See docs/instruments/icans_astct2019.md.
/// </summary>
public static class IcansAstct2019
{
    public const string Name = "ICANS grade (ASTCT 2019, adults)";

    public const string Version = "2019.1";

    public const string Citation = CrsAstct2019.Citation;

    /// <summary>The grade the ICE score alone gives: 10 → 0, 7–9 → 1, 3–6 → 2, 0–2 → 3.</summary>
    public static int IceGrade(int ice) => ice switch
    {
        10 => 0,
        >= 7 and <= 9 => 1,
        >= 3 and <= 6 => 2,
        >= 0 and <= 2 => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(ice), ice, "The ICE score is 0–10."),
    };

    /// <summary>Grades one ICANS assessment.</summary>
    public static IcansAstct2019Result Grade(IcansAstct2019Input input)
    {
        Preconditions.NotNull(input);
        Preconditions.NotNull(input.Ice);
        var ice = input.Ice.Total;
        IcansDomain[] domains =
        [
            // The table's grade-4 ICE cell is "0 (patient is unarousable and unable to perform ICE)".
            new("ice", "ICE score", input.Consciousness == IcansConsciousness.Unarousable ? 4 : IceGrade(ice), input.Consciousness == IcansConsciousness.Unarousable
                ? "0 (unarousable, unable to perform ICE)" : $"{ice}/10"),
            new("consciousness", "Depressed level of consciousness", input.Consciousness switch
            {
                IcansConsciousness.Awake => 0,
                IcansConsciousness.AwakensToVoice => 2,
                IcansConsciousness.AwakensToTouch => 3,
                _ => 4,
            }, input.Consciousness switch
            {
                IcansConsciousness.Awake => "awake or awakens spontaneously",
                IcansConsciousness.AwakensToVoice => "awakens to voice",
                IcansConsciousness.AwakensToTouch => "awakens only to tactile stimulus",
                _ => "unarousable, or needs vigorous or repetitive tactile stimuli; stupor or coma",
            }),
            new("seizure", "Seizure", input.Seizure switch
            {
                IcansSeizure.None => 0,
                IcansSeizure.ResolvesRapidly => 3,
                _ => 4,
            }, input.Seizure switch
            {
                IcansSeizure.None => "none",
                IcansSeizure.ResolvesRapidly => "clinical seizure resolving rapidly, or nonconvulsive seizures on EEG resolving with intervention",
                _ => "life-threatening prolonged seizure (> 5 min), or repetitive seizures without return to baseline",
            }),
            new("motor", "Motor findings", input.DeepFocalMotorWeakness ? 4 : 0,
                input.DeepFocalMotorWeakness ? "deep focal motor weakness (hemiparesis, paraparesis)" : "none"),
            new("raised_icp", "Elevated ICP / cerebral oedema", input.RaisedIcp switch
            {
                IcansRaisedIcp.None => 0,
                IcansRaisedIcp.FocalEdema => 3,
                _ => 4,
            }, input.RaisedIcp switch
            {
                IcansRaisedIcp.None => "none",
                IcansRaisedIcp.FocalEdema => "focal/local oedema on neuroimaging",
                IcansRaisedIcp.DiffuseEdema => "diffuse cerebral oedema on neuroimaging",
                IcansRaisedIcp.Posturing => "decerebrate or decorticate posturing",
                IcansRaisedIcp.CranialNerveVIPalsy => "cranial nerve VI palsy",
                IcansRaisedIcp.Papilledema => "papilloedema",
                _ => "Cushing's triad",
            }),
        ];
        var grade = domains.Max(d => d.Grade);
        if (grade == 0)
        {
            return new IcansAstct2019Result(0, ice, domains, "No ICANS: ICE 10/10, awake, no seizure, motor finding or raised intracranial pressure.");
        }

        var deciding = domains.Where(d => d.Grade == grade).Select(d => $"{(d.Key == "ice" ? d.Label : d.Label.ToLowerInvariant())} ({d.Finding})");
        return new IcansAstct2019Result(grade, ice, domains,
            $"Grade {grade}: the most severe domain decides — {string.Join("; ", deciding)}. ICE {ice}/10.");
    }

    /// <summary>The grade as the generic result shows it: "No ICANS" or "Grade N".</summary>
    public static string GradeText(int grade) => grade == 0 ? "No ICANS" : $"Grade {grade}";

    internal static readonly string[] ConsciousnessKeys = ["awake", "awakens_to_voice", "awakens_to_touch", "unarousable"];

    internal static readonly string[] SeizureKeys = ["none", "resolves_rapidly", "prolonged_or_repetitive"];

    internal static readonly string[] RaisedIcpKeys = ["none", "focal_edema", "diffuse_edema", "posturing", "cranial_nerve_vi_palsy", "papilledema", "cushings_triad"];

    private static readonly string[] IceKeys = ["ice_orientation", "ice_naming", "ice_commands", "ice_writing", "ice_attention"];

    /// <summary>The <see cref="IInstrument"/> adapter used by <c>stroma score icans_astct2019</c>.</summary>
    public static IInstrument Instrument { get; } = new Adapter();

    private sealed class Adapter : IInstrument
    {
        public string Key => "icans_astct2019";

        public string Name => IcansAstct2019.Name;

        public string Version => IcansAstct2019.Version;

        public string Citation => IcansAstct2019.Citation;

        public IReadOnlyList<ItemDefinition> Items { get; } =
        [
            ItemDefinition.Number("ice_orientation", "ICE: orientation (0–4)",
                "Orientation to year, month, city, hospital: 1 point each. Required unless the patient is unarousable.", 0m, 4m, wholeNumber: true),
            ItemDefinition.Number("ice_naming", "ICE: naming (0–3)",
                "Names 3 objects (the site's standard objects): 1 point each. Required unless unarousable.", 0m, 3m, wholeNumber: true),
            ItemDefinition.Number("ice_commands", "ICE: follows commands (0–1)",
                "Follows simple commands: 1 point. Required unless unarousable.", 0m, 1m, wholeNumber: true),
            ItemDefinition.Number("ice_writing", "ICE: writing (0–1)",
                "Writes a standard sentence: 1 point. Required unless unarousable.", 0m, 1m, wholeNumber: true),
            ItemDefinition.Number("ice_attention", "ICE: attention (0–1)",
                "Counts backwards from 100 by 10: 1 point. Required unless unarousable.", 0m, 1m, wholeNumber: true),
            ItemDefinition.Choice("consciousness", "Level of consciousness",
                "Depressed level of consciousness not attributable to any other cause (e.g. no sedating medication): awake (awake or awakens spontaneously); awakens_to_voice (grade 2); awakens_to_touch (awakens only to tactile stimulus, grade 3); unarousable (or needs vigorous or repetitive tactile stimuli; stupor or coma; grade 4, ICE 0).",
                ConsciousnessKeys, required: true),
            ItemDefinition.Choice("seizure", "Seizure",
                "none; resolves_rapidly (any clinical seizure, focal or generalized, that resolves rapidly, or nonconvulsive seizures on EEG that resolve with intervention: grade 3); prolonged_or_repetitive (life-threatening seizure > 5 min, or repetitive clinical or electrical seizures without return to baseline in between: grade 4).",
                SeizureKeys, required: true),
            ItemDefinition.Flag("deep_focal_motor_weakness", "Deep focal motor weakness",
                "Deep focal motor weakness such as hemiparesis or paraparesis (grade 4). Tremor and myoclonus are not ICANS (CTCAE).", required: true),
            ItemDefinition.Choice("raised_icp", "Elevated ICP / cerebral oedema",
                "none; focal_edema (focal/local oedema on neuroimaging: grade 3); diffuse_edema, posturing (decerebrate or decorticate), cranial_nerve_vi_palsy, papilledema or cushings_triad (grade 4). Intracranial haemorrhage is not ICANS.",
                RaisedIcpKeys, required: true),
        ];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items)
        {
            var reader = new ItemReader(items, Items);
            var ice = IceKeys.Select(reader.Number).ToArray();
            var consciousness = reader.Choice("consciousness");
            var seizure = reader.Choice("seizure");
            var motor = reader.OptionalFlag("deep_focal_motor_weakness");
            var icp = reader.Choice("raised_icp");
            var unarousable = consciousness == "unarousable";
            for (var i = 0; i < IceKeys.Length; i++)
            {
                if (unarousable && ice[i] is > 0m)
                {
                    reader.Report(Issue.Error(IssueCodes.Contradiction, IceKeys[i],
                        $"Item '{IceKeys[i]}' is {ice[i]}, but the patient is unarousable and cannot perform the ICE (it scores 0); leave the ICE items blank or correct the level of consciousness."));
                }
                else if (!unarousable && !reader.Has(IceKeys[i]) && consciousness is not null)
                {
                    reader.Report(Issue.Error(IssueCodes.MissingItem, IceKeys[i],
                        $"Item '{IceKeys[i]}' ({Items[i].Label}) is required unless the patient is unarousable; expected a whole number from 0 to {Items[i].Max}."));
                }
            }

            if (reader.HasErrors || consciousness is null || seizure is null || motor is null || icp is null)
            {
                return ScoreResult.Invalid(this, reader.Issues);
            }

            var score = unarousable
                ? IceScore.NotPerformable
                : new IceScore((int)ice[0]!.Value, (int)ice[1]!.Value, (int)ice[2]!.Value, (int)ice[3]!.Value, (int)ice[4]!.Value);
            var result = Grade(new IcansAstct2019Input(score, (IcansConsciousness)Array.IndexOf(ConsciousnessKeys, consciousness),
                (IcansSeizure)Array.IndexOf(SeizureKeys, seizure), motor.Value, (IcansRaisedIcp)Array.IndexOf(RaisedIcpKeys, icp)));
            return new ScoreResult(
                Key, Name, Version, null, GradeText(result.Grade),
                [.. result.Domains.Select(d => new ItemContribution(d.Key, d.Label, d.Grade, $"domain grade {d.Grade}: {d.Finding}"))],
                [new Subtotal("ice_score", "ICE score (0–10)", result.IceScore), new Subtotal("grade", "ICANS grade", result.Grade, GradeText(result.Grade))],
                result.Explanation,
                reader.Issues);
        }
    }
}
