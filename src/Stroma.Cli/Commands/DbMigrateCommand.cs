using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;

namespace Stroma.Cli.Commands;

/// <summary>Options of <c>stroma db migrate</c>.</summary>
public sealed class DbMigrateSettings : DatabaseSettings
{
    [CommandOption("--clear-stale-lock")]
    [Description("SQLite: first remove a migration lock left by a killed 'db migrate' (refused while another connection writes to the database).")]
    public bool ClearStaleLock { get; init; }

    [CommandOption("--lock-wait <SECONDS>")]
    [Description("SQLite: how long to wait for another process's migration lock before failing. Default: $STROMA_MIGRATION_LOCK_WAIT, else 30.")]
    public int? LockWait { get; init; }

    public override Spectre.Console.ValidationResult Validate() => LockWait is < 0
        ? Spectre.Console.ValidationResult.Error("--lock-wait must be 0 or more seconds.")
        : base.Validate();
}

/// <summary><c>stroma db migrate</c>: creates the database if needed (SQLite) and applies every pending migration.</summary>
public sealed class DbMigrateCommand(CliIo io, TimeProvider clock) : AsyncCommand<DbMigrateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DbMigrateSettings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        if (settings.ClearStaleLock)
        {
            var takenAt = await MigrationLock.ClearStaleAsync(configuration, cancellationToken).ConfigureAwait(false);
            // Logged on standard error (the lock table is EF's, outside the audited model): who cleared which lock, when.
            io.Error.WriteLine(takenAt is null
                ? $"{configuration.Describe()}: no migration lock to clear"
                : $"{configuration.Describe()}: cleared the migration lock taken at {takenAt} (by {settings.Actor} at {clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)})");
        }

        var wait = settings.LockWait is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var applied = await StromaDatabase.MigrateAsync(configuration, wait, cancellationToken).ConfigureAwait(false);
        foreach (var migration in applied)
        {
            io.Out.WriteLine($"applied {migration}");
        }

        io.Out.WriteLine(applied.Count == 0 ? $"{configuration.Describe()}: up to date" : $"{configuration.Describe()}: {applied.Count} migration(s) applied");
        return ExitCodes.Ok;
    }
}
