using System.Collections;
using System.Globalization;
using System.Resources;

namespace Stroma.Reporting.Localization;

/// <summary>
/// The report's words in one language: <c>ReportText.resx</c> (English) and <c>ReportText.zh-CN.resx</c> (Simplified
/// Chinese) hold the same keys (a test checks). Chinese clinical terms are the ones the web app's resources use; where
/// they have none, the Chinese text keeps the English term (docs/report.md lists them), marked ‹like this› in the
/// method sentences so that the HTML can say it is English and not to be translated. A missing key is a programmer
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

    /// <summary>Opens an English term inside a Chinese sentence (a name a source gives, a measure without a reviewed Chinese name).</summary>
    public const char EnglishStart = '‹';

    /// <summary>Closes an English term opened by <see cref="EnglishStart"/>.</summary>
    public const char EnglishEnd = '›';

    /// <summary>The entry as text to read (the English-term marks removed).</summary>
    public string this[string key] => Plain(Marked(key));

    public string this[string key, params object?[] args] => string.Format(CultureInfo.InvariantCulture, this[key], args);

    /// <summary>The entry for <paramref name="key"/>, or null when there is none (for keys built from data, such as a statistic).</summary>
    public string? Find(string key) => entries.TryGetValue(key, out var value) ? Plain(value) : null;

    /// <summary>The entry with its English terms marked by <see cref="EnglishStart"/> and <see cref="EnglishEnd"/>.</summary>
    public string Marked(string key) =>
        entries.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The report text ({Language.Code}) has no entry '{key}'.");

    public string Marked(string key, params object?[] args) => string.Format(CultureInfo.InvariantCulture, Marked(key), args);

    /// <summary>Text without the English-term marks.</summary>
    public static string Plain(string marked) => marked.Replace(EnglishStart.ToString(), "", StringComparison.Ordinal).Replace(EnglishEnd.ToString(), "", StringComparison.Ordinal);

    /// <summary>Marked text as HTML: encoded, each English term in <c>&lt;span lang="en" translate="no"&gt;</c> (a name not to translate).</summary>
    public static string Html(string marked)
    {
        ArgumentNullException.ThrowIfNull(marked);
        var html = new System.Text.StringBuilder();
        var rest = marked;
        while (rest.IndexOf(EnglishStart, StringComparison.Ordinal) is var start and >= 0 && rest.IndexOf(EnglishEnd, start) is var end and > 0)
        {
            html.Append(System.Net.WebUtility.HtmlEncode(rest[..start])).Append("<span lang=\"en\" translate=\"no\">")
                .Append(System.Net.WebUtility.HtmlEncode(rest[(start + 1)..end])).Append("</span>");
            rest = rest[(end + 1)..];
        }

        return html.Append(System.Net.WebUtility.HtmlEncode(rest)).ToString();
    }

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
