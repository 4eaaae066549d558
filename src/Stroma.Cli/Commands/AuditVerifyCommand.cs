using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma audit verify</c>: recomputes the audit trail's hash chain and reports the first broken link (exit 1)
/// or the number of entries and the head hash (exit 0). With <c>--anchor FILE</c> it also checks that the chain
/// still extends a signed anchor (a removed or rewritten tail); with <c>--data</c> it runs the ledger check, each
/// stored record against the state its audit trail ends in, and reports every difference (docs/operations.md).
/// </summary>
public sealed class AuditVerifyCommand(CliIo io) : AsyncCommand<AuditVerifyCommand.Settings>
{
    public sealed class Settings : AnchorKeySettings
    {
        [CommandOption("--data")]
        [Description("Also check that each audited record's stored state equals the state its audit trail ends in (the ledger check).")]
        public bool Data { get; init; }

        [CommandOption("--anchor <FILE>")]
        [Description("Also check that the chain still extends this signed anchor (written by `stroma audit anchor`); needs the key.")]
        public string? Anchor { get; init; }

        public override ValidationResult Validate() => ValidateKey(needed: Anchor is not null);
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        AuditAnchor? anchor = null;
        AnchorKey? key = null;
        if (settings.Anchor is { } anchorFile)
        {
            if (settings.LoadKey(out var keyIssue) is not { } loaded)
            {
                io.Error.WriteLine(keyIssue!.ToString());
                return ExitCodes.InvalidInput;
            }

            key = loaded;
            string? problem;
            try
            {
                anchor = AuditAnchor.Parse(await File.ReadAllTextAsync(anchorFile, cancellationToken).ConfigureAwait(false), out problem);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = $"it cannot be read ({e.Message})";
            }

            if (anchor is null)
            {
                io.Error.WriteLine(Issue.Error(IssueCodes.AnchorInvalid, "--anchor", $"The anchor {anchorFile} is not usable: {problem}.").ToString());
                return ExitCodes.InvalidInput;
            }
        }

        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateStreamingContext(configuration, settings.Actor);
        var result = await AuditChain.VerifyAsync(db, cancellationToken).ConfigureAwait(false);
        if (result.Break is { } broken)
        {
            io.Error.WriteLine(Issue.Error(IssueCodes.AuditChainBroken, $"audit_entries[{broken.Sequence}]",
                $"The audit chain is broken at entry {broken.Sequence}: {broken.Problem}.").ToString());
            io.Out.WriteLine($"audit trail BROKEN at entry {broken.Sequence} ({result.Entries - 1} entries verified before it)");
            return ExitCodes.InvalidInput;
        }

        io.Out.WriteLine($"audit trail intact: {result.Entries} entries, head {result.HeadHash}");
        var exit = ExitCodes.Ok;
        if (anchor is not null)
        {
            var check = await anchor.CheckAsync(db, key!, cancellationToken).ConfigureAwait(false);
            if (check.Status == AnchorStatus.Extended)
            {
                io.Out.WriteLine($"anchor: {check.Detail}");
            }
            else
            {
                var code = check.Status == AnchorStatus.BadSignature ? IssueCodes.AnchorInvalid : IssueCodes.AnchorNotExtended;
                io.Error.WriteLine(Issue.Error(code, "--anchor", $"The chain does not extend the anchor {settings.Anchor}: {check.Detail}.").ToString());
                io.Out.WriteLine($"anchor: FAILED ({check.Status.ToString().ToLowerInvariant()})");
                exit = ExitCodes.InvalidInput;
            }
        }

        if (settings.Data)
        {
            var summary = await LedgerCheck.RunAsync(configuration, difference => io.Error.WriteLine(Issue.Error(IssueCodes.LedgerMismatch,
                $"{difference.Table}[{difference.Key}].{difference.Field}",
                $"Stored {Show(difference.Stored)} but the audit trail says {Show(difference.Audited)}.").ToString()), cancellationToken).ConfigureAwait(false);
            io.Out.WriteLine(summary.Holds
                ? $"data agrees with the audit trail: {summary.Records} records ({summary.BulkRows} from bulk writes)"
                : $"data DIFFERS from the audit trail: {summary.Differences} difference(s) in {summary.Records} records");
            exit = summary.Holds ? exit : ExitCodes.InvalidInput;
        }

        return exit;
    }

    private static string Show(string? value) => value is null ? "null" : $"\"{value}\"";
}
