namespace Stroma.Clinical.Statistics;

/// <summary>How tied event times enter the Cox partial likelihood.</summary>
public enum CoxTies
{
    /// <summary>Efron (1977): R's default (<c>coxph(ties = "efron")</c>).</summary>
    Efron,

    /// <summary>Breslow (1974): <c>coxph(ties = "breslow")</c>.</summary>
    Breslow,
}

/// <summary>One covariate's estimate.</summary>
/// <param name="Name">Covariate name.</param>
/// <param name="Coefficient">Log hazard ratio β per unit of the covariate.</param>
/// <param name="HazardRatio">exp(β).</param>
/// <param name="StandardError">√ of the diagonal of the inverse information at β̂.</param>
/// <param name="Z">β / SE (Wald z).</param>
/// <param name="P">Two-sided p-value of z.</param>
public sealed record CoxCoefficient(string Name, double Coefficient, double HazardRatio, double StandardError, double Z, double P);

/// <summary>A global test of all coefficients = 0.</summary>
/// <param name="Statistic">Chi-square statistic.</param>
/// <param name="DegreesOfFreedom">Number of covariates.</param>
/// <param name="P">Upper tail of chi-square.</param>
public sealed record ChiSquareTest(double Statistic, int DegreesOfFreedom, double P);

/// <summary>A fitted Cox model, as R's <c>summary(coxph(...))</c> reports it.</summary>
/// <param name="N">Observations used.</param>
/// <param name="Events">Number of events.</param>
/// <param name="Coefficients">One entry per covariate.</param>
/// <param name="LogLikelihoodNull">Partial log-likelihood at β = 0 (R: <c>loglik[1]</c>).</param>
/// <param name="LogLikelihood">Partial log-likelihood at β̂ (R: <c>loglik[2]</c>).</param>
/// <param name="LikelihoodRatio">2(ℓ(β̂) − ℓ(0)).</param>
/// <param name="Wald">β̂ᵀ I(β̂) β̂.</param>
/// <param name="Score">U(0)ᵀ I(0)⁻¹ U(0) (log-rank test for one binary covariate).</param>
/// <param name="Iterations">Newton-Raphson iterations (R: <c>fit$iter</c>).</param>
/// <param name="Converged">False when the iteration limit was reached or the information matrix was singular.</param>
public sealed record CoxResult(int N, int Events, IReadOnlyList<CoxCoefficient> Coefficients, double LogLikelihoodNull, double LogLikelihood,
    ChiSquareTest LikelihoodRatio, ChiSquareTest Wald, ChiSquareTest Score, int Iterations, bool Converged)
{
    /// <summary>
    /// The iteration limit was reached before the log-likelihood converged (R warns "Ran out of iterations and did not
    /// converge"); the estimates are those of the last accepted iteration.
    /// </summary>
    public bool RanOutOfIterations { get; init; }

    /// <summary>
    /// Covariates whose coefficient may be infinite (monotone likelihood, e.g. separation: every event on one side of
    /// the covariate): the log-likelihood converged while the Newton step I⁻¹U for the coefficient was still above eps
    /// and above √eps·|β| (R warns "Loglik converged before variable k; coefficient may be infinite").
    /// </summary>
    public IReadOnlyList<string> MayBeInfinite { get; init; } = [];

    /// <summary>
    /// Covariates left out because they make the design singular (constant, or a linear combination of the covariates
    /// before them): R's <c>coxph</c> reports their coefficient as NA; here every value of theirs is NaN.
    /// </summary>
    public IReadOnlyList<string> Dropped { get; init; } = [];
}

/// <summary>
/// Cox proportional hazards regression (Cox 1972) fitted by Newton-Raphson exactly as R survival 3.5's
/// <c>coxph</c> (C routine <c>coxfit6</c>): start at β = 0, step β += I⁻¹U, halve the step when the log-likelihood
/// falls, stop when |1 − ℓ_old/ℓ_new| ≤ 1e-9 (<c>coxph.control</c>'s eps) or after 20 iterations. Covariates are
/// centred (which leaves the partial likelihood unchanged). Data sorted once by time.
/// <para>
/// Singular designs as <c>coxfit6</c>'s <c>cholesky2</c>: on the information matrix at β = 0 of the centred covariates
/// scaled by n/Σ|x − x̄| (as <c>coxfit6</c> scales them), a column whose pivot falls below
/// <c>toler.chol</c> = ε^¾ times the largest diagonal is singular; R keeps its β at 0 and reports NA, which is the fit
/// without it, so it is dropped and the rest fitted (<see cref="CoxResult.Dropped"/>). After the fit, R's
/// <c>coxph.fit</c> checks for infinite coefficients (<see cref="CoxResult.MayBeInfinite"/>, <c>toler.inf</c> = √eps)
/// and for running out of iterations (<see cref="CoxResult.RanOutOfIterations"/>).
/// </para>
/// </summary>
public static class CoxRegression
{
    private const double Eps = 1e-9;
    private const int MaxIterations = 20;

