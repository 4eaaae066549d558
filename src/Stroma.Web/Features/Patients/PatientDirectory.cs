using System.Collections.Concurrent;
using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Web.Features.Patients;

/// <summary>
/// The patient list's rows, in order, for one set of filters (site, protocol, status and the user's sites),
/// remembered between requests while the registry is unchanged. Every change to a patient (insert,
/// deletion as a state, withdrawal, death, enrolment, import) appends to the hash-chained audit trail, so the trail's
/// last change (its newest entry that is not a page read or download, <see cref="AuditTrail.LastChangeAsync"/>, one index
/// step) tells exactly whether a remembered listing may still be used: nothing is ever served stale, and reading
/// timelines (each read is an access entry) does not make the list be read again. With the rows in memory (~100 bytes a patient), page N is a slice and a
/// study-id search one scan of the listing's text (<see cref="PatientListing"/>), where the database would walk its
/// index to the page's offset or match every study id anew on each request.
/// </summary>
public sealed class PatientDirectory(DataConfiguration configuration)
{
    private const int MaxEntries = 16;
    private readonly ConcurrentDictionary<string, Listing> listings = new(StringComparer.Ordinal);

    /// <summary>
    /// The listing for <paramref name="key"/> (the filters and the user's sites), read by <paramref name="read"/> when
    /// the audit trail has moved since it was last read. Concurrent requests for a stale key share one read, made on
    /// its own database context so that it outlives any one request (a cancelled request does not fail the others): on
    /// the read replica when <paramref name="replica"/> is given (the request reads from it, caught up), else the registry.
    /// </summary>
    public async Task<PatientListing> GetAsync(StromaDbContext db, string key,
        Func<StromaDbContext, Task<List<PatientRow>>> read, CancellationToken cancellationToken, DataConfiguration? replica = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(read);
        // The head is read before the listing, so a change made while the listing is read moves the head past it and
        // the next request reads again.
        var (head, _) = await AuditTrail.LastChangeAsync(db, cancellationToken);
        if (listings.Count >= MaxEntries && !listings.ContainsKey(key))
        {
            // Each listing holds up to the whole registry's ids: too many filter combinations, start afresh.
            listings.Clear();
        }

        return await listings.GetOrAdd(key, _ => new Listing()).GetAsync(head, () => ReadAsync(read, replica)).WaitAsync(cancellationToken);
    }

    private async Task<PatientListing> ReadAsync(Func<StromaDbContext, Task<List<PatientRow>>> read, DataConfiguration? replica)
    {
        await using var context = replica is null
            ? StromaDatabase.CreateContext(configuration, "patient-list")
            : StromaDatabase.CreateReadOnlyContext(replica, "patient-list");
        return new PatientListing(await read(context));
    }

    /// <summary>One key's listing: the read at the newest audit head seen, shared by the requests that need it.</summary>
    private sealed class Listing
    {
        private readonly Lock gate = new();
        private long head = -1;
        private Task<PatientListing>? entries;

        public Task<PatientListing> GetAsync(long atHead, Func<Task<PatientListing>> read)
        {
            lock (gate)
            {
                if (entries is null || head < atHead || entries.IsFaulted || entries.IsCanceled)
                {
                    // Started on the thread pool, not under this lock: Microsoft.Data.Sqlite's "async" reads run to the
                    // end synchronously, which would hold the lock (and block the waiting requests' threads) meanwhile.
                    head = atHead;
                    entries = Task.Run(read);
                }

                return entries;
            }
        }
    }
}

/// <summary>
/// The patient list's rows for one set of filters, in order, with a study-id search: a part of the id in any letter
/// case. The study ids are kept upper-cased in one text, so a search is one vectorised scan (~0.1 ms over 10^5 ids)
/// rather than a comparison per patient.
/// </summary>
public sealed class PatientListing
{
    private const char Separator = '\n';
    private readonly string text;
    private readonly int[] starts;

    public PatientListing(IReadOnlyList<PatientRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Rows = rows;
        starts = new int[rows.Count];
        var builder = new System.Text.StringBuilder(rows.Count * 12);
        for (var i = 0; i < rows.Count; i++)
        {
            starts[i] = builder.Length;
            builder.Append(rows[i].StudyId.ToUpperInvariant()).Append(Separator);
        }

        text = builder.ToString();
    }

    /// <summary>All rows, in (site code, study id) order.</summary>
    public IReadOnlyList<PatientRow> Rows { get; }

    /// <summary>The rows whose study id contains <paramref name="term"/>, letter case ignored, in list order.</summary>
    public IReadOnlyList<PatientRow> Search(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var key = term.ToUpperInvariant();
        if (key.Length == 0)
        {
            return Rows;
        }

        var found = new List<PatientRow>();
        if (key.Contains(Separator, StringComparison.Ordinal))
        {
            return found;
        }

        var at = text.IndexOf(key, StringComparison.Ordinal);
        while (at >= 0)
        {
            var row = Array.BinarySearch(starts, at);
            row = row >= 0 ? row : ~row - 1;
            found.Add(Rows[row]);
            var next = row + 1 < starts.Length ? starts[row + 1] : text.Length;
            at = next < text.Length ? text.IndexOf(key, next, StringComparison.Ordinal) : -1;
        }

        return found;
    }
}
