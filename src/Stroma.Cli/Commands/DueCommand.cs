using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma due --site S [--site S2] [--within 14d] [--as-of DATE] [--format text|json]</c>: the sites' worklist from
/// <see cref="Worklist"/>: administrations and follow-up visits due within the horizon or overdue, per patient, with the
/// due date, window and days overdue. Only the sites named are read.
/// </summary>
public sealed class DueCommand(CliIo io) : AsyncCommand<DueCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandOption("-s|--site <S>")]
        [Description("Site code (repeat for several). Required: only these sites' patients are read.")]
        public string[] Sites { get; init; } = [];

        [CommandOption("--within <DAYS>")]
        [Description("Horizon: events due up to this many days after the as-of date, e.g. 14d (default 14d; 0 to 366).")]
        public string Within { get; init; } = "14d";

        [CommandOption("--as-of <DATE>")]
        [Description("The day the worklist is for (default: today, UTC).")]
        public string? AsOf { get; init; }

        [CommandOption("-f|--format <FORMAT>")]
        [Description("text (default) or json.")]
        public string Format { get; init; } = "text";

        internal int HorizonDays => int.Parse(Within.TrimEnd('d'), NumberStyles.None, CultureInfo.InvariantCulture);

        public override ValidationResult Validate() => Check(
            (Sites.Length > 0, "Give at least one --site."),
            (IsDays(Within), $"--within must be a number of days such as 14d, not '{Within}'."),
            (AsOf is null || IsDate(AsOf), "--as-of must be YYYY-MM-DD."),
            (Format is "text" or "json", $"Unknown format '{Format}'; expected text or json."));

        private static bool IsDays(string text)
        {
            var digits = text.EndsWith('d') ? text[..^1] : text;
            return digits.Length is > 0 and <= 4 && digits.All(char.IsAsciiDigit);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var asOf = settings.AsOf is null ? DateOnly.FromDateTime(db.Clock.GetUtcNow().UtcDateTime) : Date(settings.AsOf);
        var (report, issues) = await Worklist.ForSitesAsync(db, settings.Sites, asOf, settings.HorizonDays, cancellationToken).ConfigureAwait(false);
        if (report is null)
        {
            return Report(io, issues);
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

    internal static string Key(DueState state) => state switch
    {
        DueState.Upcoming => "upcoming",
        DueState.Due => "due",
        DueState.Overdue => "overdue",
        _ => "missed",
    };

    internal static string Key(ScheduledEventKind kind) => kind == ScheduledEventKind.Administration ? "administration" : "follow-up";

    private void WriteText(WorklistReport report)
    {
        io.Out.WriteLine($"due at {string.Join(", ", report.Sites)} as of {report.AsOf:yyyy-MM-dd} within {report.HorizonDays} days: "
            + $"{report.ItemCount} event(s), {report.Patients.Count} patient(s)");
        foreach (var patient in report.Patients)
        {
            io.Out.WriteLine();
            io.Out.WriteLine($"patient {patient.StudyId} (site {patient.SiteCode})");
            io.Out.WriteLine($"  {"event",-18} {"kind",-15} {"due",-10}  {"window",-24}  {"status",-9} overdue");
            foreach (var i in patient.Items)
            {
                io.Out.WriteLine($"  {i.EventKey,-18} {Key(i.Kind),-15} {i.Target:yyyy-MM-dd}  {i.WindowStart:yyyy-MM-dd} to {i.WindowEnd:yyyy-MM-dd}  {Key(i.State),-9} "
                    + (i.DaysOverdue > 0 ? $"{i.DaysOverdue} day(s)" : "-"));
            }
        }
    }

    private void WriteJson(WorklistReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("asOf", report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteNumber("withinDays", report.HorizonDays);
            w.WriteStartArray("sites");
            foreach (var site in report.Sites)
            {
                w.WriteStringValue(site);
            }

            w.WriteEndArray();
            w.WriteStartArray("patients");
            foreach (var patient in report.Patients)
            {
                w.WriteStartObject();
                w.WriteString("patient", patient.StudyId);
                w.WriteString("site", patient.SiteCode);
                w.WriteStartArray("events");
                foreach (var i in patient.Items)
                {
                    w.WriteStartObject();
                    w.WriteString("protocol", i.ProtocolKey);
                    w.WriteString("event", i.EventKey);
                    w.WriteString("label", i.Label);
                    w.WriteString("kind", Key(i.Kind));
                    w.WriteString("due", i.Target.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    w.WriteString("windowStart", i.WindowStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    w.WriteString("windowEnd", i.WindowEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    w.WriteString("status", Key(i.State));
                    w.WriteNumber("daysOverdue", i.DaysOverdue);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        io.Out.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        io.Out.Write('\n');
    }
}
