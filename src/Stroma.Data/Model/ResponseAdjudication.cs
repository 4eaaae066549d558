using Stroma.Clinical.Outcomes;

namespace Stroma.Data.Model;

/// <summary>
/// An investigator's adjudicated clinical response (MCR, PCR, NR or relapse) for one patient at one time point, as
/// the UC-MSC studies report them (Wang D et al. Arthritis Res Ther 2014;16:R79). The definitions of MCR/PCR are
/// UNCONFIRMED (the papers' Methods could not be read: docs/sources/responses.md), so Stroma never derives these labels: they are the clinician's
/// judgement, stored with who made it, when and on what basis. Never hard-deleted; every change is audited by the
/// audit interceptor like any clinical record. Maps onto <see cref="AdjudicatedResponse"/>.
/// </summary>
public sealed class ResponseAdjudication : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    /// <summary>Clinical date the response refers to.</summary>
    public DateOnly AssessmentDate { get; set; }

    /// <summary>Months from the first infusion to <see cref="AssessmentDate"/> (0 or more).</summary>
    public decimal MonthsSinceStart { get; set; }

    /// <summary>MCR, PCR, NR or relapse (stored by name).</summary>
    public ClinicalResponseCategory Category { get; set; }

    /// <summary>Free text: the criteria as the investigator applied them, and anything else they relied on.</summary>
    public string Basis { get; set; } = "";

    /// <summary>The visits the judgement rests on (visit types or ids, separated by <c>;</c>).</summary>
    public string VisitKeys { get; set; } = "";

    /// <summary>Who adjudicated (user name; may differ from the person typing it in, who is in the audit trail).</summary>
    public string AdjudicatedBy { get; set; } = "";

    /// <summary>When the adjudication was made (UTC).</summary>
    public DateTimeOffset AdjudicatedAt { get; set; }

    /// <summary>The domain view used by <see cref="ClinicalResponses.Summarise"/>.</summary>
    public AdjudicatedResponse ToDomain(string patientKey) => new(
        patientKey,
        AssessmentDate,
        MonthsSinceStart,
        Category,
        Basis,
        VisitKeys.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        AdjudicatedBy,
        AdjudicatedAt);
}
