using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;
using Stroma.Data.Quality;

namespace Stroma.Data.CellTherapy;

/// <summary>An infusion to record.</summary>
/// <param name="PatientStudyId">The patient.</param>
/// <param name="LotNumber">The lot given.</param>
/// <param name="EventKey">The schedule's administration (e.g. <c>administration_1</c>).</param>
/// <param name="ComponentKey">The protocol component (e.g. <c>msc</c>).</param>
/// <param name="Start">Start instant; its date in its own offset is the infusion date.</param>
/// <param name="Stop">Stop instant.</param>
/// <param name="DoseCells">Dose given, in cells.</param>
/// <param name="WeightKg">Weight, kg.</param>
/// <param name="WeighedOn">When the weight was measured (must be the infusion date for a per-kilogram dose).</param>
/// <param name="PreVitals">Vital signs before.</param>
/// <param name="PostVitals">Vital signs after.</param>
/// <param name="Premedications">Premedications.</param>
/// <param name="Reactions">Reactions.</param>
/// <param name="ProtocolKey">The protocol, when the patient is enrolled on more than one.</param>
/// <param name="LateEntryReason">Why the infusion is entered late, when its start is more than the late-entry days back (<see cref="LateEntry"/>).</param>
/// <param name="WeightConfirmed">The person confirmed a weight far from the planning weight (<see cref="IssueCodes.WeightFarFromPlanningWeight"/>).</param>
public sealed record InfusionRequest(
    string PatientStudyId,
    string LotNumber,
    string EventKey,
    string ComponentKey,
    DateTimeOffset Start,
    DateTimeOffset? Stop,
    decimal DoseCells,
    decimal? WeightKg,
    DateOnly? WeighedOn,
    IReadOnlyList<VitalSigns> PreVitals,
    IReadOnlyList<VitalSigns> PostVitals,
    IReadOnlyList<Premedication> Premedications,
    IReadOnlyList<InfusionReaction> Reactions,
    string? ProtocolKey = null,
    string? LateEntryReason = null,
    bool WeightConfirmed = false)
{
    public DateOnly InfusionDate => DateOnly.FromDateTime(Start.DateTime);
}

/// <summary>
/// Records an infusion after <see cref="InfusionPrecheck.Run"/> (lot released and not expired, product type accepted,
/// dose within tolerance of the rule's dose for the weight measured that day, consent current) and
/// <see cref="InfusionRecord.Validate"/> (times). Any error refuses the whole infusion with every issue, and nothing is
/// written. An infusion recorded before a visit on its date was signed is locked with it (<see cref="Visits.VisitLock"/>); a weight more than <see cref="WeightFactor"/> times from the planning weight is recorded only when confirmed
/// (<see cref="IssueCodes.WeightFarFromPlanningWeight"/>).
/// </summary>
public static class Infusions
{
    /// <summary>How far (as a factor either way) the infusion-day weight may be from the planning weight before it must be confirmed.</summary>
    public const decimal WeightFactor = 1.5m;

    /// <summary>
    /// The checks <see cref="RecordAsync"/> runs, without writing anything, plus one the web's confirmation step shows:
    /// an administration outside its schedule window (<see cref="ScheduledEvent.IsWithinWindow"/>) is a warning (it will
    /// be a protocol deviation, <see cref="IssueCodes.VisitOutsideWindow"/>), not a refusal.
    /// </summary>
    public static async Task<IReadOnlyList<Issue>> CheckAsync(StromaDbContext db, InfusionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var checkedRequest = await CheckRequestAsync(db, request, cancellationToken).ConfigureAwait(false);
        var issues = checkedRequest.Issues;
        if (checkedRequest.Enrolled?.Schedule.Event(request.EventKey) is { Kind: ScheduledEventKind.Administration } scheduled && !scheduled.IsWithinWindow(request.InfusionDate))
        {
            issues.Add(Issue.Warning(IssueCodes.VisitOutsideWindow, "event",
                $"{scheduled.Label} on {request.InfusionDate:yyyy-MM-dd} is outside its window {scheduled.WindowStart:yyyy-MM-dd} to {scheduled.WindowEnd:yyyy-MM-dd} (target {scheduled.Target:yyyy-MM-dd}): a protocol deviation."));
        }

        return issues;
    }

