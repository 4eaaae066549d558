using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Stroma.Data;

namespace Stroma.Web.Features.Patients;

/// <summary>
/// Compiled queries for the pages every patient view runs (the timeline, the banner): EF Core translates each once
/// rather than looking it up in its query cache on every page view (that lookup was about a sixth of the timeline's time
/// under load, bench/web). A compiled query per model: EF Core refuses to run a compiled query against another model than
/// the one it was compiled for, and one process may read SQLite and PostgreSQL registries (a test run does), so each
/// model (one per engine) gets its own compilation, made once.
/// </summary>
internal static class CompiledPerModel
{
    public static Func<StromaDbContext, Guid, IAsyncEnumerable<TResult>> Compile<TResult>(Expression<Func<StromaDbContext, Guid, IQueryable<TResult>>> query)
    {
        var byModel = new ConcurrentDictionary<IModel, Func<StromaDbContext, Guid, IAsyncEnumerable<TResult>>>();
        return (db, id) => byModel.GetOrAdd(db.Model, static (_, q) => EF.CompileAsyncQuery(q), query)(db, id);
    }
}
