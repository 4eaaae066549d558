using System.Globalization;
using Microsoft.Data.Sqlite;
using Stroma.Clinical.Issues;

namespace Stroma.Data;

/// <summary>A SQLite migration lock that is still held, or that <c>stroma db unlock</c> may not remove now.</summary>
public sealed class MigrationLockException(Issue issue) : InvalidOperationException(issue?.Message)
{
    /// <summary>The issue: <see cref="IssueCodes.StaleMigrationLock"/> or <see cref="IssueCodes.MigrationLockBusy"/>.</summary>
    public Issue Issue { get; } = issue ?? throw new ArgumentNullException(nameof(issue));
}

/// <summary>A migration lock row: the time it was taken, as EF Core wrote it, and parsed when it parses.</summary>
public sealed record MigrationLockRow(string TakenAtText, DateTimeOffset? TakenAt);

/// <summary>
/// EF Core's SQLite migration lock (EF Core 9 and later). <c>Migrate</c> takes it by inserting the row <c>Id = 1</c>,
/// with the time, into <c>__EFMigrationsLock</c>, and while such a row exists it retries with a growing delay, with no
/// limit; the row is deleted when the migration ends. A process killed while migrating (<c>kill -9</c>, power loss)
/// never deletes it, so every later migration of that file would wait for ever. Stroma therefore reads the row itself
/// before it asks EF to migrate: a lock older than a bound (default 60 s) is reported at once with
/// <see cref="IssueCodes.StaleMigrationLock"/>, its time and the fix (<c>stroma db unlock</c>); a younger one is waited
/// for, at most until it is that old. The row records no process, so whether its owner still lives cannot be known;
/// its age is the test. PostgreSQL's migration lock is a session advisory lock, released by the server when the
/// session ends, so this concerns SQLite only.
/// </summary>
public static class MigrationLock
{
    /// <summary>The table EF Core's SQLite history repository uses as its lock.</summary>
    public const string TableName = "__EFMigrationsLock";

    /// <summary>The environment variable that sets the bound, in whole seconds.</summary>
    public const string TimeoutEnvironmentVariable = "STROMA_MIGRATION_LOCK_TIMEOUT";

    /// <summary>How old a lock may be before it is reported as stale unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary><see cref="TimeoutEnvironmentVariable"/> when it holds a whole number of seconds, else <see cref="DefaultTimeout"/>.</summary>
    public static TimeSpan ConfiguredTimeout =>
        int.TryParse(Environment.GetEnvironmentVariable(TimeoutEnvironmentVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : DefaultTimeout;

    /// <summary>The lock row of a SQLite registry, or null when there is none (or no lock table yet).</summary>
    public static async Task<MigrationLockRow?> ReadAsync(DataConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine != DatabaseEngine.Sqlite)
        {
            return null;
        }

        await using var connection = Open(configuration);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Before EF migrates a SQLite registry: returns when no lock row exists (waiting while a lock younger than
    /// <paramref name="timeout"/> is held); throws <see cref="MigrationLockException"/> with
    /// <see cref="IssueCodes.StaleMigrationLock"/> when the row is, or becomes, older than that. Never waits longer than
    /// <paramref name="timeout"/> in all.
    /// </summary>
    public static async Task EnsureNotStaleAsync(DataConfiguration configuration, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(clock);
        if (configuration.Engine != DatabaseEngine.Sqlite)
        {
            return;
        }

        var started = clock.GetTimestamp();
        await using var connection = Open(configuration);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (await ReadAsync(connection, cancellationToken).ConfigureAwait(false) is { } row)
        {
            // The row's own time (a lock left hours ago is reported at once) and our own wait (a clock set back, a
            // time in the future, or an unreadable one cannot make us wait longer than the bound).
            var age = row.TakenAt is { } takenAt ? clock.GetUtcNow() - takenAt : TimeSpan.MaxValue;
            if (age >= timeout || clock.GetElapsedTime(started) >= timeout)
            {
                throw new MigrationLockException(StaleIssue(configuration, row, timeout));
            }

            await Task.Delay(Poll, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes the lock row of a SQLite registry, inside SQLite's write lock (<c>BEGIN IMMEDIATE</c>, waiting at most
    /// <paramref name="busyWait"/> for it, never for ever): when another connection is writing, nothing is removed and
    /// <see cref="IssueCodes.MigrationLockBusy"/> is thrown. Returns the row removed, or null when there was none.
    /// </summary>
    public static async Task<MigrationLockRow?> UnlockAsync(DataConfiguration configuration, TimeSpan busyWait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Engine != DatabaseEngine.Sqlite
            || !File.Exists(new SqliteConnectionStringBuilder(configuration.ConnectionString).DataSource))
        {
            return null;
        }

        // Microsoft.Data.Sqlite retries a busy command until its timeout, and a timeout of 0 means no limit: the
        // earlier attempt at this (DefaultTimeout = 0, meant as "do not wait") waited for ever on a busy database.
        var seconds = Math.Max(1, (int)Math.Ceiling(busyWait.TotalSeconds));
        await using var connection = Open(configuration, seconds);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await ReadAsync(connection, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        try
        {
            await ExecuteAsync(connection, "BEGIN IMMEDIATE;", cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            throw new MigrationLockException(Issue.Error(IssueCodes.MigrationLockBusy, TableName,
                $"{configuration.Describe()}: another connection is writing to the database (its write lock was still held after {seconds} s), " +
                "so the migration lock was not removed: a process may be migrating it. Stop every stroma command and web app using this " +
                "database, then run 'stroma db unlock' again."));
        }

        try
        {
            var row = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"DELETE FROM \"{TableName}\";", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "COMMIT;", cancellationToken).ConfigureAwait(false);
            return row;
        }
        catch
        {
            await ExecuteAsync(connection, "ROLLBACK;", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static Issue StaleIssue(DataConfiguration configuration, MigrationLockRow row, TimeSpan timeout) =>
        Issue.Error(IssueCodes.StaleMigrationLock, TableName,
            $"{configuration.Describe()}: a migration lock taken at {row.TakenAtText} is still held (a row in {TableName}, older than " +
            $"{timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s). Another process may still be migrating this database, or one " +
            "was killed while migrating and left the lock behind. If no other stroma command or web app uses this database, remove it with " +
            $"'stroma db unlock --database <DB>' and run again (see docs/operations.md; {TimeoutEnvironmentVariable} sets the bound in seconds).");

    private static SqliteConnection Open(DataConfiguration configuration, int commandTimeoutSeconds = 5) =>
        new(new SqliteConnectionStringBuilder(configuration.ConnectionString)
        {
            Pooling = false,
            DefaultTimeout = commandTimeoutSeconds,
            Mode = SqliteOpenMode.ReadWrite,
        }.ToString());

    private static async Task<MigrationLockRow?> ReadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        exists.Parameters.AddWithValue("$name", TableName);
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }

        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT \"Timestamp\" FROM \"{TableName}\" ORDER BY \"Id\" LIMIT 1;";
        var value = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            return null;
        }

        var text = value is DBNull ? "(no time recorded)" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return new MigrationLockRow(text,
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
