namespace Stroma.Interop.Sdtm;

/// <summary>Define-XML data types (Define-XML 2.0, section 4.3.1, ItemDef DataType) used by the export.</summary>
public enum SdtmType
{
    Text,
    WholeNumber,
    DecimalNumber,
    DateTime,
    Date,
}

/// <summary>
/// One SDTM variable as the export writes it and define.xml describes it: name, label, type, maximum length, origin
/// (Define-XML 2.0 def:Origin Type: CRF, Derived, Assigned, Protocol), core (SDTMIG 3.3: Req, Exp, Perm) and the
/// codelist its values come from (a key of <see cref="SdtmTerminology.Codelists"/>, or a sponsor-defined list named in
/// <see cref="SdtmDatasets.SponsorCodelists"/>).
/// </summary>
public sealed record SdtmVariable(string Name, string Label, SdtmType Type, int Length, string Origin, string Core, string? Codelist = null);

/// <summary>One SDTM domain: its code, label, SDTMIG 3.3 class and structure, and its variables in the SDTMIG's order.</summary>
public sealed record SdtmDataset(string Domain, string Label, string Class, string Structure, IReadOnlyList<SdtmVariable> Variables)
{
    /// <summary>The file written: the domain in lower case, <c>.csv</c>.</summary>
    public string FileName => Domain.ToLowerInvariant() + ".csv";

    public IReadOnlyList<string> Names => [.. Variables.Select(v => v.Name)];
}

/// <summary>
/// The datasets <see cref="SdtmExport"/> writes, one list that both the CSV writer and define.xml read (so the two cannot
/// disagree). Variable names, labels, order and core follow the CDISC SDTM Implementation Guide version 3.3 (SDTMIG 3.3,
/// 2018-11-20) domain tables for DM (5.2), AE (6.2), EX (6.1), DS (6.2), LB, QS and VS (6.3); the subset is what Stroma
/// records. Dates are ISO 8601 (SDTMIG 3.3 4.4); study days follow 4.4.4 (<see cref="SdtmExport.StudyDay"/>).
/// </summary>
public static class SdtmDatasets
{
    /// <summary>The Define-XML version written.</summary>
    public const string DefineVersion = "2.0.0";

    /// <summary>The SDTM Implementation Guide followed.</summary>
    public const string ImplementationGuide = "3.3";

    /// <summary>Sponsor-defined codelists (name: what their values are).</summary>
    public static IReadOnlyDictionary<string, string> SponsorCodelists { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AEREL"] = "Causality as the investigator recorded it in Stroma",
        ["QSTESTCD"] = "Instrument items (sponsor-defined; no CDISC questionnaire supplement covers these instruments)",
    };

    private static SdtmVariable StudyId => new("STUDYID", "Study Identifier", SdtmType.Text, 20, "Assigned", "Req");

    private static SdtmVariable DomainVariable => new("DOMAIN", "Domain Abbreviation", SdtmType.Text, 2, "Assigned", "Req");

    private static SdtmVariable UsubjId => new("USUBJID", "Unique Subject Identifier", SdtmType.Text, 60, "Derived", "Req");

    private static SdtmVariable Seq(string prefix) => new(prefix + "SEQ", "Sequence Number", SdtmType.WholeNumber, 8, "Derived", "Req");

    private static SdtmVariable VisitNum => new("VISITNUM", "Visit Number", SdtmType.DecimalNumber, 8, "Derived", "Exp");

    private static SdtmVariable Visit => new("VISIT", "Visit Name", SdtmType.Text, 40, "CRF", "Perm");

