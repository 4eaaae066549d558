using System.Globalization;
using System.Text.RegularExpressions;

namespace Stroma.Reporting.Localization;

/// <summary>
/// A visit type in words, in English or Simplified Chinese (issue #19): the protocol time points (<c>baseline</c>,
/// <c>screening</c>, <c>month_N</c>, <c>week_N</c>, <c>day_N</c>, <c>year_N</c>, <c>infusion_N</c>,
/// <c>administration_N</c>), the CAR-T preparation steps (<c>leukapheresis</c>, <c>manufacturing</c>, <c>bridging</c>,
/// <c>lymphodepletion</c>) and the usual reasons have names (<c>infusion_2</c> → Infusion 2 / 第2次输注); anything else
/// is what the person typed, shown as typed. The one source of these names: the study report (its "left out" footnote)
/// and the web app (<c>Words.VisitType</c>) both read them here, from the <c>visit_type.*</c> entries of
/// <c>ReportText.resx</c> and <c>ReportText.zh-CN.resx</c>.
/// </summary>
public static partial class VisitTypeNames
{
    /// <summary>The name of <paramref name="type"/> in <paramref name="language"/>; "" for none, the type itself when it has no name.</summary>
    public static string Name(string? type, ReportLanguage language) =>
        string.IsNullOrEmpty(type) ? "" : Find(type, language) ?? type;

    /// <summary>The name of <paramref name="type"/> in <paramref name="language"/>, or null when it has none (a type typed freely at a site).</summary>
    public static string? Find(string type, ReportLanguage language)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(language);
        var entries = ReportText.Entries(language);
        var numbered = NumberedPoint().Match(type);
        if (numbered.Success)
        {
            return entries.TryGetValue($"visit_type.{numbered.Groups[1].Value}_n", out var pattern)
                ? string.Format(CultureInfo.InvariantCulture, pattern, numbered.Groups[2].Value)
                : null;
        }

        return entries.TryGetValue($"visit_type.{type}", out var name) ? name : null;
    }

    [GeneratedRegex(@"^(month|week|day|infusion|administration|year)_(\d+)$")]
    private static partial Regex NumberedPoint();
}
