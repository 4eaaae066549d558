using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.CellTherapy;
using Stroma.Web.Features.CellTherapy;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Calendars;

/// <summary>
/// A patient's calendar (what <c>stroma schedule</c> prints, from <see cref="Calendar"/>): each event with its target
/// date, window, status (done, done out of window, upcoming, due, overdue, missed), what fulfilled it and its moves, a
/// server-drawn SVG timeline, and the rescheduling history. "Move" reschedules one event through
/// <see cref="Enrolments.RescheduleAsync"/> (new date and a reason, both required; the change is kept and audited).
/// Reading needs <see cref="Capability.ReadClinical"/> at the patient's site (anyone else: 404); moving needs
/// <see cref="Capability.EditClinical"/> there (read-only: 403).
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class CalendarModel(StromaDbContext db, UserAccess access, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public const int ReasonMaxLength = 500;

    public Guid PatientId { get; private set; }

    public string StudyId { get; private set; } = "";

    public string Site { get; private set; } = "";

    public bool CanEdit { get; private set; }

    public DateOnly Today { get; private set; }

    public IReadOnlyList<CalendarEnrolment> Enrolments { get; private set; } = [];

    /// <summary>Why there is no calendar (not enrolled, a study id shared by two sites), or null.</summary>
    public Issue? Problem { get; private set; }

    [TempData]
    public string? Done { get; set; }

    /// <summary>The event to move, as <c>protocol/event</c>.</summary>
    [BindProperty(SupportsGet = true, Name = "move")]
    [Display(Name = "calendar.move_event")]
    public string? Event { get; set; }

    [BindProperty]
    [Display(Name = "calendar.new_date")]
    public string? NewDate { get; set; }

    [BindProperty]
    [Display(Name = "calendar.reason")]
    public string? Reason { get; set; }

    /// <summary>The events that may be moved (not done), as (value, protocol, label, target).</summary>
    public IEnumerable<(string Value, string Protocol, string Label, DateOnly Target)> Movable =>
        Enrolments.SelectMany(e => e.Lines.Where(l => l.FulfilledBy is null)
            .Select(l => (Value(e.ProtocolKey, l.Event.Key), e.ProtocolKey, CalendarText.EventLabel(text, l.Event.Key, l.Event.Label), l.Event.Target)));

    public static string Value(string protocolKey, string eventKey) => $"{protocolKey}/{eventKey}";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var patient = await db.PatientsFor(access, Capability.ReadClinical).AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.SiteId, Site = p.Site!.Code, p.StudyId }).SingleOrDefaultAsync(cancellationToken);
        if (patient is null)
        {
            return NotFound();
        }

        (PatientId, StudyId, Site) = (id, patient.StudyId, patient.Site);
        CanEdit = access.Can(Capability.EditClinical, patient.SiteId);
        await LoadCalendarAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var (patient, refused) = await AccessRefusal.PatientAsync(db, access, id, cancellationToken);
        if (patient is null)
        {
            return refused!;
        }

        (PatientId, StudyId, Site, CanEdit) = (id, patient.StudyId, patient.Site, true);
        await LoadCalendarAsync(cancellationToken);
        var chosen = Movable.FirstOrDefault(m => m.Value == Event);
        if (chosen.Value is null)
        {
            ModelState.AddModelError(nameof(Event), text["calendar.unknown_event"]);
        }

        DateOnly newDate = default;
        if (string.IsNullOrWhiteSpace(NewDate))
        {
            ModelState.AddModelError(nameof(NewDate), text["validation.required", text["calendar.new_date"]]);
        }
        else if (!DateOnly.TryParseExact(NewDate.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out newDate))
        {
            ModelState.AddModelError(nameof(NewDate), text["calendar.date_invalid", text["calendar.new_date"]]);
        }

        var reason = Reason?.Trim() ?? "";
        if (reason.Length == 0)
        {
            ModelState.AddModelError(nameof(Reason), text["validation.required", text["calendar.reason"]]);
        }
        else if (reason.Length > ReasonMaxLength)
        {
            ModelState.AddModelError(nameof(Reason), text["enrol.too_long", text["calendar.reason"], reason.Length, ReasonMaxLength]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var eventKey = Event![(chosen.Protocol.Length + 1)..];
        var moved = await Stroma.Data.CellTherapy.Enrolments.RescheduleAsync(db, StudyId, eventKey, newDate, reason, chosen.Protocol, cancellationToken);
        if (!moved.Succeeded)
        {
            foreach (var issue in moved.Issues.Where(i => i.IsError))
            {
                var field = issue.Code == IssueCodes.RescheduleWithoutReason ? nameof(Reason)
                    : issue.Code == IssueCodes.ScheduleUnknownEvent ? nameof(Event)
                    : "";
                ModelState.AddModelError(field, CellForms.Describe(issue));
            }

            return Page();
        }

        Done = text["calendar.moved", chosen.Label, CalendarText.Day(moved.Value!.FromDate), CalendarText.Day(moved.Value.ToDate)];
        return Redirect($"/patients/{id}/calendar");
    }

    private async Task LoadCalendarAsync(CancellationToken cancellationToken)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var (enrolments, problem) = await Calendar.ForPatientAsync(db, StudyId, Today, cancellationToken);
        (Enrolments, Problem) = (enrolments, problem);
    }
}
