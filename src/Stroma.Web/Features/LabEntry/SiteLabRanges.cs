using System.Collections.Concurrent;
using System.Globalization;
using CsvHelper;
using Stroma.Clinical.Labs;
using Stroma.Data.Import;

namespace Stroma.Web.Features.LabEntry;

/// <summary>
/// The reference ranges the web uses to flag entered and uploaded results: each site laboratory's own ranges from the
/// ranges file named by the <c>lab-ranges</c> setting (the <c>stroma labs interpret --ranges</c> format, docs/labs.md;
/// the <c>lab</c> column is <c>SITE/LAB</c>, the site code and the laboratory code, so two sites' laboratories never
/// share ranges), then the sourced defaults (<see cref="DefaultRanges"/>). Without the setting only the defaults
/// apply, and an analyte with no range is stored unflagged with LAB010 ("no range configured"). A range row that
/// cannot be read stops the file from being used (an error at first use, never a silently partial set).
/// </summary>
public static class SiteLabRanges
{
    private static readonly ConcurrentDictionary<string, ReferenceRangeSet> Files = new(StringComparer.Ordinal);

    /// <summary>The laboratory id of a site's laboratory in the ranges file.</summary>
    public static string LabId(string siteCode, string laboratoryCode) => $"{siteCode}/{laboratoryCode}";

    /// <summary>The ranges in force for this configuration.</summary>
    public static ReferenceRangeSet For(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration["lab-ranges"] is { Length: > 0 } path ? Files.GetOrAdd(Path.GetFullPath(path), Load) : ReferenceRangeSet.Default;
    }

    /// <summary>The normaliser of the import, over these ranges.</summary>
    public static ILabNormaliser Normaliser(IConfiguration configuration) =>
        For(configuration) is var set && ReferenceEquals(set, ReferenceRangeSet.Default) ? CatalogLabNormaliser.Default : new CatalogLabNormaliser(set);

    private static ReferenceRangeSet Load(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord ?? [];
        var ranges = new List<ReferenceRange>();
        var problems = new List<string>();
        while (csv.Read())
        {
            var fields = header.ToDictionary(h => h.Trim().ToLowerInvariant(), h => (string?)csv.GetField(h));
            var (range, issues) = ReferenceRangeReader.Read(fields);
            problems.AddRange(issues.Where(i => i.IsError).Select(i => $"{path} line {csv.Parser.RawRow}: {i}"));
            if (range is not null)
            {
                ranges.Add(range);
            }
        }

        return problems.Count == 0 ? new ReferenceRangeSet(ranges, DefaultRanges.All)
            : throw new InvalidDataException("The lab-ranges file cannot be used: " + string.Join("; ", problems));
    }
}
