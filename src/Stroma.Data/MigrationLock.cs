using System.Globalization;
using Microsoft.Data.Sqlite;
using Stroma.Clinical.Issues;

namespace Stroma.Data;

/// <summary>
/// A migration lock that stays held: another process is still migrating, or one was killed while migrating and left
/// its row in <c>__EFMigrationsLock</c>. <see cref="Code"/> is a stable issue code (docs/issue-codes.md).
/// </summary>
public sealed class MigrationLockException(string code, string message) : InvalidOperationException(message)
{
    /// <summary>The issue code: <see cref="IssueCodes.StaleMigrationLock"/> or <see cref="IssueCodes.MigrationLockBusy"/>.</summary>
    public string Code { get; } = code;
}

/// <summary>
/// EF Core's SQLite migration lock. EF Core 9+ takes it by inserting the row <c>Id = 1</c> (with the time it was taken)
/// into <c>__EFMigrationsLock</c> and, while such a row exists, retries for ever; a process killed while migrating
/// (<c>kill -9</c>) never deletes its row, so every later migration would hang. Stroma checks for the row before it
/// migrates, waits a bounded time for it to go away, then fails with <see cref="IssueCodes.StaleMigrationLock"/> and the
/// fix (<c>stroma db migrate --clear-stale-lock</c>). PostgreSQL's lock is a session advisory lock, which the server
/// releases when the session dies, so it needs none of this.
/// </summary>
public static class MigrationLock
{
    /// <summary>The table EF Core's SQLite history repository uses as its lock.</summary>
    public const string TableName = "__EFMigrationsLock";

    /// <summary>The environment variable bounding the wait for a held lock, in seconds (default 30).</summary>
    public const string WaitEnvironmentVariable = "STROMA_MIGRATION_LOCK_WAIT";

    /// <summary>How long to wait for a held lock unless told: <c>STROMA_MIGRATION_LOCK_WAIT</c> seconds, else 30 s.</summary>
    public static TimeSpan DefaultWait =>
        int.TryParse(Environment.GetEnvironmentVariable(WaitEnvironmentVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(30);

    /// <summary>The time the lock was taken (as EF wrote it), or null when no lock row exists (or no lock table).</summary>
    public static async Task<string?> ReadAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        exists.Parameters.AddWithValue("$name", TableName);
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }

        await using var row = connection.CreateCommand();
        row.CommandText = $"SELECT \"Timestamp\" FROM \"{TableName}\" ORDER BY \"Id\" LIMIT 1;";
        var value = await row.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "(unknown)";
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for a held lock to go away (polling twice a second); throws
    /// <see cref="MigrationLockException"/> (<see cref="IssueCodes.StaleMigrationLock"/>) if it is still held.
    /// </summary>
    public static async Task WaitUntilFreeAsync(DataConfiguration configuration, TimeSpan wait, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine != DatabaseEngine.Sqlite)
        {
            return;
        }

        clock ??= TimeProvider.System;
        var started = clock.GetTimestamp();
        await using var connection = new SqliteConnection(configuration.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var takenAt = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            if (takenAt is null)
            {
                return;
            }

            if (clock.GetElapsedTime(started) >= wait)
            {
                throw new MigrationLockException(IssueCodes.StaleMigrationLock,
                    $"{configuration.Describe()}: the migration lock (a row in {TableName}) taken at {takenAt} is still held after waiting " +
                    $"{wait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. Another process may be migrating, or one was killed while migrating " +
                    $"and left it behind. If no other stroma process uses this database, run 'stroma db migrate --clear-stale-lock -d <DB>' " +
                    $"(set {WaitEnvironmentVariable} to wait longer).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes a stale lock row, only while no other connection holds the database: it first takes SQLite's write lock
    /// (<c>BEGIN IMMEDIATE</c>, without waiting) and refuses with <see cref="IssueCodes.MigrationLockBusy"/> when another
    /// connection is writing. Returns the time the removed lock was taken, or null when there was none.
    /// </summary>
    public static async Task<string?> ClearStaleAsync(DataConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine != DatabaseEngine.Sqlite)
        {
            return null;
        }

        var builder = new SqliteConnectionStringBuilder(configuration.ConnectionString) { Pooling = false, DefaultTimeout = 0, Mode = SqliteOpenMode.ReadWrite };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 0;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var begin = connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw new MigrationLockException(IssueCodes.MigrationLockBusy,
                $"{configuration.Describe()}: another connection holds the database's write lock, so the migration lock is not cleared " +
                "(a process may be migrating). Stop every stroma process using this database, then run 'stroma db migrate --clear-stale-lock' again.");
        }

        try
        {
            var takenAt = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            if (takenAt is not null)
            {
                await using var delete = connection.CreateCommand();
                delete.CommandText = $"DELETE FROM \"{TableName}\";";
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var commit = connection.CreateCommand();
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return takenAt;
        }
        catch
        {
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
