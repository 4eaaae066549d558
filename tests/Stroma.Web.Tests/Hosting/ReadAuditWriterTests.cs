// Source: issue #19 "Speed stays" (bench/web, 2026-12-07: one audit transaction per page read held 50 clients to
// 130–176 timelines a second) and docs/security.md "Reads on the audit trail": page reads are appended a group at a
// time, each request waiting until its own entry is committed; a failed append fails its requests (nothing read goes
// unrecorded). On SQLite and, when STROMA_TEST_POSTGRES is set, PostgreSQL.
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Tests;
using Stroma.Web.Hosting;

namespace Stroma.Web.Tests.Hosting;

public sealed class ReadAuditWriterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AuditEntry Read(StromaDbContext db, int n) =>
        AuditTrail.AccessEntry(db, "read", $"patient-{n}", new Dictionary<string, object?> { ["page"] = $"/patients/{n}/timeline" });

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AppendAsync_ReadsArrivingWhileTheTrailIsLocked_CommittedTogether_EachWaitsForItsOwn(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var writer = new ReadAuditWriter(database.Configuration);
        await using var reader = database.Open("coordinator");

        // Another writer holds the trail's append lock (a save in progress): the reads queue behind it.
        await using var holder = database.Open("admin");
        await using (var transaction = await holder.Database.BeginTransactionAsync(Ct))
        {
            if (engine == DatabaseEngine.Postgres)
            {
                await holder.Database.ExecuteSqlRawAsync("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE", Ct);
            }
            else
            {
                // Microsoft.Data.Sqlite begins IMMEDIATE: the database's write lock is held from here.
                await holder.Database.ExecuteSqlRawAsync("SELECT 1", Ct);
            }

            var reads = Enumerable.Range(0, 100).Select(n => writer.AppendAsync(Read(reader, n), Ct)).ToList();
            await Task.Delay(300, Ct);
            reads.ShouldAllBe(r => !r.IsCompleted);
            await transaction.CommitAsync(Ct);
            await Task.WhenAll(reads);
        }

        writer.Groups.ShouldBeInRange(1, 3);
        await using var db = database.Open();
        var stored = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync(Ct);
        stored.Count.ShouldBe(100);
        stored.Select(e => e.EntityKey).Order().ShouldBe(Enumerable.Range(0, 100).Select(n => $"patient-{n}").Order());
        stored.ShouldAllBe(e => e.UserName == "coordinator" && e.Entity == AuditTrail.AccessEntity);
        var verification = await AuditChain.VerifyAsync(db, Ct);
        verification.IsIntact.ShouldBeTrue(verification.Break?.Problem);
    }

    [Fact]
    public async Task AppendAsync_TheAppendFails_EveryWaitingRequestFails_TheWriterGoesOn()
    {
        // A registry file without tables: every append fails.
        var path = Path.Combine(Path.GetTempPath(), $"stroma-unmigrated-{Guid.NewGuid():N}.db");
        try
        {
            var configuration = DataConfiguration.Parse(path);
            await using var writer = new ReadAuditWriter(configuration);
            await using var db = StromaDatabase.CreateContext(configuration, "coordinator");

            var first = await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(writer.AppendAsync(Read(db, 1), Ct));
            var second = await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(writer.AppendAsync(Read(db, 2), Ct));

            first.Message.ShouldContain("audit_entries");
            second.Message.ShouldContain("audit_entries");
            writer.Groups.ShouldBe(0);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
