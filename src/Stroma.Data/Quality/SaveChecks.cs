using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Quality;
using Stroma.Data.Model;
using LabResult = Stroma.Data.Model.LabResult;

namespace Stroma.Data.Quality;

/// <summary>
/// Save-time checks (docs/data-quality.md "Save-time checks"): a use case calls <see cref="RunAsync"/> after adding or
/// changing its records and before <c>SaveChanges</c>. The checks of the patient's enrolments' protocol versions run on
/// the records about to be written (a visit, and the visit of a lab result or score; an infusion; an adverse event)
/// through the batch run's evaluation (<see cref="CheckRuns.Evaluate"/> over <see cref="CheckValues"/>), with the
/// pending records put over the stored ones. A <b>hard</b> finding is an error (<see cref="IssueCodes.CheckHardFinding"/>,
/// path the catalogue field): the pending records are taken out of the context, so the save writes nothing. A
/// <b>soft</b> finding is a warning (<see cref="IssueCodes.CheckSoftFinding"/>) and adds a query on the field, saved
/// with the record, unless the same check already has a query on that record and field (as the batch run). Completeness
/// checks run only in batch: a visit's results arrive over several saves, so a new visit would always fail them.
/// </summary>
public static class SaveChecks
{
    /// <summary>The finding of one check on one pending record.</summary>
    public sealed record Finding(Guid PatientId, Guid SiteId, string ProtocolKey, string ProtocolVersion, CheckDefinition Check, CheckRecord Record, CheckRule Rule, string Value)
    {
        /// <summary>The finding as an issue: an error for a hard check, a warning for a soft one.</summary>
        public Issue ToIssue(string culture = "en")
        {
            var text = $"{Check.Message.For(culture)} (check {Check.Key}, {Rule.Field} = {(Value.Length == 0 ? "missing" : Value)})";
            return Check.Severity == CheckSeverity.Hard
                ? Issue.Error(IssueCodes.CheckHardFinding, Rule.Field, text)
                : Issue.Warning(IssueCodes.CheckSoftFinding, Rule.Field, text);
        }
    }

    /// <summary>
    /// Runs the checks on the pending records of <paramref name="db"/>. Returns every finding as an issue (errors refuse:
    /// the pending records were detached; warnings: their queries were added to the context). The issue's message is the
    /// check's message in the current UI language (a web page's: English or Simplified Chinese, both declared by the
    /// protocol); the query keeps the English one.
    /// </summary>
    public static async Task<IReadOnlyList<Issue>> RunAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        var culture = System.Globalization.CultureInfo.CurrentUICulture.Name;
        var findings = await FindAsync(db, cancellationToken).ConfigureAwait(false);
        if (findings.Count == 0)
        {
            return [];
        }

        if (findings.Any(f => f.Check.Severity == CheckSeverity.Hard))
        {
            Discard(db);
            return [.. findings.Select(f => f.ToIssue(culture))];
        }

