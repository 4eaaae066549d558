using System.Globalization;
using System.Text;
using Stroma.Clinical.Scoring;

namespace Stroma.Interop.Odm;

/// <summary>
/// The object identifiers (OIDs) Stroma's ODM files use, shared by the export and the import.
/// CDISC ODM 1.3.2 §2.9 ("OIDs") asks only that an OID be unique among the objects of its kind in the study; Stroma builds
/// them from stable keys (instrument, item and analyte keys, visit types, site codes), upper case, so the same registry
/// content always gets the same OIDs.
/// </summary>
public static class OdmOids
{
    /// <summary>The ODM 1.3 namespace (unchanged in 1.3.2; ODM 1.3.2 §2.1).</summary>
    public const string Namespace = "http://www.cdisc.org/ns/odm/v1.3";

    public const string Study = "ST.STROMA";

    /// <summary>The metadata version every subject's data refers to: the registry's forms.</summary>
    public const string Registry = "MDV.REGISTRY";

    /// <summary>The registration event (once per subject): sex, birth, consent.</summary>
    public const string Registration = "SE.REGISTRATION";

    /// <summary>Results not attached to a visit (ODM keeps every form inside a study event).</summary>
    public const string NoVisit = "SE.NOVISIT";

    public const string DemographicsForm = "F.DM";
    public const string DemographicsGroup = "IG.DM";
    public const string Sex = "IT.DM.SEX";
    public const string BirthYear = "IT.DM.BIRTH_YEAR";
    public const string BirthDate = "IT.DM.BIRTH_DATE";
    public const string ConsentVersion = "IT.DM.CONSENT_VERSION";
    public const string ConsentDate = "IT.DM.CONSENT_DATE";

    public const string VisitForm = "F.VISIT";
    public const string VisitGroup = "IG.VISIT";
    public const string VisitDate = "IT.VISIT.DATE";
    public const string VisitNotes = "IT.VISIT.NOTES";

    public const string LabForm = "F.LAB";
    public const string LabGroup = "IG.LAB";
    public const string LabAnalyte = "IT.LAB.ANALYTE";
    public const string LabSpecimenTime = "IT.LAB.SPECIMEN_TIME";
    public const string LabValue = "IT.LAB.VALUE";
    public const string LabUnit = "IT.LAB.UNIT";
    public const string LabRange = "IT.LAB.RANGE";
    public const string LabLaboratory = "IT.LAB.LABORATORY";
    public const string LabFlag = "IT.LAB.FLAG";
    public const string LabNote = "IT.LAB.NOTE";

    public const string DiagnosisForm = "F.DX";
    public const string DiagnosisGroup = "IG.DX";
    public const string DiagnosisKind = "IT.DX.KIND";
    public const string DiagnosisDate = "IT.DX.DATE";
    public const string DiagnosisCriteria = "IT.DX.CRITERIA";
    public const string DiagnosisCriteriaMet = "IT.DX.CRITERIA_MET";
    public const string DiagnosisCriteriaScore = "IT.DX.CRITERIA_SCORE";
    public const string DiagnosisIsnRpsClass = "IT.DX.ISN_RPS_CLASS";
    public const string DiagnosisActivityIndex = "IT.DX.ACTIVITY_INDEX";
    public const string DiagnosisChronicityIndex = "IT.DX.CHRONICITY_INDEX";
    public const string DiagnosisNotes = "IT.DX.NOTES";

    public const string MedicationForm = "F.CM";
    public const string MedicationGroup = "IG.CM";
    public const string MedicationClass = "IT.CM.CLASS";
    public const string MedicationDrug = "IT.CM.DRUG";
    public const string MedicationDose = "IT.CM.DOSE";
    public const string MedicationDoseUnit = "IT.CM.DOSE_UNIT";
    public const string MedicationFrequency = "IT.CM.FREQUENCY";
    public const string MedicationPrednisone = "IT.CM.PREDNISONE_EQ";
    public const string MedicationStart = "IT.CM.START";
    public const string MedicationStop = "IT.CM.STOP";

