namespace Stroma.Data.Report;

/// <summary>
/// The statistics of each measure at each month, computed once per measure as soon as its values are complete (by
/// the stream that read them, while the other streams still read), so that little is left after the last read. A renal
/// measure has a second set of cells for the lupus nephritis subgroup (<paramref name="nephritis"/>: per enrolled patient).
/// </summary>
internal sealed class MeasureCells(MonthValues values, bool[] nephritis)
{
    private readonly MeasureRow?[] cells = new MeasureRow?[ReportMeasures.Definitions.Length * 2 * values.Months.Count];
    private readonly int[] computed = new int[ReportMeasures.Definitions.Length];

    /// <summary>Computes the cells of the measures keyed <paramref name="keys"/> (their values must be complete).</summary>
    public void Compute(params string[] keys)
    {
        foreach (var key in keys)
        {
            Compute(Array.FindIndex(ReportMeasures.Definitions, d => d.Key == key));
        }
    }

    /// <summary>Computes the cells of definition <paramref name="index"/> unless already done.</summary>
    public void Compute(int index)
    {
        if (Interlocked.Exchange(ref computed[index], 1) == 1)
        {
            return;
        }

        var (key, label, unit, _) = ReportMeasures.Definitions[index];
        var months = values.Months.Count;
        for (var m = 0; m < months; m++)
        {
            cells[(index * 2 * months) + m] = ReportMeasures.Measure(key, ReportMeasures.AllPatients, label, unit, m, values, null);
            if (ReportMeasures.RenalMeasures.Contains(key))
            {
                cells[(((index * 2) + 1) * months) + m] = ReportMeasures.Measure(key, ReportMeasures.LupusNephritis, label, unit, m, values, nephritis);
            }
        }
    }

    public IEnumerable<MeasureRow> Rows() => cells.Where(c => c is not null).Select(c => c!);
}
