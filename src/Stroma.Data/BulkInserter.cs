using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SQLitePCL;
using Stroma.Data.Audit;

namespace Stroma.Data;

/// <summary>What a bulk insert does with a row whose primary or unique key is already stored.</summary>
public enum BulkConflicts
{
    /// <summary>The insert fails (the caller's transaction must then be rolled back).</summary>
    Fail,

    /// <summary>The row is skipped. PostgreSQL copies into a temporary staging table, then inserts with <c>ON CONFLICT DO NOTHING</c>.</summary>
    Skip,

    /// <summary>
    /// The row is skipped, betting that there are none. PostgreSQL first checks the first batch's unique keys: if
    /// none is stored, it copies straight into the table inside a savepoint; if a conflict turns up later, it rolls
    /// back to the savepoint and throws <see cref="BulkInsertConflictException"/>, and the caller starts again with
    /// <see cref="Skip"/>. SQLite behaves as <see cref="Skip"/>.
    /// </summary>
    SkipOptimistic,
}

/// <summary>
/// A <see cref="BulkConflicts.SkipOptimistic"/> insert met a stored key after copying straight into the table: nothing
/// it copied remains (rolled back to its savepoint); start again with <see cref="BulkConflicts.Skip"/>.
/// </summary>
public sealed class BulkInsertConflictException : Exception
{
    public BulkInsertConflictException()
        : base("A bulk insert that copied straight into the table met a stored key; it was rolled back to its savepoint.")
    {
    }

    public BulkInsertConflictException(string message)
        : base(message)
    {
    }

