using System.Data;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Stroma.Data.Audit;
using Stroma.Data.Model;

namespace Stroma.Data.Backup;

/// <summary>What a backup holds, stored as <c>manifest.json</c>.</summary>
/// <param name="Format">The backup format version.</param>
/// <param name="Engine">The engine it was taken from.</param>
/// <param name="Migration">The last migration applied to the source.</param>
/// <param name="TakenAt">When (UTC).</param>
/// <param name="Rows">Rows per table.</param>
/// <param name="AuditHead">The audit chain's head hash at the snapshot.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of each table file's bytes, by table; restore refuses a file that does not match.</param>
public sealed record BackupManifest(string Format, string Engine, string? Migration, DateTimeOffset TakenAt, IReadOnlyDictionary<string, long> Rows, string AuditHead,
    IReadOnlyDictionary<string, string>? Sha256 = null);

/// <summary>How a restore ended.</summary>
public sealed record RestoreResult(BackupManifest Manifest, AuditVerification Audit);

/// <summary>
/// <c>stroma backup FILE</c> / <c>stroma restore FILE</c>. A backup is a ZIP of one JSON Lines file per table
/// (every row, deleted ones and the whole audit trail included) plus a manifest, read inside ONE snapshot
/// transaction (repeatable read on PostgreSQL; a read transaction on SQLite), so it is consistent even while others
/// write. The format names columns and uses engine-neutral JSON values, so a backup restores to either engine.
/// Restore needs an empty, migrated database; it copies rows exactly (no new audit entries), in one transaction,
/// and checks each file's SHA-256, the row counts and the audit chain against the manifest before committing: a
/// backup that fails any check leaves the target empty (docs/operations.md "Backup and restore").
/// </summary>
public static class RegistryBackup
{
    public const string FormatVersion = "stroma-backup-3";

    /// <summary>The previous format: the same files without <see cref="AddedInFormat3"/>, which it restores as empty tables.</summary>
    public const string PreviousFormatVersion = "stroma-backup-2";

    /// <summary>
    /// Every table of the model, parents before children (a test checks that none is missing). Format 3 added the
    /// stored protocols and their versions, the hospital identifier and local lab code maps, and the queries.
    /// </summary>
    internal static readonly Type[] Tables =
    [
        typeof(Site), typeof(Laboratory), typeof(User), typeof(Membership), typeof(ApiToken), typeof(Patient), typeof(PatientIdentifier), typeof(LabCodeMapping),
        typeof(Diagnosis), typeof(Visit), typeof(Assessment), typeof(LabResult), typeof(Medication), typeof(CellLotRecord), typeof(AdverseEvent),
        typeof(Death), typeof(LotReleaseTest), typeof(LotDecision), typeof(CustodyEventRecord), typeof(ProtocolRecord), typeof(ProtocolVersionRecord),
        typeof(ProtocolEnrolment), typeof(ScheduledEventRecord), typeof(ScheduleChangeRecord), typeof(Infusion), typeof(InfusionVitalSigns),
        typeof(InfusionPremedication), typeof(InfusionReactionRecord), typeof(FollowUpContact), typeof(ProtocolDeviationRecord),
        typeof(ResponseAdjudication), typeof(QueryRecord), typeof(QueryStepRecord), typeof(LymphodepletionRecord), typeof(SdvMark), typeof(AuditEntry),
    ];

    /// <summary>
    /// Tables added to the model after format 3 was defined, by table name: a format-3 (or earlier) backup taken before
    /// they existed has no file for them and restores them empty; a backup that has the file restores and checks it.
    /// </summary>
    internal static readonly (Type Type, string Table)[] AddedLater =
        [(typeof(LymphodepletionRecord), "lymphodepletions"), (typeof(SdvMark), "sdv_marks"), (typeof(ApiToken), "api_tokens")];

    /// <summary>The tables a <see cref="PreviousFormatVersion"/> backup does not hold (restored empty from one).</summary>
    internal static readonly Type[] AddedInFormat3 =
    [
        typeof(PatientIdentifier), typeof(LabCodeMapping), typeof(ProtocolRecord), typeof(ProtocolVersionRecord), typeof(QueryRecord), typeof(QueryStepRecord),
    ];

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<BackupManifest> BackupAsync(DataConfiguration configuration, Stream output, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(clock);
        await using var db = StromaDatabase.CreateStreamingContext(configuration);
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction;
        if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            // A deferred transaction in WAL mode reads one snapshot without blocking writers.
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            transaction = (await db.Database.UseTransactionAsync(sqlite.BeginTransaction(deferred: true), cancellationToken).ConfigureAwait(false))!;
        }
        else
        {
            transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        }

