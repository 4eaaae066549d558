namespace Stroma.Clinical.Issues;

// Cell therapy: lots and custody (LOT), doses (DOSE), schedules and deviations (SCH), infusion checks (INF),
// adverse events (AEV; three letters because codes are [A-Z]{3,4}[0-9]{3}).
public static partial class IssueCodes
{
    /// <summary>A lot's expiry date is before its manufacturing date.</summary>
    public const string LotExpiryBeforeManufacture = "LOT001";

    /// <summary>A release criterion whose numeric limit the site has not set (ISCT gives none: viability, endotoxin).</summary>
    public const string ReleaseLimitNotSet = "LOT002";

    /// <summary>A release test result does not meet its criterion.</summary>
    public const string ReleaseCriterionFailed = "LOT003";

    /// <summary>A release criterion has no test result.</summary>
    public const string ReleaseCriterionNotTested = "LOT004";

    /// <summary>A release decision on a lot that is not in quarantine (decisions are final).</summary>
    public const string LotNotInQuarantine = "LOT005";

    /// <summary>Release of a lot with no release evaluation, or one that did not pass.</summary>
    public const string LotReleaseWithoutPassedSpecification = "LOT006";

    /// <summary>Release of a lot that is expired on the decision date.</summary>
    public const string LotExpired = "LOT007";

    /// <summary>A release decision without signer or meaning, or a rejection without reason.</summary>
    public const string ReleaseDecisionUnsigned = "LOT008";

    /// <summary>An ISBT 128 donation identification number with the wrong length or structure.</summary>
    public const string IsbtDinMalformed = "LOT009";

    /// <summary>An ISBT 128 DIN whose check character does not match ISO 7064 MOD 37-2.</summary>
    public const string IsbtDinCheckCharacterMismatch = "LOT010";

    /// <summary>An ISBT 128 DIN given without its check character (information: the computed one is stated).</summary>
    public const string IsbtDinCheckCharacterAbsent = "LOT011";

    /// <summary>A custody event timed earlier than the event recorded before it.</summary>
    public const string CustodyOutOfOrder = "LOT012";

    /// <summary>A custody event that cannot follow the one before it (e.g. administered before received).</summary>
    public const string CustodyTransitionNotAllowed = "LOT013";

    /// <summary>A custody event after the product was administered or discarded.</summary>
    public const string CustodyAfterEnd = "LOT014";

    /// <summary>A custody temperature outside the site's configured range (warning: for QA assessment).</summary>
    public const string CustodyTemperatureExcursion = "LOT015";

    /// <summary>A custody event without place or person.</summary>
    public const string CustodyMissingPlaceOrPerson = "LOT016";

    /// <summary>A cryopreserved product administered with no thaw recorded.</summary>
    public const string CustodyNotThawed = "LOT017";

    /// <summary>A dose given outside the protocol's tolerance of the dose its rule computes.</summary>
    public const string DoseOutsideTolerance = "DOSE001";

    /// <summary>The protocol's dose rule is not set (the template's source gives none; the site must set it).</summary>
    public const string DoseRuleNotSet = "DOSE002";

    /// <summary>A per-kilogram dose with no body weight.</summary>
    public const string DoseWeightMissing = "DOSE003";

    /// <summary>A per-kilogram dose computed from a weight not measured on the infusion day.</summary>
    public const string DoseWeightNotFromInfusionDay = "DOSE004";

    /// <summary>An event took place outside its window (protocol deviation).</summary>
    public const string VisitOutsideWindow = "SCH001";

    /// <summary>An administration's window ended with no administration recorded (protocol deviation).</summary>
    public const string AdministrationMissed = "SCH002";

    /// <summary>A follow-up visit's window ended with no visit recorded (protocol deviation).</summary>
    public const string VisitMissed = "SCH003";

    /// <summary>A reference to an event the schedule does not have.</summary>
    public const string ScheduleUnknownEvent = "SCH004";

    /// <summary>A reschedule without its reason or the person making it.</summary>
    public const string RescheduleWithoutReason = "SCH005";

    /// <summary>A worklist horizon outside 0 to 366 days.</summary>
    public const string WorklistHorizonOutOfRange = "SCH006";

    /// <summary>A worklist names a site code the registry does not have.</summary>
    public const string WorklistUnknownSite = "SCH007";

    /// <summary>The lot is not released (quarantine or rejected).</summary>
    public const string LotNotReleased = "INF001";

    /// <summary>The lot is expired on the infusion date.</summary>
    public const string LotExpiredOnInfusionDate = "INF002";

    /// <summary>The lot's product type is not one the protocol gives (or the protocol has no such product).</summary>
    public const string ProductTypeMismatch = "INF003";

    /// <summary>The patient's consent is not current on the infusion date for this protocol version.</summary>
    public const string ConsentNotCurrent = "INF004";

    /// <summary>An infusion record's times contradict each other (stop before start, vitals on the wrong side).</summary>
    public const string InfusionTimesInconsistent = "INF005";

    /// <summary>CTCAE grade 5 without a fatal outcome, the death seriousness criterion and a death date.</summary>
    public const string Grade5WithoutDeath = "AEV001";

    /// <summary>A death recorded on an event whose grade is not 5.</summary>
    public const string DeathWithoutGrade5 = "AEV002";

    /// <summary>Resolution or death before the onset.</summary>
    public const string AdverseEventDatesInconsistent = "AEV003";

    /// <summary>An event judged related to the product without the suspect lot.</summary>
    public const string RelatedWithoutLot = "AEV004";

    /// <summary>Grade 4 with no seriousness criterion (warning: review).</summary>
    public const string Grade4NotSerious = "AEV005";

    /// <summary>A suspected unexpected serious adverse reaction (information: expedited reporting).</summary>
    public const string Susar = "AEV006";

    /// <summary>A CTCAE v5.0 term with a grade CTCAE does not define for it (febrile neutropenia has no grade 1 or 2).</summary>
    public const string GradeNotDefinedForTerm = "AEV007";
}
