// Source: issue #21 "Reliability": truncating the tail of the audit trail, or rewriting it from some entry on with the
// public hash format, passes the chain check alone; a signed anchor of the chain head kept elsewhere detects both.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Model;

namespace Stroma.Data.Tests;

public sealed class AuditAnchorTests
{
    private static readonly AnchorKey Key = AnchorKey.FromText("a site secret of more than thirty-two bytes, kept off the database")!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> RegistryAsync(DatabaseEngine engine, int sites)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await AddSitesAsync(database, 0, sites);
        return database;
    }

    private static async Task AddSitesAsync(TestDatabase database, int from, int count)
    {
        await using var db = database.Open("alice", ManualClock.At("2026-12-01T09:00:00Z"));
        for (var i = from; i < from + count; i++)
        {
            db.Sites.Add(new Site { Id = Guid.NewGuid(), Code = $"S{i:00}", Name = $"Site {i}" });
            await db.SaveChangesAsync(Token);
        }
    }

    private static async Task<AuditAnchor> AnchorAsync(TestDatabase database)
    {
        await using var db = database.Open("anchor", ManualClock.At("2026-12-02T00:00:00Z"));
        var (anchor, chain) = await AuditAnchor.CreateAsync(db, Key, Token);
        chain.IsIntact.ShouldBeTrue();
        return AuditAnchor.Parse(anchor!.ToJson(), out var problem).ShouldNotBeNull(problem);
    }

    private static async Task<AnchorCheck> CheckAsync(TestDatabase database, AuditAnchor anchor, AnchorKey? key = null)
    {
        await using var db = database.Open();
        return await anchor.CheckAsync(db, key ?? Key, Token);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Check_ChainGrewAfterAnchor_IsExtended(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine, 3);
        var anchor = await AnchorAsync(database);
        await AddSitesAsync(database, 3, 2);

        var check = await CheckAsync(database, anchor);

        anchor.Entries.ShouldBe(3);
        check.Status.ShouldBe(AnchorStatus.Extended);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Check_TailTruncated_IsReportedThoughTheChainStillVerifies(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine, 5);
        var anchor = await AnchorAsync(database);
        await using (var db = database.Open())
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE sequence > 3", Token);
            (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
        }

        var check = await CheckAsync(database, anchor);

        check.Status.ShouldBe(AnchorStatus.Truncated);
        check.Detail.ShouldContain("has 3 entries");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Check_TailRewrittenWithThePublicHashFormat_IsReportedThoughTheChainStillVerifies(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine, 5);
        var anchor = await AnchorAsync(database);
        await using (var db = database.Open())
        {
            // Rewrite entry 4 (a site's name) and re-hash it and every later entry, as someone who knows the format would.
            var entries = await db.AuditEntries.Where(e => e.Sequence >= 4).OrderBy(e => e.Sequence).ToListAsync(Token);
            var previous = await db.AuditEntries.Where(e => e.Sequence == 3).Select(e => e.Hash).SingleAsync(Token);
            foreach (var entry in entries)
            {
                entry.NewValue = entry.Sequence == 4 ? entry.NewValue!.Replace("Site 3", "Site X", StringComparison.Ordinal) : entry.NewValue;
                entry.PreviousHash = previous;
                entry.Hash = AuditChain.ComputeHash(entry);
                previous = entry.Hash;
                await db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET new_value = {entry.NewValue}, previous_hash = {entry.PreviousHash}, hash = {entry.Hash} WHERE sequence = {entry.Sequence}", Token);
            }

            db.ChangeTracker.Clear();
            (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
        }

        var check = await CheckAsync(database, anchor);

        check.Status.ShouldBe(AnchorStatus.Rewritten);
        check.Detail.ShouldContain("entry 5");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Check_AnchorEditedOrOtherKey_FailsItsSignature(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine, 3);
        var anchor = await AnchorAsync(database);

        (await CheckAsync(database, anchor with { Entries = 2, Head = anchor.Head })).Status.ShouldBe(AnchorStatus.BadSignature);
        (await CheckAsync(database, anchor, AnchorKey.FromText(new string('k', 40)))).Status.ShouldBe(AnchorStatus.BadSignature);
    }

    [Fact]
    public void FromText_ShortKey_IsRefused()
    {
        AnchorKey.FromText(new string('k', 31)).ShouldBeNull();
        AnchorKey.FromText("  " + new string('k', 32) + "\n").ShouldNotBeNull();
    }

    [Fact]
    public void Parse_NotAnAnchor_SaysWhy()
    {
        AuditAnchor.Parse("{\"format\":\"other\",\"entries\":1,\"head\":\"\",\"signedAt\":\"2026-12-01T00:00:00Z\",\"signature\":\"ab\"}", out var problem).ShouldBeNull();
        problem.ShouldBe("its format is \"other\", not stroma-anchor-v1");
        AuditAnchor.Parse("not json", out problem).ShouldBeNull();
        problem!.ShouldStartWith("it is not an anchor");
    }
}