    public static async Task<CellTherapyResult<Infusion>> RecordAsync(StromaDbContext db, InfusionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var (issues, enrolled, lot, late) = await CheckRequestAsync(db, request, cancellationToken).ConfigureAwait(false);
        if (!request.WeightConfirmed && issues.FirstOrDefault(i => i.Code == IssueCodes.WeightFarFromPlanningWeight) is { } implausible)
        {
            // Confirmed or refused: a weight ten times the planning weight would otherwise pass the dose check with it.
            issues = [.. issues.Where(i => i != implausible), implausible with { Severity = Severity.Error }];
        }

        if (issues.Any(i => i.IsError))
        {
            return Refusal.Of<Infusion>(issues);
        }

        var warnings = issues.Where(i => !i.IsError).ToList();
        var infusion = new Infusion
        {
            Id = Guid.CreateVersion7(),
            PatientId = enrolled!.Patient.Id,
            EnrolmentId = enrolled.Enrolment.Id,
            EventKey = request.EventKey,
            ComponentKey = request.ComponentKey,
            LotId = lot!.Id,
            InfusionDate = request.InfusionDate,
            Start = request.Start,
            Stop = request.Stop,
            DoseCells = request.DoseCells,
            WeightKg = request.WeightKg,
            WeighedOn = request.WeighedOn,
            PrecheckOutcome = warnings.Count == 0 ? "passed" : "passed with warnings: " + string.Join("; ", warnings.Select(i => $"{i.Code} {i.Message}")),
        }.Mark(late);
        db.Infusions.Add(infusion);
        AddDetails(db, infusion.Id, request.PreVitals, request.PostVitals, request.Premedications, request.Reactions);

        // The protocol's edit checks on the infusion (docs/data-quality.md "Save-time checks").
        var findings = await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false);
        if (findings.Any(i => i.IsError))
        {
            return Refusal.Of<Infusion>(findings);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<Infusion>(infusion, [.. warnings, .. findings]);
    }

    /// <summary>
    /// The stored form of an infusion's vital signs (before and after), premedications and reactions, written once for
    /// <see cref="RecordAsync"/> and the ODM import.
    /// </summary>
    internal static void AddDetails(StromaDbContext db, Guid infusionId, IReadOnlyList<VitalSigns> pre, IReadOnlyList<VitalSigns> post,
        IReadOnlyList<Premedication> premedications, IReadOnlyList<InfusionReaction> reactions)
    {
        foreach (var (phase, vitals) in new[] { (VitalSignPhase.Pre, pre), (VitalSignPhase.Post, post) })
        {
            foreach (var v in vitals)
            {
                db.InfusionVitalSigns.Add(new InfusionVitalSigns
                {
                    Id = Guid.CreateVersion7(),
                    InfusionId = infusionId,
                    Phase = phase,
                    At = v.At,
                    SystolicMmHg = v.SystolicMmHg,
                    DiastolicMmHg = v.DiastolicMmHg,
                    HeartRatePerMinute = v.HeartRatePerMinute,
                    TemperatureCelsius = v.TemperatureCelsius,
                    RespiratoryRatePerMinute = v.RespiratoryRatePerMinute,
                    OxygenSaturationPercent = v.OxygenSaturationPercent,
                });
            }
        }

        foreach (var p in premedications)
        {
            db.InfusionPremedications.Add(new InfusionPremedication { Id = Guid.CreateVersion7(), InfusionId = infusionId, Drug = p.Drug, Dose = p.Dose, GivenAt = p.GivenAt });
        }

        foreach (var r in reactions)
        {
            db.InfusionReactions.Add(new InfusionReactionRecord { Id = Guid.CreateVersion7(), InfusionId = infusionId, Term = r.Term, Grade = r.Grade, Onset = r.Onset, Action = r.Action });
        }
    }

    private sealed record CheckedRequest(List<Issue> Issues, EnrolledSchedule? Enrolled, CellLotRecord? Lot, LateEntryCheck Late);

