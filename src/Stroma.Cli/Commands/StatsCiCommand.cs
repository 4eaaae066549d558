using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Statistics;

namespace Stroma.Cli.Commands;

/// <summary><c>stroma stats ci --x 13 --n 40</c>: Clopper-Pearson and Wilson 95% intervals for x of n.</summary>
public sealed class StatsCiCommand(CliIo io) : Command<StatsCiCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-x|--successes <X>")]
        [Description("Number of successes (responders), 0..n.")]
        public int? X { get; init; }

        [CommandOption("-n|--trials <N>")]
        [Description("Number of trials (patients), >= 1.")]
        public int? N { get; init; }

        [CommandOption("--conf <LEVEL>")]
        [Description("Confidence level, default 0.95.")]
        [DefaultValue(0.95)]
        public double Conf { get; init; } = 0.95;

        [CommandOption("-f|--format <FORMAT>")]
        [Description("csv (default) or json.")]
        [DefaultValue("csv")]
        public string Format { get; init; } = "csv";

        public override ValidationResult Validate() =>
            X is null || N is null ? ValidationResult.Error("Give --x and --n.")
            : N < 1 || X < 0 || X > N ? ValidationResult.Error($"Need 0 <= x <= n and n >= 1 (got x = {X}, n = {N}).")
            : Conf is <= 0 or >= 1 ? ValidationResult.Error("--conf must be between 0 and 1.")
            : Format is not ("csv" or "json") ? ValidationResult.Error($"Unknown format '{Format}'; expected csv or json.")
            : ValidationResult.Success();
    }

    /// <summary>
    /// Spectre.Console.Cli rejects one-letter long options, but statisticians type <c>--x 13 --n 40</c>: rewrite
    /// <c>--x</c>/<c>--n</c> after <c>stats ci</c> to the short forms <c>-x</c>/<c>-n</c>.
    /// </summary>
    public static string[] NormaliseArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 2 || args[0] != "stats" || args[1] != "ci")
        {
            return args;
        }

        return [.. args.Select(a => a switch
        {
            "--x" => "-x",
            "--n" => "-n",
            _ when a.StartsWith("--x=", StringComparison.Ordinal) || a.StartsWith("--n=", StringComparison.Ordinal) => a[1..],
            _ => a,
        })];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var intervals = new[]
        {
            ("clopper-pearson", BinomialInterval.ClopperPearson(settings.X!.Value, settings.N!.Value, settings.Conf)),
            ("wilson", BinomialInterval.Wilson(settings.X!.Value, settings.N!.Value, settings.Conf)),
        };
        if (settings.Format == "json")
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteNumber("x", settings.X.Value);
                w.WriteNumber("n", settings.N.Value);
                w.WriteNumber("conf", settings.Conf);
                StatsJson.Number(w, "estimate", intervals[0].Item2.Estimate);
                w.WriteStartArray("intervals");
                foreach (var (method, ci) in intervals)
                {
                    w.WriteStartObject();
                    w.WriteString("method", method);
                    StatsJson.Number(w, "lower", ci.Lower);
                    StatsJson.Number(w, "upper", ci.Upper);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            io.Out.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            io.Out.Write('\n');
            return ExitCodes.Ok;
        }

        io.Out.Write("method,x,n,estimate,lower,upper\n");
        foreach (var (method, ci) in intervals)
        {
            io.Out.Write($"{method},{ci.X},{ci.N},{StatsFormat.Text(ci.Estimate)},{StatsFormat.Text(ci.Lower)},{StatsFormat.Text(ci.Upper)}\n");
        }

        return ExitCodes.Ok;
    }
}
