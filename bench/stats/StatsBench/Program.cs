using System.Diagnostics;
using System.Globalization;
using Stroma.Clinical.Statistics;

// Reads the benchmark CSVs (not timed), then times what bench-r.R times in R: Kaplan-Meier by arm with medians
// plus the log-rank test on 10^6 rows, and a 3-covariate Efron Cox model on 10^5 rows. Median of 5 runs after a warm-up.
var dir = args.Length > 0 ? args[0] : "bench/out/stats";
var kmLines = File.ReadLines(Path.Combine(dir, "km.csv")).Skip(1).Select(l => l.Split(',')).ToList();
var time = kmLines.Select(c => double.Parse(c[1], CultureInfo.InvariantCulture)).ToArray();
var status = kmLines.Select(c => c[2] == "1").ToArray();
var arm = kmLines.Select(c => c[3] == "control" ? 0 : 1).ToArray();
string[] arms = ["control", "msc"];

var coxLines = File.ReadLines(Path.Combine(dir, "cox.csv")).Skip(1).Select(l => l.Split(',')).ToList();
var coxTime = coxLines.Select(c => double.Parse(c[0], CultureInfo.InvariantCulture)).ToArray();
var coxStatus = coxLines.Select(c => c[1] == "1").ToArray();
var coxX = coxLines.Select(c => new[] { double.Parse(c[2], CultureInfo.InvariantCulture), double.Parse(c[3], CultureInfo.InvariantCulture), double.Parse(c[4], CultureInfo.InvariantCulture) }).ToArray();

double Median(Action action)
{
    action();
    var runs = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        runs.Add(sw.Elapsed.TotalMilliseconds);
    }

    runs.Sort();
    return runs[2];
}

double chisq = 0;
var km = Median(() =>
{
    var data = SurvivalData.Create(time, status, arm, arms);
    var curves = KaplanMeier.Fit(data);
    chisq = LogRank.Test(data).ChiSquare + curves.Count;
});
double loglik = 0;
var cox = Median(() => loglik = CoxRegression.Fit(coxTime, coxStatus, coxX, ["age", "female", "sledai"]).LogLikelihood);
Console.WriteLine(FormattableString.Invariant($"stroma_km_logrank_ms={km:F1}"));
Console.WriteLine(FormattableString.Invariant($"stroma_cox_ms={cox:F1}"));
Console.Error.WriteLine(FormattableString.Invariant($"(check: chisq+curves {chisq:R}, cox loglik {loglik:R})"));
