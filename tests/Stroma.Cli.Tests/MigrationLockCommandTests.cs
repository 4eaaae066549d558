// Source: issue #21 (reliability): kill -9 during 'stroma db migrate' on SQLite left a row in __EFMigrationsLock and
// every later command hung; a stale lock must be detected and cleared safely, or reported with the fix.
// Every command here runs under a hard bound (Bounded): a hang fails the test instead of blocking the run, which is
// what an earlier attempt did (its unlock waited for a busy database with Microsoft.Data.Sqlite's timeout 0 = no limit).
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data;

namespace Stroma.Cli.Tests;

public sealed class MigrationLockCommandTests : IDisposable
{
    private const string LongAgo = "2000-01-01 00:00:00+00:00";
    private static readonly TimeSpan HardBound = TimeSpan.FromSeconds(45);
    private readonly string folder = Directory.CreateTempSubdirectory("stroma-miglock-").FullName;

    private string Registry => Path.Combine(folder, "registry.db");

    private DataConfiguration Configuration => DataConfiguration.Parse(Registry);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Runs the command on the thread pool and fails (TimeoutException) if it has not returned within the bound.</summary>
    private static Task<CliRunner.Outcome> Bounded(params string[] args) =>
        Task.Run(() => CliRunner.Run("", args), Token).WaitAsync(HardBound, Token);

    /// <summary>
    /// Leaves the lock as a process killed during its first migration does: EF Core itself takes it (its table, its row,
    /// its time format) and the lock is never released.
    /// </summary>
    private async Task<string> LeaveLockAsync(string? takenAt = null)
    {
        await using (var db = StromaDatabase.CreateContext(Configuration))
        {
            var history = db.GetService<IHistoryRepository>();
            await db.Database.OpenConnectionAsync(Token);
            _ = await history.AcquireDatabaseLockAsync(Token);
            await db.Database.CloseConnectionAsync();
        }

        if (takenAt is not null)
        {
            await ExecuteAsync($"UPDATE \"{MigrationLock.TableName}\" SET \"Timestamp\" = '{takenAt}'");
        }

        return (await MigrationLock.ReadAsync(Configuration, Token))!.TakenAtText;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Registry};Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Token);
    }

    private async Task<long> LockRowsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Registry};Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM \"{MigrationLock.TableName}\"";
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    [Fact]
    public async Task DbMigrate_LockLeftLongAgo_ReportsDat007AtOnceWithItsTimeAndTheFix()
    {
        var takenAt = await LeaveLockAsync(LongAgo);

        var outcome = await Bounded("db", "migrate", "--database", Registry);

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
        outcome.Error.ShouldContain($"error {IssueCodes.StaleMigrationLock}");
        outcome.Error.ShouldContain($"a migration lock taken at {takenAt} is still held");
        outcome.Error.ShouldContain("'stroma db unlock --database <DB>'");
        outcome.Error.ShouldNotContain("unexpected");
        (await LockRowsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task AnyCommand_LockLeftLongAgo_ReportsDat007InsteadOfWaiting()
    {
        await LeaveLockAsync(LongAgo);

        var outcome = await Bounded("export", Path.Combine(folder, "export"), "--database", Registry);

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
        outcome.Error.ShouldContain($"error {IssueCodes.StaleMigrationLock}");
    }

    [Fact]
    public async Task DbMigrate_FreshLockOlderThanLockTimeout_WaitsThenReportsDat007()
    {
        var takenAt = await LeaveLockAsync();

        var outcome = await Bounded("db", "migrate", "--database", Registry, "--lock-timeout", "1");

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
        outcome.Error.ShouldContain($"a migration lock taken at {takenAt} is still held");
    }

    [Fact]
    public async Task DbUnlock_StaleLock_RemovesItAndLogsIt_ThenMigrateApplies()
    {
        var takenAt = await LeaveLockAsync(LongAgo);

        var unlocked = await Bounded("db", "unlock", "--database", Registry, "--user", "operator");
        var migrated = await Bounded("db", "migrate", "--database", Registry);

        unlocked.ExitCode.ShouldBe(ExitCodes.Ok, unlocked.Error);
        unlocked.Error.ShouldContain($"removed the migration lock taken at {takenAt} from {Configuration.Describe()} (by operator at ");
        (await LockRowsAsync()).ShouldBe(0);
        migrated.ExitCode.ShouldBe(ExitCodes.Ok, migrated.Error);
        migrated.Out.ShouldContain("migration(s) applied");
    }

    [Fact]
    public async Task DbUnlock_NoLock_SaysSoAndChangesNothing()
    {
        (await Bounded("db", "migrate", "--database", Registry)).ExitCode.ShouldBe(ExitCodes.Ok);

        var outcome = await Bounded("db", "unlock", "--database", Registry);

        outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
        outcome.Out.ShouldContain("no migration lock");
    }

    [Fact]
    public async Task DbUnlock_AnotherConnectionWriting_RefusesWithDat008WithinItsWaitAndKeepsTheLock()
    {
        await LeaveLockAsync(LongAgo);
        await using var writer = new SqliteConnection($"Data Source={Registry};Pooling=False");
        await writer.OpenAsync(Token);
        await using (var begin = writer.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync(Token);
        }

        CliRunner.Outcome outcome;
        try
        {
            outcome = await Bounded("db", "unlock", "--database", Registry);
        }
        finally
        {
            await using var rollback = writer.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(Token);
        }

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
        outcome.Error.ShouldContain($"error {IssueCodes.MigrationLockBusy}");
        (await LockRowsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task MigrateAsync_YoungLockReleasedWhileWaiting_Migrates()
    {
        await LeaveLockAsync();

        var migrate = StromaDatabase.MigrateAsync(Configuration, TimeSpan.FromSeconds(40), TimeProvider.System, Token);
        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        migrate.IsCompleted.ShouldBeFalse();
        await ExecuteAsync($"DELETE FROM \"{MigrationLock.TableName}\"");

        (await migrate.WaitAsync(HardBound, Token)).ShouldNotBeEmpty();
        (await LockRowsAsync()).ShouldBe(0);
    }

    /// <summary>
    /// A PostgreSQL registry with pending migrations (here: none applied) is refused with the fix named and exit 1, not
    /// "unexpected error" and exit 3 (issue #21: a clear error for bad input), and nothing is written to it.
    /// </summary>
    [Fact]
    public async Task Demo_OnAnUnmigratedPostgresRegistry_RefusedWithTheFix_Exit1()
    {
        var admin = Stroma.Data.Tests.Engines.PostgresAdmin ?? throw new InvalidOperationException($"{Stroma.Data.Tests.Engines.PostgresVariable} is not set.");
        var name = $"stroma_unmigrated_{Guid.NewGuid():N}";
        await AdminAsync(admin, $"CREATE DATABASE \"{name}\"");
        var registry = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        try
        {
            var outcome = await Bounded("demo", "--database", registry);

            outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
            outcome.Error.ShouldContain("pending migration");
            outcome.Error.ShouldContain("stroma db migrate");
            outcome.Error.ShouldNotContain("unexpected error");
            await using var connection = new Npgsql.NpgsqlConnection(registry);
            await connection.OpenAsync(Token);
            await using var tables = new Npgsql.NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
            ((long)(await tables.ExecuteScalarAsync(Token))!).ShouldBe(0);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await AdminAsync(admin, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync(Token);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Token);
    }
}
