using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data.Protocols;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma protocol define FILE</c>: stores a JSON or YAML definition as a draft version (docs/protocol.schema.json).</summary>
public sealed class ProtocolDefineCommand(CliIo io) : AsyncCommand<ProtocolDefineCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("Definition file, JSON or YAML (\"-\" reads standard input).")]
        public string File { get; init; } = "";

        [CommandOption("--reason <TEXT>")]
        [Description("Why this version differs from the previous one (required from version 2 on).")]
        public string? Reason { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.File != "-" && !System.IO.File.Exists(settings.File))
        {
            io.Error.WriteLine($"error: the file '{settings.File}' does not exist.");
            return ExitCodes.InvalidInput;
        }

        string text;
        using (var reader = io.OpenInput(settings.File))
        {
            text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var result = await ProtocolVersions.DefineAsync(db, text, settings.Reason, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } v)
        {
            io.Out.WriteLine($"{v.ProtocolKey} version {v.Number.ToString(CultureInfo.InvariantCulture)} stored as a draft; approve it with: stroma protocol approve {v.ProtocolKey} --version {v.Number.ToString(CultureInfo.InvariantCulture)} --meaning approved");
        }

        return code;
    }
}
