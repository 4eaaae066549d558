using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Web.Features.Audit;

/// <summary>One audit entry as the viewer shows it (UTC and the server's local time).</summary>
public sealed record AuditRow(long Sequence, DateTimeOffset Utc, DateTimeOffset Local, string User, string Action, string Entity, string Field,
    string? OldValue, string? NewValue, string? Reason);

/// <summary>A page of audit entries, newest first, with its paging state.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, int Total, int PageNumber, int PageSize, string LocalZone, string PathWithoutPage)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public const int Size = 50;

    /// <summary>The entries of <paramref name="query"/>, newest first, page <paramref name="pageNumber"/> (clamped).</summary>
    public static async Task<AuditPage> LoadAsync(IQueryable<AuditEntry> query, int pageNumber, string pathWithoutPage, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var total = await query.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + Size - 1) / Size);
        pageNumber = Math.Clamp(pageNumber, 1, pages);
        var entries = await query.OrderByDescending(e => e.Sequence).Skip((pageNumber - 1) * Size).Take(Size).AsNoTracking().ToListAsync(cancellationToken);
        var zone = clock.LocalTimeZone;
        return new AuditPage(
            [.. entries.Select(e => new AuditRow(e.Sequence, e.Timestamp.ToUniversalTime(), TimeZoneInfo.ConvertTime(e.Timestamp, zone), e.UserName, e.Action,
                e.Entity, e.Field, e.OldValue, e.NewValue, e.Reason))],
            total, pageNumber, Size, zone.Id, pathWithoutPage);
    }
}

/// <summary>The keys of a patient's records, as the audit trail names them (entity type name, key), for the per-record viewer.</summary>
public static class PatientRecords
{
    /// <summary>
    /// The patient and every record that hangs from it, soft-deleted ones included: records with a patient id, then
    /// records of its enrolments (enrolment id), then records of its infusions (infusion id).
    /// </summary>
    public static async Task<HashSet<string>> KeysAsync(StromaDbContext db, Guid patientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var keys = new HashSet<string>(StringComparer.Ordinal) { patientId.ToString("D") };
        var levels = new[] { ("PatientId", "ProtocolEnrolment"), ("EnrolmentId", "Infusion"), ("InfusionId", "") };
        Guid[] parents = [patientId];
        var entityTypes = db.Model.GetEntityTypes().Where(t => t.FindPrimaryKey()?.Properties is [{ Name: "Id", ClrType: var k }] && k == typeof(Guid)).ToList();
        var nextParents = new List<Guid>();
        foreach (var (property, parentOfNext) in levels)
        {
            nextParents.Clear();
            foreach (var type in entityTypes.Where(t => t.FindProperty(property) is not null && (property == "PatientId" || t.FindProperty("PatientId") is null)))
            {
                var method = typeof(PatientRecords).GetMethod(nameof(IdsAsync), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type.ClrType);
                var ids = await ((Task<List<Guid>>)method.Invoke(null, [db, type, property, parents, cancellationToken])!).ConfigureAwait(false);
                keys.UnionWith(ids.Select(i => i.ToString("D")));
                if (type.ClrType.Name == parentOfNext)
                {
                    nextParents.AddRange(ids);
                }
            }

            parents = [.. nextParents];
        }

        return keys;
    }

    private static Task<List<Guid>> IdsAsync<T>(StromaDbContext db, IEntityType type, string property, Guid[] parents, CancellationToken cancellationToken)
        where T : class
    {
        var set = db.Set<T>().IgnoreQueryFilters().AsNoTracking();
        var filtered = type.FindProperty(property)!.ClrType == typeof(Guid)
            ? set.Where(e => parents.Contains(EF.Property<Guid>(e, property)))
            : set.Where(e => EF.Property<Guid?>(e, property) != null && parents.Contains(EF.Property<Guid?>(e, property)!.Value));
        return filtered.Select(e => EF.Property<Guid>(e, "Id")).ToListAsync(cancellationToken);
    }
}
