// Source: issue #16 "Lots and custody (which hospital received which lot, when) are visible across sites: a site sees
// its own lots, the cell lab sees what it released, with the same 404 as other cross-site records." A lot belongs to a
// site (CellLotRecord.SiteId); AccessQueries.LotsFor is the one rule; the use cases refuse another site's lot (CTD015).
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Demo;
using Stroma.Data.Export;
using Stroma.Data.Model;

namespace Stroma.Data.Tests;

public sealed class LotSiteTests
{
    private static readonly DateOnly Made = new(2024, 1, 10);
    private static readonly DateOnly Expires = new(2099, 12, 31);
    private static readonly DateOnly Today = new(2024, 6, 1);

    private static async Task<UserAccess> UserAsync(StromaDbContext db, string name, string site, SiteRole role)
    {
        var user = new User { Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name };
        db.Users.Add(user);
        db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, SiteId = db.Sites.Single(s => s.Code == site).Id, Role = role, StartDate = new DateOnly(2024, 1, 1) });
        await db.SaveChangesAsync();
        return await UserAccess.LoadAsync(db, name, Today);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Register_NoSiteOrUnknownSite_RefusedDat001_NothingWritten(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open();
        CellTherapyFixture.Site(db, "S01");
        await db.SaveChangesAsync();

        var none = await Lots.RegisterAsync(db, CellTherapyFixture.Lot("UC-1", Made, Expires), " ");
        var unknown = await Lots.RegisterAsync(db, CellTherapyFixture.Lot("UC-1", Made, Expires), "NOPE");
        var known = await Lots.RegisterAsync(db, CellTherapyFixture.Lot("UC-1", Made, Expires), "s01");

        none.Issues.ShouldContain(i => i.Code == IssueCodes.UnknownSite && i.Path == "site");
        unknown.Issues.ShouldContain(i => i.Code == IssueCodes.UnknownSite && i.Message.Contains("NOPE", StringComparison.Ordinal));
        known.Succeeded.ShouldBeTrue();
        (await db.CellLots.SingleAsync()).SiteId.ShouldBe((await db.Sites.SingleAsync()).Id);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LotsFor_SiteSeesItsOwn_QaAlsoWhatTheySigned_OthersNothing(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open();
        await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("A-LOT", Made, Expires), new DateTimeOffset(2024, 1, 20, 8, 0, 0, TimeSpan.Zero), "A");
        var bLot = await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("B-LOT", Made, Expires), new DateTimeOffset(2024, 1, 20, 8, 0, 0, TimeSpan.Zero), "B");
        (await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("B-QUARANTINE", Made, Expires), siteCode: "B")).Succeeded.ShouldBeTrue();

        var coordinatorA = await UserAsync(db, "coord.a", "A", SiteRole.Coordinator);
        var qaA = await UserAsync(db, "qa.a", "A", SiteRole.CellLabQa);
        // qa.lee signed both releases (the fixture's signer) and is cell-lab QA at A only.
        var signer = await UserAsync(db, "qa.lee", "A", SiteRole.CellLabQa);
        var statistician = await UserAsync(db, "stat.a", "A", SiteRole.Statistician);

        (await db.LotsFor(coordinatorA).Select(l => l.LotNumber).ToListAsync()).ShouldBe(["A-LOT"]);
        (await db.LotsFor(qaA).Select(l => l.LotNumber).ToListAsync()).ShouldBe(["A-LOT"]);
        (await db.LotsFor(signer).Select(l => l.LotNumber).OrderBy(n => n).ToListAsync()).ShouldBe(["A-LOT", "B-LOT"]);
        (await db.LotsFor(statistician).CountAsync()).ShouldBe(0);
        (await db.LotsFor(UserAccess.None).CountAsync()).ShouldBe(0);
        // Seeing a lot one signed does not make it one's own to manage.
        signer.Can(Capability.ManageLots, bLot.SiteId).ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infuse_LotOfAnotherSite_RefusedCtd015_NothingWritten(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(clock: ManualClock.At("2024-03-01T12:00:00Z"));
        await CellTherapyFixture.PatientAsync(db, "A-001", "A");
        await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("B-LOT", Made, Expires), new DateTimeOffset(2024, 1, 20, 8, 0, 0, TimeSpan.Zero), "B");
        var day0 = new DateOnly(2024, 3, 1);
        (await Enrolments.EnrolAsync(db, "A-001", ProtocolTemplates.SeedCase1Key, new EnrolmentRequest(day0, Consent: new ConsentRecord(day0.AddDays(-10), "1")))).Succeeded.ShouldBeTrue();

        var start = new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));
        var refused = await Infusions.RecordAsync(db, new InfusionRequest("A-001", "B-LOT", "administration_1", "msc", start, start.AddMinutes(30),
            5e7m, null, null, [], [], [], []));
        var custody = await Lots.RecordCustodyAsync(db, "B-LOT", new CustodyEvent(CustodyEventKind.Administered, start, "Ward A", "nurse"), "A-001");

        refused.Succeeded.ShouldBeFalse();
        refused.Issues.ShouldContain(i => i.Code == IssueCodes.LotOfAnotherSite && i.Path == "lot" && i.Message.Contains("site B", StringComparison.Ordinal));
        custody.Issues.ShouldContain(i => i.Code == IssueCodes.LotOfAnotherSite && i.Path == "patient");
        (await db.Infusions.CountAsync()).ShouldBe(0);
        (await db.CustodyEvents.CountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CsvExport_NarrowedToASite_HoldsThatSitesLotsOnly(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 6, Seed: 3), TestContext.Current.CancellationToken);
        }

        string site;
        List<string> expected;
        await using (var db = database.Open())
        {
            site = await db.Sites.OrderBy(s => s.Code).Select(s => s.Code).FirstAsync();
            expected = await db.CellLots.Where(l => l.Site!.Code == site).Select(l => l.LotNumber).OrderBy(n => n).ToListAsync();
            (await db.CellLots.CountAsync()).ShouldBeGreaterThan(expected.Count);
        }

        var folder = Directory.CreateTempSubdirectory("stroma-export-").FullName;
        try
        {
            await CsvExport.WriteAsync(database.Configuration, folder, new CsvExportOptions([site]), TestContext.Current.CancellationToken);
            var lines = File.ReadAllLines(Path.Combine(folder, "cell_lots.csv"));
            var column = Array.IndexOf(lines[0].Split(','), "lot_number");
            expected.ShouldNotBeEmpty();
            lines.Skip(1).Select(l => l.Split(',')[column]).Order(StringComparer.Ordinal).ShouldBe(expected);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Migration_ExistingLots_TakeTheSiteOfTheirRecipients_OthersTheFirstSite(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        Dictionary<string, (Guid Site, bool Received)> before;
        Guid firstSite;
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 6, Seed: 3), TestContext.Current.CancellationToken);
            before = await db.CellLots.ToDictionaryAsync(l => l.LotNumber, l => (l.SiteId, db.Infusions.Any(i => i.LotId == l.Id)));
            firstSite = await db.Sites.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync();

            // Back to the schema before lots had a site (the column and its values go), then forward again.
            var migrator = db.GetService<IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            var previous = migrations[migrations.FindIndex(m => m.EndsWith("_LotSiteAndMedicationVisit", StringComparison.Ordinal)) - 1];
            await migrator.MigrateAsync(previous);
            await migrator.MigrateAsync();
        }

        await using (var db = database.Open())
        {
            var after = await db.CellLots.ToDictionaryAsync(l => l.LotNumber, l => l.SiteId);
            after.Count.ShouldBe(before.Count);
            before.Values.ShouldContain(v => v.Received);
            before.Values.ShouldContain(v => !v.Received);
            foreach (var (number, (site, received)) in before)
            {
                after[number].ShouldBe(received ? site : firstSite, number);
            }
        }
    }
}
