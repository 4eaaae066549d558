using System.Globalization;

namespace Stroma.Clinical.Tests.Statistics;

/// <summary>
/// Reads the CSV files written by R/make-golden.R (numbers printed with 17 significant digits, NA/NaN as text)
/// and compares doubles to 1e-8 relative.
/// </summary>
internal static class GoldenTable
{
    public const double Tolerance = 1e-8;

    public static string Folder { get; } = Path.Combine(RepositoryRoot.Path, "tests", "Stroma.Clinical.Tests", "Statistics", "Golden");

    public static List<Dictionary<string, string>> Read(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(Folder, name));
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split(',');
            return header.Select((h, i) => (h, cells[i])).ToDictionary(p => p.h, p => p.Item2, StringComparer.Ordinal);
        }).ToList();
    }

    /// <summary>NA and NaN read as NaN.</summary>
    public static double Number(string text) =>
        text is "NA" or "NaN" ? double.NaN : text == "Inf" ? double.PositiveInfinity : text == "-Inf" ? double.NegativeInfinity
            : double.Parse(text, CultureInfo.InvariantCulture);

    public static double Num(this Dictionary<string, string> row, string column) => Number(row[column]);

    public static void Close(double expected, double actual, string what)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            Assert.True(double.IsNaN(expected) && double.IsNaN(actual), $"{what}: expected {expected:R}, got {actual:R}");
            return;
        }

        if (expected == actual)
        {
            return;
        }

        var scale = Math.Max(Math.Abs(expected), Math.Abs(actual));
        Assert.True(Math.Abs(expected - actual) <= (Tolerance * scale) + 1e-300,
            $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(expected - actual) / scale:E2})");
    }

    /// <summary>Runs the check on every row and fails once, listing every row that failed.</summary>
    public static void ForEach<T>(IEnumerable<T> rows, Action<T> check)
    {
        var failures = new List<string>();
        foreach (var row in rows)
        {
            try
            {
                check(row);
            }
            catch (Xunit.Sdk.XunitException ex)
            {
                failures.Add(ex.Message);
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failure(s):\n" + string.Join("\n", failures.Take(40)));
    }

    public static void Close(double expected, double? actual, string what) => Close(expected, actual ?? double.NaN, what);
}
