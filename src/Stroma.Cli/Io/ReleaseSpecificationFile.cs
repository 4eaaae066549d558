using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Cli.Io;

/// <summary>
/// Reads a site's own release specification (for products the ISCT MSC default does not cover, such as NK cells):
/// CSV with the header <c>key,label,kind,limit,unit,source</c>, one criterion per row. <c>kind</c> is
/// <c>at_least</c>, <c>at_most</c> (both need a numeric <c>limit</c>) or <c>must_be_met</c>; every row names the
/// source of its limit (the site's document and version). Every problem is returned, none is repaired.
/// </summary>
public static class ReleaseSpecificationFile
{
    private static readonly string[] Header = ["key", "label", "kind", "limit", "unit", "source"];

    public static (ReleaseSpecification? Specification, IReadOnlyList<Issue> Issues) Read(string path, string name, string version)
    {
        var issues = new List<Issue>();
        var criteria = new List<ReleaseCriterion>();
        using var reader = new StreamReader(path);
        using var csv = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        if (!csv.Read() || !csv.Record!.Select(h => h.Trim()).SequenceEqual(Header))
        {
            return (null, [Issue.Error(IssueCodes.SpecificationFileInvalid, path, $"{path}: the first line must be the header {string.Join(",", Header)}.")]);
        }

        while (csv.Read())
        {
            var line = csv.RawRow;
            var f = csv.Record!.Select(v => v.Trim()).ToArray();
            if (f.Length != Header.Length)
            {
                issues.Add(Error(line, "", $"has {f.Length} fields; expected {Header.Length}"));
                continue;
            }

            var (key, label, kindText, limitText, unit, source) = (f[0], f[1], f[2], f[3], f[4], f[5]);
            CriterionKind? kind = kindText switch
            {
                "at_least" => CriterionKind.AtLeast,
                "at_most" => CriterionKind.AtMost,
                "must_be_met" => CriterionKind.MustBeMet,
                _ => null,
            };
            decimal? limit = null;
            if (kind is null)
            {
                issues.Add(Error(line, "kind", $"\"{kindText}\" is not a kind; expected at_least, at_most or must_be_met"));
            }
            else if (kind != CriterionKind.MustBeMet)
            {
                if (decimal.TryParse(limitText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    limit = parsed;
                }
                else
                {
                    issues.Add(Error(line, "limit", $"\"{limitText}\" is not a number; an {kindText} criterion needs its limit"));
                }
            }

            if (key.Length == 0 || label.Length == 0 || source.Length == 0)
            {
                issues.Add(Error(line, key.Length == 0 ? "key" : label.Length == 0 ? "label" : "source", "key, label and source are required"));
            }
            else if (criteria.Any(c => c.Key == key))
            {
                issues.Add(Error(line, "key", $"\"{key}\" appears twice"));
            }
            else if (kind is { } k)
            {
                criteria.Add(new ReleaseCriterion(key, label, k, limit, unit, [key], source));
            }
        }

        if (criteria.Count == 0 && issues.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.SpecificationFileInvalid, path, $"{path} has no criterion."));
        }

        return issues.Count > 0 ? (null, issues) : (new ReleaseSpecification(name, version, criteria), issues);
    }

    private static Issue Error(long line, string field, string why) =>
        Issue.Error(IssueCodes.SpecificationFileInvalid, field, $"Specification line {line}: {(field.Length > 0 ? field + " " : "")}{why}.");
}
