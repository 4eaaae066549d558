using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Quality;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Quality;

/// <summary>The field of a record a query is on: a record type (check scope key), the record's id and a catalogue field.</summary>
public sealed record QueryTarget(string RecordType, Guid RecordId, string Field);

/// <summary>A query as pages and commands show it (never the entity).</summary>
public sealed record QueryView(Guid Id, Guid SiteId, string SiteCode, Guid PatientId, string StudyId, string RecordType, Guid RecordId, string Field,
    Guid? VisitId, string? ProtocolKey, string? CheckKey, QueryStatus Status, string Text, string? ValueWhenOpened, string RaisedBy,
    DateTimeOffset RaisedAt, IReadOnlyList<QueryStepView> Steps)
{
    /// <summary>For a query an edit check opened, the check's message in both languages as its protocol version declares it (the stored text is the English one).</summary>
    public CheckMessage? CheckMessage { get; init; }
}

/// <summary>One step of a query as shown.</summary>
public sealed record QueryStepView(QueryStepKind Kind, string Text, string By, DateTimeOffset At);

/// <summary>
/// The one owner of queries (docs/data-quality.md "The query life cycle"): open (a monitor or data manager, with text;
/// or a soft edit check), answer (the site, with text), close or re-open (whoever raised it; a check's queries by any
/// monitor or data manager of the site). Every step is a <see cref="QueryStepRecord"/> with the acting user and the
/// time, and both rows go through the audit trail. A user who may not read the record's site gets
/// <see cref="IssueCodes.QueryNotFound"/>, exactly as if it did not exist.
/// </summary>
public static class Queries
{
    /// <summary>The user name that edit checks act under.</summary>
    public const string CheckActor = "checks";

    private const int MaxText = 4000;

    /// <summary>Which patient, site and visit a record belongs to; null when there is no such (live) record.</summary>
    public static async Task<(Guid PatientId, Guid SiteId, Guid? VisitId)?> LocateAsync(StromaDbContext db, string recordType, Guid recordId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        Guid? patientId;
        Guid? visitId = null;
        switch (CheckScopes.Find(recordType))
        {
            case CheckScope.Patient:
                patientId = await db.Patients.Where(p => p.Id == recordId).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                break;
            case CheckScope.Enrolment:
                patientId = await db.ProtocolEnrolments.Where(p => p.Id == recordId).Select(p => (Guid?)p.PatientId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                break;
            case CheckScope.Visit:
                patientId = await db.Visits.Where(p => p.Id == recordId).Select(p => (Guid?)p.PatientId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                visitId = recordId;
                break;
            case CheckScope.Infusion:
                patientId = await db.Infusions.Where(p => p.Id == recordId).Select(p => (Guid?)p.PatientId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                break;
            case CheckScope.AdverseEvent:
                patientId = await db.AdverseEvents.Where(p => p.Id == recordId).Select(p => (Guid?)p.PatientId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                break;
            default:
                return null;
        }

        if (patientId is null)
        {
            return null;
        }

        var siteId = await db.Patients.Where(p => p.Id == patientId).Select(p => p.SiteId).SingleAsync(cancellationToken).ConfigureAwait(false);
        return (patientId.Value, siteId, visitId);
    }

    /// <summary>A monitor or data manager opens a query on a field with a question.</summary>
    public static async Task<CellTherapyResult<QueryRecord>> OpenAsync(StromaDbContext db, UserAccess access, QueryTarget target, string? text,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(target);
        var located = await LocateAsync(db, target.RecordType, target.RecordId, cancellationToken).ConfigureAwait(false);
        if (located is not { } where || !(access.Can(Capability.ReadClinical, where.SiteId) || access.Can(Capability.RaiseQueries, where.SiteId)))
        {
            return Refusal.Of<QueryRecord>([Issue.Error(IssueCodes.QueryNotFound, "record",
                CheckScopes.Find(target.RecordType) is null
                    ? $"'{target.RecordType}' is not a record type (one of {string.Join(", ", CheckScopes.All.Select(s => s.Key()))})."
                    : $"No {target.RecordType} record {target.RecordId}.")]);
        }

        var issues = new List<Issue>();
        if (!access.Can(Capability.RaiseQueries, where.SiteId))
        {
            issues.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "", "Only a monitor or a data manager of the site opens queries."));
        }

        if (CheckFieldCatalogue.Find(target.Field) is not { } field || !field.AvailableIn(CheckScopes.Find(target.RecordType)!.Value))
        {
            issues.Add(Issue.Error(IssueCodes.QueryInputInvalid, "field", $"'{target.Field}' is not a field of a {target.RecordType} record (docs/data-quality.md lists the fields)."));
        }

        issues.AddRange(TextIssues(text, "text"));
        if (issues.Count > 0)
        {
            return Refusal.Of<QueryRecord>(issues);
        }

        var query = NewQuery(db, where, target, text!.Trim(), access.UserName, null, null, null, null);
        db.Queries.Add(query);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new(query, []);
    }

    /// <summary>The site answers an open query.</summary>
    public static Task<CellTherapyResult<QueryRecord>> AnswerAsync(StromaDbContext db, UserAccess access, Guid queryId, string? text,
        CancellationToken cancellationToken = default) =>
        StepAsync(db, access, queryId, QueryStepKind.Answered, text, cancellationToken);

    /// <summary>Whoever raised the query closes it (text optional).</summary>
    public static Task<CellTherapyResult<QueryRecord>> CloseAsync(StromaDbContext db, UserAccess access, Guid queryId, string? text,
        CancellationToken cancellationToken = default) =>
        StepAsync(db, access, queryId, QueryStepKind.Closed, text, cancellationToken);

    /// <summary>Whoever raised the query re-opens it, saying why.</summary>
    public static Task<CellTherapyResult<QueryRecord>> ReopenAsync(StromaDbContext db, UserAccess access, Guid queryId, string? text,
        CancellationToken cancellationToken = default) =>
        StepAsync(db, access, queryId, QueryStepKind.Reopened, text, cancellationToken);

    /// <summary>Whether the user may close or re-open a query of the site raised by <paramref name="raisedBy"/>: whoever
    /// raised it; an edit check's query, any monitor or data manager of the site. (The state is checked separately.)</summary>
    public static bool MayCloseOrReopen(UserAccess access, Guid siteId, string raisedBy)
    {
        ArgumentNullException.ThrowIfNull(access);
        return raisedBy == access.UserName || (raisedBy == CheckActor && access.Can(Capability.RaiseQueries, siteId));
    }

    private static async Task<CellTherapyResult<QueryRecord>> StepAsync(StromaDbContext db, UserAccess access, Guid queryId, QueryStepKind kind, string? text,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var query = await db.Queries.SingleOrDefaultAsync(q => q.Id == queryId, cancellationToken).ConfigureAwait(false);
        if (query is null || !(access.Can(Capability.ReadClinical, query.SiteId) || access.Can(Capability.RaiseQueries, query.SiteId)))
        {
            return Refusal.Of<QueryRecord>([Issue.Error(IssueCodes.QueryNotFound, "query", $"No query {queryId}.")]);
        }

        var issues = new List<Issue>();
        var raiser = MayCloseOrReopen(access, query.SiteId, query.RaisedBy);
        switch (kind)
        {
            case QueryStepKind.Answered:
                if (!access.Can(Capability.EditClinical, query.SiteId))
                {
                    issues.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "", "Only the site (an investigator, coordinator or data manager) answers a query."));
                }
                else if (query.Status != QueryStatus.Open)
                {
                    issues.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "", $"The query is {query.Status.ToString().ToLowerInvariant()}: only an open query is answered."));
                }

