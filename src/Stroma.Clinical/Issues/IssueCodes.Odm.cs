namespace Stroma.Clinical.Issues;

/// <summary>Issue codes of CDISC ODM 1.3.2 in (<c>stroma import odm</c>; docs/interop.md "CDISC ODM 1.3.2").</summary>
public static partial class IssueCodes
{
    /// <summary>The registry is not empty: an ODM file is imported only into a registry without sites or patients.</summary>
    public const string OdmRegistryNotEmpty = "ODM001";

    /// <summary>The file is not well-formed XML, or not an ODM 1.3.2 Snapshot (root element, namespace, ODMVersion, FileType).</summary>
    public const string OdmNotOdm = "ODM002";

    /// <summary>An element names an OID that the file's metadata does not define, or that Stroma's mapping does not read.</summary>
    public const string OdmUnknownOid = "ODM003";

    /// <summary>An item's value cannot be read as its data type (date, datetime, integer, float, boolean, a code of its code list).</summary>
    public const string OdmBadValue = "ODM004";

    /// <summary>Something the mapping needs is missing: a subject's SiteRef or registration, a visit's date, a lab result's analyte, value or time.</summary>
    public const string OdmMissing = "ODM005";

    /// <summary>A value Stroma derives differs from the file's: an instrument's total, grade or algorithm, an adverse event's MedDRA code (CTCAE v5.0), a lot's status (from its decisions), an enrolment's calendar (from its protocol and the file's reschedules).</summary>
    public const string OdmScoreMismatch = "ODM006";

    /// <summary>An instrument's answers outside a visit: the registry records instruments only at a visit.</summary>
    public const string OdmNoVisit = "ODM007";

    /// <summary>A record (an adverse event's suspect lot, a release test, decision, custody event or infusion) names a lot neither in the registry nor in the file's ReferenceData.</summary>
    public const string OdmLotNotInRegistry = "ODM008";
}
