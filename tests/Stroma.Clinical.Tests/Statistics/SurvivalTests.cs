// Source: R 4.2.2 + survival 3.5-3: survfit/summary(censored = TRUE)/quantile, survdiff, coxph on R's lung, aml and
// ovarian data and synthetic data with heavy ties, censoring at event times, a curve reaching zero, a median never
// reached and a curve flat at exactly 0.5 (Golden/*.csv, made by R/make-golden.R).
using System.Globalization;
using CsCheck;
using Stroma.Clinical.Statistics;
using static Stroma.Clinical.Tests.Statistics.GoldenTable;

namespace Stroma.Clinical.Tests.Statistics;

public class SurvivalTests
{
    public static TheoryData<string, string, string, string?> KmCases() => new()
    {
        { "aml", "time", "status", "x" },
        { "lung", "time", "status", "sex" },
        { "lung1", "time", "status", null },
        { "ovarian", "futime", "fustat", "rx" },
        { "ties", "time", "status", "arm" },
        { "edge", "time", "status", "group" },
    };

    /// <summary>Loads a golden data set as survival data, coding status as R's Surv does (1/2 → 0/1).</summary>
    internal static SurvivalData Load(string dataset, string timeColumn, string statusColumn, string? groupColumn, string? strataColumn = null)
    {
        var file = dataset == "lung1" ? "lung.csv" : dataset + ".csv";
        var rows = Read(file).Where(r => r[timeColumn] != "NA" && r[statusColumn] != "NA" && (strataColumn is null || r[strataColumn] != "NA")).ToList();
        var status = rows.Select(r => r.Num(statusColumn)).ToArray();
        var twoCoded = status.All(s => s is 1 or 2) && status.Any(s => s == 2);
        var groups = groupColumn is null ? null : Levels(rows.Select(r => r[groupColumn]));
        var strata = strataColumn is null ? null : Levels(rows.Select(r => r[strataColumn]));
        return SurvivalData.Create(
            rows.Select(r => r.Num(timeColumn)).ToArray(),
            status.Select(s => twoCoded ? s == 2 : s == 1).ToArray(),
            groups is null ? default : rows.Select(r => Array.IndexOf(groups, r[groupColumn!])).ToArray(), groups,
            strata is null ? default : rows.Select(r => Array.IndexOf(strata, r[strataColumn!])).ToArray(), strata);
    }

