// Source: issue #22 "Lab storage that scales": a large lab import drops the secondary indexes (and, on PostgreSQL, the
// foreign keys) of lab_results and builds them again after the load, in the import's transaction (PostgreSQL manual,
// "Populating a Database"). The rows stored, the duplicate rule, the audit ledger and the schema must be exactly those of
// an import that maintains the indexes row by row.
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Demo;
using Stroma.Data.Labs;

namespace Stroma.Data.Tests;

public sealed class LabImportIndexRebuildTests
{
    /// <summary>More rows than the import's first batch (1 024): PostgreSQL checks the first batch's keys before it copies straight in.</summary>
    private const int Rows = 1100;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestDatabase> RegistryAsync(DatabaseEngine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("demo");
        await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 1, IncludeSeedCases: false), Token);
        return database;
    }

    /// <summary>One ferritin result of S1-001 a minute apart, from 2020-01-01 00:00 UTC; row i has value 10 + i.</summary>
    private static string Row(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"S1,S1-001,,ferritin,{10 + i},ug/L,13-150,,{new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ}");

    private static string File(IEnumerable<string> rows) => "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n" + string.Join("\n", rows) + "\n";

    private static async Task<LabImportResult> ImportAsync(TestDatabase database, string csv, BulkIndexes indexes, TimeSpan? lockWait = null)
    {
        await using var db = database.Open("importer");
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await LabImport.RunAsync(db, input, "labs.csv", TextWriter.Null, ReportedUnitNormaliser.Instance,
            new LabImportOptions { Indexes = indexes, IndexLockWait = lockWait ?? TimeSpan.FromSeconds(10) }, null, Token);
    }

    /// <summary>The definitions of lab_results, its indexes and (PostgreSQL) its constraints, as the engine's catalogue gives them.</summary>
    private static async Task<string> SchemaAsync(TestDatabase database)
    {
        await using var db = database.Open();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        await db.Database.OpenConnectionAsync(Token);
        command.CommandText = database.Engine == DatabaseEngine.Postgres
            ? """
              SELECT string_agg(d, E'\n' ORDER BY d) FROM (
                SELECT indexdef AS d FROM pg_indexes WHERE tablename = 'lab_results'
                UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint WHERE conrelid = 'lab_results'::regclass) s
              """
            : "SELECT group_concat(sql, char(10)) FROM (SELECT sql FROM sqlite_schema WHERE tbl_name = 'lab_results' AND sql IS NOT NULL ORDER BY name)";
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }

    private static async Task<List<(DateTimeOffset Time, decimal? Value)>> FerritinAsync(TestDatabase database)
    {
        await using var db = database.Open();
        var rows = await db.LabResults.Where(l => l.Analyte == "ferritin" && l.Patient!.StudyId == "S1-001")
            .Select(l => new { l.SpecimenTime, l.NormalisedValue }).ToListAsync(Token);
        return [.. rows.Select(r => (r.SpecimenTime, r.NormalisedValue)).OrderBy(r => r.SpecimenTime)];
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Rebuild_StoresEveryRow_AndPutsBackTheSameIndexesAndForeignKeys(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        var schema = await SchemaAsync(database);
        schema.ShouldContain("IX_lab_results_report");

        var result = await ImportAsync(database, File(Enumerable.Range(0, Rows).Select(Row)), BulkIndexes.Rebuild);

        result.ShouldBe(new LabImportResult(Rows, Rows, 0, 0, true) { Rebuilt = engine == DatabaseEngine.Postgres ? (3, 3) : (3, 0) });
        (await SchemaAsync(database)).ShouldBe(schema);
        var stored = await FerritinAsync(database);
        stored.Count.ShouldBe(Rows);
        stored[Rows - 1].Value.ShouldBe(10 + Rows - 1);
        await using var db = database.Open();
        (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
        // The rebuilt unique key holds: the same file again adds nothing.
        (await ImportAsync(database, File(Enumerable.Range(0, Rows).Select(Row)), BulkIndexes.Rebuild)).ShouldBe(new LabImportResult(Rows, 0, Rows, 0, true));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Rebuild_StoredKeyAfterTheFirstBatch_RollsTheLoadBackAndSkipsItAsMaintainDoes(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        (await ImportAsync(database, File([Row(1050)]), BulkIndexes.Maintain)).Inserted.ShouldBe(1);
        var schema = await SchemaAsync(database);
        // A stored key at row 1 051 and a key twice in the file (rows 1 060 and 1 099).
        var rows = Enumerable.Range(0, Rows - 1).Select(Row).Append(Row(1060)).ToList();

        var result = await ImportAsync(database, File(rows), BulkIndexes.Rebuild);

        result.ShouldBe(new LabImportResult(Rows, Rows - 2, 2, 0, true));
        result.Rebuilt.ShouldBeNull();
        (await SchemaAsync(database)).ShouldBe(schema);
        var stored = await FerritinAsync(database);
        stored.Select(r => r.Time).ShouldBeUnique();
        stored.Count.ShouldBe(Rows - 1);
        await using var db = database.Open();
        (await AuditChain.VerifyAsync(db, Token)).IsIntact.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Auto_SmallFile_MaintainsTheIndexes(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var result = await ImportAsync(database, File(Enumerable.Range(0, Rows).Select(Row)), BulkIndexes.Auto);

        result.ShouldBe(new LabImportResult(Rows, Rows, 0, 0, true));
        result.Rebuilt.ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Auto_LargeFileIntoASmallerTable_RebuildsTheIndexes(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        // 150 000 rows (the length of the first 4 096 estimates the rest) into a table of a few hundred demo results.
        const int many = 150_000;

        var result = await ImportAsync(database, File(Enumerable.Range(0, many).Select(Row)), BulkIndexes.Auto);

        result.ShouldBe(new LabImportResult(many, many, 0, 0, true) { Rebuilt = engine == DatabaseEngine.Postgres ? (3, 3) : (3, 0) });
        (await FerritinAsync(database)).Count.ShouldBe(many);
    }

    [Fact]
    public async Task Rebuild_PostgresTableInUseBeyondTheLockWait_MaintainsTheIndexesInstead()
    {
        if (Engines.PostgresAdmin is null)
        {
            Assert.Fail($"{Engines.PostgresVariable} is not set: this test needs PostgreSQL (.ci/run starts one).");
        }

        await using var database = await RegistryAsync(DatabaseEngine.Postgres);
        await using var reader = new NpgsqlConnection(database.Configuration.ConnectionString);
        await reader.OpenAsync(Token);
        await using var open = await reader.BeginTransactionAsync(Token);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM lab_results", reader, open))
        {
            await read.ExecuteScalarAsync(Token); // holds the table's share lock until the transaction ends
        }

        var result = await ImportAsync(database, File(Enumerable.Range(0, Rows).Select(Row)), BulkIndexes.Rebuild, TimeSpan.FromMilliseconds(300));

        result.ShouldBe(new LabImportResult(Rows, Rows, 0, 0, true));
        result.Rebuilt.ShouldBeNull();
        await open.CommitAsync(Token);
        (await FerritinAsync(database)).Count.ShouldBe(Rows);
    }

    [Theory]
    [InlineData(BulkIndexes.Auto, 100_000, 99_999, true)]
    [InlineData(BulkIndexes.Auto, 100_000, 100_000, false)]
    [InlineData(BulkIndexes.Auto, 99_999, 0, false)]
    [InlineData(BulkIndexes.Auto, 10_000_000, 0, true)]
    [InlineData(BulkIndexes.Maintain, 10_000_000, 0, false)]
    [InlineData(BulkIndexes.Rebuild, 1, 50, true)]
    public async Task Decide_RebuildsALargeLoadThatAtLeastDoublesTheTable(BulkIndexes mode, long expected, long stored, bool rebuild)
    {
        var plan = new BulkIndexPlan(mode, () => expected);

        (await plan.DecideAsync(limit => Task.FromResult(Math.Min(stored, limit)))).ShouldBe(rebuild);
    }
}
