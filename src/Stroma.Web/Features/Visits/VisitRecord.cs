using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;

namespace Stroma.Web.Features.Visits;

/// <summary>A visit as the visit pages show it, with its patient's site (a view model: entities stay in the page).</summary>
public sealed record VisitRecord(Guid Id, Guid PatientId, Guid SiteId, string Site, string StudyId, DateOnly Date, VisitKind Kind, string Type,
    string? Notes, string? SignedBy, string? SignedByName, DateTimeOffset? SignedAt, string? SignatureMeaning)
{
    public bool IsSigned => SignedAt is not null;

    /// <summary>
    /// The visit <paramref name="id"/> if the user may read clinical data at its patient's site; null otherwise (the
    /// page answers 404 and so does not reveal that another site's visit exists).
    /// </summary>
    public static Task<VisitRecord?> FindAsync(StromaDbContext db, UserAccess access, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var readable = db.PatientsFor(access, Capability.ReadClinical);
        return db.Visits.AsNoTracking().Where(v => v.Id == id && v.DeletedAt == null && readable.Any(p => p.Id == v.PatientId))
            .Select(v => new VisitRecord(v.Id, v.PatientId, v.Patient!.SiteId, v.Patient.Site!.Code, v.Patient.StudyId, v.VisitDate, v.Kind, v.Type,
                v.Notes, v.SignedBy, v.SignedByName, v.SignedAt, v.SignatureMeaning))
            .SingleOrDefaultAsync(cancellationToken);
    }
}

/// <summary>A saved assessment on the visit page.</summary>
public sealed record AssessmentRow(Guid Id, string Instrument, decimal? Total, string? Grade, string AlgorithmVersion, string RecordedBy,
    DateTimeOffset RecordedAt, string? ChangedBy, DateTimeOffset? ChangedAt);

/// <summary>The instruments recorded at a visit (issue #8: SLEDAI-2K, BILAG-2004, SDI, PGA), in this order.</summary>
public static class VisitInstruments
{
    public static IReadOnlyList<string> Keys { get; } = ["sledai2k", "bilag2004", "sdi", "pga"];

    public static bool Contains(string key) => Keys.Contains(key, StringComparer.Ordinal);
}

/// <summary>
/// The meanings an investigator may give a signature (21 CFR 11.50(a)(3): the meaning, such as review, approval,
/// responsibility or authorship, is part of the signature's manifestation). The statement shown is the one stored.
/// </summary>
public static class SignatureMeanings
{
    public static IReadOnlyList<string> Keys { get; } = ["accurate", "reviewed", "responsible"];

    public static string TextKey(string key) => $"visit.meaning.{key}";
}
