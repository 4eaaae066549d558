using Stroma.Clinical.CellTherapy;

namespace Stroma.Clinical.Tests.CellTherapy;

/// <summary>Builders for test lots; each test changes what it checks with <c>with</c>.</summary>
internal static class CellTherapyData
{
    public static CellLot UcMscLot(DateOnly? expiresOn = null) => new(
        "G123498654321H",
        CellProductType.UmbilicalCordMsc,
        "DONOR-0007",
        "umbilical cord (Wharton's jelly)",
        "Site A GMP facility",
        new DateOnly(2017, 7, 1),
        4,
        CellCount.Cells(1e8m),
        CellConcentration.CellsPerMillilitre(1e6m),
        95m,
        100m,
        new LotStorage(StorageCondition.Cryopreserved, "LN2 tank 2, rack 4, box 1"),
        expiresOn ?? new DateOnly(2018, 6, 30));
}