    // coxph.control(): toler.chol = .Machine$double.eps^0.75, toler.inf = sqrt(eps).
    private static readonly double TolerChol = Math.Pow(double.BitIncrement(1.0) - 1.0, 0.75);
    private static readonly double TolerInf = Math.Sqrt(Eps);

    /// <summary>
    /// Fits the model. <paramref name="covariates"/> is [observation][covariate]; <paramref name="maxIterations"/> is
    /// the Newton-Raphson limit (R: <c>coxph.control(iter.max = 20)</c>).
    /// </summary>
    public static CoxResult Fit(IReadOnlyList<double> time, IReadOnlyList<bool> isEvent, IReadOnlyList<double[]> covariates, IReadOnlyList<string> names, CoxTies ties = CoxTies.Efron, int maxIterations = MaxIterations)
    {
        Preconditions.NotNull(time);
        Preconditions.NotNull(isEvent);
        Preconditions.NotNull(covariates);
        Preconditions.NotNull(names);
        var n = time.Count;
        var p = names.Count;
        Preconditions.Requires(isEvent.Count == n && covariates.Count == n, "time, isEvent and covariates must have the same length.");
        Preconditions.Requires(p >= 1, "At least one covariate is needed.");
        Preconditions.Requires(maxIterations >= 1, "maxIterations must be at least 1.");

        // Descending time, one sort; covariates copied row-major and centred.
        var order = new int[n];
        var keys = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = -time[i];
        }

        Array.Sort(keys, order);
        var x = new double[n * p];
        var t = new double[n];
        var status = new bool[n];
        var means = new double[p];
        var events = 0;
        for (var r = 0; r < n; r++)
        {
            var src = covariates[order[r]];
            Preconditions.Requires(src.Length == p, "Each observation needs one value per covariate.");
            t[r] = time[order[r]];
            status[r] = isEvent[order[r]];
            events += status[r] ? 1 : 0;
            for (var c = 0; c < p; c++)
            {
                x[(r * p) + c] = src[c];
                means[c] += src[c];
            }
        }

