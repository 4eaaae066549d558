using System.Collections.Concurrent;
using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Web.Features.Patients;

/// <summary>
/// What a patient page shows of one patient (<typeparamref name="T"/>), remembered between requests while the registry
/// is unchanged, as the patient list is (<see cref="PatientDirectory"/>): each entry is stamped with the registry's last
/// change (<see cref="Stroma.Data.Audit.AuditTrail.LastChangeAsync"/>, the newest audit entry that is not a page read;
/// every write is audited in its own transaction) and the day it was read, and is used only while both are unchanged,
/// so nothing is ever served stale. The cache holds what every reader of the patient sees alike: the page still checks,
/// on every request, that the user may read the patient (site isolation), and records the read. Bounded: past
/// <see cref="Capacity"/> patients, the least recently used quarter is dropped. And an entry that can no longer be used
/// is dropped as soon as that is known: the registry's last change only moves forward, so when a request brings a newer
/// one, every entry read at an older change (or on an earlier day) would only be read again. Without that, a registry
/// written to every few seconds kept up to <see cref="Capacity"/> stale timelines (the soak's memory rising for ten
/// minutes on PostgreSQL, bench/soak/README.md).
/// </summary>
public sealed class PatientPageCache<T>
    where T : class
{
    /// <summary>
    /// Patients remembered at most: a demo patient's timeline and banner take about 20 KB together (GC heap 18 → 54 MB
    /// after 200 → 2 000 timelines, 10^5 registry), so at most about 40 MB; a site's day of patients fits.
    /// </summary>
    public const int Capacity = 2048;

    private readonly ConcurrentDictionary<Guid, Entry> entries = new();
    private readonly Lock trimming = new();
    private long clock;
    private long hits;
    private long newest;
    private int sweeping;

    /// <summary>Pages answered from memory (for tests and diagnostics).</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Patients remembered now.</summary>
    public int Count => entries.Count;

    /// <summary>
    /// The content of <paramref name="patientId"/> read at the registry's last change <paramref name="lastChange"/> on
    /// <paramref name="today"/>, or <paramref name="read"/>'s when none is remembered for both.
    /// </summary>
    public async Task<T> GetAsync(Guid patientId, long lastChange, DateOnly today, Func<Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var tick = Interlocked.Increment(ref clock);
        if (lastChange > Interlocked.Read(ref newest))
        {
            DropOlderThan(lastChange, today);
        }

        if (entries.TryGetValue(patientId, out var entry) && entry.LastChange == lastChange && entry.Day == today)
        {
            entry.Used = tick;
            Interlocked.Increment(ref hits);
            return entry.Content;
        }

        // Read with the registry at (at least) lastChange: the marker was read first, so a write made meanwhile moves the
        // marker past this entry's and the next request reads again.
        var content = await read();
        if (lastChange < Interlocked.Read(ref newest))
        {
            // Read at a change already superseded (a write came while this request ran): correct for this request, of
            // no use to the next.
            return content;
        }

        entries.AddOrUpdate(patientId, new Entry(content, lastChange, today) { Used = tick },
            (_, old) => old.LastChange > lastChange ? old : new Entry(content, lastChange, today) { Used = tick });
        if (entries.Count > Capacity)
        {
            Trim();
        }

        return content;
    }

    /// <summary>
    /// Records <paramref name="lastChange"/> as the newest change seen and drops the entries read at an older change or
    /// on an earlier day than <paramref name="today"/>: no request will use them (one at a time; a request that finds a
    /// sweep running goes on, and the next newer change sweeps again). An entry replaced meanwhile is not removed.
    /// </summary>
    private void DropOlderThan(long lastChange, DateOnly today)
    {
        for (var seen = Interlocked.Read(ref newest); seen < lastChange; seen = Interlocked.Read(ref newest))
        {
            if (Interlocked.CompareExchange(ref newest, lastChange, seen) == seen)
            {
                break;
            }
        }

        if (Interlocked.Exchange(ref sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var floor = Interlocked.Read(ref newest);
            foreach (var entry in entries)
            {
                if (entry.Value.LastChange < floor || entry.Value.Day < today)
                {
                    entries.TryRemove(entry);
                }
            }
        }
        finally
        {
            Volatile.Write(ref sweeping, 0);
        }
    }

    private void Trim()
    {
        lock (trimming)
        {
            if (entries.Count <= Capacity)
            {
                return;
            }

            foreach (var (key, _) in entries.OrderBy(e => e.Value.Used).Take(entries.Count - (Capacity * 3 / 4)).ToList())
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class Entry(T content, long lastChange, DateOnly day)
    {
        public T Content { get; } = content;

        public long LastChange { get; } = lastChange;

        public DateOnly Day { get; } = day;

        public long Used { get; set; }
    }
}

/// <summary>
/// The registry's last change (<see cref="AuditTrail.LastChangeAsync"/>) as one request's pages see it: read once per
/// request and database context (the timeline and the banner above it share one read), then remembered in the request.
/// </summary>
public static class RequestLastChange
{
    public static async Task<long> GetAsync(HttpContext http, StromaDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var key = Key(db);
        if (http.Items.TryGetValue(key, out var known) && known is long sequence)
        {
            return sequence;
        }

        (sequence, _) = await AuditTrail.LastChangeAsync(db, cancellationToken);
        http.Items[key] = sequence;
        return sequence;
    }

    /// <summary>Remembers <paramref name="sequence"/>, read by the page with other data, for the rest of the request.</summary>
    public static void Remember(HttpContext http, StromaDbContext db, long sequence)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Items[Key(db)] = sequence;
    }

    private static (Type, StromaDbContext) Key(StromaDbContext db) => (typeof(RequestLastChange), db);
}
