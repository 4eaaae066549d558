namespace Stroma.Clinical.Statistics;

/// <summary>A confidence interval for a binomial proportion x / n.</summary>
/// <param name="X">Number of successes.</param>
/// <param name="N">Number of trials.</param>
/// <param name="Estimate">x / n.</param>
/// <param name="Lower">Lower limit.</param>
/// <param name="Upper">Upper limit.</param>
public sealed record ProportionInterval(int X, int N, double Estimate, double Lower, double Upper);

/// <summary>Confidence intervals for a proportion.</summary>
public static class BinomialInterval
{
    /// <summary>
    /// Clopper-Pearson exact interval, as R's <c>binom.test(x, n)$conf.int</c>: lower = qbeta(α/2, x, n − x + 1)
    /// (0 when x = 0), upper = qbeta(1 − α/2, x + 1, n − x) (1 when x = n).
    /// </summary>
    public static ProportionInterval ClopperPearson(int x, int n, double confidence = 0.95)
    {
        Check(x, n, confidence);
        var alpha = 1 - confidence;
        var lower = x == 0 ? 0 : Distributions.BetaQuantile(alpha / 2, x, n - x + 1);
        var upper = x == n ? 1 : Distributions.BetaQuantile(1 - (alpha / 2), x + 1, n - x);
        return new ProportionInterval(x, n, (double)x / n, lower, upper);
    }

    /// <summary>
    /// Wilson score interval without continuity correction, as R's <c>prop.test(x, n, correct = FALSE)$conf.int</c>:
    /// (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n). (R's default <c>prop.test(x, n)</c> adds Yates'
    /// correction and gives a wider interval; that is not the Wilson interval.)
    /// </summary>
    public static ProportionInterval Wilson(int x, int n, double confidence = 0.95)
    {
        Check(x, n, confidence);
        var p = (double)x / n;
        var z = Distributions.NormalQuantile(1 - ((1 - confidence) / 2));
        var z22n = z * z / (2.0 * n);
        var spread = z * Math.Sqrt((p * (1 - p) / n) + (z22n / (2.0 * n)));
        var upper = p >= 1 ? 1 : (p + z22n + spread) / (1 + (2 * z22n));
        var lower = p <= 0 ? 0 : (p + z22n - spread) / (1 + (2 * z22n));
        return new ProportionInterval(x, n, p, Math.Max(0, lower), Math.Min(1, upper));
    }

    private static void Check(int x, int n, double confidence)
    {
        Preconditions.Requires(n >= 1 && x >= 0 && x <= n, "Need 0 <= x <= n and n >= 1.");
        Preconditions.Requires(confidence is > 0 and < 1, "confidence must be in (0, 1).");
    }
}
