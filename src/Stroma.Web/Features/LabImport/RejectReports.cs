using System.Collections.Concurrent;
using System.Globalization;
using Stroma.Data.Labs;

namespace Stroma.Web.Features.LabImport;

/// <summary>
/// The reject reports of recent uploads, kept in memory for an hour for their uploader to download as CSV (columns
/// <c>line, field, value, reason</c>), and for nobody else. At most <see cref="Capacity"/> are kept (the oldest go).
/// They are a convenience: the page shows the same rows, and re-uploading the file reproduces them.
/// </summary>
public static class RejectReports
{
    public const int Capacity = 200;

    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly ConcurrentDictionary<Guid, (string User, DateTimeOffset Expires, string Csv)> Reports = new();

    /// <summary>Keeps a report for <paramref name="user"/> and returns its token.</summary>
    public static Guid Keep(string user, IEnumerable<LabImportReject> rejects, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rejects);
        foreach (var old in Reports.Where(r => r.Value.Expires < now).Select(r => r.Key)
            .Concat(Reports.Count >= Capacity ? Reports.OrderBy(r => r.Value.Expires).Take(Reports.Count - Capacity + 1).Select(r => r.Key) : []).ToList())
        {
            Reports.TryRemove(old, out _);
        }

        var token = Guid.NewGuid();
        Reports[token] = (user, now + Lifetime, Csv(rejects));
        return token;
    }

    /// <summary>The report's CSV when it exists, has not expired and belongs to <paramref name="user"/>; else null.</summary>
    public static string? Find(Guid token, string user, DateTimeOffset now) =>
        Reports.TryGetValue(token, out var report) && report.User == user && report.Expires >= now ? report.Csv : null;

    /// <summary>The CSV text: one row per problem of each rejected row.</summary>
    public static string Csv(IEnumerable<LabImportReject> rejects)
    {
        ArgumentNullException.ThrowIfNull(rejects);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new Stroma.Data.Export.SafeCsvWriter(writer, CultureInfo.InvariantCulture))
        {
            csv.WriteField("line");
            csv.WriteField("field");
            csv.WriteField("value");
            csv.WriteField("reason");
            csv.NextRecord();
            foreach (var r in rejects)
            {
                csv.WriteField(r.Line);
                csv.WriteField(r.Field);
                csv.WriteField(r.Value);
                csv.WriteField($"{r.Issue.Code}: {r.Issue.Message}");
                csv.NextRecord();
            }
        }

        return writer.ToString();
    }
}
