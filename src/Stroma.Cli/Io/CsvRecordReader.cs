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
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        };
        using var csv = new CsvParser(reader, configuration, leaveOpen: true);
        if (!csv.Read())
        {
            yield break;
        }

        var header = csv.Record!.Select(h => h.Trim()).ToArray();

        // A repeated column would let one cell silently overwrite another (seizure=true, then seizure=false).
        var repeated = header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToList();
        while (csv.Read())
        {
            var row = csv.Record!;
            var line = csv.RawRow;
            if (row.Length == 1 && string.IsNullOrWhiteSpace(row[0]))
            {
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
}
