using Stroma.Clinical.Labs;

namespace Stroma.Data.Model;

/// <summary>
/// A study participant, known only by a pseudonymous <see cref="StudyId"/> that is unique within the site. Either
/// the full <see cref="BirthDate"/> or only the <see cref="BirthYear"/> is kept (data minimisation).
/// </summary>
public sealed class Patient : ClinicalRecord
{
    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    /// <summary>Pseudonymous study id, unique per site (e.g. <c>S01-007</c>).</summary>
    public string StudyId { get; set; } = "";

    public Sex Sex { get; set; }

    public DateOnly? BirthDate { get; set; }

    public int? BirthYear { get; set; }

    /// <summary>Version of the consent form signed (e.g. <c>2.1</c>).</summary>
    public string? ConsentVersion { get; set; }

    public DateOnly? ConsentDate { get; set; }

    /// <summary>Date consent was withdrawn; data up to then is kept, nothing after.</summary>
    public DateOnly? WithdrawalDate { get; set; }

    public string? WithdrawalReason { get; set; }
}

/// <summary>The kind of a diagnosis record.</summary>
public enum DiagnosisKind
{
    /// <summary>SLE classification by a criteria set (e.g. <c>eular_acr_2019</c>, <c>slicc_2012</c>).</summary>
    Classification,

    /// <summary>Lupus nephritis proven by kidney biopsy, with its ISN/RPS class.</summary>
    LupusNephritisBiopsy,
}

/// <summary>A diagnosis: a classification-criteria result or a lupus nephritis biopsy (ISN/RPS 2003, revised 2018).</summary>
public sealed class Diagnosis : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public DiagnosisKind Kind { get; set; }

    /// <summary>Date of classification or of the biopsy.</summary>
    public DateOnly DiagnosisDate { get; set; }

    /// <summary>The criteria set's instrument key, for <see cref="DiagnosisKind.Classification"/>.</summary>
    public string? Criteria { get; set; }

    /// <summary>Whether the criteria were met.</summary>
    public bool? CriteriaMet { get; set; }

    /// <summary>The criteria score (e.g. EULAR/ACR 2019 points).</summary>
    public decimal? CriteriaScore { get; set; }

    /// <summary>ISN/RPS class as reported (I–VI, combinations such as <c>IV+V</c>).</summary>
    public string? IsnRpsClass { get; set; }

    /// <summary>NIH activity index (0–24) for class III/IV, as reported.</summary>
    public int? ActivityIndex { get; set; }

    /// <summary>NIH chronicity index (0–12) for class III/IV, as reported.</summary>
    public int? ChronicityIndex { get; set; }

    public string? Notes { get; set; }
}

/// <summary>Whether a visit was planned by the protocol.</summary>
public enum VisitKind
{
    Scheduled,
    Unscheduled,
}

/// <summary>A visit on a clinical date; <see cref="Type"/> names the protocol time point (<c>baseline</c>, <c>month_3</c>).</summary>
public sealed class Visit : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public DateOnly VisitDate { get; set; }

    public VisitKind Kind { get; set; }

    /// <summary>Protocol time point or reason (e.g. <c>baseline</c>, <c>month_1</c>, <c>infusion</c>, <c>flare</c>).</summary>
    public string Type { get; set; } = "";

    public string? Notes { get; set; }

    /// <summary>
    /// User name of the investigator who signed the visit electronically (21 CFR 11.50 manifestation: with
    /// <see cref="SignedByName"/>, <see cref="SignedAt"/> and <see cref="SignatureMeaning"/>); null while unsigned. A signed
    /// visit is locked: its assessments cannot be added or changed until it is unlocked with a reason (audited).
    /// </summary>
    public string? SignedBy { get; set; }

    /// <summary>The signer's printed name at the time of signing.</summary>
    public string? SignedByName { get; set; }

    /// <summary>When the visit was signed (UTC).</summary>
    public DateTimeOffset? SignedAt { get; set; }

    /// <summary>The meaning of the signature: the statement the signer saw and confirmed, as shown.</summary>
    public string? SignatureMeaning { get; set; }

    /// <summary>True when the visit is signed, and so locked.</summary>
    public bool IsSigned => SignedAt is not null;
}

/// <summary>
/// A scored instrument at a visit, kept so it can be recomputed: the instrument key and algorithm version of
/// <c>Stroma.Clinical</c> that computed it, the raw inputs and the full result, both as JSON.
/// </summary>
public sealed class Assessment : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public Guid? VisitId { get; set; }

    public Visit? Visit { get; set; }

    public DateOnly AssessmentDate { get; set; }

    /// <summary>Instrument key (e.g. <c>sledai2k</c>).</summary>
    public string Instrument { get; set; } = "";

    /// <summary>Algorithm version that produced the result.</summary>
    public string AlgorithmVersion { get; set; } = "";

    /// <summary>The raw item values as a JSON object.</summary>
    public string InputsJson { get; set; } = "{}";

    /// <summary>The full score result as JSON.</summary>
    public string ResultJson { get; set; } = "{}";

    /// <summary>The total, copied from the result for queries and export.</summary>
    public decimal? Total { get; set; }

    /// <summary>The grade or band, copied from the result.</summary>
    public string? Grade { get; set; }

    /// <summary>
    /// The value of the result's subtotal keyed <c>renal</c> (BILAG-2004's renal system, numeric per Yee 2010), copied
    /// from the result for the study report's renal BILAG (issue #22), which otherwise reads and parses every stored
    /// result. Null when the result has no renal subtotal, and for assessments saved before this column existed (the
    /// report then reads the result, <see cref="Stroma.Data.Report.ReportMeasures"/>).
    /// </summary>
    public decimal? RenalSubtotal { get; set; }

    /// <summary>The grade of the result's subtotal keyed <c>renal</c> (BILAG-2004: the entered A to E), as <see cref="RenalSubtotal"/>.</summary>
    public string? RenalGrade { get; set; }
}

