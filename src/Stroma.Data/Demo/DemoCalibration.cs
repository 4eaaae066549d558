using System.Globalization;

namespace Stroma.Data.Demo;

/// <summary>
/// The figures the synthetic 40-patient cohort reproduces by construction, as the seed article reports the multicentre
/// study (Wang D et al. Arthritis Res Ther 2014;16:R79): 38 of the 40 patients with active lupus nephritis, and in them
/// 24-h proteinuria 2.24 ± 1.43 g before treatment and 1.41 ± 1.33 g at 12 months (mean ± SD, over the nephritis
/// patients with a value at that visit: the 38 at baseline, the 35 alive at 12 months). Where the publication gives no
/// figure the demo chose one, and says so here: which two patients have no nephritis (<see cref="WithoutNephritis"/>),
/// the shape of the distributions (right-skewed, log-normal ranks of the generator's draws), every other time point.
/// </summary>
internal static class DemoCalibration
{
    /// <summary>Published 24-h proteinuria (g/24 h) in the nephritis patients: visit type, mean, SD (two decimals, as published).</summary>
    internal static readonly (string VisitType, decimal Mean, decimal Sd)[] Proteinuria =
    [
        ("baseline", 2.24m, 1.43m),
        ("month_12", 1.41m, 1.33m),
    ];

    /// <summary>The two of patients 1–40 without lupus nephritis (38 of 40 had it): the demo's choice, two of the lowest baseline SLEDAI rows of Table 1.</summary>
    internal static readonly int[] WithoutNephritis = [11, 13];

    /// <summary>SLEDAI-2K proteinuria: &gt; 0.5 g/24 h (Gladman 2002). A value with the descriptor present lies above it, one without at or below it.</summary>
    internal const decimal SledaiProteinuriaThreshold = 0.5m;

    /// <summary>How close the unrounded mean and SD must come to the published figure, so that both round to it unambiguously.</summary>
    private const double Tolerance = 0.004;

    /// <summary>One patient's value to calibrate: the generator's draw and whether SLEDAI-2K proteinuria is present at that visit.</summary>
    internal sealed record Value(double Drawn, bool Above, Action<decimal> Set);

    /// <summary>
    /// Replaces the drawn values by values with the published mean and SD (to two decimals) that keep every SLEDAI-2K
    /// proteinuria descriptor true: values below the threshold stay as drawn; those above become
    /// 0.5 + exp(a + b·z) of the draws' log-ranks z, with a and b solved for the published mean and SD; all are rounded to
    /// 0.01 g and then moved by 0.01 g steps until the rounded mean and SD are the published ones.
    /// </summary>
    internal static void Apply(IReadOnlyList<Value> values, decimal mean, decimal sd)
    {
        var n = values.Count;
        var fixedValues = values.Where(v => !v.Above).Select(v => Math.Round(v.Drawn, 2)).ToList();
        var above = values.Where(v => v.Above).ToList();
        var sumFixed = fixedValues.Sum();
        var squaresFixed = fixedValues.Sum(v => v * v);
        var targetSum = n * (double)mean;
        var targetSquares = ((n - 1) * (double)sd * (double)sd) + (n * (double)mean * (double)mean);
        var excess = targetSum - sumFixed - ((double)SledaiProteinuriaThreshold * above.Count);
        if (above.Count < 2 || excess <= 0)
        {
            throw new InvalidOperationException($"The demo cannot reach a mean of {mean} g with {above.Count} values above 0.5 g.");
        }

        var logs = above.Select(v => Math.Log(v.Drawn - (double)SledaiProteinuriaThreshold + 1e-3)).ToList();
        var logMean = logs.Average();
        var logSd = Math.Sqrt(logs.Sum(l => (l - logMean) * (l - logMean)) / (logs.Count - 1));
        var z = logs.Select(l => logSd > 0 ? (l - logMean) / logSd : 0).ToList();
        double[] Make(double b)
        {
            var e = z.Select(x => Math.Exp(b * x)).ToArray();
            var scale = excess / e.Sum();
            return [.. e.Select(x => (double)SledaiProteinuriaThreshold + (scale * x))];
        }

        var targetAboveSquares = targetSquares - squaresFixed;
        double low = 0, high = 8;
        for (var i = 0; i < 200; i++)
        {
            var b = (low + high) / 2;
            if (Make(b).Sum(v => v * v) < targetAboveSquares)
            {
                low = b;
            }
            else
            {
                high = b;
            }
        }

        var made = Make((low + high) / 2);
        var result = new decimal[n];
        var aboveIndex = new List<int>();
        for (int i = 0, a = 0; i < n; i++)
        {
            if (values[i].Above)
            {
                result[i] = Math.Max(0.51m, Math.Round((decimal)made[a++], 2, MidpointRounding.AwayFromZero));
                aboveIndex.Add(i);
            }
            else
            {
                result[i] = Math.Round((decimal)values[i].Drawn, 2, MidpointRounding.AwayFromZero);
            }
        }

        Nudge(result, aboveIndex, (double)mean, (double)sd);
        for (var i = 0; i < n; i++)
        {
            values[i].Set(result[i]);
        }
    }

    /// <summary>Moves values above the threshold by 0.01 g until the mean and SD are within <see cref="Tolerance"/> of the targets.</summary>
    private static void Nudge(decimal[] values, List<int> above, double mean, double sd)
    {
        for (var step = 0; step < 10_000; step++)
        {
            var m = values.Average(v => (double)v);
            var s = Math.Sqrt(values.Sum(v => ((double)v - m) * ((double)v - m)) / (values.Length - 1));
            if (Math.Abs(m - mean) < Tolerance && Math.Abs(s - sd) < Tolerance)
            {
                return;
            }

            var middle = above.Where(i => values[i] > 0.52m).OrderBy(i => Math.Abs((double)values[i] - m)).ThenBy(i => i).First();
            var largest = above.OrderByDescending(i => values[i]).ThenBy(i => i).First();
            if (Math.Abs(m - mean) >= Tolerance)
            {
                values[middle] += m < mean ? 0.01m : -0.01m;
            }
            else
            {
                var widen = s < sd ? 0.01m : -0.01m;
                values[largest] += widen;
                values[middle] -= widen;
            }
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The demo could not reach mean {mean} and SD {sd}."));
    }
}
