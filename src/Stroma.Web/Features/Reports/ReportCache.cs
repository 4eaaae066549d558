using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Stroma.Data.Replicas;
using Stroma.Data.Report;
using Stroma.Reporting;

namespace Stroma.Web.Features.Reports;

/// <summary>
/// What a study report's output depends on besides the registry's state: the sites the user may report on (never
/// shared between users whose site sets differ), the sites the report is restricted to in the order chosen (the
/// report prints them in that order) and the protocol. The defaults of <see cref="StudyReportOptions"/> (horizon,
/// per-patient lines) are the same for every web request.
/// </summary>
public sealed class ReportScope : IEquatable<ReportScope>
{
    public ReportScope(IReadOnlyList<string> visibleSites, IReadOnlyList<string> sites, string? protocol)
    {
        ArgumentNullException.ThrowIfNull(visibleSites);
        ArgumentNullException.ThrowIfNull(sites);
        VisibleSites = [.. visibleSites.Order(StringComparer.Ordinal)];
        Sites = [.. sites];
        Protocol = protocol;
    }

    public IReadOnlyList<string> VisibleSites { get; }

    public IReadOnlyList<string> Sites { get; }

    public string? Protocol { get; }

    public bool Equals(ReportScope? other) => other is not null && string.Equals(Protocol, other.Protocol, StringComparison.Ordinal)
        && VisibleSites.SequenceEqual(other.VisibleSites, StringComparer.Ordinal) && Sites.SequenceEqual(other.Sites, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ReportScope);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Protocol, StringComparer.Ordinal);
        foreach (var site in VisibleSites)
        {
            hash.Add(site, StringComparer.Ordinal);
        }

        hash.Add('|');
        foreach (var site in Sites)
        {
            hash.Add(site, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => $"sites {string.Join(",", Sites)} (of {string.Join(",", VisibleSites)}), protocol {Protocol ?? "any"}";
}

/// <summary>
/// The registry's "data changed" marker: the last audit entry that is not a read or export record (entity
/// <see cref="AuditTrail.AccessEntity"/>), by sequence and hash. Every write goes through the audit trail in the same
/// transaction as the rows it writes (<see cref="AuditInterceptor"/> for every tracked record; a bulk lab import and
/// the demo append a batch entry; a restore copies the trail), and appends are serialised until commit
/// (<c>AuditAppendLock</c>), so the marker only moves forward and a registry whose marker is unchanged holds the same
/// records. Reads of a patient's pages and report downloads append access entries only: they do not move it.
/// </summary>
public readonly record struct RegistryMarker(long Sequence, string Hash)
{
    /// <summary>The marker of the registry <paramref name="db"/> reads (0 and an empty hash when nothing was written).</summary>
    public static async Task<RegistryMarker> ReadAsync(StromaDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (sequence, hash) = await AuditTrail.LastChangeAsync(db, cancellationToken);
        return new RegistryMarker(sequence, hash);
    }
}

/// <summary>
/// A built study report: the registry marker read before any of its data (so the report holds at least every write up
/// to it), the instant until which it is valid (the first moment an open query's age in whole days changes; the report
/// counts ages to the moment it was built), and its charts drawn once per report language.
/// </summary>
public sealed class ReportBuild(RegistryMarker marker, StudyReport report, DateTimeOffset? validUntil)
{
    private readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<ReportChart>>> charts = new(StringComparer.Ordinal);

    public RegistryMarker Marker { get; } = marker;

    public StudyReport Report { get; } = report;

    /// <summary>null: valid while the registry marker is unchanged (no open query in the report's sites).</summary>
    public DateTimeOffset? ValidUntil { get; } = validUntil;

    /// <summary>The charts in <paramref name="language"/>, drawn on first use (concurrent first uses share one drawing).</summary>
    public IReadOnlyList<ReportChart> Charts(ReportLanguage language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return charts.GetOrAdd(language.Code, _ => new Lazy<IReadOnlyList<ReportChart>>(() => ReportCharts.Draw(Report, language))).Value;
    }
}

/// <summary>Builds a study report for a <see cref="ReportCache"/>; the real one is <see cref="StudyReportSource"/>.</summary>
public interface IReportSource
{
    /// <summary>
    /// Reads the registry marker, calls <paramref name="reading"/> with it before reading any report data, then builds
    /// the report. Runs on contexts of its own (never a request's), so that a request that ends does not end it.
    /// </summary>
    Task<ReportBuild> BuildAsync(ReportScope scope, Action<RegistryMarker> reading, CancellationToken cancellationToken);
}

/// <summary>
/// The study report as the web app builds it: on a context of its own on the primary, or on the read replica when
/// one is configured and has replayed the audit trail up to the marker just read (docs/operations.md "Read replicas").
/// </summary>
public sealed class StudyReportSource(DataConfiguration configuration, TimeProvider clock, ReadReplica? replica = null) : IReportSource
{
    private const string Actor = "report";

    public async Task<ReportBuild> BuildAsync(ReportScope scope, Action<RegistryMarker> reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(reading);
        await using var primary = StromaDatabase.CreateContext(configuration, Actor, clock);
        var marker = await RegistryMarker.ReadAsync(primary, cancellationToken);
        var builtAt = clock.GetUtcNow();
        reading(marker);
        var fromReplica = replica is null ? null : await replica.TryOpenAsync(marker.Sequence, Actor, cancellationToken);
        await using (fromReplica)
        {
            var db = fromReplica ?? primary;
            var report = await StudyReportBuilder.BuildAsync(db, new StudyReportOptions(scope.Protocol, scope.Sites), cancellationToken);
            return new ReportBuild(marker, report, await QueryAgesChangeAsync(db, scope.Sites, builtAt, cancellationToken));
        }
    }

    /// <summary>
    /// The first instant after <paramref name="builtAt"/> at which the age in whole days of an open query of a patient at
    /// one of <paramref name="sites"/> goes up (the report's data quality section counts them to the moment it is built;
    /// ReportDataQualityReader); null when there is none. Over every patient of the sites, not only the cohort, and
    /// from an instant just before the report's own: never later than the report's first change, possibly earlier.
    /// </summary>
    internal static async Task<DateTimeOffset?> QueryAgesChangeAsync(StromaDbContext db, IReadOnlyList<string> sites, DateTimeOffset builtAt, CancellationToken cancellationToken)
    {
        var codes = sites.ToList();
        DateTimeOffset? first = null;
        await foreach (var raised in db.Queries.AsNoTracking().Where(q => q.Status == QueryStatus.Open && codes.Contains(q.Patient!.Site!.Code))
                           .Select(q => q.RaisedAt).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var change = raised.AddDays(Math.Floor((builtAt - raised).TotalDays) + 1);
            if (first is null || change < first)
            {
                first = change;
            }
        }

        return first;
    }
}

/// <summary>
/// The web app's study report cache (docs/web.md "Report cache"). A request reads the registry marker, then gets:
/// the last report built for its <see cref="ReportScope"/> when that report was built at the same marker (and is still
/// valid); else the running build of the scope when it read a marker at least as new; else the scope's build that is
/// queued and has not yet read its marker (it will read a newer one); else a new build. So identical concurrent
/// requests share one build, an unchanged registry is not rebuilt, and a report is never older than the registry was
/// when its request arrived (read-after-write: a save commits before its response). A failed build is not kept: each
/// of its waiters gets the error. A waiter that gives up (its request was cancelled) leaves the build to the others;
/// when no waiter is left, a build is cancelled. At most <see cref="ReportCacheOptions.ConcurrentBuilds"/> builds run
/// at once in the process (the others queue) and at most <see cref="ReportCacheOptions.Entries"/> built reports are
/// kept, the least recently used dropped first.
/// </summary>
public sealed partial class ReportCache : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<ReportScope, Shared> queued = [];
    private readonly Dictionary<ReportScope, Shared> running = [];
    private readonly Dictionary<ReportScope, (ReportBuild Build, long Used)> built = [];
    private readonly SemaphoreSlim slots;
    private readonly IReportSource source;
    private readonly ReportCacheOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private long uses;
    private long builds;
    private long hits;

    public ReportCache(IReportSource source, ReportCacheOptions options, TimeProvider clock, ILogger<ReportCache> logger)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ConcurrentBuilds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Entries, 1);
        this.source = source;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        slots = new SemaphoreSlim(options.ConcurrentBuilds, options.ConcurrentBuilds);
    }

    /// <summary>Reports built since the process started (builds that read their marker), for diagnostics and tests.</summary>
    public long Builds => Interlocked.Read(ref builds);

    /// <summary>Requests answered with a report already built.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Requests waiting now for a build that has not finished.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return queued.Values.Concat(running.Values).Distinct().Where(s => !s.Task.IsCompleted).Sum(s => s.Waiters);
            }
        }
    }

    /// <summary>Built reports kept now.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return built.Count;
            }
        }
    }

    /// <summary>The report for <paramref name="scope"/>, at least as new as <paramref name="current"/> (the registry marker the request read).</summary>
    public async Task<ReportBuild> GetAsync(ReportScope scope, RegistryMarker current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Shared shared;
        lock (gate)
        {
            if (built.TryGetValue(scope, out var kept) && kept.Build.Marker == current
                && (kept.Build.ValidUntil is not { } until || clock.GetUtcNow() < until))
            {
                built[scope] = (kept.Build, ++uses);
                Interlocked.Increment(ref hits);
                return kept.Build;
            }

            if (running.TryGetValue(scope, out var started) && started.Marker!.Value.Sequence >= current.Sequence)
            {
                shared = started;
            }
            else if (queued.TryGetValue(scope, out var waiting))
            {
                shared = waiting;
            }
            else
            {
                shared = new Shared();
                queued[scope] = shared;
                // The build belongs to no request: it must not carry the first request's context (its HttpContext, its
                // logging scope) nor end with it.
                using (ExecutionContext.SuppressFlow())
                {
                    shared.Task = Task.Run(() => RunAsync(scope, shared), CancellationToken.None);
                }
            }

            shared.Waiters++;
        }

        try
        {
            return await shared.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (gate)
            {
                if (--shared.Waiters == 0 && !shared.Task.IsCompleted)
                {
                    // Nobody waits for it any more: a build nobody will see would only hold a slot others need.
                    Forget(scope, shared);
                    shared.Cancel.Cancel();
                }
            }

            throw;
        }
    }

    public void Dispose()
    {
        slots.Dispose();
    }

    private async Task<ReportBuild> RunAsync(ReportScope scope, Shared shared)
    {
        var token = shared.Cancel.Token;
        try
        {
            await slots.WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            lock (gate)
            {
                Forget(scope, shared);
            }

            throw;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var report = await source.BuildAsync(scope, marker => Reading(scope, shared, marker), token);
            lock (gate)
            {
                Forget(scope, shared);
                Keep(scope, report);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            Built(logger, scope, report.Marker.Sequence, elapsed);
            return report;
        }
        catch
        {
            lock (gate)
            {
                Forget(scope, shared);
            }

            throw;
        }
        finally
        {
            slots.Release();
        }
    }

    // The build has read its marker: from now on only requests whose marker is not newer may join it.
    private void Reading(ReportScope scope, Shared shared, RegistryMarker marker)
    {
        lock (gate)
        {
            shared.Marker = marker;
            if (queued.TryGetValue(scope, out var q) && ReferenceEquals(q, shared))
            {
                queued.Remove(scope);
            }

            if (!running.TryGetValue(scope, out var other) || other.Marker!.Value.Sequence <= marker.Sequence)
            {
                running[scope] = shared;
            }
        }

        Interlocked.Increment(ref builds);
    }

    private void Forget(ReportScope scope, Shared shared)
    {
        if (queued.TryGetValue(scope, out var q) && ReferenceEquals(q, shared))
        {
            queued.Remove(scope);
        }

        if (running.TryGetValue(scope, out var r) && ReferenceEquals(r, shared))
        {
            running.Remove(scope);
        }
    }

    private void Keep(ReportScope scope, ReportBuild report)
    {
        if (built.TryGetValue(scope, out var kept) && kept.Build.Marker.Sequence > report.Marker.Sequence)
        {
            return;
        }

        built[scope] = (report, ++uses);
        while (built.Count > options.Entries)
        {
            built.Remove(built.MinBy(e => e.Value.Used).Key);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Study report built for {Scope} at audit entry {Sequence} in {Elapsed}")]
    private static partial void Built(ILogger logger, ReportScope scope, long sequence, TimeSpan elapsed);

    private sealed class Shared
    {
        public CancellationTokenSource Cancel { get; } = new();

        public int Waiters { get; set; }

        public RegistryMarker? Marker { get; set; }

        public Task<ReportBuild> Task { get; set; } = null!;
    }
}

/// <summary>The report cache's bounds (configuration section <c>Reports:Cache</c>).</summary>
public sealed class ReportCacheOptions
{
    /// <summary>Study reports built at once in the process; the others queue (each build already reads on every core).</summary>
    public int ConcurrentBuilds { get; init; } = 1;

    /// <summary>Built reports kept (one per scope: sites, protocol), the least recently used dropped first.</summary>
    public int Entries { get; init; } = 4;

    public static ReportCacheOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new ReportCacheOptions();
        return new ReportCacheOptions
        {
            ConcurrentBuilds = configuration.GetValue("Reports:Cache:ConcurrentBuilds", defaults.ConcurrentBuilds),
            Entries = configuration.GetValue("Reports:Cache:Entries", defaults.Entries),
        };
    }
}
