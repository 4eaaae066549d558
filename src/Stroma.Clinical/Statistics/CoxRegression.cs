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
    ChiSquareTest LikelihoodRatio, ChiSquareTest Wald, ChiSquareTest Score, int Iterations, bool Converged);

/// <summary>
/// Cox proportional hazards regression (Cox 1972) fitted by Newton-Raphson exactly as R survival 3.5's
/// <c>coxph</c> (C routine <c>coxfit6</c>): start at β = 0, step β += I⁻¹U, halve the step when the log-likelihood
/// falls, stop when |1 − ℓ_old/ℓ_new| ≤ 1e-9 (<c>coxph.control</c>'s eps) or after 20 iterations. Covariates are
/// centred (which leaves the partial likelihood unchanged). Data sorted once by time.
/// </summary>
public static class CoxRegression
{
    private const double Eps = 1e-9;
    private const int MaxIterations = 20;

    /// <summary>Fits the model. <paramref name="covariates"/> is [observation][covariate].</summary>
    public static CoxResult Fit(IReadOnlyList<double> time, IReadOnlyList<bool> isEvent, IReadOnlyList<double[]> covariates, IReadOnlyList<string> names, CoxTies ties = CoxTies.Efron)
    {
        Preconditions.NotNull(time);
        Preconditions.NotNull(isEvent);
        Preconditions.NotNull(covariates);
        Preconditions.NotNull(names);
        var n = time.Count;
        var p = names.Count;
        Preconditions.Requires(isEvent.Count == n && covariates.Count == n, "time, isEvent and covariates must have the same length.");
        Preconditions.Requires(p >= 1, "At least one covariate is needed.");

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
        for (; iteration <= MaxIterations; iteration++)
        {
            newLoglik = model.Evaluate(beta, u, imat);
            if (Math.Abs(1 - (loglik / newLoglik)) <= Eps && !halving)
            {
                converged = true;
                break;
            }

            if (iteration == MaxIterations)
            {
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

        converged &= coefficients.All(c => double.IsFinite(c.StandardError));
        var lr = 2 * (loglik - loglikNull);
        return new CoxResult(n, events, coefficients, loglikNull, loglik,
            new ChiSquareTest(lr, p, Distributions.ChiSquareUpper(lr, p)),
            new ChiSquareTest(wald, p, Distributions.ChiSquareUpper(wald, p)),
            new ChiSquareTest(score, p, Distributions.ChiSquareUpper(score, p)),
            Math.Min(iteration, MaxIterations), converged);
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
