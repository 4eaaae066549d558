using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Quality;
using Stroma.Data.Quality;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma checks run [--site S] [--protocol P] [--format text|json]</c>: runs the edit checks of the approved protocol
/// versions over their enrolments (<see cref="CheckRuns"/>), opens a query for each new soft finding and prints what
/// was found; progress goes to stderr on a terminal. A second run opens no duplicate queries.
/// </summary>
public sealed class ChecksRunCommand(CliIo io) : AsyncCommand<ChecksRunCommand.Settings>
{
    public sealed class Settings : ReadDatabaseSettings
    {
        [CommandOption("-s|--site <S>")]
        [Description("Only this site's patients (default: every site).")]
        public string? Site { get; init; }

        [CommandOption("-p|--protocol <KEY>")]
        [Description("Only this protocol's checks (default: every protocol with checks).")]
        public string? Protocol { get; init; }

        [CommandOption("-f|--format <FORMAT>")]
        [Description("text (default) or json.")]
        public string Format { get; init; } = "text";

        public override ValidationResult Validate() => Check(
            (Format is "text" or "json", $"Unknown format '{Format}'; expected text or json."),
            (Site is null || Site.Trim().Length > 0, "--site needs a site code."),
            (Protocol is null || Protocol.Trim().Length > 0, "--protocol needs a protocol key."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.ReadDatabaseProblem is { } problem)
        {
            io.Error.WriteLine("stroma: " + problem);
            return ExitCodes.Usage;
        }

        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        // Records are read from the read replica when one is given; the queries opened are written to the primary.
        var (source, _) = settings.ReadConfiguration is null ? (db, null) : await settings.OpenReadsAsync(io.Error, cancellationToken).ConfigureAwait(false);
        await using var reads = source == db ? null : source;
        var clock = Stopwatch.StartNew();
        var lastShown = TimeSpan.MinValue;
        var progress = io.IsTerminal ? new SynchronousProgress<(int Done, int Total)>(p =>
        {
            if (clock.Elapsed - lastShown < TimeSpan.FromMilliseconds(250) && p.Done < p.Total)
            {
                return;
            }

            lastShown = clock.Elapsed;
            var fraction = p.Total > 0 ? (double)p.Done / p.Total : 1;
            io.Error.Write($"\r{ProgressBar.Of(fraction)} {fraction,4:P0} {p.Done,9:N0}/{p.Total:N0} enrolments");
        }) : null;
        var report = await CheckRuns.RunAsync(db, source, settings.Site, settings.Protocol, progress, cancellationToken).ConfigureAwait(false);
        if (progress is not null)
        {
            io.Error.WriteLine();
        }

        if (report.Issues.Count > 0)
        {
            return Report(io, report.Issues);
        }

        if (settings.Format == "json")
        {
            WriteJson(report);
        }
        else
        {
            WriteText(report);
        }

        return ExitCodes.Ok;
    }

    private void WriteText(CheckRunReport report)
    {
        io.Out.WriteLine($"checks run: {report.Enrolments} enrolment(s), {report.Checks} check(s), {report.Findings.Count} finding(s), "
            + $"{report.QueriesOpened} query(ies) opened");
        foreach (var f in Ordered(report))
        {
            io.Out.WriteLine($"  {f.SiteCode,-6} {f.StudyId,-12} {f.ProtocolKey}/{f.ProtocolVersion} {f.CheckKey} ({f.Severity.Key()}) "
                + $"{f.RecordType} {f.RecordId:D} {f.Field} = {f.Value}{(f.QueryOpened ? "  [query opened]" : "")}");
            io.Out.WriteLine($"         {f.Message}");
        }
    }

    private static IEnumerable<CheckFinding> Ordered(CheckRunReport report) =>
        report.Findings.OrderBy(f => f.SiteCode, StringComparer.Ordinal).ThenBy(f => f.StudyId, StringComparer.Ordinal)
            .ThenBy(f => f.CheckKey, StringComparer.Ordinal).ThenBy(f => f.Field, StringComparer.Ordinal).ThenBy(f => f.RecordId);

    private void WriteJson(CheckRunReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("enrolments", report.Enrolments);
            w.WriteNumber("checks", report.Checks);
            w.WriteNumber("queriesOpened", report.QueriesOpened);
            w.WriteStartArray("findings");
            foreach (var f in Ordered(report))
            {
                w.WriteStartObject();
                w.WriteString("site", f.SiteCode);
                w.WriteString("patient", f.StudyId);
                w.WriteString("protocol", f.ProtocolKey);
                w.WriteString("version", f.ProtocolVersion);
                w.WriteString("check", f.CheckKey);
                w.WriteString("severity", f.Severity.Key());
                w.WriteString("recordType", f.RecordType);
                w.WriteString("recordId", f.RecordId.ToString("D", CultureInfo.InvariantCulture));
                w.WriteString("field", f.Field);
                w.WriteString("value", f.Value);
                w.WriteString("message", f.Message);
                w.WriteBoolean("queryOpened", f.QueryOpened);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        io.Out.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        io.Out.Write('\n');
    }
}
