using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stroma.Data.Model;

namespace Stroma.Data.Audit;

/// <summary>
/// Puts on the audit trail the sites that the migration <c>LotSiteAndMedicationVisit</c> gave to the cell lots that
/// existed before lots belonged to a site (issue #16). A migration writes with SQL, past the audit interceptor, so
/// without this step the ledger check (<c>stroma audit verify --data</c>) finds the filled <c>site_id</c> on no entry:
/// a lot inserted through the model has an insert entry without a site, and a lot written by a bulk path (a demo
/// registry) no longer matches the digest its bulk write recorded. The step appends one <c>update</c> entry per such
/// lot (field <c>SiteId</c>, from nothing to the site the migration chose), by <see cref="Actor"/> with
/// <see cref="Reason"/>, chained like every other entry, in one save; the migration's own effect is left as it is.
/// <para>
/// A lot's site was set by the migration when its trail says nothing of a site: no <c>SiteId</c> entry, and either an
/// insert entry whose snapshot has no <c>SiteId</c> or, for a bulk row (no insert entry), a bulk write whose recorded
/// digest is that of its rows without a site. Lots registered since (their insert entry or digest has the site) and
/// lots already covered by an entry are left alone, so the step is idempotent. It runs once, when
/// <see cref="StromaDatabase.MigrateAsync(DataConfiguration, CancellationToken)"/> applies the marker migration
/// <c>LotSiteAuditTrail</c> (startup and <c>stroma db migrate</c>); docs/operations.md.
/// </para>
/// </summary>
public static class LotSiteUpgrade
{
    /// <summary>The user name the entries are recorded under.</summary>
    public const string Actor = "system: migration";

    /// <summary>The reason every entry carries.</summary>
    public const string Reason = "site set by the migration LotSiteAndMedicationVisit (lots registered before lots belonged to a site: the site of the patient who first received the lot, else the registry's first site by code)";

    /// <summary>The migration (suffix of its id) whose application runs the step.</summary>
    public const string MarkerMigration = "_LotSiteAuditTrail";

    private const string SiteField = nameof(CellLotRecord.SiteId);

    /// <summary>Appends the entries (see the class summary); returns how many lots got one.</summary>
    public static async Task<int> RunAsync(DataConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        await using var db = StromaDatabase.CreateContext(configuration, Actor);
        var filled = await FindAsync(db, cancellationToken).ConfigureAwait(false);
        if (filled.Count == 0)
        {
            return 0;
        }

        var now = db.Clock.GetUtcNow();
        var entries = filled.Select(lot => new AuditEntry
        {
            Timestamp = now,
            UserName = Actor,
            Action = "update",
            Entity = nameof(CellLotRecord),
            EntityKey = AuditInterceptor.Canonical(lot.Id)!,
            Field = SiteField,
            OldValue = null,
            NewValue = AuditInterceptor.Canonical(lot.SiteId),
            Reason = Reason,
        }).ToList();
        var (sequence, hash) = await AuditAppendLock.LockHeadAsync(db, cancellationToken).ConfigureAwait(false);
        AuditChain.Link(entries, sequence, hash);
        db.AuditEntries.AddRange(entries);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return entries.Count;
    }

    /// <summary>The lots whose site the migration set and no entry records, in key order.</summary>
    internal static async Task<List<CellLotRecord>> FindAsync(StromaDbContext db, CancellationToken cancellationToken)
    {
        var entity = nameof(CellLotRecord);
        var entityType = db.Model.FindEntityType(typeof(CellLotRecord))!;
        var fields = LedgerCheck.Fields(entityType).ToList();

        // Lots are few (one per manufactured product): their trail is read whole, once, at the upgrade.
        var steps = (await db.AuditEntries.AsNoTracking().Where(e => e.Entity == entity && e.Action != "import")
                .OrderBy(e => e.Sequence).Select(e => new { e.EntityKey, e.Action, e.Field, e.OldValue, e.NewValue })
                .ToListAsync(cancellationToken).ConfigureAwait(false))
            .GroupBy(e => e.EntityKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var recorded = new Dictionary<string, LedgerDigest>(StringComparer.Ordinal);
        foreach (var details in await db.AuditEntries.AsNoTracking().Where(e => e.Entity == entity && e.Action == "import")
                     .Select(e => e.NewValue).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (details is null)
            {
                continue;
            }

            using var json = JsonDocument.Parse(details);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("ledger", out var ledger)
                && ledger.Deserialize<LedgerBatch>() is { } batch && LedgerDigest.Parse(batch.Rows, batch.Digest) is { } digest)
            {
                recorded[batch.CreatedAt] = recorded.GetValueOrDefault(batch.CreatedAt) + digest;
            }
        }

        var filled = new List<CellLotRecord>();
        var bulk = new Dictionary<string, (List<CellLotRecord> Rows, LedgerDigest WithSite, LedgerDigest WithoutSite)>(StringComparer.Ordinal);
        foreach (var lot in await db.CellLots.IgnoreQueryFilters().AsNoTracking().OrderBy(l => l.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            var trail = steps.GetValueOrDefault(AuditInterceptor.Canonical(lot.Id)!) ?? [];
            if (trail.Any(s => s.Field == SiteField))
            {
                continue; // the site is on the trail already
            }

            if (trail.FirstOrDefault(s => s.Action == "insert" && s.Field == "*") is { } insert)
            {
                var snapshot = JsonSerializer.Deserialize<Dictionary<string, string?>>(insert.NewValue ?? "{}") ?? [];
                if (!snapshot.ContainsKey(SiteField))
                {
                    filled.Add(lot);
                }

                continue;
            }

            // A bulk row: its state as written (each updated field back to its first old value), with and without its site.
            var written = fields.Select(p =>
            {
                var changes = trail.Where(s => s.Field == p.Name).ToList();
                return KeyValuePair.Create(p.Name, changes.Count > 0 ? changes[0].OldValue : LedgerCheck.Audited(p, lot));
            }).ToList();
            var instant = AuditInterceptor.Canonical(lot.CreatedAt)!;
            var group = bulk.GetValueOrDefault(instant, ([], LedgerDigest.Empty, LedgerDigest.Empty));
            group.Rows.Add(lot);
            bulk[instant] = (group.Rows, group.WithSite + LedgerDigest.OfRow(entity, written),
                group.WithoutSite + LedgerDigest.OfRow(entity, written.Where(f => f.Key != SiteField)));
        }

        foreach (var (instant, group) in bulk)
        {
            if (recorded.TryGetValue(instant, out var expected) && expected != group.WithSite && expected == group.WithoutSite)
            {
                filled.AddRange(group.Rows);
            }
        }

        return [.. filled.OrderBy(l => l.Id)];
    }
}
