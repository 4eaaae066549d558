using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;
using Stroma.Data.Model;

namespace Stroma.Data.Visits;

/// <summary>An instrument scored at a visit: new (<see cref="CorrectsId"/> null), or a correction of the saved one with its reason.</summary>
public sealed record AssessmentRequest(Guid VisitId, string Instrument, IReadOnlyDictionary<string, ItemValue> Items, Guid? CorrectsId = null, string? Reason = null);

/// <summary>The assessment saved, or null with the issues that refused it.</summary>
public sealed record AssessmentOutcome(Assessment? Saved, IReadOnlyList<Issue> Issues);

/// <summary>
/// The one writer of <see cref="Assessment"/> rows at a visit. One assessment per instrument per visit: a second is
/// refused (<see cref="IssueCodes.AssessmentAlreadyRecorded"/>, naming the saved one to correct) and a unique index
/// holds the rule under concurrent saves; a correction replaces the saved values and needs a reason
/// (<see cref="IssueCodes.CorrectionWithoutReason"/>), and the audit trail keeps the values it replaced with that
/// reason. Nothing is written under a signed visit (<see cref="IssueCodes.VisitLocked"/>; <see cref="VisitLock"/>).
/// The items are scored here (<see cref="AssessmentScoring"/>); whether the score has errors is the caller's concern.
/// </summary>
public static class VisitAssessments
{
    public static async Task<AssessmentOutcome> RecordAsync(StromaDbContext db, AssessmentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var visit = await db.Visits.AsNoTracking().Where(v => v.Id == request.VisitId).Select(v => new { v.Id, v.PatientId, v.VisitDate })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (visit is null)
        {
            return new AssessmentOutcome(null, [Issue.Error(IssueCodes.UnknownVisit, "visit", "The visit is not in the registry.")]);
        }

        if (await VisitLock.FindSignedAsync(db, visit.Id, cancellationToken).ConfigureAwait(false) is { } signed)
        {
            return new AssessmentOutcome(null, [signed.Refusal("visit")]);
        }

        var scored = AssessmentScoring.Score(request.Instrument, request.Items, visit.PatientId, visit.Id, visit.VisitDate);
        if (scored is null)
        {
            return new AssessmentOutcome(null, [Issue.Error(IssueCodes.UnknownItem, "instrument", $"Unknown instrument \"{request.Instrument}\".")]);
        }

        Assessment saved;
        if (request.CorrectsId is not { } correctsId)
        {
            var existing = await db.Assessments.AsNoTracking().Where(a => a.VisitId == visit.Id && a.Instrument == scored.Instrument)
                .Select(a => (Guid?)a.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (existing is { } id)
            {
                return new AssessmentOutcome(null, [AlreadyRecorded(scored.Instrument, visit.VisitDate, id)]);
            }

            scored.Id = Guid.CreateVersion7();
            db.Assessments.Add(scored);
            saved = scored;
        }
        else
        {
            var existing = await db.Assessments.SingleOrDefaultAsync(a => a.Id == correctsId && a.VisitId == visit.Id && a.Instrument == scored.Instrument, cancellationToken)
                .ConfigureAwait(false);
            if (existing is null)
            {
                return new AssessmentOutcome(null, [Issue.Error(IssueCodes.UnknownItem, "assessment", "The assessment to correct is not one of this visit's.")]);
            }

            if (string.IsNullOrWhiteSpace(request.Reason))
            {
                return new AssessmentOutcome(null, [Issue.Error(IssueCodes.CorrectionWithoutReason, "reason",
                    $"A correction of the saved {scored.Instrument} needs the reason for it (kept in the audit trail with the values it replaces).")]);
            }

            AssessmentScoring.CopyScore(scored, existing);
            db.ChangeReason = request.Reason.Trim();
            saved = existing;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException) when (request.CorrectsId is null)
        {
            // Another save of the same instrument at this visit came first (the unique index).
            db.ChangeTracker.Clear();
            var id = await db.Assessments.AsNoTracking().Where(a => a.VisitId == visit.Id && a.Instrument == scored.Instrument)
                .Select(a => (Guid?)a.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (id is null)
            {
                throw;
            }

            return new AssessmentOutcome(null, [AlreadyRecorded(scored.Instrument, visit.VisitDate, id.Value)]);
        }

        return new AssessmentOutcome(saved, []);
    }

    private static Issue AlreadyRecorded(string instrument, DateOnly date, Guid id) =>
        Issue.Error(IssueCodes.AssessmentAlreadyRecorded, "assessment",
            $"{instrument} is already recorded at the visit of {date:yyyy-MM-dd} (assessment {id}): correct that assessment, with a reason, instead of adding a second one.");
}
