using Stroma.Clinical.CellTherapy;

namespace Stroma.Data.Model;

/// <summary>
/// A manufactured lot of a cell product (<c>Stroma.Clinical.CellTherapy.CellLot</c> plus its state). The product is
/// identified by <see cref="ProductType"/>; the status changes only through a signed <see cref="LotDecision"/>.
/// Quantities: <see cref="TotalCells"/> in cells, <see cref="CellsPerMillilitre"/> in cells/mL, viability in %,
/// volume in mL.
/// </summary>
public sealed class CellLotRecord : ClinicalRecord
{
    /// <summary>
    /// The site (hospital) that holds and receives the lot: its users see the lot, its custody and release tests; another
    /// site's users get the same 404 as for its patients (issue #16; docs/security.md, "Site isolation"). The QA user who
    /// decided the lot also sees it. Required when a lot is registered.
    /// </summary>
    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    /// <summary>The lot's id as labelled (an ISBT 128 DIN when the site uses them), unique in the registry.</summary>
    public string LotNumber { get; set; } = "";

    public CellProductType ProductType { get; set; }

    public string DonorPseudonym { get; set; } = "";

    public string TissueSource { get; set; } = "";

    public string ManufacturingSite { get; set; } = "";

    public DateOnly ManufacturedOn { get; set; }

    public int? Passage { get; set; }

    public decimal TotalCells { get; set; }

    public decimal CellsPerMillilitre { get; set; }

    public decimal ViabilityPercent { get; set; }

    public decimal VolumeMillilitres { get; set; }

    public StorageCondition Storage { get; set; }

    public string StorageLocation { get; set; } = "";

    public DateOnly ExpiresOn { get; set; }

    public LotStatus Status { get; set; } = LotStatus.Quarantine;

    /// <summary>The Clinical lot this record stores.</summary>
    public CellLot ToLot() => new(LotNumber, ProductType, DonorPseudonym, TissueSource, ManufacturingSite, ManufacturedOn, Passage,
        CellCount.Cells(TotalCells), CellConcentration.CellsPerMillilitre(CellsPerMillilitre), ViabilityPercent, VolumeMillilitres,
        new LotStorage(Storage, StorageLocation), ExpiresOn);
}

/// <summary>One release test result of a lot, keyed as the release specification's measurement keys (<c>cd73</c>, <c>sterility</c>, ...).</summary>
public sealed class LotReleaseTest : ClinicalRecord, ILateEntryRecord
{
    public Guid LotId { get; set; }

    public CellLotRecord? Lot { get; set; }

    public string TestKey { get; set; } = "";

    /// <summary>A numeric result (%, EU/kg as the criterion's unit), or null for a met/not-met result.</summary>
    public decimal? Value { get; set; }

    /// <summary>A qualitative result (met / not met), or null for a numeric result.</summary>
    public bool? Met { get; set; }

    public DateOnly TestedOn { get; set; }

    /// <inheritdoc/>
    public bool EnteredLate { get; set; }

    /// <inheritdoc/>
    public string? LateEntryReason { get; set; }
}

/// <summary>
/// The signed release or rejection of a lot: the QA user, the instant and the meaning of the signature, the
/// specification (name and version, including any site-set limits) and its evaluation. Written once; the audit
/// interceptor records who stored it and when.
/// </summary>
public sealed class LotDecision : ClinicalRecord, ILateEntryRecord
{
    public Guid LotId { get; set; }

    public CellLotRecord? Lot { get; set; }

    public ReleaseVerdict Verdict { get; set; }

    public string SignedBy { get; set; } = "";

    public DateTimeOffset SignedAt { get; set; }

    public string Meaning { get; set; } = "";

    public string? Reason { get; set; }

    public DateOnly DecisionDate { get; set; }

    public string SpecificationName { get; set; } = "";

    public string SpecificationVersion { get; set; } = "";

    /// <summary>Each criterion's limit, source, outcome and measured value(s), as JSON.</summary>
    public string EvaluationJson { get; set; } = "[]";

    /// <inheritdoc/>
    public bool EnteredLate { get; set; }

    /// <inheritdoc/>
    public string? LateEntryReason { get; set; }
}

/// <summary>One chain-of-custody event of a lot.</summary>
public sealed class CustodyEventRecord : ClinicalRecord, ILateEntryRecord
{
    public Guid LotId { get; set; }

    public CellLotRecord? Lot { get; set; }

    public CustodyEventKind Kind { get; set; }

    public DateTimeOffset At { get; set; }

    public string Place { get; set; } = "";

    public string Person { get; set; } = "";

    public decimal? TemperatureCelsius { get; set; }

    /// <summary>The patient the lot was administered to (for <see cref="CustodyEventKind.Administered"/>).</summary>
    public Guid? PatientId { get; set; }

    public Patient? Patient { get; set; }

    /// <summary>Warnings (temperature excursions) found when the event was recorded, one per line.</summary>
    public string? Warnings { get; set; }

