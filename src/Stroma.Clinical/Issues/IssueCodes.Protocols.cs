namespace Stroma.Clinical.Issues;

/// <summary>Protocol definitions and their versions (PRT); see docs/issue-codes.md "Protocols (PRT)".</summary>
public static partial class IssueCodes
{
    /// <summary>A protocol definition file cannot be read at all (malformed JSON or YAML), with its line.</summary>
    public const string ProtocolUnreadable = "PRT001";

    /// <summary>A required field of a protocol definition is missing or empty.</summary>
    public const string ProtocolFieldMissing = "PRT002";

    /// <summary>A field of a protocol definition has a value of the wrong type, format or range.</summary>
    public const string ProtocolFieldInvalid = "PRT003";

    /// <summary>A protocol definition field that the format does not have (often a typo that would silently drop a value).</summary>
    public const string ProtocolUnknownField = "PRT004";

    /// <summary>A product type, instrument or lab panel key that is not in Stroma's catalogues.</summary>
    public const string ProtocolUnknownCatalogueKey = "PRT005";

    /// <summary>Two components or follow-up events share a key, or administration numbers are not 1, 2, 3, … in order.</summary>
    public const string ProtocolDuplicateOrOutOfOrder = "PRT006";

    /// <summary>The key is a built-in template's: templates are read-only; copy one under a new key.</summary>
    public const string ProtocolTemplateReadOnly = "PRT007";

    /// <summary>No stored protocol (or template) has this key, or it has no such version.</summary>
    public const string ProtocolVersionNotFound = "PRT008";

    /// <summary>Approval refused: a component's dose is not set (the source gives none; the site must set it first).</summary>
    public const string ProtocolDoseNotSetAtApproval = "PRT009";

    /// <summary>The version is not a draft: an approved or retired version never changes.</summary>
    public const string ProtocolVersionNotDraft = "PRT010";

    /// <summary>An approval without its signer or its meaning.</summary>
    public const string ProtocolApprovalIncomplete = "PRT011";

    /// <summary>A new version of an existing protocol without the reason for the change.</summary>
    public const string ProtocolChangeReasonMissing = "PRT012";

    /// <summary>Enrolment or re-consent names a version that is not approved (a draft or a retired version).</summary>
    public const string ProtocolVersionNotApproved = "PRT013";

    /// <summary>Re-consent to the version the enrolment is already on, or to an older one.</summary>
    public const string ProtocolReconsentNotNewer = "PRT014";

    /// <summary>An imported protocol version differs from the one the registry already holds under the same key and number.</summary>
    public const string ProtocolVersionDiffers = "PRT015";
}