    public static SdtmDataset Demographics { get; } = new("DM", "Demographics", "SPECIAL PURPOSE", "One record per subject",
    [
        StudyId, DomainVariable, UsubjId,
        new("SUBJID", "Subject Identifier for the Study", SdtmType.Text, 40, "CRF", "Req"),
        new("RFSTDTC", "Subject Reference Start Date/Time", SdtmType.Date, 10, "Derived", "Exp"),
        new("RFENDTC", "Subject Reference End Date/Time", SdtmType.Date, 10, "Derived", "Exp"),
        new("RFXSTDTC", "Date/Time of First Study Treatment", SdtmType.DateTime, 19, "Derived", "Exp"),
        new("RFXENDTC", "Date/Time of Last Study Treatment", SdtmType.DateTime, 19, "Derived", "Exp"),
        new("RFICDTC", "Date/Time of Informed Consent", SdtmType.Date, 10, "CRF", "Exp"),
        new("RFPENDTC", "Date/Time of End of Participation", SdtmType.Date, 10, "Derived", "Exp"),
        new("DTHDTC", "Date/Time of Death", SdtmType.Date, 10, "CRF", "Exp"),
        new("DTHFL", "Subject Death Flag", SdtmType.Text, 1, "Derived", "Exp", "NY"),
        new("SITEID", "Study Site Identifier", SdtmType.Text, 20, "Assigned", "Req"),
        new("BRTHDTC", "Date/Time of Birth", SdtmType.Date, 10, "CRF", "Perm"),
        new("AGE", "Age", SdtmType.WholeNumber, 3, "Derived", "Exp"),
        new("AGEU", "Age Units", SdtmType.Text, 5, "Assigned", "Exp", "AGEU"),
        new("SEX", "Sex", SdtmType.Text, 1, "CRF", "Req", "SEX"),
        new("RACE", "Race", SdtmType.Text, 40, "CRF", "Exp"),
        new("ARMCD", "Planned Arm Code", SdtmType.Text, 20, "Protocol", "Exp"),
        new("ARM", "Description of Planned Arm", SdtmType.Text, 200, "Protocol", "Exp"),
        new("ACTARMCD", "Actual Arm Code", SdtmType.Text, 20, "Derived", "Exp"),
        new("ACTARM", "Description of Actual Arm", SdtmType.Text, 200, "Derived", "Exp"),
        new("ARMNRS", "Reason Arm and/or Actual Arm is Null", SdtmType.Text, 40, "Derived", "Exp", "ARMNULRS"),
        new("COUNTRY", "Country", SdtmType.Text, 3, "Assigned", "Req"),
    ]);

    public static SdtmDataset AdverseEvents { get; } = new("AE", "Adverse Events", "EVENTS", "One record per adverse event per subject",
    [
        StudyId, DomainVariable, UsubjId, Seq("AE"),
        new("AETERM", "Reported Term for the Adverse Event", SdtmType.Text, 200, "CRF", "Req"),
        new("AELLTCD", "Lowest Level Term Code", SdtmType.Text, 8, "Derived", "Exp"),
        new("AEDECOD", "Dictionary-Derived Term", SdtmType.Text, 200, "Derived", "Req"),
        new("AEBODSYS", "Body System or Organ Class", SdtmType.Text, 200, "Derived", "Exp"),
        new("AESER", "Serious Event", SdtmType.Text, 1, "CRF", "Exp", "NY"),
        new("AEREL", "Causality", SdtmType.Text, 20, "CRF", "Exp", "AEREL"),
        new("AEOUT", "Outcome of Adverse Event", SdtmType.Text, 40, "CRF", "Perm", "OUT"),
        new("AESCONG", "Congenital Anomaly or Birth Defect", SdtmType.Text, 1, "CRF", "Perm", "NY"),
        new("AESDISAB", "Persist or Signif Disability/Incapacity", SdtmType.Text, 1, "CRF", "Perm", "NY"),
        new("AESDTH", "Results in Death", SdtmType.Text, 1, "CRF", "Perm", "NY"),
        new("AESHOSP", "Requires or Prolongs Hospitalization", SdtmType.Text, 1, "CRF", "Perm", "NY"),
        new("AESLIFE", "Is Life Threatening", SdtmType.Text, 1, "CRF", "Perm", "NY"),
        new("AESMIE", "Other Medically Important Serious Event", SdtmType.Text, 1, "CRF", "Perm", "NY"),
        new("AETOXGR", "Standard Toxicity Grade", SdtmType.Text, 1, "CRF", "Perm"),
        new("AESTDTC", "Start Date/Time of Adverse Event", SdtmType.Date, 10, "CRF", "Exp"),
        new("AEENDTC", "End Date/Time of Adverse Event", SdtmType.Date, 10, "CRF", "Exp"),
        new("AESTDY", "Study Day of Start of Adverse Event", SdtmType.WholeNumber, 8, "Derived", "Perm"),
        new("AEENDY", "Study Day of End of Adverse Event", SdtmType.WholeNumber, 8, "Derived", "Perm"),
    ]);

