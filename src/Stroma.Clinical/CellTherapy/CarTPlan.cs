using System.Globalization;

namespace Stroma.Clinical.CellTherapy;

/// <summary>A step before the infusion of a CAR-T protocol (leukapheresis, manufacturing, bridging therapy).</summary>
/// <param name="Key">Stable snake_case key.</param>
/// <param name="Label">What a person reads.</param>
/// <param name="Description">What the site records for this step.</param>
public sealed record PreparationStep(string Key, string Label, string Description);

/// <summary>A release test the site configures for the manufactured lot (its method and limit are the site's).</summary>
/// <param name="Key">Stable snake_case key.</param>
/// <param name="Label">What a person reads.</param>
public sealed record ReleaseTestPlan(string Key, string Label);

/// <summary>
/// One lymphodepleting drug: its dose per m² of body surface area and the days it is given relative to the infusion
/// (day 0; e.g. −5, −4, −3). Dose and days are site data: a template leaves them unset (null, empty) when its
/// source does not confirm them, and a version with them unset cannot be approved as the site's own.
/// </summary>
/// <param name="Key">Stable snake_case key, e.g. <c>fludarabine</c>.</param>
/// <param name="Drug">Drug name.</param>
/// <param name="DosePerSquareMetre">Dose per day given, mg/m²; null when not set.</param>
/// <param name="DaysRelativeToInfusion">Days the drug is given, each &lt; 0 (before the infusion), ascending; empty when not set.</param>
public sealed record LymphodepletionAgent(string Key, string Drug, DrugDosePerSquareMetre? DosePerSquareMetre, IReadOnlyList<int> DaysRelativeToInfusion)
{
    /// <summary>Whether the site has set both the dose and the days.</summary>
    public bool IsSet => DosePerSquareMetre is not null && DaysRelativeToInfusion.Count > 0;

    public override string ToString() =>
        $"{Drug} {(DosePerSquareMetre is { } d ? d.ToString() : "dose not set")}, "
        + (DaysRelativeToInfusion.Count == 0 ? "days not set" : "days " + string.Join(", ", DaysRelativeToInfusion.Select(x => x.ToString(CultureInfo.InvariantCulture))));
}

/// <summary>
/// What a CAR-T protocol adds to the generic <see cref="Protocol"/>: the steps before the infusion, the lot's release
/// tests, lymphodepletion and the body-surface-area formula its doses per m² use. The single infusion (dose in CAR+
/// cells/kg) is the protocol's administration 1 at day 0; daily assessments, visits and the long-term follow-up
/// contacts are its follow-ups.
/// </summary>
/// <param name="Preparation">Steps before the infusion, in order.</param>
/// <param name="ReleaseTests">Release tests of the manufactured lot.</param>
/// <param name="Lymphodepletion">Lymphodepleting drugs.</param>
/// <param name="BsaFormula">The formula for body surface area (doses per m²).</param>
public sealed record CarTPlan(
    IReadOnlyList<PreparationStep> Preparation,
    IReadOnlyList<ReleaseTestPlan> ReleaseTests,
    IReadOnlyList<LymphodepletionAgent> Lymphodepletion,
    BsaFormula BsaFormula);

/// <summary>
/// Long-term follow-up after a gene-modified cell product with an integrating vector. The FDA guidance "Long Term
/// Follow-up After Administration of Human Gene Therapy Products" (CBER, January 2020, docket FDA-2018-D-2173) asks for
/// observation of delayed adverse events for up to 15 years for integrating vectors such as lentivirus (read at second
/// hand: a minimum of five years of annual examinations, then annual queries to year 15). What each contact collects
/// follows the NCI and St Jude LTFU protocols that implement the guidance; new infections are listed because issue
/// #20 asks for them (not confirmed as a guidance item). FDA's 2023 safety communication on T-cell malignancies after
/// CAR-T asks for life-long monitoring for new malignancies.
/// </summary>
public static class LongTermFollowUp
{
    /// <summary>Years of follow-up for integrating vectors.</summary>
    public const int Years = 15;

    /// <summary>Years with a yearly examination (visit); the remaining years are yearly contacts.</summary>
    public const int ExaminationYears = 5;

    /// <summary>What every yearly long-term follow-up visit or contact collects.</summary>
    public static IReadOnlyList<string> Collects { get; } =
    [
        "New malignancy (a new malignancy prompts contact with the manufacturer for testing of the tumour for the CAR transgene)",
        "New or worsening neurological disorder",
        "New or worsening autoimmune (rheumatological) disorder",
        "New or worsening haematological disorder",
        "Serious or unusual infection",
        "Replication-competent lentivirus/retrovirus testing and vector persistence where indicated (archived blood)",
    ];
}
