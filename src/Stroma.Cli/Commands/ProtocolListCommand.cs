using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma protocol list</c>: the built-in protocol templates with version, products, doses and timing.</summary>
public sealed class ProtocolListCommand(CliIo io) : Command<ProtocolListCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
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

            foreach (var note in p.Notes)
            {
                io.Out.WriteLine($"{"",-12}   note: {note}");
            }
        }

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
}
