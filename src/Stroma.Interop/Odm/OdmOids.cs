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
