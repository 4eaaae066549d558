// Source: issue #22 "Read replicas": reads that may lag go to a PostgreSQL streaming replica; the audit trail's head
// tells whether it has caught up; a read that needs a newer head waits (bounded) or goes to the primary; the replica
// refuses writes and Stroma never sends it one; a replica that cannot be reached degrades to the primary with a
// logged warning. docs/operations.md "Read replicas". Runs against the primary and the streaming replica .ci/run starts
// (STROMA_TEST_POSTGRES and STROMA_TEST_POSTGRES_REPLICA).
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shouldly;
using Stroma.Data.Demo;
using Stroma.Data.Model;
using Stroma.Data.Replicas;
using Stroma.Data.Report;

namespace Stroma.Data.Tests.Replicas;

public sealed class ReadReplicaTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Report_OnTheReplicaOnceCaughtUp_EqualsTheReportOnThePrimary()
    {
        await using var pair = await ReplicaPair.CreateAsync();
        await using (var db = StromaDatabase.CreateContext(pair.Primary.Configuration, "demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(), Token);
        }

        string onPrimary;
        await using (var db = StromaDatabase.CreateContext(pair.Primary.Configuration))
        {
            onPrimary = JsonSerializer.Serialize(await StudyReportBuilder.BuildAsync(db, new StudyReportOptions("wang_2014", []), Token));
        }

        var replica = pair.Replica();
        var (context, fromReplica) = await replica.OpenCaughtUpAsync("statistician", Token);
        await using (context)
        {
            fromReplica.ShouldBeTrue("the replica should catch up within the wait");
            context.ReadOnly.ShouldBeTrue();
            var onReplica = JsonSerializer.Serialize(await StudyReportBuilder.BuildAsync(context, new StudyReportOptions("wang_2014", []), Token));
            onReplica.ShouldBe(onPrimary);
        }
    }

    [Fact]
    public async Task TryOpen_ReplayPausedBehindTheReadersWrite_WaitsThenLeavesItToThePrimary_AndUsesTheReplicaOnceReplayed()
    {
        await using var pair = await ReplicaPair.CreateAsync();
        var replica = pair.Replica(maxWait: TimeSpan.FromMilliseconds(400));
        await pair.PauseReplayAsync();
        try
        {
            long head;
            await using (var db = StromaDatabase.CreateContext(pair.Primary.Configuration, "coordinator"))
            {
                db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "R1", Name = "Written while replay is paused" });
                await db.SaveChangesAsync(Token);
                head = await ReadReplica.HeadAsync(db, Token);
            }

            // The replica has not replayed the write: the read must not use it (a stale read), and must not hang.
            var started = TimeProvider.System.GetTimestamp();
            (await replica.TryOpenAsync(head, "coordinator", Token)).ShouldBeNull();
            TimeProvider.System.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(10));
            replica.IsDown.ShouldBeFalse("a replica that is behind is not down");

            // A read that needs nothing newer than the replica has is served there even while replay is paused.
            await using (var older = await replica.TryOpenAsync(0, "coordinator", Token))
            {
                older.ShouldNotBeNull();
                (await older.Sites.AnyAsync(s => s.Code == "R1", Token)).ShouldBeFalse();
            }
        }
        finally
        {
            await pair.ResumeReplayAsync();
        }

        // Once replay resumes, the replica catches up; on a loaded CI machine that can take longer than the 400 ms bound
        // above (the replica replays every test database's writes first), so this read may wait longer.
        var (context, fromReplica) = await pair.Replica(maxWait: TimeSpan.FromSeconds(30)).OpenCaughtUpAsync("coordinator", Token);
        await using (context)
        {
            fromReplica.ShouldBeTrue();
            (await context.Sites.AnyAsync(s => s.Code == "R1", Token)).ShouldBeTrue("once replayed, the reader's own write is on the replica");
        }
    }

    [Fact]
    public async Task ReplicaContext_Save_RefusedBeforeAnythingIsSent_AndTheReplicaRefusesWritesItself()
    {
        await using var pair = await ReplicaPair.CreateAsync();
        var (context, fromReplica) = await pair.Replica().OpenCaughtUpAsync("someone", Token);
        await using (context)
        {
            fromReplica.ShouldBeTrue();
            context.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "X", Name = "Never written" });
            var refused = await Should.ThrowAsync<InvalidOperationException>(() => context.SaveChangesAsync(Token));
            refused.Message.ShouldContain("every write goes to the primary");
        }

        // The server side: a hot standby refuses any write (SQLSTATE 25006, read-only transaction).
        await using var connection = new NpgsqlConnection(pair.ReplicaConfiguration.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand("INSERT INTO sites (id, code, name) VALUES (gen_random_uuid(), 'Y', 'Y')", connection);
        var error = await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Token));
        error.SqlState.ShouldBe(PostgresErrorCodes.ReadOnlySqlTransaction);

        await using var primary = StromaDatabase.CreateContext(pair.Primary.Configuration);
        (await primary.Sites.CountAsync(s => s.Code == "X" || s.Code == "Y", Token)).ShouldBe(0);
    }

    [Fact]
    public async Task TryOpen_ReplicaStopped_ReadsFromThePrimaryWithOneWarning_AndUsesItAgainWhenItAnswers()
    {
        await using var pair = await ReplicaPair.CreateAsync();
        var log = new ListLogger();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var proxy = TcpProxy.Start(new NpgsqlConnectionStringBuilder(pair.ReplicaConfiguration.ConnectionString).Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(pair.ReplicaConfiguration.ConnectionString) { Port = proxy.Port, Pooling = false };
        var replica = new ReadReplica(pair.Primary.Configuration, DataConfiguration.Parse(throughProxy.ConnectionString), log, clock)
        {
            RetryAfter = TimeSpan.FromSeconds(30),
        };

        await using (var up = await replica.TryOpenAsync(0, "someone", Token))
        {
            up.ShouldNotBeNull();
        }

        proxy.Stop();
        (await replica.TryOpenAsync(0, "someone", Token)).ShouldBeNull();
        replica.IsDown.ShouldBeTrue();
        (await replica.TryOpenAsync(0, "someone", Token)).ShouldBeNull();
        log.Warnings.Count.ShouldBe(1, string.Join(Environment.NewLine, log.Warnings));
        log.Warnings[0].ShouldContain("reading from the primary until it answers again");

        // Back: tried again only after RetryAfter, then used, with an information line.
        proxy.Restart();
        (await replica.TryOpenAsync(0, "someone", Token)).ShouldBeNull("still inside the retry interval");
        clock.Advance(TimeSpan.FromSeconds(31));
        await using (var back = await replica.TryOpenAsync(0, "someone", Token))
        {
            back.ShouldNotBeNull();
        }

        replica.IsDown.ShouldBeFalse();
        log.Information.ShouldContain(m => m.Contains("answers again", StringComparison.Ordinal));
        log.Warnings.Count.ShouldBe(1);
    }

    [Fact]
    public void Constructor_SqliteOnEitherSide_RefusedWithTheReason()
    {
        var sqlite = DataConfiguration.Parse("registry.db");
        var postgres = DataConfiguration.Parse("Host=127.0.0.1;Port=5432;Username=u;Database=d");
        Should.Throw<ArgumentException>(() => new ReadReplica(sqlite, postgres)).Message.ShouldContain("SQLite has no replicas");
        Should.Throw<ArgumentException>(() => new ReadReplica(postgres, sqlite)).Message.ShouldContain("SQLite has no replicas");
        Should.Throw<ArgumentException>(() => StromaDatabase.CreateReadOnlyContext(sqlite));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public List<string> Information { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (this)
            {
                (logLevel == LogLevel.Warning ? Warnings : Information).Add(formatter(state, exception));
            }
        }
    }
}
