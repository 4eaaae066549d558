using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Statistics;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma stats km FILE --time COL --event COL [--group COL] [--strata COL] [--conf-type log|log-log]</c>:
/// Kaplan-Meier table per group (R's <c>summary(survfit(...), censored = TRUE)</c>), medians and the log-rank test.
/// </summary>
public sealed class StatsKmCommand(CliIo io) : Command<StatsKmCommand.Settings>
{
    public sealed class Settings : StatsFileSettings
    {
        [CommandOption("--time <COL>")]
        [Description("Column holding the follow-up time (any unit, >= 0).")]
        public string? Time { get; init; }

        [CommandOption("--event <COL>")]
        [Description("Column holding the event indicator: 0/1, 1/2 (2 = event, as R's Surv) or TRUE/FALSE.")]
        public string? Event { get; init; }

        [CommandOption("--group <COL>")]
        [Description("Column whose values split the curves (and are compared by the log-rank test).")]
        public string? Group { get; init; }

        [CommandOption("--strata <COL>")]
        [Description("Column whose values stratify the log-rank test (survdiff(... + strata(COL))).")]
        public string? Strata { get; init; }

        [CommandOption("--conf-type <TYPE>")]
        [Description("log (R's default) or log-log: the scale of the 95% intervals.")]
        [DefaultValue("log")]
        public string ConfType { get; init; } = "log";

        public override ValidationResult Validate()
        {
            if (Time is null || Event is null)
            {
                return ValidationResult.Error("Name the --time and --event columns.");
            }

            return ConfType is not ("log" or "log-log") ? ValidationResult.Error($"Unknown --conf-type '{ConfType}'; expected log or log-log.") : base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var issues = new List<(long Line, Issue Issue)>();
        using var input = settings.File is null or "-" ? null : io.OpenInput(settings.File);
        var columns = SurvivalColumns.Read(input ?? io.In, settings.Time!, settings.Event!, settings.Group, settings.Strata, [], issues);
        var events = columns?.Events(settings.Event!, issues);
        StatsFormat.Report(io, issues);
        if (columns is null || events is null)
        {
            return ExitCodes.InvalidInput;
        }

        var groupCodes = CollectionsMarshal.AsSpan(columns.Group);
        var strataCodes = CollectionsMarshal.AsSpan(columns.Stratum);
        string[]? groups = settings.Group is null ? null : columns.Groups.Sort(groupCodes);
        string[]? strata = settings.Strata is null ? null : columns.Strata.Sort(strataCodes);
        var data = SurvivalData.Create(CollectionsMarshal.AsSpan(columns.Time), events, groupCodes, groups, strataCodes, strata);
        var type = settings.ConfType == "log-log" ? ConfidenceType.LogLog : ConfidenceType.Log;
        var curves = KaplanMeier.Fit(data, type);
        LogRankResult? logRank = groups is { Length: > 1 } ? LogRank.Test(data) : null;
        if (settings.Format == "json")
        {
            WriteJson(io.Out, settings.ConfType, curves, logRank);
        }
        else
        {
            WriteCsv(io.Out, curves);
        }

        return ExitCodes.Ok;
    }

    internal static void WriteCsv(TextWriter output, IReadOnlyList<SurvivalCurve> curves)
    {
        output.Write("group,time,n_risk,n_event,n_censor,surv,std_err,lower,upper\n");
        foreach (var curve in curves)
        {
            var group = StatsFormat.Cell(curve.Group);
            foreach (var r in curve.Rows)
            {
                output.Write(group);
                output.Write(',');
                output.Write(StatsFormat.Text(r.Time));
                output.Write(',');
                output.Write(r.AtRisk);
                output.Write(',');
                output.Write(r.Events);
                output.Write(',');
                output.Write(r.Censored);
                output.Write(',');
                output.Write(StatsFormat.Text(r.Survival));
                output.Write(',');
                output.Write(StatsFormat.Text(r.StdErr, "NaN"));
                output.Write(',');
                output.Write(StatsFormat.Text(r.Lower));
                output.Write(',');
                output.Write(StatsFormat.Text(r.Upper));
                output.Write('\n');
            }
        }
    }

    private static void WriteJson(TextWriter output, string confType, IReadOnlyList<SurvivalCurve> curves, LogRankResult? logRank)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("conf_type", confType);
            w.WriteStartArray("table");
            foreach (var curve in curves)
            {
                foreach (var r in curve.Rows)
                {
                    w.WriteStartObject();
                    w.WriteString("group", curve.Group);
                    StatsJson.Number(w, "time", r.Time);
                    w.WriteNumber("n_risk", r.AtRisk);
                    w.WriteNumber("n_event", r.Events);
                    w.WriteNumber("n_censor", r.Censored);
                    StatsJson.Number(w, "surv", r.Survival);
                    StatsJson.Number(w, "std_err", r.StdErr);
                    StatsJson.Number(w, "lower", r.Lower);
                    StatsJson.Number(w, "upper", r.Upper);
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteStartArray("medians");
            foreach (var curve in curves)
            {
                w.WriteStartObject();
                w.WriteString("group", curve.Group);
                StatsJson.Number(w, "median", curve.Median.Median);
                StatsJson.Number(w, "lower", curve.Median.Lower);
                StatsJson.Number(w, "upper", curve.Median.Upper);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (logRank is null)
            {
                w.WriteNull("logrank");
            }
            else
            {
                w.WriteStartObject("logrank");
                StatsJson.Number(w, "chisq", logRank.ChiSquare);
                w.WriteNumber("df", logRank.DegreesOfFreedom);
                StatsJson.Number(w, "p", logRank.P);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        output.Write('\n');
    }
}

/// <summary>JSON helpers: non-finite numbers (R's NA, NaN) are written as null.</summary>
internal static class StatsJson
{
    public static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
