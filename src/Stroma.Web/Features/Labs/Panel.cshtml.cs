using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;

namespace Stroma.Web.Features.Labs;

/// <summary>One analyte row of the panel form and what was entered in it.</summary>
public sealed record LabRow(AnalyteDefinition Analyte, string? Value, string? Unit)
{
    public string Name => "v." + Analyte.Key;

    public string UnitName => "u." + Analyte.Key;
}

/// <summary>
/// A lab panel checked at once: every catalog analyte, with its units, grouped by panel. On "Interpret", each result
/// is read exactly and converted to the analyte's canonical unit, flagged against the built-in ranges (only ranges
/// from a cited source flag; see docs/labs.md), and the panel's derived values (eGFR, UPCR, 24-h protein), SLEDAI-2K
/// suggestions and BILAG-2004 lab items are computed by Stroma.Clinical. Nothing is stored: saving results needs
/// patients (Stroma.Data).
/// </summary>
/// <remarks>Open without signing in: it stores and reads no registry data.</remarks>
[AllowAnonymous]
public sealed class PanelModel : PageModel
{
    [BindProperty]
    [Display(Name = "labs.sex")]
    public Sex? Sex { get; set; }

    [BindProperty]
    [Display(Name = "labs.age")]
    [Range(0, 130, ErrorMessage = "validation.range")]
    public int? Age { get; set; }

    public IReadOnlyList<IGrouping<LabPanel, LabRow>> Panels { get; private set; } = [];

    public LabPanelInterpretation? Interpretation { get; private set; }

    /// <summary>Problems per row (path = the row's field name), from reading each result.</summary>
    public IReadOnlyList<Issue> RowIssues { get; private set; } = [];

    public void OnGet() => Panels = Group(AnalyteCatalog.All.Select(a => new LabRow(a, null, a.CanonicalUnit?.Code)));

    public IActionResult OnPost()
    {
        var rows = AnalyteCatalog.All.Select(a => new LabRow(a, Request.Form["v." + a.Key].ToString(), Unit(a))).ToList();
        Panels = Group(rows);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var results = new List<LabResult>();
        var issues = new List<Issue>();
        foreach (var row in rows.Where(r => !string.IsNullOrWhiteSpace(r.Value)))
        {
            var interpretation = LabInterpreter.Interpret(
                new LabObservation(row.Analyte.Key, row.Value, row.Analyte.IsQuantitative ? row.Unit : null) { Sex = Sex, Age = Age, SourceId = row.Analyte.Key },
                ReferenceRangeSet.Default);
            foreach (var issue in interpretation.Issues)
            {
                issues.Add(issue with { Path = row.Name });
                if (issue.IsError)
                {
                    ModelState.AddModelError(row.Name, $"{issue.Code}: {issue.Message}");
                }
            }

            if (interpretation.Result is not null && !interpretation.Issues.Any(i => i.IsError))
            {
                results.Add(interpretation.Result);
            }
        }

        RowIssues = issues;
        Interpretation = LabPanelInterpreter.Interpret(results, Sex, Age, null, ReferenceRangeSet.Default);
        return Page();
    }

    public IEnumerable<Issue> IssuesFor(string name) => RowIssues.Where(i => i.Path == name);

    private string? Unit(AnalyteDefinition analyte)
    {
        var unit = Request.Form["u." + analyte.Key].ToString();
        return string.IsNullOrWhiteSpace(unit) ? analyte.CanonicalUnit?.Code : unit;
    }

    private static IReadOnlyList<IGrouping<LabPanel, LabRow>> Group(IEnumerable<LabRow> rows) =>
        [.. rows.GroupBy(r => r.Analyte.Panel).OrderBy(g => g.Key)];
}
