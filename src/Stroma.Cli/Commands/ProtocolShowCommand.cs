using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Labs;
using Stroma.Data.Protocols;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma protocol show KEY [--version N] --format json|text</c>: one protocol version, as its canonical JSON or as text.</summary>
public sealed class ProtocolShowCommand(CliIo io) : AsyncCommand<ProtocolShowCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<KEY>")]
        [Description("Protocol key (a built-in template or a stored protocol).")]
        public string Key { get; init; } = "";

        [CommandOption("--version <N>")]
        [Description("Version number. Default: the latest version, draft or approved.")]
        public int? Version { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("text (default) or json (the canonical definition, which 'protocol define' reads back).")]
        [DefaultValue("text")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() => Check(
            (Format is "text" or "json", $"--format must be text or json, not '{Format}'."),
            (Version is null or >= 1, "--version must be 1 or more."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var (version, issue) = await ProtocolVersions.FindAsync(db, settings.Key, settings.Version, includeDrafts: true, cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            return Report(io, [issue!]);
        }

        if (settings.Format == "json")
        {
            io.Out.Write(version.DefinitionJson);
            return ExitCodes.Ok;
        }

        ProtocolText.Write(io.Out, version);
        return ExitCodes.Ok;
    }
}

/// <summary>Wording shared by the protocol commands.</summary>
internal static class ProtocolText
{
    public static string Route(AdministrationRoute route) => route switch
    {
        AdministrationRoute.Intravenous => "IV",
        _ => route.ToString(),
    };

    public static string Status(ProtocolVersionView v) =>
        v.Status.ToString().ToLowerInvariant() + (v.IsTemplate ? ", built-in template" : "");

    public static string Signature(ProtocolVersionView v) => v.ApprovedBy is null ? ""
        : $"signed by {v.ApprovedBy}{(v.ApprovedAt is { } at ? " at " + Time(at) : "")} ({v.ApprovalMeaning})";

    /// <summary>The text form of one version.</summary>
    public static void Write(TextWriter o, ProtocolVersionView v)
    {
        var d = v.Definition;
        var p = d.Protocol;
        o.WriteLine($"{p.Key} version {v.Number.ToString(CultureInfo.InvariantCulture)} ({Status(v)})");
        o.WriteLine($"  name: {p.Name}");
        if (p.Description.Length > 0)
        {
            o.WriteLine($"  description: {p.Description}");
        }

        o.WriteLine($"  source: {p.Source}");
        o.WriteLine($"  consent version: {d.ConsentVersion}; entered late after {d.LateEntryDays.ToString(CultureInfo.InvariantCulture)} days; dose tolerance {p.Tolerance}");
        if (v.ChangeReason is not null)
        {
            o.WriteLine($"  change: {v.ChangeReason}");
        }

        if (v.ApprovedBy is not null)
        {
            o.WriteLine($"  approval: {Signature(v)}");
        }

        foreach (var c in p.Components)
        {
            o.WriteLine($"  component {c.Key} ({c.Label}): {c.Dose}{(c.Tolerance is { } own ? $" (tolerance {own})" : "")}, {Route(c.Route)}; accepts {string.Join(", ", CellProductTypes.All.Where(c.AcceptedProducts.Contains).Select(t => t.Key()))}");
        }

        foreach (var a in p.Administrations)
        {
            o.WriteLine($"  administration {a.Number.ToString(CultureInfo.InvariantCulture)}: {a.Offset}, window {a.Window}");
        }

        foreach (var f in p.FollowUps)
        {
            var collect = (f.Instruments.Count > 0 ? $"; instruments {string.Join(", ", f.Instruments)}" : "")
                + (f.LabPanels.Count > 0 ? $"; lab panels {string.Join(", ", f.LabPanels.Select(l => l.Key()))}" : "");
            o.WriteLine($"  {(f.Kind == FollowUpKind.Contact ? "contact" : "visit")} {f.Key} ({f.Label}): {f.Offset}, window {f.Window}{collect}");
        }

        foreach (var note in p.Notes)
        {
            o.WriteLine($"  note: {note}");
        }
    }
}
