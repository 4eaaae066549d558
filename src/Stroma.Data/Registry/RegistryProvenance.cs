using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stroma.Data.Audit;

namespace Stroma.Data.Registry;

/// <summary>
/// Where a registry's records come from: real (entered or imported) or synthetic (written by <c>stroma demo</c>). Kept
/// as an audit entry (<see cref="AuditTrail.ProvenanceEntity"/>) so that it is chained, append-only (a synthetic
/// registry cannot be quietly relabelled real) and carried by every backup with the audit trail.
/// </summary>
/// <param name="Synthetic">True when any of the registry's records were generated rather than observed.</param>
/// <param name="Generator">What generated them (<c>stroma demo</c>), or null for a real registry.</param>
/// <param name="Statement">One sentence a reader of a report must see, or null for a real registry.</param>
public sealed record RegistryProvenance(bool Synthetic, string? Generator, string? Statement)
{
    /// <summary>A registry with no provenance entry: its records were entered or imported.</summary>
    public static RegistryProvenance Real { get; } = new(false, null, null);

    /// <summary>The stored provenance: the last provenance entry of the audit trail, or <see cref="Real"/> when there is none.</summary>
    public static async Task<RegistryProvenance> ReadAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var details = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Entity == AuditTrail.ProvenanceEntity && e.Action == AuditTrail.ProvenanceAction)
            .OrderByDescending(e => e.Sequence).Select(e => e.NewValue).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (details is null)
        {
            return Real;
        }

        using var json = JsonDocument.Parse(details);
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var synthetic = root.TryGetProperty("synthetic", out var s) && s.ValueKind == JsonValueKind.True;
        return synthetic ? new RegistryProvenance(true, Text("generator"), Text("statement")) : Real;
    }
}
