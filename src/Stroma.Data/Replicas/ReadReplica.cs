using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Stroma.Data.Audit;

namespace Stroma.Data.Replicas;

/// <summary>
/// A read replica of the PostgreSQL hub: a hot standby kept by PostgreSQL's own streaming replication
/// (<c>pg_basebackup -R</c>; PostgreSQL documentation, "High Availability, Load Balancing, and Replication", sections
/// 27.2 "Log-Shipping Standby Servers" and 27.4 "Hot Standby"), which serves the reads that may lag a little (the study
/// report, exports, the patient list, the timeline, the FHIR reads, <c>checks run</c>). Writes never go there: the
/// contexts it opens are read-only (<see cref="StromaDbContext.ReadOnly"/>), and a hot standby refuses writes itself.
/// <para>
/// Whether the replica has caught up is told by the audit trail's head: every change to the registry appends to the
/// trail, so a replica whose last entry is at or past the sequence number a reader needs (the head after its own last
/// write) holds everything that reader wrote. A read that needs a newer head than the replica has waits for it up to
/// <see cref="MaxWait"/>, then reads from the primary. A replica that cannot be reached is left alone for
/// <see cref="RetryAfter"/> (one warning in the log per outage) and reads go to the primary meanwhile; it is used
/// again, with an information line, once it answers. See docs/operations.md "Read replicas".
/// </para>
/// </summary>
public sealed class ReadReplica
{
    /// <summary>The environment variable naming the replica (the CLI's <c>--read-database</c> default).</summary>
    public const string EnvironmentVariable = "STROMA_READ_DATABASE";

    private static readonly Action<ILogger, string, string, Exception?> Unreachable = LoggerMessage.Define<string, string>(LogLevel.Warning,
        new EventId(1, "ReplicaUnreachable"), "Read replica {Replica} cannot be reached ({Reason}); reading from the primary until it answers again.");

    private static readonly Action<ILogger, string, Exception?> Back = LoggerMessage.Define<string>(LogLevel.Information,
        new EventId(2, "ReplicaBack"), "Read replica {Replica} answers again; reads that may lag go to it.");

    private static readonly Action<ILogger, string, long, long, double, Exception?> Behind = LoggerMessage.Define<string, long, long, double>(LogLevel.Information,
        new EventId(3, "ReplicaBehind"), "Read replica {Replica} is at audit entry {ReplicaHead}, the read needs {RequiredHead}: read from the primary after waiting {Waited} s.");

    private readonly ILogger logger;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private DateTimeOffset unavailableUntil = DateTimeOffset.MinValue;
    private bool down;

    /// <param name="primary">The primary (every write and every read that must not lag).</param>
    /// <param name="replica">The replica: a PostgreSQL connection string to a hot standby of <paramref name="primary"/>.</param>
    /// <param name="logger">Where outages are reported; none by default.</param>
    /// <param name="clock">The clock for waits and retry times.</param>
    public ReadReplica(DataConfiguration primary, DataConfiguration replica, ILogger? logger = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(replica);
        if (primary.Engine != DatabaseEngine.Postgres || replica.Engine != DatabaseEngine.Postgres)
        {
            throw new ArgumentException(
                $"A read replica is a PostgreSQL streaming replica of a PostgreSQL primary; here the primary is {primary.Describe()} and the replica {replica.Describe()}. "
                + "SQLite has no replicas: leave the read database unset.", nameof(replica));
        }

        var builder = new NpgsqlConnectionStringBuilder(replica.ConnectionString);
        if (!replica.ConnectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            // A stopped replica must cost a read little before it falls back to the primary (Npgsql's default is 15 s).
            builder.Timeout = 3;
        }

        Primary = primary;
        Replica = replica with { ConnectionString = builder.ConnectionString };
        this.logger = logger ?? NullLogger.Instance;
        this.clock = clock ?? TimeProvider.System;
    }

    public DataConfiguration Primary { get; }

    public DataConfiguration Replica { get; }

    /// <summary>How long a read waits for the replica to replay up to the head it needs before it goes to the primary.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an unreachable replica is left alone before it is tried again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting read looks at the replica's head again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether the last attempt found the replica unreachable (reads then go to the primary).</summary>
    public bool IsDown
    {
        get
        {
            lock (gate)
            {
                return down;
            }
        }
    }

    /// <summary>The audit trail's head (the last entry's sequence number; 0 when empty) as <paramref name="db"/> sees it.</summary>
    public static async Task<long> HeadAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await AuditChain.HeadAsync(db, cancellationToken).ConfigureAwait(false)).Sequence;
    }

    /// <summary>
    /// A read-only context on the replica once it has replayed the audit trail up to <paramref name="requiredHead"/>
    /// (waiting up to <see cref="MaxWait"/>); <c>null</c> when the replica is behind after that wait or cannot be
    /// reached: the caller then reads from the primary. The caller disposes the context.
    /// </summary>
    public async Task<StromaDbContext?> TryOpenAsync(long requiredHead, string actor = "system", CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (down && clock.GetUtcNow() < unavailableUntil)
            {
                return null;
            }
        }

        var db = StromaDatabase.CreateReadOnlyContext(Replica, actor, clock);
        var started = clock.GetTimestamp();
        try
        {
            while (true)
            {
                var head = await HeadAsync(db, cancellationToken).ConfigureAwait(false);
                MarkUp();
                if (head >= requiredHead)
                {
                    return db;
                }

                var waited = clock.GetElapsedTime(started);
                if (waited >= MaxWait)
                {
                    Behind(logger, Replica.Describe(), head, requiredHead, Math.Round(waited.TotalSeconds, 2), null);
                    await db.DisposeAsync().ConfigureAwait(false);
                    return null;
                }

                await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException || e.InnerException is NpgsqlException or TimeoutException)
        {
            MarkDown(e);
            await db.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A context to read from: the replica's when it is reachable and has caught up with the primary's head as of now
    /// (so a command run right after an import sees it), else one on the primary. The caller disposes it.
    /// </summary>
    public async Task<(StromaDbContext Context, bool FromReplica)> OpenCaughtUpAsync(string actor = "system", CancellationToken cancellationToken = default)
    {
        long required;
        await using (var primary = StromaDatabase.CreateContext(Primary, actor, clock))
        {
            required = await HeadAsync(primary, cancellationToken).ConfigureAwait(false);
        }

        return await TryOpenAsync(required, actor, cancellationToken).ConfigureAwait(false) is { } replica
            ? (replica, true)
            : (StromaDatabase.CreateContext(Primary, actor, clock), false);
    }

    private void MarkUp()
    {
        lock (gate)
        {
            if (!down)
            {
                return;
            }

            down = false;
        }

        Back(logger, Replica.Describe(), null);
    }

    private void MarkDown(Exception e)
    {
        bool first;
        lock (gate)
        {
            first = !down;
            down = true;
            unavailableUntil = clock.GetUtcNow() + RetryAfter;
        }

        if (first)
        {
            Unreachable(logger, Replica.Describe(), (e.InnerException ?? e).Message, null);
        }
    }
}
