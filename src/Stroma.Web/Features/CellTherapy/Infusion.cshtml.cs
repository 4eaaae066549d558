using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Web.Features.Quality;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>Vital signs as typed in the form (numbers as text, read with <see cref="CellForms.TryNumber"/>).</summary>
public sealed class VitalsInput
{
    public string? At { get; set; }

    public string? Sbp { get; set; }

    public string? Dbp { get; set; }

    public string? Hr { get; set; }

    public string? Temp { get; set; }

    public string? Rr { get; set; }

    public string? Spo2 { get; set; }

    public bool IsEmpty => new[] { At, Sbp, Dbp, Hr, Temp, Rr, Spo2 }.All(string.IsNullOrWhiteSpace);
}

/// <summary>One administration the patient's schedule offers.</summary>
public sealed record AdministrationChoice(string Value, string Protocol, string EventKey, string Label, DateOnly Target, DateOnly WindowStart, DateOnly WindowEnd, bool Recorded);

/// <summary>One workflow check as the confirmation step shows it.</summary>
public sealed record InfusionCheckRow(string Key, string Outcome, IReadOnlyList<Issue> Issues);

/// <summary>An infusion already recorded for the patient.</summary>
public sealed record InfusionRow(DateOnly Date, string EventKey, string ComponentKey, string Lot, decimal DoseCells, decimal? WeightKg, string Precheck);

