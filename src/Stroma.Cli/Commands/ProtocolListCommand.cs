using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Protocols;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma protocol list</c>: the built-in protocol templates (approved version 1, read-only) with products, doses and
/// timing, then, when a database is named (--database or $STROMA_DATABASE), every stored protocol version with its
/// status and approval signature.
/// </summary>
public sealed class ProtocolListCommand(CliIo io) : AsyncCommand<ProtocolListCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (var p in ProtocolTemplates.All)
        {
            io.Out.WriteLine($"{p.Key,-12} {p.Name} (version {p.Version})");
            foreach (var c in p.Components)
            {
                io.Out.WriteLine($"{"",-12}   {c.Label}: {c.Dose}, {ProtocolText.Route(c.Route)}");
            }

            io.Out.WriteLine($"{"",-12}   administrations: {string.Join(", ", p.Administrations.Select(a => a.Offset))}");
            if (p.FollowUps.Count > 0)
            {
                io.Out.WriteLine($"{"",-12}   follow-up: {string.Join(", ", p.FollowUps.Select(v => v.Offset))}");
            }

            if (p.CarT is { } carT)
            {
                io.Out.WriteLine($"{"",-12}   before day 0: {string.Join(", ", carT.Preparation.Select(s => s.Label))}; release tests: {string.Join(", ", carT.ReleaseTests.Select(t => t.Label))}");
                io.Out.WriteLine($"{"",-12}   lymphodepletion: {string.Join("; ", carT.Lymphodepletion)}; BSA by {(carT.BsaFormula == BsaFormula.Mosteller ? "Mosteller 1987" : "Du Bois 1916")}");
            }

            if (p.FollowUps.FirstOrDefault(v => v.Collects.Count > 0) is { } yearly)
            {
                io.Out.WriteLine($"{"",-12}   long-term follow-up collects: {string.Join("; ", yearly.Collects)}");
            }

            foreach (var note in p.Notes)
            {
                io.Out.WriteLine($"{"",-12}   note: {note}");
            }
        }

        if (settings.Database is null && Environment.GetEnvironmentVariable("STROMA_DATABASE") is null)
        {
            return ExitCodes.Ok;
        }

        await using var db = await CellTherapyArguments.OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var stored = (await ProtocolVersions.ListAsync(db, cancellationToken).ConfigureAwait(false)).Where(v => !v.IsTemplate).ToList();
        io.Out.WriteLine(stored.Count == 0 ? "stored protocols: none (define one with 'stroma protocol define FILE' or 'stroma protocol copy')" : "stored protocols:");
        foreach (var v in stored)
        {
            io.Out.WriteLine($"{v.Key,-12} version {v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)} {ProtocolText.Status(v)}: {v.Definition.Protocol.Name}"
                + (v.ApprovedBy is null ? "" : $"; {ProtocolText.Signature(v)}"));
        }

        return ExitCodes.Ok;
    }
}
