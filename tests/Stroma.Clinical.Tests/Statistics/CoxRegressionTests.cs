// Source: R 4.2.2 + survival 3.5-3 coxph (Efron and Breslow ties) and summary.coxph on R's lung and ovarian data and
// synthetic data with heavy ties (Golden/cox-coef.csv, Golden/cox-tests.csv, made by R/make-golden.R); coxph's warnings
// and NA coefficients on separation.csv and singular.csv (Golden/cox-edge.csv, same script).
using Stroma.Clinical.Statistics;
using static Stroma.Clinical.Tests.Statistics.GoldenTable;

namespace Stroma.Clinical.Tests.Statistics;

public class CoxRegressionTests
{
    [Theory]
    [InlineData("lung", "lung", "time", "status", "age,sex,ph.ecog", "efron")]
    [InlineData("lung", "lung", "time", "status", "age,sex,ph.ecog", "breslow")]
    [InlineData("ovarian", "ovarian", "futime", "fustat", "age,rx,ecog.ps", "efron")]
    [InlineData("ovarian", "ovarian", "futime", "fustat", "age,rx,ecog.ps", "breslow")]
    [InlineData("ties", "ties", "time", "status", "x1,x2,x3", "efron")]
    [InlineData("ties", "ties", "time", "status", "x1,x2,x3", "breslow")]
    [InlineData("lung-age", "lung", "time", "status", "age", "efron")]
    [InlineData("lung-age", "lung", "time", "status", "age", "breslow")]
    public void Fit_MatchesCoxph(string name, string dataset, string time, string status, string covariates, string ties)
    {
        var names = covariates.Split(',');
        var rows = Read(dataset + ".csv").Where(r => r[time] != "NA" && r[status] != "NA" && names.All(c => r[c] != "NA")).ToList();
        var s = rows.Select(r => r.Num(status)).ToArray();
        var twoCoded = s.All(v => v is 1 or 2);
        var fit = CoxRegression.Fit(
            rows.Select(r => r.Num(time)).ToArray(),
            s.Select(v => twoCoded ? v == 2 : v == 1).ToArray(),
            rows.Select(r => names.Select(c => r.Num(c)).ToArray()).ToArray(),
            names,
            ties == "efron" ? CoxTies.Efron : CoxTies.Breslow);

        var t = Read("cox-tests.csv").Single(r => r["name"] == name && r["ties"] == ties);
        Assert.True(fit.Converged);
        Assert.Equal((int)t.Num("n"), fit.N);
        Assert.Equal((int)t.Num("events"), fit.Events);
        Assert.Equal((int)t.Num("iter"), fit.Iterations);
        Close(t.Num("loglik0"), fit.LogLikelihoodNull, "loglik0");
        Close(t.Num("loglik"), fit.LogLikelihood, "loglik");
        Close(t.Num("lr"), fit.LikelihoodRatio.Statistic, "lr");
        Close(t.Num("lr_p"), fit.LikelihoodRatio.P, "lr p");
        Close(t.Num("wald"), fit.Wald.Statistic, "wald");
        Close(t.Num("wald_p"), fit.Wald.P, "wald p");
        Close(t.Num("score"), fit.Score.Statistic, "score");
        Close(t.Num("score_p"), fit.Score.P, "score p");
        var coefs = Read("cox-coef.csv").Where(r => r["name"] == name && r["ties"] == ties).ToList();
        Assert.Equal(coefs.Count, fit.Coefficients.Count);
        ForEach(coefs.Zip(fit.Coefficients), pair =>
        {
            var (e, c) = pair;
            Assert.Equal(e["term"], c.Name);
            Close(e.Num("coef"), c.Coefficient, c.Name + " coef");
            Close(e.Num("hr"), c.HazardRatio, c.Name + " hr");
            Close(e.Num("se"), c.StandardError, c.Name + " se");
            Close(e.Num("z"), c.Z, c.Name + " z");
            Close(e.Num("p"), c.P, c.Name + " p");
        });
    }

    [Theory]
    [InlineData("separation", "x,age", "efron", 20)]
    [InlineData("separation", "x,age", "breslow", 20)]
    [InlineData("separation", "x,age", "efron", 3)]
    [InlineData("singular", "x1,k,x2,x12", "efron", 20)]
    [InlineData("singular", "x1,k,x2,x12", "breslow", 20)]
    public void Fit_SeparationRanOutAndSingular_MatchCoxphAndItsWarnings(string name, string covariates, string ties, int iterMax)
    {
        var names = covariates.Split(',');
        var rows = Read(name + ".csv");
        var fit = CoxRegression.Fit(
            rows.Select(r => r.Num("time")).ToArray(),
            rows.Select(r => r.Num("status") == 1).ToArray(),
            rows.Select(r => names.Select(c => r.Num(c)).ToArray()).ToArray(),
            names,
            ties == "efron" ? CoxTies.Efron : CoxTies.Breslow,
            iterMax);

        var expected = Read("cox-edge.csv").Where(r => r["name"] == name && r["ties"] == ties && r["iter_max"] == iterMax.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(names.Length, fit.Coefficients.Count);
        var warning = expected[0]["warning"];
        Assert.Equal((int)expected[0].Num("iter"), fit.Iterations);
        Assert.Equal(warning.StartsWith("Ran out of iterations", StringComparison.Ordinal), fit.RanOutOfIterations);
        var infinite = warning.StartsWith("Loglik converged before variable", StringComparison.Ordinal)
            ? warning["Loglik converged before variable ".Length..].Split(';')[0].Trim().Split(' ').Select(v => names[int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) - 1]).ToArray()
            : [];
        Assert.Equal(infinite, fit.MayBeInfinite);
        Assert.Equal(expected.Where(e => e["coef"] == "NA").Select(e => e["term"]), fit.Dropped);
        Close(expected[0].Num("loglik"), fit.LogLikelihood, "loglik");
        Close(expected[0].Num("lr"), fit.LikelihoodRatio.Statistic, "lr");
        Assert.Equal((int)expected[0].Num("lr_df"), fit.LikelihoodRatio.DegreesOfFreedom);
        ForEach(expected.Zip(fit.Coefficients), pair =>
        {
            var (e, c) = pair;
            Assert.Equal(e["term"], c.Name);
            Close(e.Num("coef"), c.Coefficient, c.Name + " coef");
            if (e["coef"] == "NA")
            {
                return;
            }

            // After running out of iterations R's SE is not the inverse information at its reported β; ours is
            // (se_at_coef). An infinite coefficient's SE comes from a nearly singular matrix: compared to 1e-6.
            var se = fit.RanOutOfIterations ? e.Num("se_at_coef") : e.Num("se");
            if (fit.MayBeInfinite.Contains(c.Name))
            {
                Assert.Equal(se, c.StandardError, se * 1e-6);
            }
            else
            {
                Close(se, c.StandardError, c.Name + " se");
            }
        });
    }
}
