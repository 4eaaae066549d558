using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Stroma.Data;

/// <summary>
/// Each engine's fast path for inserting many rows of one entity type, bypassing the change tracker: binary
/// <c>COPY</c> on PostgreSQL (through a temporary staging table when conflicts are to be skipped), and one prepared,
/// reused <c>INSERT</c> inside the caller's transaction on SQLite. Start one with <see cref="BulkInsert.StartAsync"/>. Values are converted exactly as EF Core would
/// (the model's type mappings and value converters), so rows read back through <see cref="StromaDbContext"/> as
/// if EF had written them. The caller must have begun a transaction on the context; nothing here audits:
/// callers write one audit entry per batch.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public abstract class BulkInserter<T> : IAsyncDisposable
    where T : class
{
    private protected BulkInserter(IEntityType entityType)
    {
        EntityType = entityType;
        Columns = [.. entityType.GetProperties()];
        Table = entityType.GetTableName()!;
    }

    private protected IEntityType EntityType { get; }

    private protected IReadOnlyList<IProperty> Columns { get; }

    private protected string Table { get; }

    internal static async Task<BulkInserter<T>> StartAsync(StromaDbContext db, bool skipConflicts, CancellationToken cancellationToken = default)
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
            NpgsqlConnection npgsql => new PostgresInserter(entityType, npgsql, skipConflicts),
            SqliteConnection sqlite => new SqliteInserter(entityType, sqlite, (SqliteTransaction)db.Database.CurrentTransaction.GetDbTransaction(), skipConflicts),
            _ => throw new NotSupportedException(connection.GetType().Name),
        };
        await inserter.BeginAsync(cancellationToken).ConfigureAwait(false);
        return inserter;
    }

    /// <summary>Rows handed to <see cref="AddAsync"/> so far.</summary>
    public long Added { get; private set; }

    public ValueTask AddAsync(T entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        Added++;
        return WriteAsync(entity, cancellationToken);
    }

    /// <summary>Finishes the insert (still inside the caller's transaction); returns the rows actually inserted.</summary>
    public abstract Task<long> CompleteAsync(CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();

    private protected abstract Task BeginAsync(CancellationToken cancellationToken);

    private protected abstract ValueTask WriteAsync(T entity, CancellationToken cancellationToken);

    private protected static object? ProviderValue(IProperty property, T entity)
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(entity);
        var converter = property.GetTypeMapping().Converter;
        return value is null ? null : converter is null ? value : converter.ConvertToProvider(value);
    }

    private protected string ColumnList() => string.Join(", ", Columns.Select(c => $"\"{c.GetColumnName()}\""));

    private sealed class PostgresInserter(IEntityType entityType, NpgsqlConnection connection, bool skipConflicts) : BulkInserter<T>(entityType)
    {
        private readonly string[] dataTypes = [.. entityType.GetProperties().Select(p => BaseType(p.GetColumnType()))];
        private NpgsqlBinaryImporter? importer;
        private string target = "";

        private protected override async Task BeginAsync(CancellationToken cancellationToken)
        {
            target = Table;
            if (skipConflicts)
            {
                target = $"stage_{Table}";
                await using var create = new NpgsqlCommand(
                    $"CREATE TEMP TABLE IF NOT EXISTS \"{target}\" (LIKE \"{Table}\" INCLUDING DEFAULTS) ON COMMIT DROP; TRUNCATE \"{target}\";", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            importer = await connection.BeginBinaryImportAsync(
                $"COPY \"{target}\" ({ColumnList()}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        }

        private protected override async ValueTask WriteAsync(T entity, CancellationToken cancellationToken)
        {
            // Synchronous writes: they only touch Npgsql's buffer (flushing when full), and per-value async state
            // machines cost more than the I/O they would overlap.
            importer!.StartRow();
            for (var i = 0; i < Columns.Count; i++)
            {
                var value = ProviderValue(Columns[i], entity);
                if (value is null)
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(value, dataTypes[i]);
                }
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }

        public override async Task<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            var copied = (long)await importer!.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await importer.DisposeAsync().ConfigureAwait(false);
            importer = null;
            if (!skipConflicts)
            {
                return copied;
            }

            await using var insert = new NpgsqlCommand(
                $"INSERT INTO \"{Table}\" ({ColumnList()}) SELECT {ColumnList()} FROM \"{target}\" ON CONFLICT DO NOTHING", connection)
            { CommandTimeout = 0 };
            return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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

    private sealed class SqliteInserter(IEntityType entityType, SqliteConnection connection, SqliteTransaction transaction, bool skipConflicts)
        : BulkInserter<T>(entityType)
    {
        private readonly SqliteCommand command = connection.CreateCommand();
        private long inserted;

        private protected override Task BeginAsync(CancellationToken cancellationToken)
        {
            // A larger page cache for this connection keeps the table's B-trees in memory while they grow: bounded
            // (64 MiB), so memory stays flat however many rows come.
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA cache_size = -65536";
                pragma.Transaction = transaction;
                pragma.ExecuteNonQuery();
            }

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

        private protected override ValueTask WriteAsync(T entity, CancellationToken cancellationToken)
        {
            var parameters = command.Parameters;
            for (var i = 0; i < Columns.Count; i++)
            {
                ((DbParameter)parameters[i]).Value = ProviderValue(Columns[i], entity) ?? DBNull.Value;
            }

            inserted += command.ExecuteNonQuery();
            return ValueTask.CompletedTask;
        }

        public override Task<long> CompleteAsync(CancellationToken cancellationToken = default) => Task.FromResult(inserted);

        public override ValueTask DisposeAsync()
        {
            command.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Starts engine-specific bulk inserts (<see cref="BulkInserter{T}"/>).</summary>
public static class BulkInsert
{
    /// <summary>Starts a bulk insert of <typeparamref name="T"/>. With <paramref name="skipConflicts"/>, rows whose unique key exists are skipped.</summary>
    public static Task<BulkInserter<T>> StartAsync<T>(StromaDbContext db, bool skipConflicts, CancellationToken cancellationToken = default)
        where T : class => BulkInserter<T>.StartAsync(db, skipConflicts, cancellationToken);
}
