// Source: issue #5 "Trust": no hard delete, audit trail with reason and hash chain, tamper detection on both
// engines, optimistic concurrency.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class AuditTrailTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(Guid Site, Guid Patient)> SeedAsync(TestDatabase database, TimeProvider clock)
    {
        await using var db = database.Open("alice", clock);
        var site = new Site { Id = Guid.NewGuid(), Code = "S01", Name = "Site one" };
        var patient = new Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = "S01-001", Sex = Sex.Female, BirthYear = 1960 };
        db.AddRange(site, patient);
        await db.SaveChangesAsync(Token);
        return (site.Id, patient.Id);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Insert_NewRecords_WritesOneChainedEntryPerRecord(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = ManualClock.At("2026-11-25T08:30:00.1234567Z");
        var (_, patientId) = await SeedAsync(database, clock);

        await using var db = database.Open();
        var entries = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync(Token);
        entries.Count.ShouldBe(2);
        entries.Select(e => e.Sequence).ShouldBe([1L, 2L]);
        entries[0].PreviousHash.ShouldBe(AuditChain.Genesis);
        entries[1].PreviousHash.ShouldBe(entries[0].Hash);
        var insert = entries.Single(e => e.Entity == nameof(Patient));
        insert.Action.ShouldBe("insert");
        insert.UserName.ShouldBe("alice");
        insert.EntityKey.ShouldBe(patientId.ToString());
        insert.Timestamp.ShouldBe(DateTimeOffset.Parse("2026-11-25T08:30:00.123456Z", System.Globalization.CultureInfo.InvariantCulture));
        insert.NewValue!.ShouldContain("\"StudyId\":\"S01-001\"");
        (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Update_SavedClinicalRecordWithoutReason_IsRefused(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var (_, patientId) = await SeedAsync(database, TimeProvider.System);

        await using var db = database.Open("bob");
        var patient = await db.Patients.SingleAsync(p => p.Id == patientId, Token);
        patient.BirthYear = 1961;

        await Should.ThrowAsync<ChangeReasonRequiredException>(() => db.SaveChangesAsync(Token));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Update_WithReason_RecordsFieldOldNewWhoWhenWhyAndBumpsVersion(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = ManualClock.At("2026-11-25T08:00:00Z");
        var (_, patientId) = await SeedAsync(database, clock);
        clock.Advance(TimeSpan.FromHours(2));

        await using (var db = database.Open("bob", clock))
        {
            var patient = await db.Patients.SingleAsync(p => p.Id == patientId, Token);
            patient.BirthYear = 1961;
            db.ChangeReason = "Transcription error: birth year per source document";
            await db.SaveChangesAsync(Token);
        }

        await using (var db = database.Open())
        {
            var change = await db.AuditEntries.SingleAsync(e => e.Action == "update", Token);
            change.Field.ShouldBe(nameof(Patient.BirthYear));
            change.OldValue.ShouldBe("1960");
            change.NewValue.ShouldBe("1961");
            change.UserName.ShouldBe("bob");
            change.Reason.ShouldBe("Transcription error: birth year per source document");
            change.Timestamp.ShouldBe(clock.Now);
            var patient = await db.Patients.SingleAsync(p => p.Id == patientId, Token);
            patient.Version.ShouldBe(2);
            patient.UpdatedBy.ShouldBe("bob");
            (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Remove_ClinicalRecord_IsRefusedAndNothingIsDeleted(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var (_, patientId) = await SeedAsync(database, TimeProvider.System);

        await using (var db = database.Open())
        {
            db.Patients.Remove(await db.Patients.SingleAsync(p => p.Id == patientId, Token));
            await Should.ThrowAsync<HardDeleteRefusedException>(() => db.SaveChangesAsync(Token));
        }

        await using (var db = database.Open())
        {
            (await db.Patients.CountAsync(Token)).ShouldBe(1);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task MarkDeleted_WithReason_HidesRecordKeepsRowAndAuditsTheDeletion(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var (_, patientId) = await SeedAsync(database, TimeProvider.System);

        await using (var db = database.Open("carol"))
        {
            db.MarkDeleted(await db.Patients.SingleAsync(p => p.Id == patientId, Token), "Entered in the wrong site");
            await db.SaveChangesAsync(Token);
        }

        await using (var db = database.Open())
        {
            (await db.Patients.CountAsync(Token)).ShouldBe(0);
            var row = await db.Patients.IgnoreQueryFilters().SingleAsync(Token);
            row.DeletionReason.ShouldBe("Entered in the wrong site");
            row.DeletedBy.ShouldBe("carol");
            var deletion = await db.AuditEntries.Where(e => e.Action == "delete").ToListAsync(Token);
            deletion.ShouldContain(e => e.Field == nameof(ClinicalRecord.DeletionReason) && e.NewValue == "Entered in the wrong site");
            deletion.ShouldAllBe(e => e.Reason == "Entered in the wrong site");
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Save_StaleCopy_GetsAConcurrencyConflict(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var (_, patientId) = await SeedAsync(database, TimeProvider.System);
        await using var first = database.Open("first");
        await using var second = database.Open("second");
        var mine = await first.Patients.SingleAsync(p => p.Id == patientId, Token);
        var theirs = await second.Patients.SingleAsync(p => p.Id == patientId, Token);

        mine.ConsentVersion = "2.0";
        first.ChangeReason = "Re-consented on version 2.0";
        await first.SaveChangesAsync(Token);
        theirs.ConsentVersion = "1.1";
        second.ChangeReason = "Stale edit";

        await Should.ThrowAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(Token));
        await using var check = database.Open();
        (await check.Patients.SingleAsync(Token)).ConsentVersion.ShouldBe("2.0");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Verify_AuditRowEditedWithRawSql_ReportsTheFirstBrokenLink(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var (_, patientId) = await SeedAsync(database, TimeProvider.System);
        await using (var db = database.Open("bob"))
        {
            var patient = await db.Patients.SingleAsync(p => p.Id == patientId, Token);
            patient.BirthYear = 1961;
            db.ChangeReason = "Correction";
            await db.SaveChangesAsync(Token);
        }

        await using (var db = database.Open())
        {
            (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
            await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET new_value = '1975' WHERE sequence = 3", Token);
        }

        await using (var db = database.Open())
        {
            var result = await AuditChain.VerifyAsync(db, Token);
            result.IsIntact.ShouldBeFalse();
            result.Break!.Sequence.ShouldBe(3);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Verify_AuditRowDeletedWithRawSql_ReportsTheGap(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await SeedAsync(database, TimeProvider.System);
        await using (var db = database.Open())
        {
            db.Sites.Add(new Site { Id = Guid.NewGuid(), Code = "S02", Name = "Site two" });
            await db.SaveChangesAsync(Token);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE sequence = 2", Token);
        }

        await using (var db = database.Open())
        {
            var result = await AuditChain.VerifyAsync(db, Token);
            result.Break.ShouldNotBeNull();
            result.Break.Sequence.ShouldBe(3);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task SaveChanges_Synchronous_ChainsLikeTheAsyncPath(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await SeedAsync(database, TimeProvider.System);
        using (var db = database.Open("sync"))
        {
            db.Sites.Add(new Site { Id = Guid.NewGuid(), Code = "S02", Name = "Site two" });
            db.SaveChanges();
        }

        await using var check = database.Open();
        var result = await AuditChain.VerifyAsync(check, Token);
        result.IsIntact.ShouldBeTrue();
        result.Entries.ShouldBe(3);
    }

    [Fact]
    public void ComputeHash_AnyFieldChanged_ChangesTheHash()
    {
        var entry = new AuditEntry
        {
            Sequence = 7,
            Timestamp = DateTimeOffset.UnixEpoch,
            UserName = "u",
            Action = "update",
            Entity = "Patient",
            EntityKey = "k",
            Field = "BirthYear",
            OldValue = "1960",
            NewValue = "1961",
            Reason = "r",
            PreviousHash = AuditChain.Genesis,
        };
        var original = AuditChain.ComputeHash(entry);

        // Moving text between adjacent fields must not collide (length-prefixed serialisation).
        AuditChain.ComputeHash(new AuditEntry
        {
            Sequence = 7,
            Timestamp = DateTimeOffset.UnixEpoch,
            UserName = "u",
            Action = "update",
            Entity = "Patient",
            EntityKey = "k",
            Field = "BirthYear",
            OldValue = "19601",
            NewValue = "961",
            Reason = "r",
            PreviousHash = AuditChain.Genesis,
        }).ShouldNotBe(original);
        AuditChain.ComputeHash(new AuditEntry
        {
            Sequence = 7,
            Timestamp = DateTimeOffset.UnixEpoch,
            UserName = "u",
            Action = "update",
            Entity = "Patient",
            EntityKey = "k",
            Field = "BirthYear",
            OldValue = "1960",
            NewValue = "1961",
            Reason = null,
            PreviousHash = AuditChain.Genesis,
        }).ShouldNotBe(original);
        original.Length.ShouldBe(64);
    }
}
