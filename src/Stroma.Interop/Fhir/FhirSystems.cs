namespace Stroma.Interop.Fhir;

/// <summary>
/// The code and identifier systems Stroma's FHIR resources use. External systems are HL7's own (FHIR R4 4.0.1,
/// terminology.hl7.org) or the standard terminologies' canonical URIs (LOINC, UCUM, ICD-10-CM as FHIR R4
/// "Using Codes in resources" 4.3 names them); everything Stroma defines itself (analyte keys, instrument items,
/// causality as the investigator recorded it) is under a <c>urn:stroma:</c> URN, never dressed up as a standard code.
/// </summary>
public static class FhirSystems
{
    public const string Loinc = "http://loinc.org";

    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>ICD-10-CM (CDC/NCHS): M32.9 systemic lupus erythematosus, unspecified; M32.14 glomerular disease in SLE.</summary>
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";

    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    public const string Interpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    public const string DataAbsentReason = "http://terminology.hl7.org/CodeSystem/data-absent-reason";

    public const string AdverseEventSeriousness = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";

    public const string AdverseEventSeverity = "http://terminology.hl7.org/CodeSystem/adverse-event-severity";

    public const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";

    public const string ConsentCategory = "http://terminology.hl7.org/CodeSystem/consentcategorycodes";

    /// <summary>A patient's study id at a site: <c>urn:stroma:study-id:SITE</c> (identifiable exports and the API only).</summary>
    public static string StudyId(string siteCode) => "urn:stroma:study-id:" + siteCode;

    /// <summary>The site a patient belongs to (a <c>meta.tag</c>), kept in de-identified exports as the CSV export keeps it.</summary>
    public const string Site = "urn:stroma:site";

    /// <summary>Stroma's analyte keys (docs/labs.md), beside the LOINC code where the catalogue has one.</summary>
    public const string Analyte = "urn:stroma:analyte";

    /// <summary>Stroma's instrument keys (docs/instruments/).</summary>
    public const string Instrument = "urn:stroma:instrument";

    /// <summary>One instrument's item keys: <c>urn:stroma:instrument:KEY</c>.</summary>
    public static string InstrumentItem(string instrument) => "urn:stroma:instrument:" + instrument;

    /// <summary>The allowed answers of one choice item: <c>urn:stroma:instrument:KEY:ITEM</c> (the choice as Stroma stores it, lowercase).</summary>
    public static string InstrumentChoice(string instrument, string item) => "urn:stroma:instrument:" + instrument + ":" + item;

    /// <summary>An instrument's Questionnaire (canonical url; each algorithm version is its <c>version</c>): <c>urn:stroma:questionnaire:KEY</c>.</summary>
    public static string Questionnaire(string instrument) => "urn:stroma:questionnaire:" + instrument;

    /// <summary>A Stroma account (the user name that recorded a record), identifiable exports and the API only.</summary>
    public const string User = "urn:stroma:user";

    /// <summary>Parts of a stored score result other than items (the grade or band).</summary>
    public const string ScoreResult = "urn:stroma:score-result";

    /// <summary>Stroma's own observation codes where no standard code was confirmed (the cell dose given).</summary>
    public const string StromaObservation = "urn:stroma:observation";

    public const string Procedure = "urn:stroma:procedure";

    public const string CellProduct = "urn:stroma:cell-product";

    public const string LotNumber = "urn:stroma:lot-number";

    public const string Protocol = "urn:stroma:protocol";

    /// <summary>The investigator's causality as recorded (docs/cell-therapy.md), not mapped onto WHO-UMC terms.</summary>
    public const string Causality = "urn:stroma:causality";

    /// <summary>CTCAE v5.0 grade 1 to 5 as a code (the grade itself, not FHIR's three-level severity).</summary>
    public const string CtcaeGrade = "urn:stroma:ctcae-v5-grade";

    public const string IsnRpsClass = "urn:stroma:isn-rps-class";
}
