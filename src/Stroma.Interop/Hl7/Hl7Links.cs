using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Interop.Hl7;

/// <summary>
/// The one use case that writes the site maps HL7 results are resolved through: a hospital identifier linked to a
/// study patient (<see cref="PatientIdentifier"/>, <c>stroma hl7 link</c>) and a laboratory's local test code mapped
/// to a catalogue analyte (<see cref="LabCodeMapping"/>, <c>stroma hl7 map-code</c>). Both are saved through
/// <c>SaveChanges</c>, so the audit interceptor records them.
/// </summary>
public static class Hl7Links
{
    /// <summary>Links <paramref name="identifier"/> (of <paramref name="authority"/>, or any authority when empty) to a patient of the site; linking it again to the same patient changes nothing.</summary>
    public static async Task<IReadOnlyList<Issue>> LinkPatientAsync(StromaDbContext db, string site, string studyId, string identifier, string? authority,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var id = identifier.Trim();
        var auth = authority?.Trim() ?? "";
        if (id.Length is 0 or > 64 || auth.Length > 64)
        {
            return [Issue.Error(IssueCodes.Hl7IdentifierLink, "identifier", "The identifier must be 1 to 64 characters (and the authority at most 64).")];
        }

        var patient = await db.Patients.AsNoTracking().Where(p => p.Site!.Code == site && p.StudyId == studyId).Select(p => new { p.Id, p.SiteId })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (patient is null)
        {
            return [Issue.Error(IssueCodes.Hl7IdentifierLink, "patient", $"Patient \"{studyId}\" is not registered at site \"{site}\".")];
        }

        var existing = await db.PatientIdentifiers.AsNoTracking().Where(l => l.SiteId == patient.SiteId && l.Identifier == id && l.Authority == auth)
            .Select(l => new { l.PatientId, l.Patient!.StudyId }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing.PatientId == patient.Id ? []
                : [Issue.Error(IssueCodes.Hl7IdentifierLink, "identifier", $"Identifier {id}{(auth.Length > 0 ? $" ({auth})" : "")} is already linked to patient {existing.StudyId} at site {site}.")];
        }

        db.PatientIdentifiers.Add(new PatientIdentifier { Id = Guid.CreateVersion7(), SiteId = patient.SiteId, PatientId = patient.Id, Identifier = id, Authority = auth });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return [];
    }

    /// <summary>Maps a local OBX-3 code (in <paramref name="codingSystem"/>, or any when empty) to a catalogue analyte.</summary>
    public static async Task<IReadOnlyList<Issue>> MapCodeAsync(StromaDbContext db, string site, string code, string? codingSystem, string analyte,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var known = Clinical.Labs.AnalyteCatalog.Find(analyte);
        if (known is null)
        {
            return [Issue.Error(IssueCodes.UnknownAnalyte, "analyte", $"Unknown analyte \"{analyte}\" (stroma labs catalog lists them).")];
        }

        var c = code.Trim();
        var system = codingSystem?.Trim() ?? "";
        if (c.Length is 0 or > 64 || system.Length > 32)
        {
            return [Issue.Error(IssueCodes.Hl7IdentifierLink, "code", "The code must be 1 to 64 characters (and the coding system at most 32).")];
        }

        var siteId = await db.Sites.AsNoTracking().Where(s => s.Code == site).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (siteId is null)
        {
            return [Issue.Error(IssueCodes.UnknownSite, "site", $"Site \"{site}\" is not in the registry.")];
        }

        var existing = await db.LabCodeMappings.AsNoTracking().Where(m => m.SiteId == siteId && m.CodingSystem == system && m.Code == c)
            .Select(m => m.Analyte).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing == known.Key ? []
                : [Issue.Error(IssueCodes.Hl7IdentifierLink, "code", $"Code {c} ({(system.Length > 0 ? system : "any coding system")}) is already mapped to {existing} at site {site}.")];
        }

        db.LabCodeMappings.Add(new LabCodeMapping { Id = Guid.CreateVersion7(), SiteId = siteId.Value, CodingSystem = system, Code = c, Analyte = known.Key });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return [];
    }
}