        await OpenQueriesAsync(db, findings, cancellationToken).ConfigureAwait(false);
        return [.. findings.Select(f => f.ToIssue(culture))];
    }

    /// <summary>What the checks find on the pending records, without changing anything.</summary>
    public static async Task<IReadOnlyList<Finding>> FindAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var pending = Pending(db).Select(e => e.Entity).ToList();
        var targets = new HashSet<(CheckScope, Guid)>();
        var patientIds = new HashSet<Guid>();
        foreach (var entity in pending)
        {
            switch (entity)
            {
                case Visit v:
                    targets.Add((CheckScope.Visit, v.Id));
                    patientIds.Add(v.PatientId);
                    break;
                case LabResult { VisitId: { } visitId } l:
                    targets.Add((CheckScope.Visit, visitId));
                    patientIds.Add(l.PatientId);
                    break;
                case Assessment { VisitId: { } visitId } a:
                    targets.Add((CheckScope.Visit, visitId));
                    patientIds.Add(a.PatientId);
                    break;
                case Infusion i:
                    targets.Add((CheckScope.Infusion, i.Id));
                    patientIds.Add(i.PatientId);
                    break;
                case AdverseEvent e:
                    targets.Add((CheckScope.AdverseEvent, e.Id));
                    patientIds.Add(e.PatientId);
                    break;
                default:
                    break;
            }
        }

        if (patientIds.Count == 0)
        {
            return [];
        }

        var ids = patientIds.ToList();
        var enrolments = await db.ProtocolEnrolments.AsNoTracking().Where(e => ids.Contains(e.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (enrolments.Count == 0)
        {
            return [];
        }

        var definitions = await CheckRuns.DefinitionsAsync(db, null, cancellationToken).ConfigureAwait(false);
        enrolments = [.. enrolments.Where(e => definitions.ContainsKey((e.ProtocolKey, e.ProtocolVersion)))];
        if (enrolments.Count == 0)
        {
            return [];
        }

        var snapshot = await CheckSnapshot.LoadAsync(db, ids, [.. enrolments.Select(e => e.Id)], cancellationToken).ConfigureAwait(false);
        snapshot.Overlay(pending);
        var findings = new List<Finding>();
        foreach (var enrolment in enrolments)
        {
            if (snapshot.For(enrolment) is not { } values)
            {
                continue;
            }

            var checks = definitions[(enrolment.ProtocolKey, enrolment.ProtocolVersion)].Checks.Where(c => c.Kind != CheckKind.Completeness).ToList();
            foreach (var (check, record, rule) in CheckRuns.Evaluate(checks, values))
            {
                if (targets.Contains((record.Scope, record.RecordId)))
                {
                    findings.Add(new Finding(values.Patient.Id, values.Patient.SiteId, enrolment.ProtocolKey, enrolment.ProtocolVersion, check, record, rule,
                        record.Values.GetValueOrDefault(rule.Field).ToString()));
                }
            }
        }

        return findings;
    }

    /// <summary>Adds a query for each soft finding that has none yet (saved by the caller with its records).</summary>
    private static async Task OpenQueriesAsync(StromaDbContext db, IReadOnlyList<Finding> findings, CancellationToken cancellationToken)
    {
        if (!db.OpenCheckQueries)
        {
            return;
        }

        var soft = findings.Where(f => f.Check.Severity == CheckSeverity.Soft).ToList();
        var ids = soft.Select(f => f.PatientId).Distinct().ToList();
        var existing = (await db.Queries.AsNoTracking().Where(q => ids.Contains(q.PatientId) && q.CheckKey != null)
            .Select(q => new { q.ProtocolKey, q.CheckKey, q.RecordType, q.RecordId, q.Field }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(q => (q.ProtocolKey!, q.CheckKey!, q.RecordType, q.RecordId, q.Field)).ToHashSet();
        // Queries added earlier in the same unit of work (several corrections of one HL7 message) are not stored yet.
        existing.UnionWith(db.ChangeTracker.Entries<QueryRecord>().Where(e => e.State == EntityState.Added && e.Entity.CheckKey != null)
            .Select(e => (e.Entity.ProtocolKey!, e.Entity.CheckKey!, e.Entity.RecordType, e.Entity.RecordId, e.Entity.Field)));
        foreach (var f in soft)
        {
            var recordType = f.Record.Scope.Key();
            if (existing.Add((f.ProtocolKey, f.Check.Key, recordType, f.Record.RecordId, f.Rule.Field)))
            {
                db.Queries.Add(Queries.NewQuery(db, (f.PatientId, f.SiteId, f.Record.VisitId), new QueryTarget(recordType, f.Record.RecordId, f.Rule.Field),
                    f.Check.Message.English, Queries.CheckActor, f.ProtocolKey, f.ProtocolVersion, f.Check.Key, f.Value));
            }
        }
    }

    private static List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry> Pending(StromaDbContext db) =>
        db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList();

    /// <summary>A refused save writes nothing: added records leave the context, changed ones go back to their stored values.</summary>
    private static void Discard(StromaDbContext db)
    {
        foreach (var entry in Pending(db))
        {
            if (entry.State == EntityState.Added)
            {
                entry.State = EntityState.Detached;
            }
            else
            {
                entry.CurrentValues.SetValues(entry.OriginalValues);
                entry.State = EntityState.Unchanged;
            }
        }
    }
}
