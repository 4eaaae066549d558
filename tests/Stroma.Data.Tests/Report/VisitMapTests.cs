// The report's visit map finds a visit from the previous one's position (a stream read in visit order) and must give
// exactly the answers of a plain hash lookup whatever the order the engine returns the rows in; and the orders the
// engines index visit ids in (PostgreSQL's uuid, SQLite's upper-case text) must be the map's, or the report would be
// correct but slow.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Report;

namespace Stroma.Data.Tests.Report;

public sealed class VisitMapTests
{
    private static (VisitMap Map, Dictionary<Guid, VisitSlot> Expected, List<Guid> Absent) Build(int count, int seed)
    {
        var random = new Random(seed);
        var expected = new Dictionary<Guid, VisitSlot>();
        var visits = new List<(Guid, VisitSlot)>();
        for (var i = 0; i < count; i++)
        {
            var id = RandomGuid(random);
            var slot = new VisitSlot(i, i % 7, new DateOnly(2020, 1, 1).AddDays(i));
            expected[id] = slot;
            visits.Add((id, slot));
        }

        var absent = Enumerable.Range(0, count / 2).Select(_ => RandomGuid(random)).ToList();
        return (new VisitMap([0, 1, 3], visits, new Dictionary<string, int>()), expected, absent);
    }

    private static Guid RandomGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    public static TheoryData<string> Orders => ["ascending", "descending", "random", "ascending with repeats"];

    [Theory]
    [MemberData(nameof(Orders))]
    public void Cursor_AnswersAsAHashLookupInAnyOrder(string order)
    {
        var (map, expected, absent) = Build(5000, 11);
        var lookups = expected.Keys.Concat(absent).ToList();
        var random = new Random(5);
        lookups = order switch
        {
            "ascending" => [.. lookups.Order()],
            "descending" => [.. lookups.OrderDescending()],
            "random" => [.. lookups.OrderBy(_ => random.Next())],
            _ => [.. lookups.Order().SelectMany(g => random.Next(3) == 0 ? new[] { g, g } : [g])],
        };

        var cursor = map.Reader();
        foreach (var id in lookups)
        {
            var found = cursor.TryGet(id, out var slot);
            found.ShouldBe(expected.ContainsKey(id), $"visit {id}");
            if (found)
            {
                slot.ShouldBe(expected[id]);
            }
        }

        map.Count.ShouldBe(5000);
    }

    [Fact]
    public void Cursor_EmptyMapFindsNothing()
    {
        var map = new VisitMap([0], [], new Dictionary<string, int>());
        map.Reader().TryGet(Guid.NewGuid(), out _).ShouldBeFalse();
        map.Reader().TryGet(Guid.Empty, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(DatabaseEngine.Sqlite)]
    [InlineData(DatabaseEngine.Postgres)]
    public async Task EnginesOrderVisitIdsAsTheMap(DatabaseEngine engine)
    {
        // What the lab and assessment streams rely on for speed: ORDER BY a visit id column gives Guid.CompareTo's order.
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("demo", ManualClock.At("2026-11-25T09:00:00Z"));
        await Stroma.Data.Demo.DemoRegistry.CreateAsync(db, new Stroma.Data.Demo.DemoOptions(), TestContext.Current.CancellationToken);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM visits ORDER BY id";
        var ids = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        ids.Count.ShouldBeGreaterThan(100);
        ids.ShouldBe([.. ids.Order()]);
    }
}
