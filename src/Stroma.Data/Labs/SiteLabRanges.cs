using System.Collections.Concurrent;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Stroma.Clinical.Labs;

namespace Stroma.Data.Labs;

/// <summary>
/// The reference ranges that flag stored lab results, for every surface (web entry, web upload, <c>stroma import
/// labs</c>): each site laboratory's own ranges from a ranges file (the <c>stroma labs interpret --ranges</c> format,
/// docs/labs.md; the <c>lab</c> column is <c>SITE/LAB</c>, the site code and the laboratory code, so two sites'
/// laboratories never share ranges), then the sourced defaults (<see cref="DefaultRanges"/>). The web names the file
/// in its <c>lab-ranges</c> setting, the CLI with <c>--ranges</c>. Without a file only the defaults apply, and an
/// analyte with no range is stored unflagged with LAB010 ("no range configured"). A range row that cannot be read
/// stops the file from being used (an error at first use, never a silently partial set).
/// </summary>
public static class SiteLabRanges
{
    private static readonly ConcurrentDictionary<string, ReferenceRangeSet> Files = new(StringComparer.Ordinal);

    /// <summary>The laboratory id of a site's laboratory in the ranges file.</summary>
    public static string LabId(string siteCode, string laboratoryCode) => $"{siteCode}/{laboratoryCode}";

    /// <summary>The ranges in force: the file's (read once per path) over the defaults, or the defaults alone.</summary>
    public static ReferenceRangeSet For(string? rangesPath) =>
        string.IsNullOrWhiteSpace(rangesPath) ? ReferenceRangeSet.Default : Files.GetOrAdd(Path.GetFullPath(rangesPath), Load);

    /// <summary>The normaliser of every lab result written, over these ranges.</summary>
    public static ILabNormaliser Normaliser(string? rangesPath) =>
        For(rangesPath) is var set && ReferenceEquals(set, ReferenceRangeSet.Default) ? CatalogLabNormaliser.Default : new CatalogLabNormaliser(set);

    private static ReferenceRangeSet Load(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null });
        if (!csv.Read())
        {
            throw new InvalidDataException($"The lab ranges file {path} is empty.");
        }

        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var ranges = new List<ReferenceRange>();
        var problems = new List<string>();
        while (csv.Read())
        {
            var fields = header.Select((h, i) => (Name: h.Trim().ToLowerInvariant(), Value: csv.TryGetField<string>(i, out var v) ? v : null))
                .GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value);
            var (range, issues) = ReferenceRangeReader.Read(fields);
            problems.AddRange(issues.Where(i => i.IsError).Select(i => $"{path} line {csv.Parser.RawRow}: {i}"));
            if (range is not null)
            {
                ranges.Add(range);
            }
        }

        return problems.Count == 0 ? new ReferenceRangeSet(ranges, DefaultRanges.All)
            : throw new InvalidDataException("The lab ranges file cannot be used: " + string.Join("; ", problems));
    }
}
