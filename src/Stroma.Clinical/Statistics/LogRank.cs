namespace Stroma.Clinical.Statistics;

/// <summary>Result of a log-rank test.</summary>
/// <param name="ChiSquare">The chi-square statistic (O − E)ᵀ V⁻¹ (O − E) over all groups but one.</param>
/// <param name="DegreesOfFreedom">Number of groups with a positive expected count, minus one.</param>
/// <param name="P">Upper tail of chi-square with those degrees of freedom.</param>
/// <param name="Observed">Observed events per group (summed over strata).</param>
/// <param name="Expected">Expected events per group under the null (summed over strata).</param>
public sealed record LogRankResult(double ChiSquare, int DegreesOfFreedom, double P, IReadOnlyList<double> Observed, IReadOnlyList<double> Expected);

/// <summary>
/// The log-rank test (Mantel 1966; Peto &amp; Peto 1972) comparing the groups' survival, optionally stratified, equal
/// to R survival 3.5's <c>survdiff(Surv(time, status) ~ group [+ strata(s)])</c> (rho = 0). At each event time with
/// d events among n at risk: E_g += d·n_g/n and V_gh += d(n − d)/(n − 1)·(n_g/n)(δ_gh − n_h/n); with strata, O, E and
/// V are summed over the strata.
/// </summary>
public static class LogRank
{
    /// <summary>Tests equality of the groups' survival (stratified when the data has strata).</summary>
    public static LogRankResult Test(SurvivalData data)
    {
        Preconditions.NotNull(data);
        var k = data.GroupNames.Count;
        var strata = data.StratumNames.Count;
        var observed = new double[k];
        var expected = new double[k];
        var variance = new double[k, k];
        var times = data.Times;
        var codes = data.Codes;
        var n = times.Length;

        // Split the time-sorted observations by stratum (a stable counting pass keeps each stratum in time order).
        var start = new int[strata + 1];
        foreach (var c in codes)
        {
            start[(c >> 1) / k + 1]++;
        }

        for (var s = 0; s < strata; s++)
        {
            start[s + 1] += start[s];
        }

        var sortedTimes = times;
        var sortedCodes = codes;
        if (strata > 1)
        {
            sortedTimes = new double[n];
            sortedCodes = new int[n];
            var next = (int[])start.Clone();
            for (var i = 0; i < n; i++)
            {
                var pos = next[(codes[i] >> 1) / k]++;
                sortedTimes[pos] = times[i];
                sortedCodes[pos] = codes[i];
            }
        }

        var atRisk = new double[k];
        var deaths = new double[k];
        for (var s = 0; s < strata; s++)
        {
            Array.Clear(atRisk);
            for (var i = start[s]; i < start[s + 1]; i++)
            {
                atRisk[(sortedCodes[i] >> 1) % k]++;
            }

            double total = start[s + 1] - start[s];
            for (var i = start[s]; i < start[s + 1];)
            {
                var t = sortedTimes[i];
                var j = i;
                double d = 0;
                Array.Clear(deaths);
                for (; j < start[s + 1] && sortedTimes[j] == t; j++)
                {
                    if ((sortedCodes[j] & 1) == 1)
                    {
                        deaths[(sortedCodes[j] >> 1) % k]++;
                        d++;
                    }
                }

                if (d > 0)
                {
                    var factor = total > 1 ? d * (total - d) / (total - 1) : 0;
                    for (var g = 0; g < k; g++)
                    {
                        observed[g] += deaths[g];
                        var pg = atRisk[g] / total;
                        expected[g] += d * pg;
                        if (pg == 0)
                        {
                            continue;
                        }

                        for (var h = 0; h < k; h++)
                        {
                            variance[g, h] += factor * pg * ((g == h ? 1 : 0) - (atRisk[h] / total));
                        }
                    }
                }

                for (var m = i; m < j; m++)
                {
                    atRisk[(sortedCodes[m] >> 1) % k]--;
                }

                total -= j - i;
                i = j;
            }
        }

        // As survdiff: keep groups with E > 0, drop the first of them, solve V·x = (O − E).
        var kept = Enumerable.Range(0, k).Where(g => expected[g] > 0).ToArray();
        var df = kept.Length - 1;
        if (df < 1)
        {
            return new LogRankResult(0, Math.Max(df, 0), double.NaN, observed, expected);
        }

        var idx = kept.Skip(1).ToArray();
        var m2 = idx.Length;
        var a = new double[m2, m2];
        var b = new double[m2];
        for (var r = 0; r < m2; r++)
        {
            b[r] = observed[idx[r]] - expected[idx[r]];
            for (var c = 0; c < m2; c++)
            {
                a[r, c] = variance[idx[r], idx[c]];
            }
        }

        var x = LinearAlgebra.Solve(a, b);
        var chi = 0.0;
        for (var r = 0; r < m2; r++)
        {
            chi += x[r] * b[r];
        }

        return new LogRankResult(chi, df, Distributions.ChiSquareUpper(chi, df), observed, expected);
    }
}
