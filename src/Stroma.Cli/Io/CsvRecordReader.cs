using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Io;

/// <summary>
/// Reads RFC 4180 CSV with a header row as raw items, streaming. Every cell is text (an empty cell is null);
/// instruments accept text such as "true" or "12.5" where they expect a boolean or a number.
/// </summary>
public static class CsvRecordReader
{
    public static IEnumerable<InputRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        // RFC 4180 forbids a stray quote ("tr"ue, tr"ue); CsvHelper would repair it silently, so note it and refuse the row.
        string? badField = null;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = args => badField ??= args.Field,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        };
        using var csv = new CsvParser(reader, configuration, leaveOpen: true);
        if (!csv.Read())
        {
            yield break;
        }

        var header = csv.Record!.Select(h => h.Trim()).ToArray();
        var headerBadField = badField;

        // A repeated column would let one cell silently overwrite another (seizure=true, then seizure=false).
        var repeated = header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToList();
        while (csv.Read())
        {
            var row = csv.Record!;
            var line = csv.RawRow - LineBreaksWithin(csv.RawRecord);
            var rowBadField = badField;
            badField = null;
            if (row.Length == 1 && string.IsNullOrWhiteSpace(row[0]) && rowBadField is null)
            {
                continue;
            }

            if ((headerBadField ?? rowBadField) is { } bad)
            {
                yield return new InputRecord(line, null, null, Issue.Error(IssueCodes.MalformedRecord, "",
                    $"Line {line} cannot be read: {(headerBadField is null ? "the field" : "the header field")} {bad.Trim()} has a stray double quote (quote the whole field and double any quote inside it)."));
                continue;
            }

            if (repeated.Count > 0)
            {
                yield return new InputRecord(line, null, null, Issue.Error(IssueCodes.MalformedRecord, "",
                    $"Line {line} cannot be read: the header names column {string.Join(", ", repeated)} more than once."));
                continue;
            }

            if (row.Length != header.Length)
            {
                yield return new InputRecord(line, null, null, Issue.Error(IssueCodes.MalformedRecord, "",
                    $"Line {line} cannot be read: it has {row.Length} fields; the header has {header.Length}."));
                continue;
            }

            string? id = null;
            var items = new Dictionary<string, ItemValue>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                if (header[i] == "id")
                {
                    id = string.IsNullOrWhiteSpace(row[i]) ? null : row[i].Trim();
                }
                else
                {
                    items[header[i]] = ItemValue.Of(row[i]);
                }
            }

            yield return new InputRecord(line, id, items, null);
        }
    }

    // RawRow is the line a record ends on; a quoted field may hold line breaks, and the record starts that many lines earlier.
    private static int LineBreaksWithin(string rawRecord)
    {
        var text = rawRecord.TrimEnd('\r', '\n');
        var breaks = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                breaks++;
            }
        }

        return breaks;
    }
}
