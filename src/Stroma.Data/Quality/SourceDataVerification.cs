using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Quality;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Quality;

/// <summary>Who signs a source data verification mark: the user name and the printed name at the time of signing.</summary>
public sealed record SdvSigner(string UserName, string PrintedName);

/// <summary>An SDV mark as pages and commands show it (never the entity).</summary>
public sealed record SdvMarkView(Guid Id, Guid SiteId, string SiteCode, Guid PatientId, string StudyId, Guid VisitId, DateOnly VisitDate, string VisitType,
    string? Field, string VerifiedBy, string VerifiedByName, DateTimeOffset VerifiedAt, string Meaning, DateTimeOffset? ClearedAt, string? ClearedBy,
    string? ClearedReason)
{
    public bool IsCurrent => ClearedAt is null;
}

/// <summary>Source data verification coverage at one site: visits with a standing whole-visit mark, of all its visits.</summary>
public sealed record SdvCoverage(Guid SiteId, string SiteCode, int VerifiedVisits, int Visits);

/// <summary>
/// The one owner of source data verification (SDV) marks (docs/data-quality.md, "Source data verification"). A monitor
/// (<see cref="Capability.VerifySourceData"/> at the visit's site) marks a whole visit, or one field of it, verified:
/// an electronic signature whose meaning is "verified" (the caller confirms the signer, the web app with the password
/// re-entered), stored with the time and audited. Any later change to anything recorded under the visit clears its
/// standing marks (<see cref="ClearOnChange"/>, run before every save; <see cref="ClearForImportedLabsAsync"/> for the
/// bulk lab import, which does not go through the change tracker), audited with what changed. A user who may not read
/// the visit's site gets <see cref="IssueCodes.SdvVisitNotFound"/>, exactly as for a visit that does not exist.
/// </summary>
public static class SourceDataVerification
{
    /// <summary>The meaning of an SDV signature, as stored with each mark.</summary>
    public const string MeaningVerified = "verified: compared with the source documents";

    /// <summary>Whether a field of the check catalogue can carry its own mark: a field of the visit record itself.</summary>
    public static bool IsVisitField(string field) =>
        CheckFieldCatalogue.Find(field) is { Scopes: { Count: 1 } scopes } && scopes.Contains(CheckScope.Visit);

    /// <summary>Marks a visit (or one of its fields) verified, signed by <paramref name="signer"/> with <see cref="MeaningVerified"/>.</summary>
    public static async Task<CellTherapyResult<SdvMark>> MarkAsync(StromaDbContext db, UserAccess access, Guid visitId, string? field, SdvSigner signer,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(signer);
        var visit = await db.Visits.AsNoTracking().Where(v => v.Id == visitId).Select(v => new { v.Id, v.PatientId, v.Patient!.SiteId })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (visit is null || !access.Can(Capability.ReadClinical, visit.SiteId))
        {
            return Refusal.Of<SdvMark>([Issue.Error(IssueCodes.SdvVisitNotFound, "visit", $"No visit {visitId}.")]);
        }

        var issues = new List<Issue>();
        if (!access.Can(Capability.VerifySourceData, visit.SiteId))
        {
            issues.Add(Issue.Error(IssueCodes.SdvNotAllowed, "", "Only a monitor of the site marks source data verified."));
        }

        field = string.IsNullOrWhiteSpace(field) ? null : field.Trim();
        if (field is not null && !IsVisitField(field))
        {
            issues.Add(Issue.Error(IssueCodes.SdvNotAllowed, "field",
                $"'{field}' is not a field of a visit (visit.date, visit.type, lab.<analyte>, score.<instrument>); leave it out to verify the whole visit."));
        }

        if (issues.Count == 0 && await db.SdvMarks.AnyAsync(m => m.VisitId == visitId && m.Field == field && m.ClearedAt == null, cancellationToken).ConfigureAwait(false))
        {
            issues.Add(Issue.Error(IssueCodes.SdvNotAllowed, field is null ? "visit" : "field",
                field is null ? "The visit is already verified and unchanged since." : $"'{field}' of the visit is already verified and unchanged since."));
        }

        if (issues.Count > 0)
        {
            return Refusal.Of<SdvMark>(issues);
        }

        var mark = new SdvMark
        {
            Id = Guid.CreateVersion7(),
            SiteId = visit.SiteId,
            PatientId = visit.PatientId,
            VisitId = visitId,
            Field = field,
            VerifiedBy = signer.UserName,
            VerifiedByName = string.IsNullOrWhiteSpace(signer.PrintedName) ? signer.UserName : signer.PrintedName,
            VerifiedAt = db.Clock.GetUtcNow(),
            Meaning = MeaningVerified,
        };
        db.SdvMarks.Add(mark);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new(mark, []);
    }

