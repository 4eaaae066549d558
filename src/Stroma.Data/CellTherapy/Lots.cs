using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.CellTherapy;

/// <summary>
/// Lots: registration, release testing, the signed release or rejection, and chain-of-custody events. Every rule is
/// <c>Stroma.Clinical.CellTherapy</c>'s (<see cref="CellLot.Validate"/>, <see cref="ReleaseSpecification.Evaluate"/>,
/// <see cref="LotRelease.Decide"/>, <see cref="ChainOfCustody.Validate"/>); this class loads, calls and stores.
/// A refused request writes nothing.
/// </summary>
public static class Lots
{
    /// <summary>
    /// Registers a lot in quarantine at the site <paramref name="siteCode"/> (the hospital that holds and receives it:
    /// its users see the lot, docs/security.md); with <paramref name="lotIdIsIsbt128Din"/> the id is checked as an ISBT
    /// 128 DIN. A site code the registry does not have is <see cref="IssueCodes.UnknownSite"/>.
    /// </summary>
    public static async Task<CellTherapyResult<CellLotRecord>> RegisterAsync(StromaDbContext db, CellLot lot, string siteCode, bool lotIdIsIsbt128Din = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(lot);
        var issues = new List<Issue>(lot.Validate());
        var code = siteCode?.Trim().ToUpperInvariant() ?? "";
        var siteId = await db.Sites.Where(s => s.Code == code).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (siteId is null)
        {
            issues.Add(Issue.Error(IssueCodes.UnknownSite, "site", code.Length == 0
                ? "A lot is registered at a site (the hospital that holds and receives it): give the site."
                : $"No site has code '{code}'."));
        }

        if (lotIdIsIsbt128Din)
        {
            issues.AddRange(Isbt128Din.Parse(lot.LotId).Issues);
        }

        if (await db.CellLots.IgnoreQueryFilters().AnyAsync(l => l.LotNumber == lot.LotId, cancellationToken).ConfigureAwait(false))
        {
            issues.Add(Issue.Error(IssueCodes.DuplicateLot, "lot_id", $"Lot '{lot.LotId}' is already registered."));
        }

        if (issues.Any(i => i.IsError))
        {
            return Refusal.Of<CellLotRecord>(issues);
        }

        var record = LotRecord(Guid.CreateVersion7(), lot, LotStatus.Quarantine, siteId!.Value);
        db.CellLots.Add(record);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<CellLotRecord>(record, issues);
    }

