using System.Collections.Frozen;
using Stroma.Clinical.Labs;

namespace Stroma.Interop.Sdtm;

/// <summary>One controlled term: the CDISC submission value and its NCI code (null for a sponsor-defined extension).</summary>
public sealed record SdtmTerm(string Value, string? NciCode);

/// <summary>A test's short code and name (<c>--TESTCD</c>, <c>--TEST</c>): CDISC's when <see cref="NciCode"/> is set, else sponsor-defined.</summary>
public sealed record SdtmTest(string Code, string Name, string? NciCode)
{
    public bool IsExtension => NciCode is null;
}

/// <summary>
/// The CDISC Controlled Terminology the SDTM export writes, each term checked against the CDISC SDTM Controlled
/// Terminology package of <see cref="Version"/> (NCI EVS, <c>SDTM Terminology.txt</c>; the copy in the R package
/// <c>sdtm.terminology</c> 2025-3-25, github.com/patterninstitute/sdtm.terminology, <c>data-raw/</c>): the submission value
/// and its NCI C-code are both quoted here. Only what is certain is mapped: a Stroma value with no term of the same
/// meaning gets no standardised value (the original stays in <c>--ORRES</c>/<c>--TERM</c>), and a test without a CDISC test
/// code gets a sponsor-defined one (the codelists LBTESTCD and QSCAT are extensible), marked as an extension in define.xml.
/// docs/interop.md ("SDTM") lists every mapping.
/// </summary>
public static class SdtmTerminology
{
    /// <summary>The CDISC SDTM Controlled Terminology package the terms were checked against.</summary>
    public const string Version = "2025-03-25";

    /// <summary>Codelists written (name, NCI codelist code, extensible).</summary>
    public static IReadOnlyDictionary<string, (string NciCode, bool Extensible, string Name)> Codelists { get; } = new Dictionary<string, (string, bool, string)>(StringComparer.Ordinal)
    {
        ["SEX"] = ("C66731", false, "Sex"),
        ["AGEU"] = ("C66781", false, "Age Unit"),
        ["NY"] = ("C66742", false, "No Yes Response"),
        ["OUT"] = ("C66768", false, "Outcome of Event"),
        ["ROUTE"] = ("C66729", true, "Route of Administration Response"),
        ["UNIT"] = ("C71620", true, "Unit"),
        ["LBTESTCD"] = ("C65047", true, "Laboratory Test Code"),
        ["VSTESTCD"] = ("C66741", true, "Vital Signs Test Code"),
        ["NRIND"] = ("C78736", true, "Reference Range Indicator"),
        ["SPECTYPE"] = ("C78734", true, "Specimen Type"),
        ["DSCAT"] = ("C74558", false, "Category of Disposition Event"),
        ["NCOMPLT"] = ("C66727", true, "Completion/Reason for Non-Completion"),
        ["PROTMLST"] = ("C114118", true, "Protocol Milestone"),
        ["ARMNULRS"] = ("C142179", true, "Arm Null Reason"),
        ["QSCAT"] = ("C100129", true, "Category of Questionnaire"),
    };

    public static SdtmTerm Female { get; } = new("F", "C16576");

    public static SdtmTerm Male { get; } = new("M", "C20197");

    public static SdtmTerm UnknownSex { get; } = new("U", "C17998");

    public static SdtmTerm Years { get; } = new("YEARS", "C29848");

    public static SdtmTerm Yes { get; } = new("Y", "C49488");

    public static SdtmTerm No { get; } = new("N", "C49487");

    public static SdtmTerm Intravenous { get; } = new("INTRAVENOUS", "C38276");

    /// <summary>UNIT "Therapeutic Cells": "A dosing unit for the number of therapeutic cells administered."</summary>
    public static SdtmTerm TherapeuticCells { get; } = new("Therapeutic Cells", "C187669");

    public static SdtmTerm ProtocolMilestone { get; } = new("PROTOCOL MILESTONE", "C74588");

    public static SdtmTerm DispositionEvent { get; } = new("DISPOSITION EVENT", "C74590");

    public static SdtmTerm InformedConsentObtained { get; } = new("INFORMED CONSENT OBTAINED", "C16735");

    /// <summary>PROTMLST: "The subject has met eligibility criteria and is enrolled in the study."</summary>
    public static SdtmTerm EnteredIntoTrial { get; } = new("ENTERED INTO TRIAL", "C161417");

