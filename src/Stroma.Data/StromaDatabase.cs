using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Stroma.Data.Audit;

namespace Stroma.Data;

/// <summary>The two engines Stroma stores data in.</summary>
public enum DatabaseEngine
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the registry lives. Resolved from (in order) an explicit value, the <c>STROMA_DATABASE</c> environment
/// variable, or the default SQLite file <c>stroma.db</c> in the user's data folder. A value that looks like an
/// ADO.NET connection string with <c>Host=</c> selects PostgreSQL; anything else is a SQLite file path (or a SQLite
/// connection string starting with <c>Data Source=</c>).
/// </summary>
/// <param name="Engine">The engine.</param>
/// <param name="ConnectionString">The provider connection string.</param>
public sealed record DataConfiguration(DatabaseEngine Engine, string ConnectionString)
{
    /// <summary>The environment variable naming the database.</summary>
    public const string EnvironmentVariable = "STROMA_DATABASE";

    /// <summary>The default SQLite file: <c>$XDG_DATA_HOME/stroma/stroma.db</c> or its platform equivalent.</summary>
    public static string DefaultSqlitePath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "stroma", "stroma.db");

    public static DataConfiguration Resolve(string? database = null)
    {
        var value = !string.IsNullOrWhiteSpace(database) ? database : Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Parse(string.IsNullOrWhiteSpace(value) ? DefaultSqlitePath : value);
    }

    public static DataConfiguration Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            // Npgsql performance settings, unless the connection string sets them: statements run five times or more are
            // prepared on the server (no parse and plan per page view), and a pooled connection is not reset with
            // DISCARD ALL when returned (Stroma keeps no session state: no SET, temporary table or LISTEN). Measured on
            // the timeline page under load (bench/web): 289 → 474 requests/s.
            var postgres = new NpgsqlConnectionStringBuilder(value);
            if (!value.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                postgres.MaxAutoPrepare = 64;
            }

            if (!value.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
            {
                postgres.NoResetOnClose = true;
            }

            return new DataConfiguration(DatabaseEngine.Postgres, postgres.ConnectionString);
        }

        var builder = value.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(value)
            : new SqliteConnectionStringBuilder { DataSource = value };
        builder.Pooling = true;
        return new DataConfiguration(DatabaseEngine.Sqlite, builder.ToString());
    }

    /// <summary>A description without secrets, for messages.</summary>
    public string Describe() => Engine == DatabaseEngine.Sqlite
        ? $"SQLite {new SqliteConnectionStringBuilder(ConnectionString).DataSource}"
        : $"PostgreSQL {DescribePostgres()}";

    private string DescribePostgres()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}

/// <summary>Creates contexts and prepares databases (migrations, SQLite WAL mode).</summary>
public static class StromaDatabase
{
    public static StromaDbContext CreateContext(DataConfiguration configuration, string actor = "system", TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        StromaDbContext db = configuration.Engine switch
        {
            DatabaseEngine.Sqlite => new SqliteStromaDbContext((DbContextOptions<SqliteStromaDbContext>)Options.Get((DatabaseEngine.Sqlite, configuration.ConnectionString, "sqlite"),
                key => new DbContextOptionsBuilder<SqliteStromaDbContext>()
                    .UseSqlite(key.ConnectionString, o => o.CommandTimeout(3600))
                    .AddInterceptors(AuditInterceptor.Instance).Options)),
            _ => new PostgresStromaDbContext(PostgresOptions(configuration.ConnectionString, retrying: true)),
        };
        return Stamped(db, actor, clock);
    }

    /// <summary>
    /// The options of the contexts of one database, built once and shared (they are immutable, as the options
    /// <c>AddDbContext</c> registers are): the web app makes a few contexts per request, and building the options anew
    /// for each made EF Core look up its internal services from scratch each time (bench/web/README.md). Bounded: a test
    /// run opens thousands of databases, so past <see cref="Capacity"/> the cache starts again.
    /// </summary>
    private static class Options
    {
        private const int Capacity = 256;

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(DatabaseEngine Engine, string ConnectionString, string Kind), DbContextOptions> Built = new();

        public static DbContextOptions Get((DatabaseEngine Engine, string ConnectionString, string Kind) key, Func<(DatabaseEngine Engine, string ConnectionString, string Kind), DbContextOptions> build)
        {
            if (Built.TryGetValue(key, out var options))
            {
                return options;
            }

            if (Built.Count >= Capacity)
            {
                Built.Clear();
            }

            return Built.GetOrAdd(key, build);
        }
    }

    /// <summary>The PostgreSQL options every context here shares (one-hour commands, the audit interceptor), with or without EF's retries, built once per database.</summary>
    private static DbContextOptions<PostgresStromaDbContext> PostgresOptions(string connectionString, bool retrying) =>
        (DbContextOptions<PostgresStromaDbContext>)Options.Get((DatabaseEngine.Postgres, connectionString, retrying ? "retrying" : "streaming"),
            key => PostgresOptionsBuilder(key.ConnectionString, retrying).Options);

    private static DbContextOptionsBuilder<PostgresStromaDbContext> PostgresOptionsBuilder(string connectionString, bool retrying) =>
        new DbContextOptionsBuilder<PostgresStromaDbContext>()
            .UseNpgsql(connectionString, o =>
            {
                o.CommandTimeout(3600);
                if (retrying)
                {
                    o.ExecutionStrategy(d => new RegistryRetryingExecutionStrategy(d));
                }
            })
            .AddInterceptors(AuditInterceptor.Instance);

