namespace Stroma.Clinical.Statistics;

/// <summary>
/// The Hodges-Lehmann estimate of the (pseudo)median of paired differences and the confidence interval obtained by
/// inverting the Wilcoxon signed-rank test (Hodges and Lehmann 1963, Ann. Math. Statist. 34:598–611; Bauer 1972,
/// JASA 67:687–690), computed as R 4.2's <c>wilcox.test(x, conf.int = TRUE)</c> (<c>stats:::wilcox.test.default</c>):
/// <list type="bullet">
/// <item>Exact (no ties, no zeros): the n(n+1)/2 Walsh averages (xᵢ + xⱼ)/2, i ≤ j, sorted; q = <c>qsignrank(α/2, n)</c>
/// (at least 1); the interval is [w₍q₎, w₍n(n+1)/2 − q + 1₎] (1-based), the estimate their median. The achieved
/// α' = 2·P(V ≤ q − 1); when α' − α &gt; α/2 the level reported is 1 − signif(α', 2), as R does.</item>
/// <item>Normal approximation: W(d) = (V(x − d) − n'(n'+1)/4 − c) / σ(d) over the non-zero x − d, with R's tie-corrected
/// σ and continuity correction c = ½·sign when asked for; α doubles until W(min x) ≥ z₁₋α/₂ and W(max x) ≤ z_α/₂;
/// the limits are the roots of W(d) = z₁₋α/₂ and W(d) = z_α/₂ and the estimate the root of W(d) = 0 without
/// correction, each found by R's <c>uniroot</c> (Brent's zeroin, tol = 1e-4) on [min x, max x]. R's limits and
/// estimate are thus only accurate to about 1e-4; following the same iteration reproduces them to rounding.</item>
/// </list>
/// </summary>
internal static class HodgesLehmann
{
    /// <summary>R's <c>tol.root</c> default in <c>wilcox.test</c>.</summary>
    private const double RootTolerance = 1e-4;

