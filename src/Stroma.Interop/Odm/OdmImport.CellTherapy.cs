using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Stroma.Data.Quality;

namespace Stroma.Interop.Odm;

/// <summary>
/// The cell-therapy records of <see cref="OdmImport"/>. Lots (<c>ReferenceData</c>, read before the subjects) are registered
/// through <see cref="Lots.RegisterAsync"/> (<see cref="CellLot.Validate"/>, a known site, a label not yet registered);
/// each release decision meets <see cref="LotRelease.Decide"/> (a lot in quarantine, a signer and the meaning of the
/// signature, a reason for a rejection, a release only on a passed evaluation (the evaluation the file carries, criterion
/// by criterion) and an unexpired lot on the decision date); the lot's status must be the one its decisions give
/// (<see cref="IssueCodes.OdmScoreMismatch"/>). Release tests need a key and a value or met/not met; custody events need a
/// place and a person, a released lot (a lot in quarantine or rejected may only be discarded) and, for an administration,
/// a patient of the file at the lot's site; they are read after the subjects. Enrolments meet the enrolment's rules
/// (an approved protocol version in the registry (protocol definitions are not imported), once per protocol, a weight
/// above 0 and at most 1000 kg, consent and weighing dates not in the future) and get their calendar from the protocol
/// as <see cref="Enrolments"/> does; infusions need the patient's enrolment on their protocol, an administration of its
/// schedule not yet recorded for that component, a lot in the registry at the patient's site, a dose not negative, and
/// times that <see cref="InfusionRecord.Validate"/> accepts, and then the protocol's save-time checks. Not re-run on
/// import: the late-entry rule (the records were entered before, elsewhere: their entered-late flag and reason are kept
/// as the file gives them), the infusion's pre-check against the lot and consent of the day (its stored outcome is kept),
/// and the custody chain's order (<see cref="ChainOfCustody.Validate"/>), which records entered earlier need not meet.
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        public int Lots { get; private set; }

        public int ReleaseTests { get; private set; }

        public int LotDecisions { get; private set; }

        public int CustodyEvents { get; private set; }

        public int Enrolments { get; private set; }

        public int Infusions { get; private set; }

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

        private static readonly HashSet<string> EnrolmentItems = new(
        [
            OdmOids.EnrolmentProtocol, OdmOids.EnrolmentVersion, OdmOids.EnrolmentStart, OdmOids.EnrolmentWeight, OdmOids.EnrolmentWeighedOn,
            OdmOids.EnrolmentConsentSigned, OdmOids.EnrolmentConsentVersion, OdmOids.EnrolmentConsentWithdrawn, OdmOids.EnrolmentConsentValidUntil,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> InfusionItems = new(
        [
            OdmOids.InfusionProtocol, OdmOids.InfusionEvent, OdmOids.InfusionComponent, OdmOids.LotNumber, OdmOids.InfusionDate, OdmOids.InfusionStart,
            OdmOids.InfusionStop, OdmOids.InfusionDose, OdmOids.InfusionWeight, OdmOids.InfusionWeighedOn, OdmOids.InfusionPrecheck, OdmOids.InfusionLate,
            OdmOids.InfusionLateReason,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> VitalsItems = new(
        [
            OdmOids.VitalsPhase, OdmOids.VitalsAt, OdmOids.VitalsSystolic, OdmOids.VitalsDiastolic, OdmOids.VitalsHeartRate, OdmOids.VitalsTemperature,
            OdmOids.VitalsRespiratoryRate, OdmOids.VitalsOxygen,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> PremedicationItems = new([OdmOids.PremedicationDrug, OdmOids.PremedicationDose, OdmOids.PremedicationGivenAt], StringComparer.Ordinal);

        private static readonly HashSet<string> ReactionItems = new([OdmOids.ReactionTerm, OdmOids.ReactionGrade, OdmOids.ReactionOnset, OdmOids.ReactionAction], StringComparer.Ordinal);

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

        /// <summary>The file's ReferenceData: lots, then (in file order) their release tests and decisions; custody events are kept for after the subjects.</summary>
        private async Task ReadReferenceDataAsync(XElement reference, CancellationToken cancellationToken)
        {
            foreach (var group in reference.Elements(Odm + "ItemGroupData"))
            {
                var oid = (string?)group.Attribute("ItemGroupOID") ?? "";
                var where = $"ReferenceData/ItemGroupData[@ItemGroupOID='{oid}'][@ItemGroupRepeatKey='{(string?)group.Attribute("ItemGroupRepeatKey")}']";
                var known = oid switch
                {
                    OdmOids.LotGroup => LotItems,
                    OdmOids.ReleaseTestGroup => ReleaseTestItems,
                    OdmOids.DecisionGroup => DecisionItems,
                    OdmOids.CustodyGroup => CustodyItems,
                    _ => null,
                };
                if (known is null)
                {
                    Error(IssueCodes.OdmUnknownOid, where, $"Stroma's mapping reads {OdmOids.LotGroup}, {OdmOids.ReleaseTestGroup}, {OdmOids.DecisionGroup} and {OdmOids.CustodyGroup} as reference data.");
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

        /// <summary>An enrolment with the enrolment's rules, on a protocol version the registry holds, with the calendar the protocol gives.</summary>
        private async Task AddEnrolmentAsync(Patient patient, Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var key = Text(values, OdmOids.EnrolmentProtocol, where, required: true)?.Trim();
            var versionText = Text(values, OdmOids.EnrolmentVersion, where, required: true)?.Trim();
            var start = Date(values, OdmOids.EnrolmentStart, where, required: true);
            var weight = Number(values, OdmOids.EnrolmentWeight, where);
            var weighed = Date(values, OdmOids.EnrolmentWeighedOn, where);
            var signed = Date(values, OdmOids.EnrolmentConsentSigned, where);
            var withdrawn = Date(values, OdmOids.EnrolmentConsentWithdrawn, where);
            var until = Date(values, OdmOids.EnrolmentConsentValidUntil, where);
            int? number = null;
            if (versionText is not null)
            {
                if (int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    number = n;
                }
                else
                {
                    Error(IssueCodes.OdmBadValue, At(where, OdmOids.EnrolmentVersion), $"\"{versionText}\" is not a protocol version number.");
                }
            }

            if (key is null || number is not { } version || start is not { } day0 || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            var rules = new List<Issue>();
            var (found, notFound) = await ProtocolVersions.FindAsync(db, key, version, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (notFound is not null)
            {
                rules.Add(notFound with { Message = notFound.Message + " Protocol definitions are not imported from ODM: define and approve the protocol version first." });
            }
            else if (found!.Status != ProtocolVersionStatus.Approved)
            {
                rules.Add(Issue.Error(IssueCodes.ProtocolVersionNotApproved, "version", $"{key} version {version} is {found.Status.ToString().ToLowerInvariant()}: patients are enrolled on approved versions only."));
            }

            if (weight is { } kg && kg is <= 0m or > 1000m)
            {
                rules.Add(Issue.Error(IssueCodes.OutOfRange, "weight", $"Weight {kg} kg must be above 0 and at most 1000 kg."));
            }

            var today = LateEntry.Today(db);
            foreach (var (field, date) in new[] { ("consent_signed", signed), ("consent_withdrawn", withdrawn), ("weighed", weighed) })
            {
                if (date is { } d && LateEntryPolicy.InFuture(field, d, today) is { } future)
                {
                    rules.Add(future);
                }
            }

            if (await db.ProtocolEnrolments.AnyAsync(e => e.PatientId == patient.Id && e.ProtocolKey == key, cancellationToken).ConfigureAwait(false)
                || db.ProtocolEnrolments.Local.Any(e => e.PatientId == patient.Id && e.ProtocolKey == key))
            {
                rules.Add(Issue.Error(IssueCodes.AlreadyEnrolled, "protocol", $"Patient {patient.StudyId} is already enrolled on {key}."));
            }

            if (signed is null && (values.GetValueOrDefault(OdmOids.EnrolmentConsentVersion) is { Length: > 0 } || withdrawn is not null || until is not null))
            {
                rules.Add(Issue.Error(IssueCodes.OdmMissing, At(where, OdmOids.EnrolmentConsentSigned), "a consent's version, withdrawal or validity needs the date it was signed."));
            }

            if (Refuse(rules, where))
            {
                return;
            }

            var consent = signed is { } s ? new ConsentRecord(s, values.GetValueOrDefault(OdmOids.EnrolmentConsentVersion) ?? "", withdrawn, until) : null;
            var (enrolment, events) = Stroma.Data.CellTherapy.Enrolments.Records(Guid.CreateVersion7, patient.Id, found!.Definition.Protocol,
                new EnrolmentRequest(day0, weight, weighed, consent));
            enrolment.ConsentProtocolVersion = Text(values, OdmOids.EnrolmentConsentVersion, where);
            db.ProtocolEnrolments.Add(enrolment);
            db.ScheduledEvents.AddRange(events);
            Enrolments++;
        }

        /// <summary>An infusion (<c>F.INF</c>: its group, then its vital signs, premedication and reactions).</summary>
        private async Task AddInfusionAsync(Patient patient, XElement form, string formWhere, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var where = $"{formWhere}[@FormRepeatKey='{(string?)form.Attribute("FormRepeatKey")}']";
            var groups = form.Elements(Odm + "ItemGroupData").ToList();
            var main = groups.Where(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.InfusionGroup).ToList();
            if (main.Count != 1)
            {
                Error(IssueCodes.OdmMissing, where, $"an infusion form has exactly one {OdmOids.InfusionGroup}; it has {main.Count}.");
                return;
            }

            var values = Values(main[0], where);
            foreach (var oid in values.Keys.Where(k => !InfusionItems.Contains(k)))
            {
                Error(IssueCodes.OdmUnknownOid, At(where, oid), oid == OdmOids.LotKey
                    ? "a de-identified export names lots by a per-export key: it cannot be imported."
                    : $"not an item of {OdmOids.InfusionGroup} in Stroma's mapping.");
            }

            var pre = new List<VitalSigns>();
            var post = new List<VitalSigns>();
            var premedications = new List<Premedication>();
            var reactions = new List<InfusionReaction>();
            foreach (var group in groups.Where(g => (string?)g.Attribute("ItemGroupOID") != OdmOids.InfusionGroup))
            {
                var groupOid = (string?)group.Attribute("ItemGroupOID") ?? "";
                var groupWhere = $"{where}/ItemGroupData[@ItemGroupOID='{groupOid}'][@ItemGroupRepeatKey='{(string?)group.Attribute("ItemGroupRepeatKey")}']";
                var known = groupOid switch
                {
                    OdmOids.VitalsGroup => VitalsItems,
                    OdmOids.PremedicationGroup => PremedicationItems,
                    OdmOids.ReactionGroup => ReactionItems,
                    _ => null,
                };
                if (known is null)
                {
                    Error(IssueCodes.OdmUnknownOid, groupWhere, $"not an item group of {OdmOids.InfusionForm} in Stroma's mapping.");
                    continue;
                }

                var child = Values(group, groupWhere);
                foreach (var oid in child.Keys.Where(k => !known.Contains(k)))
                {
                    Error(IssueCodes.OdmUnknownOid, At(groupWhere, oid), $"not an item of {groupOid} in Stroma's mapping.");
                }

                switch (groupOid)
                {
                    case OdmOids.VitalsGroup:
                        var phase = Code(child, OdmOids.VitalsPhase, groupWhere, OdmExport.VitalsPhases, OdmOids.VitalsPhaseCodes, required: true);
                        var measured = Instant(child, OdmOids.VitalsAt, groupWhere, required: true);
                        var vitals = measured is { } m ? new VitalSigns(m, Number(child, OdmOids.VitalsSystolic, groupWhere), Number(child, OdmOids.VitalsDiastolic, groupWhere),
                            Number(child, OdmOids.VitalsHeartRate, groupWhere), Number(child, OdmOids.VitalsTemperature, groupWhere),
                            Number(child, OdmOids.VitalsRespiratoryRate, groupWhere), Number(child, OdmOids.VitalsOxygen, groupWhere)) : null;
                        if (vitals is not null && phase is { } ph)
                        {
                            (ph == VitalSignPhase.Pre ? pre : post).Add(vitals);
                        }

                        break;
                    case OdmOids.PremedicationGroup:
                        var drug = Text(child, OdmOids.PremedicationDrug, groupWhere, required: true);
                        var dose = Text(child, OdmOids.PremedicationDose, groupWhere, required: true);
                        if (drug is not null && dose is not null && Instant(child, OdmOids.PremedicationGivenAt, groupWhere, required: true) is { } given)
                        {
                            premedications.Add(new Premedication(drug, dose, given));
                        }

                        break;
                    default:
                        var term = Text(child, OdmOids.ReactionTerm, groupWhere, required: true);
                        var grade = Integer(child, OdmOids.ReactionGrade, groupWhere, 1, 5);
                        if (grade is null && child.GetValueOrDefault(OdmOids.ReactionGrade) is not { Length: > 0 })
                        {
                            Error(IssueCodes.OdmMissing, At(groupWhere, OdmOids.ReactionGrade), "a reaction's CTCAE grade is required.");
                        }

                        if (term is not null && grade is { } g && Instant(child, OdmOids.ReactionOnset, groupWhere, required: true) is { } onset)
                        {
                            reactions.Add(new InfusionReaction(term, (CtcaeGrade)g, onset, Text(child, OdmOids.ReactionAction, groupWhere)));
                        }

                        break;
                }
            }

            var protocol = Text(values, OdmOids.InfusionProtocol, where, required: true)?.Trim();
            var eventKey = Text(values, OdmOids.InfusionEvent, where, required: true)?.Trim();
            var component = Text(values, OdmOids.InfusionComponent, where, required: true)?.Trim();
            var lot = await LotAsync(values, where, cancellationToken).ConfigureAwait(false);
            var date = Date(values, OdmOids.InfusionDate, where, required: true);
            var start = Instant(values, OdmOids.InfusionStart, where, required: true);
            var stop = Instant(values, OdmOids.InfusionStop, where);
            var doseCells = Required(values, OdmOids.InfusionDose, where);
            var weight = Number(values, OdmOids.InfusionWeight, where);
            var weighed = Date(values, OdmOids.InfusionWeighedOn, where);
            var precheck = Text(values, OdmOids.InfusionPrecheck, where, required: true);
            if (protocol is null || eventKey is null || component is null || lot is null || date is not { } day || start is not { } from || doseCells is not { } cells
                || precheck is null || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The infusion's rules a stored record can be checked against (Infusions.RecordAsync without the pre-check of the day and the late-entry rule).
            var rules = new List<Issue>();
            var enrolment = db.ProtocolEnrolments.Local.FirstOrDefault(e => e.PatientId == patient.Id && e.ProtocolKey == protocol)
                ?? await db.ProtocolEnrolments.FirstOrDefaultAsync(e => e.PatientId == patient.Id && e.ProtocolKey == protocol, cancellationToken).ConfigureAwait(false);
            if (enrolment is null)
            {
                rules.Add(Issue.Error(IssueCodes.NotEnrolled, "protocol", $"Patient {patient.StudyId} is not enrolled on {protocol} (its F.ENR comes before the infusions)."));
            }
            else
            {
                var scheduled = await db.ScheduledEvents.AnyAsync(e => e.EnrolmentId == enrolment.Id && e.EventKey == eventKey && e.Kind == ScheduledEventKind.Administration, cancellationToken)
                    .ConfigureAwait(false) || db.ScheduledEvents.Local.Any(e => e.EnrolmentId == enrolment.Id && e.EventKey == eventKey && e.Kind == ScheduledEventKind.Administration);
                if (!scheduled)
                {
                    rules.Add(Issue.Error(IssueCodes.NotAnAdministration, "event", $"'{eventKey}' is not an administration of the patient's {protocol} schedule."));
                }
                else if (db.Infusions.Local.Any(i => i.EnrolmentId == enrolment.Id && i.EventKey == eventKey && i.ComponentKey == component)
                    || await db.Infusions.AnyAsync(i => i.EnrolmentId == enrolment.Id && i.EventKey == eventKey && i.ComponentKey == component, cancellationToken).ConfigureAwait(false))
                {
                    rules.Add(Issue.Error(IssueCodes.AdministrationAlreadyRecorded, "event", $"{eventKey} ({component}) is already recorded."));
                }
            }

            if (await Lookup.SameSiteAsync(db, lot, patient, "lot", cancellationToken).ConfigureAwait(false) is { } elsewhere)
            {
                rules.Add(elsewhere);
            }

            if (cells < 0m)
            {
                rules.Add(Issue.Error(IssueCodes.OutOfRange, "dose", $"Dose {cells} cells cannot be negative."));
            }

            if (weight is { } kg && kg is <= 0m or > 1000m)
            {
                rules.Add(Issue.Error(IssueCodes.OutOfRange, "weight", $"Weight {kg} kg must be above 0 and at most 1000 kg."));
            }

            if (from > db.Clock.GetUtcNow())
            {
                rules.Add(Issue.Error(IssueCodes.EventInFuture, "start", $"start {OdmExport.Text(from)} is in the future."));
            }

            if (cells >= 0m)
            {
                rules.AddRange(new InfusionRecord(eventKey, lot.LotNumber, component, from, stop, CellCount.Cells(cells),
                    weight is { } w and > 0m and <= 1000m ? BodyMass.FromKilograms(w) : null, pre, post, premedications, reactions).Validate().Where(i => i.IsError));
            }

            if (Refuse(rules, where))
            {
                return;
            }

            var infusion = new Infusion
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                EnrolmentId = enrolment!.Id,
                EventKey = eventKey,
                ComponentKey = component,
                LotId = lot.Id,
                InfusionDate = day,
                Start = from,
                Stop = stop,
                DoseCells = cells,
                WeightKg = weight,
                WeighedOn = weighed,
                PrecheckOutcome = precheck,
                EnteredLate = Boolean(values, OdmOids.InfusionLate, where) ?? false,
                LateEntryReason = Text(values, OdmOids.InfusionLateReason, where),
            };
            db.Infusions.Add(infusion);
            Stroma.Data.CellTherapy.Infusions.AddDetails(db, infusion.Id, pre, post, premedications, reactions);
            Refuse(await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false), where);
            Infusions++;
        }
    }
}
