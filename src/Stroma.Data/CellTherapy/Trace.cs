using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.CellTherapy;

/// <summary>An infusion as trace shows it.</summary>
public sealed record TracedInfusion(string PatientStudyId, string SiteCode, string LotNumber, string EventKey, string ComponentKey, DateOnly Date, decimal DoseCells);

/// <summary>An adverse event as trace shows it.</summary>
public sealed record TracedAdverseEvent(string PatientStudyId, string Term, DateOnly Onset, int? CtcaeGrade, bool Serious, Causality Causality,
    Expectedness? Expectedness, string? SuspectLot);

/// <summary>A custody event as trace shows it.</summary>
public sealed record TracedCustodyEvent(CustodyEventKind Kind, DateTimeOffset At, string Place, string Person, decimal? TemperatureCelsius, string? PatientStudyId, string? Warnings);

/// <summary>The lot's release decision.</summary>
public sealed record TracedDecision(ReleaseVerdict Verdict, string SignedBy, DateTimeOffset SignedAt, string Meaning, string? Reason, string Specification);

/// <summary>One patient who received a lot.</summary>
public sealed record LotRecipient(string PatientStudyId, string SiteCode, IReadOnlyList<TracedInfusion> Infusions, IReadOnlyList<TracedAdverseEvent> AdverseEvents);

/// <summary>Everything about one lot: the lot and its site, its decision, custody, and every patient who received it.</summary>
public sealed record LotTrace(CellLotRecord Lot, string SiteCode, TracedDecision? Decision, IReadOnlyList<TracedCustodyEvent> Custody, IReadOnlyList<LotRecipient> Recipients);

/// <summary>One lot a patient received, with its custody history.</summary>
public sealed record ReceivedLot(CellLotRecord Lot, IReadOnlyList<TracedInfusion> Infusions, IReadOnlyList<TracedCustodyEvent> Custody);

/// <summary>Everything one patient received.</summary>
public sealed record PatientTrace(string PatientStudyId, string SiteCode, IReadOnlyList<ReceivedLot> Lots, IReadOnlyList<TracedAdverseEvent> AdverseEvents);

