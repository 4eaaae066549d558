using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Time;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>
/// Reading the cell-therapy forms: numbers as typed (<c>5.8e7</c> is a cell count), a local date-time with its UTC
/// offset (an instant without an offset is ambiguous and refused, as in the CLI), and issues of the use cases as
/// ModelState errors (code, field and message: the rules' own words).
/// </summary>
internal static class CellForms
{
    public static bool TryNumber(string? text, out decimal value) =>
        decimal.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>An offset as <c>+08:00</c>, <c>-05:00</c> or <c>Z</c> (<see cref="InstantPattern.ParseOffset"/>).</summary>
    public static bool TryOffset(string? text, out TimeSpan offset)
    {
        var parsed = InstantPattern.ParseOffset(text, "offset");
        offset = parsed.Success ? parsed.Value : TimeSpan.Zero;
        return parsed.Success;
    }

    /// <summary>A form's local date-time with its offset, read by the one instant parser (<see cref="InstantPattern"/>).</summary>
    public static bool TryInstant(string? local, TimeSpan offset, out DateTimeOffset instant)
    {
        var parsed = InstantPattern.Parse(local, InstantPattern.FormatOffset(offset), "time", "offset");
        instant = parsed.Success ? parsed.Value : default;
        return parsed.Success;
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

    /// <summary>
    /// Whether a form shows its "reason for late entry" field from the start: a reason was typed, or the use case
    /// refused the entry as late without one (<see cref="IssueCodes.LateEntryWithoutReason"/>). Otherwise
    /// <c>late-entry.js</c> reveals it once the entered date is more than the policy's days back.
    /// </summary>
    public static bool ShowLateReason(ModelStateDictionary state, string? reason) =>
        !string.IsNullOrWhiteSpace(reason)
        || state.Values.SelectMany(v => v.Errors).Any(e => e.ErrorMessage.StartsWith(IssueCodes.LateEntryWithoutReason, StringComparison.Ordinal));

    public static string Describe(Issue issue) =>
        string.IsNullOrEmpty(issue.Path) ? $"{issue.Code}: {issue.Message}" : $"{issue.Code} [{issue.Path}]: {issue.Message}";
}

/// <summary>
/// A form's "reason for late entry" field (partial <c>_LateReason</c>): its id, the id of the date or date-time input
/// it belongs to, the value typed, whether it is shown from the start, the late-entry days and today's date (from the
/// server's clock) that <c>late-entry.js</c> compares the entered date with.
/// </summary>
public sealed record LateReasonField(string Id, string DateFieldId, string? Value, bool Shown, int Days, DateOnly Today);