    public const string AdverseEventForm = "F.AE";
    public const string AdverseEventGroup = "IG.AE";
    public const string AdverseEventTerm = "IT.AE.TERM";
    public const string AdverseEventMeddra = "IT.AE.MEDDRA_CODE";
    public const string AdverseEventGrade = "IT.AE.CTCAE_GRADE";
    public const string AdverseEventOnset = "IT.AE.ONSET";
    public const string AdverseEventResolution = "IT.AE.RESOLUTION";
    public const string AdverseEventSerious = "IT.AE.SERIOUS";
    public const string AdverseEventCausality = "IT.AE.CAUSALITY";
    public const string AdverseEventExpectedness = "IT.AE.EXPECTEDNESS";
    public const string AdverseEventOutcome = "IT.AE.OUTCOME";
    public const string AdverseEventLot = "IT.AE.SUSPECT_LOT";
    public const string AdverseEventLate = "IT.AE.ENTERED_LATE";
    public const string AdverseEventLateReason = "IT.AE.LATE_ENTRY_REASON";

    public const string DeathForm = "F.DTH";
    public const string DeathGroup = "IG.DTH";
    public const string DeathDate = "IT.DTH.DATE";
    public const string DeathCause = "IT.DTH.CAUSE";
    public const string DeathCausality = "IT.DTH.CAUSALITY";

    /// <summary>Stored protocol versions with their definition and approval signature: <c>ReferenceData</c> (a protocol is no patient's), before the lots.</summary>
    public const string ProtocolVersionGroup = "IG.PROTOCOL";
    public const string ProtocolVersionKey = "IT.PROTOCOL.KEY";
    public const string ProtocolVersionNumber = "IT.PROTOCOL.VERSION";
    public const string ProtocolVersionStatus = "IT.PROTOCOL.STATUS";

    /// <summary>The definition in the canonical JSON of docs/protocol.schema.json (<c>stroma-protocol/1</c>).</summary>
    public const string ProtocolVersionDefinition = "IT.PROTOCOL.DEFINITION";
    public const string ProtocolVersionReason = "IT.PROTOCOL.CHANGE_REASON";
    public const string ProtocolVersionApprovedBy = "IT.PROTOCOL.APPROVED_BY";
    public const string ProtocolVersionApprovedAt = "IT.PROTOCOL.APPROVED_AT";
    public const string ProtocolVersionMeaning = "IT.PROTOCOL.APPROVAL_MEANING";
    public const string ProtocolVersionStatusCodes = "CL.PROTOCOL_STATUS";

    /// <summary>Cell-product lots, their release tests, release decisions and custody: <c>ReferenceData</c> (a lot is no patient's).</summary>
    public const string LotGroup = "IG.LOT";

    /// <summary>The lot's label as stored (an ISBT 128 DIN or a lot number); every lot record and infusion names its lot by it.</summary>
    public const string LotNumber = "IT.LOT.NUMBER";

    /// <summary>De-identified exports: the lot's per-export key (a keyed hash of its id) in place of its label.</summary>
    public const string LotKey = "IT.LOT.KEY";
    public const string LotSite = "IT.LOT.SITE";
    public const string LotProduct = "IT.LOT.PRODUCT";
    public const string LotDonor = "IT.LOT.DONOR";
    public const string LotTissue = "IT.LOT.TISSUE_SOURCE";
    public const string LotManufacturer = "IT.LOT.MANUFACTURING_SITE";
    public const string LotManufactured = "IT.LOT.MANUFACTURED";
    public const string LotPassage = "IT.LOT.PASSAGE";
    public const string LotCells = "IT.LOT.TOTAL_CELLS";
    public const string LotConcentration = "IT.LOT.CONCENTRATION";
    public const string LotViability = "IT.LOT.VIABILITY";
    public const string LotVolume = "IT.LOT.VOLUME";
    public const string LotStorage = "IT.LOT.STORAGE";
    public const string LotStorageLocation = "IT.LOT.STORAGE_LOCATION";
    public const string LotExpires = "IT.LOT.EXPIRES";
    public const string LotStatus = "IT.LOT.STATUS";

