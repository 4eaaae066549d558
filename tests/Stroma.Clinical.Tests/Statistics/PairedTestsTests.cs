// Source: R 4.2.2 t.test(paired = TRUE), wilcox.test, mcnemar.test, binom.test, prop.test(correct = FALSE),
// mean/sd/median/quantile (Golden/paired.csv, wilcoxon.csv, mcnemar.csv, binomial.csv, descriptive.csv);
// wilcox.test(conf.int = TRUE) for each exact/correct/conf.level choice (Golden/wilcoxon-ci.csv); all by R/make-golden.R.
using System.Globalization;
using CsCheck;
using Stroma.Clinical.Statistics;
using static Stroma.Clinical.Tests.Statistics.GoldenTable;

namespace Stroma.Clinical.Tests.Statistics;

public class PairedTestsTests
{
    private static (double?[] Before, double?[] After) Pairs(string name)
    {
        var rows = Read($"paired-{name}.csv");
        double? Cell(string s) => s == "NA" ? null : Number(s);
        return (rows.Select(r => Cell(r["before"])).ToArray(), rows.Select(r => Cell(r["after"])).ToArray());
    }

    [Theory]
    [InlineData("sleep")]
    [InlineData("small")]
    [InlineData("large")]
    [InlineData("tied")]
    public void TTestAndWilcoxon_MatchR(string name)
    {
        var (before, after) = Pairs(name);
        var e = Read("paired.csv").Single(r => r["name"] == name);
        var t = PairedTests.TTest(before, after);
        Close(e.Num("t"), t.T, "t");
        Close(e.Num("df"), t.DegreesOfFreedom, "df");
        Close(e.Num("p"), t.P, "p");
        Close(e.Num("mean_diff"), t.MeanDifference, "mean diff");
        Close(e.Num("lower"), t.Lower, "lower");
        Close(e.Num("upper"), t.Upper, "upper");
        var w = PairedTests.Wilcoxon(before, after);
        Close(e.Num("v"), w.V, "V");
        Close(e.Num("wilcoxon_p"), w.P, "wilcoxon p");
    }