    /// <summary>The marks (standing and cleared, newest first) on the sites where the user may read clinical records; optionally one site, patient or visit.</summary>
    public static async Task<IReadOnlyList<SdvMarkView>> ListAsync(StromaDbContext db, UserAccess access, Guid? siteId = null, Guid? patientId = null,
        Guid? visitId = null, bool currentOnly = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var sites = access.Sites(Capability.ReadClinical).ToList();
        var query = db.SdvMarks.AsNoTracking().Where(m => sites.Contains(m.SiteId));
        if (siteId is { } s)
        {
            query = query.Where(m => m.SiteId == s);
        }

        if (patientId is { } p)
        {
            query = query.Where(m => m.PatientId == p);
        }

        if (visitId is { } v)
        {
            query = query.Where(m => m.VisitId == v);
        }

        if (currentOnly)
        {
            query = query.Where(m => m.ClearedAt == null);
        }

        var rows = await (from m in query
                          join visit in db.Visits.IgnoreQueryFilters() on m.VisitId equals visit.Id
                          select new { M = m, m.Patient!.StudyId, Site = m.Patient.Site!.Code, visit.VisitDate, visit.Type })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderByDescending(r => r.M.VerifiedAt).ThenByDescending(r => r.M.Id).Select(r => new SdvMarkView(r.M.Id, r.M.SiteId, r.Site, r.M.PatientId,
            r.StudyId, r.M.VisitId, r.VisitDate, r.Type, r.M.Field, r.M.VerifiedBy, r.M.VerifiedByName, r.M.VerifiedAt, r.M.Meaning, r.M.ClearedAt, r.M.ClearedBy,
            r.M.ClearedReason))];
    }

    /// <summary>Per site the user may read (or <paramref name="siteIds"/> of them): visits with a standing whole-visit mark, of all visits.</summary>
    public static async Task<IReadOnlyList<SdvCoverage>> CoverageAsync(StromaDbContext db, IReadOnlyCollection<Guid> siteIds, IReadOnlyCollection<Guid>? patientIds = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(siteIds);
        var ids = siteIds.ToList();
        var visits = db.Visits.AsNoTracking().Where(v => ids.Contains(v.Patient!.SiteId));
        if (patientIds is not null)
        {
            var patients = patientIds.ToList();
            visits = visits.Where(v => patients.Contains(v.PatientId));
        }

        var counts = await visits.GroupBy(v => v.Patient!.SiteId)
            .Select(g => new
            {
                SiteId = g.Key,
                Visits = g.Count(),
                Verified = g.Count(v => db.SdvMarks.Any(m => m.VisitId == v.Id && m.Field == null && m.ClearedAt == null)),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var codes = await db.Sites.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. codes.OrderBy(c => c.Code, StringComparer.Ordinal).Select(c => counts.FirstOrDefault(x => x.SiteId == c.Id) is { } n
            ? new SdvCoverage(c.Id, c.Code, n.Verified, n.Visits)
            : new SdvCoverage(c.Id, c.Code, 0, 0))];
    }

    private static readonly HashSet<string> VisitSignatureAndBookkeeping =
    [
        nameof(Visit.SignedBy), nameof(Visit.SignedByName), nameof(Visit.SignedAt), nameof(Visit.SignatureMeaning),
        nameof(TrackedRecord.Version), nameof(TrackedRecord.UpdatedAt), nameof(TrackedRecord.UpdatedBy),
    ];

    /// <summary>
    /// Run before every save: a change to anything recorded under a visit (the visit itself, except signing or unlocking
    /// it; an assessment or lab result at it, added, changed or deleted; an infusion on its date, with its vital signs,
    /// premedication and reactions) clears the visit's standing marks, the whole-visit mark and every field mark alike
    /// (Stroma does not try to decide which change touches which field). The clearing is saved and audited with the change.
    /// </summary>
    internal static void ClearOnChange(StromaDbContext db)
    {
        if (db.BypassAudit)
        {
            return;
        }

        var changes = new Dictionary<Guid, SortedSet<string>>();
        var infusions = new Dictionary<(Guid PatientId, DateOnly Date), SortedSet<string>>();
        var details = new Dictionary<Guid, SortedSet<string>>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var verb = entry.State switch { EntityState.Added => "added", EntityState.Deleted => "deleted", _ => "changed" };
            switch (entry.Entity)
            {
                case Visit visit when entry.State == EntityState.Modified:
                    if (entry.Properties.Any(p => p.IsModified && !VisitSignatureAndBookkeeping.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue)))
                    {
                        Note(changes, visit.Id, visit.DeletedAt is null ? "the visit changed" : "the visit deleted");
                    }

                    break;
                case Assessment or LabResult:
                    var what = entry.Entity is Assessment ? "an assessment" : "a lab result";
                    if (entry.State == EntityState.Modified && entry.Entity is ClinicalRecord { DeletedAt: not null }
                        && entry.Property(nameof(ClinicalRecord.DeletedAt)).OriginalValue is null)
                    {
                        verb = "deleted";
                    }

                    if (entry.Property(nameof(Assessment.VisitId)).CurrentValue is Guid current)
                    {
                        Note(changes, current, $"{what} {verb}");
                    }

                    if (entry.State != EntityState.Added && entry.Property(nameof(Assessment.VisitId)).OriginalValue is Guid original)
                    {
                        Note(changes, original, $"{what} {verb}");
                    }

                    break;
                case Infusion infusion:
                    Note(infusions, (infusion.PatientId, infusion.InfusionDate), $"an infusion {verb}");
                    if (entry.State != EntityState.Added)
                    {
                        Note(infusions, ((Guid)entry.Property(nameof(Infusion.PatientId)).OriginalValue!, (DateOnly)entry.Property(nameof(Infusion.InfusionDate)).OriginalValue!),
                            $"an infusion {verb}");
                    }

                    break;
                case InfusionVitalSigns or InfusionPremedication or InfusionReactionRecord:
                    var detail = entry.Entity switch { InfusionVitalSigns => "vital signs", InfusionPremedication => "a premedication", _ => "an infusion reaction" };
                    Note(details, (Guid)entry.Property(nameof(InfusionVitalSigns.InfusionId)).CurrentValue!, $"{detail} of an infusion {verb}");
                    break;
            }
        }

        if (details.Count > 0)
        {
            var ids = details.Keys.ToArray();
            var known = db.ChangeTracker.Entries<Infusion>().Where(e => ids.Contains(e.Entity.Id)).Select(e => (e.Entity.Id, e.Entity.PatientId, e.Entity.InfusionDate)).ToList();
            var missing = ids.Except(known.Select(k => k.Id)).ToArray();
            if (missing.Length > 0)
            {
                known.AddRange(db.Infusions.AsNoTracking().IgnoreQueryFilters().Where(i => missing.Contains(i.Id))
                    .Select(i => new { i.Id, i.PatientId, i.InfusionDate }).AsEnumerable().Select(i => (i.Id, i.PatientId, i.InfusionDate)));
            }

            foreach (var (id, patientId, date) in known)
            {
                foreach (var text in details[id])
                {
                    Note(infusions, (patientId, date), text);
                }
            }
        }

        if (changes.Count == 0 && infusions.Count == 0)
        {
            return;
        }

        var visitIds = changes.Keys.ToArray();
        var patientIds = infusions.Keys.Select(k => k.PatientId).Distinct().ToArray();
        var marks = db.SdvMarks.Where(m => m.ClearedAt == null && (visitIds.Contains(m.VisitId) || patientIds.Contains(m.PatientId))).ToList();
        if (marks.Count == 0)
        {
            return;
        }

        var onDates = new Dictionary<Guid, DateOnly>();
        if (infusions.Count > 0)
        {
            var markVisits = marks.Select(m => m.VisitId).Distinct().ToArray();
            foreach (var v in db.Visits.AsNoTracking().IgnoreQueryFilters().Where(v => markVisits.Contains(v.Id)).Select(v => new { v.Id, v.VisitDate }).ToList())
            {
                onDates[v.Id] = v.VisitDate;
            }
        }

        var now = db.Clock.GetUtcNow();
        var reason = string.IsNullOrWhiteSpace(db.ChangeReason) ? "" : $" ({db.ChangeReason.Trim()})";
        foreach (var mark in marks)
        {
            var what = new SortedSet<string>(StringComparer.Ordinal);
            if (changes.TryGetValue(mark.VisitId, out var atVisit))
            {
                what.UnionWith(atVisit);
            }

            if (onDates.TryGetValue(mark.VisitId, out var date) && infusions.TryGetValue((mark.PatientId, date), out var onDay))
            {
                what.UnionWith(onDay);
            }

            if (what.Count == 0)
            {
                continue;
            }

            mark.ClearedAt = now;
            mark.ClearedBy = db.Actor;
            mark.ClearedReason = Truncate($"source data changed after verification: {string.Join(", ", what)}{reason}");
        }
    }

    /// <summary>
    /// The bulk lab import writes rows without the change tracker: after its insert, the standing marks of the visits
    /// that received a row of this import (created at <paramref name="importedAt"/> by the import's actor) are cleared.
    /// </summary>
    internal static async Task<int> ClearForImportedLabsAsync(StromaDbContext db, IReadOnlyCollection<Guid> candidateVisits, DateTimeOffset importedAt,
        CancellationToken cancellationToken)
    {
        if (candidateVisits.Count == 0)
        {
            return 0;
        }

        // An import may reach tens of thousands of visits: the lists go in chunks (IdChunks).
        var marks = await IdChunks.ToListAsync(candidateVisits, chunk => db.SdvMarks.Where(m => m.ClearedAt == null && chunk.Contains(m.VisitId)), cancellationToken)
            .ConfigureAwait(false);

        if (marks.Count == 0)
        {
            return 0;
        }

        // Only visits that actually received a row now (a duplicate row skipped by the import changed nothing).
        var actor = db.Actor;
        var rows = await IdChunks.ToListAsync(marks.Select(m => m.VisitId), chunk => db.LabResults.AsNoTracking()
            .Where(l => l.VisitId != null && chunk.Contains(l.VisitId.Value) && l.CreatedBy == actor).Select(l => new { l.VisitId, l.CreatedAt }), cancellationToken)
            .ConfigureAwait(false);
        var touched = rows.Where(l => l.CreatedAt == importedAt).Select(l => l.VisitId!.Value).ToHashSet();

        var cleared = 0;
        foreach (var mark in marks.Where(m => touched.Contains(m.VisitId) && m.VerifiedAt <= importedAt))
        {
            mark.ClearedAt = importedAt;
            mark.ClearedBy = actor;
            mark.ClearedReason = "source data changed after verification: a lab result added (import)";
            cleared++;
        }

        if (cleared > 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return cleared;
    }

    private static string Truncate(string text) => text.Length <= 1024 ? text : text[..1021] + "...";

    private static void Note<TKey>(Dictionary<TKey, SortedSet<string>> into, TKey key, string text)
        where TKey : notnull
    {
        if (!into.TryGetValue(key, out var set))
        {
            into[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        }

        set.Add(text);
    }
}
