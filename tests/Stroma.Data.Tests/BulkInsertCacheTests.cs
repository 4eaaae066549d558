// Source: issue #21 "Load and faults" (memory of the web process flat under load): a bulk insert on SQLite enlarges its
// connection's page cache (PRAGMA cache_size, a property of the connection), and Microsoft.Data.Sqlite pools
// connections, so the size must be given back when the insert ends (bench/soak/README.md).
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Demo;
using Stroma.Data.Labs;

namespace Stroma.Data.Tests;

public sealed class BulkInsertCacheTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<long> CacheSizeAsync(StromaDbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA cache_size";
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
    }

    private static async Task<string> VisitDateAsync(TestDatabase database)
    {
        await using var db = database.Open("demo");
        await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 1, IncludeSeedCases: false), Token);
        var date = await db.Visits.Where(v => v.Patient!.StudyId == "S1-001" && v.Type == "month_3").Select(v => v.VisitDate).SingleAsync(Token);
        return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("412.5", true)]
    [InlineData("not a number", false)]
    public async Task LabImport_OnSqliteConnection_LeavesItsPageCacheAsFound(string value, bool imported)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        var date = await VisitDateAsync(database);
        await using var db = database.Open("importer");
        // One connection, kept open across the import, as a pooled connection outlives the request that used it.
        await db.Database.OpenConnectionAsync(Token);
        var before = await CacheSizeAsync(db);
        before.ShouldNotBe(-SqliteCacheSize.BulkKibibytes);
        var csv = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n"
            + $"S1,S1-001,{date},ferritin,{value},ug/L,13-150,LAB,2025-01-05T08:30:00+08:00\n";
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));

        var result = await LabImport.RunAsync(db, input, "labs.csv", TextWriter.Null, ReportedUnitNormaliser.Instance, false, null, Token);

        result.Committed.ShouldBe(imported);
        (await CacheSizeAsync(db)).ShouldBe(before);
    }
}
