using System.Globalization;

namespace Stroma.Reporting;

/// <summary>
/// The language of the study report's HTML and PDF (<c>stroma report study --lang en|zh-CN</c>; the web report page
/// follows the user's language). Every label, heading, method sentence and chart text comes from
/// <c>Localization/ReportText.resx</c> (English) and <c>ReportText.zh-CN.resx</c> (Simplified Chinese). The JSON and CSV
/// keep their English keys and text in every language.
/// </summary>
public sealed class ReportLanguage
{
    private ReportLanguage(string code, string htmlLang)
    {
        Code = code;
        HtmlLang = htmlLang;
    }

    /// <summary>English (the default).</summary>
    public static ReportLanguage English { get; } = new("en", "en");

    /// <summary>Simplified Chinese, as the web app's zh-CN.</summary>
    public static ReportLanguage SimplifiedChinese { get; } = new("zh-CN", "zh-CN");

    /// <summary>The languages a report can be written in.</summary>
    public static IReadOnlyList<ReportLanguage> All { get; } = [English, SimplifiedChinese];

    /// <summary>The option value: <c>en</c> or <c>zh-CN</c>.</summary>
    public string Code { get; }

    /// <summary>The HTML <c>lang</c> attribute.</summary>
    public string HtmlLang { get; }

    internal bool IsChinese => !ReferenceEquals(this, English);

    /// <summary>Reads <c>en</c> or <c>zh-CN</c> (any case); false for anything else.</summary>
    public static bool TryParse(string? code, out ReportLanguage language)
    {
        language = All.FirstOrDefault(l => string.Equals(l.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? English;
        return All.Any(l => string.Equals(l.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The report language for a user's UI culture: Chinese for any <c>zh</c> culture, otherwise English.</summary>
    public static ReportLanguage For(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? SimplifiedChinese : English;
    }

    public override string ToString() => Code;
}
