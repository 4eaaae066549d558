using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Calendars;

/// <summary>
/// Event names in the reader's language: the templates' generated events (<c>administration_N</c>, <c>month_N</c>, the CAR-T
/// template's <c>year_N</c> visits and <c>ltfu_year_N</c> contacts) by
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
        return text[$"calendar.label.{match.Groups[1].Value}", number];
    }

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex("^(administration|month|year|ltfu_year)_([0-9]{1,3})$")]
    private static partial Regex GeneratedKey();
}
