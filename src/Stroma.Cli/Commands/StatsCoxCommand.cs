using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Statistics;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma stats cox FILE --time COL --event COL --covariate COL... [--ties efron|breslow]</c>: Cox proportional
/// hazards model as R's <c>summary(coxph(Surv(time, event) ~ covariates))</c>.
/// </summary>
public sealed class StatsCoxCommand(CliIo io) : Command<StatsCoxCommand.Settings>
{
    public sealed class Settings : StatsFileSettings
    {
        [CommandOption("--time <COL>")]
        [Description("Column holding the follow-up time.")]
        public string? Time { get; init; }

        [CommandOption("--event <COL>")]
        [Description("Column holding the event indicator: 0/1, 1/2 (2 = event) or TRUE/FALSE.")]
        public string? Event { get; init; }

        [CommandOption("--covariate <COL>")]
        [Description("Numeric covariate column; repeat the option or separate names with commas.")]
        public string[] Covariate { get; init; } = [];

        [CommandOption("--ties <METHOD>")]
        [Description("efron (R's default) or breslow.")]
        [DefaultValue("efron")]
        public string Ties { get; init; } = "efron";

        public IReadOnlyList<string> Covariates => [.. Covariate.SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

        public override ValidationResult Validate() =>
            Time is null || Event is null ? ValidationResult.Error("Name the --time and --event columns.")
            : Covariates.Count == 0 ? ValidationResult.Error("Name at least one --covariate column.")
            : Ties is not ("efron" or "breslow") ? ValidationResult.Error($"Unknown --ties '{Ties}'; expected efron or breslow.")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var issues = new List<(long Line, Issue Issue)>();
        using var input = settings.File is null or "-" ? null : io.OpenInput(settings.File);
        var names = settings.Covariates;
        var columns = SurvivalColumns.Read(input ?? io.In, settings.Time!, settings.Event!, null, null, names, issues);
        var events = columns?.Events(settings.Event!, issues);
        if (events is not null && !events.Contains(true))
        {
            issues.Add((1, Issue.Error(IssueCodes.StatsTooFewData, settings.Event!, "There are no events; a Cox model needs at least one.")));
            events = null;
        }

        CoxResult? fit = null;
        if (columns is not null && events is not null)
        {
            fit = CoxRegression.Fit(columns.Time, events, columns.Covariates, names, settings.Ties == "breslow" ? CoxTies.Breslow : CoxTies.Efron);
            if (fit.Dropped.Count == names.Count)
            {
                issues.Add((1, Issue.Error(IssueCodes.StatsNotConverged, string.Join(",", names),
                    $"No covariate is left to fit: {Listed(fit.Dropped)} {(names.Count == 1 ? "is constant" : "are constant or collinear")}.")));
            }
            else
            {
                foreach (var name in fit.Dropped)
                {
                    issues.Add((1, Issue.Warning(IssueCodes.StatsCovariateDropped, name,
                        $"'{name}' is constant or a linear combination of the covariates before it, so the design is singular: it is left out and the others fitted (R's coxph reports its coefficient as NA).")));
                }

                if (fit.RanOutOfIterations)
                {
                    issues.Add((1, Issue.Warning(IssueCodes.StatsIterationsExhausted, string.Join(",", names),
                        $"Ran out of iterations and did not converge ({fit.Iterations - 1} Newton-Raphson iterations); the estimates are those of the last accepted step.")));
                }

                foreach (var name in fit.MayBeInfinite)
                {
                    issues.Add((1, Issue.Warning(IssueCodes.StatsInfiniteCoefficient, name,
                        $"The log-likelihood converged before '{name}': its coefficient may be infinite (e.g. every event on one side of it); its hazard ratio, SE and p are not meaningful.")));
                }

                if (!fit.RanOutOfIterations && !fit.Converged)
                {
                    issues.Add((1, Issue.Error(IssueCodes.StatsNotConverged, string.Join(",", names),
                        "The information matrix at the estimate is singular; no standard errors can be computed.")));
                }
            }
        }

        StatsFormat.Report(io, issues);
        if (fit is null || issues.Any(i => i.Issue.IsError))
        {
            return ExitCodes.InvalidInput;
        }

        var z = Distributions.NormalQuantile(0.975);
        if (settings.Format == "json")
        {
            WriteJson(io.Out, settings.Ties, fit, z);
        }
        else
        {
            io.Out.Write("term,coef,hr,se,z,p,hr_lower,hr_upper\n");
            foreach (var c in fit.Coefficients)
            {
                io.Out.Write(string.Join(",", StatsFormat.Cell(c.Name), StatsFormat.Text(c.Coefficient), StatsFormat.Text(c.HazardRatio), StatsFormat.Text(c.StandardError),
                    StatsFormat.Text(c.Z), StatsFormat.Text(c.P), StatsFormat.Text(Math.Exp(c.Coefficient - (z * c.StandardError))), StatsFormat.Text(Math.Exp(c.Coefficient + (z * c.StandardError)))));
                io.Out.Write('\n');
            }
        }

        return ExitCodes.Ok;
    }

    private static string Listed(IReadOnlyList<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static void WriteJson(TextWriter o, string ties, CoxResult fit, double z)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("ties", ties);
            w.WriteNumber("n", fit.N);
            w.WriteNumber("events", fit.Events);
            w.WriteNumber("iterations", fit.Iterations);
            w.WriteStartArray("coefficients");
            foreach (var c in fit.Coefficients)
            {
                w.WriteStartObject();
                w.WriteString("term", c.Name);
                StatsJson.Number(w, "coef", c.Coefficient);
                StatsJson.Number(w, "hr", c.HazardRatio);
                StatsJson.Number(w, "se", c.StandardError);
                StatsJson.Number(w, "z", c.Z);
                StatsJson.Number(w, "p", c.P);
                StatsJson.Number(w, "hr_lower", Math.Exp(c.Coefficient - (z * c.StandardError)));
                StatsJson.Number(w, "hr_upper", Math.Exp(c.Coefficient + (z * c.StandardError)));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            StatsJson.Number(w, "loglik_null", fit.LogLikelihoodNull);
            StatsJson.Number(w, "loglik", fit.LogLikelihood);
            foreach (var (name, test) in new[] { ("likelihood_ratio", fit.LikelihoodRatio), ("wald", fit.Wald), ("score", fit.Score) })
            {
                w.WriteStartObject(name);
                StatsJson.Number(w, "chisq", test.Statistic);
                w.WriteNumber("df", test.DegreesOfFreedom);
                StatsJson.Number(w, "p", test.P);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        o.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        o.Write('\n');
    }
}