        for (var c = 0; c < p; c++)
        {
            means[c] /= n;
        }

        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < p; c++)
            {
                x[(r * p) + c] -= means[c];
            }
        }

        var model = new Model(x, t, status, p, ties);
        var beta = new double[p];
        var u = new double[p];
        var imat = new double[p, p];
        var loglikNull = model.Evaluate(beta, u, imat);
        var singular = SingularColumns(x, n, p, imat);
        if (singular.Count > 0)
        {
            return WithoutSingular(time, isEvent, covariates, names, ties, maxIterations, singular, loglikNull, events);
        }

        var step = LinearAlgebra.Solve(imat, u);
        var score = 0.0;
        for (var c = 0; c < p; c++)
        {
            score += step[c] * u[c];
        }

        var oldBeta = (double[])beta.Clone();
        for (var c = 0; c < p; c++)
        {
            beta[c] += step[c];
        }

        var loglik = loglikNull;
        var halving = false;
        var converged = false;
        var iteration = 1;
        var newLoglik = loglikNull;
        for (; iteration <= maxIterations; iteration++)
        {
            newLoglik = model.Evaluate(beta, u, imat);
            if (Math.Abs(1 - (loglik / newLoglik)) <= Eps && !halving)
            {
                converged = true;
                break;
            }

            if (newLoglik < loglik || double.IsNaN(newLoglik))
            {
                halving = true;
                for (var c = 0; c < p; c++)
                {
                    beta[c] = (oldBeta[c] + beta[c]) / 2;
                }
            }
            else
            {
                halving = false;
                loglik = newLoglik;
                step = LinearAlgebra.Solve(imat, u);
                for (var c = 0; c < p; c++)
                {
                    oldBeta[c] = beta[c];
                    beta[c] += step[c];
                }
            }
        }

        if (!converged)
        {
            // coxfit6 ran out of iterations: it reports the last accepted β (here oldBeta, whether the last step was
            // accepted or halved), recomputes ℓ, U and I there, and counts maxIterations + 1 iterations.
            Array.Copy(oldBeta, beta, p);
            newLoglik = model.Evaluate(beta, u, imat);
        }

        loglik = newLoglik;
        var variance = LinearAlgebra.Inverse(imat);
        var coefficients = new CoxCoefficient[p];
        var wald = 0.0;
        for (var r = 0; r < p; r++)
        {
            var se = Math.Sqrt(variance[r, r]);
            var z = beta[r] / se;
            coefficients[r] = new CoxCoefficient(names[r], beta[r], Math.Exp(beta[r]), se, z, 2 * Distributions.NormalCdf(-Math.Abs(z)));
            for (var c = 0; c < p; c++)
            {
                wald += beta[r] * imat[r, c] * beta[c];
            }
        }

        var ranOut = !converged;
        var infinite = new List<string>();
        if (!ranOut)
        {
            // coxph.fit: infs <- abs(u %*% var); flagged when !is.finite(u) or (infs > eps and infs > toler.inf·|β|).
            for (var r = 0; r < p; r++)
            {
                var newtonStep = 0.0;
                for (var c = 0; c < p; c++)
                {
                    newtonStep += u[c] * variance[c, r];
                }

                newtonStep = Math.Abs(newtonStep);
                if (!double.IsFinite(u[r]) || (newtonStep > Eps && newtonStep > TolerInf * Math.Abs(beta[r])))
                {
                    infinite.Add(names[r]);
                }
            }
        }

        converged &= coefficients.All(c => double.IsFinite(c.StandardError));
        var lr = 2 * (loglik - loglikNull);
        return new CoxResult(n, events, coefficients, loglikNull, loglik,
            new ChiSquareTest(lr, p, Distributions.ChiSquareUpper(lr, p)),
            new ChiSquareTest(wald, p, Distributions.ChiSquareUpper(wald, p)),
            new ChiSquareTest(score, p, Distributions.ChiSquareUpper(score, p)),
            ranOut ? maxIterations + 1 : iteration, converged)
        {
            RanOutOfIterations = ranOut,
            MayBeInfinite = infinite,
        };
    }

    /// <summary>
    /// Columns <c>cholesky2</c> finds singular in the information matrix at β = 0 of the centred covariates after
    /// <c>coxfit6</c>'s scaling (n/Σ|x − x̄|, 1 for a constant column): pivots below toler.chol·max(diagonal).
    /// </summary>
    private static List<int> SingularColumns(double[] x, int n, int p, double[,] imat)
    {
        var scale = new double[p];
        for (var c = 0; c < p; c++)
        {
            var sum = 0.0;
            for (var r = 0; r < n; r++)
            {
                sum += Math.Abs(x[(r * p) + c]);
            }

            scale[c] = sum > 0 ? n / sum : 1.0;
        }

        var m = new double[p, p];
        var eps = 0.0;
        for (var i = 0; i < p; i++)
        {
            for (var j = 0; j < p; j++)
            {
                m[i, j] = imat[i, j] * scale[i] * scale[j];
            }

            eps = Math.Max(eps, m[i, i]);
        }

        eps = eps == 0 ? TolerChol : eps * TolerChol;
        var singular = new List<int>();
        for (var i = 0; i < p; i++)
        {
            var pivot = m[i, i];
            if (!double.IsFinite(pivot) || pivot < eps)
            {
                m[i, i] = 0;
                singular.Add(i);
                continue;
            }

            for (var j = i + 1; j < p; j++)
            {
                var temp = m[j, i] / pivot;
                m[j, i] = temp;
                m[j, j] -= temp * temp * pivot;
                for (var k = j + 1; k < p; k++)
                {
                    m[k, j] -= temp * m[k, i];
                }
            }
        }

        return singular;
    }

    /// <summary>The fit without the singular columns, their coefficients NaN (R: NA), in the original order.</summary>
    private static CoxResult WithoutSingular(IReadOnlyList<double> time, IReadOnlyList<bool> isEvent, IReadOnlyList<double[]> covariates, IReadOnlyList<string> names,
        CoxTies ties, int maxIterations, List<int> singular, double loglikNull, int events)
    {
        var dropped = singular.Select(i => names[i]).ToArray();
        var keep = Enumerable.Range(0, names.Count).Where(i => !singular.Contains(i)).ToArray();
        static CoxCoefficient NotAvailable(string name) => new(name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        if (keep.Length == 0)
        {
            var none = new ChiSquareTest(double.NaN, 0, double.NaN);
            return new CoxResult(time.Count, events, [.. names.Select(NotAvailable)], loglikNull, loglikNull, none, none, none, 0, false) { Dropped = dropped };
        }

        var reduced = covariates.Select(row => keep.Select(i => row[i]).ToArray()).ToArray();
        var fit = Fit(time, isEvent, reduced, [.. keep.Select(i => names[i])], ties, maxIterations);
        var coefficients = new CoxCoefficient[names.Count];
        for (var k = 0; k < keep.Length; k++)
        {
            coefficients[keep[k]] = fit.Coefficients[k];
        }

        foreach (var i in singular)
        {
            coefficients[i] = NotAvailable(names[i]);
        }

        return fit with { Coefficients = coefficients, Dropped = dropped };
    }

    /// <summary>Partial log-likelihood, score and information at β for data in descending time order.</summary>
    private sealed class Model(double[] x, double[] time, bool[] status, int p, CoxTies ties)
    {
        private readonly double[] _a = new double[p];
        private readonly double[] _a2 = new double[p];
        private readonly double[] _c = new double[p * p];
        private readonly double[] _c2 = new double[p * p];
        private readonly double[] _xbar = new double[p];

        public double Evaluate(double[] beta, double[] u, double[,] imat)
        {
            var n = time.Length;
            Array.Clear(u);
            Array.Clear(imat);
            Array.Clear(_a);
            Array.Clear(_c);
            double loglik = 0, denom = 0;
            for (var i = 0; i < n;)
            {
                var t = time[i];
                var j = i;
                var deaths = 0;
                double denom2 = 0;
                Array.Clear(_a2);
                Array.Clear(_c2);
                for (; j < n && time[j] == t; j++)
                {
                    var row = j * p;
                    var eta = 0.0;
                    for (var c = 0; c < p; c++)
                    {
                        eta += beta[c] * x[row + c];
                    }

                    var risk = Math.Exp(eta);
                    denom += risk;
                    for (var c = 0; c < p; c++)
                    {
                        var rx = risk * x[row + c];
                        _a[c] += rx;
                        for (var d = 0; d <= c; d++)
                        {
                            _c[(c * p) + d] += rx * x[row + d];
                        }
                    }

                    if (status[j])
                    {
                        deaths++;
                        denom2 += risk;
                        loglik += eta;
                        for (var c = 0; c < p; c++)
                        {
                            var rx = risk * x[row + c];
                            u[c] += x[row + c];
                            _a2[c] += rx;
                            for (var d = 0; d <= c; d++)
                            {
                                _c2[(c * p) + d] += rx * x[row + d];
                            }
                        }
                    }
                }

                if (deaths > 0)
                {
                    if (ties == CoxTies.Breslow || deaths == 1)
                    {
                        loglik -= deaths * Math.Log(denom);
                        AddTerm(u, imat, deaths, denom, 0);
                    }
                    else
                    {
                        for (var k = 0; k < deaths; k++)
                        {
                            var frac = (double)k / deaths;
                            var d2 = denom - (frac * denom2);
                            loglik -= Math.Log(d2);
                            AddTerm(u, imat, 1, d2, frac);
                        }
                    }
                }

                i = j;
            }

            for (var c = 0; c < p; c++)
            {
                for (var d = c + 1; d < p; d++)
                {
                    imat[c, d] = imat[d, c];
                }
            }

            return loglik;
        }

        private void AddTerm(double[] u, double[,] imat, double weight, double d2, double frac)
        {
            for (var c = 0; c < p; c++)
            {
                _xbar[c] = (_a[c] - (frac * _a2[c])) / d2;
                u[c] -= weight * _xbar[c];
            }

            for (var c = 0; c < p; c++)
            {
                for (var d = 0; d <= c; d++)
                {
                    imat[c, d] += weight * (((_c[(c * p) + d] - (frac * _c2[(c * p) + d])) / d2) - (_xbar[c] * _xbar[d]));
                }
            }
        }
    }
}
