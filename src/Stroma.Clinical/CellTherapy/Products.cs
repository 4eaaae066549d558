namespace Stroma.Clinical.CellTherapy;

/// <summary>The kind of cell product. New kinds (e.g. further CAR-T constructs) are added here, never renumbered.</summary>
public enum CellProductType
{
    /// <summary>Umbilical-cord-derived mesenchymal stromal cells (UC-MSC).</summary>
    UmbilicalCordMsc = 1,

    /// <summary>Bone-marrow-derived mesenchymal stromal cells (BM-MSC).</summary>
    BoneMarrowMsc = 2,

    /// <summary>Adipose-derived mesenchymal stromal cells (AD-MSC).</summary>
    AdiposeMsc = 3,

    /// <summary>Natural killer (NK) cells.</summary>
    NkCells = 4,

    /// <summary>Chimeric antigen receptor T cells; room for CAR-T protocols (no built-in template, no release default).</summary>
    CarT = 5,
}

/// <summary>Facts about product types that rules need.</summary>
public static class CellProductTypes
{
    /// <summary>Every product type, in declaration order.</summary>
    public static IReadOnlyList<CellProductType> All { get; } = Enum.GetValues<CellProductType>();

    /// <summary>The three MSC types: the ones the ISCT minimal criteria (Dominici 2006) apply to.</summary>
    public static IReadOnlySet<CellProductType> Msc { get; } =
        new HashSet<CellProductType> { CellProductType.UmbilicalCordMsc, CellProductType.BoneMarrowMsc, CellProductType.AdiposeMsc };

    public static bool IsMsc(this CellProductType type) => Msc.Contains(type);

    /// <summary>Stable snake_case key used in files, the CLI and the database.</summary>
    public static string Key(this CellProductType type) => type switch
    {
        CellProductType.UmbilicalCordMsc => "uc_msc",
        CellProductType.BoneMarrowMsc => "bm_msc",
        CellProductType.AdiposeMsc => "ad_msc",
        CellProductType.NkCells => "nk_cells",
        CellProductType.CarT => "car_t",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The abbreviation used in protocols and on labels.</summary>
    public static string Label(this CellProductType type) => type switch
    {
        CellProductType.UmbilicalCordMsc => "UC-MSC",
        CellProductType.BoneMarrowMsc => "BM-MSC",
        CellProductType.AdiposeMsc => "AD-MSC",
        CellProductType.NkCells => "NK cells",
        CellProductType.CarT => "CAR-T",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

/// <summary>How a lot is stored.</summary>
public enum StorageCondition
{
    /// <summary>Cryopreserved (must be thawed before preparation).</summary>
    Cryopreserved = 1,

    /// <summary>Fresh (not frozen).</summary>
    Fresh = 2,
}

/// <summary>Where and how a lot is kept.</summary>
/// <param name="Condition">Cryopreserved or fresh.</param>
/// <param name="Location">Free text: freezer, rack, position (site vocabulary).</param>
public sealed record LotStorage(StorageCondition Condition, string Location);

/// <summary>
/// One manufactured lot (batch) of a cell product. Identity and manufacturing facts only; the release status and
/// its decision live in <see cref="LotRelease"/>, the movements in <see cref="ChainOfCustody"/>.
/// </summary>
/// <param name="LotId">The lot identifier; when it is an ISBT 128 donation identification number,
/// <see cref="Isbt128Din.Parse"/> validates it.</param>
/// <param name="ProductType">What the lot is.</param>
/// <param name="DonorPseudonym">Pseudonymous donor code (never a name or national identifier).</param>
/// <param name="TissueSource">Tissue the cells came from, e.g. "umbilical cord (Wharton's jelly)".</param>
/// <param name="ManufacturingSite">Where the lot was made.</param>
/// <param name="ManufacturedOn">Date of manufacture (clinical date).</param>
/// <param name="Passage">Culture passage number (0 or more), or null when not applicable (e.g. NK cells).</param>
/// <param name="TotalCells">Cells in the lot.</param>
/// <param name="Concentration">Cells per millilitre.</param>
/// <param name="ViabilityPercent">Viable cells, percent (0–100) as measured at release.</param>
/// <param name="VolumeMillilitres">Volume of the lot in mL.</param>
/// <param name="Storage">Storage condition and location.</param>
/// <param name="ExpiresOn">Last date on which the lot may be used (it is expired from the next day on).</param>
public sealed record CellLot(
    string LotId,
    CellProductType ProductType,
    string DonorPseudonym,
    string TissueSource,
    string ManufacturingSite,
    DateOnly ManufacturedOn,
    int? Passage,
    CellCount TotalCells,
    CellConcentration Concentration,
    decimal ViabilityPercent,
    decimal VolumeMillilitres,
    LotStorage Storage,
    DateOnly ExpiresOn)
{
    /// <summary>Expired on <paramref name="date"/>: usable through <see cref="ExpiresOn"/>, expired the day after.</summary>
    public bool IsExpiredOn(DateOnly date) => date > ExpiresOn;

    /// <summary>Gathers every problem with the record itself (missing text, impossible values or dates).</summary>
    public IReadOnlyList<Issues.Issue> Validate()
    {
        var issues = new List<Issues.Issue>();
        void Missing(string value, string path)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                issues.Add(Issues.Issue.Error(Issues.IssueCodes.MissingItem, path, $"The lot's {path} is missing."));
            }
        }

        Missing(LotId, "lot_id");
        Missing(DonorPseudonym, "donor_pseudonym");
        Missing(TissueSource, "tissue_source");
        Missing(ManufacturingSite, "manufacturing_site");
        if (Passage is < 0)
        {
            issues.Add(Issues.Issue.Error(Issues.IssueCodes.OutOfRange, "passage", $"Passage {Passage} is negative."));
        }

        if (ViabilityPercent is < 0m or > 100m)
        {
            issues.Add(Issues.Issue.Error(Issues.IssueCodes.OutOfRange, "viability_percent", $"Viability {ViabilityPercent}% is outside 0–100%."));
        }

        if (VolumeMillilitres <= 0m)
        {
            issues.Add(Issues.Issue.Error(Issues.IssueCodes.OutOfRange, "volume_ml", $"Volume {VolumeMillilitres} mL must be above 0."));
        }

        if (ExpiresOn < ManufacturedOn)
        {
            issues.Add(Issues.Issue.Error(Issues.IssueCodes.LotExpiryBeforeManufacture, "expires_on",
                $"Expiry {ExpiresOn:yyyy-MM-dd} is before manufacture {ManufacturedOn:yyyy-MM-dd}."));
        }

        if (Storage.Condition == StorageCondition.Cryopreserved && string.IsNullOrWhiteSpace(Storage.Location))
        {
            issues.Add(Issues.Issue.Error(Issues.IssueCodes.MissingItem, "storage.location", "A cryopreserved lot needs its storage location."));
        }

        return issues;
    }
}
