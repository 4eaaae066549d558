// Source: EF Core documentation, "Connection resiliency" and "Efficient querying: buffering and streaming": with a
// retrying execution strategy EF Core buffers a query's whole result before returning its first row. Found by the
// ledger check of the 10^5-patient PostgreSQL registry, which peaked at 8.9 GB (bench/README.md, "Ledger check").
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Stroma.Data.Tests;

public sealed class StreamingContextTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// A long read through <see cref="StromaDatabase.CreateStreamingContext"/> gets its first row while the server is still
    /// sending the rest (streamed, memory flat), where the same read through <see cref="StromaDatabase.CreateContext"/> on
    /// PostgreSQL has read every row before returning the first (buffered).
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_streaming_context_returns_rows_while_the_query_still_runs(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var streaming = StromaDatabase.CreateStreamingContext(database.Configuration))
        {
            streaming.Database.CreateExecutionStrategy().RetriesOnFailure.ShouldBeFalse();
            if (engine == DatabaseEngine.Postgres)
            {
                (await StillRunningAfterFirstRowAsync(streaming, database)).ShouldBeTrue();
            }
        }

        await using var retrying = StromaDatabase.CreateContext(database.Configuration);
        if (engine == DatabaseEngine.Postgres)
        {
            // The contrast that makes the test able to fail: pages and saves keep the retrying strategy, and it buffers.
            retrying.Database.CreateExecutionStrategy().RetriesOnFailure.ShouldBeTrue();
            (await StillRunningAfterFirstRowAsync(retrying, database)).ShouldBeFalse();
        }
        else
        {
            retrying.Database.CreateExecutionStrategy().RetriesOnFailure.ShouldBeFalse();
        }
    }

    /// <summary>
    /// The options of a database's contexts are built once and shared (a web request makes several contexts), per kind:
    /// a streaming context never gets the retrying one's options, nor the other way round (the test above).
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Contexts_of_one_database_share_their_options(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var first = StromaDatabase.CreateContext(database.Configuration);
        await using var second = StromaDatabase.CreateContext(database.Configuration);
        await using var streaming = StromaDatabase.CreateStreamingContext(database.Configuration);
        static object OptionsOf(StromaDbContext db) =>
            Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions>(db);

        OptionsOf(second).ShouldBeSameAs(OptionsOf(first));
        if (engine == DatabaseEngine.Postgres)
        {
            OptionsOf(streaming).ShouldNotBeSameAs(OptionsOf(first));
            streaming.Database.CreateExecutionStrategy().RetriesOnFailure.ShouldBeFalse();
            second.Database.CreateExecutionStrategy().RetriesOnFailure.ShouldBeTrue();
        }
    }

    /// <summary>
    /// Reads the first of two million rows through <paramref name="db"/> and asks the server, from another connection,
    /// whether that query is still active (sending rows the client has not read yet).
    /// </summary>
    private static async Task<bool> StillRunningAfterFirstRowAsync(StromaDbContext db, TestDatabase database)
    {
        const string Marker = "stroma_streaming_probe";
        await using var rows = db.Database.SqlQueryRaw<long>("SELECT g AS \"Value\" FROM generate_series(1, 2000000) g /* " + Marker + " */")
            .AsAsyncEnumerable().GetAsyncEnumerator(Token);
        (await rows.MoveNextAsync()).ShouldBeTrue();
        rows.Current.ShouldBe(1);
        await using var observer = database.Open();
        var active = await observer.Database.SqlQueryRaw<long>(
                "SELECT count(*) AS \"Value\" FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%" + Marker
                + "%' AND pid <> pg_backend_pid() AND query NOT LIKE '%pg_stat_activity%'")
            .SingleAsync(Token);
        return active > 0;
    }
}
