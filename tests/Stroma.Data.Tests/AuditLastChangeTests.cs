// Source: issue #19 "Speed stays" (bench/web, 2026-12-07: every timeline read appends an access entry, and the patient
// list, keyed on the trail's highest sequence, was read again after every read) and docs/security.md "Reads on the
// audit trail": the registry's last change skips access entries, in one index step on each engine; access entries
// appended a group at a time are chained in order, all or none.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class AuditLastChangeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dictionary<string, object?> Page(string path) => new() { ["page"] = path };

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LastChange_ReadsAfterAChange_StayAtTheChange_NextChangeMovesIt(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("coordinator");
        (await AuditTrail.LastChangeAsync(db, Token)).ShouldBe((0L, ""));

        var siteId = Guid.NewGuid();
        db.Sites.Add(new Site { Id = siteId, Code = "S01", Name = "Site one" });
        await db.SaveChangesAsync(Token);
        var afterSite = await AuditTrail.LastChangeAsync(db, Token);
        var head = await db.AuditEntries.OrderByDescending(e => e.Sequence).FirstAsync(Token);
        afterSite.ShouldBe((head.Sequence, head.Hash));

        var reads = Enumerable.Range(0, 5).Select(n => AuditTrail.AccessEntry(db, "read", $"patient-{n}", Page($"/patients/{n}"))).ToList();
        await AuditTrail.AppendAccessAsync(db, reads, Token);
        (await db.AuditEntries.MaxAsync(e => e.Sequence, Token)).ShouldBe(afterSite.Sequence + 5);
        (await AuditTrail.LastChangeAsync(db, Token)).ShouldBe(afterSite);

        db.Patients.Add(new Patient { Id = Guid.NewGuid(), SiteId = siteId, StudyId = "S01-001", Sex = Sex.Female, BirthYear = 1990 });
        await db.SaveChangesAsync(Token);
        var afterPatient = await AuditTrail.LastChangeAsync(db, Token);
        afterPatient.Sequence.ShouldBeGreaterThan(afterSite.Sequence + 5);
        (await db.AuditEntries.SingleAsync(e => e.Sequence == afterPatient.Sequence, Token)).Entity.ShouldBe(nameof(Patient));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AppendAccess_AGroupOfReadsByDifferentUsers_ChainedInOrderAndVerified(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var group = new List<AuditEntry>();
        for (var n = 0; n < 40; n++)
        {
            await using var reader = database.Open($"user{n % 4}");
            group.Add(AuditTrail.AccessEntry(reader, "read", $"patient-{n}", Page($"/patients/{n}/timeline")));
        }

        await using var db = database.Open();
        await AuditTrail.AppendAccessAsync(db, group, Token);

        var stored = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync(Token);
        stored.Select(e => e.EntityKey).ShouldBe(group.Select(e => e.EntityKey));
        stored.Select(e => e.UserName).Distinct().Order().ShouldBe(["user0", "user1", "user2", "user3"]);
        stored.ShouldAllBe(e => e.Entity == AuditTrail.AccessEntity && e.Action == "read");
        var verification = await AuditChain.VerifyAsync(db, Token);
        verification.IsIntact.ShouldBeTrue(verification.Break?.Problem);
        verification.Entries.ShouldBe(40);
    }

    [Fact]
    public async Task AppendAccess_AChangeEntry_Refused_NothingWritten()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var db = database.Open();
        var change = new AuditEntry { Entity = nameof(Patient), EntityKey = "x", Action = "update", Field = "*" };

        var refused = await Should.ThrowAsync<ArgumentException>(AuditTrail.AppendAccessAsync(db, [change], Token));

        refused.Message.ShouldContain("access entries");
        (await db.AuditEntries.CountAsync(Token)).ShouldBe(0);
    }

    /// <summary>
    /// With 5 000 reads after the last change and fresh statistics, each engine's plan for the last-change query walks
    /// the partial index (one step, with LIMIT 1) rather than the primary key back over the reads.
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Changes_ManyReadsAfterTheLastChange_AnsweredFromThePartialIndex(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open();
        db.Sites.Add(new Site { Id = Guid.NewGuid(), Code = "S01", Name = "Site one" });
        await db.SaveChangesAsync(Token);
        await AuditTrail.AppendAccessAsync(db, [.. Enumerable.Range(0, 5000).Select(n => AuditTrail.AccessEntry(db, "read", $"p{n}", Page("/patients")))], Token);
        await db.Database.ExecuteSqlRawAsync(engine == DatabaseEngine.Sqlite ? "ANALYZE" : "ANALYZE audit_entries", Token);
        // LastChangeAsync takes the first row (LIMIT 1).
        var sql = AuditTrail.Changes(db).Select(e => new { e.Sequence, e.Hash }).ToQueryString() + "\nLIMIT 1";

        var plan = await QueryPlan.ExplainAsync(db, engine, sql, Token);

        sql.ShouldContain("'Access'");
        plan.ShouldContain(step => step.Contains("IX_audit_entries_changes", StringComparison.Ordinal), string.Join(" | ", plan));
    }
}