    public const string ReleaseTestGroup = "IG.LOT_TEST";
    public const string ReleaseTestKey = "IT.LOT_TEST.KEY";
    public const string ReleaseTestValue = "IT.LOT_TEST.VALUE";
    public const string ReleaseTestMet = "IT.LOT_TEST.MET";
    public const string ReleaseTestDate = "IT.LOT_TEST.TESTED";
    public const string ReleaseTestLate = "IT.LOT_TEST.ENTERED_LATE";
    public const string ReleaseTestLateReason = "IT.LOT_TEST.LATE_ENTRY_REASON";

    public const string DecisionGroup = "IG.LOT_DECISION";
    public const string DecisionVerdict = "IT.LOT_DECISION.VERDICT";
    public const string DecisionSignedBy = "IT.LOT_DECISION.SIGNED_BY";
    public const string DecisionSignedAt = "IT.LOT_DECISION.SIGNED_AT";
    public const string DecisionMeaning = "IT.LOT_DECISION.MEANING";
    public const string DecisionReason = "IT.LOT_DECISION.REASON";
    public const string DecisionDate = "IT.LOT_DECISION.DATE";
    public const string DecisionSpecification = "IT.LOT_DECISION.SPECIFICATION";
    public const string DecisionSpecificationVersion = "IT.LOT_DECISION.SPECIFICATION_VERSION";
    public const string DecisionEvaluation = "IT.LOT_DECISION.EVALUATION";
    public const string DecisionLate = "IT.LOT_DECISION.ENTERED_LATE";
    public const string DecisionLateReason = "IT.LOT_DECISION.LATE_ENTRY_REASON";

    public const string CustodyGroup = "IG.CUSTODY";
    public const string CustodyKind = "IT.CUSTODY.KIND";
    public const string CustodyAt = "IT.CUSTODY.AT";
    public const string CustodyPlace = "IT.CUSTODY.PLACE";
    public const string CustodyPerson = "IT.CUSTODY.PERSON";
    public const string CustodyTemperature = "IT.CUSTODY.TEMPERATURE";
    public const string CustodySubject = "IT.CUSTODY.SUBJECT";
    public const string CustodyWarnings = "IT.CUSTODY.WARNINGS";
    public const string CustodyLate = "IT.CUSTODY.ENTERED_LATE";
    public const string CustodyLateReason = "IT.CUSTODY.LATE_ENTRY_REASON";

    /// <summary>A patient's enrolment on a protocol version, under <see cref="NoVisit"/>.</summary>
    public const string EnrolmentForm = "F.ENR";
    public const string EnrolmentGroup = "IG.ENR";
    public const string EnrolmentProtocol = "IT.ENR.PROTOCOL";
    public const string EnrolmentVersion = "IT.ENR.PROTOCOL_VERSION";
    public const string EnrolmentStart = "IT.ENR.START";
    public const string EnrolmentWeight = "IT.ENR.PLANNING_WEIGHT";
    public const string EnrolmentWeighedOn = "IT.ENR.PLANNING_WEIGHED_ON";
    public const string EnrolmentConsentSigned = "IT.ENR.CONSENT_SIGNED";
    public const string EnrolmentConsentVersion = "IT.ENR.CONSENT_PROTOCOL_VERSION";
    public const string EnrolmentConsentWithdrawn = "IT.ENR.CONSENT_WITHDRAWN";
    public const string EnrolmentConsentValidUntil = "IT.ENR.CONSENT_VALID_UNTIL";

    /// <summary>An infusion (one repeat of the form per infusion) with its vital signs, premedication and reactions, under <see cref="NoVisit"/>.</summary>
    public const string InfusionForm = "F.INF";
    public const string InfusionGroup = "IG.INF";
    public const string InfusionProtocol = "IT.INF.PROTOCOL";
    public const string InfusionEvent = "IT.INF.EVENT";
    public const string InfusionComponent = "IT.INF.COMPONENT";
    public const string InfusionDate = "IT.INF.DATE";
    public const string InfusionStart = "IT.INF.START";
    public const string InfusionStop = "IT.INF.STOP";
    public const string InfusionDose = "IT.INF.DOSE";
    public const string InfusionWeight = "IT.INF.WEIGHT";
    public const string InfusionWeighedOn = "IT.INF.WEIGHED_ON";
    public const string InfusionPrecheck = "IT.INF.PRECHECK";
    public const string InfusionLate = "IT.INF.ENTERED_LATE";
    public const string InfusionLateReason = "IT.INF.LATE_ENTRY_REASON";

