using System.ComponentModel;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Labs;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma labs catalog</c>: prints the analyte catalog (key, LOINC, canonical unit, accepted units, conversions).</summary>
public sealed class LabsCatalogCommand(CliIo io) : Command<LabsCatalogCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--ranges")]
        [Description("Also print the built-in default reference ranges (sourced values only) with their sources.")]
        public bool Ranges { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        foreach (var panel in AnalyteCatalog.All.GroupBy(a => a.Panel))
        {
            io.Out.WriteLine($"## {panel.Key}");
            foreach (var a in panel)
            {
                var loinc = a.Loinc is null ? "(no LOINC)" : a.LoincConfirmed ? a.Loinc : a.Loinc + "?";
                var units = a.IsQuantitative ? $"{a.CanonicalUnit!.Code} [{string.Join(", ", a.ReportedUnits.Select(u => u.Code))}]" : "";
                var scale = a.Scale is { } s ? $" scale {s}" : "";
                io.Out.WriteLine($"{a.Key,-26} {loinc,-10} {a.Name}: {units}{scale}".TrimEnd());
                if (a.Aliases.Count > 0 || a.OtherLoincs.Count > 0)
                {
                    io.Out.WriteLine($"    aliases: {string.Join(", ", a.OtherLoincs.Concat(a.Aliases))}");
                }

                foreach (var c in a.Conversions)
                {
                    io.Out.WriteLine($"    {c} ({c.Citation})");
                }

                if (a.Note is not null)
                {
                    io.Out.WriteLine($"    note: {a.Note}");
                }
            }
        }

        io.Out.WriteLine("LOINC codes marked ? are UNCONFIRMED (see docs/labs.md).");
        if (settings.Ranges)
        {
            io.Out.WriteLine("## Default reference ranges (only ranges read from the source named with each)");
            io.Out.WriteLine("Any other analyte has no default: configure your laboratory's ranges (stroma labs interpret --ranges; docs/labs.md).");
            foreach (var r in DefaultRanges.All)
            {
                io.Out.WriteLine($"{r.AnalyteKey,-26} {r.Describe()} | {r.DescribeSource()}");
            }
        }

        return ExitCodes.Ok;
    }
}
