using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Stroma.Data;

/// <summary>What a bulk insert does with the table's secondary indexes (and, on PostgreSQL, its foreign keys).</summary>
public enum BulkIndexes
{
    /// <summary>Rebuild them when the load is large and at least doubles the table (<see cref="BulkIndexPlan.DecideAsync"/>); maintain them otherwise.</summary>
    Auto,

    /// <summary>Every row goes into every index as it is inserted, and each foreign key is checked row by row.</summary>
    Maintain,

    /// <summary>Drop them, load, build them again by sorting (and validate each foreign key in one pass), in the same transaction.</summary>
    Rebuild,
}

/// <summary>
/// When a bulk insert rebuilds the table's indexes instead of inserting into them row by row. The rebuild is what
/// PostgreSQL's manual advises for a large load (PostgreSQL 15 documentation, section 14.4 "Populating a Database", its
/// parts "Remove Indexes", "Remove Foreign Key Constraints" and "Increase maintenance_work_mem": building an index on
/// existing data is quicker than updating it row by row, and a foreign key is checked for the whole table in one pass
/// more efficiently than row by row); SQLite's <c>CREATE INDEX</c> likewise sorts the rows once. Once the indexes no longer fit in memory, each row's insert is a random page
/// write in each index, while a build sorts once: at 10^7 rows into an empty <c>lab_results</c>, PostgreSQL's
/// <c>COPY</c> took 336 s with the indexes and foreign keys in place and 40 s without (bench/data/README.md).
/// </summary>
/// <param name="Mode">The choice (<c>stroma import labs --indexes</c>).</param>
/// <param name="ExpectedRows">How many rows the load is expected to bring (an estimate); asked once, when the first batch is written.</param>
public sealed record BulkIndexPlan(BulkIndexes Mode, Func<long>? ExpectedRows = null)
{
    /// <summary>
    /// Below this many rows <see cref="BulkIndexes.Auto"/> maintains the indexes: a small load costs little either way,
    /// and the rebuild locks the table and sorts all of its rows, stored ones included.
    /// </summary>
    public const long AutoMinimumRows = 100_000;

    /// <summary>
    /// How long PostgreSQL's drop waits for the table's exclusive lock (readers finishing) before the load maintains the
    /// indexes instead; 10 s unless told.
    /// </summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Maintain the indexes (every caller but the lab import).</summary>
    public static BulkIndexPlan Maintain { get; } = new(BulkIndexes.Maintain);

    /// <summary>
    /// Whether to rebuild: <see cref="BulkIndexes.Rebuild"/> always; <see cref="BulkIndexes.Auto"/> when at least
    /// <see cref="AutoMinimumRows"/> are expected and the table holds fewer rows than are expected (the load at least
    /// doubles it: a first load, a history entered late). <paramref name="storedUpTo"/> counts the stored rows, up to
    /// the number it is given.
    /// </summary>
    public async Task<bool> DecideAsync(Func<long, Task<long>> storedUpTo)
    {
        ArgumentNullException.ThrowIfNull(storedUpTo);
        switch (Mode)
        {
            case BulkIndexes.Rebuild:
                return true;
            case BulkIndexes.Maintain:
                return false;
        }

        var expected = ExpectedRows?.Invoke() ?? 0;
        return expected >= AutoMinimumRows && await storedUpTo(expected).ConfigureAwait(false) < expected;
    }
}

/// <summary>
/// The secondary indexes (and, on PostgreSQL, the foreign keys) of one table, dropped for a bulk load and built again
/// after it, inside the caller's transaction: a failure anywhere rolls the drop back with the rows. The primary key
/// stays (its ids are fresh and time-ordered, so its inserts append). A unique index that cannot be built again
/// because the load brought a stored key fails with the engine's unique-violation error, which the inserter turns
/// into <see cref="BulkInsertConflictException"/>. SQLite keeps its foreign keys: it cannot drop one without copying
/// the table, and its per-row check is a lookup in the parent's primary key.
/// </summary>
internal sealed class BulkIndexRebuild
{
    private readonly List<string> restore;