/// <summary>
/// Traceability both ways: from a lot to every patient who received it (infusion dates, adverse events from their
/// first infusion of the lot on, marked with the suspect lot the investigator named), and from a patient to every lot
/// received with its chain of custody.
/// </summary>
public static class Trace
{
    public static async Task<(LotTrace? Trace, Issue? Issue)> LotAsync(StromaDbContext db, string lotNumber, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (lot, unknown) = await Lookup.LotAsync(db, lotNumber, cancellationToken).ConfigureAwait(false);
        if (lot is null)
        {
            return (null, unknown);
        }

        // SQLite cannot order by DateTimeOffset: a lot has at most one decision, so order the few rows here.
        var decision = (await db.LotDecisions.AsNoTracking().Where(d => d.LotId == lot.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
            .OrderByDescending(d => d.SignedAt).FirstOrDefault();
        var infusions = await InfusionsAsync(db, db.Infusions.Where(i => i.LotId == lot.Id), cancellationToken).ConfigureAwait(false);
        var recipients = new List<LotRecipient>();
        foreach (var group in infusions.GroupBy(i => (i.PatientStudyId, i.SiteCode)).OrderBy(g => g.Min(i => i.Date)).ThenBy(g => g.Key.PatientStudyId, StringComparer.Ordinal))
        {
            var first = group.Min(i => i.Date);
            var events = await AdverseEventsAsync(db, group.Key.PatientStudyId, group.Key.SiteCode, cancellationToken).ConfigureAwait(false);
            recipients.Add(new LotRecipient(group.Key.PatientStudyId, group.Key.SiteCode, [.. group.OrderBy(i => i.Date)],
                [.. events.Where(e => e.Onset >= first || e.SuspectLot == lot.LotNumber)]));
        }

        var siteCode = await db.Sites.AsNoTracking().Where(s => s.Id == lot.SiteId).Select(s => s.Code).SingleAsync(cancellationToken).ConfigureAwait(false);
        return (new LotTrace(lot, siteCode, decision is null ? null : new TracedDecision(decision.Verdict, decision.SignedBy, decision.SignedAt, decision.Meaning, decision.Reason,
            $"{decision.SpecificationName} {decision.SpecificationVersion}"), await CustodyAsync(db, lot.Id, cancellationToken).ConfigureAwait(false), recipients), null);
    }

    public static async Task<(PatientTrace? Trace, Issue? Issue)> PatientAsync(StromaDbContext db, string patientStudyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (patient, problem) = await Lookup.PatientAsync(db, patientStudyId, cancellationToken).ConfigureAwait(false);
        if (patient is null)
        {
            return (null, problem);
        }

        var site = await db.Sites.AsNoTracking().SingleAsync(s => s.Id == patient.SiteId, cancellationToken).ConfigureAwait(false);
        var infusions = await InfusionsAsync(db, db.Infusions.Where(i => i.PatientId == patient.Id), cancellationToken).ConfigureAwait(false);
        var lots = new List<ReceivedLot>();
        foreach (var group in infusions.GroupBy(i => i.LotNumber, StringComparer.Ordinal).OrderBy(g => g.Min(i => i.Date)))
        {
            var lot = await db.CellLots.AsNoTracking().SingleAsync(l => l.LotNumber == group.Key, cancellationToken).ConfigureAwait(false);
            lots.Add(new ReceivedLot(lot, [.. group.OrderBy(i => i.Date)], await CustodyAsync(db, lot.Id, cancellationToken).ConfigureAwait(false)));
        }

        return (new PatientTrace(patient.StudyId, site.Code, lots, await AdverseEventsAsync(db, patient.StudyId, site.Code, cancellationToken).ConfigureAwait(false)), null);
    }

    private static async Task<List<TracedInfusion>> InfusionsAsync(StromaDbContext db, IQueryable<Infusion> query, CancellationToken cancellationToken)
    {
        var rows = await (from i in query
                          join p in db.Patients on i.PatientId equals p.Id
                          join s in db.Sites on p.SiteId equals s.Id
                          join l in db.CellLots on i.LotId equals l.Id
                          select new { p.StudyId, s.Code, l.LotNumber, i.EventKey, i.ComponentKey, i.InfusionDate, i.DoseCells }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new TracedInfusion(r.StudyId, r.Code, r.LotNumber, r.EventKey, r.ComponentKey, r.InfusionDate, r.DoseCells))
            .OrderBy(r => r.Date).ThenBy(r => r.PatientStudyId, StringComparer.Ordinal).ThenBy(r => r.ComponentKey, StringComparer.Ordinal)];
    }

    private static async Task<List<TracedAdverseEvent>> AdverseEventsAsync(StromaDbContext db, string studyId, string siteCode, CancellationToken cancellationToken)
    {
        var rows = await (from a in db.AdverseEvents
                          join p in db.Patients on a.PatientId equals p.Id
                          join s in db.Sites on p.SiteId equals s.Id
                          where p.StudyId == studyId && s.Code == siteCode
                          select new { a.Term, a.OnsetDate, a.CtcaeGrade, a.Serious, a.Causality, a.Expectedness, a.LotId }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var lotIds = rows.Where(r => r.LotId is not null).Select(r => r.LotId!.Value).Distinct().ToList();
        var lotNumbers = await db.CellLots.AsNoTracking().Where(l => lotIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.LotNumber, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new TracedAdverseEvent(studyId, r.Term, r.OnsetDate, r.CtcaeGrade, r.Serious, r.Causality, r.Expectedness,
            r.LotId is { } id ? lotNumbers[id] : null)).OrderBy(r => r.Onset).ThenBy(r => r.Term, StringComparer.Ordinal)];
    }

    private static async Task<List<TracedCustodyEvent>> CustodyAsync(StromaDbContext db, Guid lotId, CancellationToken cancellationToken)
    {
        var events = await Lots.History(db, lotId, cancellationToken).ConfigureAwait(false);
        var patientIds = events.Where(e => e.PatientId is not null).Select(e => e.PatientId!.Value).Distinct().ToList();
        var studyIds = await db.Patients.AsNoTracking().Where(p => patientIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.StudyId, cancellationToken).ConfigureAwait(false);
        return [.. events.Select(e => new TracedCustodyEvent(e.Kind, e.At, e.Place, e.Person, e.TemperatureCelsius, e.PatientId is { } id ? studyIds[id] : null, e.Warnings))];
    }
}
