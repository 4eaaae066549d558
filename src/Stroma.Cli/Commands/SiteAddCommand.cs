using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data.Registry;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma site add CODE --name NAME [--country CC]</c>: adds a participating site and its first laboratory (<see cref="Registration"/>).</summary>
public sealed class SiteAddCommand(CliIo io) : AsyncCommand<SiteAddCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<CODE>")]
        [Description("Site code: 1 to 32 letters, digits, '-' or '_' (stored in upper case), unique.")]
        public string Code { get; init; } = "";

        [CommandOption("--name <NAME>")]
        [Description("The site's name (the hospital or department).")]
        public string? Name { get; init; }

        [CommandOption("--country <CC>")]
        [Description("Two-letter ISO 3166-1 country code, e.g. CN.")]
        public string? Country { get; init; }

        public override ValidationResult Validate() => Check((!string.IsNullOrWhiteSpace(Name), "Give --name NAME."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var result = await Registration.AddSiteAsync(db, new SiteRequest(settings.Code, settings.Name!, settings.Country), cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } site)
        {
            io.Out.WriteLine($"site {site.Code} added: {site.Name}" + (site.Country is null ? "" : $" ({site.Country})") + ", with its laboratory LAB");
        }

        return code;
    }
}
