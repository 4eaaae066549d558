using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Calendars;

/// <summary>
/// Event names in the reader's language: the templates' generated events (<c>administration_N</c>, <c>month_N</c>) by
/// their number; any other event (a site's own protocol) by the label its protocol gives, as written.
/// </summary>
public static partial class CalendarText
{
    public static string EventLabel(IStringLocalizer<Text> text, string eventKey, string label)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = GeneratedKey().Match(eventKey ?? "");
        if (!match.Success)
        {
            return label;
        }

        var number = int.Parse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        return match.Groups[1].Value == "administration" ? text["calendar.label.administration", number] : text["calendar.label.month", number];
    }

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex("^(administration|month)_([0-9]{1,3})$")]
    private static partial Regex GeneratedKey();
}