    public const string VitalsGroup = "IG.INF_VS";
    public const string VitalsPhase = "IT.INF_VS.PHASE";
    public const string VitalsAt = "IT.INF_VS.AT";
    public const string VitalsSystolic = "IT.INF_VS.SYSBP";
    public const string VitalsDiastolic = "IT.INF_VS.DIABP";
    public const string VitalsHeartRate = "IT.INF_VS.PULSE";
    public const string VitalsTemperature = "IT.INF_VS.TEMP";
    public const string VitalsRespiratoryRate = "IT.INF_VS.RESP";
    public const string VitalsOxygen = "IT.INF_VS.SPO2";

    public const string PremedicationGroup = "IG.INF_PREMED";
    public const string PremedicationDrug = "IT.INF_PREMED.DRUG";
    public const string PremedicationDose = "IT.INF_PREMED.DOSE";
    public const string PremedicationGivenAt = "IT.INF_PREMED.GIVEN_AT";

    public const string ReactionGroup = "IG.INF_REACTION";
    public const string ReactionTerm = "IT.INF_REACTION.TERM";
    public const string ReactionGrade = "IT.INF_REACTION.CTCAE_GRADE";
    public const string ReactionOnset = "IT.INF_REACTION.ONSET";
    public const string ReactionAction = "IT.INF_REACTION.ACTION";

    /// <summary>
    /// A follow-up contact (one repeat of the form per contact), under <see cref="NoVisit"/>. Its adverse event, if any, is
    /// named by that event's <c>ItemGroupRepeatKey</c> in the same subject's <see cref="AdverseEventForm"/>.
    /// </summary>
    public const string ContactForm = "F.CONTACT";
    public const string ContactGroup = "IG.CONTACT";
    public const string ContactDate = "IT.CONTACT.DATE";
    public const string ContactMode = "IT.CONTACT.MODE";
    public const string ContactProtocol = "IT.CONTACT.PROTOCOL";
    public const string ContactEvent = "IT.CONTACT.EVENT";
    public const string ContactRash = "IT.CONTACT.RASH";
    public const string ContactSleep = "IT.CONTACT.SLEEP";
    public const string ContactFatigue = "IT.CONTACT.FATIGUE";
    public const string ContactPain = "IT.CONTACT.PAIN";
    public const string ContactAdverseReaction = "IT.CONTACT.ADVERSE_REACTION";
    public const string ContactAdverseEvent = "IT.CONTACT.AE_REPEAT_KEY";
    public const string ContactNotes = "IT.CONTACT.NOTES";
    public const string ContactLate = "IT.CONTACT.ENTERED_LATE";
    public const string ContactLateReason = "IT.CONTACT.LATE_ENTRY_REASON";

    /// <summary>One lymphodepleting drug as given on a CAR-T enrolment (one repeat of the form per drug), under <see cref="NoVisit"/>.</summary>
    public const string LymphodepletionForm = "F.LD";
    public const string LymphodepletionGroup = "IG.LD";
    public const string LymphodepletionProtocol = "IT.LD.PROTOCOL";
    public const string LymphodepletionDrugKey = "IT.LD.DRUG_KEY";
    public const string LymphodepletionDrug = "IT.LD.DRUG";
    public const string LymphodepletionDose = "IT.LD.DOSE";
    public const string LymphodepletionDays = "IT.LD.DAYS";
    public const string LymphodepletionDayZero = "IT.LD.INFUSION_DATE";
    public const string LymphodepletionFirst = "IT.LD.FIRST_GIVEN";
    public const string LymphodepletionLast = "IT.LD.LAST_GIVEN";
    public const string LymphodepletionHeight = "IT.LD.HEIGHT";
    public const string LymphodepletionWeight = "IT.LD.WEIGHT";
    public const string LymphodepletionMeasuredOn = "IT.LD.MEASURED_ON";
    public const string LymphodepletionFormula = "IT.LD.BSA_FORMULA";
    public const string LymphodepletionBsa = "IT.LD.BSA";
    public const string LymphodepletionDailyDose = "IT.LD.DAILY_DOSE";
    public const string LymphodepletionLate = "IT.LD.ENTERED_LATE";
    public const string LymphodepletionLateReason = "IT.LD.LATE_ENTRY_REASON";

