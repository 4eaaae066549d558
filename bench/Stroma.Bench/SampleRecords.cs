using Stroma.Clinical.Scoring;

namespace Stroma.Bench;

/// <summary>
/// A valid, realistic record for each instrument: hand-written where the instrument has cross-item rules,
/// otherwise every third yes/no item present and numbers mid-range.
/// </summary>
internal static class SampleRecords
{
    public static Dictionary<string, ItemValue> For(IInstrument instrument)
    {
        var record = new Dictionary<string, ItemValue>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in instrument.Items)
        {
            switch (item.Kind)
            {
                case ItemKind.Boolean:
                    record[item.Key] = ItemValue.Of(i++ % 3 == 0);
                    break;
                case ItemKind.WholeNumber:
                case ItemKind.Number when item.Min is { } min && item.Max is { } max:
                    record[item.Key] = ItemValue.Of(decimal.Round((item.Min!.Value + item.Max!.Value) / 2));
                    break;
                default:
                    break;
            }
        }

        return record;
    }
}