    /// <summary>
    /// Records release test results of a lot in quarantine (a later result for a key supersedes the earlier one).
    /// <paramref name="testedOn"/> is the event time: a future date is refused, and a date more than the late-entry
    /// days back needs <paramref name="lateEntryReason"/> (<see cref="LateEntry"/>).
    /// </summary>
    public static async Task<CellTherapyResult<CellLotRecord>> RecordTestsAsync(StromaDbContext db, string lotNumber,
        IReadOnlyDictionary<string, ReleaseMeasurement> results, DateOnly testedOn, string? lateEntryReason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(results);
        var (lot, missing) = await Lookup.LotAsync(db, lotNumber, cancellationToken).ConfigureAwait(false);
        if (lot is null)
        {
            return Refusal.Of<CellLotRecord>([missing!]);
        }

        var issues = new List<Issue>();
        if (lot.Status != LotStatus.Quarantine)
        {
            issues.Add(Issue.Error(IssueCodes.LotNotInQuarantine, "status", $"Lot {lot.LotNumber} is {Name(lot.Status)}; test results are recorded while it is in quarantine."));
        }

        if (results.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.MissingItem, "results", "No test result given."));
        }

        foreach (var (key, value) in results)
        {
            if (value.Value is null && value.Met is null)
            {
                issues.Add(Issue.Error(IssueCodes.MissingItem, key, $"Test '{key}' has neither a value nor met/not met."));
            }
        }

        var late = LateEntry.Check(db, LateEntry.RegistryPolicy, "tested_on", testedOn, lateEntryReason);
        issues.AddRange(late.Issues);
        if (issues.Count > 0)
        {
            return Refusal.Of<CellLotRecord>(issues);
        }

        foreach (var (key, value) in results.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            db.LotReleaseTests.Add(TestRecord(Guid.CreateVersion7(), lot.Id, key, value, testedOn).Mark(late));
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<CellLotRecord>(lot, []);
    }

    /// <summary>The lot's current results: the latest per test key.</summary>
    public static async Task<IReadOnlyDictionary<string, ReleaseMeasurement>> CurrentResultsAsync(StromaDbContext db, Guid lotId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var tests = await db.LotReleaseTests.AsNoTracking().Where(t => t.LotId == lotId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return tests.GroupBy(t => t.TestKey, StringComparer.Ordinal)
            .Select(g => g.OrderBy(t => t.TestedOn).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id).Last())
            .ToDictionary(t => t.TestKey, t => new ReleaseMeasurement(t.Value is { } v ? Normalise(v) : null, t.Met), StringComparer.Ordinal);
    }

    /// <summary>
    /// Releases or rejects a lot in quarantine with a signed decision, after evaluating its results against
    /// <paramref name="specification"/>. Refusals come from <see cref="LotRelease.Decide"/> (and
    /// <see cref="IssueCodes.NoReleaseSpecification"/> for an MSC specification applied to another product type).
    /// The decision date (<paramref name="decidedOn"/>, by default the signing instant's UTC date) is the event time:
    /// the lot's expiry is checked on it, a future date or one after the signature is refused, and a date more than
    /// the late-entry days back needs <paramref name="lateEntryReason"/> (<see cref="LateEntry"/>). The signature
    /// instant stays the real instant of signing.
    /// </summary>
    public static async Task<CellTherapyResult<LotDecision>> DecideAsync(StromaDbContext db, string lotNumber, ReleaseSpecification specification,
        ReleaseDecision decision, DateOnly? decidedOn = null, string? lateEntryReason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(specification);
        ArgumentNullException.ThrowIfNull(decision);
        var (lot, missing) = await Lookup.LotAsync(db, lotNumber, cancellationToken).ConfigureAwait(false);
        if (lot is null)
        {
            return Refusal.Of<LotDecision>([missing!]);
        }

        var issues = new List<Issue>();
        if (decision.Verdict == ReleaseVerdict.Release && specification.Name == ReleaseSpecification.IsctMscDefault.Name && !lot.ProductType.IsMsc())
        {
            issues.Add(Issue.Error(IssueCodes.NoReleaseSpecification, "specification",
                $"Lot {lot.LotNumber} is {lot.ProductType.Label()}; the ISCT criteria define MSC only, and Stroma has no release specification for it."));
        }

        var evaluation = specification.Evaluate(await CurrentResultsAsync(db, lot.Id, cancellationToken).ConfigureAwait(false));
        var signedOn = DateOnly.FromDateTime(decision.SignedAt.UtcDateTime);
        var decisionDate = decidedOn ?? signedOn;
        var late = LateEntry.Check(db, LateEntry.RegistryPolicy, "decided_on", decisionDate, lateEntryReason);
        issues.AddRange(late.Issues);
        if (decisionDate > signedOn && late.Issues.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.EventInFuture, "decided_on",
                $"decided_on {decisionDate:yyyy-MM-dd} is after the signature ({signedOn:yyyy-MM-dd} UTC): a decision is dated on or before it is signed."));
        }

        var result = LotRelease.Decide(lot.ToLot(), lot.Status, evaluation, decision, decisionDate);
        issues.AddRange(result.Issues);
        if (decision.Verdict == ReleaseVerdict.Release && !evaluation.Passed)
        {
            issues.AddRange(evaluation.Issues);
        }

        if (!result.Accepted || issues.Any(i => i.IsError))
        {
            // A lot already decided: say by whom, so a second QA user knows whom to ask.
            if (lot.Status != LotStatus.Quarantine && await LatestDecisionAsync(db, lot.Id, cancellationToken).ConfigureAwait(false) is { } earlier)
            {
                issues.Add(Issue.Info(IssueCodes.AlreadyDecided, "lot", $"Lot {lot.LotNumber} was {Describe(earlier)}."));
            }

            return Refusal.Of<LotDecision>(issues);
        }

        var record = DecisionRecord(Guid.CreateVersion7(), lot.Id, decision, decisionDate, evaluation).Mark(late);
        db.LotDecisions.Add(record);
        lot.Status = result.Status;
        db.ChangeReason = decision.Verdict == ReleaseVerdict.Release
            ? $"lot released by {decision.SignedBy}: {decision.Meaning}"
            : $"lot rejected by {decision.SignedBy}: {decision.Reason}";
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another QA user decided the lot between our read and our save (the lot's version moved on): nothing of
            // this decision was written; say who decided, and when.
            db.ChangeTracker.Clear();
            return Refusal.Of<LotDecision>([await DecidedMeanwhileAsync(db, lot.Id, lot.LotNumber, cancellationToken).ConfigureAwait(false)]);
        }

        return new CellTherapyResult<LotDecision>(record, issues);
    }

    private static async Task<Issue> DecidedMeanwhileAsync(StromaDbContext db, Guid lotId, string lotNumber, CancellationToken cancellationToken)
    {
        var current = await LatestDecisionAsync(db, lotId, cancellationToken).ConfigureAwait(false);
        var what = current is null ? "was changed by another user" : $"was decided meanwhile: {Describe(current)}";
        return Issue.Error(IssueCodes.DecidedMeanwhile, "lot",
            $"Lot {lotNumber} {what}; this decision was not saved. Look at the lot again (stroma trace lot {lotNumber}) before deciding.");
    }

    // A lot has one or two decisions; ordered here because SQLite cannot order by a DateTimeOffset.
    private static async Task<LotDecision?> LatestDecisionAsync(StromaDbContext db, Guid lotId, CancellationToken cancellationToken) =>
        (await db.LotDecisions.AsNoTracking().Where(d => d.LotId == lotId).ToListAsync(cancellationToken).ConfigureAwait(false)).MaxBy(d => d.SignedAt);

    /// <summary>"released: signed by qa.lee at 2024-02-19 08:00Z (QA release for clinical use)".</summary>
    private static string Describe(LotDecision decision) =>
        $"{(decision.Verdict == ReleaseVerdict.Release ? "released" : "rejected")}: signed by {decision.SignedBy} at "
        + decision.SignedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + $"Z ({decision.Meaning})";

    /// <summary>
    /// Appends a custody event after checking the whole chain with <see cref="ChainOfCustody.Validate"/>: an error at
    /// the new event refuses it; a temperature excursion (warning) is stored with it for QA. The event's instant is its
    /// event time: a future one is refused, one more than the late-entry days back needs <paramref name="lateEntryReason"/>.
    /// </summary>
    public static async Task<CellTherapyResult<CustodyEventRecord>> RecordCustodyAsync(StromaDbContext db, string lotNumber, CustodyEvent custodyEvent,
        string? patientStudyId = null, CustodyRules? rules = null, string? lateEntryReason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(custodyEvent);
        var (lot, missing) = await Lookup.LotAsync(db, lotNumber, cancellationToken).ConfigureAwait(false);
        if (lot is null)
        {
            return Refusal.Of<CustodyEventRecord>([missing!]);
        }

        var issues = new List<Issue>();
        Patient? patient = null;
        if (patientStudyId is not null)
        {
            (patient, var problem) = await Lookup.PatientAsync(db, patientStudyId, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                issues.Add(problem);
            }
            else if (await Lookup.SameSiteAsync(db, lot, patient!, "patient", cancellationToken).ConfigureAwait(false) is { } elsewhere)
            {
                issues.Add(elsewhere);
            }
        }

        if (lot.Status != LotStatus.Released && custodyEvent.Kind != CustodyEventKind.Discarded)
        {
            issues.Add(Issue.Error(IssueCodes.CustodyBeforeRelease, "lot", $"Lot {lot.LotNumber} is {Name(lot.Status)}; only a released lot moves (a lot in quarantine or rejected may only be discarded)."));
        }

        var chain = await History(db, lot.Id, cancellationToken).ConfigureAwait(false);
        var events = chain.Select(ToEvent).Append(custodyEvent).ToList();
        var newPath = $"events[{events.Count - 1}]";
        var chainIssues = ChainOfCustody.Validate(events, lot.Storage, rules ?? CustodyRules.NoTemperatureChecks).Where(i => i.Path == newPath).ToList();
        issues.AddRange(chainIssues);
        var late = LateEntry.Check(db, LateEntry.RegistryPolicy, "at", custodyEvent.At, lateEntryReason);
        issues.AddRange(late.Issues);
        if (issues.Any(i => i.IsError))
        {
            return Refusal.Of<CustodyEventRecord>(issues);
        }

        var warnings = chainIssues.Where(i => !i.IsError).Select(i => $"{i.Code} {i.Message}").ToList();
        var record = CustodyRecord(Guid.CreateVersion7(), lot.Id, custodyEvent, patient?.Id, warnings.Count == 0 ? null : string.Join("\n", warnings)).Mark(late);
        db.CustodyEvents.Add(record);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<CustodyEventRecord>(record, issues);
    }

    /// <summary>A lot's custody events in the order they happened.</summary>
    public static async Task<List<CustodyEventRecord>> History(StromaDbContext db, Guid lotId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var events = await db.CustodyEvents.AsNoTracking().Where(e => e.LotId == lotId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. events.OrderBy(e => e.At).ThenBy(e => e.CreatedAt).ThenBy(e => e.Id)];
    }

    /// <summary>The number without the storage scale (PostgreSQL numeric(18,6) reads 90 back as 90.000000), so messages read as entered.</summary>
    internal static decimal Normalise(decimal value) =>
        decimal.Parse(value.ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    internal static CustodyEvent ToEvent(CustodyEventRecord e) => new(e.Kind, e.At, e.Place, e.Person, e.TemperatureCelsius);

    // The record mappings, written once for the use cases above and the demo (which stores through the bulk path).

    /// <summary>The stored form of a lot (the inverse of <see cref="CellLotRecord.ToLot"/>).</summary>
    internal static CellLotRecord LotRecord(Guid id, CellLot lot, LotStatus status, Guid siteId) => new()
    {
        Id = id,
        SiteId = siteId,
        LotNumber = lot.LotId,
        ProductType = lot.ProductType,
        DonorPseudonym = lot.DonorPseudonym,
        TissueSource = lot.TissueSource,
        ManufacturingSite = lot.ManufacturingSite,
        ManufacturedOn = lot.ManufacturedOn,
        Passage = lot.Passage,
        TotalCells = lot.TotalCells.Value,
        CellsPerMillilitre = lot.Concentration.CellsPerMl,
        ViabilityPercent = lot.ViabilityPercent,
        VolumeMillilitres = lot.VolumeMillilitres,
        Storage = lot.Storage.Condition,
        StorageLocation = lot.Storage.Location,
        ExpiresOn = lot.ExpiresOn,
        Status = status,
    };

    /// <summary>The stored form of one release test result.</summary>
    internal static LotReleaseTest TestRecord(Guid id, Guid lotId, string key, ReleaseMeasurement measurement, DateOnly testedOn) =>
        new() { Id = id, LotId = lotId, TestKey = key, Value = measurement.Value, Met = measurement.Met, TestedOn = testedOn };

    /// <summary>The stored form of a signed decision with the evaluation it was made on.</summary>
    internal static LotDecision DecisionRecord(Guid id, Guid lotId, ReleaseDecision decision, DateOnly decisionDate, ReleaseEvaluation evaluation) => new()
    {
        Id = id,
        LotId = lotId,
        Verdict = decision.Verdict,
        SignedBy = decision.SignedBy,
        SignedAt = decision.SignedAt,
        Meaning = decision.Meaning,
        Reason = decision.Reason,
        DecisionDate = decisionDate,
        SpecificationName = evaluation.SpecificationName,
        SpecificationVersion = evaluation.SpecificationVersion,
        EvaluationJson = EvaluationJson(evaluation),
    };

    /// <summary>The stored form of a custody event (the inverse of <see cref="ToEvent"/>).</summary>
    internal static CustodyEventRecord CustodyRecord(Guid id, Guid lotId, CustodyEvent custodyEvent, Guid? patientId, string? warnings) => new()
    {
        Id = id,
        LotId = lotId,
        Kind = custodyEvent.Kind,
        At = custodyEvent.At,
        Place = custodyEvent.Place,
        Person = custodyEvent.Person,
        TemperatureCelsius = custodyEvent.TemperatureCelsius,
        PatientId = patientId,
        Warnings = warnings,
    };

    internal static string Name(LotStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>
    /// The stored form of a release evaluation (each criterion's key, limit, source, outcome and measured value), as
    /// <see cref="LotDecision.EvaluationJson"/> holds it for every decision, the demo's included.
    /// </summary>
    private static string EvaluationJson(ReleaseEvaluation evaluation) =>
        JsonSerializer.Serialize(evaluation.Results.Select(r => new
        {
            key = r.Criterion.Key,
            limit = r.Criterion.LimitText,
            source = r.Criterion.Source,
            outcome = r.Outcome.ToString(),
            measured = r.Measured,
        }));
}
