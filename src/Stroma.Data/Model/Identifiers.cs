namespace Stroma.Data.Model;

/// <summary>
/// A hospital identifier (the patient identifier list, PID-3, of an HL7 v2 message) that a site has linked to one of
/// its patients, so that results the hospital's laboratory sends under its own medical record number reach the study
/// patient. Identifying data: kept with the site's records and never written to a de-identified export (the CSV export
/// does not list this table at all). Links are made by <c>stroma hl7 link</c> and, like every record, audited.
/// </summary>
public sealed class PatientIdentifier : TrackedRecord
{
    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    public Guid PatientId { get; set; }

    public Patient? Patient { get; set; }

    /// <summary>The identifier as the hospital sends it (CX-1).</summary>
    public string Identifier { get; set; } = "";

    /// <summary>The assigning authority's namespace id (CX-4.1); empty when the link holds for any authority.</summary>
    public string Authority { get; set; } = "";
}

/// <summary>
/// A site laboratory's local test code (OBX-3 in a coding system other than LOINC) mapped to an analyte of the
/// catalogue, for laboratories that do not send LOINC codes.
/// </summary>
public sealed class LabCodeMapping : TrackedRecord
{
    public Guid SiteId { get; set; }

    public Site? Site { get; set; }

    /// <summary>The coding system as sent (OBX-3.3, e.g. <c>L</c> or <c>99LAB</c>); empty when the message names none.</summary>
    public string CodingSystem { get; set; } = "";

    /// <summary>The local code (OBX-3.1).</summary>
    public string Code { get; set; } = "";

    /// <summary>The catalogue analyte key, LOINC code or alias the code stands for.</summary>
    public string Analyte { get; set; } = "";
}
