using System.Globalization;
using Spectre.Console;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Time;
using Stroma.Data;

namespace Stroma.Cli.Commands;

/// <summary>Parsing and output shared by the cell-therapy commands (lot, enrol, schedule, infuse, trace).</summary>
internal static class CellTherapyArguments
{
    public static bool IsDate(string? text) => text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool IsInstant(string? text) => InstantPattern.Parse(text, "time").Success;

    /// <summary>An instant with its UTC offset (<see cref="InstantPattern"/>, e.g. <c>2017-08-04T09:00+08:00</c>); a time without an offset is refused as ambiguous.</summary>
    public static DateTimeOffset Instant(string text) => InstantPattern.Parse(text, "time").Value;

    public static bool IsNumber(string? text) => text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    public static decimal Number(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static string Text(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    public static string Cells(decimal value) => CellNumberFormat.Scientific(value);

    /// <summary>"; entered late: REASON" for a record entered late, else nothing.</summary>
    public static string EnteredLate(Stroma.Data.Model.ILateEntryRecord record) => record.EnteredLate ? $"; entered late: {record.LateEntryReason}" : "";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    public static ValidationResult Check(params (bool Ok, string Message)[] checks)
    {
        var failed = checks.Where(c => !c.Ok).Select(c => c.Message).ToList();
        return failed.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join(" ", failed));
    }

    /// <summary>Writes every issue to stderr (one line each) and returns the exit code: 1 when any is an error.</summary>
    public static int Report(CliIo io, IEnumerable<Issue> issues)
    {
        var list = issues.ToList();
        foreach (var issue in list)
        {
            io.Error.WriteLine(issue.ToString());
        }

        return list.Any(i => i.IsError) ? ExitCodes.InvalidInput : ExitCodes.Ok;
    }

    /// <summary>Opens the registry; with <paramref name="clock"/>, "now" (entry times, today for late entry) comes from it.</summary>
    public static async Task<StromaDbContext> OpenAsync(DatabaseSettings settings, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        await StromaDatabase.EnsureReadyAsync(settings.Configuration, cancellationToken).ConfigureAwait(false);
        var db = StromaDatabase.CreateContext(settings.Configuration, settings.Actor);
        if (clock is not null)
        {
            db.Clock = clock;
        }

        return db;
    }

    public static string Key(this LotStatus status) => status.ToString().ToLowerInvariant();

    public static string Key(this CustodyEventKind kind) => kind.ToString().ToLowerInvariant();

    public static bool TryKind(string? text, out CustodyEventKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    public static bool TryProduct(string? text, out CellProductType type)
    {
        type = CellProductTypes.All.FirstOrDefault(t => t.Key() == text);
        return text is not null && CellProductTypes.All.Any(t => t.Key() == text);
    }
}
