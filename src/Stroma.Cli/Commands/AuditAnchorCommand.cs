using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Cli.Commands;

/// <summary>Where the anchor key comes from: a file or an environment variable, never the database.</summary>
public class AnchorKeySettings : DatabaseSettings
{
    [CommandOption("--key-file <FILE>")]
    [Description("File holding the anchor key (at least 32 bytes; surrounding white space is ignored).")]
    public string? KeyFile { get; init; }

    [CommandOption("--key-env <NAME>")]
    [Description("Environment variable holding the anchor key (at least 32 bytes).")]
    public string? KeyEnv { get; init; }

    /// <summary>The key, or null with an issue when it is missing, unreadable or short.</summary>
    internal AnchorKey? LoadKey(out Issue? issue)
    {
        issue = null;
        string? text;
        string source;
        if (KeyFile is { } file)
        {
            source = $"key file {file}";
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                issue = Issue.Error(IssueCodes.AnchorKeyInvalid, "--key-file", $"The key file {file} cannot be read: {e.Message}");
                return null;
            }
        }
        else
        {
            source = $"environment variable {KeyEnv}";
            text = Environment.GetEnvironmentVariable(KeyEnv!);
            if (text is null)
            {
                issue = Issue.Error(IssueCodes.AnchorKeyInvalid, "--key-env", $"The environment variable {KeyEnv} is not set.");
                return null;
            }
        }

        var key = AnchorKey.FromText(text);
        if (key is null)
        {
            issue = Issue.Error(IssueCodes.AnchorKeyInvalid, KeyFile is null ? "--key-env" : "--key-file",
                $"The {source} holds fewer than {AnchorKey.MinimumBytes} bytes; use a random key of at least {AnchorKey.MinimumBytes} bytes (e.g. openssl rand -base64 48).");
        }

        return key;
    }

    /// <summary>Exactly one key source, when a key is needed.</summary>
    private protected ValidationResult ValidateKey(bool needed) =>
        (KeyFile, KeyEnv) switch
        {
            (not null, not null) => ValidationResult.Error("Give the anchor key by --key-file or by --key-env, not both."),
            (null, null) when needed => ValidationResult.Error("Give the anchor key: --key-file FILE or --key-env NAME."),
            _ => ValidationResult.Success(),
        };
}

/// <summary>
/// <c>stroma audit anchor --out PATH</c>: verifies the audit chain and writes its head (entry count and last hash)
/// signed with HMAC-SHA256 under a key from a file or an environment variable, to a file, or to a new file in a
/// directory. Keep anchors somewhere the database's writers cannot change; <c>audit verify --anchor</c> then detects
/// a removed or rewritten tail (docs/operations.md, "Anchors").
/// </summary>
public sealed class AuditAnchorCommand(CliIo io) : AsyncCommand<AuditAnchorCommand.Settings>
{
    public sealed class Settings : AnchorKeySettings
    {
        [CommandOption("-o|--out <PATH>")]
        [Description("Anchor file to write, or an existing directory to add a new anchor file to.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Out is null ? ValidationResult.Error("Name where the anchor goes: --out FILE or --out DIRECTORY.") : ValidateKey(needed: true);
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.LoadKey(out var keyIssue) is not { } key)
        {
            io.Error.WriteLine(keyIssue!.ToString());
            return ExitCodes.InvalidInput;
        }

        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateStreamingContext(configuration, settings.Actor);
        var (anchor, chain) = await AuditAnchor.CreateAsync(db, key, cancellationToken).ConfigureAwait(false);
        if (anchor is null)
        {
            io.Error.WriteLine(Issue.Error(IssueCodes.AuditChainBroken, $"audit_entries[{chain.Break!.Sequence}]",
                $"The audit chain is broken at entry {chain.Break.Sequence}: {chain.Break.Problem}; a broken chain is not anchored.").ToString());
            return ExitCodes.InvalidInput;
        }

        var file = await anchor.SaveAsync(settings.Out!, cancellationToken).ConfigureAwait(false);
        io.Out.WriteLine($"anchored {anchor.Entries} entries, head {anchor.Head}, in {file}");
        return ExitCodes.Ok;
    }
}
