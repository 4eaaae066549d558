using System.ComponentModel;
using Spectre.Console.Cli;
using Stroma.Data;

namespace Stroma.Cli.Commands;

/// <summary>Options shared by every command that opens the registry database.</summary>
public class DatabaseSettings : CommandSettings
{
    [CommandOption("-d|--database <DB>")]
    [Description("SQLite file path, or a PostgreSQL connection string (Host=...). Default: $STROMA_DATABASE, else stroma.db in the user's data folder.")]
    public string? Database { get; init; }

    [CommandOption("-u|--user <NAME>")]
    [Description("Who is acting, for the audit trail. Default: $STROMA_USER, else the operating-system user.")]
    public string? User { get; init; }

    internal DataConfiguration Configuration => DataConfiguration.Resolve(Database);

    internal string Actor => User ?? Environment.GetEnvironmentVariable("STROMA_USER") ?? Environment.UserName;
}

/// <summary>
/// Options of the commands whose reads may go to a read replica (<c>report study</c>, <c>export</c>, <c>checks run</c>):
/// <c>--read-database</c>, a PostgreSQL streaming replica of the <c>--database</c> primary (docs/operations.md "Read
/// replicas"). The command reads from it once it has replayed the primary's audit trail as of the command's start, so
/// it sees everything written before; otherwise (behind after a short wait, or unreachable) it says so on stderr and
/// reads from the primary. Writes (the audit entry of an export, the queries a check run opens) go to the primary.
/// </summary>
public class ReadDatabaseSettings : DatabaseSettings
{
    [CommandOption("--read-database <DB>")]
    [Description("A PostgreSQL read replica (Host=...) of --database to read from; writes still go to --database. Default: $STROMA_READ_DATABASE, else none.")]
    public string? ReadDatabase { get; init; }

    /// <summary>The replica, when one is given.</summary>
    internal DataConfiguration? ReadConfiguration =>
        (ReadDatabase ?? Environment.GetEnvironmentVariable(Stroma.Data.Replicas.ReadReplica.EnvironmentVariable)) is { Length: > 0 } value
            ? DataConfiguration.Parse(value)
            : null;

    /// <summary>Why <c>--read-database</c> cannot be used with <c>--database</c> (both must be PostgreSQL); null when it can.</summary>
    internal string? ReadDatabaseProblem => ReadConfiguration is not { } replica
        ? null
        : replica.Engine != DatabaseEngine.Postgres
            ? $"--read-database must be a PostgreSQL connection string (Host=...), not {replica.Describe()}: SQLite has no replicas."
            : Configuration.Engine != DatabaseEngine.Postgres
                ? $"--read-database is a replica of a PostgreSQL primary; --database is {Configuration.Describe()}."
                : null;

    /// <summary>
    /// The context to read from (the caller disposes it) and the replica's configuration when reads go there (for readers
    /// that open their own connections), with a line on <paramref name="error"/> saying where reads go.
    /// </summary>
    internal async Task<(StromaDbContext Reads, DataConfiguration? Replica)> OpenReadsAsync(TextWriter error, CancellationToken cancellationToken)
    {
        if (ReadConfiguration is not { } configured)
        {
            return (StromaDatabase.CreateContext(Configuration, Actor), null);
        }

        var replica = new Stroma.Data.Replicas.ReadReplica(Configuration, configured);
        var (context, fromReplica) = await replica.OpenCaughtUpAsync(Actor, cancellationToken).ConfigureAwait(false);
        error.WriteLine(fromReplica
            ? $"reading from the replica {replica.Replica.Describe()}"
            : replica.IsDown
                ? $"stroma: the read replica {replica.Replica.Describe()} cannot be reached; reading from the primary."
                : $"stroma: the read replica {replica.Replica.Describe()} is behind the primary; reading from the primary.");
        return (context, fromReplica ? replica.Replica : null);
    }
}
