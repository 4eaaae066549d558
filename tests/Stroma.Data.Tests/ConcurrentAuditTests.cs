// Source: issue #21 "Reliability": two unrelated writes at the same moment must both succeed (two `stroma ae` commands
// on different patients failed one of the pair with a duplicate audit sequence); 8 writers × 200 unrelated saves on
// each engine, 0 failures, an intact chain.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class ConcurrentAuditTests
{
    private const int Writers = 8;
    private const int SavesPerWriter = 200;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task SaveChanges_EightWritersUnrelatedRecords_AllSucceedAndChainIsIntact(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var siteId = Guid.NewGuid();
        await using (var db = database.Open("admin"))
        {
            db.Sites.Add(new Site { Id = siteId, Code = "S01", Name = "Site one" });
            await db.SaveChangesAsync(Token);
        }

        using var start = new Barrier(Writers);
        var failures = new List<Exception>();

        // Even writers save asynchronously, odd writers synchronously: both interceptor paths take the append lock.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            start.SignalAndWait(Token);
            for (var n = 0; n < SavesPerWriter; n++)
            {
                try
                {
                    await using var db = database.Open($"coordinator{w}");
                    db.Patients.Add(new Patient { Id = Guid.NewGuid(), SiteId = siteId, StudyId = $"S01-W{w}-{n:000}", Sex = Sex.Female, BirthYear = 1970 });
                    if (w % 2 == 0)
                    {
                        await db.SaveChangesAsync(Token);
                    }
                    else
                    {
                        db.SaveChanges();
                    }
                }
                catch (DbUpdateException exception)
                {
                    lock (failures)
                    {
                        failures.Add(exception);
                    }
                }
            }
        }, Token)).ToArray();
        await Task.WhenAll(writers);

        failures.ShouldBeEmpty(string.Join("\n", failures.Take(3).Select(f => f.InnerException?.Message ?? f.Message)));
        await using var check = database.Open();
        (await check.Patients.CountAsync(Token)).ShouldBe(Writers * SavesPerWriter);
        var verification = await AuditChain.VerifyAsync(check, Token);
        verification.IsIntact.ShouldBeTrue(verification.Break?.Problem);
        verification.Entries.ShouldBe(1 + (Writers * SavesPerWriter));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task SaveChanges_FailedSave_ReleasesTheAppendLockForTheNextWriter(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var siteId = Guid.NewGuid();
        await using (var db = database.Open("admin"))
        {
            db.Sites.Add(new Site { Id = siteId, Code = "S01", Name = "Site one" });
            await db.SaveChangesAsync(Token);
        }

        // A duplicate site code fails in the database, after the interceptor has taken the lock.
        await using (var failing = database.Open("admin"))
        {
            failing.Sites.Add(new Site { Id = Guid.NewGuid(), Code = "S01", Name = "Duplicate" });
            await Should.ThrowAsync<DbUpdateException>(() => failing.SaveChangesAsync(Token));

            // The same context saves again once the problem is fixed: no transaction or lock was left behind.
            failing.ChangeTracker.Clear();
            failing.Sites.Add(new Site { Id = Guid.NewGuid(), Code = "S02", Name = "Site two" });
            await failing.SaveChangesAsync(Token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await using var other = database.Open("coordinator");
        other.Patients.Add(new Patient { Id = Guid.NewGuid(), SiteId = siteId, StudyId = "S01-001", Sex = Sex.Male, BirthYear = 1980 });
        await other.SaveChangesAsync(timeout.Token);

        var verification = await AuditChain.VerifyAsync(other, Token);
        verification.IsIntact.ShouldBeTrue();
        verification.Entries.ShouldBe(3);
    }
}
