using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data.Protocols;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma protocol approve KEY --version N --meaning M</c>: signs a draft version as approved (signer: --user).</summary>
public sealed class ProtocolApproveCommand(CliIo io) : AsyncCommand<ProtocolApproveCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<KEY>")]
        [Description("Protocol key.")]
        public string Key { get; init; } = "";

        [CommandOption("--version <N>")]
        [Description("The draft version to approve.")]
        public int? Version { get; init; }

        [CommandOption("--meaning <TEXT>")]
        [Description("Meaning of the e-signature, e.g. \"approved\".")]
        public string? Meaning { get; init; }

        public override ValidationResult Validate() => Check(
            (Version is >= 1, "Give --version N (1 or more)."),
            (!string.IsNullOrWhiteSpace(Meaning), "Give --meaning, e.g. --meaning approved."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var result = await ProtocolVersions.ApproveAsync(db, settings.Key, settings.Version!.Value, settings.Meaning!, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } v)
        {
            io.Out.WriteLine($"{v.ProtocolKey} version {v.Number.ToString(CultureInfo.InvariantCulture)} approved: signed by {v.ApprovedBy} at {Time(v.ApprovedAt!.Value)} ({v.ApprovalMeaning})");
        }

        return code;
    }
}
