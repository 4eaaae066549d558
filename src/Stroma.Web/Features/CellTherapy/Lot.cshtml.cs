using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Web.Features.Account;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>One release test result as stored.</summary>
public sealed record LotTestRow(string Key, string Result, DateOnly TestedOn, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>One criterion of a decision's evaluation as it was stored when QA signed: the limit, source, outcome and measurement then.</summary>
public sealed record DecidedCriterion(string Key, string Limit, string Source, CriterionOutcome? Outcome, string Measured);

/// <summary>
/// The specification a decided lot was judged against, read back from its latest decision (<see cref="LotDecision"/>: the
/// name and version, and <see cref="LotDecision.EvaluationJson"/>, each criterion's limit, source, outcome and measured
/// value(s) as evaluated when QA signed), so the page never re-judges a released lot against today's limits.
/// </summary>
public sealed record DecidedSpecification(ReleaseVerdict Verdict, string Name, string Version, DateOnly DecisionDate, IReadOnlyList<DecidedCriterion> Results)
{
    /// <summary>The stored evaluation: criteria in stored order; an unreadable or empty one gives no rows.</summary>
    public static IReadOnlyList<DecidedCriterion> Parse(string evaluationJson)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(evaluationJson);
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array)
            {
                return [];
            }

            return [.. document.RootElement.EnumerateArray().Where(e => e.ValueKind == System.Text.Json.JsonValueKind.Object).Select(e => new DecidedCriterion(
                Text(e, "key"), Text(e, "limit"), Text(e, "source"),
                Enum.TryParse<CriterionOutcome>(Text(e, "outcome"), out var outcome) && Enum.IsDefined(outcome) ? outcome : null,
                Text(e, "measured")))];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }

        static string Text(System.Text.Json.JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() ?? "" : "";
    }
}

/// <summary>One signed decision on a lot.</summary>
public sealed record LotDecisionRow(ReleaseVerdict Verdict, string SignedBy, DateTimeOffset SignedAt, string Meaning, string? Reason, string Specification);