    public static SdtmTerm WithdrawalOfConsent { get; } = new("WITHDRAWAL OF CONSENT", "C176342");

    public static SdtmTerm Death { get; } = new("DEATH", "C28554");

    public static SdtmTerm NotAssigned { get; } = new("NOT ASSIGNED", "C142239");

    public static SdtmTerm AssignedNotTreated { get; } = new("ASSIGNED, NOT TREATED", "C142238");

    /// <summary>Outcome of Event (OUT, not extensible): every term, matched against a recorded outcome exactly (letter case aside).</summary>
    public static IReadOnlyList<SdtmTerm> Outcomes { get; } =
    [
        new("FATAL", "C48275"), new("NOT RECOVERED/NOT RESOLVED", "C49494"), new("RECOVERED/RESOLVED WITH SEQUELAE", "C49495"),
        new("RECOVERED/RESOLVED", "C49498"), new("RECOVERING/RESOLVING", "C49496"), new("UNKNOWN", "C17998"),
    ];

    public static SdtmTerm NormalRange { get; } = new("NORMAL", "C78727");

    public static SdtmTerm LowRange { get; } = new("LOW", "C78801");

    public static SdtmTerm HighRange { get; } = new("HIGH", "C78800");

    public static SdtmTerm Blood { get; } = new("BLOOD", "C12434");

    public static SdtmTerm Urine { get; } = new("URINE", "C13283");

    /// <summary>Stroma's sex as SEX (C66731); "Unknown" as U.</summary>
    public static SdtmTerm Sex(Sex sex) => sex switch
    {
        Stroma.Clinical.Labs.Sex.Female => Female,
        Stroma.Clinical.Labs.Sex.Male => Male,
        _ => UnknownSex,
    };

