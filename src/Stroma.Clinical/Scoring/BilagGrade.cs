namespace Stroma.Clinical.Scoring;

/// <summary>
/// BILAG-2004 system grade (Isenberg DA et al. Rheumatology 2005;44:902-6; meaning per Yee CS et al. Arthritis Rheum
/// 2007;56:4113-19): A severe activity (would be treated with high-dose glucocorticoid ± immunosuppression),
/// B moderate (lower-level treatment), C mild (symptomatic treatment), D previously affected, now inactive,
/// E never affected. Ordered from most to least active: A &lt; B &lt; C &lt; D &lt; E as enum values.
/// </summary>
public enum BilagGrade
{
    A,
    B,
    C,
    D,
    E,
}

/// <summary>The nine BILAG-2004 organ systems, in form order.</summary>
public enum BilagSystem
{
    Constitutional,
    Mucocutaneous,
    Neuropsychiatric,
    Musculoskeletal,
    Cardiorespiratory,
    Gastrointestinal,
    Ophthalmic,
    Renal,
    Haematological,
}
