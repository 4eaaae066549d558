using System.Globalization;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma db unlock</c>: removes the SQLite migration lock a killed <c>db migrate</c> left behind (DAT007), under
/// SQLite's write lock, so it refuses (DAT008) while another connection writes. The lock table is EF Core's, outside the
/// audited model: the line on standard error (which lock, who, when) is the record of the removal.
/// </summary>
public sealed class DbUnlockCommand(CliIo io, TimeProvider clock) : AsyncCommand<DatabaseSettings>
{
    /// <summary>How long to wait for SQLite's write lock before refusing.</summary>
    public static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(5);

    public override async Task<int> ExecuteAsync(CommandContext context, DatabaseSettings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        if (configuration.Engine != DatabaseEngine.Sqlite)
        {
            io.Out.WriteLine($"{configuration.Describe()}: PostgreSQL's migration lock is a session advisory lock, released by the server when its session ends: nothing to unlock");
            return ExitCodes.Ok;
        }

        var removed = await MigrationLock.UnlockAsync(configuration, BusyWait, cancellationToken).ConfigureAwait(false);
        if (removed is null)
        {
            io.Out.WriteLine($"{configuration.Describe()}: no migration lock");
            return ExitCodes.Ok;
        }

        io.Out.WriteLine($"{configuration.Describe()}: migration lock removed");
        io.Error.WriteLine($"stroma: removed the migration lock taken at {removed.TakenAtText} from {configuration.Describe()} " +
            $"(by {settings.Actor} at {clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)})");
        return ExitCodes.Ok;
    }
}
