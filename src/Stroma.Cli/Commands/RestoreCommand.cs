using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data.Backup;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma restore FILE</c>: loads a backup into an empty database (either engine) and verifies it.</summary>
public sealed class RestoreCommand(CliIo io) : AsyncCommand<RestoreCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A file written by stroma backup.")]
        public string File { get; init; } = "";

        public override ValidationResult Validate() =>
            System.IO.File.Exists(File) ? ValidationResult.Success() : ValidationResult.Error($"Backup file '{File}' does not exist.");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        RestoreResult result;
        await using (var input = new FileStream(settings.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            try
            {
                result = await RegistryBackup.RestoreAsync(configuration, input, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException)
            {
                io.Error.WriteLine($"stroma: {ex.Message}");
                return ExitCodes.InvalidInput;
            }
        }

        if (result.Audit.Break is { } broken)
        {
            io.Error.WriteLine(Issue.Error(IssueCodes.AuditChainBroken, $"audit_entries[{broken.Sequence}]",
                $"The backup's audit chain is broken at entry {broken.Sequence}: {broken.Problem}; nothing was restored.").ToString());
            return ExitCodes.InvalidInput;
        }

        io.Out.WriteLine($"restored {result.Manifest.Rows.Values.Sum()} rows from {settings.File} ({result.Manifest.Engine} backup of {result.Manifest.TakenAt:yyyy-MM-dd'T'HH:mm:ss'Z'}) into {configuration.Describe()}");

        io.Out.WriteLine($"audit trail intact: {result.Audit.Entries} entries, head {result.Audit.HeadHash}");
        return ExitCodes.Ok;
    }
}
