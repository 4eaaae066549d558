namespace Stroma.Clinical.Labs;

/// <summary>Stable snake_case keys of the <see cref="LabPanel"/> values, as protocol definition files name them.</summary>
public static class LabPanelKeys
{
    public static string Key(this LabPanel panel) => panel switch
    {
        LabPanel.BloodCount => "blood_count",
        LabPanel.Urinalysis => "urinalysis",
        LabPanel.Liver => "liver",
        LabPanel.Kidney => "kidney",
        LabPanel.Electrolytes => "electrolytes",
        LabPanel.Coagulation => "coagulation",
        LabPanel.TCellSubsets => "t_cell_subsets",
        LabPanel.Immunoglobulins => "immunoglobulins",
        LabPanel.Complement => "complement",
        LabPanel.Autoantibodies => "autoantibodies",
        LabPanel.UrineProtein => "urine_protein",
        _ => throw new ArgumentOutOfRangeException(nameof(panel), panel, null),
    };

    /// <summary>The panel with this key, or null.</summary>
    public static LabPanel? Find(string? key) =>
        Enum.GetValues<LabPanel>().Cast<LabPanel?>().FirstOrDefault(p => p!.Value.Key() == key);
}