    private BulkIndexRebuild(List<string> restore, int indexes, int foreignKeys)
    {
        this.restore = restore;
        Indexes = indexes;
        ForeignKeys = foreignKeys;
    }

    /// <summary>The indexes dropped and built again.</summary>
    public int Indexes { get; }

    /// <summary>The foreign keys dropped and added again (PostgreSQL).</summary>
    public int ForeignKeys { get; }

    /// <summary>
    /// The server's sort memory for the builds, when its setting is lower (PostgreSQL's default is 64 MB): 256 MB lets
    /// the build of a 10^7-row index sort in memory. Local to the transaction.
    /// </summary>
    private const int MaintenanceWorkMemKibibytes = 262144;

    /// <summary>The table's secondary indexes (not the primary key, nor one backing a constraint) and foreign keys, with their definitions.</summary>
    private const string DefinitionsSql = """
        SELECT 'i', c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        UNION ALL
        SELECT 'f', conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'
        ORDER BY 1, 2
        """;

    /// <summary>
    /// Drops the table's secondary indexes and foreign keys; null when the exclusive lock on the table was not granted
    /// within <paramref name="lockWait"/> (the caller then maintains the indexes; the transaction is as it was, rolled back to
    /// <paramref name="savepoint"/>, which must be set).
    /// </summary>
    public static async Task<BulkIndexRebuild?> DropAsync(NpgsqlConnection connection, string table, string savepoint, TimeSpan lockWait, CancellationToken cancellationToken)
    {
        var restore = new List<string>();
        var drop = new List<string>();
        var foreignKeys = 0;
        await using (var command = new NpgsqlCommand(DefinitionsSql, connection) { CommandTimeout = 0 })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Quote(table) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (kind, name, definition) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (kind == "i")
                {
                    drop.Add($"DROP INDEX {Quote(name)}");
                    restore.Add(definition);
                }
                else
                {
                    foreignKeys++;
                    drop.Add($"ALTER TABLE {Quote(table)} DROP CONSTRAINT {Quote(name)}");
                    restore.Add($"ALTER TABLE {Quote(table)} ADD CONSTRAINT {Quote(name)} {definition}");
                }
            }
        }

        try
        {
            await ExecuteAsync(connection, $"SET LOCAL lock_timeout = {(int)lockWait.TotalMilliseconds}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"LOCK TABLE {Quote(table)} IN ACCESS EXCLUSIVE MODE", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            await ExecuteAsync(connection, $"ROLLBACK TO SAVEPOINT {savepoint}", cancellationToken).ConfigureAwait(false);
            return null;
        }

        await ExecuteAsync(connection, "SET LOCAL lock_timeout TO DEFAULT", cancellationToken).ConfigureAwait(false);
        foreach (var statement in drop)
        {
            await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture,
            $"SELECT set_config('maintenance_work_mem', '{MaintenanceWorkMemKibibytes}kB', true) FROM pg_settings WHERE name = 'maintenance_work_mem' AND setting::bigint < {MaintenanceWorkMemKibibytes}"),
            cancellationToken).ConfigureAwait(false);
        return new BulkIndexRebuild(restore, restore.Count - foreignKeys, foreignKeys);
    }

    /// <summary>Drops the table's secondary indexes (the ones with SQL in the schema: not the primary key's own).</summary>
    public static BulkIndexRebuild Drop(SqliteConnection connection, SqliteTransaction transaction, string table)
    {
        var restore = new List<string>();
        var names = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = $table AND sql IS NOT NULL ORDER BY name";
            command.Parameters.AddWithValue("$table", table);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
                restore.Add(reader.GetString(1));
            }
        }

        foreach (var name in names)
        {
            Execute(connection, transaction, $"DROP INDEX {Quote(name)}");
        }

        return new BulkIndexRebuild(restore, restore.Count, 0);
    }

    /// <summary>Builds the indexes and adds the foreign keys again (PostgreSQL).</summary>
    public async Task RestoreAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var statement in restore)
        {
            await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the indexes again (SQLite).</summary>
    public void Restore(SqliteConnection connection, SqliteTransaction transaction)
    {
        foreach (var statement in restore)
        {
            Execute(connection, transaction, statement);
        }
    }

    private static string Quote(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