/// <summary>
/// One laboratory result: what the laboratory reported (value as text, unit, range) exactly as it came, plus the
/// normalised value in the analyte's canonical UCUM unit. The natural key (patient, analyte, specimen time) makes
/// re-imports idempotent.
/// </summary>
public sealed class LabResult : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public Guid? VisitId { get; set; }

    public Visit? Visit { get; set; }

    public Guid? LaboratoryId { get; set; }

    public Laboratory? Laboratory { get; set; }

    /// <summary>Analyte code (LOINC, or Stroma's analyte key).</summary>
    public string Analyte { get; set; } = "";

    /// <summary>When the specimen was taken (UTC).</summary>
    public DateTimeOffset SpecimenTime { get; set; }

    /// <summary>The value exactly as reported (text: "&lt;0.5", "12.30").</summary>
    public string ReportedValue { get; set; } = "";

    /// <summary>The unit exactly as reported.</summary>
    public string? ReportedUnit { get; set; }

    /// <summary>The reference range exactly as reported (e.g. "3.5-5.5").</summary>
    public string? ReportedRange { get; set; }

    /// <summary>The value in <see cref="NormalisedUnit"/>, or null when it could not be normalised.</summary>
    public decimal? NormalisedValue { get; set; }

    /// <summary>The analyte's canonical UCUM unit.</summary>
    public string? NormalisedUnit { get; set; }

    public Stroma.Clinical.Labs.LabFlag Flag { get; set; }

    /// <summary>The longest <see cref="Note"/> stored.</summary>
    public const int NoteMaxLength = 4000;

    /// <summary>
    /// The laboratory's comments on the result as sent (HL7 v2 NTE-3 segments after its OBX, one per line), or null.
    /// Free text: left out of de-identified exports.
    /// </summary>
    public string? Note { get; set; }
}

/// <summary>Drug class of a medication record.</summary>
public enum MedicationClass
{
    Glucocorticoid,
    Immunosuppressant,
    Antimalarial,
    Biologic,
    Other,
}

/// <summary>
/// A medication course. Glucocorticoids carry the daily dose as prednisone-equivalent mg/day (LLDAS and DORIS use
/// it); other drugs keep the dose as prescribed.
/// </summary>
public sealed class Medication : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    /// <summary>
    /// The visit the medication was recorded at, or null when it was recorded outside a visit (history, an import). A
    /// medication recorded at a visit is part of what the visit's signature signs: it is locked with the visit (VIS001),
    /// except that the stop date of a course still running may be recorded later (docs/security.md).
    /// </summary>
    public Guid? VisitId { get; set; }

    public Visit? Visit { get; set; }

    public MedicationClass Class { get; set; }

    /// <summary>Drug name (INN, e.g. <c>prednisone</c>, <c>mycophenolate mofetil</c>, <c>hydroxychloroquine</c>).</summary>
    public string Drug { get; set; } = "";

    /// <summary>Dose as prescribed.</summary>
    public decimal? Dose { get; set; }

    /// <summary>UCUM unit of <see cref="Dose"/> (e.g. <c>mg</c>, <c>g</c>).</summary>
    public string? DoseUnit { get; set; }

    /// <summary>Frequency as prescribed (e.g. <c>daily</c>, <c>monthly</c>).</summary>
    public string? Frequency { get; set; }

    /// <summary>For glucocorticoids: prednisone-equivalent mg/day.</summary>
    public decimal? PrednisoneEquivalentMgPerDay { get; set; }

    public DateOnly StartDate { get; set; }

    public DateOnly? StopDate { get; set; }
}

/// <summary>Investigator's assessment of causality.</summary>
public enum Causality
{
    NotRelated,
    Unlikely,
    Possible,
    Probable,
    Definite,
    NotAssessed,
}

/// <summary>An adverse event with its CTCAE v5.0 grade (1–5).</summary>
public sealed class AdverseEvent : ClinicalRecord, ILateEntryRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    /// <summary>The event term (e.g. "herpes zoster").</summary>
    public string Term { get; set; } = "";

    public DateOnly OnsetDate { get; set; }

    public DateOnly? ResolutionDate { get; set; }

    /// <summary>CTCAE v5.0 grade 1–5, as assessed.</summary>
    public int? CtcaeGrade { get; set; }

    public bool Serious { get; set; }

    /// <summary>Relation to the cell therapy.</summary>
    public Causality Causality { get; set; }

    public string? Outcome { get; set; }

    /// <summary>The suspect cell lot, when the event is linked to one (cell therapy).</summary>
    public Guid? LotId { get; set; }

    public CellLotRecord? Lot { get; set; }

    /// <summary>ICH E2A seriousness criteria, when assessed (cell therapy); <see cref="Serious"/> stays the summary flag.</summary>
    public Stroma.Clinical.CellTherapy.SeriousnessCriteria? SeriousnessCriteria { get; set; }

    /// <summary>Expected or unexpected against the reference safety information, when assessed.</summary>
    public Stroma.Clinical.CellTherapy.Expectedness? Expectedness { get; set; }

    /// <inheritdoc/>
    public bool EnteredLate { get; set; }

    /// <inheritdoc/>
    public string? LateEntryReason { get; set; }
}

/// <summary>A patient's death (at most one per patient).</summary>
public sealed class Death : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public DateOnly DeathDate { get; set; }

    public string? Cause { get; set; }

    public Causality Causality { get; set; }
}
