using System.ComponentModel;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Backup;
using Stroma.Data.Storage;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma backup FILE</c>: a consistent snapshot of the whole registry, restorable to either engine.</summary>
public sealed class BackupCommand(CliIo io, TimeProvider clock) : AsyncCommand<BackupCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The backup file to write (a ZIP of JSON Lines tables and a manifest).")]
        public string File { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        var temporary = settings.File + ".partial";
        BackupManifest manifest;
        try
        {
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                manifest = await RegistryBackup.BackupAsync(configuration, output, clock, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, settings.File, overwrite: true);
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // Issue #21: a full disk must not leave a partial backup behind, nor end in a stack trace.
            File.Delete(temporary);
            io.Error.WriteLine($"{settings.File}: {DiskFull.Issue("The backup", Path.GetFullPath(settings.File))}");
            return ExitCodes.InvalidInput;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        io.Out.WriteLine($"backup of {configuration.Describe()} written to {settings.File}: {manifest.Rows.Values.Sum()} rows, audit head {manifest.AuditHead}");
        return ExitCodes.Ok;
    }
}