    /// <inheritdoc/>
    public bool EnteredLate { get; set; }

    /// <inheritdoc/>
    public string? LateEntryReason { get; set; }
}

/// <summary>
/// A patient's enrolment on a protocol template (key and version), with the start date (day 0), the weight used to
/// plan a per-kilogram dose, and the consent the infusion pre-check reads.
/// </summary>
public sealed class ProtocolEnrolment : ClinicalRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public string ProtocolKey { get; set; } = "";

    public string ProtocolVersion { get; set; } = "";

    public DateOnly StartDate { get; set; }

    /// <summary>Weight (kg) at enrolment, for planning only: each infusion uses the weight measured that day.</summary>
    public decimal? PlanningWeightKg { get; set; }

    public DateOnly? PlanningWeighedOn { get; set; }

    public DateOnly? ConsentSignedOn { get; set; }

    /// <summary>The protocol version the consent covers.</summary>
    public string? ConsentProtocolVersion { get; set; }

    public DateOnly? ConsentWithdrawnOn { get; set; }

    public DateOnly? ConsentValidUntil { get; set; }
}

/// <summary>One event of an enrolment's calendar; <see cref="Target"/> moves only by a reschedule (kept in <see cref="ScheduleChangeRecord"/>).</summary>
public sealed class ScheduledEventRecord : ClinicalRecord
{
    public Guid EnrolmentId { get; set; }

    public ProtocolEnrolment? Enrolment { get; set; }

    public string EventKey { get; set; } = "";

    public string Label { get; set; } = "";

    public ScheduledEventKind Kind { get; set; }

    public DateOnly Target { get; set; }

    /// <summary>The target the template generated.</summary>
    public DateOnly OriginalTarget { get; set; }

    public int WindowDaysBefore { get; set; }

    public int WindowDaysAfter { get; set; }
}

/// <summary>A reschedule of one event: from, to, why, who, when.</summary>
public sealed class ScheduleChangeRecord : ClinicalRecord
{
    public Guid EnrolmentId { get; set; }

    public ProtocolEnrolment? Enrolment { get; set; }

    public string EventKey { get; set; } = "";

    public DateOnly FromDate { get; set; }

    public DateOnly ToDate { get; set; }

    public string Reason { get; set; } = "";

    public string ChangedBy { get; set; } = "";

    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>
/// An infusion given: lot, dose in cells, weight measured that day, start/stop, and the pre-check outcome. Vital
/// signs, premedication and reactions are child rows.
/// </summary>
public sealed class Infusion : ClinicalRecord, ILateEntryRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public Guid EnrolmentId { get; set; }

    public ProtocolEnrolment? Enrolment { get; set; }

    public string EventKey { get; set; } = "";

    public string ComponentKey { get; set; } = "";

    public Guid LotId { get; set; }

    public CellLotRecord? Lot { get; set; }

    public DateOnly InfusionDate { get; set; }

    public DateTimeOffset Start { get; set; }

    public DateTimeOffset? Stop { get; set; }

    /// <summary>Dose given, in cells.</summary>
    public decimal DoseCells { get; set; }

    public decimal? WeightKg { get; set; }

    public DateOnly? WeighedOn { get; set; }

    /// <summary>The pre-check outcome: <c>passed</c>, or <c>passed with warnings</c> followed by them.</summary>
    public string PrecheckOutcome { get; set; } = "";

    /// <inheritdoc/>
    public bool EnteredLate { get; set; }

    /// <inheritdoc/>
    public string? LateEntryReason { get; set; }
}

/// <summary>Whether a vital-sign set was taken before or after the infusion.</summary>
public enum VitalSignPhase
{
    Pre,
    Post,
}

/// <summary>Vital signs around an infusion (mmHg, /min, °C, /min, %).</summary>
public sealed class InfusionVitalSigns : ClinicalRecord
{
    public Guid InfusionId { get; set; }

    public Infusion? Infusion { get; set; }

    public VitalSignPhase Phase { get; set; }

    public DateTimeOffset At { get; set; }

    public decimal? SystolicMmHg { get; set; }

    public decimal? DiastolicMmHg { get; set; }

    public decimal? HeartRatePerMinute { get; set; }

    public decimal? TemperatureCelsius { get; set; }

    public decimal? RespiratoryRatePerMinute { get; set; }

    public decimal? OxygenSaturationPercent { get; set; }
}

/// <summary>A premedication given before an infusion, as prescribed (drug, dose text, time).</summary>
public sealed class InfusionPremedication : ClinicalRecord
{
    public Guid InfusionId { get; set; }

    public Infusion? Infusion { get; set; }

    public string Drug { get; set; } = "";

    public string Dose { get; set; } = "";

    public DateTimeOffset GivenAt { get; set; }
}

/// <summary>A reaction during or after an infusion, CTCAE v5.0 graded.</summary>
public sealed class InfusionReactionRecord : ClinicalRecord
{
    public Guid InfusionId { get; set; }

