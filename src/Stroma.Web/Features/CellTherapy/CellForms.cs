using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Stroma.Clinical.Issues;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>
/// Reading the cell-therapy forms: numbers as typed (<c>5.8e7</c> is a cell count), a local date-time with its UTC
/// offset (an instant without an offset is ambiguous and refused, as in the CLI), and issues of the use cases as
/// ModelState errors (code, field and message: the rules' own words).
/// </summary>
internal static class CellForms
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];

    public static bool TryNumber(string? text, out decimal value) =>
        decimal.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>An offset as <c>+08:00</c>, <c>-05:00</c> or <c>Z</c>.</summary>
    public static bool TryOffset(string? text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        var t = text?.Trim();
        if (t is "Z" or "z" or "+00:00")
        {
            return true;
        }

        if (t is null || t.Length != 6 || (t[0] != '+' && t[0] != '-')
            || !TimeSpan.TryParseExact(t[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var span) || span > TimeSpan.FromHours(14))
        {
            return false;
        }

        offset = t[0] == '-' ? -span : span;
        return true;
    }

    public static bool TryInstant(string? local, TimeSpan offset, out DateTimeOffset instant)
    {
        instant = default;
        if (!DateTime.TryParseExact(local?.Trim(), LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return false;
        }

        instant = new DateTimeOffset(time, offset);
        return true;
    }

    public static string Text(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Adds each error (and, with <paramref name="warningsToo"/>, each warning) to ModelState under <paramref name="key"/>.</summary>
    public static void AddIssues(ModelStateDictionary state, IEnumerable<Issue> issues, string key = "", bool warningsToo = false)
    {
        foreach (var issue in issues.Where(i => i.IsError || warningsToo))
        {
            state.AddModelError(key, Describe(issue));
        }
    }

    public static string Describe(Issue issue) =>
        string.IsNullOrEmpty(issue.Path) ? $"{issue.Code}: {issue.Message}" : $"{issue.Code} [{issue.Path}]: {issue.Message}";
}
