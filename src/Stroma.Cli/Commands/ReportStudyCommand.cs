using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Report;
using Stroma.Reporting;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma report study [--protocol P] [--site S ...] [--format html|pdf|csv|json] [--lang en|zh-CN] --out FILE</c>: the cohort's
/// results section (flow, baseline, measures by month with paired tests, adjudicated responses, Kaplan-Meier, adverse
/// events) with charts.
/// </summary>
public sealed class ReportStudyCommand(CliIo io) : AsyncCommand<ReportStudyCommand.Settings>
{
    public sealed class Settings : ReadDatabaseSettings
    {
        [CommandOption("-p|--protocol <P>")]
        [Description("Protocol key, a template or a stored protocol (e.g. wang_2014, cr_msc_nk; see 'stroma protocol list'): the cohort is the patients enrolled on it. Default: every patient.")]
        public string? Protocol { get; init; }

        [CommandOption("-s|--site <S>")]
        [Description("Site code to include (repeat for several; default all sites). Other sites' rows are never read.")]
        public string[] Sites { get; init; } = [];

        [CommandOption("-f|--format <FORMAT>")]
        [Description("html (inline SVG charts), pdf, csv (long format) or json. Default: from the --out extension, else html.")]
        public string? Format { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Output file (replaced if it exists).")]
        public string? Out { get; init; }

        [CommandOption("-l|--lang <LANG>")]
        [Description("Language of the HTML and PDF (headings, labels, methods, charts): en or zh-CN. Default: en. JSON and CSV keep their English keys and text.")]
        public string? Lang { get; init; }

        internal ReportLanguage Language => ReportLanguage.TryParse(Lang ?? "en", out var language) ? language : ReportLanguage.English;

        [CommandOption("--charts <DIR>")]
        [Description("Also write every chart as PNG and SVG files into DIR.")]
        public string? Charts { get; init; }

        [CommandOption("--fonts <DIR>")]
        [Description("Folder holding the PDF's fonts (DejaVuSans.ttf, DejaVuSans-Bold.ttf; wqy-zenhei.ttc for zh-CN), looked for there only. Default: $STROMA_REPORT_FONTS, else Debian's font folders.")]
        public string? Fonts { get; init; }

        internal string? FontDirectory => Fonts ?? Environment.GetEnvironmentVariable(ReportWriters.FontsEnvironmentVariable);

        [CommandOption("--timings")]
        [Description("Write each query's elapsed time and row count to stderr.")]
        public bool Timings { get; init; }

        internal ReportFormat ResolvedFormat =>
            Enum.Parse<ReportFormat>(Format ?? (Path.GetExtension(Out ?? "").TrimStart('.') is { Length: > 0 } ext ? ext : "html"), ignoreCase: true);

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out))
            {
                return ValidationResult.Error("--out FILE is required.");
            }

            var format = Format ?? Path.GetExtension(Out).TrimStart('.');
            if (!string.IsNullOrEmpty(format) && !Enum.TryParse<ReportFormat>(format, ignoreCase: true, out _))
            {
                return ValidationResult.Error($"Unknown format '{format}'; expected html, pdf, csv or json.");
            }

            if (Lang is not null && !ReportLanguage.TryParse(Lang, out _))
            {
                return ValidationResult.Error($"Unknown language '{Lang}' for --lang; expected {string.Join(" or ", ReportLanguage.All.Select(l => l.Code))}.");
            }

            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.ReadDatabaseProblem is { } problem)
        {
            io.Error.WriteLine("stroma: " + problem);
            return ExitCodes.Usage;
        }

        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var (db, _) = await settings.OpenReadsAsync(io.Error, cancellationToken).ConfigureAwait(false);
        await using var reads = db;
        if (settings.Protocol is { } protocol)
        {
            // A template or a protocol stored in this registry (a site's copy): known only once the registry is open.
            var known = await StudyReportBuilder.KnownProtocolsAsync(db, cancellationToken).ConfigureAwait(false);
            if (!known.Contains(protocol, StringComparer.Ordinal))
            {
                io.Error.WriteLine("stroma: " + StudyReportBuilder.UnknownProtocolMessage(protocol, known));
                io.Error.WriteLine("Run 'stroma report study --help' for usage.");
                return ExitCodes.Usage;
            }
        }

        var report = await StudyReportBuilder.BuildAsync(db, new StudyReportOptions(settings.Protocol, settings.Sites,
            Trace: settings.Timings ? line => io.Error.WriteLine("report: " + line) : null), cancellationToken).ConfigureAwait(false);
        var built = clock.Elapsed;
        var folder = Path.GetDirectoryName(Path.GetFullPath(settings.Out!));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        try
        {
            // The font first: a missing font leaves no half-written file behind.
            if (settings.ResolvedFormat == ReportFormat.Pdf)
            {
                ReportWriters.EnsureFonts(settings.Language, settings.FontDirectory);
            }

            await using var output = File.Create(settings.Out!);
            await ReportWriters.WriteAsync(report, settings.ResolvedFormat, output, settings.Language, settings.FontDirectory, cancellationToken).ConfigureAwait(false);
        }
        catch (ReportFontMissingException missing)
        {
            io.Error.WriteLine("stroma: " + missing.Message);
            return ExitCodes.Unexpected;
        }

        if (settings.Charts is not null)
        {
            Directory.CreateDirectory(settings.Charts);
            foreach (var chart in ReportCharts.Draw(report, settings.Language))
            {
                await File.WriteAllBytesAsync(Path.Combine(settings.Charts, chart.Key + ".png"), chart.Png, cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(Path.Combine(settings.Charts, chart.Key + ".svg"), chart.Svg, cancellationToken).ConfigureAwait(false);
            }
        }

        io.Error.WriteLine($"report: {report.Flow.Enrolled} enrolled patients; queries and statistics {built.TotalSeconds:0.00} s, total {clock.Elapsed.TotalSeconds:0.00} s");
        io.Out.WriteLine($"{settings.ResolvedFormat.ToString().ToLowerInvariant()} report written to {settings.Out}");
        return ExitCodes.Ok;
    }
}