/// <summary>
/// Recording an infusion for a patient (<see cref="Capability.EditClinical"/> at the patient's site), from the timeline:
/// the administration of the schedule, a released lot, the dose (cells, or cells/kg × the weight measured that day when
/// the protocol doses per kilogram), times, vital signs before and after, premedication and a reaction. "Check" runs
/// the workflow checks (<see cref="Infusions.CheckAsync"/>: lot released and not expired, product type, dose against
/// the rule, consent, schedule window) and shows each as pass, warning or block; "Save" runs them again and records
/// through <see cref="Infusions.RecordAsync"/> (as <c>stroma infuse</c>). A block cannot be overridden; warnings must be
/// confirmed. Another site's patient is 404; a site the user may read but not edit is 403.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class InfusionModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    /// <summary>The checks shown, each with the issue codes that report it.</summary>
    public static IReadOnlyList<(string Key, string[] Codes)> CheckCodes { get; } =
    [
        ("lot_released", [IssueCodes.LotNotReleased]),
        ("lot_not_expired", [IssueCodes.LotExpiredOnInfusionDate]),
        ("product_type", [IssueCodes.ProductTypeMismatch]),
        ("schedule_window", [IssueCodes.VisitOutsideWindow, IssueCodes.NotAnAdministration, IssueCodes.AdministrationAlreadyRecorded]),
        ("dose", [IssueCodes.DoseOutsideTolerance, IssueCodes.DoseRuleNotSet, IssueCodes.DoseWeightMissing, IssueCodes.DoseWeightNotFromInfusionDay]),
        ("consent", [IssueCodes.ConsentNotCurrent]),
    ];

    /// <summary>Issues that stop the pre-checks from running at all (their rows then read "not checked").</summary>
    /// <summary>The form field that shows each catalogue field an infusion check may name.</summary>
    private static readonly Dictionary<string, string> CheckFields = new(StringComparer.Ordinal)
    {
        ["infusion.date"] = nameof(Start),
        ["infusion.weight"] = nameof(Weight),
        ["infusion.dose"] = nameof(Dose),
    };

    private static readonly string[] Prerequisites =
        [IssueCodes.UnknownLot, IssueCodes.NotEnrolled, IssueCodes.UnknownPatient, IssueCodes.AmbiguousPatient, IssueCodes.UnknownProtocol, IssueCodes.ProtocolVersionChanged];

    public Guid PatientId { get; private set; }

    private Guid patientSiteId;

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    public IReadOnlyList<AdministrationChoice> Administrations { get; private set; } = [];

    public IReadOnlyList<(string Key, string Label, string Dose)> Components { get; private set; } = [];

    private IReadOnlyList<Protocol> enrolledProtocols = [];

    public IReadOnlyList<(string Number, string Product, DateOnly Expires)> ReleasedLots { get; private set; } = [];

    public IReadOnlyList<InfusionRow> Recorded { get; private set; } = [];

    /// <summary>The checks after "Check" or a refused "Save"; null before.</summary>
    public IReadOnlyList<InfusionCheckRow>? Checks { get; private set; }

    public IReadOnlyList<Issue> OtherIssues { get; private set; } = [];

    public bool Blocked => Checks is not null && (Checks.Any(c => c.Outcome == "block") || OtherIssues.Any(i => i.IsError));

    public bool HasWarnings => Checks is not null && (Checks.Any(c => c.Outcome == "warn") || OtherIssues.Any(i => !i.IsError));

    /// <summary>The dose the protocol prescribes for the weight entered, when it can be computed.</summary>
    public string? Prescribed { get; private set; }

    public decimal? DoseCells { get; private set; }

    [TempData]
    public string? Done { get; set; }

    [BindProperty]
    public string? Event { get; set; }

    [BindProperty]
    public string? Component { get; set; } = "msc";

    [BindProperty]
    public string? LotNumber { get; set; }

    [BindProperty]
    public string? Start { get; set; }

    [BindProperty]
    public string? Stop { get; set; }

    [BindProperty]
    public string? Offset { get; set; }

    [BindProperty]
    public string? Dose { get; set; }

    /// <summary><c>cells</c> or <c>cells_per_kg</c>.</summary>
    [BindProperty]
    public string? DoseUnit { get; set; }

    [BindProperty]
    public string? Weight { get; set; }

    [BindProperty]
    public DateOnly? WeighedOn { get; set; }

    [BindProperty]
    public VitalsInput Pre { get; set; } = new();

    [BindProperty]
    public VitalsInput Post { get; set; } = new();

    [BindProperty]
    public string? PremedDrug { get; set; }

    [BindProperty]
    public string? PremedDose { get; set; }

    [BindProperty]
    public string? PremedAt { get; set; }

    [BindProperty]
    public string? ReactionTerm { get; set; }

    [BindProperty]
    public int? ReactionGrade { get; set; }

    [BindProperty]
    public string? ReactionAt { get; set; }

    [BindProperty]
    public string? ReactionAction { get; set; }

    [BindProperty]
    public bool ConfirmWarnings { get; set; }

    /// <summary>Why the infusion is entered more than the late-entry days after its start.</summary>
    [BindProperty]
    public string? LateReason { get; set; }

    /// <summary>
    /// The "reason for late entry" field, tied to the start; shown from the start after a RET002 refusal. The days
    /// shown are those of the patient's protocol version (<see cref="LateEntry.PolicyForAsync"/>, the fewest when the
    /// patient is on several); the server's check uses the enrolment of the administration chosen.
    /// </summary>
    public LateReasonField Late => new("LateReason", nameof(Start), LateReason,
        CellForms.ShowLateReason(ModelState, LateReason) || OtherIssues.Any(i => i.Code == IssueCodes.LateEntryWithoutReason),
        lateDays, LateEntry.Today(db));

    private int lateDays = LateEntry.RegistryPolicy.Days;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        DoseUnit ??= Components.FirstOrDefault(c => c.Key == Component).Dose?.Contains("/kg", StringComparison.Ordinal) == true ? "cells_per_kg" : "cells";
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        if (Parse() is { } request)
        {
            Show(await Infusions.CheckAsync(db, request, cancellationToken), request);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        if (Parse() is not { } request)
        {
            return Page();
        }

        var checks = await Infusions.CheckAsync(db, request, cancellationToken);
        Show(checks, request);
        if (Blocked)
        {
            ModelState.AddModelError("", text["infusion.blocked"]);
            return Page();
        }

        if (HasWarnings && !ConfirmWarnings)
        {
            ModelState.AddModelError(nameof(ConfirmWarnings), text["infusion.confirm_required"]);
            return Page();
        }

        var result = await Infusions.RecordAsync(db, request, cancellationToken);
        if (result.Value is not { } infusion)
        {
            CheckFindings.AddErrors(ModelState, result.Issues, CheckFields);
            CellForms.AddIssues(ModelState, result.Issues.Where(i => i.Code != IssueCodes.CheckHardFinding));
            return Page();
        }

        Done = text["infusion.recorded", infusion.EventKey, infusion.InfusionDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), request.LotNumber]
            + (CheckFindings.Warnings(result.Issues) is { } found ? " " + text["checks.saved_with_findings"] + " " + found : "");
        return Redirect($"/patients/{id}/infusion");
    }

    private void Show(IReadOnlyList<Issue> issues, InfusionRequest request)
    {
        var prerequisiteMissing = issues.Any(i => Prerequisites.Contains(i.Code));
        Checks = [.. CheckCodes.Select(c =>
        {
            var found = issues.Where(i => c.Codes.Contains(i.Code)).ToList();
            var outcome = found.Any(i => i.IsError) ? "block" : found.Count > 0 ? "warn" : prerequisiteMissing ? "not_checked" : "pass";
            return new InfusionCheckRow(c.Key, outcome, found);
        })];
        OtherIssues = [.. issues.Where(i => !CheckCodes.Any(c => c.Codes.Contains(i.Code)))];
        DoseCells = request.DoseCells;
        // The enrolment's own protocol version (stored or built-in, through ProtocolVersions.ForEnrolmentAsync), so a
        // stored MSC + NK protocol prescribes each of its components.
        var component = enrolledProtocols.FirstOrDefault(p => p.Key == request.ProtocolKey)?.Component(request.ComponentKey);
        if (component is not null)
        {
            var weight = BodyMass.OrNull(request.WeightKg);
            var (dose, _) = component.Dose.Compute(weight);
            Prescribed = dose is { } d ? $"{component.Dose} → {d}" : component.Dose.ToString();
        }
    }

    /// <summary>The request from the form, or null with ModelState errors naming each field and value.</summary>
    private InfusionRequest? Parse()
    {
        var choice = Administrations.FirstOrDefault(a => a.Value == Event);
        if (choice is null)
        {
            ModelState.AddModelError(nameof(Event), text["validation.required", text["infusion.event"]]);
        }

        if (string.IsNullOrWhiteSpace(LotNumber))
        {
            ModelState.AddModelError(nameof(LotNumber), text["validation.required", text["infusion.lot"]]);
        }

        var offsetOk = CellForms.TryOffset(Offset, out var offset);
        if (!offsetOk)
        {
            ModelState.AddModelError(nameof(Offset), text["lot.offset_invalid", text["lot.utc_offset"], Offset ?? ""]);
        }

        DateTimeOffset? Instant(string? value, string field, string label, bool required)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    ModelState.AddModelError(field, text["validation.required", text[label]]);
                }

                return null;
            }

            if (!offsetOk)
            {
                return null;
            }

            if (!CellForms.TryInstant(value, offset, out var at))
            {
                ModelState.AddModelError(field, text["lot.time_invalid", text[label], value]);
                return null;
            }

            return at;
        }

        decimal? Number(string? value, string field, string label, bool required = false)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    ModelState.AddModelError(field, text["validation.required", text[label]]);
                }

                return null;
            }

            if (!CellForms.TryNumber(value, out var number))
            {
                ModelState.AddModelError(field, text["infusion.not_a_number", text[label], value]);
                return null;
            }

            return number;
        }

        var start = Instant(Start, nameof(Start), "infusion.start", required: true);
        var stop = Instant(Stop, nameof(Stop), "infusion.stop", required: false);
        var dose = Number(Dose, nameof(Dose), "infusion.dose", required: true);
        var weight = Number(Weight, nameof(Weight), "infusion.weight");
        decimal? doseCells = dose;
        if (dose is < 0m)
        {
            // The dose's own message, whatever the unit (not "needs the weight" for a negative cells/kg).
            ModelState.AddModelError(nameof(Dose), text["infusion.dose_negative", Dose!.Trim()]);
            doseCells = null;
        }
        else if (DoseUnit == "cells_per_kg" && dose is { } perKg)
        {
            if (weight is { } kg && BodyMass.Accepts(kg) && perKg >= 0m)
            {
                doseCells = (CellDosePerKilogram.CellsPerKilogram(perKg) * BodyMass.FromKilograms(kg)).Value;
            }
            else
            {
                ModelState.AddModelError(nameof(Weight), text["infusion.weight_for_per_kg"]);
            }
        }
        else if (DoseUnit is not ("cells" or "cells_per_kg"))
        {
            ModelState.AddModelError(nameof(DoseUnit), text["validation.required", text["infusion.dose_unit"]]);
        }

        List<VitalSigns> Vitals(VitalsInput input, string prefix)
        {
            if (input.IsEmpty)
            {
                return [];
            }

            var at = Instant(input.At, $"{prefix}.At", "infusion.vitals_at", required: true);
            var values = new[] { (input.Sbp, "Sbp", "infusion.sbp"), (input.Dbp, "Dbp", "infusion.dbp"), (input.Hr, "Hr", "infusion.hr"), (input.Temp, "Temp", "infusion.temp"),
                (input.Rr, "Rr", "infusion.rr"), (input.Spo2, "Spo2", "infusion.spo2") }.Select(v => Number(v.Item1, $"{prefix}.{v.Item2}", v.Item3)).ToArray();
            return at is { } when ? [new VitalSigns(when, values[0], values[1], values[2], values[3], values[4], values[5])] : [];
        }

        var pre = Vitals(Pre, nameof(Pre));
        var post = Vitals(Post, nameof(Post));
        var premeds = new List<Premedication>();
        if (!string.IsNullOrWhiteSpace(PremedDrug) || !string.IsNullOrWhiteSpace(PremedDose) || !string.IsNullOrWhiteSpace(PremedAt))
        {
            if (string.IsNullOrWhiteSpace(PremedDrug))
            {
                ModelState.AddModelError(nameof(PremedDrug), text["validation.required", text["infusion.premed_drug"]]);
            }

            if (Instant(PremedAt, nameof(PremedAt), "infusion.premed_at", required: true) is { } given && !string.IsNullOrWhiteSpace(PremedDrug))
            {
                premeds.Add(new Premedication(PremedDrug.Trim(), PremedDose?.Trim() ?? "", given));
            }
        }

        var reactions = new List<InfusionReaction>();
        if (!string.IsNullOrWhiteSpace(ReactionTerm) || ReactionGrade is not null || !string.IsNullOrWhiteSpace(ReactionAt))
        {
            if (string.IsNullOrWhiteSpace(ReactionTerm))
            {
                ModelState.AddModelError(nameof(ReactionTerm), text["validation.required", text["infusion.reaction_term"]]);
            }

            if (ReactionGrade is not (>= 1 and <= 5))
            {
                ModelState.AddModelError(nameof(ReactionGrade), text["ae.grade_invalid", text["infusion.reaction_grade"], ReactionGrade?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""]);
            }

            if (Instant(ReactionAt, nameof(ReactionAt), "infusion.reaction_at", required: true) is { } onset && !string.IsNullOrWhiteSpace(ReactionTerm) && ReactionGrade is >= 1 and <= 5)
            {
                reactions.Add(new InfusionReaction(ReactionTerm.Trim(), (CtcaeGrade)ReactionGrade.Value, onset, string.IsNullOrWhiteSpace(ReactionAction) ? null : ReactionAction.Trim()));
            }
        }

        if (!ModelState.IsValid || choice is null || start is null || doseCells is null)
        {
            return null;
        }

        var weighedOn = WeighedOn ?? (weight is null ? null : DateOnly.FromDateTime(start.Value.DateTime));
        return new InfusionRequest(StudyId, LotNumber!.Trim(), choice.EventKey, string.IsNullOrWhiteSpace(Component) ? "msc" : Component, start.Value, stop, doseCells.Value, weight, weighedOn,
            pre, post, premeds, reactions, choice.Protocol, LateReason, ConfirmWarnings);
    }

    private async Task<IActionResult?> RefuseAsync(Guid id, CancellationToken cancellationToken)
    {
        var (patient, refused) = await AccessRefusal.PatientAsync(db, access, id, cancellationToken);
        if (patient is not null)
        {
            (PatientId, StudyId, Site, patientSiteId) = (patient.Id, patient.StudyId, patient.Site, patient.SiteId);
        }

        return refused;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var (schedules, _) = await Enrolments.LoadAsync(db, StudyId, cancellationToken);
        var infusions = await db.Infusions.AsNoTracking().Where(i => i.PatientId == PatientId)
            .Select(i => new { i.EnrolmentId, i.EventKey, i.ComponentKey, i.InfusionDate, Lot = i.Lot!.LotNumber, i.DoseCells, i.WeightKg, i.PrecheckOutcome })
            .ToListAsync(cancellationToken);
        Administrations = [.. schedules.SelectMany(s => s.Schedule.Events.Where(e => e.Kind == ScheduledEventKind.Administration)
            .Select(e => new AdministrationChoice($"{s.Enrolment.ProtocolKey}|{e.Key}", s.Enrolment.ProtocolKey, e.Key, e.Label, e.Target, e.WindowStart, e.WindowEnd,
                infusions.Any(i => i.EnrolmentId == s.Enrolment.Id && i.EventKey == e.Key))))];
        enrolledProtocols = [.. schedules.Select(s => s.Protocol).OfType<Protocol>()];
        lateDays = await LateEntry.HintDaysAsync(db, schedules.Select(s => s.Enrolment), cancellationToken);

        Components = [.. enrolledProtocols.SelectMany(p => p.Components)
            .DistinctBy(c => c.Key).Select(c => (c.Key, c.Label, c.Dose.ToString() ?? ""))];
        // The pick list: the released lots of the patient's site (a site gives its own lots, issue #16).
        var lots = await db.CellLots.AsNoTracking().Where(l => l.Status == LotStatus.Released && l.SiteId == patientSiteId).OrderBy(l => l.LotNumber)
            .Select(l => new { l.LotNumber, l.ProductType, l.ExpiresOn }).ToListAsync(cancellationToken);
        ReleasedLots = [.. lots.Select(l => (l.LotNumber, l.ProductType.Label(), l.ExpiresOn))];
        Recorded = [.. infusions.OrderBy(i => i.InfusionDate)
            .Select(i => new InfusionRow(i.InfusionDate, i.EventKey, i.ComponentKey, i.Lot, i.DoseCells, i.WeightKg, i.PrecheckOutcome))];
    }
}
