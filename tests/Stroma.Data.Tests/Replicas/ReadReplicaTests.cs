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

        var (context, fromReplica) = await replica.OpenCaughtUpAsync("coordinator", Token);
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

    /// <summary>A fresh database on the primary, and the same database on the streaming replica once it has replayed its creation.</summary>
    private sealed class ReplicaPair : IAsyncDisposable
    {
        public const string ReplicaVariable = "STROMA_TEST_POSTGRES_REPLICA";

        private readonly FileStream exclusive;

        private ReplicaPair(TestDatabase primary, DataConfiguration replica, FileStream exclusive)
        {
            this.exclusive = exclusive;
            Primary = primary;
            ReplicaConfiguration = replica;
        }

        public TestDatabase Primary { get; }

        public DataConfiguration ReplicaConfiguration { get; }

        public static async Task<ReplicaPair> CreateAsync()
        {
            if (Engines.PostgresAdmin is null || Environment.GetEnvironmentVariable(ReplicaVariable) is not { Length: > 0 } replicaServer)
            {
                Assert.Fail($"These tests need a PostgreSQL primary ({Engines.PostgresVariable}) and a streaming replica of it ({ReplicaVariable}, "
                    + "a connection string to the standby's postgres database): .ci/run starts both (pg_basebackup -R).");
                throw new InvalidOperationException();
            }

            // One test at a time uses the replica, across the test processes too: a test that pauses its replay must not
            // make another one's read fall back to the primary.
            var exclusive = await ReplicaLock.AcquireAsync(Token);
            var primary = await TestDatabase.CreateAsync(DatabaseEngine.Postgres);
            var name = new NpgsqlConnectionStringBuilder(primary.Configuration.ConnectionString).Database;
            var replica = DataConfiguration.Parse(new NpgsqlConnectionStringBuilder(replicaServer) { Database = name }.ConnectionString);
            // The standby replays CREATE DATABASE like any other change; wait until it has (bounded).
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(replica.ConnectionString);
                    await connection.OpenAsync(Token);
                    break;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName && attempt < 200)
                {
                    await Task.Delay(50, Token);
                }
            }

            return new ReplicaPair(primary, replica, exclusive);
        }

        public ReadReplica Replica(TimeSpan? maxWait = null) =>
            new(Primary.Configuration, ReplicaConfiguration) { MaxWait = maxWait ?? TimeSpan.FromSeconds(30) };

        public Task PauseReplayAsync() => ExecuteOnReplicaAsync("SELECT pg_wal_replay_pause()");

        public Task ResumeReplayAsync() => ExecuteOnReplicaAsync("SELECT pg_wal_replay_resume()");

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await Primary.DisposeAsync();
            await exclusive.DisposeAsync();
        }

        private async Task ExecuteOnReplicaAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ReplicaConfiguration.ConnectionString);
            await connection.OpenAsync(Token);
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(Token);
        }
    }

    /// <summary>An exclusive lock on a file every replica test of every test project takes (FileShare.None).</summary>
    private static class ReplicaLock
    {
        public static async Task<FileStream> AcquireAsync(CancellationToken cancellationToken)
        {
            var path = Path.Combine(Path.GetTempPath(), "stroma-test-replica.lock");
            while (true)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    await Task.Delay(100, cancellationToken);
                }
            }
        }
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
