using Microsoft.EntityFrameworkCore;

namespace Stroma.Data.Tests;

/// <summary>The plan each engine gives for a query (SQLite <c>EXPLAIN QUERY PLAN</c>, PostgreSQL <c>EXPLAIN</c>), one line a step.</summary>
internal static class QueryPlan
{
    /// <param name="db">The context whose connection plans the query (opened here, and kept open, when it is not).</param>
    /// <param name="engine">The engine, for the statement and the plan's column.</param>
    /// <param name="sql">The query.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="setting">A statement run first on the same connection (planner settings such as <c>SET enable_seqscan = off</c>).</param>
    public static async Task<List<string>> ExplainAsync(StromaDbContext db, DatabaseEngine engine, string sql, CancellationToken cancellationToken, string? setting = null)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }

        if (setting is not null)
        {
            await db.Database.ExecuteSqlRawAsync(setting, cancellationToken);
        }

        var plan = new List<string>();
        await using var command = connection.CreateCommand();
        command.CommandText = (engine == DatabaseEngine.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            plan.Add(reader.GetString(engine == DatabaseEngine.Sqlite ? reader.GetOrdinal("detail") : 0));
        }

        return plan;
    }
}
