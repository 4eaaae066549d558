namespace Stroma.Clinical.Issues;

public static partial class IssueCodes
{
    /// <summary>A column named on the command line (time, event, group, covariate, before, after) is not in the header.</summary>
    public const string StatsColumnNotFound = "STA001";

    /// <summary>A cell that must be a number (a time, covariate or measurement) is not a finite number.</summary>
    public const string StatsNotANumber = "STA002";

    /// <summary>An event cell is not 0/1, 1/2 (R's Surv coding: 2 = event) or TRUE/FALSE, or the column mixes 0/1 and 1/2 coding.</summary>
    public const string StatsBadEvent = "STA003";

    /// <summary>A survival time is negative.</summary>
    public const string StatsNegativeTime = "STA004";

    /// <summary>A needed cell is missing (empty or NA): the row is dropped, as R's default na.omit does (a warning).</summary>
    public const string StatsMissingDropped = "STA005";

    /// <summary>Too little data for the statistic (no rows, fewer than two pairs, no events).</summary>
    public const string StatsTooFewData = "STA006";

    /// <summary>The Cox model cannot be fitted: every covariate makes the design singular, or the information matrix at the estimate is singular.</summary>
    public const string StatsNotConverged = "STA007";

    /// <summary>A Cox covariate is constant or a linear combination of the covariates before it: it is left out and the rest fitted, as R's coxph reports it NA (a warning).</summary>
    public const string StatsCovariateDropped = "STA008";

    /// <summary>The Cox fit ran out of Newton-Raphson iterations before converging; the last accepted estimates are reported, as R does (a warning).</summary>
    public const string StatsIterationsExhausted = "STA009";

    /// <summary>A Cox coefficient may be infinite (monotone likelihood, e.g. separation), as R's "Loglik converged before variable" (a warning).</summary>
    public const string StatsInfiniteCoefficient = "STA010";

    /// <summary>The exact Wilcoxon test was asked for (or chosen by default, n &lt; 50) but ties or zero differences rule it out; the normal approximation is used, as R does (a warning).</summary>
    public const string StatsExactImpossible = "STA011";

    /// <summary>The requested confidence level of the Hodges-Lehmann interval is not achievable; a lower one is reported, as R does (a warning).</summary>
    public const string StatsConfidenceNotAchievable = "STA012";

    /// <summary>A paired binary outcome cell (McNemar) is not 0/1 or TRUE/FALSE.</summary>
    public const string StatsNotBinary = "STA013";
}