    /// <summary>
    /// An enrolment's calendar (one repeat of the form per enrolment), under <see cref="NoVisit"/>: the enrolment's protocol
    /// in <see cref="ScheduleGroup"/>, each event of the calendar in a repeat of <see cref="ScheduleEventGroup"/> and each
    /// reschedule in a repeat of <see cref="ScheduleChangeGroup"/>.
    /// </summary>
    public const string ScheduleForm = "F.SCHED";
    public const string ScheduleGroup = "IG.SCHED";
    public const string ScheduleProtocol = "IT.SCHED.PROTOCOL";
    public const string ScheduleEventGroup = "IG.SCHED_EVENT";
    public const string ScheduleEventKey = "IT.SCHED_EVENT.KEY";
    public const string ScheduleEventLabel = "IT.SCHED_EVENT.LABEL";
    public const string ScheduleEventKind = "IT.SCHED_EVENT.KIND";
    public const string ScheduleEventTarget = "IT.SCHED_EVENT.TARGET";
    public const string ScheduleEventOriginalTarget = "IT.SCHED_EVENT.ORIGINAL_TARGET";
    public const string ScheduleEventWindowBefore = "IT.SCHED_EVENT.WINDOW_BEFORE";
    public const string ScheduleEventWindowAfter = "IT.SCHED_EVENT.WINDOW_AFTER";
    public const string ScheduleChangeGroup = "IG.SCHED_CHANGE";
    public const string ScheduleChangeEvent = "IT.SCHED_CHANGE.EVENT";
    public const string ScheduleChangeFrom = "IT.SCHED_CHANGE.FROM";
    public const string ScheduleChangeTo = "IT.SCHED_CHANGE.TO";
    public const string ScheduleChangeReason = "IT.SCHED_CHANGE.REASON";
    public const string ScheduleChangeBy = "IT.SCHED_CHANGE.CHANGED_BY";
    public const string ScheduleChangeAt = "IT.SCHED_CHANGE.CHANGED_AT";

    /// <summary>A recorded protocol deviation (one repeat of the form per deviation), under <see cref="NoVisit"/>.</summary>
    public const string DeviationForm = "F.DEV";
    public const string DeviationGroup = "IG.DEV";
    public const string DeviationProtocol = "IT.DEV.PROTOCOL";
    public const string DeviationKind = "IT.DEV.KIND";
    public const string DeviationEvent = "IT.DEV.EVENT";
    public const string DeviationCode = "IT.DEV.CODE";
    public const string DeviationMessage = "IT.DEV.MESSAGE";
    public const string DeviationDetectedOn = "IT.DEV.DETECTED_ON";

    /// <summary>A data query between monitor and site (one repeat of the form per query), under <see cref="NoVisit"/>.</summary>
    public const string QueryForm = "F.QUERY";
    public const string QueryGroup = "IG.QUERY";
    public const string QueryRecordType = "IT.QUERY.RECORD_TYPE";
    public const string QueryRecord = "IT.QUERY.RECORD";
    public const string QueryField = "IT.QUERY.FIELD";
    public const string QueryProtocol = "IT.QUERY.PROTOCOL";
    public const string QueryProtocolVersion = "IT.QUERY.PROTOCOL_VERSION";
    public const string QueryCheck = "IT.QUERY.CHECK";
    public const string QueryStatus = "IT.QUERY.STATUS";
    public const string QueryText = "IT.QUERY.TEXT";
    public const string QueryValue = "IT.QUERY.VALUE";
    public const string QueryRaisedBy = "IT.QUERY.RAISED_BY";
    public const string QueryRaisedAt = "IT.QUERY.RAISED_AT";
    public const string QueryStepGroup = "IG.QUERY_STEP";
    public const string QueryStepAction = "IT.QUERY_STEP.ACTION";
    public const string QueryStepBy = "IT.QUERY_STEP.BY";
    public const string QueryStepAt = "IT.QUERY_STEP.AT";
    public const string QueryStepText = "IT.QUERY_STEP.TEXT";

