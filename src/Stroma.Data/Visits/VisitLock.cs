using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.Visits;

/// <summary>
/// A save tried to add, change or delete something recorded under a signed (locked) visit; <see cref="Issue"/> says
/// which visit, who signed it and when. Use cases check first (<see cref="VisitLock.FindSignedAsync"/>) and return the
/// issue; this exception is the guard behind them, for any path that did not.
/// </summary>
public sealed class VisitLockedException(Issue issue) : InvalidOperationException(issue.Message)
{
    public Issue Issue { get; } = issue;
}

/// <summary>A signed visit: who signed it and when (for the message that refuses a change).</summary>
public sealed record SignedVisit(Guid Id, Guid PatientId, DateOnly Date, string? SignedBy, string? SignedByName, DateTimeOffset SignedAt)
{
    /// <summary>The refusal (<see cref="IssueCodes.VisitLocked"/>) of a change under this visit, at <paramref name="path"/>.</summary>
    public Issue Refusal(string path) => Issue.Error(IssueCodes.VisitLocked, path, string.Create(CultureInfo.InvariantCulture,
        $"The visit of {Date:yyyy-MM-dd} was signed by {SignedByName ?? SignedBy} ({SignedBy}) at {SignedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC and is locked: nothing recorded under it can be added or changed until an investigator unlocks it (password and reason)."));
}

/// <summary>
/// "Signed means locked" (21 CFR 11.10(e), 11.70: a signature stays linked to the record it signs), enforced in ONE
/// place that every writer goes through: before each save, any added, changed or deleted <see cref="Assessment"/> or
/// <see cref="LabResult"/> of a signed visit, the signed <see cref="Visit"/> itself (other than its signature fields,
/// which only signing and unlocking change), and a recorded <see cref="Infusion"/> (with its vital signs, premedication
/// and reactions) given on the date of one of the patient's signed visits and recorded before that signature, and likewise
/// a recorded <see cref="LymphodepletionRecord"/> with a signed visit on one of its days, refuse the whole save
/// (<see cref="VisitLockedException"/>). Bulk lab imports, which do not go through <c>SaveChanges</c>, check
/// <see cref="FindSignedAsync"/> per row. A <see cref="Medication"/> recorded at a visit (<see cref="Medication.VisitId"/>)
/// is locked with it like a lab result, with one exception: the stop date of a course that was still running (no stop
/// date) may be recorded later, when it is after the visit's date, since the course ending later is a new event, not
/// a change of what was signed. A medication recorded outside a visit (no visit id) is not locked by any signature.
/// </summary>
public static class VisitLock
{
    private static readonly HashSet<string> SignatureFields =
    [
        nameof(Visit.SignedBy), nameof(Visit.SignedByName), nameof(Visit.SignedAt), nameof(Visit.SignatureMeaning),
        nameof(TrackedRecord.Version), nameof(TrackedRecord.UpdatedAt), nameof(TrackedRecord.UpdatedBy),
    ];

    /// <summary>The visit <paramref name="visitId"/> when it is signed (as stored), else null.</summary>
    public static Task<SignedVisit?> FindSignedAsync(StromaDbContext db, Guid visitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Visits.AsNoTracking().Where(v => v.Id == visitId && v.SignedAt != null)
            .Select(v => new SignedVisit(v.Id, v.PatientId, v.VisitDate, v.SignedBy, v.SignedByName, v.SignedAt!.Value))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// For a medication recorded at a visit whose only change is a stop date set where there was none (the course ended):
    /// the visit and the new stop date; null for any other change.
    /// </summary>
    private static (Guid VisitId, DateOnly Stop)? StopOnly(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry)
    {
        if (entry.Property(nameof(Medication.VisitId)).OriginalValue is not Guid visitId
            || !Equals(entry.Property(nameof(Medication.VisitId)).CurrentValue, visitId)
            || entry.Property(nameof(Medication.StopDate)).OriginalValue is not null
            || entry.Property(nameof(Medication.StopDate)).CurrentValue is not DateOnly stop)
        {
            return null;
        }

        var others = entry.Properties.Any(p => p.IsModified && p.Metadata.Name != nameof(Medication.StopDate) && !SignatureFields.Contains(p.Metadata.Name)
            && !Equals(p.OriginalValue, p.CurrentValue));
        return others ? null : (visitId, stop);
    }

    /// <summary>The guard run before every save (see the class summary); throws <see cref="VisitLockedException"/>.</summary>
    internal static void Check(StromaDbContext db)
    {
        if (db.BypassAudit)
        {
            return;
        }

        var visitIds = new HashSet<Guid>();
        var infusions = new HashSet<(Guid PatientId, DateOnly Date, DateTimeOffset RecordedAt)>();
        var infusionIds = new HashSet<Guid>();
        var courses = new HashSet<(Guid PatientId, DateOnly Date, DateTimeOffset RecordedAt)>();
        var stops = new List<(Guid VisitId, DateOnly Stop)>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            switch (entry.Entity)
            {
                case Visit visit when entry.State != EntityState.Added && entry.Property(nameof(Visit.SignedAt)).OriginalValue is DateTimeOffset signedAt:
                    var changed = entry.State == EntityState.Deleted
                        || entry.Properties.Any(p => p.IsModified && !SignatureFields.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue));
                    if (changed)
                    {
                        throw new VisitLockedException(new SignedVisit(visit.Id, visit.PatientId, (DateOnly)entry.Property(nameof(Visit.VisitDate)).OriginalValue!,
                            (string?)entry.Property(nameof(Visit.SignedBy)).OriginalValue, (string?)entry.Property(nameof(Visit.SignedByName)).OriginalValue, signedAt).Refusal("visit"));
                    }

                    break;
                case Assessment or LabResult:
                    AddVisit(entry.Property(nameof(Assessment.VisitId)).CurrentValue);
                    if (entry.State != EntityState.Added)
                    {
                        AddVisit(entry.Property(nameof(Assessment.VisitId)).OriginalValue);
                    }

                    break;
                case Medication:
                    if (entry.State == EntityState.Modified && StopOnly(entry) is { } stop)
                    {
                        stops.Add(stop);
                        break;
                    }

                    AddVisit(entry.Property(nameof(Medication.VisitId)).CurrentValue);
                    if (entry.State != EntityState.Added)
                    {
                        AddVisit(entry.Property(nameof(Medication.VisitId)).OriginalValue);
                    }

                    break;
                case Infusion when entry.State != EntityState.Added:
                    // An infusion recorded before a visit on its date was signed is part of what was signed; one recorded
                    // later (the infusion after a signed baseline visit that morning) is not.
                    infusions.Add(((Guid)entry.Property(nameof(Infusion.PatientId)).OriginalValue!, (DateOnly)entry.Property(nameof(Infusion.InfusionDate)).OriginalValue!,
                        (DateTimeOffset)entry.Property(nameof(TrackedRecord.CreatedAt)).OriginalValue!));
                    break;
                case LymphodepletionRecord when entry.State != EntityState.Added:
                    // Like an infusion: a course recorded before a visit on one of its days was signed is part of what was signed.
                    var from = (DateOnly)entry.Property(nameof(LymphodepletionRecord.FirstGivenOn)).OriginalValue!;
                    var to = (DateOnly)entry.Property(nameof(LymphodepletionRecord.LastGivenOn)).OriginalValue!;
                    for (var day = from; day <= to; day = day.AddDays(1))
                    {
                        courses.Add(((Guid)entry.Property(nameof(LymphodepletionRecord.PatientId)).OriginalValue!, day,
                            (DateTimeOffset)entry.Property(nameof(TrackedRecord.CreatedAt)).OriginalValue!));
                    }

                    break;
                case InfusionVitalSigns or InfusionPremedication or InfusionReactionRecord:
                    infusionIds.Add((Guid)entry.Property(nameof(InfusionVitalSigns.InfusionId)).CurrentValue!);
                    break;
            }
        }

