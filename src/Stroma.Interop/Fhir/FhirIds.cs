using System.Globalization;
using Stroma.Data.Export;

namespace Stroma.Interop.Fhir;

/// <summary>
/// How records become resource ids and how their dates are written. Identifiable (the API, <c>stroma export</c>): the
/// registry's ids and dates as stored. De-identified: the CSV export's pseudonyms (per-export patient keys, keyed hashes
/// for every other id) and each patient's date shift, so a FHIR export joins with itself but not with the registry.
/// </summary>
public sealed class FhirIds
{
    private readonly ExportKeys? keys;

    private FhirIds(ExportKeys? keys) => this.keys = keys;

    /// <summary>The registry's own ids (lower-case UUIDs) and dates.</summary>
    public static FhirIds Identifiable { get; } = new(null);

    internal static FhirIds From(ExportKeys keys) => keys.Deidentify ? new(keys) : Identifiable;

    public bool Deidentify => keys is not null;

    public string Patient(Guid id) => keys?.Patient(id) ?? id.ToString("D");

    public string Record(Guid id) => keys?.Record(id) ?? id.ToString("D");

    /// <summary>A protocol's ResearchStudy id: its key with <c>_</c> as <c>-</c> (FHIR ids allow letters, digits, <c>-</c> and <c>.</c>).</summary>
    public static string Study(string protocolKey) => "protocol-" + protocolKey.Replace('_', '-');

    public DateOnly Date(Guid patientId, DateOnly date) => keys is null ? date : (DateOnly)keys.Shift(patientId, date);

    public DateTimeOffset Instant(Guid patientId, DateTimeOffset instant) => keys is null ? instant : (DateTimeOffset)keys.Shift(patientId, instant);

    /// <summary>A date without a patient (a lot's): as stored, or left out when de-identified (as the CSV export leaves it blank).</summary>
    public string? Unowned(DateOnly date) => keys is null ? Text(date) : null;

    public static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Text(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