    /// <summary>DBL_EPSILON, as R's zeroin and qsignrank use it.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    public static WilcoxonResult Exact(double[] x, double confidence, WilcoxonResult test)
    {
        var n = x.Length;
        var m = n * (n + 1) / 2;
        var walsh = new double[m];
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                walsh[k++] = (x[i] + x[j]) / 2;
            }
        }

        Array.Sort(walsh);
        var alpha = 1 - confidence;
        var qu = SignedRankQuantile(alpha / 2, n);
        if (qu == 0)
        {
            qu = 1;
        }

        var ql = m - qu;
        var achieved = 2 * PairedTests.SignedRankCdf(qu - 1, n);
        var reduced = achieved - alpha > alpha / 2;
        return test with
        {
            Estimate = SortedMedian(walsh),
            Lower = walsh[qu - 1],
            Upper = walsh[ql],
            ConfidenceLevel = reduced ? 1 - Signif2(achieved) : confidence,
            ConfidenceLevelReduced = reduced,
        };
    }

    public static WilcoxonResult Normal(double[] x, double confidence, bool correct, WilcoxonResult test)
    {
        double mumin = x.Min(), mumax = x.Max();
        var wMin = W(x, mumin, correct);
        var wMax = double.IsFinite(wMin) ? W(x, mumax, correct) : double.NaN;
        if (!double.IsFinite(wMax))
        {
            // R: no interval (all differences tied); the estimate is the midrange.
            return test with { Estimate = (mumin + mumax) / 2, ConfidenceLevel = 0, ConfidenceLevelReduced = true };
        }

        var alpha = 1 - confidence;
        while (wMin - Quantile(1 - (alpha / 2)) < 0 || wMax - Quantile(alpha / 2) > 0)
        {
            alpha *= 2;
        }

        var reduced = alpha >= 1 || 1 - confidence < alpha * 0.75;
        double lower, upper;
        if (alpha < 1)
        {
            var zUpper = Quantile(1 - (alpha / 2));
            var zLower = Quantile(alpha / 2);
            lower = Zeroin(d => W(x, d, correct) - zUpper, mumin, mumax, wMin - zUpper, wMax - zUpper, RootTolerance);
            upper = Zeroin(d => W(x, d, correct) - zLower, mumin, mumax, wMin - zLower, wMax - zLower, RootTolerance);
        }
        else
        {
            var sorted = (double[])x.Clone();
            Array.Sort(sorted);
            lower = upper = SortedMedian(sorted);
        }

        // R sets correct <- FALSE before finding the estimate, so W has no continuity correction there.
        var estimate = Zeroin(d => W(x, d, false), mumin, mumax, W(x, mumin, false), W(x, mumax, false), RootTolerance);
        return test with
        {
            Estimate = estimate,
            Lower = lower,
            Upper = upper,
            ConfidenceLevel = reduced ? 1 - Math.Min(1, alpha) : confidence,
            ConfidenceLevelReduced = reduced,
        };
    }

    /// <summary>The standardised signed-rank statistic of x − d (R's <c>W</c> inside <c>wilcox.test.default</c>).</summary>
    private static double W(double[] x, double d, bool correct)
    {
        var magnitudes = new double[x.Length];
        var positive = new bool[x.Length];
        var nx = 0;
        foreach (var value in x)
        {
            var xd = value - d;
            if (xd != 0)
            {
                magnitudes[nx] = Math.Abs(xd);
                positive[nx] = xd > 0;
                nx++;
            }
        }

        Array.Sort(magnitudes, positive, 0, nx);
        double sumPositive = 0, tieCorrection = 0;
        for (var i = 0; i < nx;)
        {
            var j = i;
            while (j + 1 < nx && magnitudes[j + 1] == magnitudes[i])
            {
                j++;
            }

            var rank = 0.5 * (i + j + 2);
            for (var k = i; k <= j; k++)
            {
                if (positive[k])
                {
                    sumPositive += rank;
                }
            }

            double t = j - i + 1;
            tieCorrection += (t * t * t) - t;
            i = j + 1;
        }

        var zd = sumPositive - (nx * (nx + 1.0) / 4);
        var sigma = Math.Sqrt((nx * (nx + 1.0) * ((2.0 * nx) + 1) / 24) - (tieCorrection / 48));
        var correction = correct ? 0.5 * Math.Sign(zd) : 0;
        return (zd - correction) / sigma;
    }

    private static double Quantile(double p) =>
        p <= 0 ? double.NegativeInfinity : p >= 1 ? double.PositiveInfinity : Distributions.NormalQuantile(p);

    /// <summary>
    /// Brent's root finder as R's <c>R_zeroin2</c> (Forsythe, Malcolm and Moler 1977, <i>Computer Methods for
    /// Mathematical Computations</i>, §7.2: bisection with linear or inverse quadratic interpolation), started from
    /// f(a) and f(b) of opposite signs; returns within 4·ε·|x| + tol of a root.
    /// </summary>
    internal static double Zeroin(Func<double, double> f, double ax, double bx, double fa, double fb, double tol, int maxIterations = 1000)
    {
        double a = ax, b = bx, c = a, fc = fa;
        if (fa == 0)
        {
            return a;
        }

        if (fb == 0)
        {
            return b;
        }

        for (var iteration = 0; iteration <= maxIterations; iteration++)
        {
            var previousStep = b - a;
            if (Math.Abs(fc) < Math.Abs(fb))
            {
                a = b;
                b = c;
                c = a;
                fa = fb;
                fb = fc;
                fc = fa;
            }

            var tolerance = (2 * MachineEpsilon * Math.Abs(b)) + (tol / 2);
            var newStep = (c - b) / 2;
            if (Math.Abs(newStep) <= tolerance || fb == 0)
            {
                return b;
            }

            if (Math.Abs(previousStep) >= tolerance && Math.Abs(fa) > Math.Abs(fb))
            {
                double p, q;
                var cb = c - b;
                if (a == c)
                {
                    var t1 = fb / fa;
                    p = cb * t1;
                    q = 1.0 - t1;
                }
                else
                {
                    q = fa / fc;
                    var t1 = fb / fc;
                    var t2 = fb / fa;
                    p = t2 * ((cb * q * (q - t1)) - ((b - a) * (t1 - 1.0)));
                    q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
                }

                if (p > 0)
                {
                    q = -q;
                }
                else
                {
                    p = -p;
                }

                if (p < (0.75 * cb * q) - (Math.Abs(tolerance * q) / 2) && p < Math.Abs(previousStep * q / 2))
                {
                    newStep = p / q;
                }
            }

            if (Math.Abs(newStep) < tolerance)
            {
                newStep = newStep > 0 ? tolerance : -tolerance;
            }

            a = b;
            fa = fb;
            b += newStep;
            fb = Finite(f(b));
            if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0))
            {
                c = a;
                fc = fa;
            }
        }

        return b;
    }

    // R's zeroin2 wrapper maps ±Inf to ±DBL_MAX.
    private static double Finite(double value) =>
        double.IsPositiveInfinity(value) ? double.MaxValue : double.IsNegativeInfinity(value) ? -double.MaxValue : value;

    /// <summary>R's <c>qsignrank(p, n)</c>: the smallest q with P(V ≤ q) ≥ p (with R's 10ε fuzz).</summary>
    private static int SignedRankQuantile(double p, int n)
    {
        var counts = PairedTests.SignedRankCounts(n);
        var f = Math.Pow(2, -n);
        var max = n * (n + 1) / 2;
        var cumulative = 0.0;
        if (p <= 0.5)
        {
            p -= 10 * MachineEpsilon;
            for (var q = 0; ; q++)
            {
                cumulative += counts[q] * f;
                if (cumulative >= p)
                {
                    return q;
                }
            }
        }

        p = 1 - p + (10 * MachineEpsilon);
        for (var q = 0; ; q++)
        {
            cumulative += counts[q] * f;
            if (cumulative > p)
            {
                return max - q;
            }
        }
    }

    private static double SortedMedian(double[] sorted)
    {
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>R's <c>signif(x, 2)</c> for the achieved level.</summary>
    private static double Signif2(double x)
    {
        if (x == 0 || !double.IsFinite(x))
        {
            return x;
        }

        var digits = 2 - (int)Math.Ceiling(Math.Log10(Math.Abs(x)));
        return Math.Round(x, Math.Clamp(digits, 0, 15), MidpointRounding.ToEven);
    }
}
