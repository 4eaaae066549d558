using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma db migrate</c>: creates the database if needed (SQLite) and applies every pending migration.</summary>
public sealed class DbMigrateCommand(CliIo io) : AsyncCommand<DatabaseSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DatabaseSettings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        var applied = await StromaDatabase.MigrateAsync(configuration, cancellationToken).ConfigureAwait(false);
        foreach (var migration in applied)
        {
            io.Out.WriteLine($"applied {migration}");
        }

        io.Out.WriteLine(applied.Count == 0 ? $"{configuration.Describe()}: up to date" : $"{configuration.Describe()}: {applied.Count} migration(s) applied");
        return ExitCodes.Ok;
    }
}