    public const string QueryRecordTypeCodes = "CL.QUERY_RECORD_TYPE";
    public const string QueryStatusCodes = "CL.QUERY_STATUS";
    public const string QueryActionCodes = "CL.QUERY_ACTION";

    public const string ScheduledEventKindCodes = "CL.SCHED_EVENT_KIND";
    public const string DeviationKindCodes = "CL.DEV_KIND";
    public const string ContactModeCodes = "CL.CONTACT_MODE";
    public const string ReportedChangeCodes = "CL.REPORTED_CHANGE";
    public const string BsaFormulaCodes = "CL.BSA_FORMULA";

    public const string VitalsPhaseCodes = "CL.VS_PHASE";

    public const string ProductCodes = "CL.CELL_PRODUCT";
    public const string StorageCodes = "CL.LOT_STORAGE";
    public const string LotStatusCodes = "CL.LOT_STATUS";
    public const string VerdictCodes = "CL.RELEASE_VERDICT";
    public const string CustodyKindCodes = "CL.CUSTODY_KIND";

    /// <summary>One ICH E2A seriousness criterion of an adverse event (a boolean, written when the criteria were assessed).</summary>
    public static string AdverseEventCriterion(string key) => "IT.AE.SER." + Upper(key);

    public const string DiagnosisKindCodes = "CL.DX_KIND";
    public const string MedicationClassCodes = "CL.CM_CLASS";
    public const string GradeCodes = "CL.CTCAE_GRADE";
    public const string CausalityCodes = "CL.AE_CAUSALITY";
    public const string ExpectednessCodes = "CL.AE_EXPECTEDNESS";

    public const string SexCodes = "CL.SEX";
    public const string AnalyteCodes = "CL.ANALYTE";
    public const string FlagCodes = "CL.LAB_FLAG";

    /// <summary>The normalised value of one analyte, in its canonical UCUM unit.</summary>
    public static string LabNormalised(string analyteKey) => "IT.LAB.NORM." + Upper(analyteKey);

    public static string Form(IInstrument instrument) => "F." + Upper(instrument.Key);

    public static string Group(IInstrument instrument) => "IG." + Upper(instrument.Key);

    public static string Item(IInstrument instrument, string itemKey) => "IT." + Upper(instrument.Key) + "." + Upper(itemKey);

    public static string Total(IInstrument instrument) => "IT." + Upper(instrument.Key) + ".SCORE.TOTAL";

    public static string Grade(IInstrument instrument) => "IT." + Upper(instrument.Key) + ".SCORE.GRADE";

    public static string Algorithm(IInstrument instrument) => "IT." + Upper(instrument.Key) + ".SCORE.ALGORITHM";

    public static string Choices(IInstrument instrument, string itemKey) => "CL." + Upper(instrument.Key) + "." + Upper(itemKey);

    /// <summary>A visit type's event: <c>SE.BASELINE</c> for scheduled visits, <c>SE.UNS.BASELINE</c> for unscheduled ones of that type.</summary>
    public static string Visit(string type, bool scheduled) => (scheduled ? "SE." : "SE.UNS.") + Upper(type);

    /// <summary>A protocol's scheduled event not already a visit type of the registry.</summary>
    public static string ProtocolEvent(string eventKey) => "SE." + Upper(eventKey);

    public static string ProtocolVersion(string key, int number) => "MDV." + Upper(key) + ".V" + number.ToString(CultureInfo.InvariantCulture);

    public static string Site(string code) => "LOC." + code;

    public static string User(string name) => "USR." + name;

    public static string Unit(string ucum) => "MU." + ucum;

    /// <summary>Upper case, with anything but letters, digits, <c>_</c> and <c>-</c> as <c>_</c>.</summary>
    public static string Upper(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = new StringBuilder(key.Length);
        foreach (var c in key.ToUpperInvariant())
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return text.ToString();
    }
}
