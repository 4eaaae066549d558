using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Stroma.Data.Model;

namespace Stroma.Data.Audit;

/// <summary>One record whose stored state differs from the state its audit trail ends in.</summary>
/// <param name="Table">The table.</param>
/// <param name="Key">The record's key (for bulk rows: which bulk write).</param>
/// <param name="Field">The field (<c>*</c> for the whole record).</param>
/// <param name="Stored">What the database holds, in the audit trail's text form.</param>
/// <param name="Audited">What the audit trail says it should hold.</param>
public sealed record LedgerDifference(string Table, string Key, string Field, string? Stored, string? Audited);

/// <summary>The outcome of <see cref="LedgerCheck.RunAsync"/>.</summary>
/// <param name="Records">Stored records read.</param>
/// <param name="BulkRows">Of those, rows written by a bulk path (covered by an import digest, not by an insert entry).</param>
/// <param name="Differences">Differences reported.</param>
public sealed record LedgerSummary(long Records, long BulkRows, long Differences)
{
    public bool Holds => Differences == 0;
}

/// <summary>
/// The ledger check (the promise of SQL Server's ledger tables): each audited record's stored state must equal the
/// state its audit trail ends in. For each audited entity type, the stored rows (by key) and the type's audit entries
/// (by key, then sequence) are read in the same order and merged, so memory holds one record and its entries at a
/// time. A record inserted through the model is compared field by field with its insert entry's snapshot folded with
/// its later updates; a record with entries but no row was hard-deleted. A row without an insert entry was written by
/// a bulk path: its later updates must end in its stored values, and its as-written state (stored values, with each
/// updated field taken back to its first old value) is added to the digest of the bulk rows created at its instant,
/// which must equal the sum of the <see cref="LedgerBatch"/> digests the bulk writes recorded for that instant (so a
/// changed, removed or added bulk row shows as a difference of that instant's rows, not of one key).
/// Run it after <see cref="AuditChain.VerifyAsync"/>: it trusts the entries it reads.
/// </summary>
public static class LedgerCheck
{
    private static readonly HashSet<string> Bookkeeping =
    [
        nameof(TrackedRecord.Version), nameof(TrackedRecord.CreatedAt), nameof(TrackedRecord.CreatedBy),
        nameof(TrackedRecord.UpdatedAt), nameof(TrackedRecord.UpdatedBy),
    ];

