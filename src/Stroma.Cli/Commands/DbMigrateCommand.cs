using System.ComponentModel;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;

namespace Stroma.Cli.Commands;

/// <summary>Options of <c>stroma db migrate</c>.</summary>
public sealed class DbMigrateSettings : DatabaseSettings
{
    [CommandOption("--lock-timeout <SECONDS>")]
    [Description("SQLite: a migration lock older than this is reported as stale (DAT007, fix: 'stroma db unlock') instead of waited for; a younger one is waited for until it is this old. Default: $STROMA_MIGRATION_LOCK_TIMEOUT, else 60.")]
    public int? LockTimeout { get; init; }

    public override Spectre.Console.ValidationResult Validate() => LockTimeout is < 0
        ? Spectre.Console.ValidationResult.Error("--lock-timeout must be 0 or more seconds.")
        : base.Validate();
}

/// <summary><c>stroma db migrate</c>: creates the database if needed (SQLite) and applies every pending migration.</summary>
public sealed class DbMigrateCommand(CliIo io, TimeProvider clock) : AsyncCommand<DbMigrateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DbMigrateSettings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        var timeout = settings.LockTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : MigrationLock.ConfiguredTimeout;
        var applied = await StromaDatabase.MigrateAsync(configuration, timeout, clock, cancellationToken).ConfigureAwait(false);
        foreach (var migration in applied)
        {
            io.Out.WriteLine($"applied {migration}");
        }

        io.Out.WriteLine(applied.Count == 0 ? $"{configuration.Describe()}: up to date" : $"{configuration.Describe()}: {applied.Count} migration(s) applied");
        if (applied.Count == 0 && await MigrationLock.ReadAsync(configuration, cancellationToken).ConfigureAwait(false) is { } row)
        {
            // Harmless while nothing is pending (EF takes the lock only to apply migrations), but the next upgrade would meet it.
            io.Error.WriteLine($"stroma: note: a migration lock taken at {row.TakenAtText} is still in {MigrationLock.TableName}; " +
                "if no other stroma process is migrating, remove it with 'stroma db unlock' before the next upgrade.");
        }

        return ExitCodes.Ok;
    }
}
