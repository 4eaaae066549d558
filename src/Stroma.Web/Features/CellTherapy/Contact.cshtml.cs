using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.CellTherapy;

/// <summary>A follow-up contact already recorded for the patient.</summary>
public sealed record ContactRow(DateOnly Date, ContactMode Mode, string? EventKey, ReportedChange Rash, ReportedChange Sleep, ReportedChange Fatigue,
    ReportedChange Pain, bool AdverseReaction, bool EnteredLate, string? Notes);

/// <summary>A follow-up event of the patient's schedule that a contact may fulfil.</summary>
public sealed record ContactEventChoice(string Key, string ProtocolKey, string Label, DateOnly Target, DateOnly WindowStart, DateOnly WindowEnd, bool Done);

/// <summary>
/// Recording a follow-up contact (clinic visit or phone call) for a patient (<see cref="Capability.EditClinical"/> at the
/// patient's site), as <c>stroma contact</c> does: the date, the mode, the patient-reported change in rash, sleep,
/// fatigue and pain, whether an adverse reaction is reported, notes, and the scheduled follow-up event it fulfils (the
/// worklist's "Record contact" preselects it with <c>?event=</c>). Checked by <see cref="FollowUps.RecordAsync"/>: a
/// future date is refused, an entry more than the protocol version's late-entry days after the contact needs a
/// reason. A refused contact writes nothing. Another site's patient is 404; a site the user may read but not edit is 403.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
public sealed class ContactModel(StromaDbContext db, UserAccess access, IStringLocalizer<Text> text) : PageModel
{
    public Guid PatientId { get; private set; }

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    public IReadOnlyList<ContactEventChoice> Events { get; private set; } = [];

    public IReadOnlyList<ContactRow> Recorded { get; private set; } = [];

    [TempData]
    public string? Done { get; set; }

    /// <summary>Set after a contact that reports an adverse reaction: the page offers the adverse event form.</summary>
    [TempData]
    public bool? SuggestAdverseEvent { get; set; }

    [BindProperty]
    public DateOnly? ContactDate { get; set; }

    [BindProperty]
    public ContactMode Mode { get; set; } = ContactMode.PhoneCall;

    /// <summary>The scheduled follow-up event this contact fulfils (<c>protocol|event</c>), or none.</summary>
    [BindProperty(SupportsGet = true, Name = "event")]
    public string? Event { get; set; }

    [BindProperty]
    public ReportedChange Rash { get; set; } = ReportedChange.NotAsked;

    [BindProperty]
    public ReportedChange Sleep { get; set; } = ReportedChange.NotAsked;

    [BindProperty]
    public ReportedChange Fatigue { get; set; } = ReportedChange.NotAsked;

    [BindProperty]
    public ReportedChange Pain { get; set; } = ReportedChange.NotAsked;

    [BindProperty]
    public bool AdverseReaction { get; set; }

    [BindProperty]
    public string? Notes { get; set; }

    /// <summary>Why the contact is entered more than the late-entry days after it took place.</summary>
    [BindProperty]
    public string? LateReason { get; set; }

    /// <summary>The "reason for late entry" field, tied to the contact date; the days are the patient's protocol version's (the fewest when on several).</summary>
    public LateReasonField Late => new("LateReason", nameof(ContactDate), LateReason, CellForms.ShowLateReason(ModelState, LateReason), lateDays, LateEntry.Today(db));

    private int lateDays = LateEntry.RegistryPolicy.Days;

    /// <summary>The people's name of a reported change or contact mode.</summary>
    public string Name(ReportedChange change) => text[$"contact.change.{change}"];

    public string Name(ContactMode mode) => text[$"contact.mode.{mode}"];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        // "?event=month_3" from the worklist names the event key alone; the form's value is "protocol|event".
        if (Event is { Length: > 0 } wanted && !wanted.Contains('|', StringComparison.Ordinal))
        {
            Event = Events.FirstOrDefault(e => e.Key == wanted && !e.Done) is { } match ? $"{match.ProtocolKey}|{match.Key}" : null;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await RefuseAsync(id, cancellationToken) is { } refused)
        {
            return refused;
        }

        await LoadAsync(cancellationToken);
        if (ContactDate is null)
        {
            ModelState.AddModelError(nameof(ContactDate), text["validation.required", text["contact.date"]]);
        }

        if (!Enum.IsDefined(Mode) || !Enum.IsDefined(Rash) || !Enum.IsDefined(Sleep) || !Enum.IsDefined(Fatigue) || !Enum.IsDefined(Pain))
        {
            ModelState.AddModelError("", text["validation.invalid"]);
        }

        string? eventKey = null;
        if (!string.IsNullOrEmpty(Event))
        {
            var chosen = Events.FirstOrDefault(e => $"{e.ProtocolKey}|{e.Key}" == Event);
            if (chosen is null)
            {
                ModelState.AddModelError(nameof(Event), text["contact.event_unknown", Event]);
            }

            eventKey = chosen?.Key;
        }

        if (ModelState.IsValid)
        {
            var request = new FollowUpRequest(StudyId, ContactDate!.Value, Mode, Rash, Sleep, Fatigue, Pain, AdverseReaction, EventKey: eventKey,
                Notes: string.IsNullOrWhiteSpace(Notes) ? null : Notes.Trim(), LateEntryReason: string.IsNullOrWhiteSpace(LateReason) ? null : LateReason.Trim());
            var result = await FollowUps.RecordAsync(db, request, cancellationToken);
            if (result.Succeeded)
            {
                Done = text["contact.recorded", ContactDate.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)];
                SuggestAdverseEvent = AdverseReaction;
                return Redirect($"/patients/{id}/contact");
            }

            CellForms.AddIssues(ModelState, result.Issues);
        }

        return Page();
    }

    private async Task<IActionResult?> RefuseAsync(Guid id, CancellationToken cancellationToken)
    {
        var (patient, refused) = await AccessRefusal.PatientAsync(db, access, id, cancellationToken);
        if (patient is not null)
        {
            (PatientId, StudyId, Site) = (patient.Id, patient.StudyId, patient.Site);
        }

        return refused;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var (schedules, _) = await Enrolments.LoadAsync(db, StudyId, cancellationToken);
        var contacts = await db.FollowUpContacts.AsNoTracking().Where(c => c.PatientId == PatientId).ToListAsync(cancellationToken);
        Events = [.. schedules.SelectMany(s => s.Schedule.Events.Where(e => e.Kind == ScheduledEventKind.FollowUp)
            .Select(e => new ContactEventChoice(e.Key, s.Enrolment.ProtocolKey, e.Label, e.Target, e.WindowStart, e.WindowEnd,
                contacts.Any(c => c.EnrolmentId == s.Enrolment.Id && c.EventKey == e.Key))))];
        lateDays = await LateEntry.HintDaysAsync(db, schedules.Select(s => s.Enrolment), cancellationToken);
        Recorded = [.. contacts.OrderBy(c => c.ContactDate)
            .Select(c => new ContactRow(c.ContactDate, c.Mode, c.EventKey, c.Rash, c.Sleep, c.Fatigue, c.Pain, c.AdverseReaction, c.EnteredLate, c.Notes))];
    }
}
