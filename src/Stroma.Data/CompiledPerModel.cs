using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Stroma.Data;

/// <summary>
/// Compiled queries for what every page view runs (the sign-in check, the user's site roles, the timeline, the banner):
/// EF Core translates each once rather than building its expression tree and looking it up in the query cache on every
/// request (that lookup was about a sixth of the timeline's time under load, bench/web). A compiled query per model:
/// EF Core refuses to run a compiled query against another model than the one it was compiled for, and one process may
/// read SQLite and PostgreSQL registries (a test run does), so each model (one per engine) gets its own compilation,
/// made once.
/// </summary>
public static class CompiledPerModel
{
    /// <summary>A query of rows with one parameter.</summary>
    public static Func<StromaDbContext, TParam, IAsyncEnumerable<TResult>> Compile<TParam, TResult>(Expression<Func<StromaDbContext, TParam, IQueryable<TResult>>> query)
    {
        var byModel = new ConcurrentDictionary<IModel, Func<StromaDbContext, TParam, IAsyncEnumerable<TResult>>>();
        return (db, parameter) => byModel.GetOrAdd(db.Model, static (_, q) => EF.CompileAsyncQuery(q), query)(db, parameter);
    }

    /// <summary>A query of rows with two parameters.</summary>
    public static Func<StromaDbContext, TParam1, TParam2, IAsyncEnumerable<TResult>> Compile<TParam1, TParam2, TResult>(
        Expression<Func<StromaDbContext, TParam1, TParam2, IQueryable<TResult>>> query)
    {
        var byModel = new ConcurrentDictionary<IModel, Func<StromaDbContext, TParam1, TParam2, IAsyncEnumerable<TResult>>>();
        return (db, first, second) => byModel.GetOrAdd(db.Model, static (_, q) => EF.CompileAsyncQuery(q), query)(db, first, second);
    }

    /// <summary>
    /// A query of one row or none (SingleOrDefault, FirstOrDefault) with one parameter. EF Core's compiled single-row
    /// queries take no cancellation token; these are key lookups.
    /// </summary>
    public static Func<StromaDbContext, TParam, Task<TResult>> CompileSingle<TParam, TResult>(Expression<Func<StromaDbContext, TParam, TResult>> query)
    {
        var byModel = new ConcurrentDictionary<IModel, Func<StromaDbContext, TParam, Task<TResult>>>();
        return (db, parameter) => byModel.GetOrAdd(db.Model, static (_, q) => EF.CompileAsyncQuery(q), query)(db, parameter);
    }
}
