namespace Stroma.Clinical.Issues;

/// <summary>Issue codes of HL7 v2 lab results in (<c>stroma import hl7</c>, <c>stroma hl7 listen</c>; docs/interop.md).</summary>
public static partial class IssueCodes
{
    /// <summary>An HL7 v2 message that cannot be read at all: no MSH first, MSH too short, or delimiters that are not five distinct characters.</summary>
    public const string Hl7Malformed = "HLV001";

    /// <summary>An escape sequence that is not one HL7 v2 defines (\F\ \S\ \T\ \R\ \E\ \Xhh..\ \.br\ \H\ \N\), or one that is not closed.</summary>
    public const string Hl7BadEscape = "HLV002";

    /// <summary>A segment where the ORU^R01 message structure (or the batch structure FHS/BHS/BTS/FTS) does not allow it.</summary>
    public const string Hl7SegmentOrder = "HLV003";

    /// <summary>A field the mapping needs is empty (MSH-9, MSH-10, MSH-12, PID-3, OBX-3, OBX-5, OBX-11, or the specimen time).</summary>
    public const string Hl7RequiredField = "HLV004";

    /// <summary>A message that is not ORU^R01, or an HL7 version outside 2.3–2.5.1.</summary>
    public const string Hl7Unsupported = "HLV005";

    /// <summary>A field whose value cannot be read: a date/time that is not HL7's DTM with minutes and a UTC offset, an SN value that is not a comparator and one number.</summary>
    public const string Hl7FieldValue = "HLV006";

    /// <summary>An OBX-11 result status other than F, C (loaded), P (held), X or D (cancelled).</summary>
    public const string Hl7ResultStatus = "HLV007";

    /// <summary>PID-3 names no patient of the site (neither a study id nor a linked hospital identifier), or names two different patients.</summary>
    public const string Hl7PatientIdentifier = "HLV008";

    /// <summary>Warning: the laboratory's abnormal flag (OBX-8) differs from the flag Stroma derives from the range; Stroma's is stored.</summary>
    public const string Hl7FlagDiffers = "HLV009";

    /// <summary>Information: a preliminary result (OBX-11 P) is held: reported, not loaded; the final result will be.</summary>
    public const string Hl7ResultHeld = "HLV010";

    /// <summary>Information: a result cancelled by the laboratory (OBX-11 X: cannot be obtained; D: delete) is not loaded, and a stored result is never deleted.</summary>
    public const string Hl7ResultCancelled = "HLV011";

    /// <summary>A hospital identifier link that cannot be made: the identifier is already linked to another patient of the site, or the patient is unknown.</summary>
    public const string Hl7IdentifierLink = "HLV012";

    /// <summary>An OBX-3 code that is neither LOINC in the catalogue nor in the site's local code map (the analyte is unknown).</summary>
    public const string Hl7UnknownCode = "HLV013";

    /// <summary>Information: a corrected result (OBX-11 C) replaced the value of the stored result it corrects (the replaced value is kept in the audit trail).</summary>
    public const string Hl7ResultCorrected = "HLV014";
}
