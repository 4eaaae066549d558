using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma audit verify</c>: recomputes the audit trail's hash chain and reports the first broken link (exit 1)
/// or the number of entries and the head hash (exit 0). Keep the head hash elsewhere: it also reveals removal of
/// the newest entries.
/// </summary>
public sealed class AuditVerifyCommand(CliIo io) : AsyncCommand<DatabaseSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DatabaseSettings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(configuration, settings.Actor);
        var result = await AuditChain.VerifyAsync(db, cancellationToken).ConfigureAwait(false);
        if (result.Break is { } broken)
        {
            io.Error.WriteLine(Issue.Error(IssueCodes.AuditChainBroken, $"audit_entries[{broken.Sequence}]",
                $"The audit chain is broken at entry {broken.Sequence}: {broken.Problem}.").ToString());
            io.Out.WriteLine($"audit trail BROKEN at entry {broken.Sequence} ({result.Entries - 1} entries verified before it)");
            return ExitCodes.InvalidInput;
        }

        io.Out.WriteLine($"audit trail intact: {result.Entries} entries, head {result.HeadHash}");
        return ExitCodes.Ok;
    }
}