/// <summary>
/// One lot: its record, release test results, the evaluation against the release specification (the ISCT 2006 MSC
/// minimal criteria plus safety tests, with the site's viability and endotoxin limits, which ISCT does not give), the
/// signed decisions and the chain of custody. Whoever sees the lot (<see cref="AccessQueries.LotsFor"/>: the lot's site,
/// or the QA user who decided it) reads it; anyone else gets 404, as for another site's patient. Only cell-lab QA of the
/// lot's site (<see cref="Capability.ManageLots"/> there) records tests, signs a release or rejection (re-entering the
/// password, like an electronic signature: who, when and the meaning are stored) and records custody. Every rule is
/// <see cref="Lots"/>' (as <c>stroma lot test|release|reject|custody</c>).
/// </summary>
[Authorize(Policy = Policies.ReadLots)]
public sealed class LotModel(StromaDbContext db, UserAccess access, SignInManager<User> signIn, IStringLocalizer<Text> text)
    : PageModel
{
    public const string DefaultMeaning = "QA release for clinical use: release testing reviewed against the specification";

    public CellLotRecord? Lot { get; private set; }

    public IReadOnlyList<LotTestRow> Tests { get; private set; } = [];

    /// <summary>The evaluation against the specification in hand (the default, or the site limits QA entered): for a lot in quarantine only.</summary>
    public ReleaseEvaluation? Evaluation { get; private set; }

    /// <summary>For a released or rejected lot: the specification and evaluation its latest decision was made on (issue #19).</summary>
    public DecidedSpecification? DecidedUnder { get; private set; }

    public IReadOnlyList<LotDecisionRow> Decisions { get; private set; } = [];

    public IReadOnlyList<CustodyEventRecord> Custody { get; private set; } = [];

    /// <summary>The code of the lot's site.</summary>
    public string SiteCode { get; private set; } = "";

    public bool CanManage => Lot is not null && access.Can(Capability.ManageLots, Lot.SiteId);

    /// <summary>The measurement keys a result may be recorded for, with whether they are met/not met (else a number).</summary>
    public static IReadOnlyList<(string Key, string Label, bool Qualitative, string Unit)> MeasurementKeys { get; } =
        [.. ReleaseSpecification.IsctMscDefault.Criteria.SelectMany(c => c.AlternativeKeys.Select(k => (k, c.Label, c.Kind == CriterionKind.MustBeMet, c.Unit)))];

    [BindProperty]
    public Dictionary<string, string?> Results { get; set; } = [];

    [BindProperty]
    public DateOnly? TestedOn { get; set; }

    [BindProperty]
    public string? ViabilityLimit { get; set; }

    [BindProperty]
    public string? EndotoxinLimit { get; set; }

    [BindProperty]
    public string? SpecVersion { get; set; }

    [BindProperty]
    public string? SpecSource { get; set; }

    [BindProperty]
    public string? Meaning { get; set; } = DefaultMeaning;

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The decision date when a past release or rejection is entered (default: today).</summary>
    [BindProperty]
    public DateOnly? DecidedOn { get; set; }

    /// <summary>Why a test result, decision or custody event is entered more than the late-entry days after it happened.</summary>
    [BindProperty]
    public string? LateReason { get; set; }

    [BindProperty]
    public CustodyEventKind? CustodyKind { get; set; }

    [BindProperty]
    public string? CustodyAt { get; set; }

    [BindProperty]
    public string? CustodyOffset { get; set; }

    [BindProperty]
    public string? CustodyPlace { get; set; }

    [BindProperty]
    public string? CustodyPerson { get; set; }

    [BindProperty]
    public string? CustodyTemperature { get; set; }

    /// <summary>Set after a successful action, shown once.</summary>
    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await LoadAsync(id, ReleaseSpecification.IsctMscDefault, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostTestsAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        var results = new Dictionary<string, ReleaseMeasurement>(StringComparer.Ordinal);
        foreach (var (key, _, qualitative, _) in MeasurementKeys)
        {
            var value = Results.GetValueOrDefault(key)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (qualitative && value is "met" or "not_met")
            {
                results[key] = ReleaseMeasurement.Outcome(value == "met");
            }
            else if (!qualitative && CellForms.TryNumber(value, out var number))
            {
                results[key] = ReleaseMeasurement.Of(number);
            }
            else
            {
                ModelState.AddModelError($"Results[{key}]", text["lot.result_invalid", key, value]);
            }
        }

        if (TestedOn is null)
        {
            ModelState.AddModelError(nameof(TestedOn), text["validation.required", text["lot.tested_on"]]);
        }

        if (ModelState.IsValid)
        {
            var result = await Lots.RecordTestsAsync(db, Lot!.LotNumber, results, TestedOn!.Value, LateReason, cancellationToken);
            if (result.Succeeded)
            {
                Done = text["lot.tests_recorded", text[results.Count == 1 ? "count.result.one" : "count.result.other", results.Count]];
                return Redirect($"/lots/{id}");
            }

            CellForms.AddIssues(ModelState, result.Issues);
        }

        await LoadAsync(id, ReleaseSpecification.IsctMscDefault, cancellationToken);
        return Page();
    }

    /// <summary>Shows the evaluation under the site limits entered, before QA signs.</summary>
    public async Task<IActionResult> OnPostEvaluateAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(id, Specification() ?? ReleaseSpecification.IsctMscDefault, cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostReleaseAsync(Guid id, CancellationToken cancellationToken) => DecideAsync(id, ReleaseVerdict.Release, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(Guid id, CancellationToken cancellationToken) => DecideAsync(id, ReleaseVerdict.Reject, cancellationToken);

    public async Task<IActionResult> OnPostCustodyAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (CustodyKind is not { } kind || !Enum.IsDefined(kind))
        {
            ModelState.AddModelError(nameof(CustodyKind), text["validation.required", text["lot.custody_event"]]);
        }

        var offsetOk = CellForms.TryOffset(CustodyOffset, out var offset);
        if (!offsetOk)
        {
            ModelState.AddModelError(nameof(CustodyOffset), text["lot.offset_invalid", text["lot.utc_offset"], CustodyOffset ?? ""]);
        }

        var at = default(DateTimeOffset);
        if (offsetOk && !CellForms.TryInstant(CustodyAt, offset, out at))
        {
            ModelState.AddModelError(nameof(CustodyAt), text["lot.time_invalid", text["lot.custody_at"], CustodyAt ?? ""]);
        }

        decimal? temperature = null;
        if (!string.IsNullOrWhiteSpace(CustodyTemperature))
        {
            if (CellForms.TryNumber(CustodyTemperature, out var t))
            {
                temperature = t;
            }
            else
            {
                ModelState.AddModelError(nameof(CustodyTemperature), text["lot.not_a_number", text["lot.custody_temperature"], CustodyTemperature]);
            }
        }

        if (ModelState.IsValid)
        {
            var custody = new CustodyEvent(CustodyKind!.Value, at, CustodyPlace?.Trim() ?? "", CustodyPerson?.Trim() ?? "", temperature);
            var result = await Lots.RecordCustodyAsync(db, Lot!.LotNumber, custody, null, null, LateReason, cancellationToken);
            if (result.Succeeded)
            {
                Done = text["lot.custody_recorded"];
                return Redirect($"/lots/{id}");
            }

            CellForms.AddIssues(ModelState, result.Issues);
        }

        await LoadAsync(id, ReleaseSpecification.IsctMscDefault, cancellationToken);
        return Page();
    }

    private async Task<IActionResult> DecideAsync(Guid id, ReleaseVerdict verdict, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        var specification = Specification();
        if (verdict == ReleaseVerdict.Reject && string.IsNullOrWhiteSpace(Reason))
        {
            ModelState.AddModelError(nameof(Reason), text["validation.required", text["lot.reason"]]);
        }

        if (string.IsNullOrWhiteSpace(Meaning))
        {
            ModelState.AddModelError(nameof(Meaning), text["validation.required", text["lot.meaning"]]);
        }

        // The signature: the signed-in user re-enters the password (failures count towards lockout, as at sign-in).
        if (string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(nameof(Password), text["validation.required", text["lot.password"]]);
        }
        else if (await signIn.ConfirmSignerAsync(access.UserName, Password) is null)
        {
            ModelState.AddModelError(nameof(Password), text["lot.password_wrong"]);
        }

        if (ModelState.IsValid && specification is not null)
        {
            var decision = new ReleaseDecision(verdict, access.UserName, db.Clock.GetUtcNow(), Meaning!.Trim(), Reason?.Trim());
            var result = await Lots.DecideAsync(db, Lot!.LotNumber, specification, decision, DecidedOn, LateReason, cancellationToken);
            if (result.Succeeded)
            {
                Done = text[verdict == ReleaseVerdict.Release ? "lot.released_done" : "lot.rejected_done", Lot.LotNumber];
                return Redirect($"/lots/{id}");
            }

            CellForms.AddIssues(ModelState, result.Issues);
        }

        await LoadAsync(id, specification ?? ReleaseSpecification.IsctMscDefault, cancellationToken);
        return Page();
    }

    /// <summary>
    /// The ISCT 2006 MSC specification with the site's viability and endotoxin limits as entered (as
    /// <c>stroma lot release --viability-limit --endotoxin-limit --spec-version</c>); null (with errors) when they are not
    /// numbers or have no version. Unset limits stay unset and refuse a release (LOT002).
    /// </summary>
    private ReleaseSpecification? Specification()
    {
        var spec = ReleaseSpecification.IsctMscDefault;
        var ok = true;
        var version = SpecVersion?.Trim();
        var source = string.IsNullOrWhiteSpace(SpecSource) ? "site specification" : SpecSource.Trim();
        foreach (var (key, value, field, label) in new[]
        {
            ("viability", ViabilityLimit, nameof(ViabilityLimit), "lot.viability_limit"), ("endotoxin", EndotoxinLimit, nameof(EndotoxinLimit), "lot.endotoxin_limit"),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!CellForms.TryNumber(value, out var limit))
            {
                ModelState.AddModelError(field, text["lot.not_a_number", text[label], value]);
                ok = false;
            }
            else if (string.IsNullOrEmpty(version))
            {
                ModelState.AddModelError(nameof(SpecVersion), text["lot.spec_version_required"]);
                ok = false;
            }
            else
            {
                spec = spec.WithLimit(key, limit, version, source);
            }
        }

        return ok ? spec : null;
    }

    /// <summary>404 for a lot the user does not see (unknown, or another site's), 403 for one they see but may not manage (checked before any input).</summary>
    private async Task<IActionResult?> RefuseAsync(Guid id, CancellationToken cancellationToken)
    {
        Lot = await db.LotsFor(access).AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        return AccessRefusal.For(Lot is not null, CanManage);
    }

    private async Task<bool> LoadAsync(Guid id, ReleaseSpecification specification, CancellationToken cancellationToken)
    {
        Lot = await db.LotsFor(access).AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (Lot is null)
        {
            return false;
        }

        var siteId = Lot.SiteId;
        SiteCode = await db.Sites.AsNoTracking().Where(s => s.Id == siteId).Select(s => s.Code).SingleAsync(cancellationToken);

        var tests = await db.LotReleaseTests.AsNoTracking().Where(t => t.LotId == id).ToListAsync(cancellationToken);
        Tests = [.. tests.OrderBy(t => t.TestKey, StringComparer.Ordinal).ThenBy(t => t.TestedOn).ThenBy(t => t.CreatedAt)
            .Select(t => new LotTestRow(t.TestKey, new ReleaseMeasurement(t.Value is { } v ? decimal.Parse(CellForms.Text(v), System.Globalization.CultureInfo.InvariantCulture) : null, t.Met).ToString(),
                t.TestedOn, t.CreatedAt, t.CreatedBy))];
        var decisions = await db.LotDecisions.AsNoTracking().Where(d => d.LotId == id).ToListAsync(cancellationToken);
        // A decided lot shows what it was judged against when QA signed, not today's default or site limits.
        DecidedUnder = Lot.Status != LotStatus.Quarantine && decisions.MaxBy(d => d.SignedAt) is { } latest
            ? new DecidedSpecification(latest.Verdict, latest.SpecificationName, latest.SpecificationVersion, latest.DecisionDate, DecidedSpecification.Parse(latest.EvaluationJson))
            : null;
        Evaluation = DecidedUnder is null ? specification.Evaluate(await Lots.CurrentResultsAsync(db, id, cancellationToken)) : null;
        Decisions = [.. decisions.OrderBy(d => d.SignedAt)
            .Select(d => new LotDecisionRow(d.Verdict, d.SignedBy, d.SignedAt, d.Meaning, d.Reason, $"{d.SpecificationName} {d.SpecificationVersion}"))];
        Custody = await Lots.History(db, id, cancellationToken);
        return true;
    }

    /// <summary>The "reason for late entry" field of one of this page's forms, tied to its date input.</summary>
    public LateReasonField Late(string id, string dateFieldId) =>
        new(id, dateFieldId, LateReason, CellForms.ShowLateReason(ModelState, LateReason), LateEntry.RegistryPolicy.Days, LateEntry.Today(db));

    /// <summary>The evaluation's issues that are not about a single criterion's outcome (e.g. unknown measurement keys).</summary>
    public IEnumerable<Issue> OtherIssues => Evaluation?.Issues.Where(i => Evaluation.Results.All(r => r.Criterion.Key != i.Path)) ?? [];
}