    public static SdtmDataset Exposure { get; } = new("EX", "Exposure", "INTERVENTIONS", "One record per constant dosing interval per subject",
    [
        StudyId, DomainVariable, UsubjId, Seq("EX"),
        new("EXTRT", "Name of Treatment", SdtmType.Text, 200, "Protocol", "Req"),
        new("EXDOSE", "Dose", SdtmType.DecimalNumber, 20, "CRF", "Exp"),
        new("EXDOSU", "Dose Units", SdtmType.Text, 40, "Assigned", "Exp", "UNIT"),
        new("EXROUTE", "Route of Administration", SdtmType.Text, 20, "Protocol", "Perm", "ROUTE"),
        new("EXLOT", "Lot Number", SdtmType.Text, 40, "CRF", "Perm"),
        new("EXSTDTC", "Start Date/Time of Treatment", SdtmType.DateTime, 19, "CRF", "Exp"),
        new("EXENDTC", "End Date/Time of Treatment", SdtmType.DateTime, 19, "CRF", "Exp"),
        new("EXSTDY", "Study Day of Start of Treatment", SdtmType.WholeNumber, 8, "Derived", "Perm"),
        new("EXENDY", "Study Day of End of Treatment", SdtmType.WholeNumber, 8, "Derived", "Perm"),
    ]);

    public static SdtmDataset Laboratory { get; } = new("LB", "Laboratory Test Results", "FINDINGS", "One record per lab test per time point per visit per subject",
    [
        StudyId, DomainVariable, UsubjId, Seq("LB"),
        new("LBTESTCD", "Lab Test or Examination Short Name", SdtmType.Text, 8, "Assigned", "Req", "LBTESTCD"),
        new("LBTEST", "Lab Test or Examination Name", SdtmType.Text, 40, "Assigned", "Req"),
        new("LBCAT", "Category for Lab Test", SdtmType.Text, 40, "Assigned", "Exp"),
        new("LBORRES", "Result or Finding in Original Units", SdtmType.Text, 200, "CRF", "Exp"),
        new("LBORRESU", "Original Units", SdtmType.Text, 40, "CRF", "Exp"),
        new("LBORNRLO", "Reference Range Lower Limit in Orig Unit", SdtmType.Text, 40, "CRF", "Exp"),
        new("LBORNRHI", "Reference Range Upper Limit in Orig Unit", SdtmType.Text, 40, "CRF", "Exp"),
        new("LBSTRESC", "Character Result/Finding in Std Format", SdtmType.Text, 200, "Derived", "Exp"),
        new("LBSTRESN", "Numeric Result/Finding in Standard Units", SdtmType.DecimalNumber, 20, "Derived", "Exp"),
        new("LBSTRESU", "Standard Units", SdtmType.Text, 40, "Derived", "Exp", "UNIT"),
        new("LBNRIND", "Reference Range Indicator", SdtmType.Text, 20, "Derived", "Exp", "NRIND"),
        new("LBLOINC", "LOINC Code", SdtmType.Text, 10, "Assigned", "Perm"),
        new("LBSPEC", "Specimen Type", SdtmType.Text, 20, "Assigned", "Perm", "SPECTYPE"),
        VisitNum, Visit,
        new("LBDTC", "Date/Time of Specimen Collection", SdtmType.DateTime, 19, "CRF", "Exp"),
        new("LBDY", "Study Day of Specimen Collection", SdtmType.WholeNumber, 8, "Derived", "Perm"),
    ]);

