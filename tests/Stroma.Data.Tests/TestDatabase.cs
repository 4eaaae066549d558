using Microsoft.Data.Sqlite;
using Npgsql;

namespace Stroma.Data.Tests;

/// <summary>
/// The engines every data test runs on: SQLite always; PostgreSQL when <c>STROMA_TEST_POSTGRES</c> holds a
/// connection string to a server where the user may create databases (<c>.ci/run</c> starts one and sets it).
/// </summary>
public static class Engines
{
    public const string PostgresVariable = "STROMA_TEST_POSTGRES";

    public static string? PostgresAdmin => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    public static TheoryData<DatabaseEngine> All
    {
        get
        {
            var data = new TheoryData<DatabaseEngine> { DatabaseEngine.Sqlite };
            if (PostgresAdmin is not null)
            {
                data.Add(DatabaseEngine.Postgres);
            }

            return data;
        }
    }
}

/// <summary>Every (source, target) pair of engines, for backup/restore across engines.</summary>
public static class EnginePairs
{
    public static TheoryData<DatabaseEngine, DatabaseEngine> All
    {
        get
        {
            var data = new TheoryData<DatabaseEngine, DatabaseEngine>();
            foreach (var source in Engines.All)
            {
                foreach (var target in Engines.All)
                {
                    data.Add((DatabaseEngine)source.Data, (DatabaseEngine)target.Data);
                }
            }

            return data;
        }
    }
}

/// <summary>A fixed clock that tests move by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public static ManualClock At(string iso) => new(DateTimeOffset.Parse(iso, global::System.Globalization.CultureInfo.InvariantCulture));

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// A fresh, migrated, uniquely named database for one test: a copy of a migrated SQLite file, or a PostgreSQL
/// database created from a migrated template and dropped WITH (FORCE) after clearing the connection pools.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? sqliteTemplate;
    private static string? postgresTemplate;
    private readonly string? sqlitePath;
    private readonly string? postgresName;

    private TestDatabase(DataConfiguration configuration, string? sqlitePath, string? postgresName)
    {
        Configuration = configuration;
        this.sqlitePath = sqlitePath;
        this.postgresName = postgresName;
    }

    public DataConfiguration Configuration { get; }

    public DatabaseEngine Engine => Configuration.Engine;

    public static async Task<TestDatabase> CreateAsync(DatabaseEngine engine)
    {
        await Gate.WaitAsync();
        try
        {
            if (engine == DatabaseEngine.Sqlite)
            {
                if (sqliteTemplate is null)
                {
                    var template = Path.Combine(Path.GetTempPath(), $"stroma-test-template-{Guid.NewGuid():N}.db");
                    await StromaDatabase.MigrateAsync(DataConfiguration.Parse(template));
                    SqliteConnection.ClearAllPools();
                    sqliteTemplate = template;
                }

                var path = Path.Combine(Path.GetTempPath(), $"stroma-test-{Guid.NewGuid():N}.db");
                File.Copy(sqliteTemplate, path);
                return new TestDatabase(DataConfiguration.Parse(path), path, null);
            }

            var admin = Engines.PostgresAdmin ?? throw new InvalidOperationException($"{Engines.PostgresVariable} is not set.");
            if (postgresTemplate is null)
            {
                var template = $"stroma_tpl_{Guid.NewGuid():N}";
                await ExecuteAdminAsync(admin, $"CREATE DATABASE \"{template}\"");
                await StromaDatabase.MigrateAsync(new DataConfiguration(DatabaseEngine.Postgres, WithDatabase(admin, template)));
                NpgsqlConnection.ClearAllPools();
                postgresTemplate = template;
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    try
                    {
                        NpgsqlConnection.ClearAllPools();
                        DropAsync(admin, template).GetAwaiter().GetResult();
                    }
                    catch (NpgsqlException)
                    {
                        // The server may already be stopping; the throwaway cluster goes with it.
                    }
                };
            }

            var name = $"stroma_test_{Guid.NewGuid():N}";
            await ExecuteAdminAsync(admin, $"CREATE DATABASE \"{name}\" TEMPLATE \"{postgresTemplate}\"");
            return new TestDatabase(new DataConfiguration(DatabaseEngine.Postgres, WithDatabase(admin, name)), null, name);
        }
        finally
        {
            Gate.Release();
        }
    }

    public StromaDbContext Open(string actor = "tester", TimeProvider? clock = null) =>
        StromaDatabase.CreateContext(Configuration, actor, clock);

    public async ValueTask DisposeAsync()
    {
        if (sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(sqlitePath + suffix);
            }
        }

        if (postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await DropAsync(Engines.PostgresAdmin!, postgresName);
        }
    }

    private static async Task DropAsync(string admin, string name) =>
        await ExecuteAdminAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    private static string WithDatabase(string admin, string name) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();

    private static async Task ExecuteAdminAsync(string admin, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
