using Microsoft.AspNetCore.Mvc.ModelBinding;
using Stroma.Clinical.Issues;
using Stroma.Web.Features.CellTherapy;

namespace Stroma.Web.Features.Quality;

/// <summary>
/// How the forms show the findings of save-time edit checks (docs/data-quality.md "Save-time checks"): a hard finding
/// (<see cref="IssueCodes.CheckHardFinding"/>) is an error on the form field that shows the check's catalogue field
/// (its path); a soft one (<see cref="IssueCodes.CheckSoftFinding"/>) is a warning shown with the saved record.
/// </summary>
public static class CheckFindings
{
    /// <summary>Adds each hard finding to the form field named for its catalogue field (or the form's summary when the form has none).</summary>
    public static void AddErrors(ModelStateDictionary state, IEnumerable<Issue> issues, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var issue in issues.Where(i => i.Code == IssueCodes.CheckHardFinding))
        {
            state.AddModelError(fields.GetValueOrDefault(issue.Path, ""), CellForms.Describe(issue));
        }
    }

    /// <summary>The soft findings as one line to show with the saved record; null when there are none.</summary>
    public static string? Warnings(IEnumerable<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var soft = issues.Where(i => i.Code == IssueCodes.CheckSoftFinding).Select(CellForms.Describe).ToList();
        return soft.Count == 0 ? null : string.Join(" ", soft);
    }
}
