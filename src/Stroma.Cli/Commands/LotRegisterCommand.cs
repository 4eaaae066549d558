using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma lot register &lt;LOT&gt; --site S</c>: registers a manufactured lot of a site in quarantine (checked by <see cref="CellLot.Validate"/>).</summary>
public sealed class LotRegisterCommand(CliIo io) : AsyncCommand<LotRegisterCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<LOT>")]
        [Description("Lot id as labelled.")]
        public string Lot { get; init; } = "";

        [CommandOption("--site <CODE>")]
        [Description("The site (hospital) that holds and receives the lot: its users see it (required).")]
        public string? Site { get; init; }

        [CommandOption("--type <TYPE>")]
        [Description("Product type: uc_msc, bm_msc, ad_msc, nk_cells, car_t.")]
        public string? Type { get; init; }

        [CommandOption("--din")]
        [Description("The lot id is an ISBT 128 donation identification number: check its structure and check character.")]
        public bool Din { get; init; }

        [CommandOption("--donor <CODE>")]
        [Description("Pseudonymous donor code.")]
        public string Donor { get; init; } = "";

        [CommandOption("--tissue <SOURCE>")]
        [Description("Tissue source (e.g. umbilical cord).")]
        public string Tissue { get; init; } = "";

        [CommandOption("--manufacturer <SITE>")]
        [Description("Manufacturing site.")]
        public string Manufacturer { get; init; } = "";

        [CommandOption("--manufactured <DATE>")]
        [Description("Manufacturing date, YYYY-MM-DD.")]
        public string? Manufactured { get; init; }

        [CommandOption("--expires <DATE>")]
        [Description("Expiry date, YYYY-MM-DD (usable through that day).")]
        public string? Expires { get; init; }

        [CommandOption("--passage <N>")]
        [Description("Passage number.")]
        public int? Passage { get; init; }

        [CommandOption("--cells <N>")]
        [Description("Total cells in the lot (e.g. 2e8).")]
        public string? Cells { get; init; }

        [CommandOption("--concentration <N>")]
        [Description("Cells per mL.")]
        public string? Concentration { get; init; }

        [CommandOption("--viability <PCT>")]
        [Description("Viability at manufacture, %.")]
        public string? Viability { get; init; }

        [CommandOption("--volume <ML>")]
        [Description("Volume, mL.")]
        public string? Volume { get; init; }

        [CommandOption("--storage <KIND>")]
        [Description("cryopreserved or fresh.")]
        public string Storage { get; init; } = "cryopreserved";

        [CommandOption("--location <WHERE>")]
        [Description("Storage location (required for a cryopreserved lot).")]
        public string Location { get; init; } = "";

        public override ValidationResult Validate() => Check(
            (!string.IsNullOrWhiteSpace(Site), "Give --site: the code of the site that holds and receives the lot."),
            (TryProduct(Type, out _), "--type must be one of uc_msc, bm_msc, ad_msc, nk_cells, car_t."),
            (IsDate(Manufactured) && IsDate(Expires), "Give --manufactured and --expires as YYYY-MM-DD."),
            (IsNumber(Cells) && Number(Cells!) >= 0m, "--cells must be a number of cells (0 or more)."),
            (IsNumber(Concentration) && Number(Concentration!) >= 0m, "--concentration must be cells per mL (0 or more)."),
            (IsNumber(Viability), "--viability must be a percentage."),
            (IsNumber(Volume), "--volume must be a number of mL."),
            (Storage is "cryopreserved" or "fresh", "--storage must be cryopreserved or fresh."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        TryProduct(settings.Type, out var type);
        var lot = new CellLot(settings.Lot, type, settings.Donor, settings.Tissue, settings.Manufacturer, Date(settings.Manufactured!), settings.Passage,
            CellCount.Cells(Number(settings.Cells!)), CellConcentration.CellsPerMillilitre(Number(settings.Concentration!)), Number(settings.Viability!),
            Number(settings.Volume!), new LotStorage(settings.Storage == "fresh" ? StorageCondition.Fresh : StorageCondition.Cryopreserved, settings.Location),
            Date(settings.Expires!));
        var result = await Lots.RegisterAsync(db, lot, settings.Site!, settings.Din, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } stored)
        {
            io.Out.WriteLine($"lot {stored.LotNumber} registered at site {settings.Site!.Trim().ToUpperInvariant()}: {stored.ProductType.Label()}, {Cells(stored.TotalCells)} cells, expires {stored.ExpiresOn:yyyy-MM-dd}, status quarantine");
        }

        return code;
    }
}
