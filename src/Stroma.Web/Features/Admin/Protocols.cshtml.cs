using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Stroma.Web.Features.Account;
using Stroma.Web.Features.CellTherapy;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Admin;

/// <summary>
/// Administrators: stored protocols and their versions (issue #14) through <see cref="ProtocolVersions"/>, the one owner
/// (the same use cases as <c>stroma protocol</c>). Lists every version (built-in templates read-only), shows one as text,
/// defines a draft from a pasted JSON or YAML definition, copies a built-in template with the doses the site sets per
/// component, and approves a draft with an electronic signature: the password re-entered (as the visit signature,
/// 21 CFR 11.200(a)(1)) and a meaning.
/// </summary>
[Authorize(Policy = Policies.Administrator)]
public sealed class ProtocolsModel(StromaDbContext db, UserAccess access, SignInManager<User> signIn, IStringLocalizer<Text> text) : PageModel
{
    public IReadOnlyList<ProtocolVersionView> Versions { get; private set; } = [];

    /// <summary>The version shown (from the route), or null for the list only.</summary>
    public ProtocolVersionView? Shown { get; private set; }

    public IReadOnlyList<Protocol> Templates => ProtocolTemplates.All;

    [BindProperty]
    public string? Definition { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Template { get; set; }

    [BindProperty]
    public string? NewKey { get; set; }

    /// <summary>Per component key: the dose number (e.g. <c>1e6</c>), and its unit (<c>cells_per_kg</c> or <c>cells</c>).</summary>
    [BindProperty]
    public Dictionary<string, string?> Doses { get; set; } = [];

    [BindProperty]
    public Dictionary<string, string?> DoseUnits { get; set; } = [];

    [BindProperty]
    public string? Meaning { get; set; }

    [BindProperty]
    public bool Confirm { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>What was just done, shown once.</summary>
    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(string? key, int? version, CancellationToken cancellationToken) =>
        await LoadAsync(key, version, cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostDefineAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Definition))
        {
            ModelState.AddModelError(nameof(Definition), text["validation.required", text["protocols.definition"]]);
            return await LoadAsync(null, null, cancellationToken) ?? Page();
        }

        var result = await ProtocolVersions.DefineAsync(db, Definition, Reason, cancellationToken);
        return await AfterAsync(result, nameof(Definition), cancellationToken);
    }

    public async Task<IActionResult> OnPostCopyAsync(CancellationToken cancellationToken)
    {
        var template = ProtocolTemplates.Find(Template ?? "");
        if (template is null)
        {
            ModelState.AddModelError(nameof(Template), text["protocols.unknown_template", Template ?? ""]);
        }

        if (string.IsNullOrWhiteSpace(NewKey))
        {
            ModelState.AddModelError(nameof(NewKey), text["validation.required", text["protocols.new_key"]]);
        }

        var doses = new Dictionary<string, DoseRule>(StringComparer.Ordinal);
        foreach (var component in template?.Components ?? [])
        {
            var entered = Doses.GetValueOrDefault(component.Key)?.Trim();
            if (string.IsNullOrEmpty(entered))
            {
                continue;
            }

            if (!CellForms.TryNumber(entered, out var number) || number <= 0m)
            {
                ModelState.AddModelError($"Doses[{component.Key}]", text["protocols.dose_invalid", component.Label, entered]);
                continue;
            }

            doses[component.Key] = DoseUnits.GetValueOrDefault(component.Key) == "cells"
                ? new DoseRule.Fixed(CellCount.Cells(number))
                : new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(number));
        }

        if (!ModelState.IsValid)
        {
            return await LoadAsync(null, null, cancellationToken) ?? Page();
        }

        var result = await ProtocolVersions.CopyAsync(db, template!.Key, NewKey!.Trim(), doses, string.IsNullOrWhiteSpace(Reason) ? null : Reason, cancellationToken);
        return await AfterAsync(result, nameof(NewKey), cancellationToken);
    }

    public async Task<IActionResult> OnPostApproveAsync(string key, int version, CancellationToken cancellationToken)
    {
        if (await LoadAsync(key, version, cancellationToken) is { } notFound)
        {
            return notFound;
        }

        if (string.IsNullOrWhiteSpace(Meaning))
        {
            ModelState.AddModelError(nameof(Meaning), text["validation.required", text["protocols.meaning"]]);
        }
        else if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), text["visit.confirm_required"]);
        }

        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), text["validation.required", text["account.password"]]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (await signIn.ConfirmSignerAsync(access.UserName, Password!) is null)
        {
            ModelState.AddModelError(nameof(Password), text["visit.wrong_password"]);
            return Page();
        }

        var result = await ProtocolVersions.ApproveAsync(db, key, version, Meaning!, cancellationToken);
        if (result.Value is null)
        {
            AddIssues(result.Issues, "");
            return Page();
        }

        Done = text["protocols.approved", key, version];
        return Redirect(PathOf(key, version));
    }

    /// <summary>The address of one version's page.</summary>
    public static string PathOf(string key, int version) => $"/admin/protocols/{Uri.EscapeDataString(key)}/{version.ToString(CultureInfo.InvariantCulture)}";

    private async Task<IActionResult> AfterAsync(CellTherapyResult<ProtocolVersionRecord> result, string field, CancellationToken cancellationToken)
    {
        if (result.Value is not { } stored)
        {
            AddIssues(result.Issues, field);
            return await LoadAsync(null, null, cancellationToken) ?? Page();
        }

        Done = text["protocols.draft_saved", stored.ProtocolKey, stored.Number];
        return Redirect(PathOf(stored.ProtocolKey, stored.Number));
    }

    /// <summary>Each issue with its code and the definition's field path, on the form it came from.</summary>
    private void AddIssues(IEnumerable<Issue> issues, string field)
    {
        foreach (var issue in issues.Where(i => i.IsError))
        {
            ModelState.AddModelError(field, string.IsNullOrEmpty(issue.Path) ? $"{issue.Code}: {issue.Message}" : $"{issue.Code} ({issue.Path}): {issue.Message}");
        }
    }

    private async Task<IActionResult?> LoadAsync(string? key, int? version, CancellationToken cancellationToken)
    {
        Versions = await ProtocolVersions.ListAsync(db, cancellationToken);
        if (key is null)
        {
            return null;
        }

        Shown = Versions.FirstOrDefault(v => v.Key == key && v.Number == (version ?? 1));
        return Shown is null ? NotFound() : null;
    }
}