    [Fact]
    public void SignedRank_ExactAndApproximateBranches_MatchR()
    {
        var data = File.ReadAllLines(Path.Combine(Folder, "wilcoxon-data.txt"))
            .Select(l => l.Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var expected = Read("wilcoxon.csv");
        var results = data.Select(d => PairedTests.SignedRank(d)).ToArray();
        Assert.True(results[0].Exact);
        Assert.False(results[2].Exact);
        ForEach(expected.Zip(results), p =>
        {
            Close(p.First.Num("v"), p.Second.V, "V");
            Close(p.First.Num("p"), p.Second.P, "p");
        });
    }

    [Fact]
    public void SignedRank_HodgesLehmannAndOptions_MatchWilcoxTestConfInt()
    {
        var cases = File.ReadAllLines(Path.Combine(Folder, "wilcoxon-data.txt"))
            .Select(l => l.Split(' ').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        ForEach(Read("wilcoxon-ci.csv"), e =>
        {
            var name = e["name"];
            bool? exact = e["exact"] == "NA" ? null : e["exact"] == "TRUE";
            var correct = e["correct"] == "TRUE";
            var conf = e.Num("conf");
            WilcoxonResult w;
            if (name.StartsWith("case", StringComparison.Ordinal))
            {
                w = PairedTests.SignedRank(cases[int.Parse(name[4..], CultureInfo.InvariantCulture) - 1], exact, correct, conf);
            }
            else
            {
                var (before, after) = Pairs(name);
                w = PairedTests.Wilcoxon(before, after, exact, correct, conf);
            }

            var where = $"{name} exact={e["exact"]} correct={e["correct"]} conf={conf}";
            Assert.Equal(e["method"].Contains("exact", StringComparison.Ordinal), w.Exact);
            Assert.Equal(e["method"].EndsWith("continuity_correction", StringComparison.Ordinal), w.Corrected);
            Assert.Equal(e["warning"].Contains("cannot_compute_exact_p-value", StringComparison.Ordinal), w.ExactImpossible);
            Assert.Equal(e["warning"].Contains("conf.level_not_achievable", StringComparison.Ordinal), w.ConfidenceLevelReduced);
            Close(e.Num("v"), w.V, where + " V");
            Close(e.Num("p"), w.P, where + " p");
            Close(e.Num("estimate"), w.Estimate, where + " estimate");
            Close(e.Num("lower"), w.Lower, where + " lower");
            Close(e.Num("upper"), w.Upper, where + " upper");
            Close(e.Num("conf_level"), w.ConfidenceLevel, where + " conf level");
        });
    }

    [Fact]
    public void Descriptive_MatchesR()
    {
        ForEach(Read("descriptive.csv"), e =>
        {
            var (before, after) = Pairs(e["name"]);
            var s = Descriptive.Summarise(e["column"] == "before" ? before : after);
            var where = $"{e["name"]} {e["column"]}";
            Assert.Equal((int)e.Num("n"), s.N);
            Assert.Equal((int)e.Num("missing"), s.Missing);
            Close(e.Num("mean"), s.Mean, where + " mean");
            Close(e.Num("sd"), s.StandardDeviation, where + " sd");
            Close(e.Num("median"), s.Median, where + " median");
            Close(e.Num("q1"), s.Q1, where + " q1");
            Close(e.Num("q3"), s.Q3, where + " q3");
            Close(e.Num("min"), s.Min, where + " min");
            Close(e.Num("max"), s.Max, where + " max");
        });
    }

    [Fact]
    public void McNemar_MatchesR()
    {
        ForEach(Read("mcnemar.csv"), e =>
        {
            var m = PairedTests.McNemar((int)e.Num("a"), (int)e.Num("b"), (int)e.Num("c"), (int)e.Num("d"));
            Close(e.Num("statistic"), m.Statistic, "statistic");
            Close(e.Num("p"), m.P, "p");
            var u = PairedTests.McNemar((int)e.Num("a"), (int)e.Num("b"), (int)e.Num("c"), (int)e.Num("d"), correct: false);
            Close(e.Num("statistic_uncorrected"), u.Statistic, "uncorrected statistic");
            Close(e.Num("p_uncorrected"), u.P, "uncorrected p");
            Close(e.Num("exact_p"), PairedTests.McNemarExact((int)e.Num("b"), (int)e.Num("c")).P, "exact p");
        });
    }

    [Fact]
    public void BinomialIntervals_MatchBinomTestAndPropTest()
    {
        ForEach(Read("binomial.csv"), e =>
        {
            int x = (int)e.Num("x"), n = (int)e.Num("n");
            var cp = BinomialInterval.ClopperPearson(x, n);
            var w = BinomialInterval.Wilson(x, n);
            Close(e.Num("cp_lower"), cp.Lower, $"{x}/{n} CP lower");
            Close(e.Num("cp_upper"), cp.Upper, $"{x}/{n} CP upper");
            Close(e.Num("wilson_lower"), w.Lower, $"{x}/{n} Wilson lower");
            Close(e.Num("wilson_upper"), w.Upper, $"{x}/{n} Wilson upper");
        });
    }

    [Fact]
    public void SignedRank_LargeSample_UsesNormalApproximationWithoutOverflow()
    {
        var d = Enumerable.Range(1, 60_000).Select(i => (i % 3 == 0 ? -1.0 : 1.0) * i).ToArray();

        var w = PairedTests.SignedRank(d);

        Assert.False(w.Exact);
        Assert.Equal(60_000, w.N);
        Assert.InRange(w.P, 0, 1e-100);
    }

    [Fact]
    public void SignedRankCdf_IsADistribution()
    {
        for (var n = 1; n < 20; n++)
        {
            var max = n * (n + 1) / 2;
            Assert.Equal(1.0, PairedTests.SignedRankCdf(max, n), 15);
            Assert.Equal(Math.Pow(2, -n), PairedTests.SignedRankCdf(0, n), 15);
            for (var q = 0; q < max; q++)
            {
                // symmetry: P(V <= q) = P(V >= max - q)
                Assert.Equal(PairedTests.SignedRankCdf(q, n), 1 - PairedTests.SignedRankCdf(max - q - 1, n), 12);
            }
        }
    }

    [Fact]
    public void Quantile_Type7_IsMonotoneInP()
    {
        Gen.Double[-100, 100].Array[1, 50].Sample(values =>
        {
            Array.Sort(values);
            var last = double.NegativeInfinity;
            for (var p = 0.0; p <= 1.0; p += 0.05)
            {
                var q = Descriptive.Quantile(values, p);
                if (q < last - 1e-12 || q < values[0] || q > values[^1])
                {
                    return false;
                }

                last = q;
            }

            return true;
        });
    }
}
