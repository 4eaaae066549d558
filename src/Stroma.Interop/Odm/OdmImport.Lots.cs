using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Interop.Odm;

/// <summary>
/// The cell-product lots of <see cref="OdmImport"/>, from the file's <c>ReferenceData</c> (read before the subjects, so
/// an adverse event's suspect lot and an infusion's lot are found). Lots are registered through
/// <see cref="Lots.RegisterAsync"/> (<see cref="CellLot.Validate"/>, a known site, a label not yet registered); each
/// release decision meets <see cref="LotRelease.Decide"/> (a lot in quarantine, a signer and the meaning of the signature,
/// a reason for a rejection, a release only on a passed evaluation (the evaluation the file carries, criterion by
/// criterion) and an unexpired lot on the decision date); the lot's status must be the one its decisions give
/// (<see cref="IssueCodes.OdmScoreMismatch"/>). Release tests need a key and a value or met/not met, on a lot in
/// quarantine; custody events need a place and a person, a released lot (a lot in quarantine or rejected may only be
/// discarded) and, for an administration, a patient of the file at the lot's site: they are read after the subjects.
/// Not re-run: the late-entry rule (the records were entered before, elsewhere: their entered-late flag and reason are
/// kept as the file gives them) and the custody chain's order (<see cref="ChainOfCustody.Validate"/>), which records
/// entered earlier need not meet.
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        public int Lots { get; private set; }

        public int ReleaseTests { get; private set; }

        public int LotDecisions { get; private set; }

        public int CustodyEvents { get; private set; }

        /// <summary>The lots this file registered: label to (record, status the file gives, where).</summary>
        private readonly Dictionary<string, (CellLotRecord Lot, LotStatus Status, string Where)> lots = new(StringComparer.Ordinal);

        /// <summary>Custody events, read after the subjects (an administration names its patient).</summary>
        private readonly List<(Dictionary<string, string?> Values, string Where)> custody = [];

        /// <summary>The patients this file registered, by subject key.</summary>
        private readonly Dictionary<string, Patient> subjects = new(StringComparer.Ordinal);

        private static readonly HashSet<string> LotItems = new(
        [
            OdmOids.LotNumber, OdmOids.LotSite, OdmOids.LotProduct, OdmOids.LotDonor, OdmOids.LotTissue, OdmOids.LotManufacturer, OdmOids.LotManufactured,
            OdmOids.LotPassage, OdmOids.LotCells, OdmOids.LotConcentration, OdmOids.LotViability, OdmOids.LotVolume, OdmOids.LotStorage, OdmOids.LotStorageLocation,
            OdmOids.LotExpires, OdmOids.LotStatus,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> ReleaseTestItems = new(
        [
            OdmOids.LotNumber, OdmOids.ReleaseTestKey, OdmOids.ReleaseTestValue, OdmOids.ReleaseTestMet, OdmOids.ReleaseTestDate, OdmOids.ReleaseTestLate,
            OdmOids.ReleaseTestLateReason,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> DecisionItems = new(
        [
            OdmOids.LotNumber, OdmOids.DecisionVerdict, OdmOids.DecisionSignedBy, OdmOids.DecisionSignedAt, OdmOids.DecisionMeaning, OdmOids.DecisionReason,
            OdmOids.DecisionDate, OdmOids.DecisionSpecification, OdmOids.DecisionSpecificationVersion, OdmOids.DecisionEvaluation, OdmOids.DecisionLate,
            OdmOids.DecisionLateReason,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> CustodyItems = new(
        [
            OdmOids.LotNumber, OdmOids.CustodyKind, OdmOids.CustodyAt, OdmOids.CustodyPlace, OdmOids.CustodyPerson, OdmOids.CustodyTemperature,
            OdmOids.CustodySubject, OdmOids.CustodyWarnings, OdmOids.CustodyLate, OdmOids.CustodyLateReason,
        ], StringComparer.Ordinal);

        private void Registered(Patient patient) => subjects[patient.StudyId] = patient;

        private DateTimeOffset? Instant(Dictionary<string, string?> values, string oid, string where, bool required = false)
        {
            if (values.GetValueOrDefault(oid) is not { Length: > 0 } text)
            {
                if (required)
                {
                    Error(IssueCodes.OdmMissing, At(where, oid), "this date and time is required.");
                }

                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) && text.Contains('T', StringComparison.Ordinal)
                && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-'))
            {
                return instant;
            }

            Error(IssueCodes.OdmBadValue, At(where, oid), $"\"{text}\" is not an ODM datetime with its offset (yyyy-mm-ddThh:mm:ssZ).");
            return null;
        }

        private decimal? Required(Dictionary<string, string?> values, string oid, string where)
        {
            if (values.GetValueOrDefault(oid) is not { Length: > 0 })
            {
                Error(IssueCodes.OdmMissing, At(where, oid), "this item is required.");
                return null;
            }

            return Number(values, oid, where);
        }

        /// <summary>The lot an item group names (<c>IT.LOT.NUMBER</c>), registered by this file or already in the registry.</summary>
        private async Task<CellLotRecord?> LotAsync(Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            if (Text(values, OdmOids.LotNumber, where, required: true)?.Trim() is not { } number)
            {
                return null;
            }

            if (lots.TryGetValue(number, out var known))
            {
                return known.Lot;
            }

            var lot = await db.CellLots.SingleOrDefaultAsync(l => l.LotNumber == number, cancellationToken).ConfigureAwait(false);
            if (lot is null)
            {
                Error(IssueCodes.OdmLotNotInRegistry, At(where, OdmOids.LotNumber),
                    $"the lot \"{number}\" is neither in the registry nor registered by the file's ReferenceData (IG.LOT) before this record.");
            }

            return lot;
        }

        /// <summary>The file's ReferenceData: protocol versions, lots, then (in file order) their release tests and decisions; custody events are kept for after the subjects.</summary>
        private async Task ReadReferenceDataAsync(XElement reference, CancellationToken cancellationToken)
        {
            foreach (var group in reference.Elements(Odm + "ItemGroupData"))
            {
                var oid = (string?)group.Attribute("ItemGroupOID") ?? "";
                var where = $"ReferenceData/ItemGroupData[@ItemGroupOID='{oid}'][@ItemGroupRepeatKey='{(string?)group.Attribute("ItemGroupRepeatKey")}']";
                var known = oid switch
                {
                    OdmOids.ProtocolVersionGroup => ProtocolVersionItems,
                    OdmOids.LotGroup => LotItems,
                    OdmOids.ReleaseTestGroup => ReleaseTestItems,
                    OdmOids.DecisionGroup => DecisionItems,
                    OdmOids.CustodyGroup => CustodyItems,
                    _ => null,
                };
                if (known is null)
                {
                    Error(IssueCodes.OdmUnknownOid, where, $"Stroma's mapping reads {OdmOids.ProtocolVersionGroup}, {OdmOids.LotGroup}, {OdmOids.ReleaseTestGroup}, {OdmOids.DecisionGroup} and {OdmOids.CustodyGroup} as reference data.");
                    continue;
                }

                var values = Values(group, where);
                foreach (var item in values.Keys.Where(k => !known.Contains(k)))
                {
                    Error(IssueCodes.OdmUnknownOid, At(where, item), item == OdmOids.LotKey
                        ? "a de-identified export names lots by a per-export key: it cannot be imported (the registry keeps each lot's label)."
                        : $"not an item of {oid} in Stroma's mapping.");
                }

                if (Issues.Any(i => i.IsError))
                {
                    continue;
                }

                switch (oid)
                {
                    case OdmOids.ProtocolVersionGroup:
                        await AddProtocolVersionAsync(values, where, cancellationToken).ConfigureAwait(false);
                        break;
                    case OdmOids.LotGroup:
                        await AddLotAsync(values, where, cancellationToken).ConfigureAwait(false);
                        break;
                    case OdmOids.ReleaseTestGroup:
                        await AddReleaseTestAsync(values, where, cancellationToken).ConfigureAwait(false);
                        break;
                    case OdmOids.DecisionGroup:
                        await AddDecisionAsync(values, where, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        custody.Add((values, where));
                        break;
                }
            }

            // Each lot ends in the status its decisions give; the file's status must be that one.
            foreach (var (number, (lot, status, where)) in lots)
            {
                if (lot.Status != status)
                {
                    Error(IssueCodes.OdmScoreMismatch, At(where, OdmOids.LotStatus),
                        $"lot {number} is {OdmExport.Text(status)} in the file, but its decisions leave it {OdmExport.Text(lot.Status)} (every lot starts in quarantine; a signed decision moves it once).");
                }
            }

            if (!Issues.Any(i => i.IsError))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task AddLotAsync(Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var number = Text(values, OdmOids.LotNumber, where, required: true)?.Trim();
            var site = Text(values, OdmOids.LotSite, where, required: true)?.Trim();
            var product = Code(values, OdmOids.LotProduct, where, OdmExport.Products, OdmOids.ProductCodes, required: true);
            var storage = Code(values, OdmOids.LotStorage, where, OdmExport.Storages, OdmOids.StorageCodes, required: true);
            var status = Code(values, OdmOids.LotStatus, where, OdmExport.LotStatuses, OdmOids.LotStatusCodes, required: true);
            var manufactured = Date(values, OdmOids.LotManufactured, where, required: true);
            var expires = Date(values, OdmOids.LotExpires, where, required: true);
            var cells = Required(values, OdmOids.LotCells, where);
            var concentration = Required(values, OdmOids.LotConcentration, where);
            var viability = Required(values, OdmOids.LotViability, where);
            var volume = Required(values, OdmOids.LotVolume, where);
            var passage = Integer(values, OdmOids.LotPassage, where, int.MinValue, int.MaxValue);
            if (number is null || site is null || product is not { } p || storage is not { } s || status is not { } st || manufactured is not { } made || expires is not { } expiry
                || cells is not { } c || concentration is not { } cpm || viability is not { } v || volume is not { } ml || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            if (c < 0m || cpm < 0m)
            {
                Error(IssueCodes.OdmBadValue, where, "a lot's total cells and concentration cannot be negative.");
                return;
            }

            var lot = new CellLot(number, p, values.GetValueOrDefault(OdmOids.LotDonor) ?? "", values.GetValueOrDefault(OdmOids.LotTissue) ?? "",
                values.GetValueOrDefault(OdmOids.LotManufacturer) ?? "", made, passage, CellCount.Cells(c), CellConcentration.CellsPerMillilitre(cpm), v, ml,
                new LotStorage(s, values.GetValueOrDefault(OdmOids.LotStorageLocation) ?? ""), expiry);
            var registered = await Stroma.Data.CellTherapy.Lots.RegisterAsync(db, lot, site, cancellationToken: cancellationToken).ConfigureAwait(false);
            Add(registered.Issues, where);
            if (registered.Value is { } record)
            {
                lots[number] = (record, st, where);
                Lots++;
            }
        }

        private async Task AddReleaseTestAsync(Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var lot = await LotAsync(values, where, cancellationToken).ConfigureAwait(false);
            var key = Text(values, OdmOids.ReleaseTestKey, where, required: true)?.Trim();
            var value = Number(values, OdmOids.ReleaseTestValue, where);
            var met = Boolean(values, OdmOids.ReleaseTestMet, where);
            var tested = Date(values, OdmOids.ReleaseTestDate, where, required: true);
            if (lot is null || key is null || tested is not { } on || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The release-testing rules (Lots.RecordTestsAsync): a result has a value or met/not met; a lot is tested while in quarantine; not in the future.
            var rules = new List<Issue>();
            if (value is null && met is null)
            {
                rules.Add(Issue.Error(IssueCodes.MissingItem, key, $"Test '{key}' has neither a value nor met/not met."));
            }

            if (lot.Status != LotStatus.Quarantine)
            {
                rules.Add(Issue.Error(IssueCodes.LotNotInQuarantine, "status", $"Lot {lot.LotNumber} is {OdmExport.Text(lot.Status)}; test results are recorded while it is in quarantine."));
            }

            if (LateEntryPolicy.InFuture("tested_on", on, LateEntry.Today(db)) is { } future)
            {
                rules.Add(future);
            }

            if (Refuse(rules, where))
            {
                return;
            }

            var test = Stroma.Data.CellTherapy.Lots.TestRecord(Guid.CreateVersion7(), lot.Id, key, new ReleaseMeasurement(value, met), on);
            test.EnteredLate = Boolean(values, OdmOids.ReleaseTestLate, where) ?? false;
            test.LateEntryReason = Text(values, OdmOids.ReleaseTestLateReason, where);
            db.LotReleaseTests.Add(test);
            ReleaseTests++;
        }

        private async Task AddDecisionAsync(Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var lot = await LotAsync(values, where, cancellationToken).ConfigureAwait(false);
            var verdict = Code(values, OdmOids.DecisionVerdict, where, OdmExport.Verdicts, OdmOids.VerdictCodes, required: true);
            var signedAt = Instant(values, OdmOids.DecisionSignedAt, where, required: true);
            var date = Date(values, OdmOids.DecisionDate, where, required: true);
            var specification = Text(values, OdmOids.DecisionSpecification, where, required: true);
            var version = Text(values, OdmOids.DecisionSpecificationVersion, where, required: true);
            var json = Text(values, OdmOids.DecisionEvaluation, where, required: true);
            if (lot is null || verdict is not { } v || signedAt is not { } at || date is not { } on || specification is null || version is null || json is null
                || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The evaluation as stored with the decision: each criterion's key, limit, source, outcome and measured value.
            var results = new List<CriterionResult>();
            try
            {
                using var document = JsonDocument.Parse(json);
                foreach (var criterion in document.RootElement.EnumerateArray())
                {
                    var outcome = criterion.GetProperty("outcome").GetString();
                    if (!Enum.TryParse<CriterionOutcome>(outcome, ignoreCase: false, out var o) || !Enum.IsDefined(o))
                    {
                        Error(IssueCodes.OdmBadValue, At(where, OdmOids.DecisionEvaluation), $"\"{outcome}\" is not a criterion outcome ({string.Join(", ", Enum.GetNames<CriterionOutcome>())}).");
                        return;
                    }

                    var key = criterion.GetProperty("key").GetString() ?? "";
                    results.Add(new CriterionResult(new ReleaseCriterion(key, key, CriterionKind.MustBeMet, null, "", [key], criterion.GetProperty("source").GetString() ?? ""), o,
                        criterion.GetProperty("measured").GetString() ?? ""));
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                Error(IssueCodes.OdmBadValue, At(where, OdmOids.DecisionEvaluation), $"the evaluation is not the JSON Stroma stores with a decision (a list of criteria with key, limit, source, outcome and measured): {e.Message}");
                return;
            }

            var evaluation = new ReleaseEvaluation(specification, version, results, []);
            var decision = new ReleaseDecision(v, Text(values, OdmOids.DecisionSignedBy, where) ?? "", at, Text(values, OdmOids.DecisionMeaning, where) ?? "",
                Text(values, OdmOids.DecisionReason, where));
            var rules = new List<Issue>(LotRelease.Decide(lot.ToLot(), lot.Status, evaluation, decision, on).Issues.Where(i => i.IsError));
            if (on > DateOnly.FromDateTime(at.UtcDateTime))
            {
                rules.Add(Issue.Error(IssueCodes.EventInFuture, "decided_on", $"decided_on {on:yyyy-MM-dd} is after the signature ({at.UtcDateTime:yyyy-MM-dd} UTC): a decision is dated on or before it is signed."));
            }

            if (at > db.Clock.GetUtcNow())
            {
                rules.Add(Issue.Error(IssueCodes.EventInFuture, "signed_at", $"signed_at {OdmExport.Text(at)} is in the future."));
            }

            if (Refuse(rules, where))
            {
                return;
            }

            var record = Stroma.Data.CellTherapy.Lots.DecisionRecord(Guid.CreateVersion7(), lot.Id, decision, on, evaluation);
            record.EvaluationJson = json;
            record.EnteredLate = Boolean(values, OdmOids.DecisionLate, where) ?? false;
            record.LateEntryReason = Text(values, OdmOids.DecisionLateReason, where);
            db.LotDecisions.Add(record);
            lot.Status = v == ReleaseVerdict.Release ? LotStatus.Released : LotStatus.Rejected;
            LotDecisions++;
            if (!Issues.Any(i => i.IsError))
            {
                // The lot's status changes with its decision, saved with the reason the release use case gives (Lots.DecideAsync).
                db.ChangeReason = v == ReleaseVerdict.Release ? $"lot released by {decision.SignedBy}: {decision.Meaning}" : $"lot rejected by {decision.SignedBy}: {decision.Reason}";
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>The custody events, after the subjects (an administration names its patient), in file order.</summary>
        private async Task AddCustodyAsync(CancellationToken cancellationToken)
        {
            foreach (var (values, where) in custody)
            {
                var before = Issues.Count(i => i.IsError);
                var lot = await LotAsync(values, where, cancellationToken).ConfigureAwait(false);
                var kind = Code(values, OdmOids.CustodyKind, where, OdmExport.CustodyKinds, OdmOids.CustodyKindCodes, required: true);
                var at = Instant(values, OdmOids.CustodyAt, where, required: true);
                var temperature = Number(values, OdmOids.CustodyTemperature, where);
                var place = Text(values, OdmOids.CustodyPlace, where) ?? "";
                var person = Text(values, OdmOids.CustodyPerson, where) ?? "";
                Patient? patient = null;
                if (Text(values, OdmOids.CustodySubject, where)?.Trim() is { } subject && !subjects.TryGetValue(subject, out patient))
                {
                    Error(IssueCodes.OdmMissing, At(where, OdmOids.CustodySubject), $"the lot was administered to subject \"{subject}\", which the file does not register.");
                }

                if (lot is null || kind is not { } k || at is not { } when || Issues.Count(i => i.IsError) > before)
                {
                    continue;
                }

                var rules = new List<Issue>();
                if (string.IsNullOrWhiteSpace(place) || string.IsNullOrWhiteSpace(person))
                {
                    rules.Add(Issue.Error(IssueCodes.CustodyMissingPlaceOrPerson, "event", $"{OdmExport.Code(OdmExport.CustodyKinds, k)} needs both place and person."));
                }

                if (lot.Status != LotStatus.Released && k != CustodyEventKind.Discarded)
                {
                    rules.Add(Issue.Error(IssueCodes.CustodyBeforeRelease, "lot", $"Lot {lot.LotNumber} is {OdmExport.Text(lot.Status)}; only a released lot moves (a lot in quarantine or rejected may only be discarded)."));
                }

                if (patient is not null && await Lookup.SameSiteAsync(db, lot, patient, "patient", cancellationToken).ConfigureAwait(false) is { } elsewhere)
                {
                    rules.Add(elsewhere);
                }

                if (when > db.Clock.GetUtcNow())
                {
                    rules.Add(Issue.Error(IssueCodes.EventInFuture, "at", $"at {OdmExport.Text(when)} is in the future."));
                }

                if (Refuse(rules, where))
                {
                    continue;
                }

                var record = Stroma.Data.CellTherapy.Lots.CustodyRecord(Guid.CreateVersion7(), lot.Id, new CustodyEvent(k, when, place, person, temperature), patient?.Id,
                    Text(values, OdmOids.CustodyWarnings, where));
                record.EnteredLate = Boolean(values, OdmOids.CustodyLate, where) ?? false;
                record.LateEntryReason = Text(values, OdmOids.CustodyLateReason, where);
                db.CustodyEvents.Add(record);
                CustodyEvents++;
            }

            if (!Issues.Any(i => i.IsError))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
