namespace Stroma.Data.Report;

/// <summary>
/// The renal BILAG-2004 grades as the investigators entered them (never computed: the per-system grading rules are
/// UNCONFIRMED): their distribution at baseline and at 12 months, and each patient's change between the two, in all
/// enrolled patients and in the lupus nephritis subgroup.
/// </summary>
internal static class ReportRenalBilag
{
    private const string System = "renal";

    public static (List<GradeDistribution> Grades, List<GradeShift> Change) Summarise(ReportCohort cohort, MonthValues values)
    {
        var grades = new List<GradeDistribution>();
        var change = new List<GradeShift>();
        var baseline = values.Months.IndexOf(0);
        var month12 = values.Months.IndexOf(12);
        foreach (var (population, include) in new (string, Func<int, bool>)[]
        {
            (ReportMeasures.AllPatients, _ => true),
            (ReportMeasures.LupusNephritis, p => cohort.Enrolled[p].Nephritis),
        })
        {
            foreach (var m in new[] { baseline, month12 }.Where(m => m >= 0))
            {
                var counts = new int[5];
                for (var p = 0; p < values.Patients; p++)
                {
                    if (include(p) && values.Get(ReportMeasures.RenalGradeKey, p, m) is var g && !double.IsNaN(g))
                    {
                        counts[(int)g]++;
                    }
                }

                if (counts.Sum() > 0)
                {
                    grades.Add(new GradeDistribution(System, population, values.Months[m], counts.Sum(), counts[0], counts[1], counts[2], counts[3], counts[4]));
                }
            }

            if (baseline >= 0 && month12 >= 0)
            {
                int n = 0, improved = 0, unchanged = 0, worsened = 0;
                for (var p = 0; p < values.Patients; p++)
                {
                    var before = values.Get(ReportMeasures.RenalGradeKey, p, baseline);
                    var after = values.Get(ReportMeasures.RenalGradeKey, p, month12);
                    if (!include(p) || double.IsNaN(before) || double.IsNaN(after))
                    {
                        continue;
                    }

                    n++;
                    // A = 0 … E = 4: a higher index is a less active grade.
                    if (after > before)
                    {
                        improved++;
                    }
                    else if (after < before)
                    {
                        worsened++;
                    }
                    else
                    {
                        unchanged++;
                    }
                }

                if (n > 0)
                {
                    change.Add(new GradeShift(System, population, 0, 12, n, improved, unchanged, worsened));
                }
            }
        }

        return (grades, change);
    }
}