        await using var _ = transaction;
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var table in Tables)
            {
                var entityType = db.Model.FindEntityType(table)!;
                var entry = zip.CreateEntry(entityType.GetTableName() + ".jsonl", CompressionLevel.Fastest);
                await using var stream = entry.Open();
                using var sha = SHA256.Create();
                var method = typeof(RegistryBackup).GetMethod(nameof(WriteTableAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(table);
                await using (var hashing = new CryptoStream(stream, sha, CryptoStreamMode.Write, leaveOpen: true))
                {
                    rows[entityType.GetTableName()!] = await ((Task<long>)method.Invoke(null, [db, entityType, hashing, cancellationToken])!).ConfigureAwait(false);
                    await hashing.FlushFinalBlockAsync(cancellationToken).ConfigureAwait(false);
                }

                hashes[entityType.GetTableName()!] = Convert.ToHexStringLower(sha.Hash!);
            }

            var head = await AuditChain.HeadAsync(db, cancellationToken).ConfigureAwait(false);
            var migration = (await db.Database.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).LastOrDefault();
            var manifest = new BackupManifest(FormatVersion, configuration.Engine.ToString(), migration, clock.GetUtcNow(), rows, head.Hash, hashes);
            var manifestEntry = zip.CreateEntry("manifest.json");
            await using (var stream = manifestEntry.Open())
            {
                await JsonSerializer.SerializeAsync(stream, manifest, Indented, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return manifest;
        }
    }

    private static async Task<long> WriteTableAsync<T>(StromaDbContext db, IEntityType entityType, Stream stream, CancellationToken cancellationToken)
        where T : class
    {
        var columns = entityType.GetProperties().ToList();
        var key = entityType.FindPrimaryKey()!.Properties[0].Name;
        long count = 0;
        await using var writer = new Utf8JsonWriter(stream);
        await foreach (var row in db.Set<T>().IgnoreQueryFilters().AsNoTracking().OrderBy(e => EF.Property<object>(e, key)).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            writer.WriteStartObject();
            foreach (var column in columns)
            {
                writer.WritePropertyName(column.GetColumnName());
                JsonSerializer.Serialize(writer, column.GetGetter().GetClrValueUsingContainingEntity(row), column.ClrType, Json);
            }

            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            writer.Reset();
            stream.WriteByte((byte)'\n');
            count++;
        }

        return count;
    }

    public static async Task<RestoreResult> RestoreAsync(DataConfiguration configuration, Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        using var zip = new ZipArchive(input, ZipArchiveMode.Read, leaveOpen: true);
        BackupManifest manifest;
        await using (var stream = zip.GetEntry("manifest.json")?.Open() ?? throw new InvalidDataException("Not a Stroma backup: manifest.json is missing."))
        {
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("The backup manifest is empty.");
        }

        if (manifest.Format != FormatVersion && manifest.Format != PreviousFormatVersion)
        {
            throw new InvalidDataException($"Unsupported backup format '{manifest.Format}' (expected {FormatVersion} or {PreviousFormatVersion}); "
                + "a stroma-backup-1 file carries no content hashes: restore it with the Stroma version that wrote it and take a new backup.");
        }

        var previous = manifest.Format == PreviousFormatVersion;
        var tables = previous ? [.. Tables.Except(AddedInFormat3)] : Tables;
        tables = [.. tables.Where(t => !AddedLater.Any(a => a.Type == t && manifest.Sha256?.ContainsKey(a.Table) != true))];
        if (manifest.Sha256 is null || tables.Length != manifest.Sha256.Count)
        {
            throw new InvalidDataException("The backup manifest does not carry a SHA-256 for every table file; the backup cannot be checked.");
        }

        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(configuration);
        db.BypassAudit = true;
        if (await db.Sites.IgnoreQueryFilters().AnyAsync(cancellationToken).ConfigureAwait(false) || await db.AuditEntries.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"{configuration.Describe()} is not empty; restore needs an empty, migrated database.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in tables)
        {
            var entityType = db.Model.FindEntityType(table)!;
            var name = entityType.GetTableName()!;
            await using var stream = zip.GetEntry(name + ".jsonl")?.Open() ?? throw new InvalidDataException($"The backup has no {name}.jsonl.");
            using var sha = SHA256.Create();
            var method = typeof(RegistryBackup).GetMethod(nameof(ReadTableAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(table);
            long count;
            await using (var hashing = new CryptoStream(stream, sha, CryptoStreamMode.Read, leaveOpen: true))
            {
                // The table reader reads to the end of the file, which completes the hash.
                count = await ((Task<long>)method.Invoke(null, [db, entityType, hashing, cancellationToken])!).ConfigureAwait(false);
            }

            // Throwing here disposes the transaction uncommitted: the target stays empty.
            if (!string.Equals(Convert.ToHexStringLower(sha.Hash!), manifest.Sha256.GetValueOrDefault(name), StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{name}.jsonl does not match the SHA-256 in the backup's manifest: the file was altered or damaged; nothing was restored.");
            }

            if (count != manifest.Rows.GetValueOrDefault(name))
            {
                throw new InvalidDataException($"{name}: the backup holds {count} rows but its manifest says {manifest.Rows.GetValueOrDefault(name)}.");
            }
        }

        // The chain is checked inside the transaction: a restore that fails it is rolled back, so a retry finds the
        // target empty.
        var audit = await AuditChain.VerifyAsync(db, cancellationToken).ConfigureAwait(false);
        if (audit.IsIntact && audit.HeadHash != manifest.AuditHead)
        {
            audit = audit with { Break = new AuditBreak(audit.Entries, "the restored chain's head differs from the backup manifest's") };
        }

        if (audit.IsIntact)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        return new RestoreResult(manifest, audit);
    }

    private static async Task<long> ReadTableAsync<T>(StromaDbContext db, IEntityType entityType, Stream stream, CancellationToken cancellationToken)
        where T : class, new()
    {
        var columns = entityType.GetProperties().ToDictionary(p => p.GetColumnName(), StringComparer.Ordinal);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, false, 1 << 16);
        await using var inserter = await BulkInsert.StartAsync<T>(db, skipConflicts: false, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var entity = new T();
            foreach (var field in document.RootElement.EnumerateObject())
            {
                if (!columns.TryGetValue(field.Name, out var property))
                {
                    throw new InvalidDataException($"{entityType.GetTableName()}: unknown column '{field.Name}' (is the backup from a newer version?).");
                }

                property.PropertyInfo!.SetValue(entity, field.Value.Deserialize(property.ClrType, Json));
            }

            await inserter.AddAsync(entity, cancellationToken).ConfigureAwait(false);
        }

        return await inserter.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
