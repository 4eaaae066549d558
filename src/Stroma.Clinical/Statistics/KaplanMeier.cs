namespace Stroma.Clinical.Statistics;

/// <summary>The scale on which pointwise confidence intervals of survival are built (R: <c>survfit(conf.type = )</c>).</summary>
public enum ConfidenceType
{
    /// <summary>exp(log S ± z·se(log S)), upper limit capped at 1: R's default <c>"log"</c>.</summary>
    Log,

    /// <summary>exp(−exp(log(−log S) ∓ z·se(log S)/log S)): R's <c>"log-log"</c>.</summary>
    LogLog,
}

/// <summary>
/// One row of a Kaplan-Meier table: one distinct time (event or censoring) in one group, as a row of R's
/// <c>summary(survfit(...), censored = TRUE)</c>. Undefined values (R's NA/NaN) are NaN.
/// </summary>
/// <param name="Time">The time.</param>
/// <param name="AtRisk">Number at risk just before the time (those with time ≥ it).</param>
/// <param name="Events">Events at the time.</param>
/// <param name="Censored">Censored at the time (still at risk at the time itself).</param>
/// <param name="Survival">Kaplan-Meier estimate S(t) = Π (1 − d/n).</param>
/// <param name="StdErr">Standard error of S(t) by Greenwood: S·√Σ d/(n(n − d)) (R's summary scale); NaN once S = 0.</param>
/// <param name="Lower">Lower confidence limit; NaN where R gives NA (S = 0, or S = 1 on the log-log scale).</param>
/// <param name="Upper">Upper confidence limit; NaN where R gives NA.</param>
public sealed record SurvivalRow(double Time, int AtRisk, int Events, int Censored, double Survival, double StdErr, double Lower, double Upper);

/// <summary>Median survival with its confidence interval; null where R reports NA (not reached).</summary>
/// <param name="Median">Median survival time, or null when the curve never falls to 0.5.</param>
/// <param name="Lower">Lower confidence limit (where the lower confidence curve reaches 0.5), or null.</param>
/// <param name="Upper">Upper confidence limit (where the upper confidence curve reaches 0.5), or null.</param>
public sealed record MedianSurvival(double? Median, double? Lower, double? Upper);

/// <summary>One group's Kaplan-Meier curve.</summary>
/// <param name="Group">The group's name (empty when there is one group).</param>
/// <param name="N">Number of observations in the group.</param>
/// <param name="Rows">One row per distinct time, ascending.</param>
/// <param name="Median">Median survival and its interval.</param>
/// <param name="ConfidenceType">The scale of the rows' confidence intervals.</param>
public sealed record SurvivalCurve(string Group, int N, IReadOnlyList<SurvivalRow> Rows, MedianSurvival Median, ConfidenceType ConfidenceType)
{
    /// <summary>
    /// Survival at time t, as R's <c>summary(fit, times = t, extend = FALSE)</c>: the row in force at t, with the
    /// number at risk at t; null when t is after the last observed time.
    /// </summary>
    public SurvivalRow? At(double t)
    {
        if (Rows.Count == 0 || t > Rows[^1].Time)
        {
            return null;
        }

        var i = LastAtOrBefore(t);
        var atRisk = N;
        for (var j = 0; j < Rows.Count; j++)
        {
            if (Rows[j].Time >= t)
            {
                atRisk = Rows[j].AtRisk;
                break;
            }
        }

        if (i < 0)
        {
            // Before the first time R's summary.survfit fills S = 1 with limits 1 on every scale (even log-log).
            return new SurvivalRow(t, atRisk, 0, 0, 1, 0, 1, 1);
        }

        var r = Rows[i];
        return r with { Time = t, AtRisk = atRisk };
    }

    private int LastAtOrBefore(double t)
    {
        int lo = 0, hi = Rows.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Rows[mid].Time <= t)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}