    private static StromaDbContext Stamped(StromaDbContext db, string actor, TimeProvider? clock)
    {
        db.Actor = actor;
        db.Clock = clock ?? TimeProvider.System;
        return db;
    }

    /// <summary>
    /// A context for a long read that streams a whole table or registry (an export, a backup, the ledger check, the
    /// audit chain): on PostgreSQL it runs without the retrying execution strategy of <see cref="CreateContext"/>,
    /// because with a retrying strategy EF Core buffers each query's whole result in memory before the first row is
    /// returned (so that the query can be re-run from the start; EF Core documentation, "Connection resiliency" and
    /// "Buffering and streaming"): 8.9 GB for the ledger check of the 10^5-patient registry. A stream half read cannot
    /// be retried anyway: a dropped connection fails the command, which writes nothing partial (exports and backups
    /// are written beside their name and moved into place when complete). On SQLite it is <see cref="CreateContext"/>.
    /// </summary>
    public static StromaDbContext CreateStreamingContext(DataConfiguration configuration, string actor = "system", TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine != DatabaseEngine.Postgres)
        {
            return CreateContext(configuration, actor, clock);
        }

        return Stamped(new PostgresStromaDbContext(PostgresOptions(configuration.ConnectionString, retrying: false)), actor, clock);
    }

    /// <summary>
    /// A context that only reads, for a read replica (<see cref="Replicas.ReadReplica"/>): no change tracking, no
    /// retries (an unreachable replica falls back to the primary at once), every transaction read-only on the server
    /// (<c>default_transaction_read_only</c>, so even a replica string pointed at a primary by mistake writes nothing), and
    /// <see cref="StromaDbContext.ReadOnly"/> set, so a save through it fails before anything is sent.
    /// </summary>
    public static StromaDbContext CreateReadOnlyContext(DataConfiguration configuration, string actor = "system", TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine != DatabaseEngine.Postgres)
        {
            throw new ArgumentException($"A read-only replica context is for PostgreSQL, not {configuration.Describe()}.", nameof(configuration));
        }

        var builder = new NpgsqlConnectionStringBuilder(configuration.ConnectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options)
            ? "-c default_transaction_read_only=on"
            : builder.Options + " -c default_transaction_read_only=on";
        return Stamped(new PostgresStromaDbContext((DbContextOptions<PostgresStromaDbContext>)Options.Get((DatabaseEngine.Postgres, builder.ConnectionString, "read-only"),
            key => PostgresOptionsBuilder(key.ConnectionString, retrying: false).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking).Options))
        {
            ReadOnly = true,
        }, actor, clock);
    }

    /// <summary>
    /// Applies every pending migration (creating the SQLite file and its folder on first use, in WAL mode).
    /// Returns the migrations applied.
    /// </summary>
    public static Task<IReadOnlyList<string>> MigrateAsync(DataConfiguration configuration, CancellationToken cancellationToken = default) =>
        MigrateAsync(configuration, MigrationLock.ConfiguredTimeout, TimeProvider.System, cancellationToken);

    /// <summary>
    /// Applies every pending migration; on SQLite, a migration lock left behind (older than <paramref name="lockTimeout"/>)
    /// fails with <see cref="MigrationLockException"/> instead of making EF wait for ever (see <see cref="MigrationLock"/>).
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(DataConfiguration configuration, TimeSpan lockTimeout, TimeProvider clock,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine == DatabaseEngine.Sqlite)
        {
            var path = new SqliteConnectionStringBuilder(configuration.ConnectionString).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        await using var db = CreateContext(configuration);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        if (configuration.Engine == DatabaseEngine.Sqlite)
        {
            // WAL is a property of the file: set once, it stays.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        if (pending.Count > 0)
        {
            if (configuration.Engine == DatabaseEngine.Sqlite)
            {
                // Checked here, before EF's Migrate: EF's own lock acquisition retries without a limit while the row exists.
                await MigrationLock.EnsureNotStaleAsync(configuration, lockTimeout, clock, cancellationToken).ConfigureAwait(false);
            }

            // Only when there is something to apply: EF's migrate also compares the model with the migrations' snapshot,
            // which costs about half a second on every command otherwise.
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            if (pending.Any(m => m.EndsWith(Audit.LotSiteUpgrade.MarkerMigration, StringComparison.Ordinal)))
            {
                // The lot sites LotSiteAndMedicationVisit filled go on the audit trail, once (docs/operations.md).
                await Audit.LotSiteUpgrade.RunAsync(configuration, cancellationToken).ConfigureAwait(false);
            }
        }

        return pending;
    }

    /// <summary>
    /// Makes a database ready for a command: a SQLite file is created and migrated on first use; a PostgreSQL
    /// database must already be migrated (<c>stroma db migrate</c>), so no command changes its schema by surprise.
    /// </summary>
    public static async Task EnsureReadyAsync(DataConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine == DatabaseEngine.Sqlite)
        {
            await MigrateAsync(configuration, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var db = CreateContext(configuration);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
        {
            throw new RegistryNotMigratedException(
                $"{configuration.Describe()} has {pending.Count} pending migration(s); run 'stroma db migrate' first.");
        }
    }
}

/// <summary>
/// A PostgreSQL registry whose schema is behind this version of Stroma: no command migrates it by surprise; the message
/// names the fix (<c>stroma db migrate</c>). Bad input, not a fault: the CLI reports it with exit code 1.
/// </summary>
public sealed class RegistryNotMigratedException(string message) : InvalidOperationException(message);
