namespace Stroma.Clinical.Issues;

/// <summary>Issue codes of the read-only FHIR API (<c>/fhir</c>; docs/interop.md), reported as OperationOutcome issues.</summary>
public static partial class IssueCodes
{
    /// <summary>A resource type the API does not serve.</summary>
    public const string FhirUnknownType = "FHR001";

    /// <summary>A search parameter the API does not support for that resource type.</summary>
    public const string FhirUnsupportedParameter = "FHR002";

    /// <summary>A search parameter value that cannot be read (a date, a patient reference, a count).</summary>
    public const string FhirBadValue = "FHR003";

    /// <summary>A write's body is not FHIR JSON, not the resource the endpoint takes, or a Bundle entry is not a POST of an Observation (400).</summary>
    public const string FhirBadBody = "FHR004";

    /// <summary>An Observation to load lacks an element the lab path needs, or has one it cannot use (status, subject, code, value, time, encounter) (422).</summary>
    public const string FhirUnloadable = "FHR005";

    /// <summary>A personal API token's name is empty or longer than 100 characters.</summary>
    public const string ApiTokenName = "TOK001";

    /// <summary>A personal API token's lifetime is not 1 to 365 days.</summary>
    public const string ApiTokenLifetime = "TOK002";
}