        void AddVisit(object? id)
        {
            if (id is Guid g)
            {
                visitIds.Add(g);
            }
        }

        if (infusionIds.Count > 0)
        {
            foreach (var e in db.ChangeTracker.Entries<Infusion>().Where(e => infusionIds.Contains(e.Entity.Id)).ToList())
            {
                // The details of an infusion added in this same save are recorded with it (not under a signature yet).
                if (e.State != EntityState.Added)
                {
                    infusions.Add((e.Entity.PatientId, e.Entity.InfusionDate, (DateTimeOffset)e.Property(nameof(TrackedRecord.CreatedAt)).OriginalValue!));
                }

                infusionIds.Remove(e.Entity.Id);
            }

            if (infusionIds.Count > 0)
            {
                foreach (var i in db.Infusions.AsNoTracking().IgnoreQueryFilters().Where(i => infusionIds.Contains(i.Id))
                    .Select(i => new { i.PatientId, i.InfusionDate, i.CreatedAt }).ToList())
                {
                    infusions.Add((i.PatientId, i.InfusionDate, i.CreatedAt));
                }
            }
        }

        if (stops.Count > 0)
        {
            // A course's stop date recorded after the visit is allowed; one on or before the visit's date changes what was signed.
            var ids = stops.Select(s => s.VisitId).Distinct().ToArray();
            var signed = db.Visits.AsNoTracking().Where(v => ids.Contains(v.Id) && v.SignedAt != null)
                .Select(v => new SignedVisit(v.Id, v.PatientId, v.VisitDate, v.SignedBy, v.SignedByName, v.SignedAt!.Value)).ToList();
            if (signed.FirstOrDefault(v => stops.Any(s => s.VisitId == v.Id && s.Stop <= v.Date)) is { } locked)
            {
                throw new VisitLockedException(locked.Refusal("stop_date"));
            }
        }

        if (visitIds.Count > 0)
        {
            // A visit added in this same save is being created with its records: not yet signed as stored.
            var ids = visitIds.ToArray();
            var signed = db.Visits.AsNoTracking().Where(v => ids.Contains(v.Id) && v.SignedAt != null)
                .Select(v => new SignedVisit(v.Id, v.PatientId, v.VisitDate, v.SignedBy, v.SignedByName, v.SignedAt!.Value)).Take(1).ToList();
            if (signed.Count > 0)
            {
                throw new VisitLockedException(signed[0].Refusal("visit"));
            }
        }

        foreach (var (dated, path) in new[] { (infusions, "start"), (courses, "lymphodepletion") })
        {
            if (dated.Count == 0)
            {
                continue;
            }

            var patients = dated.Select(d => d.PatientId).Distinct().ToArray();
            var candidates = db.Visits.AsNoTracking().Where(v => patients.Contains(v.PatientId) && v.SignedAt != null)
                .Select(v => new SignedVisit(v.Id, v.PatientId, v.VisitDate, v.SignedBy, v.SignedByName, v.SignedAt!.Value)).ToList();
            if (candidates.FirstOrDefault(v => dated.Any(i => i.PatientId == v.PatientId && i.Date == v.Date && i.RecordedAt <= v.SignedAt)) is { } locked)
            {
                throw new VisitLockedException(locked.Refusal(path));
            }
        }
    }
}
