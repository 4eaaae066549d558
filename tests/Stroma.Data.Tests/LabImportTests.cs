// Source: issue #5 "Bulk paths": stroma import labs (reject file, all-or-nothing unless --partial, natural key).
using System.Text;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Demo;
using Stroma.Data.Labs;
using LabFlag = Stroma.Clinical.Labs.LabFlag;

namespace Stroma.Data.Tests;

public sealed class LabImportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(TestDatabase Database, string VisitDate)> RegistryAsync(DatabaseEngine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("demo");
        await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 1, IncludeSeedCases: false), Token);
        var date = await db.Visits.Where(v => v.Patient!.StudyId == "S1-001" && v.Type == "month_3").Select(v => v.VisitDate).SingleAsync(Token);
        return (database, date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<(LabImportResult Result, string Rejects)> ImportAsync(TestDatabase database, string csv, bool partial = false)
    {
        await using var db = database.Open("importer");
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        using var rejects = new StringWriter();
        var result = await LabImport.RunAsync(db, input, "labs.csv", rejects, ReportedUnitNormaliser.Instance, partial, null, Token);
        return (result, rejects.ToString());
    }

    private static string File(string visitDate, params string[] rows) =>
        "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n" + string.Join("\n", rows.Select(r => r.Replace("{date}", visitDate, StringComparison.Ordinal))) + "\n";

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_ValidRows_StoresThemAsReportedWithFlagAndOneAuditEntry(DatabaseEngine engine)
    {
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var (result, _) = await ImportAsync(database, File(date,
            "S1,S1-001,{date},ferritin,412.5,ug/L,13-150,LAB,2025-01-05T08:30:00+08:00",
            "S1,S1-001,,ferritin,\"<5\",ug/L,13-150,LAB,2025-02-05T08:30:00Z"));

        result.ShouldBe(new LabImportResult(2, 2, 0, 0, true));
        await using var db = database.Open();
        var stored = await db.LabResults.Where(l => l.Analyte == "ferritin").ToListAsync(Token);
        var first = stored.Single(l => l.ReportedValue == "412.5");
        first.SpecimenTime.ShouldBe(new DateTimeOffset(2025, 1, 5, 0, 30, 0, TimeSpan.Zero));
        first.NormalisedValue.ShouldBe(412.5m);
        first.Flag.ShouldBe(LabFlag.High);
        first.VisitId.ShouldNotBeNull();
        first.CreatedBy.ShouldBe("importer");
        stored.Single(l => l.ReportedValue == "<5").NormalisedValue.ShouldBeNull();
        var audit = await db.AuditEntries.OrderBy(e => e.Sequence).LastAsync(Token);
        audit.Action.ShouldBe("import");
        audit.NewValue!.ShouldContain("\"inserted\":2");
        (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_OnlySite_RowsOfOtherSitesRejectedByField_NeverWritten(DatabaseEngine engine)
    {
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var sink = new List<LabImportReject>();
        LabImportResult result;
        await using (var db = database.Open("importer"))
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(File(date,
                "S1,S1-001,,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00+08:00",
                "S2,S2-002,,ferritin,12,ug/L,13-150,,2025-01-05T08:30:00+08:00",
                "S1,S2-002,,ferritin,12,ug/L,13-150,,2025-01-05T08:30:00+08:00")));
            result = await LabImport.RunAsync(db, input, "labs.csv", TextWriter.Null, ReportedUnitNormaliser.Instance,
                new LabImportOptions { Partial = true, OnlySite = "S1", Rejects = sink }, null, Token);
        }

        result.ShouldBe(new LabImportResult(3, 1, 0, 2, true));
        sink.Select(r => (r.Line, r.Field, r.Value)).ShouldBe([(3L, "site", "S2"), (4L, "patient", "S2-002")]);
        await using var check = database.Open();
        (await check.LabResults.CountAsync(l => l.Analyte == "ferritin" && l.Patient!.StudyId == "S2-002", Token)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_SameFileTwice_AddsNoDuplicates(DatabaseEngine engine)
    {
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var file = File(date, "S1,S1-001,{date},ferritin,41,ug/L,13-150,,2025-01-05T08:30:00+08:00", "S2,S2-002,,ferritin,12,ug/L,13-150,,2025-01-05T08:30:00+08:00");

        (await ImportAsync(database, file)).Result.Inserted.ShouldBe(2);
        var again = (await ImportAsync(database, file)).Result;

        again.ShouldBe(new LabImportResult(2, 0, 2, 0, true));
        await using var db = database.Open();
        (await db.LabResults.CountAsync(l => l.Analyte == "ferritin", Token)).ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_RowsWithErrors_StoresNothingAndListsEveryReject(DatabaseEngine engine)
    {
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var file = File(date,
            "S1,S1-001,{date},ferritin,41,ug/L,13-150,,2025-01-05T08:30:00+08:00",
            "S9,S1-001,,ferritin,41,ug/L,,,2025-01-05T08:30:00Z",
            "S1,S1-999,,ferritin,41,ug/L,,,2025-01-05T08:30:00Z",
            "S1,S1-001,1999-01-01,ferritin,41,ug/L,,,2025-01-06T08:30:00Z",
            "S1,S1-001,,ferritin,forty,ug/L,,,2025-01-07T08:30:00Z",
            "S1,S1-001,,ferritin,41,ug/L,,,2025-01-08 08:30");

        var (result, rejects) = await ImportAsync(database, file);

        result.ShouldBe(new LabImportResult(6, 0, 0, 5, false));
        rejects.ShouldContain("DAT001");
        rejects.ShouldContain("DAT002");
        rejects.ShouldContain("DAT003");
        rejects.ShouldContain("INP003");
        rejects.ShouldContain("DAT005");
        rejects.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(6);
        await using var db = database.Open();
        (await db.LabResults.CountAsync(l => l.Analyte == "ferritin", Token)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_SpecimenTimeInTheFuture_RejectsTheRowWithRet001(DatabaseEngine engine)
    {
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var now = DateTimeOffset.UtcNow;
        var file = File(date,
            $"S1,S1-001,,ferritin,41,ug/L,13-150,,{now.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}",
            $"S1,S1-001,,ferritin,42,ug/L,13-150,,{now.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}");

        var (result, rejects) = await ImportAsync(database, file, partial: true);

        result.Inserted.ShouldBe(1);
        result.Rejected.ShouldBe(1);
        rejects.ShouldContain("RET001");
        rejects.ShouldContain("is in the future");
        await using var db = database.Open();
        (await db.LabResults.Where(l => l.Analyte == "ferritin").Select(l => l.ReportedValue).ToListAsync(Token)).ShouldBe(["41"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_Partial_StoresTheValidRows(DatabaseEngine engine)
    {
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var file = File(date, "S1,S1-001,{date},ferritin,41,ug/L,13-150,,2025-01-05T08:30:00+08:00", "S9,S1-001,,ferritin,41,ug/L,,,2025-01-05T08:30:00Z");

        var (result, _) = await ImportAsync(database, file, partial: true);

        result.ShouldBe(new LabImportResult(2, 1, 0, 1, true));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_SameRowTwiceInOneFile_StoresItOnce(DatabaseEngine engine)
    {
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var row = "S1,S1-001,,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00Z";

        var (result, _) = await ImportAsync(database, File(date, row, "S2,S2-002,,ferritin,12,ug/L,13-150,,2025-01-05T08:30:00Z", row));

        result.ShouldBe(new LabImportResult(3, 2, 1, 0, true));
        await using var db = database.Open();
        (await db.LabResults.CountAsync(l => l.Analyte == "ferritin", Token)).ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_StoredRowAfterManyNewOnes_SkipsItStoresTheRestAndListsEachRejectOnce(DatabaseEngine engine)
    {
        // The first batch is all new, so PostgreSQL copies straight into the table; the stored row comes later and
        // sends it back through the staging path (the file is read again; rejects must not be written twice).
        var (database, date) = await RegistryAsync(engine);
        await using var _ = database;
        var stored = "S1,S1-001,,ferritin,41,ug/L,13-150,,2025-01-05T08:30:00Z";
        (await ImportAsync(database, File(date, stored))).Result.Inserted.ShouldBe(1);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 3000)
            .Select(i => $"S1,S1-001,,ferritin,{i % 200},ug/L,13-150,,{start.AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ}")
            .Append("S9,S1-001,,ferritin,41,ug/L,,,2025-01-05T08:30:00Z")
            .Append(stored)
            .ToArray();

        var (result, rejects) = await ImportAsync(database, File(date, rows), partial: true);

        result.ShouldBe(new LabImportResult(3002, 3000, 1, 1, true));
        rejects.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        await using var db = database.Open();
        (await db.LabResults.CountAsync(l => l.Analyte == "ferritin", Token)).ShouldBe(3001);
        (await db.AuditEntries.OrderBy(e => e.Sequence).LastAsync(Token)).NewValue!.ShouldContain("\"inserted\":3000");
    }

    [Fact]
    public async Task Run_Sqlite_StoresTheSameTextAsEntityFramework()
    {
        // The SQLite fast path encodes values itself; they must match what EF Core (Microsoft.Data.Sqlite) stores, or
        // natural keys written one way would not match keys written the other way.
        var (database, date) = await RegistryAsync(DatabaseEngine.Sqlite);
        await using var _ = database;
        await ImportAsync(database, File(date,
            "S1,S1-001,{date},creatinine,123456.000123,umol/L,,,2025-01-05T08:30:00.1234567+08:00",
            "S1,S1-001,,creatinine,-12,umol/L,45-84,,2025-01-05T08:31:00Z",
            "S1,S1-001,,ferritin,\"<5\",ug/L,,,2025-01-05T08:32:00.5Z"));
        await using (var db = database.Open("ef"))
        {
            foreach (var imported in await db.LabResults.AsNoTracking().Where(l => l.CreatedBy == "importer").ToListAsync(Token))
            {
                imported.Id = Guid.NewGuid();
                imported.SpecimenTime = imported.SpecimenTime.AddYears(1);
                db.LabResults.Add(imported);
            }

            await db.SaveChangesAsync(Token);
        }

        await using var check = database.Open();
        var connection = check.Database.GetDbConnection();
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM lab_results a JOIN lab_results b ON b.created_by = 'ef' AND a.created_by = 'importer'
              AND b.reported_value = a.reported_value
              AND substr(b.specimen_time, 5) = substr(a.specimen_time, 5) AND length(b.id) = length(a.id) AND upper(b.id) = b.id AND upper(a.id) = a.id
              AND b.patient_id = a.patient_id AND b.visit_id IS a.visit_id AND b.laboratory_id IS a.laboratory_id AND b.analyte = a.analyte
              AND b.reported_unit IS a.reported_unit AND b.reported_range IS a.reported_range AND b.normalised_value IS a.normalised_value
              AND typeof(b.normalised_value) = typeof(a.normalised_value) AND b.normalised_unit IS a.normalised_unit AND b.flag = a.flag
              AND b.version = a.version AND typeof(b.version) = typeof(a.version) AND length(b.created_at) > 19 AND length(a.created_at) > 19
            """;
        Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(3);
    }
}
