using System.Collections;
using System.Globalization;
using System.Resources;

namespace Stroma.Reporting.Localization;

/// <summary>
/// The report's words in one language: <c>ReportText.resx</c> (English) and <c>ReportText.zh-CN.resx</c> (Simplified
/// Chinese) hold the same keys (a test checks). Chinese clinical terms are the ones the web app's resources use; where
/// they have none, the Chinese text keeps the English term (docs/report.md lists them). A missing key is a programmer
/// error and throws.
/// </summary>
/// <remarks>
/// Both files are embedded in this assembly (no satellite assembly; Stroma.Reporting.csproj) and read by name, not
/// through a <see cref="CultureInfo"/>: the command line runs with invariant globalization, where a zh-CN culture
/// cannot be created, and the language is the report's, not the process's.
/// </remarks>
internal sealed class ReportText
{
    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> Sets = [];

    private static readonly Lock Gate = new();

    private readonly IReadOnlyDictionary<string, string> entries;

    public ReportText(ReportLanguage language)
    {
        ArgumentNullException.ThrowIfNull(language);
        Language = language;
        entries = Entries(language);
    }

    public ReportLanguage Language { get; }

    public string this[string key] =>
        entries.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The report text ({Language.Code}) has no entry '{key}'.");

    public string this[string key, params object?[] args] => string.Format(CultureInfo.InvariantCulture, this[key], args);

    /// <summary>The entry for <paramref name="key"/>, or null when there is none (for keys built from data, such as a statistic).</summary>
    public string? Find(string key) => entries.TryGetValue(key, out var value) ? value : null;

    /// <summary>Every entry of a language's resources (for the parity test).</summary>
    internal static IReadOnlyDictionary<string, string> Entries(ReportLanguage language)
    {
        ArgumentNullException.ThrowIfNull(language);
        lock (Gate)
        {
            if (!Sets.TryGetValue(language.Code, out var set))
            {
                var name = "Stroma.Reporting.Localization.ReportText" + (language.IsChinese ? "." + language.Code : "") + ".resources";
                using var stream = typeof(ReportText).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException("Missing embedded resource " + name);
                using var reader = new ResourceReader(stream);
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in reader)
                {
                    values[(string)entry.Key] = (string)entry.Value!;
                }

                Sets[language.Code] = set = values;
            }

            return set;
        }
    }
}