    private static async Task<CheckedRequest> CheckRequestAsync(StromaDbContext db, InfusionRequest request, CancellationToken cancellationToken)
    {
        var issues = new List<Issue>();
        var (schedules, notFound) = await Enrolments.LoadAsync(db, request.PatientStudyId, cancellationToken).ConfigureAwait(false);
        var (enrolled, notEnrolled) = notFound is null ? Enrolments.Pick(schedules, request.PatientStudyId, request.ProtocolKey) : (null, notFound);
        if (notEnrolled is not null)
        {
            issues.Add(notEnrolled);
        }

        var (lot, unknownLot) = await Lookup.LotAsync(db, request.LotNumber, cancellationToken).ConfigureAwait(false);
        if (unknownLot is not null)
        {
            issues.Add(unknownLot);
        }
        else if (enrolled is not null && await Lookup.SameSiteAsync(db, lot!, enrolled.Patient, "lot", cancellationToken).ConfigureAwait(false) is { } elsewhere)
        {
            issues.Add(elsewhere);
        }

        if (request.DoseCells < 0m)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "dose", $"Dose {request.DoseCells} cells cannot be negative."));
        }

        if (BodyMass.Check(request.WeightKg) is { } weightRefused)
        {
            issues.Add(weightRefused);
        }

        var protocol = enrolled?.Protocol;
        if (enrolled is not null)
        {
            if (protocol is null)
            {
                issues.Add(Issue.Error(IssueCodes.UnknownProtocol, "protocol", $"The enrolment's protocol template '{enrolled.Enrolment.ProtocolKey}' no longer exists."));
            }
            else if (protocol.Version != enrolled.Enrolment.ProtocolVersion)
            {
                issues.Add(Issue.Error(IssueCodes.ProtocolVersionChanged, "protocol",
                    $"The patient was enrolled on {protocol.Key} version {enrolled.Enrolment.ProtocolVersion}; the template is now version {protocol.Version}."));
                protocol = null;
            }

            var scheduled = enrolled.Schedule.Event(request.EventKey);
            if (scheduled is not { Kind: ScheduledEventKind.Administration })
            {
                issues.Add(Issue.Error(IssueCodes.NotAnAdministration, "event",
                    $"'{request.EventKey}' is not an administration of the patient's schedule (administrations: "
                    + $"{string.Join(", ", enrolled.Schedule.Events.Where(e => e.Kind == ScheduledEventKind.Administration).Select(e => e.Key))})."));
            }
            else if (await db.Infusions.AnyAsync(i => i.EnrolmentId == enrolled.Enrolment.Id && i.EventKey == request.EventKey && i.ComponentKey == request.ComponentKey,
                cancellationToken).ConfigureAwait(false))
            {
                issues.Add(Issue.Error(IssueCodes.AdministrationAlreadyRecorded, "event", $"{scheduled.Label} ({request.ComponentKey}) is already recorded."));
            }
        }

        // Not a clinical rule: a plausibility check against slips (600 typed for 60), so the dose is not checked against them.
        if (enrolled?.Enrolment.PlanningWeightKg is { } planned and > 0m && BodyMass.OrNull(request.WeightKg)?.Kilograms is { } measured
            && (measured > planned * WeightFactor || measured * WeightFactor < planned))
        {
            issues.Add(Issue.Warning(IssueCodes.WeightFarFromPlanningWeight, "weight",
                $"Weight {measured} kg differs from the planning weight {planned} kg by more than a factor of {WeightFactor}: check it (a slip such as 600 for 60?) and confirm it to record the infusion."));
        }

        var weight = BodyMass.OrNull(request.WeightKg);
        if (protocol is not null && lot is not null && request.DoseCells >= 0m)
        {
            var e = enrolled!.Enrolment;
            var withdrawn = new[] { e.ConsentWithdrawnOn, enrolled.Patient.WithdrawalDate }.Where(d => d is not null).Min();
            var consent = e.ConsentSignedOn is { } signed ? new ConsentRecord(signed, e.ConsentProtocolVersion ?? "", withdrawn, e.ConsentValidUntil) : null;
            issues.AddRange(InfusionPrecheck.Run(new InfusionPrecheckInput(protocol, request.ComponentKey, lot.ToLot(), lot.Status, request.InfusionDate,
                weight, request.WeighedOn, CellCount.Cells(request.DoseCells), consent)));
        }

        if (request.DoseCells >= 0m)
        {
            issues.AddRange(new InfusionRecord(request.EventKey, request.LotNumber, request.ComponentKey, request.Start, request.Stop,
                CellCount.Cells(request.DoseCells), weight, request.PreVitals, request.PostVitals, request.Premedications, request.Reactions).Validate());
        }

        // The infusion's start is its event time: the pre-checks above use its date (lot released and in date on the
        // infusion date), and a start in the future or long past is checked against the entry time here.
        var late = LateEntry.Check(db, await LateEntry.PolicyForAsync(db, enrolled?.Enrolment, cancellationToken).ConfigureAwait(false), "start", request.Start, request.LateEntryReason);
        issues.AddRange(late.Issues);
        if (request.Stop is { } stop && stop > db.Clock.GetUtcNow() && late.Issues.Count == 0)
        {
            issues.AddRange(LateEntry.Check(db, LateEntryPolicy.Default, "stop", stop, null).Issues);
        }

        return new CheckedRequest(issues, enrolled, lot, late);
    }
}
