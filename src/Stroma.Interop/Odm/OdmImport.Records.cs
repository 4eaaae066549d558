using System.Globalization;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using Stroma.Data.Visits;
using ModelAdverseEvent = Stroma.Data.Model.AdverseEvent;

namespace Stroma.Interop.Odm;

/// <summary>
/// Diagnoses (<c>F.DX</c>), medication courses (<c>F.CM</c>), adverse events (<c>F.AE</c>) and deaths (<c>F.DTH</c>) of
/// <see cref="OdmImport"/>.
/// Medication courses meet <see cref="VisitMedications.Check"/> (the writer's rules, <c>MED…</c> codes); a course inside a
/// visit's event is recorded at that visit, one under <see cref="OdmOids.NoVisit"/> without one (history, as the model
/// allows). Adverse events meet the registry's rules of <c>Stroma.Clinical.CellTherapy.AdverseEvent.Validate</c> that the
/// stored record can be checked against (a grade CTCAE v5.0 defines for its term, <c>AEV007</c>; resolution not before
/// onset, <c>AEV003</c>; a possibly, probably or definitely related event names its lot, <c>AEV004</c>), the protocol's
/// save-time checks, and a suspect lot must be in the registry (<see cref="IssueCodes.OdmLotNotInRegistry"/>). They are not
/// written through <c>FollowUps.RecordAdverseEventAsync</c>: that writer takes a complete CTCAE-graded event with its
/// category and outcome code, which a stored record need not have (the registry's seed and demo records are ungraded, with
/// causality and seriousness only); the late-entry flag and reason are kept as the file gives them (the records were entered
/// before, elsewhere). Diagnoses and deaths have no writer besides the demo: their items are checked against their types and
/// ranges, and a patient has at most one death.
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        public int Diagnoses { get; private set; }

        public int Medications { get; private set; }

        public int AdverseEvents { get; private set; }

        public int Deaths { get; private set; }

        /// <summary>Patients given a death by this file (the registry keeps one per patient).</summary>
        private readonly HashSet<Guid> deceased = [];

        /// <summary>Reads a diagnosis, medication, adverse-event or death form; false for any other form.</summary>
        private async Task<bool> ReadRecordFormAsync(XElement form, string formOid, Patient patient, Guid? visitId, string formWhere, CancellationToken cancellationToken)
        {
            switch (formOid)
            {
                case OdmOids.DiagnosisForm:
                    foreach (var (values, where, _) in RecordGroups(form, OdmOids.DiagnosisGroup, formWhere, DiagnosisItems))
                    {
                        AddDiagnosis(patient, values, where);
                    }

                    break;
                case OdmOids.MedicationForm:
                    foreach (var (values, where, _) in RecordGroups(form, OdmOids.MedicationGroup, formWhere, MedicationItems))
                    {
                        AddMedication(patient, visitId, values, where);
                    }

                    break;
                case OdmOids.AdverseEventForm:
                    foreach (var (values, where, repeatKey) in RecordGroups(form, OdmOids.AdverseEventGroup, formWhere, AdverseEventItems))
                    {
                        var added = await AddAdverseEventAsync(patient, values, where, cancellationToken).ConfigureAwait(false);
                        if (added is { } id && repeatKey is not null)
                        {
                            // A repeat key given twice names no one event: a contact naming it is refused.
                            adverseEventIds[repeatKey] = adverseEventIds.ContainsKey(repeatKey) ? null : id;
                        }
                    }

                    break;
                case OdmOids.EnrolmentForm:
                    foreach (var (values, where, _) in RecordGroups(form, OdmOids.EnrolmentGroup, formWhere, EnrolmentItems))
                    {
                        await AddEnrolmentAsync(patient, values, where, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case OdmOids.InfusionForm:
                    await AddInfusionAsync(patient, form, formWhere, cancellationToken).ConfigureAwait(false);
                    break;
                case OdmOids.ContactForm:
                    await AddContactAsync(patient, form, formWhere, cancellationToken).ConfigureAwait(false);
                    break;
                case OdmOids.LymphodepletionForm:
                    await AddLymphodepletionAsync(patient, form, formWhere, cancellationToken).ConfigureAwait(false);
                    break;
                case OdmOids.ScheduleForm:
                    await AddScheduleAsync(patient, form, formWhere, cancellationToken).ConfigureAwait(false);
                    break;
                case OdmOids.DeviationForm:
                    await AddDeviationAsync(patient, form, formWhere, cancellationToken).ConfigureAwait(false);
                    break;
                case OdmOids.QueryForm:
                    await AddQueryAsync(patient, form, formWhere, cancellationToken).ConfigureAwait(false);
                    break;
                case OdmOids.DeathForm:
                    foreach (var (values, where, _) in RecordGroups(form, OdmOids.DeathGroup, formWhere, DeathItems))
                    {
                        AddDeath(patient, values, where);
                    }

                    break;
                default:
                    return false;
            }

            if (!Issues.Any(i => i.IsError))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        private static readonly HashSet<string> DiagnosisItems = new(
        [
            OdmOids.DiagnosisKind, OdmOids.DiagnosisDate, OdmOids.DiagnosisCriteria, OdmOids.DiagnosisCriteriaMet, OdmOids.DiagnosisCriteriaScore,
            OdmOids.DiagnosisIsnRpsClass, OdmOids.DiagnosisActivityIndex, OdmOids.DiagnosisChronicityIndex, OdmOids.DiagnosisNotes,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> MedicationItems = new(
        [
            OdmOids.MedicationClass, OdmOids.MedicationDrug, OdmOids.MedicationDose, OdmOids.MedicationDoseUnit, OdmOids.MedicationFrequency,
            OdmOids.MedicationPrednisone, OdmOids.MedicationStart, OdmOids.MedicationStop,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> AdverseEventItems = new(
        [
            OdmOids.AdverseEventTerm, OdmOids.AdverseEventMeddra, OdmOids.AdverseEventGrade, OdmOids.AdverseEventOnset, OdmOids.AdverseEventResolution,
            OdmOids.AdverseEventSerious, .. SeriousnessCriteriaCodes.All.Select(c => OdmOids.AdverseEventCriterion(c.Code)), OdmOids.AdverseEventCausality,
            OdmOids.AdverseEventExpectedness, OdmOids.AdverseEventOutcome, OdmOids.AdverseEventLot, OdmOids.AdverseEventLate, OdmOids.AdverseEventLateReason,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> DeathItems = new([OdmOids.DeathDate, OdmOids.DeathCause, OdmOids.DeathCausality], StringComparer.Ordinal);

        /// <summary>Each item group of the form with its values and repeat key; an item group or item the mapping does not read is an error.</summary>
        private IEnumerable<(Dictionary<string, string?> Values, string Where, string? RepeatKey)> RecordGroups(XElement form, string group, string formWhere, HashSet<string> known)
        {
            foreach (var element in form.Elements(Odm + "ItemGroupData"))
            {
                var where = $"{formWhere}/ItemGroupData[@ItemGroupRepeatKey='{(string?)element.Attribute("ItemGroupRepeatKey")}']";
                if ((string?)element.Attribute("ItemGroupOID") != group)
                {
                    Error(IssueCodes.OdmUnknownOid, where, $"the form's item groups are {group}; got \"{(string?)element.Attribute("ItemGroupOID")}\".");
                    continue;
                }

                var values = Values(element, where);
                foreach (var oid in values.Keys.Where(k => !known.Contains(k)))
                {
                    Error(IssueCodes.OdmUnknownOid, $"{where}/ItemData[@ItemOID='{oid}']", $"not an item of {group} in Stroma's mapping.");
                }

                yield return (values, where, (string?)element.Attribute("ItemGroupRepeatKey"));
            }
        }

        private static string At(string where, string oid) => $"{where}/ItemData[@ItemOID='{oid}']";

        private string? Text(Dictionary<string, string?> values, string oid, string where, bool required = false)
        {
            var text = values.GetValueOrDefault(oid);
            if (required && string.IsNullOrWhiteSpace(text))
            {
                Error(IssueCodes.OdmMissing, At(where, oid), "this item is required.");
            }

            return string.IsNullOrEmpty(text) ? null : text;
        }

        private T? Code<T>(Dictionary<string, string?> values, string oid, string where, (T Value, string Code, string Decode)[] codes, string codeList, bool required = false)
            where T : struct, Enum
        {
            if (Text(values, oid, where, required) is not { } text)
            {
                return null;
            }

            foreach (var (value, code, _) in codes)
            {
                if (code == text)
                {
                    return value;
                }
            }

            Error(IssueCodes.OdmBadValue, At(where, oid), $"\"{text}\" is not a code of {codeList} ({string.Join(", ", codes.Select(c => c.Code))}).");
            return null;
        }

        private bool? Boolean(Dictionary<string, string?> values, string oid, string where)
        {
            switch (values.GetValueOrDefault(oid))
            {
                case null or "":
                    return null;
                case "true" or "1":
                    return true;
                case "false" or "0":
                    return false;
                case var other:
                    Error(IssueCodes.OdmBadValue, At(where, oid), $"\"{other}\" is not a boolean (true, false, 1 or 0).");
                    return null;
            }
        }

        private decimal? Number(Dictionary<string, string?> values, string oid, string where)
        {
            if (values.GetValueOrDefault(oid) is not { Length: > 0 } text)
            {
                return null;
            }

            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            Error(IssueCodes.OdmBadValue, At(where, oid), $"\"{text}\" is not a number (float).");
            return null;
        }

        private int? Integer(Dictionary<string, string?> values, string oid, string where, int min, int max)
        {
            if (values.GetValueOrDefault(oid) is not { Length: > 0 } text)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            {
                return number;
            }

            Error(IssueCodes.OdmBadValue, At(where, oid), $"\"{text}\" is not a whole number from {min} to {max}.");
            return null;
        }

        /// <summary>The registry's own issues for one record, placed in the file.</summary>
        private bool Refuse(IEnumerable<Issue> found, string where)
        {
            var errors = found.Where(i => i.IsError).ToList();
            Add(errors, where);
            return errors.Count > 0;
        }

        private void AddDiagnosis(Patient patient, Dictionary<string, string?> values, string where)
        {
            var before = Issues.Count(i => i.IsError);
            var kind = Code(values, OdmOids.DiagnosisKind, where, OdmExport.DiagnosisKinds, OdmOids.DiagnosisKindCodes, required: true);
            var date = Date(values, OdmOids.DiagnosisDate, where, required: true);
            var diagnosis = new Diagnosis
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                Criteria = Text(values, OdmOids.DiagnosisCriteria, where),
                CriteriaMet = Boolean(values, OdmOids.DiagnosisCriteriaMet, where),
                CriteriaScore = Number(values, OdmOids.DiagnosisCriteriaScore, where),
                IsnRpsClass = Text(values, OdmOids.DiagnosisIsnRpsClass, where),
                // The NIH activity (0–24) and chronicity (0–12) indices' ranges, as the model documents them.
                ActivityIndex = Integer(values, OdmOids.DiagnosisActivityIndex, where, 0, 24),
                ChronicityIndex = Integer(values, OdmOids.DiagnosisChronicityIndex, where, 0, 12),
                Notes = Text(values, OdmOids.DiagnosisNotes, where),
            };
            if (kind is not { } k || date is not { } d || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            diagnosis.Kind = k;
            diagnosis.DiagnosisDate = d;
            db.Diagnoses.Add(diagnosis);
            Diagnoses++;
        }

        private void AddMedication(Patient patient, Guid? visitId, Dictionary<string, string?> values, string where)
        {
            var before = Issues.Count(i => i.IsError);
            var medicationClass = Code(values, OdmOids.MedicationClass, where, OdmExport.MedicationClasses, OdmOids.MedicationClassCodes, required: true);
            var drug = Text(values, OdmOids.MedicationDrug, where);
            var dose = Number(values, OdmOids.MedicationDose, where);
            var unit = Text(values, OdmOids.MedicationDoseUnit, where);
            var frequency = Text(values, OdmOids.MedicationFrequency, where);
            var prednisone = Number(values, OdmOids.MedicationPrednisone, where);
            var start = Date(values, OdmOids.MedicationStart, where, required: true);
            var stop = Date(values, OdmOids.MedicationStop, where);
            if (medicationClass is not { } c || start is not { } s || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            if (Refuse(VisitMedications.Check(c, drug, dose, unit, frequency, prednisone, s, stop), where))
            {
                return;
            }

            db.Medications.Add(new Medication
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                VisitId = visitId,
                Class = c,
                Drug = drug!.Trim(),
                Dose = dose,
                DoseUnit = unit?.Trim(),
                Frequency = frequency?.Trim(),
                PrednisoneEquivalentMgPerDay = prednisone,
                StartDate = s,
                StopDate = stop,
            });
            Medications++;
        }

        /// <summary>A death: its date and causality required, at most one per patient (as the registry's unique index holds).</summary>
        private void AddDeath(Patient patient, Dictionary<string, string?> values, string where)
        {
            var before = Issues.Count(i => i.IsError);
            var date = Date(values, OdmOids.DeathDate, where, required: true);
            var causality = Code(values, OdmOids.DeathCausality, where, OdmExport.Causalities, OdmOids.CausalityCodes, required: true);
            var cause = Text(values, OdmOids.DeathCause, where)?.Trim();
            if (date is not { } d || causality is not { } c || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            if (!deceased.Add(patient.Id))
            {
                Error(IssueCodes.OdmBadValue, where, $"a second death for {patient.StudyId}: a patient has one date of death.");
                return;
            }

            db.Deaths.Add(new Death { Id = Guid.CreateVersion7(), PatientId = patient.Id, DeathDate = d, Cause = cause, Causality = c });
            Deaths++;
        }

        /// <returns>The id of the adverse event added; null when it was refused.</returns>
        private async Task<Guid?> AddAdverseEventAsync(Patient patient, Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var term = Text(values, OdmOids.AdverseEventTerm, where, required: true)?.Trim();
            var onset = Date(values, OdmOids.AdverseEventOnset, where, required: true);
            var resolution = Date(values, OdmOids.AdverseEventResolution, where);
            var grade = Integer(values, OdmOids.AdverseEventGrade, where, 1, 5);
            var serious = Boolean(values, OdmOids.AdverseEventSerious, where);
            var causality = Code(values, OdmOids.AdverseEventCausality, where, OdmExport.Causalities, OdmOids.CausalityCodes, required: true);
            var expectedness = Code(values, OdmOids.AdverseEventExpectedness, where, OdmExport.Expectednesses, OdmOids.ExpectednessCodes);
            SeriousnessCriteria? criteria = null;
            foreach (var (flag, code, _) in SeriousnessCriteriaCodes.All)
            {
                if (Boolean(values, OdmOids.AdverseEventCriterion(code), where) is { } met)
                {
                    criteria = (criteria ?? SeriousnessCriteria.None) | (met ? flag : SeriousnessCriteria.None);
                }
            }

            var lotNumber = Text(values, OdmOids.AdverseEventLot, where)?.Trim();
            var late = Boolean(values, OdmOids.AdverseEventLate, where) ?? false;
            if (term is null || onset is not { } start || causality is not { } related || Issues.Count(i => i.IsError) > before)
            {
                return null;
            }

            var ctcae = CtcaeV5.Find(term);
            if (values.GetValueOrDefault(OdmOids.AdverseEventMeddra) is { Length: > 0 } meddra && meddra != ctcae?.MeddraCode)
            {
                Error(IssueCodes.OdmScoreMismatch, At(where, OdmOids.AdverseEventMeddra), ctcae is null
                    ? $"the file gives MedDRA code {meddra}, but \"{term}\" is not a CTCAE v{CtcaeV5.Version} term, so Stroma gives it no code."
                    : $"the file gives MedDRA code {meddra}; CTCAE v{CtcaeV5.Version} gives {ctcae.MeddraCode} for {ctcae.Term}.");
            }

            if (criteria is { } assessed && serious is { } flagged && flagged != (assessed != SeriousnessCriteria.None))
            {
                Error(IssueCodes.OdmBadValue, At(where, OdmOids.AdverseEventSerious),
                    $"serious is {(flagged ? "true" : "false")} but the seriousness criteria given are {(assessed == SeriousnessCriteria.None ? "none" : "met")}: an event is serious exactly when a criterion is met (ICH E2A).");
            }

            // The rules of the clinical adverse event (Stroma.Clinical.CellTherapy.AdverseEvent.Validate) that a stored record can be checked against.
            var rules = new List<Issue>();
            if (grade is { } g && ctcae is not null && !ctcae.Allows((CtcaeGrade)g))
            {
                rules.Add(Issue.Error(IssueCodes.GradeNotDefinedForTerm, "grade",
                    $"CTCAE v{CtcaeV5.Version} defines no grade {g} for {ctcae.Term} (MedDRA {ctcae.MeddraCode}): its grades are {string.Join(", ", ctcae.Grades.Select(x => (int)x))}."));
            }

            if (resolution is { } r && r < start)
            {
                rules.Add(Issue.Error(IssueCodes.AdverseEventDatesInconsistent, "resolved", $"Resolved {r:yyyy-MM-dd} before onset {start:yyyy-MM-dd}."));
            }

            if (related is Causality.Possible or Causality.Probable or Causality.Definite && lotNumber is null)
            {
                rules.Add(Issue.Error(IssueCodes.RelatedWithoutLot, "suspect_lot_id", $"The event is {related} related to the product: name the lot."));
            }

            Guid? lotId = null;
            if (lotNumber is not null)
            {
                lotId = await db.CellLots.AsNoTracking().Where(l => l.LotNumber == lotNumber).Select(l => (Guid?)l.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (lotId is null)
                {
                    Error(IssueCodes.OdmLotNotInRegistry, At(where, OdmOids.AdverseEventLot),
                        $"the suspect lot \"{lotNumber}\" is neither in the registry nor registered by the file's ReferenceData (IG.LOT).");
                }
            }

            if (Refuse(rules, where) || Issues.Count(i => i.IsError) > before)
            {
                return null;
            }

            var record = new ModelAdverseEvent
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                Term = term,
                OnsetDate = start,
                ResolutionDate = resolution,
                CtcaeGrade = grade,
                Serious = serious ?? criteria is { } c && c != SeriousnessCriteria.None,
                SeriousnessCriteria = criteria,
                Causality = related,
                Expectedness = expectedness,
                Outcome = Text(values, OdmOids.AdverseEventOutcome, where),
                LotId = lotId,
                EnteredLate = late,
                LateEntryReason = Text(values, OdmOids.AdverseEventLateReason, where),
            };
            db.AdverseEvents.Add(record);
            Refuse(await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false), where);
            AdverseEvents++;
            return record.Id;
        }
    }
}
