// Source: issue #21 "Reliability": data changed straight in the database, with no audit entry, is detected by the
// ledger check (an UPDATE of a lab value, a changed adverse-event grade, a hard DELETE of bulk-imported lab rows),
// and an untouched registry passes.
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Demo;
using Stroma.Data.Labs;
using Stroma.Data.Model;

namespace Stroma.Data.Tests;

public sealed class LedgerCheckTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> DemoAsync(DatabaseEngine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("demo");
        await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 6, Seed: 3), Token);
        return database;
    }

    private static async Task<(LedgerSummary Summary, List<LedgerDifference> Differences)> CheckAsync(TestDatabase database)
    {
        var differences = new List<LedgerDifference>();
        var summary = await LedgerCheck.RunAsync(database.Configuration, differences.Add, Token);
        return (summary, differences);
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using var db = database.Open();
        await db.Database.ExecuteSqlRawAsync(sql, Token);
    }

    private static async Task<LabImportResult> ImportAsync(TestDatabase database, params string[] rows)
    {
        await using var db = database.Open("importer");
        var csv = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n" + string.Join("\n", rows) + "\n";
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        using var rejects = new StringWriter();
        return await LabImport.RunAsync(db, input, "labs.csv", rejects, ReportedUnitNormaliser.Instance, false, null, Token);
    }

    private static async Task<LabImportResult> ImportAsync(TestDatabase database, TimeProvider clock, string[] rows)
    {
        await using var db = database.Open("importer", clock);
        var csv = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n" + string.Join("\n", rows) + "\n";
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        using var rejects = new StringWriter();
        return await LabImport.RunAsync(db, input, "labs.csv", rejects, ReportedUnitNormaliser.Instance, false, null, Token);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_UntouchedDemoRegistry_Holds(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);

        var (summary, differences) = await CheckAsync(database);

        differences.ShouldBeEmpty();
        summary.Holds.ShouldBeTrue();
        summary.BulkRows.ShouldBe(summary.Records);
        summary.Records.ShouldBeGreaterThan(100);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_ChangesThroughTheModel_Hold(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);
        (await ImportAsync(database, "S1,S1-001,,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00Z")).Inserted.ShouldBe(1);
        // The same file again: every row a duplicate, nothing written, and still covered.
        (await ImportAsync(database, "S1,S1-001,,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00Z")).Duplicates.ShouldBe(1);
        await using (var db = database.Open("editor"))
        {
            var bulk = await db.LabResults.Where(l => l.Analyte == "creatinine").OrderBy(l => l.Id).FirstAsync(Token);
            bulk.ReportedValue = "77";
            var imported = await db.LabResults.SingleAsync(l => l.Analyte == "ferritin", Token);
            db.MarkDeleted(imported, "Entered for the wrong patient");
            var patient = await db.Patients.FirstAsync(Token);
            db.LabResults.Add(new LabResult { Id = Guid.NewGuid(), PatientId = patient.Id, Analyte = "c3", SpecimenTime = DateTimeOffset.UnixEpoch, ReportedValue = "0.8" });
            db.ChangeReason = "Corrected from the laboratory's report";
            await db.SaveChangesAsync(Token);
        }

        var (summary, differences) = await CheckAsync(database);

        differences.ShouldBeEmpty();
        summary.Holds.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_LabValueUpdatedWithoutAudit_ReportsRecordFieldStoredAndAudited(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);
        Guid id;
        await using (var db = database.Open("editor"))
        {
            var patient = await db.Patients.FirstAsync(Token);
            var lab = new LabResult { Id = Guid.NewGuid(), PatientId = patient.Id, Analyte = "c3", SpecimenTime = DateTimeOffset.UnixEpoch, ReportedValue = "0.817", NormalisedValue = 0.817m };
            db.LabResults.Add(lab);
            await db.SaveChangesAsync(Token);
            id = lab.Id;
        }

        await ExecuteAsync(database, "UPDATE lab_results SET reported_value = '1.817', normalised_value = 1.817 WHERE reported_value = '0.817'");
        var (summary, differences) = await CheckAsync(database);

        summary.Holds.ShouldBeFalse();
        differences.OrderBy(d => d.Field, StringComparer.Ordinal).ShouldBe(
        [
            new LedgerDifference("lab_results", id.ToString(), nameof(LabResult.NormalisedValue), "1.817", "0.817"),
            new LedgerDifference("lab_results", id.ToString(), nameof(LabResult.ReportedValue), "1.817", "0.817"),
        ]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_BulkLabValueUpdatedWithoutAudit_ReportsItsBulkWrite(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);
        await ExecuteAsync(database,
            "UPDATE lab_results SET reported_value = reported_value || '0' WHERE id = (SELECT id FROM lab_results WHERE analyte = 'creatinine' ORDER BY id LIMIT 1)");
        var (_, differences) = await CheckAsync(database);

        var difference = differences.ShouldHaveSingleItem();
        difference.Table.ShouldBe("lab_results");
        difference.Key.ShouldStartWith("bulk rows created ");
        difference.Stored!.ShouldStartWith($"{difference.Audited!.Split(' ')[0]} rows");
        difference.Stored.ShouldNotBe(difference.Audited);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_AdverseEventGradesChangedWithoutAudit_AreReported(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);
        Guid id;
        await using (var db = database.Open("editor"))
        {
            var patient = await db.Patients.FirstAsync(Token);
            var ae = new AdverseEvent { Id = Guid.NewGuid(), PatientId = patient.Id, Term = "fever", OnsetDate = new DateOnly(2025, 1, 2), CtcaeGrade = 1 };
            db.AdverseEvents.Add(ae);
            await db.SaveChangesAsync(Token);
            id = ae.Id;
        }

        await ExecuteAsync(database, "UPDATE adverse_events SET ctcae_grade = 5");
        var (_, differences) = await CheckAsync(database);

        differences.ShouldContain(new LedgerDifference("adverse_events", id.ToString(), nameof(AdverseEvent.CtcaeGrade), "5", "1"));
        differences.ShouldContain(d => d.Table == "adverse_events" && d.Key.StartsWith("bulk rows created ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_BulkImportedLabRowsHardDeleted_AreReported(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);
        var result = await ImportAsync(database,
            "S1,S1-001,,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00Z",
            "S1,S1-001,,ferritin,45,ug/L,13-150,,2025-02-05T08:30:00Z",
            "S2,S2-002,,ferritin,12,ug/L,13-150,,2025-01-05T08:30:00Z");
        result.Inserted.ShouldBe(3);
        (await CheckAsync(database)).Summary.Holds.ShouldBeTrue();

        await ExecuteAsync(database, "DELETE FROM lab_results WHERE analyte = 'ferritin' AND reported_value <> '45'");
        var (_, differences) = await CheckAsync(database);

        var difference = differences.ShouldHaveSingleItem();
        difference.Table.ShouldBe("lab_results");
        difference.Stored!.ShouldStartWith("1 rows");
        difference.Audited!.ShouldStartWith("3 rows");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_RecordHardDeleted_ReportsItsKey(DatabaseEngine engine)
    {
        await using var database = await DemoAsync(engine);
        Guid id;
        await using (var db = database.Open("editor"))
        {
            var patient = await db.Patients.FirstAsync(Token);
            var ae = new AdverseEvent { Id = Guid.NewGuid(), PatientId = patient.Id, Term = "rash", OnsetDate = new DateOnly(2025, 1, 2), CtcaeGrade = 2 };
            db.AdverseEvents.Add(ae);
            await db.SaveChangesAsync(Token);
            id = ae.Id;
        }

        await ExecuteAsync(database, "DELETE FROM adverse_events WHERE term = 'rash'");
        var (_, differences) = await CheckAsync(database);

        differences.ShouldBe([new LedgerDifference("adverse_events", id.ToString(), "*", "(no row)", "(row)")]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Import_DigestTakenAsRowsAreWritten_EqualsTheStoredRowsDigestOnEveryPathAndTamperingIsReported(DatabaseEngine engine)
    {
        // Issue #22: the import sums its rows' digests as it writes them instead of reading them back. On every write
        // path (PostgreSQL: straight COPY; staging after a stored key turns up late; staging at once for a re-import;
        // SQLite: one path) the recorded digest must equal what the stored rows give, which is what
        // `audit verify --data` recomputes. Sub-microsecond clock ticks check that instants are digested as stored.
        await using var database = await DemoAsync(engine);
        var clock = ManualClock.At("2026-03-01T10:00:00.1234567Z");
        var stored = "S1,S1-001,,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00Z";
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var many = Enumerable.Range(0, 1500)
            .Select(i => $"S1,S1-001,,ferritin,{i % 200}.5,ug/L,13-150,,{start.AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ}")
            .Append("S2,S2-002,,creatinine,80,umol/L,,,2024-06-01T08:00:00Z")
            .Append("S2,S2-002,,creatinine,80,umol/L,,,2024-06-01T08:00:00Z") // the same row twice in the file
            .Append(stored) // stored by the first import, found after the first batch
            .ToArray();
        string[][] files = [[stored, "S2,S2-002,,ferritin,12,ug/L,13-150,,2025-01-05T08:30:00Z"], many, many];
        var expected = new List<(long Inserted, DateTimeOffset At)>();
        foreach (var rows in files)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var result = await ImportAsync(database, clock, rows);
            expected.Add((result.Inserted, clock.Now));
        }

        expected.Select(e => e.Inserted).ShouldBe(new long[] { 2, 1501, 0 });
        await using (var db = database.Open())
        {
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "import" && e.Entity == nameof(LabResult))
                .OrderByDescending(e => e.Sequence).Take(3).Select(e => e.NewValue!).ToListAsync(Token);
            entries.Reverse();
            for (var i = 0; i < expected.Count; i++)
            {
                using var entry = JsonDocument.Parse(entries[i]);
                var recorded = entry.RootElement.GetProperty("ledger").Deserialize<LedgerBatch>()!;
                var storedDigest = await LedgerDigest.OfStoredVersion7Async<LabResult>(db, expected[i].At, Token);
                recorded.Rows.ShouldBe(expected[i].Inserted);
                recorded.ShouldBe(storedDigest.ToBatch(expected[i].At));
            }
        }

        (await CheckAsync(database)).Differences.ShouldBeEmpty();
        await ExecuteAsync(database, "UPDATE lab_results SET reported_value = '999.5' WHERE analyte = 'ferritin' AND reported_value = '7.5'");
        var (summary, differences) = await CheckAsync(database);

        summary.Holds.ShouldBeFalse();
        var difference = differences.ShouldHaveSingleItem();
        difference.Table.ShouldBe("lab_results");
        difference.Stored!.ShouldStartWith("1501 rows");
        difference.Audited!.ShouldStartWith("1501 rows");
        difference.Stored.ShouldNotBe(difference.Audited);
    }

    [Fact]
    public void Digest_SumOfParts_EqualsDigestOfWholeInAnyOrder()
    {
        var a = LedgerDigest.OfRow("LabResult", [KeyValuePair.Create("Id", (string?)"a")]);
        var b = LedgerDigest.OfRow("LabResult", [KeyValuePair.Create("Id", (string?)"b")]);
        var c = LedgerDigest.OfRow("LabResult", [KeyValuePair.Create("Id", (string?)"c")]);

        ((a + b) + c).ShouldBe(c + (b + a));
        ((a + b + c) - b).ShouldBe(a + c);
        (a + b).ShouldNotBe(a + c);
        LedgerDigest.Parse(3, (a + b + c).Hex).ShouldBe(a + b + c);
    }
}