    public Infusion? Infusion { get; set; }

    public string Term { get; set; } = "";

    public CtcaeGrade Grade { get; set; }

    public DateTimeOffset Onset { get; set; }

    public string? Action { get; set; }
}

/// <summary>How a follow-up contact took place.</summary>
public enum ContactMode
{
    ClinicVisit,
    PhoneCall,
}

/// <summary>
/// What the patient reports about a symptom since the last contact. A plain categorical record of the patient's
/// words (as the seed's case 1 follow-up reports them), not a validated scale.
/// </summary>
public enum ReportedChange
{
    NotAsked,
    Better,
    Unchanged,
    Worse,
}

/// <summary>A follow-up contact: clinic visit or phone call; patient-reported change in rash, sleep, fatigue and pain; any adverse reaction.</summary>
public sealed class FollowUpContact : ClinicalRecord, ILateEntryRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public Guid? EnrolmentId { get; set; }

    public ProtocolEnrolment? Enrolment { get; set; }

    /// <summary>The schedule event this contact fulfils (a follow-up visit key), if any.</summary>
    public string? EventKey { get; set; }

    public DateOnly ContactDate { get; set; }

    public ContactMode Mode { get; set; }

    public ReportedChange Rash { get; set; }

    public ReportedChange Sleep { get; set; }

    public ReportedChange Fatigue { get; set; }

    public ReportedChange Pain { get; set; }

    public bool AdverseReaction { get; set; }

    /// <summary>The adverse event recorded for the reaction, if any.</summary>
    public Guid? AdverseEventId { get; set; }

    public AdverseEvent? AdverseEvent { get; set; }

    public string? Notes { get; set; }

    /// <inheritdoc/>
    public bool EnteredLate { get; set; }

    /// <inheritdoc/>
    public string? LateEntryReason { get; set; }
}

/// <summary>A protocol deviation found by <c>ProtocolDeviations.Find</c> and recorded (kind, event, code, message).</summary>
public sealed class ProtocolDeviationRecord : ClinicalRecord
{
    public Guid EnrolmentId { get; set; }

    public ProtocolEnrolment? Enrolment { get; set; }

    public DeviationKind Kind { get; set; }

    public string EventKey { get; set; } = "";

    public string Code { get; set; } = "";

    public string Message { get; set; } = "";

    public DateOnly DetectedOn { get; set; }
}

/// <summary>
/// One lymphodepleting drug as actually given on a CAR-T enrolment (issue #20): the drug, its dose per m² of body
/// surface area (mg/m²) and the days it was given relative to the infusion (day 0), with the height (cm), weight (kg)
/// and the BSA (m²) they gave by the named formula (<see cref="BodySurfaceArea"/>: <c>mosteller</c> or
/// <c>du_bois</c>), and the daily amount that dose and BSA give (mg). Written only by
/// <c>Stroma.Data.CellTherapy.Lymphodepletions</c>; never hard-deleted, audited, and locked with a visit signed on one
/// of its days after it was recorded (<c>VisitLock</c>).
/// </summary>
public sealed class LymphodepletionRecord : ClinicalRecord, ILateEntryRecord
{
    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    public Guid EnrolmentId { get; set; }

    public ProtocolEnrolment? Enrolment { get; set; }

    /// <summary>The protocol's key of the drug (<c>fludarabine</c>).</summary>
    public string DrugKey { get; set; } = "";

    /// <summary>The drug's name as the protocol gives it.</summary>
    public string Drug { get; set; } = "";

    /// <summary>Dose given per day, mg/m².</summary>
    public decimal DoseMgPerSquareMetre { get; set; }

    /// <summary>The days given relative to the infusion, ascending and comma-separated (<c>-5,-4,-3</c>).</summary>
    public string DaysRelativeToInfusion { get; set; } = "";

    /// <summary>Day 0: the infusion date the days count from.</summary>
    public DateOnly InfusionDate { get; set; }

    /// <summary>The first day the drug was given (day 0 plus the first relative day).</summary>
    public DateOnly FirstGivenOn { get; set; }

    /// <summary>The last day the drug was given.</summary>
    public DateOnly LastGivenOn { get; set; }

    public decimal HeightCm { get; set; }

    public decimal WeightKg { get; set; }

    /// <summary>When height and weight were measured.</summary>
    public DateOnly MeasuredOn { get; set; }

    /// <summary>The BSA formula's key (<c>mosteller</c>, <c>du_bois</c>).</summary>
    public string BsaFormula { get; set; } = "";

    /// <summary>BSA, m², to 4 decimal places.</summary>
    public decimal BsaSquareMetres { get; set; }

    /// <summary>Dose per day in mg: dose per m² × BSA, to 0.01 mg.</summary>
    public decimal DailyDoseMg { get; set; }

    public bool EnteredLate { get; set; }

    public string? LateEntryReason { get; set; }
}
