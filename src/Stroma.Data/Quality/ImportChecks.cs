using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Quality;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using LabResult = Stroma.Data.Model.LabResult;

namespace Stroma.Data.Quality;

/// <summary>
/// Save-time checks for the lab import (CSV and HL7 v2, docs/data-quality.md "Save-time checks"). The import writes
/// from a reader thread that cannot use the context, so what the checks read is loaded before the file is read: the
/// stored records of the patients the file names (a first scan of the file gives them) who are enrolled on a protocol
/// version whose visit checks read a lab result (only those), so the cost follows the file, not the registry.
/// Each imported result at a visit is then checked with the batch run's evaluation (<see cref="CheckRuns.Evaluate"/>)
/// on its visit, counting the results of the file already accepted for that visit; only the rules that read the row's
/// analyte count. A hard finding makes the row a reject (<see cref="IssueCodes.CheckHardFinding"/>, path
/// <c>value</c>); a soft one keeps it and, when the import commits, opens a query (as the batch run, not twice).
/// </summary>
public sealed class ImportChecks
{
    private readonly Dictionary<(string Key, string Version), ProtocolDefinition> definitions;
    private readonly Dictionary<Guid, List<ProtocolEnrolment>> enrolments;
    private readonly CheckSnapshot snapshot;
    private readonly List<(SaveChecks.Finding Finding, Guid PatientId)> soft = [];

    private ImportChecks(Dictionary<(string, string), ProtocolDefinition> definitions, Dictionary<Guid, List<ProtocolEnrolment>> enrolments, CheckSnapshot snapshot)
    {
        this.definitions = definitions;
        this.enrolments = enrolments;
        this.snapshot = snapshot;
    }

    /// <summary>Nothing to check: no approved protocol version has a visit check that reads a lab result.</summary>
    private static ImportChecks None => new([], [], new CheckSnapshot());

    /// <summary>
    /// Loads what the checks of an import read (nothing when no protocol declares a lab check or nobody is enrolled on
    /// one). <paramref name="namedPatients"/> gives the ids of the patients the file names; it is called only when
    /// there is something to check, and when it returns null (an input that cannot be read twice) every enrolled
    /// patient's records are loaded.
    /// </summary>
    public static async Task<ImportChecks> LoadAsync(StromaDbContext db, Func<IReadOnlyCollection<Guid>?> namedPatients, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(namedPatients);
        ArgumentNullException.ThrowIfNull(db);
        var all = await CheckRuns.DefinitionsAsync(db, null, cancellationToken).ConfigureAwait(false);
        var withLabs = all.Where(d => d.Value.Checks.Any(IsLabCheck)).ToDictionary(d => d.Key, d => d.Value);
        if (withLabs.Count == 0)
        {
            return None;
        }

        var keys = withLabs.Keys.Select(k => k.Key).Distinct().ToList();
        var onProtocols = db.ProtocolEnrolments.AsNoTracking().Where(e => keys.Contains(e.ProtocolKey));
        if (!await onProtocols.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return None;
        }

        var named = namedPatients();
        var enrolled = (named is null
                ? await onProtocols.ToListAsync(cancellationToken).ConfigureAwait(false)
                : await IdChunks.ToListAsync(named, chunk => onProtocols.Where(e => chunk.Contains(e.PatientId)), cancellationToken).ConfigureAwait(false))
            .Where(e => withLabs.ContainsKey((e.ProtocolKey, e.ProtocolVersion))).ToList();
        if (enrolled.Count == 0)
        {
            return None;
        }

        var snapshot = await CheckSnapshot.LoadAsync(db, [.. enrolled.Select(e => e.PatientId).Distinct()], [.. enrolled.Select(e => e.Id)], cancellationToken)
            .ConfigureAwait(false);
        return new ImportChecks(withLabs, enrolled.GroupBy(e => e.PatientId).ToDictionary(g => g.Key, g => g.ToList()), snapshot);
    }

    private static bool IsLabCheck(CheckDefinition check) =>
        check.Scope == CheckScope.Visit && check.Kind != CheckKind.Completeness
        && check.Rules.Any(r => r.Fields.Any(f => f.StartsWith(CheckFieldCatalogue.LabPrefix, StringComparison.Ordinal)));

    /// <summary>
    /// Checks one result about to be imported (already filled, not yet written): hard findings are returned as errors
    /// (the row is a reject and is not counted for later rows); soft ones are kept for <see cref="OpenQueriesAsync"/>.
    /// </summary>
    public IReadOnlyList<Issue> Check(Guid patientId, Guid? visitId, DateTimeOffset specimenTime, string reportedValue, LabNormalisation normalised)
    {
        ArgumentNullException.ThrowIfNull(normalised);
        if (visitId is not { } visitKey || !enrolments.TryGetValue(patientId, out var patientEnrolments) || AnalyteCatalog.Find(normalised.Analyte) is not { } analyte)
        {
            return [];
        }

        var field = CheckFieldCatalogue.LabPrefix + analyte.Key;
        var candidate = new LabResult { Id = Guid.CreateVersion7() };
        LabResultRows.Fill(candidate, patientId, visitKey, null, specimenTime, reportedValue, null, null, normalised);
        snapshot.Overlay([candidate]);
        var found = new List<SaveChecks.Finding>();
        foreach (var enrolment in patientEnrolments)
        {
            if (snapshot.For(enrolment) is not { } values || values.Visits.FirstOrDefault(v => v.Id == visitKey) is not { } visit)
            {
                continue;
            }

            var checks = definitions[(enrolment.ProtocolKey, enrolment.ProtocolVersion)].Checks.Where(IsLabCheck).ToList();
            var record = values.Visit(visit);
            foreach (var check in checks)
            {
                foreach (var rule in check.Fired(record.Values).Where(r => r.Fields.Contains(field)))
                {
                    found.Add(new SaveChecks.Finding(values.Patient.Id, values.Patient.SiteId, enrolment.ProtocolKey, enrolment.ProtocolVersion, check, record, rule,
                        record.Values.GetValueOrDefault(rule.Field).ToString()));
                }
            }
        }

        if (found.Any(f => f.Check.Severity == CheckSeverity.Hard))
        {
            snapshot.Remove(candidate);
            return [.. found.Where(f => f.Check.Severity == CheckSeverity.Hard).Select(f => f.ToIssue() with { Path = "value" })];
        }

        soft.AddRange(found.Select(f => (f, f.PatientId)));
        return [.. found.Select(f => f.ToIssue() with { Path = "value" })];
    }

    /// <summary>Opens a query for each soft finding of the import that has none yet (call once the rows are written, before commit).</summary>
    public async Task<int> OpenQueriesAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var opened = 0;
        if (!db.OpenCheckQueries)
        {
            return opened;
        }

        foreach (var (f, _) in soft)
        {
            var recordType = f.Record.Scope.Key();
            if (snapshot.ExistingQueries.Add((f.ProtocolKey, f.Check.Key, recordType, f.Record.RecordId, f.Rule.Field)))
            {
                db.Queries.Add(Queries.NewQuery(db, (f.PatientId, f.SiteId, f.Record.VisitId), new QueryTarget(recordType, f.Record.RecordId, f.Rule.Field),
                    f.Check.Message.English, Queries.CheckActor, f.ProtocolKey, f.ProtocolVersion, f.Check.Key, f.Value));
                opened++;
            }
        }

        if (opened > 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        soft.Clear();
        return opened;
    }
}