    public BulkInsertConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Rows of one entity type already converted to what the engine stores (on SQLite: UTF-8 text and integers exactly
/// as Microsoft.Data.Sqlite binds them), so conversion can run on one thread while another writes. Made by
/// <see cref="BulkInserter{T}.CreateBatch"/>, filled with <see cref="Add(T)"/> (safe on any thread: it reads only the
/// inserter's immutable column list), written with <see cref="BulkInserter{T}.WriteAsync"/>, then cleared and reused.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public abstract class BulkBatch<T>
    where T : class
{
    private LedgerDigest[]? ledger;

    private protected BulkBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count { get; private protected set; }

    public bool IsFull => Count == Capacity;

    /// <summary>Converts one entity into the batch (the entity may be reused afterwards).</summary>
    public void Add(T entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (IsFull)
        {
            throw new InvalidOperationException("The batch is full; write it first.");
        }

        Encode(entity);
        if (ledger is not null)
        {
            ledger[Count] = LedgerDigest.Empty;
        }

        Count++;
    }

    /// <summary>
    /// Converts one entity into the batch with its <see cref="LedgerDigest"/> (one row's): the inserter adds up the
    /// digests of the rows it actually inserts (<see cref="BulkInserter{T}.Inserted"/>), so a bulk write records what
    /// it wrote without reading it back.
    /// </summary>
    public void Add(T entity, LedgerDigest row)
    {
        Add(entity);
        (ledger ??= new LedgerDigest[Capacity])[Count - 1] = row;
    }

    /// <summary>Whether rows were added with their digest.</summary>
    internal bool HasLedger => ledger is not null;

    /// <summary>The digest given with row <paramref name="row"/> (empty when none was).</summary>
    internal LedgerDigest Ledger(int row) => ledger is null ? LedgerDigest.Empty : ledger[row];

    public virtual void Clear() => Count = 0;

    private protected abstract void Encode(T entity);
}

/// <summary>
/// Each engine's fast path for inserting many rows of one entity type, bypassing the change tracker: binary
/// <c>COPY</c> on PostgreSQL (straight into the table, or through a temporary staging table when conflicts are to be
/// skipped, see <see cref="BulkConflicts"/>), and prepared multi-row <c>INSERT</c> statements bound through SQLite's
/// own API inside the caller's transaction on SQLite. Start one with <see cref="BulkInsert.StartAsync{T}(StromaDbContext, BulkConflicts, CancellationToken)"/>.
/// Values are converted exactly as EF Core would (the model's type mappings and value converters, then the
/// provider's storage format), so rows read back through <see cref="StromaDbContext"/> as if EF had written them.
/// The caller must have begun a transaction on the context; nothing here audits: callers write one audit entry per
/// batch.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public abstract class BulkInserter<T> : IAsyncDisposable
    where T : class
{
    private BulkBatch<T>? pending;

    private protected BulkInserter(IEntityType entityType)
    {
        EntityType = entityType;
        Columns = [.. entityType.GetProperties()];
        Table = entityType.GetTableName()!;
    }

    private protected IEntityType EntityType { get; }

    private protected IReadOnlyList<IProperty> Columns { get; }

    private protected string Table { get; }

    internal static async Task<BulkInserter<T>> StartAsync(StromaDbContext db, BulkConflicts conflicts, BulkIndexPlan? indexes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Begin a transaction on the context before a bulk insert.");
        }

        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var connection = db.Database.GetDbConnection();
        BulkInserter<T> inserter = connection switch
        {
            NpgsqlConnection npgsql => new PostgresInserter(entityType, npgsql, conflicts),
            SqliteConnection sqlite when SqliteInserter.Supports(entityType) => new SqliteInserter(entityType, sqlite, (SqliteTransaction)db.Database.CurrentTransaction.GetDbTransaction(), conflicts != BulkConflicts.Fail, conflicts == BulkConflicts.SkipOptimistic),
            SqliteConnection sqlite => new SqliteParameterInserter(entityType, sqlite, (SqliteTransaction)db.Database.CurrentTransaction.GetDbTransaction(), conflicts != BulkConflicts.Fail),
            _ => throw new NotSupportedException(connection.GetType().Name),
        };
        inserter.IndexPlan = indexes ?? BulkIndexPlan.Maintain;
        await inserter.BeginAsync(cancellationToken).ConfigureAwait(false);
        return inserter;
    }

    /// <summary>
    /// Whether the table's indexes are rebuilt after the load (<see cref="BulkIndexRebuild"/>). Only an insert that may
    /// fail over to another reading (<see cref="BulkConflicts.SkipOptimistic"/>) rebuilds: without its unique indexes
    /// the table cannot skip a stored key, so a load that brings one is rolled back and read again.
    /// </summary>
    private protected BulkIndexPlan IndexPlan { get; private set; } = BulkIndexPlan.Maintain;

    /// <summary>The indexes and foreign keys rebuilt after the load; null while they are maintained row by row.</summary>
    public (int Indexes, int ForeignKeys)? Rebuilt { get; private protected set; }

    /// <summary>Rows handed to <see cref="AddAsync"/> or <see cref="WriteAsync"/> so far.</summary>
    public long Added { get; private set; }

    /// <summary>
    /// The sum of the digests given with the rows (<see cref="BulkBatch{T}.Add(T, LedgerDigest)"/>) that were actually
    /// inserted, not skipped as stored keys; complete once <see cref="CompleteAsync"/> returned.
    /// </summary>
    public LedgerDigest Inserted { get; private protected set; }

    /// <summary>A new, empty batch for <see cref="WriteAsync"/> (1 024 rows unless told).</summary>
    public abstract BulkBatch<T> CreateBatch(int capacity = 1024);

    /// <summary>Adds one row (converted at once, so the entity may be reused); rows are written in batches.</summary>
    public async ValueTask AddAsync(T entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        pending ??= CreateBatch();
        pending.Add(entity);
        if (pending.IsFull)
        {
            await WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            pending.Clear();
        }
    }

    /// <summary>Writes a batch's rows (the batch may be cleared and reused afterwards).</summary>
    public async ValueTask WriteAsync(BulkBatch<T> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        Added += batch.Count;
        await WriteBatchAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes the insert (still inside the caller's transaction); returns the rows actually inserted.</summary>
    public async Task<long> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (pending is { Count: > 0 })
        {
            await WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            pending.Clear();
        }

        return await FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    public abstract ValueTask DisposeAsync();

    private protected abstract Task BeginAsync(CancellationToken cancellationToken);

    private protected abstract ValueTask WriteBatchAsync(BulkBatch<T> batch, CancellationToken cancellationToken);

    private protected abstract Task<long> FinishAsync(CancellationToken cancellationToken);

    private protected static object? ProviderValue(IProperty property, T entity)
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(entity);
        var converter = property.GetTypeMapping().Converter;
        return value is null ? null : converter is null ? value : converter.ConvertToProvider(value);
    }

    private protected string ColumnList() => string.Join(", ", Columns.Select(c => $"\"{c.GetColumnName()}\""));

    /// <summary>Provider values, row after row (PostgreSQL, and SQLite's parameter path).</summary>
    private sealed class ValueBatch(IReadOnlyList<IProperty> columns, int capacity) : BulkBatch<T>(capacity)
    {
        public object?[] Values { get; } = new object?[columns.Count * capacity];

        public int Width => columns.Count;

        private protected override void Encode(T entity)
        {
            var start = Count * columns.Count;
            for (var i = 0; i < columns.Count; i++)
            {
                Values[start + i] = ProviderValue(columns[i], entity);
            }
        }

        public override void Clear()
        {
            Array.Clear(Values, 0, Count * columns.Count);
            base.Clear();
        }
    }

    private sealed class PostgresInserter(IEntityType entityType, NpgsqlConnection connection, BulkConflicts conflicts) : BulkInserter<T>(entityType)
    {
        private const string Savepoint = "stroma_bulk";
        private readonly string[] dataTypes = [.. entityType.GetProperties().Select(p => BaseType(p.GetColumnType()))];
        private const string LedgerColumn = "stroma_ledger";
        private NpgsqlBinaryImporter? importer;
        private bool staging;
        private bool direct;
        private bool ledger;
        private LedgerDigest copiedLedger;
        private readonly byte[] hash = new byte[32];
        private BulkIndexRebuild? rebuild;
        private bool opened;
        private string? stageCopy;
        private IReadOnlyList<IProperty>? filterKey;

        public override BulkBatch<T> CreateBatch(int capacity = 1024) => new ValueBatch(Columns, capacity);

        private protected override Task BeginAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        /// <summary>The table's rows, counted up to <paramref name="limit"/> (no more is read).</summary>
        private async Task<long> StoredUpToAsync(long limit, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM (SELECT 1 FROM \"{Table}\" LIMIT $1) s", connection) { CommandTimeout = 0 };
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        /// <summary>Opens the COPY on the first batch, once it is known whether it can go straight into the table.</summary>
        private async Task OpenAsync(ValueBatch first, CancellationToken cancellationToken)
        {
            staging = conflicts == BulkConflicts.Skip
                || (conflicts == BulkConflicts.SkipOptimistic && await AnyKeyStoredAsync(first, cancellationToken).ConfigureAwait(false));
            direct = conflicts == BulkConflicts.SkipOptimistic && !staging;
            opened = true;
            var target = Table;
            var columns = ColumnList();
            if (staging)
            {
                target = $"stage_{Table}";
                await ExecuteAsync($"CREATE TEMP TABLE IF NOT EXISTS \"{target}\" (LIKE \"{Table}\" INCLUDING DEFAULTS) ON COMMIT DROP; TRUNCATE \"{target}\";", cancellationToken).ConfigureAwait(false);
                // Each staged row's hash travels with it, so that the rows the INSERT keeps can be summed (FinishAsync).
                ledger = first.HasLedger;
                if (ledger)
                {
                    await ExecuteAsync($"ALTER TABLE \"{target}\" ADD COLUMN IF NOT EXISTS {LedgerColumn} bytea", cancellationToken).ConfigureAwait(false);
                    columns += $", {LedgerColumn}";
                }

                stageCopy = $"COPY \"{target}\" ({columns}) FROM STDIN (FORMAT BINARY)";
                filterKey = EntityType.GetIndexes().FirstOrDefault(i => i.IsUnique && i.GetFilter() is null)?.Properties;
                return; // each batch is copied on its own, after its stored keys are left out (StageAsync)
            }
            else if (direct)
            {
                await ExecuteAsync($"SAVEPOINT {Savepoint}", cancellationToken).ConfigureAwait(false);
                if (await IndexPlan.DecideAsync(limit => StoredUpToAsync(limit, cancellationToken)).ConfigureAwait(false))
                {
                    rebuild = await BulkIndexRebuild.DropAsync(connection, Table, Savepoint, IndexPlan.LockWait, cancellationToken).ConfigureAwait(false);
                }
            }

            importer = await connection.BeginBinaryImportAsync(
                $"COPY \"{target}\" ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            importer.Timeout = TimeSpan.Zero; // no limit: a COPY of 10^7 rows into an indexed table may wait long on the server
        }

        /// <summary>
        /// The staging path, one batch at a time: the rows whose unique key (the entity's first unique index without a
        /// filter: for lab results the natural key) is already stored are left out in one query, and only the others
        /// are copied into the staging table. A re-import of a file already loaded then copies nothing and its final
        /// <c>INSERT ... ON CONFLICT DO NOTHING</c> has nothing to probe; the probes run here, on the server, while
        /// the client reads the next rows. The final insert still skips whatever else conflicts (a key twice in the
        /// file, another key), so leaving rows out here only saves work.
        /// </summary>
        private async Task StageAsync(ValueBatch batch, CancellationToken cancellationToken)
        {
            var keep = await UnstoredRowsAsync(batch, cancellationToken).ConfigureAwait(false);
            if (keep is not null && Array.IndexOf(keep, true) < 0)
            {
                return;
            }

            await using var copy = await connection.BeginBinaryImportAsync(stageCopy!, cancellationToken).ConfigureAwait(false);
            copy.Timeout = TimeSpan.Zero;
            for (var r = 0; r < batch.Count; r++)
            {
                if (keep is not null && !keep[r])
                {
                    continue;
                }

                WriteRow(copy, batch, r);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>One row of the batch into a binary COPY, with its ledger hash when the staging table has the column.</summary>
        private void WriteRow(NpgsqlBinaryImporter target, ValueBatch batch, int row)
        {
            target.StartRow();
            var start = row * batch.Width;
            for (var i = 0; i < batch.Width; i++)
            {
                if (batch.Values[start + i] is { } value)
                {
                    target.Write(value, dataTypes[i]);
                }
                else
                {
                    target.WriteNull();
                }
            }

            if (ledger)
            {
                batch.Ledger(row).WriteHash(hash);
                target.Write(hash, NpgsqlTypes.NpgsqlDbType.Bytea);
            }
        }

        /// <summary>Which rows of the batch have no stored <see cref="filterKey"/>; null when it cannot tell (no such key, or a NULL in it).</summary>
        private async Task<bool[]?> UnstoredRowsAsync(ValueBatch batch, CancellationToken cancellationToken)
        {
            if (filterKey is null)
            {
                return null;
            }

            await using var command = new NpgsqlCommand { Connection = connection, CommandTimeout = 0 };
            var names = new List<string>();
            var on = new List<string>();
            foreach (var property in filterKey)
            {
                var column = Columns.ToList().IndexOf(property);
                var array = (Array?)null;
                for (var r = 0; r < batch.Count; r++)
                {
                    var value = batch.Values[(r * batch.Width) + column];
                    if (value is null)
                    {
                        return null;
                    }

                    array ??= Array.CreateInstance(value.GetType(), batch.Count);
                    array.SetValue(value, r);
                }

                command.Parameters.Add(new NpgsqlParameter { Value = array });
                names.Add($"k{names.Count}");
                on.Add($"t.\"{property.GetColumnName()}\" = k.k{on.Count}");
            }

            command.CommandText = $"SELECT k.n FROM unnest({string.Join(", ", names.Select((_, i) => $"${i + 1}"))}) WITH ORDINALITY AS k({string.Join(", ", names)}, n) "
                + $"WHERE NOT EXISTS (SELECT 1 FROM \"{Table}\" t WHERE {string.Join(" AND ", on)})";
            var keep = new bool[batch.Count];
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keep[reader.GetInt64(0) - 1] = true;
            }

            return keep;
        }

        /// <summary>Whether any row of the batch has a primary or unique key already stored (one query per key).</summary>
        private async Task<bool> AnyKeyStoredAsync(ValueBatch batch, CancellationToken cancellationToken)
        {
            var keys = EntityType.GetIndexes().Where(i => i.IsUnique).Select(i => i.Properties)
                .Prepend(EntityType.FindPrimaryKey()!.Properties);
            foreach (var key in keys)
            {
                await using var command = new NpgsqlCommand { Connection = connection, CommandTimeout = 0 };
                var names = new List<string>();
                var on = new List<string>();
                foreach (var property in key)
                {
                    var column = Columns.ToList().IndexOf(property);
                    var values = Enumerable.Range(0, batch.Count).Select(r => batch.Values[(r * batch.Width) + column]).Where(v => v is not null).ToList();
                    if (values.Count != batch.Count)
                    {
                        break; // a NULL never conflicts; keep it simple and check only keys without NULLs
                    }

                    var array = Array.CreateInstance(values[0]!.GetType(), values.Count);
                    for (var i = 0; i < values.Count; i++)
                    {
                        array.SetValue(values[i], i);
                    }

                    command.Parameters.Add(new NpgsqlParameter { Value = array });
                    names.Add($"k{names.Count}");
                    on.Add($"t.\"{property.GetColumnName()}\" = k.k{on.Count}");
                }

                if (names.Count != key.Count)
                {
                    continue;
                }

                command.CommandText = $"SELECT EXISTS (SELECT 1 FROM \"{Table}\" t JOIN unnest({string.Join(", ", names.Select((_, i) => $"${i + 1}"))}) AS k({string.Join(", ", names)}) ON {string.Join(" AND ", on)})";
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                {
                    return true;
                }
            }

            return false;
        }

        private protected override async ValueTask WriteBatchAsync(BulkBatch<T> batch, CancellationToken cancellationToken)
        {
            var values = (ValueBatch)batch;
            if (!opened)
            {
                await OpenAsync(values, cancellationToken).ConfigureAwait(false);
            }

            if (staging)
            {
                await StageAsync(values, cancellationToken).ConfigureAwait(false);
                return;
            }

            try
            {
                // Synchronous writes: they only touch Npgsql's buffer (flushing when full), and per-value async state
                // machines cost more than the I/O they would overlap.
                for (var r = 0; r < values.Count; r++)
                {
                    WriteRow(importer!, values, r);
                    copiedLedger += values.Ledger(r);
                }
            }
            catch (PostgresException e) when (direct && e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await AbandonAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }

        private protected override async Task<long> FinishAsync(CancellationToken cancellationToken)
        {
            if (!opened)
            {
                return 0;
            }

            if (staging)
            {
                return await InsertStagedAsync(cancellationToken).ConfigureAwait(false);
            }

            long copied;
            try
            {
                copied = (long)await importer!.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (direct && e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await AbandonAsync(e, cancellationToken).ConfigureAwait(false);
                throw; // not reached
            }

            await importer.DisposeAsync().ConfigureAwait(false);
            importer = null;
            if (rebuild is not null)
            {
                try
                {
                    // A unique index that the rows broke fails here, as the COPY would have failed with it in place.
                    await rebuild.RestoreAsync(connection, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException e) when (direct && e.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    await AbandonAsync(e, cancellationToken).ConfigureAwait(false);
                    throw; // not reached
                }

                Rebuilt = (rebuild.Indexes, rebuild.ForeignKeys);
            }

            if (direct)
            {
                await ExecuteAsync($"RELEASE SAVEPOINT {Savepoint}", cancellationToken).ConfigureAwait(false);
            }

            Inserted = copiedLedger;
            return copied;
        }

        /// <summary>Inserts the staged rows whose keys are not stored, and sums the ledger hashes of the rows it kept.</summary>
        private async Task<long> InsertStagedAsync(CancellationToken cancellationToken)
        {
            var insertSql = $"INSERT INTO \"{Table}\" ({ColumnList()}) SELECT {ColumnList()} FROM \"stage_{Table}\" ON CONFLICT DO NOTHING";
            if (!ledger)
            {
                await using var insert = new NpgsqlCommand(insertSql, connection) { CommandTimeout = 0 };
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // The hashes of the rows the INSERT kept (the staged ids are fresh, so the join pairs each inserted row
            // with its staged one), streamed by Npgsql's reader: one row in memory at a time.
            var key = $"\"{EntityType.FindPrimaryKey()!.Properties.Single().GetColumnName()}\"";
            await using var command = new NpgsqlCommand(
                $"WITH kept AS ({insertSql} RETURNING {key}) SELECT s.{LedgerColumn} FROM \"stage_{Table}\" s JOIN kept k ON s.{key} = k.{key}", connection)
            { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            long inserted = 0;
            var sum = LedgerDigest.Empty;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.GetBytes(0, 0, hash, 0, 32) != 32)
                {
                    throw new InvalidOperationException($"{Table}: a staged row's ledger hash is not 32 bytes.");
                }

                sum += LedgerDigest.OfHash(hash);
                inserted++;
            }

            Inserted = sum;
            return inserted;
        }

        private async Task AbandonAsync(PostgresException conflict, CancellationToken cancellationToken)
        {
            if (importer is not null)
            {
                try
                {
                    await importer.DisposeAsync().ConfigureAwait(false);
                }
                catch (PostgresException)
                {
                    // The COPY already failed; disposing reports it again.
                }

                importer = null;
            }

            await ExecuteAsync($"ROLLBACK TO SAVEPOINT {Savepoint}", cancellationToken).ConfigureAwait(false);
            direct = false;
            rebuild = null; // the rollback put the indexes back
            throw new BulkInsertConflictException($"{Table}: {conflict.MessageText}", conflict);
        }

        private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync()
        {
            if (importer is not null)
            {
                await importer.DisposeAsync().ConfigureAwait(false);
                importer = null;
            }
        }

        private static string BaseType(string? columnType)
        {
            var type = columnType ?? "text";
            var parenthesis = type.IndexOf('(', StringComparison.Ordinal);
            return parenthesis < 0 ? type : type[..parenthesis];
        }
    }

    /// <summary>How a column's provider value is stored in SQLite by Microsoft.Data.Sqlite.</summary>
    private enum SqliteKind
    {
        Text,
        Guid,
        DateTimeOffset,
        Decimal,
        Integer,
        Real,
    }

    /// <summary>
    /// SQLite through its own API (<c>sqlite3_bind_*</c>): values are encoded once as UTF-8 or integers by the batch
    /// (on the producing thread) and bound without boxing to one prepared single-row <c>INSERT</c>. Single-row on
    /// purpose: a multi-row <c>INSERT</c> into a table with foreign keys and NOT NULL columns may abort half-way, so
    /// SQLite gives it a statement journal (a temporary file receiving every page it touches), which measured slower
    /// than the statements it saves. The text forms are those of Microsoft.Data.Sqlite's binder, which EF Core uses
    /// (a test compares them).
    /// </summary>
    private sealed class SqliteInserter(IEntityType entityType, SqliteConnection connection, SqliteTransaction transaction, bool skipConflicts, bool optimistic)
        : BulkInserter<T>(entityType)
    {
        private const string Savepoint = "stroma_bulk";
        private const int Null = -1;
        private const int IntegerValue = -2;
        private const int RealValue = -3;
        private readonly SqliteKind[] kinds = [.. entityType.GetProperties().Select(p => Kind(p)!.Value)];
        private sqlite3_stmt? statement;
        private long inserted;
        private long? cacheSize;
        private BulkIndexRebuild? rebuild;

        public static bool Supports(IEntityType entityType) => entityType.GetProperties().All(p => Kind(p) is not null);

        private static SqliteKind? Kind(IProperty property)
        {
            var mapping = property.GetRelationalTypeMapping();
            var type = mapping.Converter?.ProviderClrType ?? property.ClrType;
            type = Nullable.GetUnderlyingType(type) ?? type;
            var store = mapping.StoreType.ToUpperInvariant();
            return type switch
            {
                _ when type == typeof(string) && store == "TEXT" => SqliteKind.Text,
                _ when type == typeof(Guid) && store == "TEXT" => SqliteKind.Guid,
                _ when type == typeof(DateTimeOffset) && store == "TEXT" => SqliteKind.DateTimeOffset,
                _ when type == typeof(decimal) && store == "TEXT" => SqliteKind.Decimal,
                _ when (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(bool)) && store == "INTEGER" => SqliteKind.Integer,
                _ when type == typeof(double) && store == "REAL" => SqliteKind.Real,
                _ => null,
            };
        }

        public override BulkBatch<T> CreateBatch(int capacity = 1024) => new Utf8Batch(this, capacity);

        private protected override Task BeginAsync(CancellationToken cancellationToken)
        {
            // A larger page cache for this connection keeps the table's B-trees in memory while they grow: bounded
            // (256 MiB), so memory stays flat however many rows come; given back when the insert ends (SqliteCacheSize).
            cacheSize = SqliteCacheSize.Enlarge(connection, transaction);
            return Task.CompletedTask;
        }

        /// <summary>
        /// On the first batch (once the load's size can be estimated): drops the secondary indexes inside a savepoint
        /// when they are to be rebuilt (<see cref="BulkInserter{T}.IndexPlan"/>), then prepares the insert.
        /// </summary>
        private async Task OpenAsync(CancellationToken cancellationToken)
        {
            if (optimistic && await IndexPlan.DecideAsync(StoredUpToAsync).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                transaction.Save(Savepoint);
                rebuild = BulkIndexRebuild.Drop(connection, transaction, Table);
            }

            statement = Prepare();
        }

        /// <summary>The table's rows, counted up to <paramref name="limit"/> (no more is read).</summary>
        private Task<long> StoredUpToAsync(long limit)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM \"{Table}\" LIMIT $limit)";
            command.Parameters.AddWithValue("$limit", limit);
            return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
        }

        private sqlite3_stmt Prepare()
        {
            var sql = $"INSERT INTO \"{Table}\" ({ColumnList()}) VALUES ({string.Join(", ", Enumerable.Repeat("?", Columns.Count))})" + (skipConflicts ? " ON CONFLICT DO NOTHING" : "");
            Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out var prepared));
            return prepared;
        }

        private protected override async ValueTask WriteBatchAsync(BulkBatch<T> batch, CancellationToken cancellationToken)
        {
            if (statement is null)
            {
                await OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            var rows = (Utf8Batch)batch;
            for (var row = 0; row < rows.Count; row++)
            {
                Execute(statement!, rows, row);
            }
        }

        private void Execute(sqlite3_stmt prepared, Utf8Batch rows, int row)
        {
            var width = Columns.Count;
            var cell = row * width;
            for (var c = 0; c < width; c++, cell++)
            {
                var length = rows.Lengths[cell];
                Check(length switch
                {
                    Null => raw.sqlite3_bind_null(prepared, c + 1),
                    IntegerValue => raw.sqlite3_bind_int64(prepared, c + 1, rows.Numbers[cell]),
                    RealValue => raw.sqlite3_bind_double(prepared, c + 1, BitConverter.Int64BitsToDouble(rows.Numbers[cell])),
                    0 => raw.sqlite3_bind_text(prepared, c + 1, ""), // an empty span would bind NULL
                    _ => raw.sqlite3_bind_text(prepared, c + 1, rows.Bytes.AsSpan((int)rows.Numbers[cell], length)),
                });
            }

            var step = raw.sqlite3_step(prepared);
            if (step != raw.SQLITE_DONE)
            {
                var message = raw.sqlite3_errmsg(connection.Handle).utf8_to_string();
                var extended = raw.sqlite3_extended_errcode(connection.Handle);
                raw.sqlite3_reset(prepared);
                throw new SqliteException($"SQLite Error {step}: '{message}'.", step, extended);
            }

            raw.sqlite3_reset(prepared);
            if (raw.sqlite3_changes(connection.Handle) > 0)
            {
                inserted++;
                Inserted += rows.Ledger(row);
            }
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                var message = raw.sqlite3_errmsg(connection.Handle).utf8_to_string();
                throw new SqliteException($"SQLite Error {rc}: '{message}'.", rc, raw.sqlite3_extended_errcode(connection.Handle));
            }
        }

        private protected override Task<long> FinishAsync(CancellationToken cancellationToken)
        {
            if (rebuild is not null)
            {
                statement?.Dispose();
                statement = null;
                try
                {
                    // A unique index that the rows broke fails here, as the insert would have skipped them with it in place.
                    rebuild.Restore(connection, transaction);
                }
                catch (SqliteException e) when (e.SqliteErrorCode == raw.SQLITE_CONSTRAINT)
                {
                    transaction.Rollback(Savepoint);
                    transaction.Release(Savepoint);
                    rebuild = null;
                    throw new BulkInsertConflictException($"{Table}: {e.Message}", e);
                }

                transaction.Release(Savepoint);
                Rebuilt = (rebuild.Indexes, rebuild.ForeignKeys);
                rebuild = null;
            }

            return Task.FromResult(inserted);
        }

        public override ValueTask DisposeAsync()
        {
            statement?.Dispose();
            statement = null;
            SqliteCacheSize.Restore(connection, transaction, ref cacheSize);
            return ValueTask.CompletedTask;
        }

        /// <summary>Each cell as UTF-8 bytes in one buffer (Numbers holds the offset), or an integer, or NULL.</summary>
        private sealed class Utf8Batch(SqliteInserter inserter, int capacity) : BulkBatch<T>(capacity)
        {
            private const string DateTimeOffsetFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";
            private const string DecimalFormat = "0.0###########################";
            private int used;

            public byte[] Bytes { get; private set; } = new byte[capacity * 256];

            public int[] Lengths { get; } = new int[capacity * inserter.Columns.Count];

            public long[] Numbers { get; } = new long[capacity * inserter.Columns.Count];

            public override void Clear()
            {
                used = 0;
                base.Clear();
            }

            private protected override void Encode(T entity)
            {
                var columns = inserter.Columns;
                var cell = Count * columns.Count;
                for (var c = 0; c < columns.Count; c++, cell++)
                {
                    var value = ProviderValue(columns[c], entity);
                    if (value is null)
                    {
                        Lengths[cell] = Null;
                        continue;
                    }

                    switch (inserter.kinds[c])
                    {
                        case SqliteKind.Integer:
                            Lengths[cell] = IntegerValue;
                            Numbers[cell] = value is bool b ? (b ? 1 : 0) : Convert.ToInt64(value, CultureInfo.InvariantCulture);
                            break;
                        case SqliteKind.Real:
                            Lengths[cell] = RealValue;
                            Numbers[cell] = BitConverter.DoubleToInt64Bits((double)value);
                            break;
                        case SqliteKind.Text:
                            var text = (string)value;
                            Put(cell, Encoding.UTF8.GetMaxByteCount(text.Length), span => Encoding.UTF8.GetBytes(text, span));
                            break;
                        case SqliteKind.Guid:
                            Put(cell, 36, span =>
                            {
                                ((Guid)value).TryFormat(span, out var written, "D");
                                for (var i = 0; i < written; i++)
                                {
                                    if (span[i] is >= (byte)'a' and <= (byte)'f')
                                    {
                                        span[i] -= 'a' - 'A'; // Microsoft.Data.Sqlite stores GUIDs as upper-case text
                                    }
                                }

                                return written;
                            });
                            break;
                        case SqliteKind.DateTimeOffset:
                            Put(cell, 64, span => ((DateTimeOffset)value).TryFormat(span, out var written, DateTimeOffsetFormat, CultureInfo.InvariantCulture) ? written : throw new InvalidOperationException("date too long"));
                            break;
                        case SqliteKind.Decimal:
                            Put(cell, 64, span => ((decimal)value).TryFormat(span, out var written, DecimalFormat, CultureInfo.InvariantCulture) ? written : throw new InvalidOperationException("decimal too long"));
                            break;
                        default:
                            throw new InvalidOperationException(inserter.kinds[c].ToString());
                    }
                }
            }

            private void Put(int cell, int maximum, SpanWriter write)
            {
                if (Bytes.Length - used < maximum)
                {
                    var bigger = new byte[Math.Max(Bytes.Length * 2, used + maximum)];
                    Bytes.AsSpan(0, used).CopyTo(bigger);
                    Bytes = bigger;
                }

                var written = write(Bytes.AsSpan(used, maximum));
                Numbers[cell] = used;
                Lengths[cell] = written;
                used += written;
            }
        }

        private delegate int SpanWriter(Span<byte> destination);
    }

    /// <summary>SQLite through Microsoft.Data.Sqlite parameters, one row per statement, for entity types with column types the UTF-8 path does not handle.</summary>
    private sealed class SqliteParameterInserter(IEntityType entityType, SqliteConnection connection, SqliteTransaction transaction, bool skipConflicts)
        : BulkInserter<T>(entityType)
    {
        private readonly SqliteCommand command = connection.CreateCommand();
        private long inserted;
        private long? cacheSize;

        public override BulkBatch<T> CreateBatch(int capacity = 1024) => new ValueBatch(Columns, capacity);

        private protected override Task BeginAsync(CancellationToken cancellationToken)
        {
            cacheSize = SqliteCacheSize.Enlarge(connection, transaction);
            var sql = new StringBuilder($"INSERT INTO \"{Table}\" ({ColumnList()}) VALUES (");
            for (var i = 0; i < Columns.Count; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append("$p").Append(i);
                var parameter = Columns[i].GetRelationalTypeMapping().CreateParameter(command, $"$p{i}", null, Columns[i].IsNullable);
                command.Parameters.Add(parameter);
            }

            sql.Append(')').Append(skipConflicts ? " ON CONFLICT DO NOTHING" : "");
            command.CommandText = sql.ToString();
            command.Transaction = transaction;
            command.Prepare();
            return Task.CompletedTask;
        }

        private protected override ValueTask WriteBatchAsync(BulkBatch<T> batch, CancellationToken cancellationToken)
        {
            var values = (ValueBatch)batch;
            var parameters = command.Parameters;
            for (var r = 0; r < values.Count; r++)
            {
                for (var i = 0; i < values.Width; i++)
                {
                    ((DbParameter)parameters[i]).Value = values.Values[(r * values.Width) + i] ?? DBNull.Value;
                }

                if (command.ExecuteNonQuery() > 0)
                {
                    inserted++;
                    Inserted += values.Ledger(r);
                }
            }

            return ValueTask.CompletedTask;
        }

        private protected override Task<long> FinishAsync(CancellationToken cancellationToken) => Task.FromResult(inserted);

        public override ValueTask DisposeAsync()
        {
            command.Dispose();
            SqliteCacheSize.Restore(connection, transaction, ref cacheSize);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// The page cache of a SQLite connection during a bulk insert. <c>PRAGMA cache_size</c> belongs to the connection, not
/// the transaction, and Microsoft.Data.Sqlite pools connections: a size left enlarged travels with the connection to
/// every later request, whose reads then fill up to 64 MiB of native memory per pooled connection instead of SQLite's
/// 2 MiB default (the soak test's growing memory on SQLite, issue #21; bench/soak/README.md). So the size in force
/// before the insert is put back when it ends, whether it committed or failed.
/// </summary>
internal static class SqliteCacheSize
{
    /// <summary>
    /// The page cache during a bulk insert: 256 MiB (a negative <c>cache_size</c> is in KiB). A lab import of 10^6 rows
    /// inserts into four indexes of the growing table; with 64 MiB it took 19.9–20.2 s and peaked at 240 MB, with
    /// 256 MiB 16.9–18.0 s and 475 MB (bench/data/README.md, 2026-12-07). SQLite allocates the pages as it needs them:
    /// a small import uses little of it.
    /// </summary>
    public const long BulkKibibytes = 262144;

    /// <summary>Sets the bulk page cache and returns the size in force before, for <see cref="Restore"/>.</summary>
    public static long Enlarge(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var pragma = connection.CreateCommand();
        pragma.Transaction = transaction;
        pragma.CommandText = "PRAGMA cache_size";
        var before = Convert.ToInt64(pragma.ExecuteScalar(), CultureInfo.InvariantCulture);
        pragma.CommandText = $"PRAGMA cache_size = {-BulkKibibytes}";
        pragma.ExecuteNonQuery();
        return before;
    }

    /// <summary>Puts back the size <see cref="Enlarge"/> found (once; nothing when the insert never began).</summary>
    public static void Restore(SqliteConnection connection, SqliteTransaction transaction, ref long? before)
    {
        if (before is not { } size || connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        before = null;
        try
        {
            using var pragma = connection.CreateCommand();
            // Inside the insert's transaction while it is pending (a command must name it); on its own after it ended.
            pragma.Transaction = transaction.Connection is null ? null : transaction;
            pragma.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {size}");
            pragma.ExecuteNonQuery();
        }
        catch (Exception e) when (e is InvalidOperationException or SqliteException)
        {
            // SQLite rolled the transaction back itself (a full disk, SQLITE_FULL): no statement may run on the connection
            // until the caller rolls back too. Rather than hide the caller's error behind this one, the pool is told to
            // discard its connections when they come back, so the enlarged cache is never lent out again.
            SqliteConnection.ClearPool(connection);
        }
    }
}

/// <summary>Starts engine-specific bulk inserts (<see cref="BulkInserter{T}"/>).</summary>
public static class BulkInsert
{
    /// <summary>Starts a bulk insert of <typeparamref name="T"/>. With <paramref name="skipConflicts"/>, rows whose unique key exists are skipped.</summary>
    public static Task<BulkInserter<T>> StartAsync<T>(StromaDbContext db, bool skipConflicts, CancellationToken cancellationToken = default)
        where T : class => BulkInserter<T>.StartAsync(db, skipConflicts ? BulkConflicts.Skip : BulkConflicts.Fail, null, cancellationToken);

    /// <summary>Starts a bulk insert of <typeparamref name="T"/> with the given handling of stored keys.</summary>
    public static Task<BulkInserter<T>> StartAsync<T>(StromaDbContext db, BulkConflicts conflicts, CancellationToken cancellationToken = default)
        where T : class => BulkInserter<T>.StartAsync(db, conflicts, null, cancellationToken);

    /// <summary>
    /// Starts a bulk insert of <typeparamref name="T"/> that may rebuild the table's indexes after the load instead of
    /// maintaining them (<paramref name="indexes"/>; only with <see cref="BulkConflicts.SkipOptimistic"/>).
    /// </summary>
    public static Task<BulkInserter<T>> StartAsync<T>(StromaDbContext db, BulkConflicts conflicts, BulkIndexPlan indexes, CancellationToken cancellationToken = default)
        where T : class => BulkInserter<T>.StartAsync(db, conflicts, indexes, cancellationToken);
}