    /// <summary>
    /// Checks every audited table of the database; each difference goes to <paramref name="report"/> as it is found.
    /// Two connections read the two sides (PostgreSQL reads one result set per connection at a time).
    /// </summary>
    public static async Task<LedgerSummary> RunAsync(DataConfiguration configuration, Action<LedgerDifference> report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(report);
        await using var db = StromaDatabase.CreateStreamingContext(configuration);
        await using var trailDb = StromaDatabase.CreateStreamingContext(configuration);
        var state = new State(report);
        await ReadBatchesAsync(trailDb, state, cancellationToken).ConfigureAwait(false);
        var method = typeof(LedgerCheck).GetMethod(nameof(CheckTableAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        foreach (var entityType in AuditedTypes(db))
        {
            await ((Task)method.MakeGenericMethod(entityType.ClrType).Invoke(null, [db, trailDb, entityType, state, cancellationToken])!).ConfigureAwait(false);
        }

        var tables = AuditedTypes(db).ToDictionary(t => t.ClrType.Name, t => t.GetTableName()!, StringComparer.Ordinal);
        foreach (var group in state.Found.Keys.Union(state.Expected.Keys).Order())
        {
            var found = state.Found.GetValueOrDefault(group);
            var expected = state.Expected.GetValueOrDefault(group);
            if (found != expected)
            {
                var (entity, createdAt) = group;
                state.Report(new LedgerDifference(tables.GetValueOrDefault(entity, entity), $"bulk rows created {createdAt}", "*",
                    Describe(found), state.Expected.ContainsKey(group) ? Describe(expected) : "no bulk write recorded with a digest"));
            }
        }

        return new LedgerSummary(state.Records, state.BulkRows, state.Differences);
    }

    /// <summary>Entity types whose changes the audit interceptor records.</summary>
    internal static IEnumerable<IEntityType> AuditedTypes(StromaDbContext db) =>
        db.Model.GetEntityTypes().Where(t => typeof(TrackedRecord).IsAssignableFrom(t.ClrType) && !t.IsOwned())
            .OrderBy(t => t.ClrType.Name, StringComparer.Ordinal);

    /// <summary>The fields of a stored row that the trail and the digest see.</summary>
    internal static IEnumerable<IProperty> Fields(IEntityType entityType) =>
        entityType.GetProperties().Where(p => !p.IsShadowProperty());

    /// <summary>A field's value as the audit trail writes it (the placeholder for a redacted secret).</summary>
    internal static string? Audited(IProperty property, object entity)
    {
        var value = property.GetGetter().GetClrValueUsingContainingEntity(entity);
        return value is not null && property.PropertyInfo?.IsDefined(typeof(AuditRedactedAttribute), inherit: false) == true
            ? AuditRedactedAttribute.Placeholder
            : AuditInterceptor.Canonical(value);
    }

    private static string Describe(LedgerDigest digest) => $"{digest.Rows} rows, digest {digest.Hex[..16]}";

    private static async Task ReadBatchesAsync(StromaDbContext db, State state, CancellationToken cancellationToken)
    {
        await foreach (var entry in db.AuditEntries.AsNoTracking().Where(e => e.Action == "import").OrderBy(e => e.Sequence)
                           .Select(e => new { e.Entity, e.NewValue }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (entry.NewValue is null)
            {
                continue;
            }

            using var details = JsonDocument.Parse(entry.NewValue);
            if (details.RootElement.ValueKind != JsonValueKind.Object || !details.RootElement.TryGetProperty("ledger", out var ledger))
            {
                continue; // written before bulk writes recorded digests: its rows show as not covered
            }

            var batch = ledger.Deserialize<LedgerBatch>();
            if (batch is not null && LedgerDigest.Parse(batch.Rows, batch.Digest) is { } digest)
            {
                var group = (entry.Entity, batch.CreatedAt);
                state.Expected[group] = state.Expected.GetValueOrDefault(group) + digest;
            }
        }
    }

    private static async Task CheckTableAsync<T>(StromaDbContext db, StromaDbContext trailDb, IEntityType entityType, State state, CancellationToken cancellationToken)
        where T : TrackedRecord
    {
        var name = entityType.ClrType.Name;
        var table = entityType.GetTableName()!;
        var fields = Fields(entityType).ToList();
        // Both sides in the same order: UUIDs sort as their lower-case text does (SQLite keeps upper-case text,
        // PostgreSQL compares uuid bytes), and the audit keys are compared byte-wise.
        var collation = db.Database.IsNpgsql() ? "C" : "BINARY";
        var audit = trailDb.AuditEntries.AsNoTracking().Where(e => e.Entity == name && e.Action != "import")
            .OrderBy(e => EF.Functions.Collate(e.EntityKey, collation)).ThenBy(e => e.Sequence)
            .Select(e => new AuditStep(e.EntityKey, e.Action, e.Field, e.OldValue, e.NewValue)).AsAsyncEnumerable();
        var rows = db.Set<T>().IgnoreQueryFilters().AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable();

        await using var steps = new Groups(audit.GetAsyncEnumerator(cancellationToken));
        await using var stored = rows.GetAsyncEnumerator(cancellationToken);
        var hasRow = await stored.MoveNextAsync().ConfigureAwait(false);
        var trail = await steps.NextAsync().ConfigureAwait(false);
        string? lastKey = null;
        while (hasRow || trail is not null)
        {
            var key = hasRow ? AuditInterceptor.Canonical(stored.Current.Id)! : null;
            var order = key is null ? 1 : trail is null ? -1 : string.CompareOrdinal(key, trail.Key);
            if (order > 0)
            {
                state.Report(new LedgerDifference(table, trail!.Key, "*", "(no row)", "(row)"));
                trail = await steps.NextAsync().ConfigureAwait(false);
                continue;
            }

            if (lastKey is not null && string.CompareOrdinal(lastKey, key) >= 0)
            {
                throw new InvalidOperationException($"{table}: rows are not read in key order ({lastKey} before {key}).");
            }

            lastKey = key;
            state.Records++;
            Compare(entityType, fields, stored.Current, key!, order == 0 ? trail!.Steps : [], table, state);
            if (order == 0)
            {
                trail = await steps.NextAsync().ConfigureAwait(false);
            }

            hasRow = await stored.MoveNextAsync().ConfigureAwait(false);
        }
    }

    private static void Compare(IEntityType entityType, List<IProperty> fields, TrackedRecord row, string key, IReadOnlyList<AuditStep> steps, string table, State state)
    {
        var insert = steps.FirstOrDefault(s => s.Action == "insert" && s.Field == "*");
        if (insert is not null)
        {
            var audited = JsonSerializer.Deserialize<Dictionary<string, string?>>(insert.NewValue ?? "{}") ?? [];
            foreach (var step in steps.Where(s => s.Field != "*"))
            {
                audited[step.Field] = step.NewValue;
            }

            foreach (var property in fields)
            {
                if (!Bookkeeping.Contains(property.Name) && audited.TryGetValue(property.Name, out var expected))
                {
                    var value = Audited(property, row);
                    if (!string.Equals(value, expected, StringComparison.Ordinal))
                    {
                        state.Report(new LedgerDifference(table, key, property.Name, value, expected));
                    }
                }
            }

            return;
        }

        // A bulk row: check its updates, then take them back to the state it was written in.
        state.BulkRows++;
        var written = new List<KeyValuePair<string, string?>>(fields.Count);
        foreach (var property in fields)
        {
            var value = Audited(property, row);
            var changes = steps.Where(s => s.Field == property.Name).ToList();
            if (changes.Count > 0)
            {
                if (!string.Equals(value, changes[^1].NewValue, StringComparison.Ordinal))
                {
                    state.Report(new LedgerDifference(table, key, property.Name, value, changes[^1].NewValue));
                }

                value = changes[0].OldValue;
            }

            written.Add(KeyValuePair.Create(property.Name, value));
        }

        var group = (entityType.ClrType.Name, AuditInterceptor.Canonical(row.CreatedAt)!);
        state.Found[group] = state.Found.GetValueOrDefault(group) + LedgerDigest.OfRow(entityType.ClrType.Name, written);
    }

    private sealed record AuditStep(string Key, string Action, string Field, string? OldValue, string? NewValue);

    private sealed record Trail(string Key, List<AuditStep> Steps);

    /// <summary>Consecutive audit entries of one key.</summary>
    private sealed class Groups(IAsyncEnumerator<AuditStep> source) : IAsyncDisposable
    {
        private AuditStep? pending;
        private string? last;
        private bool started;

        public async Task<Trail?> NextAsync()
        {
            if (!started)
            {
                started = true;
                pending = await source.MoveNextAsync().ConfigureAwait(false) ? source.Current : null;
            }

            if (pending is null)
            {
                return null;
            }

            if (last is not null && string.CompareOrdinal(last, pending.Key) >= 0)
            {
                throw new InvalidOperationException($"Audit entries are not read in key order ({last} before {pending.Key}).");
            }

            var trail = new Trail(pending.Key, [pending]);
            last = pending.Key;
            while (true)
            {
                pending = await source.MoveNextAsync().ConfigureAwait(false) ? source.Current : null;
                if (pending is null || pending.Key != trail.Key)
                {
                    return trail;
                }

                trail.Steps.Add(pending);
            }
        }

        public ValueTask DisposeAsync() => source.DisposeAsync();
    }

    private sealed class State(Action<LedgerDifference> report)
    {
        public Dictionary<(string Entity, string CreatedAt), LedgerDigest> Expected { get; } = [];

        public Dictionary<(string Entity, string CreatedAt), LedgerDigest> Found { get; } = [];

        public long Records { get; set; }

        public long BulkRows { get; set; }

        public long Differences { get; private set; }

        public void Report(LedgerDifference difference)
        {
            Differences++;
            report(difference);
        }
    }
}
