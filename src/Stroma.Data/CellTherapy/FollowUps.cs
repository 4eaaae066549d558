using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using ClinicalAdverseEvent = Stroma.Clinical.CellTherapy.AdverseEvent;

namespace Stroma.Data.CellTherapy;

/// <summary>A follow-up contact to record.</summary>
/// <param name="PatientStudyId">The patient.</param>
/// <param name="ContactDate">The date of the visit or call.</param>
/// <param name="Mode">Clinic visit or phone call.</param>
/// <param name="Rash">Patient-reported change in rash.</param>
/// <param name="Sleep">Patient-reported change in sleep.</param>
/// <param name="Fatigue">Patient-reported change in fatigue.</param>
/// <param name="Pain">Patient-reported change in pain.</param>
/// <param name="AdverseReaction">Whether the patient reports an adverse reaction.</param>
/// <param name="AdverseEvent">The adverse event, when one is reported (validated and stored, linked to its suspect lot).</param>
/// <param name="EventKey">The schedule event this contact fulfils, if any.</param>
/// <param name="Notes">Free text.</param>
/// <param name="LateEntryReason">Why the contact is entered late, when its date is more than the late-entry days back (<see cref="LateEntry"/>).</param>
public sealed record FollowUpRequest(
    string PatientStudyId,
    DateOnly ContactDate,
    ContactMode Mode,
    ReportedChange Rash,
    ReportedChange Sleep,
    ReportedChange Fatigue,
    ReportedChange Pain,
    bool AdverseReaction,
    ClinicalAdverseEvent? AdverseEvent = null,
    string? EventKey = null,
    string? Notes = null,
    string? LateEntryReason = null);

/// <summary>Follow-up contacts and adverse events linked to a lot (validated by <see cref="ClinicalAdverseEvent.Validate"/>).</summary>
public static class FollowUps
{
    public static async Task<CellTherapyResult<FollowUpContact>> RecordAsync(StromaDbContext db, FollowUpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        var (patient, problem) = await Lookup.PatientAsync(db, request.PatientStudyId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            issues.Add(problem);
        }

        Guid? enrolmentId = null;
        ProtocolEnrolment? enrolment = null;
        if (request.EventKey is not null && patient is not null)
        {
            var (schedules, notEnrolled) = await Enrolments.LoadAsync(db, request.PatientStudyId, cancellationToken).ConfigureAwait(false);
            var owner = schedules.FirstOrDefault(s => s.Schedule.Event(request.EventKey) is not null);
            if (owner is null)
            {
                issues.Add(notEnrolled ?? Issue.Error(IssueCodes.ScheduleUnknownEvent, "event", $"The patient's schedule has no event '{request.EventKey}'."));
            }

            enrolmentId = owner?.Enrolment.Id;
            enrolment = owner?.Enrolment;
        }

        // The contact date is the event time; an adverse event reported at the contact is entered with it, so the
        // contact's late-entry reason covers both.
        var late = LateEntry.Check(db, await LateEntry.PolicyForAsync(db, enrolment, cancellationToken).ConfigureAwait(false), "contact_date", request.ContactDate, request.LateEntryReason);
        issues.AddRange(late.Issues);

        if (request.AdverseEvent is not null && !request.AdverseReaction)
        {
            issues.Add(Issue.Error(IssueCodes.Contradiction, "adverse_reaction", "An adverse event is given but no adverse reaction is reported."));
        }

        var (adverseEvent, aeIssues) = patient is null || request.AdverseEvent is null
            ? (null, [])
            : await ToRecordAsync(db, patient, request.AdverseEvent, request.LateEntryReason, cancellationToken).ConfigureAwait(false);
        issues.AddRange(aeIssues);
        if (issues.Any(i => i.IsError))
        {
            return Refusal.Of<FollowUpContact>(issues);
        }

        if (adverseEvent is not null)
        {
            db.AdverseEvents.Add(adverseEvent);
        }

        var contact = new FollowUpContact
        {
            Id = Guid.CreateVersion7(),
            PatientId = patient!.Id,
            EnrolmentId = enrolmentId,
            EventKey = request.EventKey,
            ContactDate = request.ContactDate,
            Mode = request.Mode,
            Rash = request.Rash,
            Sleep = request.Sleep,
            Fatigue = request.Fatigue,
            Pain = request.Pain,
            AdverseReaction = request.AdverseReaction,
            AdverseEventId = adverseEvent?.Id,
            Notes = request.Notes,
        }.Mark(late);
        db.FollowUpContacts.Add(contact);
        // The protocol's edit checks on the adverse event reported (docs/data-quality.md "Save-time checks").
        var findings = await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false);
        issues.AddRange(findings);
        if (findings.Any(i => i.IsError))
        {
            return Refusal.Of<FollowUpContact>(issues);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<FollowUpContact>(contact, issues);
    }