    public static SdtmDataset Questionnaires { get; } = new("QS", "Questionnaires", "FINDINGS", "One record per questionnaire per question per time point per visit per subject",
    [
        StudyId, DomainVariable, UsubjId, Seq("QS"),
        new("QSTESTCD", "Question Short Name", SdtmType.Text, 8, "Assigned", "Req", "QSTESTCD"),
        new("QSTEST", "Question Name", SdtmType.Text, 40, "Assigned", "Req"),
        new("QSCAT", "Category of Question", SdtmType.Text, 40, "Assigned", "Req", "QSCAT"),
        new("QSORRES", "Finding in Original Units", SdtmType.Text, 200, "CRF", "Exp"),
        new("QSSTRESC", "Character Result/Finding in Std Format", SdtmType.Text, 200, "Derived", "Exp"),
        new("QSSTRESN", "Numeric Finding in Standard Units", SdtmType.DecimalNumber, 20, "Derived", "Exp"),
        VisitNum, Visit,
        new("QSDTC", "Date/Time of Finding", SdtmType.Date, 10, "CRF", "Exp"),
        new("QSDY", "Study Day of Finding", SdtmType.WholeNumber, 8, "Derived", "Perm"),
    ]);

    public static SdtmDataset Disposition { get; } = new("DS", "Disposition", "EVENTS", "One record per disposition status or protocol milestone per subject",
    [
        StudyId, DomainVariable, UsubjId, Seq("DS"),
        new("DSTERM", "Reported Term for the Disposition Event", SdtmType.Text, 200, "CRF", "Req"),
        new("DSDECOD", "Standardized Disposition Term", SdtmType.Text, 40, "Assigned", "Req"),
        new("DSCAT", "Category for Disposition Event", SdtmType.Text, 40, "Assigned", "Exp", "DSCAT"),
        new("DSSTDTC", "Start Date/Time of Disposition Event", SdtmType.Date, 10, "CRF", "Exp"),
        new("DSSTDY", "Study Day of Start of Disposition Event", SdtmType.WholeNumber, 8, "Derived", "Perm"),
    ]);

    public static SdtmDataset VitalSigns { get; } = new("VS", "Vital Signs", "FINDINGS", "One record per vital sign measurement per time point per visit per subject",
    [
        StudyId, DomainVariable, UsubjId, Seq("VS"),
        new("VSTESTCD", "Vital Signs Test Short Name", SdtmType.Text, 8, "Assigned", "Req", "VSTESTCD"),
        new("VSTEST", "Vital Signs Test Name", SdtmType.Text, 40, "Assigned", "Req"),
        new("VSORRES", "Result or Finding in Original Units", SdtmType.Text, 20, "CRF", "Exp"),
        new("VSORRESU", "Original Units", SdtmType.Text, 20, "CRF", "Exp", "UNIT"),
        new("VSSTRESC", "Character Result/Finding in Std Format", SdtmType.Text, 20, "Derived", "Exp"),
        new("VSSTRESN", "Numeric Result/Finding in Standard Units", SdtmType.DecimalNumber, 20, "Derived", "Exp"),
        new("VSSTRESU", "Standard Units", SdtmType.Text, 20, "Derived", "Exp", "UNIT"),
        new("VSDTC", "Date/Time of Measurements", SdtmType.DateTime, 19, "CRF", "Exp"),
        new("VSDY", "Study Day of Vital Signs", SdtmType.WholeNumber, 8, "Derived", "Perm"),
        new("VSTPT", "Planned Time Point Name", SdtmType.Text, 40, "CRF", "Perm"),
    ]);

    /// <summary>Every dataset, in the order they are written.</summary>
    public static IReadOnlyList<SdtmDataset> All { get; } = [Demographics, AdverseEvents, Exposure, Laboratory, Questionnaires, Disposition, VitalSigns];
}
