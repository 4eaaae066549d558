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

    /// <summary>
    /// Issue #16: lots registered before lots belonged to a site (one inserted through the model, whose insert entry has no
    /// site, and two bulk rows, whose recorded digest has none) get their site from the migration; the ledger check then
    /// finds it on no entry until <see cref="Audit.LotSiteUpgrade"/> appends one entry per lot (actor "system: migration",
    /// reason naming the migration). Stroma's migrate runs it with the marker migration; a second run adds nothing.
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Upgrade_LotsFromBeforeLotSites_SitesOnTheAuditTrailAndTheLedgerHolds(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var written = DateTimeOffset.Parse("2024-01-10T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        string previous;
        await using (var db = database.Open("cell.lab"))
        {
            var first = CellTherapyFixture.Site(db, "A01");
            CellTherapyFixture.Site(db, "B01");
            await db.SaveChangesAsync();

            // Written as the registry wrote lots before they had a site: no site on the trail.
            db.BypassAudit = true;
            var entityType = db.Model.FindEntityType(typeof(CellLotRecord))!;
            CellLotRecord Lot(string number, DateTimeOffset created) => new()
            {
                Id = Guid.CreateVersion7(),
                SiteId = first.Id,
                LotNumber = number,
                ProductType = CellProductType.UmbilicalCordMsc,
                DonorPseudonym = "D-0001",
                TissueSource = "umbilical cord",
                ManufacturingSite = "Demo GMP facility",
                ManufacturedOn = Made,
                Passage = 4,
                TotalCells = 2e8m,
                CellsPerMillilitre = 2e6m,
                ViabilityPercent = 95m,
                VolumeMillilitres = 100m,
                Storage = StorageCondition.Cryopreserved,
                StorageLocation = "LN2 tank 1",
                ExpiresOn = Expires,
                Version = 1,
                CreatedAt = created,
                CreatedBy = "cell.lab",
            };
            var modelLot = Lot("UC-OLD-1", written);
            var bulkLots = new[] { Lot("UC-OLD-2", written.AddHours(1)), Lot("UC-OLD-3", written.AddHours(1)) };
            db.CellLots.AddRange([modelLot, .. bulkLots]);
            await db.SaveChangesAsync();
            var fields = Audit.LedgerCheck.Fields(entityType).Where(p => p.Name != nameof(CellLotRecord.SiteId)).ToList();
            var snapshot = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (var p in fields.Where(p => p.Name is not (nameof(TrackedRecord.Version) or nameof(TrackedRecord.CreatedAt) or nameof(TrackedRecord.CreatedBy)
                         or nameof(TrackedRecord.UpdatedAt) or nameof(TrackedRecord.UpdatedBy))))
            {
                snapshot[p.Name] = Audit.LedgerCheck.Audited(p, modelLot);
            }

            var insert = new Audit.AuditEntry
            {
                Timestamp = written,
                UserName = "cell.lab",
                Action = "insert",
                Entity = nameof(CellLotRecord),
                EntityKey = modelLot.Id.ToString("D"),
                Field = "*",
                NewValue = System.Text.Json.JsonSerializer.Serialize(snapshot),
            };
            var (sequence, hash) = await Audit.AuditAppendLock.LockHeadAsync(db, TestContext.Current.CancellationToken);
            Audit.AuditChain.Link([insert], sequence, hash);
            db.AuditEntries.Add(insert);
            await db.SaveChangesAsync();
            var digest = bulkLots.Aggregate(Audit.LedgerDigest.Empty, (sum, lot) => sum + Audit.LedgerDigest.OfRow(nameof(CellLotRecord),
                fields.Select(p => KeyValuePair.Create(p.Name, Audit.LedgerCheck.Audited(p, lot)))));
            db.BypassAudit = false;
            await Audit.AuditTrail.AppendBatchAsync(db, nameof(CellLotRecord), "bulk lots", new Dictionary<string, object?>
            {
                ["ledger"] = digest.ToBatch(written.AddHours(1)),
            });

            // Back to the schema before lots had a site, and forward by EF alone (the migration fills the sites).
            var migrator = db.GetService<IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            previous = migrations[migrations.FindIndex(m => m.EndsWith("_LotSiteAndMedicationVisit", StringComparison.Ordinal)) - 1];
            await migrator.MigrateAsync(previous);
            await migrator.MigrateAsync();
        }

        var differences = new List<Audit.LedgerDifference>();
        await Audit.LedgerCheck.RunAsync(database.Configuration, differences.Add);
        differences.ShouldNotBeEmpty("without the step the filled sites are on no entry");

        // Stroma's migrate: the marker migration pending runs the step.
        await using (var db = database.Open())
        {
            var migrations = db.Database.GetMigrations().ToList();
            await db.GetService<IMigrator>().MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith(Audit.LotSiteUpgrade.MarkerMigration, StringComparison.Ordinal)) - 1]);
        }

        (await StromaDatabase.MigrateAsync(database.Configuration)).ShouldContain(m => m.EndsWith(Audit.LotSiteUpgrade.MarkerMigration, StringComparison.Ordinal));

        differences.Clear();
        var summary = await Audit.LedgerCheck.RunAsync(database.Configuration, differences.Add);
        differences.ShouldBeEmpty();
        summary.Holds.ShouldBeTrue();
        await using (var db = database.Open())
        {
            (await Audit.AuditChain.VerifyAsync(db)).Break.ShouldBeNull();
            var first = await db.Sites.Where(s => s.Code == "A01").Select(s => s.Id).SingleAsync();
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Entity == nameof(CellLotRecord) && e.Field == nameof(CellLotRecord.SiteId)).ToListAsync();
            entries.Count.ShouldBe(3);
            entries.ShouldAllBe(e => e.UserName == Audit.LotSiteUpgrade.Actor && e.Action == "update" && e.OldValue == null
                && e.NewValue == first.ToString("D") && e.Reason!.Contains("LotSiteAndMedicationVisit"));

            // A lot registered since has its site on its insert entry: a second run adds nothing.
            (await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("UC-NEW-1", Made, Expires), siteCode: "B01")).Succeeded.ShouldBeTrue();
        }

        (await Audit.LotSiteUpgrade.RunAsync(database.Configuration)).ShouldBe(0);
    }
}
