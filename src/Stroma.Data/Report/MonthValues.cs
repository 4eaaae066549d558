namespace Stroma.Data.Report;

/// <summary>Per-patient values by month: one slot per (measure, patient, month), NaN when missing.</summary>
internal sealed class MonthValues
{
    private readonly Dictionary<string, double[]> slots = new(StringComparer.Ordinal);

    public MonthValues(int patients, List<int> months)
    {
        Patients = patients;
        Months = months;
        foreach (var key in ReportMeasures.Definitions.Select(d => d.Key).Append(ReportMeasures.RenalGradeKey))
        {
            var array = new double[patients * months.Count];
            Array.Fill(array, double.NaN);
            slots[key] = array;
        }
    }

    public int Patients { get; }

    public List<int> Months { get; }

    public double[] Of(string measure) => slots[measure];

    public double Get(string measure, int patient, int monthIndex) => slots[measure][(patient * Months.Count) + monthIndex];

    /// <summary>Two values in one month (an unscheduled repeat on a visit of the same type): the first is kept.</summary>
    public void Set(double[] measure, VisitSlot visit, double value)
    {
        ref var slot = ref measure[(visit.Patient * Months.Count) + visit.MonthIndex];
        if (double.IsNaN(slot))
        {
            slot = value;
        }
    }
}
