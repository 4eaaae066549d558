namespace Stroma.Clinical.Statistics;

/// <summary>
/// Descriptive statistics of one variable, as R reports them: <c>length</c>, <c>mean</c>, <c>sd</c> (n − 1
/// denominator), <c>median</c>, and the quartiles of <c>quantile(x, type = 7)</c> (R's default), after dropping
/// missing values (counted in <see cref="Missing"/>). Statistics that need more values than there are are NaN
/// (R's NA): the SD needs two values, everything else one.
/// </summary>
/// <param name="N">Number of non-missing values.</param>
/// <param name="Missing">Number of missing values dropped (null or NaN).</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="StandardDeviation">Sample standard deviation (denominator n − 1).</param>
/// <param name="Median">Median.</param>
/// <param name="Q1">25th percentile, R type 7.</param>
/// <param name="Q3">75th percentile, R type 7.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record DescriptiveSummary(int N, int Missing, double Mean, double StandardDeviation, double Median, double Q1, double Q3, double Min, double Max)
{
    /// <summary>Interquartile range Q3 − Q1 (R: <c>IQR(x)</c>).</summary>
    public double Iqr => Q3 - Q1;
}

/// <summary>Descriptive statistics and R's type 7 quantiles.</summary>
public static class Descriptive
{
    /// <summary>Summarises the values; nulls and NaNs are missing.</summary>
    public static DescriptiveSummary Summarise(IEnumerable<double?> values)
    {
        Preconditions.NotNull(values);
        var present = new List<double>();
        var missing = 0;
        foreach (var v in values)
        {
            if (v is { } x && !double.IsNaN(x))
            {
                present.Add(x);
            }
            else
            {
                missing++;
            }
        }

        var sorted = present.ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        if (n == 0)
        {
            return new DescriptiveSummary(0, missing, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var mean = Mean(present);
        return new DescriptiveSummary(n, missing, mean, StandardDeviation(present, mean), Quantile(sorted, 0.5),
            Quantile(sorted, 0.25), Quantile(sorted, 0.75), sorted[0], sorted[^1]);
    }

    /// <summary>Summarises the values; NaN is missing.</summary>
    public static DescriptiveSummary Summarise(IEnumerable<double> values) => Summarise(Preconditions.NotNull(values).Select(v => (double?)v));

    /// <summary>Mean with R's second-pass correction (<c>mean.default</c> adds the mean residual back).</summary>
    public static double Mean(IReadOnlyList<double> values)
    {
        Preconditions.NotNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var s = 0.0;
        foreach (var v in values)
        {
            s += v;
        }

        s /= values.Count;
        var t = 0.0;
        foreach (var v in values)
        {
            t += v - s;
        }

        return s + (t / values.Count);
    }

    /// <summary>Sample standard deviation (n − 1), two-pass about the given mean.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values, double mean)
    {
        Preconditions.NotNull(values);
        if (values.Count < 2)
        {
            return double.NaN;
        }

        var ss = 0.0;
        foreach (var v in values)
        {
            ss += (v - mean) * (v - mean);
        }

        return Math.Sqrt(ss / (values.Count - 1));
    }

    /// <summary>
    /// R's type 7 quantile of sorted values: h = (n − 1)p, Q = (1 − f)·x[⌊h⌋] + f·x[⌊h⌋ + 1] with f = h − ⌊h⌋
    /// (0-based), exactly as <c>quantile.default</c> computes it.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        Preconditions.NotNull(sorted);
        Preconditions.Requires(p is >= 0 and <= 1, "p must be in [0, 1].");
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var index = (sorted.Count - 1) * p;
        var lo = (int)Math.Floor(index);
        var hi = (int)Math.Ceiling(index);
        var q = sorted[lo];
        var h = index - lo;
        return h > 0 && sorted[hi] != q ? ((1 - h) * q) + (h * sorted[hi]) : q;
    }
}