    /// <summary>R's factor level order: numeric when every level is a number, else alphabetical.</summary>
    private static string[] Levels(IEnumerable<string> values)
    {
        var distinct = values.Distinct().ToArray();
        return distinct.All(v => double.TryParse(v, CultureInfo.InvariantCulture, out _))
            ? [.. distinct.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture))]
            : [.. distinct.Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(KmCases))]
    public void Fit_LogAndLogLog_MatchSurvfitSummary(string dataset, string time, string status, string? group)
    {
        var data = Load(dataset, time, status, group);
        foreach (var (type, name) in new[] { (ConfidenceType.Log, "log"), (ConfidenceType.LogLog, "log-log") })
        {
            var curves = KaplanMeier.Fit(data, type);
            var actual = curves.SelectMany(c => c.Rows.Select(r => (c.Group, r))).ToList();
            var expected = Read($"km-{dataset}-{name}.csv");
            Assert.Equal(expected.Count, actual.Count);
            ForEach(expected.Zip(actual), pair =>
            {
                var (e, (g, r)) = pair;
                var where = $"{dataset} {name} group {g} time {r.Time}";
                Assert.Equal(e["group"], g);
                Close(e.Num("time"), r.Time, where);
                Assert.Equal((int)e.Num("n_risk"), r.AtRisk);
                Assert.Equal((int)e.Num("n_event"), r.Events);
                Assert.Equal((int)e.Num("n_censor"), r.Censored);
                Close(e.Num("surv"), r.Survival, where + " surv");
                Close(e.Num("std_err"), r.StdErr, where + " std_err");
                Close(e.Num("lower"), r.Lower, where + " lower");
                Close(e.Num("upper"), r.Upper, where + " upper");
            });

            var medians = Read($"median-{dataset}-{name}.csv");
            ForEach(medians.Zip(curves), pair =>
            {
                var (e, c) = pair;
                Assert.Equal(e["group"], c.Group);
                Close(e.Num("median"), c.Median.Median, $"{dataset} {name} {c.Group} median");
                Close(e.Num("lower"), c.Median.Lower, $"{dataset} {name} {c.Group} median lower");
                Close(e.Num("upper"), c.Median.Upper, $"{dataset} {name} {c.Group} median upper");
            });
        }
    }

    [Fact]
    public void At_GivenTimes_MatchesSummaryTimes()
    {
        var curves = KaplanMeier.Fit(Load("lung", "time", "status", "sex"));
        var expected = Read("km-lung-times.csv");
        var times = new[] { 0, 100, 365, 500.5, 1000, 2000 };
        var actual = curves.SelectMany(c => times.Select(t => (c.Group, Row: c.At(t))).Where(x => x.Row is not null)).ToList();
        Assert.Equal(expected.Count, actual.Count);
        ForEach(expected.Zip(actual), pair =>
        {
            var (e, (g, r)) = pair;
            var where = $"group {g} time {r!.Time}";
            Assert.Equal(e["group"], g);
            Close(e.Num("time"), r.Time, where);
            Assert.Equal((int)e.Num("n_risk"), r.AtRisk);
            Close(e.Num("surv"), r.Survival, where);
            Close(e.Num("std_err"), r.StdErr, where);
            Close(e.Num("lower"), r.Lower, where);
            Close(e.Num("upper"), r.Upper, where);
        });
    }

    [Fact]
    public void At_BeforeFirstTimeOnLogLog_IsOneWithLimitsOne()
    {
        // R: summary(survfit(Surv(time, status) ~ 1, lung, conf.type = "log-log"), times = c(0, 3, 100))
        var curve = KaplanMeier.Fit(Load("lung1", "time", "status", null), ConfidenceType.LogLog).Single();
        var row = curve.At(3)!;
        Assert.Equal((228, 1.0, 1.0, 1.0), (row.AtRisk, row.Survival, row.Lower, row.Upper));
        var later = curve.At(100)!;
        Assert.Equal(196, later.AtRisk);
        Assert.Equal(0.863969, later.Survival, 1e-6);
        Assert.Equal(0.8122223, later.Lower, 1e-7);
        Assert.Equal(0.9023102, later.Upper, 1e-7);
    }

    [Theory]
    [InlineData("aml", "aml", "time", "status", "x", null)]
    [InlineData("lung", "lung", "time", "status", "sex", null)]
    [InlineData("ovarian", "ovarian", "futime", "fustat", "rx", null)]
    [InlineData("ties", "ties", "time", "status", "arm", null)]
    [InlineData("edge", "edge", "time", "status", "group", null)]
    [InlineData("lung-strata-inst", "lung", "time", "status", "sex", "inst")]
    [InlineData("ties-strata-site", "ties", "time", "status", "arm", "site")]
    [InlineData("ovarian-strata-resid", "ovarian", "futime", "fustat", "rx", "resid.ds")]
    public void LogRank_MatchesSurvdiff(string name, string dataset, string time, string status, string group, string? strata)
    {
        var result = LogRank.Test(Load(dataset, time, status, group, strata));
        var e = Read("logrank.csv").Single(r => r["name"] == name);
        Close(e.Num("chisq"), result.ChiSquare, name + " chisq");
        Assert.Equal((int)e.Num("df"), result.DegreesOfFreedom);
        Close(e.Num("p"), result.P, name + " p");
    }

    [Fact]
    public void LogRank_OneStratum_EqualsUnstratified()
    {
        Gen.Select(Gen.Int[1, 20], Gen.Bool, Gen.Int[0, 2]).Array[6, 120].Sample(obs =>
        {
            var time = obs.Select(o => (double)o.Item1).ToArray();
            var events = obs.Select(o => o.Item2).ToArray();
            var groups = obs.Select(o => o.Item3).ToArray();
            string[] names = ["a", "b", "c"];
            var plain = LogRank.Test(SurvivalData.Create(time, events, groups, names));
            var strata = LogRank.Test(SurvivalData.Create(time, events, groups, names, new int[time.Length], ["only"]));
            return plain.DegreesOfFreedom == strata.DegreesOfFreedom
                && (plain.ChiSquare == strata.ChiSquare || (double.IsNaN(plain.ChiSquare) && double.IsNaN(strata.ChiSquare)));
        });
    }

    [Fact]
    public void Fit_CurveReachingZero_HasNaNStdErrAndNoInterval()
    {
        var data = SurvivalData.Create([1.0, 2, 3], [true, true, true]);
        var row = KaplanMeier.Fit(data).Single().Rows[^1];
        Assert.Equal(0, row.Survival);
        Assert.True(double.IsNaN(row.StdErr) && double.IsNaN(row.Lower) && double.IsNaN(row.Upper));
    }

    [Fact]
    public void Fit_SurvivalNeverIncreases_AndLimitsBracketTheEstimate()
    {
        Gen.Select(Gen.Int[1, 30], Gen.Bool).Array[1, 200].Sample(obs =>
        {
            var data = SurvivalData.Create(obs.Select(o => (double)o.Item1).ToArray(), obs.Select(o => o.Item2).ToArray());
            var rows = KaplanMeier.Fit(data).Single().Rows;
            for (var i = 0; i < rows.Count; i++)
            {
                if (i > 0 && rows[i].Survival > rows[i - 1].Survival)
                {
                    return false;
                }

                if (rows[i].Survival > 0 && !(rows[i].Lower <= rows[i].Survival && rows[i].Survival <= rows[i].Upper))
                {
                    return false;
                }
            }

            return true;
        });
    }
}
