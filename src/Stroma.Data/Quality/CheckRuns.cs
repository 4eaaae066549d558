using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Quality;
using Stroma.Data.Model;

namespace Stroma.Data.Quality;

/// <summary>One discrepancy a check found on one field of one record.</summary>
public sealed record CheckFinding(string SiteCode, string StudyId, string ProtocolKey, string ProtocolVersion, string CheckKey, CheckSeverity Severity,
    string RecordType, Guid RecordId, string Field, string Value, string Message, bool QueryOpened);

/// <summary>What a batch run did: enrolments checked, what was found (soft and hard), how many queries it opened.</summary>
public sealed record CheckRunReport(int Enrolments, int Checks, IReadOnlyList<CheckFinding> Findings, int QueriesOpened, IReadOnlyList<Issue> Issues);

/// <summary>
/// Runs the edit checks of every protocol version that has enrolments (docs/data-quality.md "Batch runs") over the
/// registry, a page of enrolments at a time (it never loads a whole table). Soft findings open a query on the field
/// unless the same check already has one there (open, answered or closed: closing a query accepts the value, so a
/// second run opens no duplicates); hard findings are reported (a hard check refuses new saves; what was stored
/// before the check existed is listed for the site to correct).
/// </summary>
public static class CheckRuns
{
    /// <summary>Enrolments read per round trip.</summary>
    public const int PageSize = 500;