    /// <summary>
    /// Records an adverse event of a patient, linked to its suspect lot when one is named. Its onset is the event time:
    /// a future onset is refused, one more than the late-entry days back needs <paramref name="lateEntryReason"/>.
    /// </summary>
    public static async Task<CellTherapyResult<Model.AdverseEvent>> RecordAdverseEventAsync(StromaDbContext db, string patientStudyId, ClinicalAdverseEvent adverseEvent,
        string? lateEntryReason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(adverseEvent);
        var (patient, problem) = await Lookup.PatientAsync(db, patientStudyId, cancellationToken).ConfigureAwait(false);
        if (patient is null)
        {
            return Refusal.Of<Model.AdverseEvent>([problem!]);
        }

        var (record, issues) = await ToRecordAsync(db, patient, adverseEvent, lateEntryReason, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return Refusal.Of<Model.AdverseEvent>(issues);
        }

        db.AdverseEvents.Add(record);
        var findings = await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false);
        if (findings.Any(i => i.IsError))
        {
            return Refusal.Of<Model.AdverseEvent>([.. issues, .. findings]);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<Model.AdverseEvent>(record, [.. issues, .. findings]);
    }

    /// <summary>A CAR-T patient: infused with a CAR-T lot, or enrolled on a protocol version that gives CAR-T (issue #20).</summary>
    private static async Task<bool> IsCarTPatientAsync(StromaDbContext db, Guid patientId, CancellationToken cancellationToken)
    {
        if (await db.Infusions.AnyAsync(i => i.PatientId == patientId && i.Lot!.ProductType == CellProductType.CarT, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var enrolments = await db.ProtocolEnrolments.AsNoTracking().Where(e => e.PatientId == patientId)
            .Select(e => new { e.ProtocolKey, e.ProtocolVersion }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var enrolment in enrolments)
        {
            var protocol = await Protocols.ProtocolVersions.ForEnrolmentAsync(db, enrolment.ProtocolKey, enrolment.ProtocolVersion, cancellationToken).ConfigureAwait(false);
            if (protocol is not null && (protocol.CarT is not null || protocol.Components.Any(c => c.AcceptedProducts.Contains(CellProductType.CarT))))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<(Model.AdverseEvent? Record, IReadOnlyList<Issue> Issues)> ToRecordAsync(StromaDbContext db, Patient patient, ClinicalAdverseEvent ae,
        string? lateEntryReason, CancellationToken cancellationToken)
    {
        var issues = new List<Issue>(ae.Validate());
        if (CarTToxicity.Syndrome(ae.Term) is not null
            && CarTToxicity.GradingAdvice(ae, await IsCarTPatientAsync(db, patient.Id, cancellationToken).ConfigureAwait(false)) is { } advice)
        {
            issues.Add(advice);
        }

        var late = LateEntry.Check(db, LateEntry.RegistryPolicy, "onset", ae.Onset, lateEntryReason);
        issues.AddRange(late.Issues);
        CellLotRecord? lot = null;
        if (!string.IsNullOrWhiteSpace(ae.SuspectLotId))
        {
            (lot, var unknown) = await Lookup.LotAsync(db, ae.SuspectLotId, cancellationToken).ConfigureAwait(false);
            if (unknown is not null)
            {
                issues.Add(unknown);
            }
            else if (await Lookup.SameSiteAsync(db, lot!, patient, "lot", cancellationToken).ConfigureAwait(false) is { } elsewhere)
            {
                issues.Add(elsewhere);
            }
        }

        if (issues.Any(i => i.IsError))
        {
            return (null, issues);
        }

        return (new Model.AdverseEvent
        {
            Id = Guid.CreateVersion7(),
            PatientId = patient.Id,
            Term = ae.Term,
            OnsetDate = ae.Onset,
            ResolutionDate = ae.Resolved,
            CtcaeGrade = (int)ae.Grade,
            Serious = ae.IsSerious,
            SeriousnessCriteria = ae.Seriousness,
            Expectedness = ae.Expectedness,
            Causality = ae.Relatedness switch
            {
                Relatedness.NotRelated => Causality.NotRelated,
                Relatedness.Unlikely => Causality.Unlikely,
                Relatedness.Possible => Causality.Possible,
                Relatedness.Probable => Causality.Probable,
                _ => Causality.Definite,
            },
            Outcome = ae.Outcome.ToString(),
            LotId = lot?.Id,
        }.Mark(late), issues);
    }
}