    /// <summary>A recorded outcome that is exactly an OUT term (letter case and surrounding spaces aside), else null.</summary>
    public static SdtmTerm? Outcome(string? text) =>
        text is null ? null : Outcomes.FirstOrDefault(o => string.Equals(o.Value, text.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Stroma's flag as NRIND: N → NORMAL, L and LL → LOW, H and HH → HIGH; no range → null.</summary>
    public static SdtmTerm? ReferenceRangeIndicator(LabFlag flag) => flag switch
    {
        LabFlag.Normal => NormalRange,
        LabFlag.Low or LabFlag.CriticalLow => LowRange,
        LabFlag.High or LabFlag.CriticalHigh => HighRange,
        _ => null,
    };

    /// <summary>
    /// Stroma's canonical UCUM units with the UNIT (C71620) submission value of the same unit (the term or one of its CDISC
    /// synonyms is the UCUM spelling). A unit not listed has no certain UNIT term: its standardised result is left empty.
    /// </summary>
    public static FrozenDictionary<string, SdtmTerm> Units { get; } = new Dictionary<string, SdtmTerm>(StringComparer.Ordinal)
    {
        ["%"] = new("%", "C25613"),
        ["/[HPF]"] = new("/HPF", "C96619"),
        ["/[LPF]"] = new("/LPF", "C96620"),
        ["10*12/L"] = new("10^12/L", "C67308"),
        ["10*9/L"] = new("10^9/L", "C67255"),
        ["fL"] = new("fL", "C64780"),
        ["g/(24.h)"] = new("g/day", "C67372"),
        ["g/dL"] = new("g/dL", "C64783"),
        ["g/L"] = new("g/L", "C42576"),
        ["[IU]/mL"] = new("IU/mL", "C67377"),
        ["L"] = new("L", "C48505"),
        ["L/L"] = new("L/L", "C105495"),
        ["meq/L"] = new("mEq/L", "C67474"),
        ["mg/dL"] = new("mg/dL", "C67015"),
        ["mg/L"] = new("mg/L", "C64572"),
        ["mg/mmol"] = new("g/mol", "C73721"),
        ["mL"] = new("mL", "C28254"),
        ["mmol/L"] = new("mmol/L", "C64387"),
        ["pg"] = new("pg", "C64551"),
        ["s"] = new("s", "C42535"),
        ["U/L"] = new("U/L", "C67456"),
        ["U/mL"] = new("U/mL", "C77607"),
        ["umol/L"] = new("umol/L", "C48508"),
        ["[GPL'U]/mL"] = new("GPL U/mL", "C117971"),
        ["[MPL'U]/mL"] = new("MPL U/mL", "C117973"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Stroma analytes with the LBTESTCD/LBTEST (C65047/C67154) pair of the same test (one NCI code names both), and the
    /// specimen where the code alone does not say it. Every other analyte gets a sponsor-defined code (<see cref="LabTest"/>).
    /// </summary>
    private static readonly FrozenDictionary<string, SdtmTest> LabTests = new Dictionary<string, SdtmTest>(StringComparer.Ordinal)
    {
        ["wbc"] = new("WBC", "Leukocytes", "C51948"),
        ["neutrophils"] = new("NEUT", "Neutrophils", "C63321"),
        ["lymphocytes"] = new("LYM", "Lymphocytes", "C51949"),
        ["monocytes"] = new("MONO", "Monocytes", "C64823"),
        ["eosinophils"] = new("EOS", "Eosinophils", "C64550"),
        ["basophils"] = new("BASO", "Basophils", "C64470"),
        ["neutrophils_pct"] = new("NEUTLE", "Neutrophils/Leukocytes", "C64827"),
        ["lymphocytes_pct"] = new("LYMLE", "Lymphocytes/Leukocytes", "C64820"),
        ["monocytes_pct"] = new("MONOLE", "Monocytes/Leukocytes", "C64824"),
        ["eosinophils_pct"] = new("EOSLE", "Eosinophils/Leukocytes", "C64604"),
        ["basophils_pct"] = new("BASOLE", "Basophils/Leukocytes", "C64471"),
        ["rbc"] = new("RBC", "Erythrocytes", "C51946"),
        ["hemoglobin"] = new("HGB", "Hemoglobin", "C64848"),
        ["hematocrit"] = new("HCT", "Hematocrit", "C64796"),
        ["mcv"] = new("MCV", "Ery. Mean Corpuscular Volume", "C64799"),
        ["mch"] = new("MCH", "Ery. Mean Corpuscular Hemoglobin", "C64797"),
        ["mchc"] = new("MCHC", "Ery. Mean Corpuscular HGB Concentration", "C64798"),
        ["platelets"] = new("PLAT", "Platelets", "C51951"),
        ["alt"] = new("ALT", "Alanine Aminotransferase", "C64433"),
        ["ast"] = new("AST", "Aspartate Aminotransferase", "C64467"),
        ["alp"] = new("ALP", "Alkaline Phosphatase", "C64432"),
        ["ggt"] = new("GGT", "Gamma Glutamyl Transferase", "C64847"),
        ["bilirubin_total"] = new("BILI", "Bilirubin", "C38037"),
        ["bilirubin_direct"] = new("BILDIR", "Direct Bilirubin", "C64481"),
        ["total_protein"] = new("PROT", "Protein", "C64858"),
        ["albumin"] = new("ALB", "Albumin", "C64431"),
        ["creatinine"] = new("CREAT", "Creatinine", "C64547"),
        ["urea"] = new("UREA", "Urea", "C64815"),
        ["bun"] = new("UREAN", "Urea Nitrogen", "C125949"),
        ["uric_acid"] = new("URATE", "Urate", "C64814"),
        ["sodium"] = new("SODIUM", "Sodium", "C64809"),
        ["potassium"] = new("K", "Potassium", "C64853"),
        ["chloride"] = new("CL", "Chloride", "C64495"),
        ["bicarbonate"] = new("BICARB", "Bicarbonate", "C74667"),
        ["calcium"] = new("CA", "Calcium", "C64488"),
        ["phosphate"] = new("PHOS", "Phosphate", "C64857"),
        ["magnesium"] = new("MG", "Magnesium", "C64840"),
        ["pt"] = new("PT", "Prothrombin Time", "C62656"),
        ["inr"] = new("INR", "Prothrombin Intl. Normalized Ratio", "C64805"),
        ["aptt"] = new("APTT", "Activated Partial Thromboplastin Time", "C38462"),
        ["thrombin_time"] = new("TT", "Thrombin Time", "C80365"),
        ["fibrinogen"] = new("FIBRINO", "Fibrinogen", "C64606"),
        ["igg"] = new("IGG", "Immunoglobulin G", "C81971"),
        ["iga"] = new("IGA", "Immunoglobulin A", "C81969"),
        ["igm"] = new("IGM", "Immunoglobulin M", "C81972"),
        ["c3"] = new("C3", "Complement C3", "C80174"),
        ["c4"] = new("C4", "Complement C4", "C80177"),
        ["upcr"] = new("PROTCRT", "Protein/Creatinine", "C79463"),
        ["urine_rbc_casts"] = new("CSRBC", "RBC Casts", "C74772"),
        ["urine_leukocyte_esterase"] = new("LEUKASE", "Leukocyte Esterase", "C64856"),
        ["urine_blood_dipstick"] = new("OCCBLD", "Occult Blood", "C74686"),
        ["urine_rbc_hpf"] = new("RBC", "Erythrocytes", "C51946"),
        ["urine_wbc_hpf"] = new("WBC", "Leukocytes", "C51948"),
        ["urine_creatinine_spot"] = new("CREAT", "Creatinine", "C64547"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The analyte's LBTESTCD/LBTEST: CDISC's where the test is certain (<see cref="LabTests"/>), else sponsor-defined
    /// (<see cref="SponsorLabTests"/>).
    /// </summary>
    public static SdtmTest LabTest(string analyte)
    {
        ArgumentNullException.ThrowIfNull(analyte);
        return LabTests.TryGetValue(analyte, out var test) ? test
            : SponsorLabTests.TryGetValue(analyte, out var sponsor) ? sponsor
            : new SdtmTest(SponsorCode(analyte), Truncate(analyte, 40), null);
    }

    /// <summary>
    /// Sponsor-defined LBTESTCD/LBTEST for every catalogue analyte without a certain CDISC test: the analyte key in upper
    /// case without <c>_</c>, at most 8 characters (SDTMIG 3.3 4.5.1: --TESTCD at most 8 letters and digits, not starting with
    /// a digit); a code already taken (by CDISC's or an earlier analyte in catalogue order) keeps its first 6 characters and
    /// takes a two-digit counter. LBTEST is the catalogue's English name, at most 40 characters.
    /// </summary>
    private static readonly FrozenDictionary<string, SdtmTest> SponsorLabTests = BuildSponsorLabTests();

    private static FrozenDictionary<string, SdtmTest> BuildSponsorLabTests()
    {
        var taken = LabTests.Values.Select(t => t.Code).ToHashSet(StringComparer.Ordinal);
        var tests = new Dictionary<string, SdtmTest>(StringComparer.Ordinal);
        foreach (var analyte in AnalyteCatalog.All.Where(a => !LabTests.ContainsKey(a.Key)))
        {
            var code = SponsorCode(analyte.Key);
            for (var n = 1; taken.Contains(code); n++)
            {
                code = SponsorCode(analyte.Key)[..Math.Min(6, SponsorCode(analyte.Key).Length)] + n.ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            }

            taken.Add(code);
            tests[analyte.Key] = new SdtmTest(code, Truncate(analyte.Name, 40), null);
        }

        return tests.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The specimen type (SPECTYPE) of an analyte's panel where it is certain: blood counts BLOOD, urine panels URINE; else null.</summary>
    public static SdtmTerm? Specimen(string analyte) => AnalyteCatalog.Find(analyte)?.Panel switch
    {
        LabPanel.BloodCount => Blood,
        LabPanel.Urinalysis or LabPanel.UrineProtein => Urine,
        _ => null,
    };

    /// <summary>
    /// The vital signs Stroma records at an administration (mmHg, /min, °C, %), as VSTESTCD/VSTEST (C66741/C67153) with the
    /// UNIT term of the unit the registry stores them in.
    /// </summary>
    public static IReadOnlyList<(SdtmTest Test, SdtmTerm Unit)> VitalSigns { get; } =
    [
        (new("SYSBP", "Systolic Blood Pressure", "C25298"), new("mmHg", "C49670")),
        (new("DIABP", "Diastolic Blood Pressure", "C25299"), new("mmHg", "C49670")),
        (new("HR", "Heart Rate", "C49677"), new("beats/min", "C49673")),
        (new("TEMP", "Temperature", "C174446"), new("C", "C42559")),
        (new("RESP", "Respiratory Rate", "C49678"), new("breaths/min", "C49674")),
        (new("OXYSAT", "Oxygen Saturation", "C60832"), new("%", "C25613")),
    ];

    /// <summary>A sponsor-defined --TESTCD: upper case letters and digits of <paramref name="key"/>, at most 8, never starting with a digit.</summary>
    public static string SponsorCode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var letters = new string([.. key.ToUpperInvariant().Where(char.IsAsciiLetterOrDigit)]);
        if (letters.Length == 0 || char.IsAsciiDigit(letters[0]))
        {
            letters = "X" + letters;
        }

        return letters.Length > 8 ? letters[..8] : letters;
    }

    public static string Truncate(string text, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > length ? text[..length] : text;
    }

    /// <summary>
    /// A site's ISO 3166-1 alpha-2 country as the alpha-3 code SDTM's COUNTRY takes (SDTMIG 3.3 DM: ISO 3166-1 alpha-3);
    /// null for a code that is not an assigned ISO 3166-1 code. The pairs are ISO 3166-1's, as tabulated in
    /// github.com/lukes/ISO-3166-Countries-with-Regional-Codes (all/all.csv, commit 145f1ad, 249 countries).
    /// </summary>
    public static string? Country(string? alpha2) =>
        alpha2 is { Length: 2 } && Alpha3.TryGetValue(alpha2.ToUpperInvariant(), out var alpha3) ? alpha3 : null;

    private static readonly FrozenDictionary<string, string> Alpha3 = (
        "AFAFG AXALA ALALB DZDZA ASASM ADAND AOAGO AIAIA AQATA AGATG ARARG AMARM AWABW AUAUS ATAUT AZAZE "
        + "BSBHS BHBHR BDBGD BBBRB BYBLR BEBEL BZBLZ BJBEN BMBMU BTBTN BOBOL BQBES BABIH BWBWA BVBVT BRBRA "
        + "IOIOT BNBRN BGBGR BFBFA BIBDI CVCPV KHKHM CMCMR CACAN KYCYM CFCAF TDTCD CLCHL CNCHN CXCXR CCCCK "
        + "COCOL KMCOM CGCOG CDCOD CKCOK CRCRI CICIV HRHRV CUCUB CWCUW CYCYP CZCZE DKDNK DJDJI DMDMA DODOM "
        + "ECECU EGEGY SVSLV GQGNQ ERERI EEEST SZSWZ ETETH FKFLK FOFRO FJFJI FIFIN FRFRA GFGUF PFPYF TFATF "
        + "GAGAB GMGMB GEGEO DEDEU GHGHA GIGIB GRGRC GLGRL GDGRD GPGLP GUGUM GTGTM GGGGY GNGIN GWGNB GYGUY "
        + "HTHTI HMHMD VAVAT HNHND HKHKG HUHUN ISISL ININD IDIDN IRIRN IQIRQ IEIRL IMIMN ILISR ITITA JMJAM "
        + "JPJPN JEJEY JOJOR KZKAZ KEKEN KIKIR KPPRK KRKOR KWKWT KGKGZ LALAO LVLVA LBLBN LSLSO LRLBR LYLBY "
        + "LILIE LTLTU LULUX MOMAC MGMDG MWMWI MYMYS MVMDV MLMLI MTMLT MHMHL MQMTQ MRMRT MUMUS YTMYT MXMEX "
        + "FMFSM MDMDA MCMCO MNMNG MEMNE MSMSR MAMAR MZMOZ MMMMR NANAM NRNRU NPNPL NLNLD NCNCL NZNZL NINIC "
        + "NENER NGNGA NUNIU NFNFK MKMKD MPMNP NONOR OMOMN PKPAK PWPLW PSPSE PAPAN PGPNG PYPRY PEPER PHPHL "
        + "PNPCN PLPOL PTPRT PRPRI QAQAT REREU ROROU RURUS RWRWA BLBLM SHSHN KNKNA LCLCA MFMAF PMSPM VCVCT "
        + "WSWSM SMSMR STSTP SASAU SNSEN RSSRB SCSYC SLSLE SGSGP SXSXM SKSVK SISVN SBSLB SOSOM ZAZAF GSSGS "
        + "SSSSD ESESP LKLKA SDSDN SRSUR SJSJM SESWE CHCHE SYSYR TWTWN TJTJK TZTZA THTHA TLTLS TGTGO TKTKL "
        + "TOTON TTTTO TNTUN TRTUR TMTKM TCTCA TVTUV UGUGA UAUKR AEARE GBGBR USUSA UMUMI UYURY UZUZB VUVUT "
        + "VEVEN VNVNM VGVGB VIVIR WFWLF EHESH YEYEM ZMZMB ZWZWE ")
        .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenDictionary(p => p[..2], p => p[2..], StringComparer.Ordinal);
}
