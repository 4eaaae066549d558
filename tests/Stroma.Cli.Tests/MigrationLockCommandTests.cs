// Source: issue #21 (Reliability): kill -9 during 'stroma db migrate' on SQLite left a row in __EFMigrationsLock and
// every later command hung; a stale lock must be detected and cleared safely.
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data;

namespace Stroma.Cli.Tests;

public sealed class MigrationLockCommandTests : IDisposable
{
    private const string TakenAt = "2026-12-06T01:00:00.0000000+00:00";
    private readonly string folder = Directory.CreateTempSubdirectory("stroma-miglock-").FullName;

    private string Path => System.IO.Path.Combine(folder, "registry.db");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Leaves the lock as a process killed while migrating does (the table as EF Core creates it).</summary>
    private void LeaveStaleLock()
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
            INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, $takenAt);
            """;
        command.Parameters.AddWithValue("$takenAt", TakenAt);
        command.ExecuteNonQuery();
    }

    private long LockRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM \"__EFMigrationsLock\"";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public void DbMigrate_StaleLockRow_FailsFastWithTheLockAndTheFix()
    {
        CliRunner.Run("", "db", "migrate", "--database", Path).ExitCode.ShouldBe(ExitCodes.Ok);
        LeaveStaleLock();

        var watch = Stopwatch.StartNew();
        var outcome = CliRunner.Run("", "db", "migrate", "--database", Path, "--lock-wait", "1");
        watch.Stop();

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Out);
        outcome.Error.ShouldContain(IssueCodes.StaleMigrationLock);
        outcome.Error.ShouldContain($"taken at {TakenAt}");
        outcome.Error.ShouldContain("stroma db migrate --clear-stale-lock");
        outcome.Error.ShouldNotContain("unexpected");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(60));
        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        LockRows().ShouldBe(1);
    }

    [Fact]
    public void DbMigrateClearStaleLock_NoOtherConnection_RemovesTheLockAndLogsIt()
    {
        CliRunner.Run("", "db", "migrate", "--database", Path).ExitCode.ShouldBe(ExitCodes.Ok);
        LeaveStaleLock();

        var cleared = CliRunner.Run("", "db", "migrate", "--database", Path, "--clear-stale-lock", "--user", "operator");
        var after = CliRunner.Run("", "db", "migrate", "--database", Path, "--lock-wait", "1");

        cleared.ExitCode.ShouldBe(ExitCodes.Ok, cleared.Error);
        cleared.Error.ShouldContain($"cleared the migration lock taken at {TakenAt} (by operator at ");
        cleared.Out.ShouldContain("up to date");
        LockRows().ShouldBe(0);
        after.ExitCode.ShouldBe(ExitCodes.Ok, after.Error);
        after.Out.ShouldContain("up to date");
    }

    [Fact]
    public void DbMigrateClearStaleLock_AnotherConnectionWriting_RefusesAndKeepsTheLock()
    {
        CliRunner.Run("", "db", "migrate", "--database", Path).ExitCode.ShouldBe(ExitCodes.Ok);
        LeaveStaleLock();
        using var writer = new SqliteConnection($"Data Source={Path};Pooling=False");
        writer.Open();
        using (var begin = writer.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }

        var outcome = CliRunner.Run("", "db", "migrate", "--database", Path, "--clear-stale-lock");
        using (var rollback = writer.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Out);
        outcome.Error.ShouldContain(IssueCodes.MigrationLockBusy);
        LockRows().ShouldBe(1);
    }

    [Fact]
    public async Task MigrateAsync_LockReleasedWhileWaiting_Migrates()
    {
        var configuration = DataConfiguration.Parse(Path);
        await StromaDatabase.MigrateAsync(configuration, Token);
        LeaveStaleLock();

        var migrate = StromaDatabase.MigrateAsync(configuration, TimeSpan.FromSeconds(20), Token);
        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        migrate.IsCompleted.ShouldBeFalse();
        await using (var connection = new SqliteConnection($"Data Source={Path};Pooling=False"))
        {
            await connection.OpenAsync(Token);
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM \"__EFMigrationsLock\"";
            await delete.ExecuteNonQueryAsync(Token);
        }

        (await migrate).ShouldBeEmpty();
    }
}