                issues.AddRange(TextIssues(text, "text"));
                break;
            case QueryStepKind.Closed:
                if (!raiser)
                {
                    issues.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "", $"Only {query.RaisedBy}, who raised the query, closes it."));
                }
                else if (query.Status == QueryStatus.Closed)
                {
                    issues.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "", "The query is already closed."));
                }

                issues.AddRange(TextIssues(text, "text", required: false));
                break;
            case QueryStepKind.Reopened:
                if (!raiser)
                {
                    issues.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "", $"Only {query.RaisedBy}, who raised the query, re-opens it."));
                }
                else if (query.Status == QueryStatus.Open)
                {
                    issues.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "", "The query is already open."));
                }

                issues.AddRange(TextIssues(text, "text"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        if (issues.Count > 0)
        {
            return Refusal.Of<QueryRecord>(issues);
        }

        query.Status = kind switch
        {
            QueryStepKind.Answered => QueryStatus.Answered,
            QueryStepKind.Closed => QueryStatus.Closed,
            _ => QueryStatus.Open,
        };
        // The step's text is the reason for the change to the query (the audit trail requires one).
        db.ChangeReason = $"query {kind.ToString().ToLowerInvariant()} by {access.UserName}" + (string.IsNullOrWhiteSpace(text) ? "" : $": {text.Trim()}");
        var number = await db.QuerySteps.CountAsync(x => x.QueryId == query.Id, cancellationToken).ConfigureAwait(false) + 1;
        db.QuerySteps.Add(new QueryStepRecord
        {
            Id = Guid.CreateVersion7(),
            QueryId = query.Id,
            Number = number,
            Kind = kind,
            Text = text?.Trim() ?? "",
            By = access.UserName,
            At = db.Clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new(query, []);
    }

    /// <summary>
    /// A query opened by a soft check (not saved here: the caller saves it with the record or the batch). The first
    /// step is written by <see cref="CheckActor"/>.
    /// </summary>
    internal static QueryRecord NewQuery(StromaDbContext db, (Guid PatientId, Guid SiteId, Guid? VisitId) where, QueryTarget target, string text, string by,
        string? protocolKey, string? protocolVersion, string? checkKey, string? value)
    {
        var now = db.Clock.GetUtcNow();
        var query = new QueryRecord
        {
            Id = Guid.CreateVersion7(),
            SiteId = where.SiteId,
            PatientId = where.PatientId,
            RecordType = target.RecordType,
            RecordId = target.RecordId,
            Field = target.Field,
            VisitId = where.VisitId,
            ProtocolKey = protocolKey,
            ProtocolVersion = protocolVersion,
            CheckKey = checkKey,
            Status = QueryStatus.Open,
            Text = text,
            ValueWhenOpened = value,
            RaisedBy = by,
            RaisedAt = now,
        };
        query.Steps.Add(new QueryStepRecord { Id = Guid.CreateVersion7(), QueryId = query.Id, Number = 1, Kind = QueryStepKind.Opened, Text = text, By = by, At = now });
        return query;
    }

    /// <summary>The queries on the sites where the user may read clinical records, newest first; optionally one site or status.</summary>
    public static async Task<IReadOnlyList<QueryView>> ListAsync(StromaDbContext db, UserAccess access, Guid? siteId = null, QueryStatus? status = null,
        Guid? patientId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        var sites = access.Sites(Capability.ReadClinical).ToList();
        var query = db.Queries.AsNoTracking().Where(q => sites.Contains(q.SiteId));
        if (siteId is { } s)
        {
            query = query.Where(q => q.SiteId == s);
        }

        if (status is { } st)
        {
            query = query.Where(q => q.Status == st);
        }

        if (patientId is { } p)
        {
            query = query.Where(q => q.PatientId == p);
        }

        var rows = await query.Select(q => new { Q = q, q.Patient!.StudyId, Site = q.Patient.Site!.Code })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = rows.Select(r => r.Q.Id).ToList();
        // Most patients have no query: no second round trip for their (absent) steps (the timeline lists them on every view).
        var steps = (ids.Count == 0 ? [] : await db.QuerySteps.AsNoTracking().Where(x => ids.Contains(x.QueryId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(x => x.QueryId);
        // A check's message in the reader's language comes from the protocol version that declared the check.
        var messages = new Dictionary<(string, string, string), CheckMessage>();
        foreach (var (key, version) in rows.Where(r => r.Q.CheckKey != null && r.Q.ProtocolKey != null && r.Q.ProtocolVersion != null)
            .Select(r => (r.Q.ProtocolKey!, r.Q.ProtocolVersion!)).Distinct())
        {
            if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var json = await db.ProtocolVersions.AsNoTracking().Where(v => v.ProtocolKey == key && v.Number == number).Select(v => v.DefinitionJson)
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (json is not null && Stroma.Clinical.CellTherapy.ProtocolDefinitions.Parse(json, version).Definition is { } definition)
            {
                foreach (var check in definition.Checks)
                {
                    messages[(key, version, check.Key)] = check.Message;
                }
            }
        }

        return [.. rows.OrderByDescending(r => r.Q.RaisedAt).ThenBy(r => r.Q.Id).Select(r => new QueryView(r.Q.Id, r.Q.SiteId, r.Site, r.Q.PatientId, r.StudyId,
            r.Q.RecordType, r.Q.RecordId, r.Q.Field, r.Q.VisitId, r.Q.ProtocolKey, r.Q.CheckKey, r.Q.Status, r.Q.Text, r.Q.ValueWhenOpened, r.Q.RaisedBy,
            r.Q.RaisedAt, [.. steps[r.Q.Id].OrderBy(x => x.Number).Select(x => new QueryStepView(x.Kind, x.Text, x.By, x.At))])
        {
            CheckMessage = r.Q.CheckKey is { } c ? messages.GetValueOrDefault((r.Q.ProtocolKey ?? "", r.Q.ProtocolVersion ?? "", c)) : null,
        })];
    }

    /// <summary>The number of open queries on a visit's records (a visit with any cannot be signed).</summary>
    public static Task<int> OpenOnVisitAsync(StromaDbContext db, Guid visitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Queries.CountAsync(q => q.VisitId == visitId && q.Status == QueryStatus.Open, cancellationToken);
    }

    /// <summary>The rule on a query's texts (the question, an answer, a re-opening; a close's text is optional): at most 4000 characters. The ODM import checks stored queries with it.</summary>
    internal static IEnumerable<Issue> TextIssues(string? text, string path, bool required = true)
    {
        if (required && string.IsNullOrWhiteSpace(text))
        {
            yield return Issue.Error(IssueCodes.QueryInputInvalid, path, "The text is required: say what is asked, answered or why.");
        }
        else if (text is not null && text.Length > MaxText)
        {
            yield return Issue.Error(IssueCodes.QueryInputInvalid, path, $"The text is {text.Length} characters long; at most {MaxText} are accepted.");
        }
    }
}
