// Source: R 4.2.2 pnorm, qnorm, pt, qt, pchisq, pbeta, qbeta, pgamma (Golden/special.csv, made by R/make-golden.R).
using CsCheck;
using Stroma.Clinical.Statistics;
using static Stroma.Clinical.Tests.Statistics.GoldenTable;

namespace Stroma.Clinical.Tests.Statistics;

public class DistributionsTests
{
    [Fact]
    public void SpecialFunctions_RGrid_MatchRTo1e8Relative()
    {
        var rows = Read("special.csv");
        Assert.True(rows.Count > 250, $"{rows.Count} rows");
        ForEach(rows, r =>
        {
            double a = r.Num("a"), b = r.Num("b"), x = r.Num("x");
            var actual = r["f"] switch
            {
                "pnorm" => Distributions.NormalCdf(x),
                "qnorm" => Distributions.NormalQuantile(x),
                "pt" => Distributions.StudentTCdf(x, a),
                "qt" => Distributions.StudentTQuantile(x, a),
                "pchisq_upper" => Distributions.ChiSquareUpper(x, a),
                "pbeta" => Distributions.BetaRegularized(x, a, b),
                "qbeta" => Distributions.BetaQuantile(x, a, b),
                "pgamma" => Distributions.GammaP(a, x),
                "pgamma_upper" => Distributions.GammaQ(a, x),
                _ => throw new InvalidOperationException(r["f"]),
            };
            Close(r.Num("value"), actual, $"{r["f"]}(x={x}, a={a}, b={b})");
        });
    }

    [Fact]
    public void NormalQuantile_RoundTripsThroughCdf()
    {
        Gen.Double[1e-12, 1 - 1e-12].Sample(p =>
            Math.Abs(Distributions.NormalCdf(Distributions.NormalQuantile(p)) - p) <= 1e-13 * Math.Max(p, 1e-3));
    }

    [Fact]
    public void LogGamma_Integers_AreLogFactorials()
    {
        var factorial = 1.0;
        for (var k = 1; k < 30; k++)
        {
            factorial *= k;
            Close(Math.Log(factorial), Distributions.LogGamma(k + 1), $"lgamma({k + 1})");
        }
    }
}
