namespace Stroma.Clinical.Issues;

/// <summary>Codes of the cell-therapy records in the registry; see docs/issue-codes.md "Cell-therapy records (CTD)".</summary>
public static partial class IssueCodes
{
    /// <summary>The lot number is not registered (or the lot was deleted).</summary>
    public const string UnknownLot = "CTD001";

    /// <summary>A lot with this number is already registered.</summary>
    public const string DuplicateLot = "CTD002";

    /// <summary>No protocol template has this key.</summary>
    public const string UnknownProtocol = "CTD003";

    /// <summary>The enrolment was made on a protocol version that is not the template's current version.</summary>
    public const string ProtocolVersionChanged = "CTD004";

    /// <summary>The patient is already enrolled on this protocol.</summary>
    public const string AlreadyEnrolled = "CTD005";

    /// <summary>The patient has no enrolment on a protocol (or not on the one named).</summary>
    public const string NotEnrolled = "CTD006";

    /// <summary>The infusion names an event that is not an administration of the patient's schedule.</summary>
    public const string NotAnAdministration = "CTD007";

    /// <summary>An infusion of this product is already recorded for this administration.</summary>
    public const string AdministrationAlreadyRecorded = "CTD008";

    /// <summary>Stroma has no release specification for the lot's product type (the ISCT criteria are for MSC only).</summary>
    public const string NoReleaseSpecification = "CTD009";

    /// <summary>A custody event other than a discard for a lot that has not been released.</summary>
    public const string CustodyBeforeRelease = "CTD010";

    /// <summary>The patient study id matches patients at more than one site.</summary>
    public const string AmbiguousPatient = "CTD011";

    /// <summary>A site's release-specification file is malformed (bad kind or limit, repeated key, no source).</summary>
    public const string SpecificationFileInvalid = "CTD012";

    /// <summary>Another user decided (released or rejected) the lot between reading it and saving this decision.</summary>
    public const string DecidedMeanwhile = "CTD013";

    /// <summary>Info with a refused decision: the lot was already released or rejected, by whom and when.</summary>
    public const string AlreadyDecided = "CTD014";

    /// <summary>The lot belongs to another site than the patient's (infusion, administration in custody, suspect lot of an adverse event).</summary>
    public const string LotOfAnotherSite = "CTD015";
}