    public static async Task<CheckRunReport> RunAsync(StromaDbContext db, string? siteCode, string? protocolKey, IProgress<(int Done, int Total)>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var issues = new List<Issue>();
        if (siteCode is not null && !await db.Sites.AnyAsync(s => s.Code == siteCode, cancellationToken).ConfigureAwait(false))
        {
            return new CheckRunReport(0, 0, [], 0, [Issue.Error(IssueCodes.UnknownSite, "site", $"No site has code '{siteCode}'.")]);
        }

        var versions = await db.ProtocolVersions.AsNoTracking()
            .Where(v => v.Status != ProtocolVersionStatus.Draft && (protocolKey == null || v.ProtocolKey == protocolKey))
            .Select(v => new { v.ProtocolKey, v.Number, v.DefinitionJson }).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (protocolKey is not null && versions.Count == 0 && ProtocolTemplates.Find(protocolKey) is null)
        {
            return new CheckRunReport(0, 0, [], 0, [Issue.Error(IssueCodes.UnknownProtocol, "protocol", $"No approved protocol '{protocolKey}'.")]);
        }

        var definitions = new Dictionary<(string Key, string Version), ProtocolDefinition>();
        foreach (var v in versions)
        {
            var number = v.Number.ToString(CultureInfo.InvariantCulture);
            var (definition, _) = ProtocolDefinitions.Parse(v.DefinitionJson, number);
            if (definition is { Checks.Count: > 0 })
            {
                definitions[(v.ProtocolKey, number)] = definition;
            }
        }

        var keys = definitions.Keys.Select(k => k.Key).Distinct().ToList();
        var enrolments = db.ProtocolEnrolments.AsNoTracking().Where(e => keys.Contains(e.ProtocolKey));
        if (siteCode is not null)
        {
            enrolments = enrolments.Where(e => e.Patient!.Site!.Code == siteCode);
        }

        var total = await enrolments.CountAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report((0, total));
        var findings = new List<CheckFinding>();
        var opened = 0;
        var done = 0;
        var checkCount = definitions.Values.Sum(d => d.Checks.Count);
        while (true)
        {
            var page = await enrolments.OrderBy(e => e.Id).Skip(done).Take(PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            var (pageFindings, pageOpened) = await PageAsync(db, page, definitions, cancellationToken).ConfigureAwait(false);
            findings.AddRange(pageFindings);
            opened += pageOpened;
            done += page.Count;
            progress?.Report((done, total));
        }

        return new CheckRunReport(total, checkCount, findings, opened, issues);
    }

    private static async Task<(List<CheckFinding> Findings, int Opened)> PageAsync(StromaDbContext db, List<ProtocolEnrolment> page,
        Dictionary<(string Key, string Version), ProtocolDefinition> definitions, CancellationToken cancellationToken)
    {
        var patientIds = page.Select(e => e.PatientId).Distinct().ToList();
        var enrolmentIds = page.Select(e => e.Id).ToList();
        var patients = await db.Patients.AsNoTracking().Where(p => patientIds.Contains(p.Id)).Select(p => new { Patient = p, Site = p.Site!.Code })
            .ToDictionaryAsync(p => p.Patient.Id, cancellationToken).ConfigureAwait(false);
        var visits = (await db.Visits.AsNoTracking().Where(v => patientIds.Contains(v.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(v => v.PatientId);
        var labs = (await db.LabResults.AsNoTracking().Where(l => patientIds.Contains(l.PatientId) && l.VisitId != null).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(l => l.PatientId);
        var assessments = (await db.Assessments.AsNoTracking().Where(a => patientIds.Contains(a.PatientId) && a.VisitId != null).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(a => a.PatientId);
        var infusions = (await db.Infusions.AsNoTracking().Where(i => enrolmentIds.Contains(i.EnrolmentId)).ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(i => i.PatientId);
        var events = (await db.AdverseEvents.AsNoTracking().Where(a => patientIds.Contains(a.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(a => a.PatientId);
        var deaths = (await db.Deaths.AsNoTracking().Where(d => patientIds.Contains(d.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(d => d.PatientId).ToDictionary(g => g.Key, g => g.OrderBy(d => d.DeathDate).First());
        var existing = (await db.Queries.AsNoTracking().Where(q => patientIds.Contains(q.PatientId) && q.CheckKey != null)
            .Select(q => new { q.ProtocolKey, q.CheckKey, q.RecordType, q.RecordId, q.Field }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(q => (q.ProtocolKey!, q.CheckKey!, q.RecordType, q.RecordId, q.Field)).ToHashSet();

        var findings = new List<CheckFinding>();
        var opened = 0;
        foreach (var enrolment in page)
        {
            if (!definitions.TryGetValue((enrolment.ProtocolKey, enrolment.ProtocolVersion), out var definition) || !patients.TryGetValue(enrolment.PatientId, out var patient))
            {
                continue;
            }

            var values = new CheckValues
            {
                Patient = patient.Patient,
                Enrolment = enrolment,
                Visits = [.. visits[enrolment.PatientId]],
                Labs = [.. labs[enrolment.PatientId]],
                Assessments = [.. assessments[enrolment.PatientId]],
                Infusions = [.. infusions[enrolment.PatientId]],
                AdverseEvents = [.. events[enrolment.PatientId]],
                Death = deaths.GetValueOrDefault(enrolment.PatientId),
            };
            foreach (var (check, record, rule) in Evaluate(definition.Checks, values))
            {
                var recordType = record.Scope.Key();
                var open = check.Severity == CheckSeverity.Soft
                    && existing.Add((enrolment.ProtocolKey, check.Key, recordType, record.RecordId, rule.Field));
                var value = record.Values.GetValueOrDefault(rule.Field).ToString();
                if (open)
                {
                    db.Queries.Add(Queries.NewQuery(db, (patient.Patient.Id, patient.Patient.SiteId, record.VisitId), new QueryTarget(recordType, record.RecordId, rule.Field),
                        check.Message.English, Queries.CheckActor, enrolment.ProtocolKey, enrolment.ProtocolVersion, check.Key, value));
                    opened++;
                }

                findings.Add(new CheckFinding(patient.Site, patient.Patient.StudyId, enrolment.ProtocolKey, enrolment.ProtocolVersion, check.Key, check.Severity,
                    recordType, record.RecordId, rule.Field, value, check.Message.English, open));
            }
        }

        if (opened > 0)
        {
            var actor = db.Actor;
            db.Actor = Queries.CheckActor;
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                db.Actor = actor;
                db.ChangeTracker.Clear();
            }
        }

        return (findings, opened);
    }

    /// <summary>Every (check, record, rule) that fires on one enrolment's records.</summary>
    public static IEnumerable<(CheckDefinition Check, CheckRecord Record, CheckRule Rule)> Evaluate(IReadOnlyList<CheckDefinition> checks, CheckValues values)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(values);
        foreach (var scope in checks.Select(c => c.Scope).Distinct())
        {
            foreach (var record in values.Records(scope))
            {
                foreach (var check in checks.Where(c => c.Scope == scope))
                {
                    foreach (var rule in check.Fired(record.Values))
                    {
                        yield return (check, record, rule);
                    }
                }
            }
        }
    }
}
