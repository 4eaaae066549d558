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

    public static Task<CheckRunReport> RunAsync(StromaDbContext db, string? siteCode, string? protocolKey, IProgress<(int Done, int Total)>? progress,
        CancellationToken cancellationToken = default) =>
        RunAsync(db, db, siteCode, protocolKey, progress, cancellationToken);

    /// <summary>
    /// The run with the records read from <c>source</c> (a read replica caught up with the primary, docs/operations.md
    /// "Read replicas") and the queries it opens written through <c>db</c> (the primary).
    /// </summary>
    public static async Task<CheckRunReport> RunAsync(StromaDbContext db, StromaDbContext source, string? siteCode, string? protocolKey,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(source);
        var issues = new List<Issue>();
        if (siteCode is not null && !await source.Sites.AnyAsync(s => s.Code == siteCode, cancellationToken).ConfigureAwait(false))
        {
            return new CheckRunReport(0, 0, [], 0, [Issue.Error(IssueCodes.UnknownSite, "site", $"No site has code '{siteCode}'.")]);
        }

        var definitions = await DefinitionsAsync(source, protocolKey, cancellationToken).ConfigureAwait(false);
        if (protocolKey is not null && definitions.Count == 0 && ProtocolTemplates.Find(protocolKey) is null
            && !await source.ProtocolVersions.AnyAsync(v => v.Status != ProtocolVersionStatus.Draft && v.ProtocolKey == protocolKey, cancellationToken).ConfigureAwait(false))
        {
            return new CheckRunReport(0, 0, [], 0, [Issue.Error(IssueCodes.UnknownProtocol, "protocol", $"No approved protocol '{protocolKey}'.")]);
        }

        var keys = definitions.Keys.Select(k => k.Key).Distinct().ToList();
        var enrolments = source.ProtocolEnrolments.AsNoTracking().Where(e => keys.Contains(e.ProtocolKey));
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

            var (pageFindings, pageOpened) = await PageAsync(db, source, page, definitions, cancellationToken).ConfigureAwait(false);
            findings.AddRange(pageFindings);
            opened += pageOpened;
            done += page.Count;
            progress?.Report((done, total));
        }

        return new CheckRunReport(total, checkCount, findings, opened, issues);
    }

    private static async Task<(List<CheckFinding> Findings, int Opened)> PageAsync(StromaDbContext db, StromaDbContext source, List<ProtocolEnrolment> page,
        Dictionary<(string Key, string Version), ProtocolDefinition> definitions, CancellationToken cancellationToken)
    {
        var snapshot = await CheckSnapshot.LoadAsync(source, page.Select(e => e.PatientId).Distinct().ToList(), page.Select(e => e.Id).ToList(), cancellationToken)
            .ConfigureAwait(false);
        var existing = snapshot.ExistingQueries;

        var findings = new List<CheckFinding>();
        var opened = 0;
        foreach (var enrolment in page)
        {
            if (!definitions.TryGetValue((enrolment.ProtocolKey, enrolment.ProtocolVersion), out var definition) || snapshot.For(enrolment) is not { } values)
            {
                continue;
            }

            var patient = new { values.Patient, Site = snapshot.SiteCode(enrolment.PatientId) };
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

    /// <summary>The parsed definitions of the approved (or retired) protocol versions that declare checks, optionally of one protocol.</summary>
    internal static async Task<Dictionary<(string Key, string Version), ProtocolDefinition>> DefinitionsAsync(StromaDbContext db, string? protocolKey,
        CancellationToken cancellationToken)
    {
        var versions = await db.ProtocolVersions.AsNoTracking()
            .Where(v => v.Status != ProtocolVersionStatus.Draft && (protocolKey == null || v.ProtocolKey == protocolKey))
            .Select(v => new { v.ProtocolKey, v.Number, v.DefinitionJson }).ToListAsync(cancellationToken).ConfigureAwait(false);
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

        return definitions;
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
