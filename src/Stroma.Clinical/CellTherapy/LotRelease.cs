using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>A lot's release status. Every lot starts in <see cref="Quarantine"/>; a signed decision moves it once.
/// Expiry is not a status: it is computed from the expiry date and a given date (<see cref="CellLot.IsExpiredOn"/>).</summary>
public enum LotStatus
{
    /// <summary>Made, not yet released: must not be given.</summary>
    Quarantine = 1,

    /// <summary>Released by QA against the specification.</summary>
    Released = 2,

    /// <summary>Rejected by QA: must never be given.</summary>
    Rejected = 3,
}

/// <summary>What a QA decision does.</summary>
public enum ReleaseVerdict
{
    Release = 1,
    Reject = 2,
}

/// <summary>
/// A signed release decision, as an electronic signature records it: who signed (the QA user id), when (an
/// instant, UTC) and what the signature means (e.g. "Approved for clinical use: release testing reviewed").
/// </summary>
public sealed record ReleaseDecision(ReleaseVerdict Verdict, string SignedBy, DateTimeOffset SignedAt, string Meaning, string? Reason = null);

/// <summary>The outcome of a decision: the new status when it was accepted, or the issues that refused it.</summary>
public sealed record LotDecisionResult(LotStatus Status, ReleaseDecision? Decision, IReadOnlyList<Issue> Issues)
{
    public bool Accepted => Decision is not null;
}

/// <summary>The lot state machine: quarantine → released | rejected, by a signed decision.</summary>
public static class LotRelease
{
    /// <summary>
    /// Applies <paramref name="decision"/> to a lot in <paramref name="current"/> status on <paramref name="decisionDate"/>
    /// (the site's clinical date of the signature). Release needs a passed evaluation and an unexpired lot; a lot may be
    /// rejected from quarantine at any time (a reason is required). Decisions are final: released or rejected lots do
    /// not move again. All problems are returned together; when any is an error the status does not change.
    /// </summary>
    public static LotDecisionResult Decide(CellLot lot, LotStatus current, ReleaseEvaluation? evaluation, ReleaseDecision decision, DateOnly decisionDate)
    {
        Preconditions.NotNull(lot);
        Preconditions.NotNull(decision);
        var issues = new List<Issue>();
        if (current != LotStatus.Quarantine)
        {
            issues.Add(Issue.Error(IssueCodes.LotNotInQuarantine, "status",
                $"Lot {lot.LotId} is {current.ToString().ToLowerInvariant()}; only a lot in quarantine can be released or rejected."));
        }

        if (string.IsNullOrWhiteSpace(decision.SignedBy) || string.IsNullOrWhiteSpace(decision.Meaning))
        {
            issues.Add(Issue.Error(IssueCodes.ReleaseDecisionUnsigned, "decision",
                "A release decision needs the signing QA user and the meaning of the signature."));
        }

        if (decision.Verdict == ReleaseVerdict.Release)
        {
            if (evaluation is null)
            {
                issues.Add(Issue.Error(IssueCodes.LotReleaseWithoutPassedSpecification, "evaluation", $"Lot {lot.LotId} has no release testing evaluation."));
            }
            else if (!evaluation.Passed)
            {
                var failed = evaluation.Results.Where(r => r.Outcome != CriterionOutcome.Pass).Select(r => r.Criterion.Key);
                issues.Add(Issue.Error(IssueCodes.LotReleaseWithoutPassedSpecification, "evaluation",
                    $"Lot {lot.LotId} did not pass {evaluation.SpecificationName} {evaluation.SpecificationVersion}: {string.Join(", ", failed)}."));
            }

            if (lot.IsExpiredOn(decisionDate))
            {
                issues.Add(Issue.Error(IssueCodes.LotExpired, "expires_on",
                    $"Lot {lot.LotId} expired on {lot.ExpiresOn:yyyy-MM-dd}; it cannot be released on {decisionDate:yyyy-MM-dd}."));
            }
        }
        else if (string.IsNullOrWhiteSpace(decision.Reason))
        {
            issues.Add(Issue.Error(IssueCodes.ReleaseDecisionUnsigned, "decision.reason", "A rejection needs its reason."));
        }

        return issues.Any(i => i.IsError)
            ? new LotDecisionResult(current, null, issues)
            : new LotDecisionResult(decision.Verdict == ReleaseVerdict.Release ? LotStatus.Released : LotStatus.Rejected, decision, issues);
    }
}