/// <summary>
/// Kaplan-Meier estimator with Greenwood variance and pointwise confidence intervals, equal to R survival 3.5's
/// <c>survfit(Surv(time, status) ~ group, conf.type = "log" | "log-log")</c> and its <c>summary(censored = TRUE)</c>
/// and <c>quantile(fit, 0.5)</c> (Kaplan &amp; Meier 1958; Greenwood 1926; Therneau &amp; Grambsch 2000).
/// One pass over data sorted once by time.
/// </summary>
public static class KaplanMeier
{
    /// <summary>Fits one curve per group.</summary>
    public static IReadOnlyList<SurvivalCurve> Fit(SurvivalData data, ConfidenceType confidenceType = ConfidenceType.Log, double confidence = 0.95)
    {
        Preconditions.NotNull(data);
        Preconditions.Requires(confidence is > 0 and < 1, "confidence must be in (0, 1).");
        var z = Distributions.NormalQuantile(1 - ((1 - confidence) / 2));
        var k = data.GroupNames.Count;
        var atRisk = (int[])data.GroupSizes.Clone();
        var survival = new double[k];
        var greenwood = new double[k];
        Array.Fill(survival, 1.0);
        var deaths = new int[k];
        var censored = new int[k];
        var touched = new List<int>(k);
        var rows = new List<SurvivalRow>[k];
        for (var g = 0; g < k; g++)
        {
            rows[g] = [];
        }

        var times = data.Times;
        var codes = data.Codes;
        var n = times.Length;
        for (var i = 0; i < n;)
        {
            var t = times[i];
            var j = i;
            for (; j < n && times[j] == t; j++)
            {
                var g = (codes[j] >> 1) % k;
                if (deaths[g] == 0 && censored[g] == 0)
                {
                    touched.Add(g);
                }

                if ((codes[j] & 1) == 1)
                {
                    deaths[g]++;
                }
                else
                {
                    censored[g]++;
                }
            }

            foreach (var g in touched)
            {
                double nr = atRisk[g], d = deaths[g];
                if (d > 0)
                {
                    survival[g] *= (nr - d) / nr;
                    greenwood[g] += nr == d ? double.PositiveInfinity : d / (nr * (nr - d));
                }

                var s = survival[g];
                var se = Math.Sqrt(greenwood[g]);
                var (lower, upper) = Interval(s, se, z, confidenceType);
                rows[g].Add(new SurvivalRow(t, atRisk[g], deaths[g], censored[g], s, s * se, lower, upper));
                atRisk[g] -= deaths[g] + censored[g];
                deaths[g] = 0;
                censored[g] = 0;
            }

            touched.Clear();
            i = j;
        }

        var curves = new SurvivalCurve[k];
        for (var g = 0; g < k; g++)
        {
            curves[g] = new SurvivalCurve(data.GroupNames[g], data.GroupSizes[g], rows[g], Median(rows[g]), confidenceType);
        }

        return curves;
    }

    /// <summary>R's <c>survfit_confint</c> for one point: se is the standard error of log S (√ of Greenwood's sum).</summary>
    internal static (double Lower, double Upper) Interval(double s, double se, double z, ConfidenceType type)
    {
        if (type == ConfidenceType.Log)
        {
            return s == 0 ? (double.NaN, double.NaN) : (Math.Exp(Math.Log(s) - (z * se)), Math.Min(Math.Exp(Math.Log(s) + (z * se)), 1));
        }

        if (s is 0 or 1)
        {
            return (double.NaN, double.NaN);
        }

        var logLog = Math.Log(-Math.Log(s));
        var se2 = z * se / Math.Log(s);
        return (Math.Exp(-Math.Exp(logLog - se2)), Math.Exp(-Math.Exp(logLog + se2)));
    }

    /// <summary>
    /// Median and its interval as R's <c>quantile.survfit</c>: the first time 1 − S reaches 0.5 within a tolerance
    /// of √ε, averaged with the next time when the curve is flat at exactly 0.5 (R's <c>findq</c>); the interval
    /// applies the same rule to the lower and upper confidence curves.
    /// </summary>
    internal static MedianSurvival Median(IReadOnlyList<SurvivalRow> rows)
    {
        var x = new double[rows.Count + 1];
        var s = new double[rows.Count + 1];
        var lo = new double[rows.Count + 1];
        var up = new double[rows.Count + 1];
        for (var i = 0; i < rows.Count; i++)
        {
            x[i + 1] = rows[i].Time;
            s[i + 1] = 1 - rows[i].Survival;
            lo[i + 1] = 1 - rows[i].Lower;
            up[i + 1] = 1 - rows[i].Upper;
        }

        return new MedianSurvival(FindQuantile(x, s, 0.5), FindQuantile(x, lo, 0.5), FindQuantile(x, up, 0.5));
    }

    /// <summary>A port of survival 3.5's <c>findq</c> (with <c>approx(method = "constant", f = 1)</c>), NaN = NA.</summary>
    internal static double? FindQuantile(double[] x, double[] y, double p)
    {
        var tol = Math.Sqrt(2.220446049250313e-16); // R's sqrt(.Machine$double.eps)
        var max = double.NegativeInfinity;
        foreach (var v in y)
        {
            if (!double.IsNaN(v) && v > max)
            {
                max = v;
            }
        }

        if (double.IsNegativeInfinity(max) || max < p)
        {
            return null;
        }

        var xmax = x[^1];
        var xs = new List<double>(x.Length);
        var ys = new List<double>(x.Length);
        var seen = new HashSet<double>();
        for (var i = 0; i < y.Length; i++)
        {
            if (seen.Add(y[i]))
            {
                xs.Add(x[i]);
                ys.Add(y[i]);
            }
        }

        var n = ys.Count;
        var i1 = ApproxConstantRight(ys, tol, p);
        var i2 = ApproxConstantRight(ys, -tol, p);
        double? quantile = i1 >= 0 && i2 >= 0 ? (xs[i1] + xs[i2]) / 2 : null;
        if (!double.IsNaN(ys[n - 1]) && Math.Abs(p - ys[n - 1]) < tol && i1 >= 0)
        {
            quantile = (xs[i1] + xmax) / 2;
        }

        return quantile;
    }

    /// <summary>The index j whose y[j] + shift is the smallest value ≥ p (NaN entries ignored), or −1.</summary>
    private static int ApproxConstantRight(List<double> ys, double shift, double p)
    {
        var best = -1;
        var bestValue = double.PositiveInfinity;
        for (var j = 0; j < ys.Count; j++)
        {
            var v = ys[j] + shift;
            if (!double.IsNaN(v) && v >= p && v < bestValue)
            {
                best = j;
                bestValue = v;
            }
        }

        return best;
    }
}
