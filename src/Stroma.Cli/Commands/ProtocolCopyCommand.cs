using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Protocols;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma protocol copy TEMPLATE NEWKEY [--dose COMPONENT=DOSE]</c>: a built-in template as a site's draft.</summary>
public sealed class ProtocolCopyCommand(CliIo io) : AsyncCommand<ProtocolCopyCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<TEMPLATE>")]
        [Description("Built-in template key (see 'stroma protocol list').")]
        public string Template { get; init; } = "";

        [CommandArgument(1, "<NEWKEY>")]
        [Description("The site protocol's key (snake_case).")]
        public string NewKey { get; init; } = "";

        [CommandOption("--dose <COMPONENT=DOSE>")]
        [Description("Set a component's dose: cells (msc=5e7) or cells per kg (nk=1e6/kg). Repeat per component. A dose the template's source does not give must be set before approval.")]
        public string[] Doses { get; init; } = [];

        [CommandOption("--reason <TEXT>")]
        [Description("Why (default: copied from the template).")]
        public string? Reason { get; init; }

        public override ValidationResult Validate()
        {
            var bad = Doses.Where(d => ParseDose(d) is null).ToList();
            return bad.Count == 0 ? ValidationResult.Success()
                : ValidationResult.Error($"--dose must be COMPONENT=CELLS or COMPONENT=CELLS/kg with a number above 0 (e.g. msc=5e7, nk=1e6/kg), not: {string.Join(", ", bad)}.");
        }
    }

    internal static (string Component, DoseRule Dose)? ParseDose(string text)
    {
        var parts = text.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0)
        {
            return null;
        }

        var perKg = parts[1].EndsWith("/kg", StringComparison.Ordinal);
        var number = perKg ? parts[1][..^3] : parts[1];
        if (!decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0m)
        {
            return null;
        }

        return (parts[0], perKg ? new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(value)) : new DoseRule.Fixed(CellCount.Cells(value)));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var doses = new Dictionary<string, DoseRule>(StringComparer.Ordinal);
        foreach (var (component, dose) in settings.Doses.Select(d => ParseDose(d)!.Value))
        {
            doses[component] = dose;
        }

        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var result = await ProtocolVersions.CopyAsync(db, settings.Template, settings.NewKey, doses, settings.Reason, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } v)
        {
            var number = v.Number.ToString(CultureInfo.InvariantCulture);
            io.Out.WriteLine($"{v.ProtocolKey} version {number} stored as a draft (copied from {settings.Template}); review it with: stroma protocol show {v.ProtocolKey} --version {number}");
        }

        return code;
    }
}
