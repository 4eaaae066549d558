using Microsoft.EntityFrameworkCore;

namespace Stroma.Data;

/// <summary>
/// Queries filtered by a list of ids (<c>ids.Contains(x.Id)</c>) that may be long. EF Core sends such a list as one
/// parameter per item, and SQLite takes at most 32 766 parameters in a statement ("too many SQL variables";
/// SQLITE_MAX_VARIABLE_NUMBER, https://www.sqlite.org/limits.html, item 9), so the list is sent in chunks of
/// <see cref="Size"/>, one query each, and the results are put together. The one place Stroma.Data chunks id lists.
/// </summary>
internal static class IdChunks
{
    /// <summary>How many ids one query carries.</summary>
    internal const int Size = 1_000;

    /// <summary>
    /// The rows of <paramref name="query"/> for each chunk of the distinct <paramref name="ids"/>, in one list (a row that
    /// matches ids of two chunks, as a query over two id columns may, comes once per chunk).
    /// </summary>
    public static async Task<List<TResult>> ToListAsync<TId, TResult>(IEnumerable<TId> ids, Func<TId[], IQueryable<TResult>> query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(query);
        var rows = new List<TResult>();
        foreach (var chunk in ids.Distinct().Chunk(Size))
        {
            rows.AddRange(await query(chunk).ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        return rows;
    }
}
