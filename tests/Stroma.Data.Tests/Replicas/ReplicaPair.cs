using Npgsql;
using Stroma.Data.Replicas;

namespace Stroma.Data.Tests;

/// <summary>
/// A fresh database on the PostgreSQL primary (<c>STROMA_TEST_POSTGRES</c>) and the same database on its streaming
/// replica (<c>STROMA_TEST_POSTGRES_REPLICA</c>, a connection string to the standby's postgres database), once the
/// standby has replayed its creation; .ci/run starts both (pg_basebackup -R). One pair at a time across every test
/// process (an exclusive file lock): a test that pauses the replica's replay must not surprise another one.
/// </summary>
public sealed class ReplicaPair : IAsyncDisposable
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

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<ReplicaPair> CreateAsync()
    {
        if (Engines.PostgresAdmin is null || Environment.GetEnvironmentVariable(ReplicaVariable) is not { Length: > 0 } replicaServer)
        {
            Assert.Fail($"This test needs a PostgreSQL primary ({Engines.PostgresVariable}) and a streaming replica of it ({ReplicaVariable}): "
                + ".ci/run starts both (pg_basebackup -R).");
            throw new InvalidOperationException();
        }

        var exclusive = await AcquireAsync();
        try
        {
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
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName && attempt < 400)
                {
                    await Task.Delay(50, Token);
                }
            }

            return new ReplicaPair(primary, replica, exclusive);
        }
        catch
        {
            await exclusive.DisposeAsync();
            throw;
        }
    }

    /// <summary>A <see cref="ReadReplica"/> over the pair (a long wait by default: the tests want the replica once caught up).</summary>
    public ReadReplica Replica(TimeSpan? maxWait = null) =>
        new(Primary.Configuration, ReplicaConfiguration) { MaxWait = maxWait ?? TimeSpan.FromSeconds(30) };

    public Task PauseReplayAsync() => ExecuteOnReplicaAsync("SELECT pg_wal_replay_pause()");

    public Task ResumeReplayAsync() => ExecuteOnReplicaAsync("SELECT pg_wal_replay_resume()");

    /// <summary>Waits (up to 20 s) until the replica has replayed the primary's audit trail as it is now.</summary>
    public async Task WaitForReplayAsync()
    {
        await using var primary = StromaDatabase.CreateContext(Primary.Configuration);
        var head = await ReadReplica.HeadAsync(primary, Token);
        await using var replica = StromaDatabase.CreateReadOnlyContext(ReplicaConfiguration);
        for (var attempt = 0; await ReadReplica.HeadAsync(replica, Token) < head; attempt++)
        {
            if (attempt > 400)
            {
                throw new TimeoutException($"The replica did not replay the audit trail up to entry {head} within 20 s.");
            }

            await Task.Delay(50, Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Primary.DisposeAsync();
        await exclusive.DisposeAsync();
    }

    private static async Task<FileStream> AcquireAsync()
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
                await Task.Delay(100, Token);
            }
        }
    }

    private async Task ExecuteOnReplicaAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ReplicaConfiguration.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Token);
    }
}
