// Source: issue #5 (both engines, two migration sets, no pending model changes) and CONVENTIONS.md "Data".
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class ModelTests
{
    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public async Task Model_ComparedWithMigrations_HasNoPendingChanges(DatabaseEngine engine)
    {
        // Needs no server: compares the model with the engine's migration snapshot.
        var configuration = engine == DatabaseEngine.Sqlite
            ? DataConfiguration.Parse(Path.Combine(Path.GetTempPath(), "stroma-never-opened.db"))
            : DataConfiguration.Parse("Host=127.0.0.1;Database=never_opened");
        await using var db = StromaDatabase.CreateContext(configuration);

        db.Database.HasPendingModelChanges().ShouldBeFalse(
            $"the model changed without a migration: run dotnet ef migrations add <Name> --context {db.GetType().Name}");
        db.Database.GetMigrations().ShouldNotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Migrate_FreshDatabase_CreatesEveryTableAndRoundTripsAPatient(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = ManualClock.At("2026-11-25T10:00:00Z");
        var site = new Site { Id = Guid.NewGuid(), Code = "S01", Name = "Site one", Country = "CN" };
        var patient = new Patient
        {
            Id = Guid.NewGuid(),
            SiteId = site.Id,
            StudyId = "S01-001",
            Sex = Sex.Female,
            BirthYear = 1970,
            ConsentVersion = "1.0",
            ConsentDate = new DateOnly(2017, 7, 1),
        };
        await using (var db = database.Open(clock: clock))
        {
            db.AddRange(site, patient);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var db = database.Open())
        {
            var stored = await db.Patients.SingleAsync(p => p.StudyId == "S01-001", TestContext.Current.CancellationToken);
            stored.ConsentDate.ShouldBe(new DateOnly(2017, 7, 1));
            stored.CreatedAt.ShouldBe(clock.Now);
            stored.CreatedBy.ShouldBe("tester");
            stored.Version.ShouldBe(1);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Save_InstantWithOffsetAndTicks_IsStoredInUtcToTheMicrosecond(DatabaseEngine engine)
    {
        // The one converter (StoredInstant) replaces the truncation each feature used to write by hand.
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = ManualClock.At("2026-11-25T10:00:00.1234567Z");
        var site = new Site { Id = Guid.NewGuid(), Code = "S01", Name = "Site one" };
        var patient = new Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = "S01-001" };
        var visit = new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2026, 11, 25), Type = "baseline" };
        visit.SignedAt = DateTimeOffset.Parse("2026-11-25T18:00:00.9876543+08:00", global::System.Globalization.CultureInfo.InvariantCulture);
        await using (var db = database.Open(clock: clock))
        {
            db.AddRange(site, patient, visit);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using (var db = database.Open())
        {
            var stored = await db.Visits.SingleAsync(v => v.Id == visit.Id, TestContext.Current.CancellationToken);
            stored.SignedAt.ShouldBe(DateTimeOffset.Parse("2026-11-25T10:00:00.987654Z", global::System.Globalization.CultureInfo.InvariantCulture));
            stored.SignedAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
            stored.CreatedAt.ShouldBe(DateTimeOffset.Parse("2026-11-25T10:00:00.123456Z", global::System.Globalization.CultureInfo.InvariantCulture));
            (await AuditChain.VerifyAsync(db, TestContext.Current.CancellationToken)).IsIntact.ShouldBeTrue();
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task StudyId_DuplicateWithinSite_IsRejected(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open();
        var site = new Site { Id = Guid.NewGuid(), Code = "S01", Name = "Site one" };
        db.AddRange(site,
            new Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = "S01-001" },
            new Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = "S01-001" });

        await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Parse_ConnectionStringWithHost_SelectsPostgres()
    {
        DataConfiguration.Parse("Host=db;Database=stroma;Username=u").Engine.ShouldBe(DatabaseEngine.Postgres);
        DataConfiguration.Parse("/var/lib/stroma/registry.db").Engine.ShouldBe(DatabaseEngine.Sqlite);
        DataConfiguration.Parse("Data Source=x.db").Engine.ShouldBe(DatabaseEngine.Sqlite);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LabResults_Migrated_HaveOnlyTheIndexesQueriesUseAndKeepTheLaboratoryForeignKey(DatabaseEngine engine)
    {
        // Issue #22: lab_results is indexed for the queries that read it (primary key, the natural key, the report's
        // path, the visit) and nothing else; the laboratory's foreign key stays a constraint without an index.
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = engine == DatabaseEngine.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lab_results' AND sql IS NOT NULL ORDER BY name"
            : "SELECT indexname FROM pg_indexes WHERE tablename = 'lab_results' AND indexname NOT LIKE 'pk_%' ORDER BY indexname";
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        names.ShouldBe(["IX_lab_results_patient_id_analyte_specimen_time", "IX_lab_results_report", "IX_lab_results_visit_id"]);

        var site = new Site { Id = Guid.NewGuid(), Code = "S01", Name = "Site one", Country = "CN" };
        var patient = new Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = "S01-001", Sex = Sex.Female, BirthYear = 1970, ConsentVersion = "1.0", ConsentDate = new DateOnly(2017, 7, 1) };
        db.AddRange(site, patient);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        db.LabResults.Add(new LabResult
        {
            Id = Guid.NewGuid(),
            PatientId = patient.Id,
            LaboratoryId = Guid.NewGuid(),
            Analyte = "creatinine",
            SpecimenTime = DateTimeOffset.Parse("2026-11-25T08:00:00Z", global::System.Globalization.CultureInfo.InvariantCulture),
            ReportedValue = "80",
        });
        await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync(TestContext.Current.CancellationToken));
    }
}
