using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Visits;

/// <summary>
/// A medication course to record at a visit: the drug as free text (Stroma keeps no drug list), its class, the dose as
/// prescribed with its UCUM unit, the frequency, for a glucocorticoid the prednisone-equivalent mg/day, and the dates.
/// </summary>
public sealed record MedicationRequest(Guid VisitId, MedicationClass Class, string Drug, decimal? Dose, string? DoseUnit, string? Frequency,
    decimal? PrednisoneEquivalentMgPerDay, DateOnly StartDate, DateOnly? StopDate = null);

/// <summary>
/// The one writer of <see cref="Medication"/> records (web visit page, <c>stroma medication</c>): adds a course at a
/// visit and records the stop date of a running course. Every issue is gathered (nothing is written when any refuses);
/// a course is added only at a visit that is not signed (<see cref="IssueCodes.VisitLocked"/>; <see cref="VisitLock"/>),
/// and a running course's stop date may be recorded after its visit was signed (the course ending later is a new event).
/// The audit trail records both through the interceptor; a stop carries its reason. Callers resolve the visit or the
/// course through the user's sites first, so another site's record is the same "not found" as a missing one.
/// </summary>
public static class VisitMedications
{
    /// <summary>Longest drug name and frequency kept.</summary>
    public const int MaxText = 200;

    /// <summary>Adds the course at its visit (for the visit's patient).</summary>
    public static async Task<CellTherapyResult<Medication>> AddAsync(StromaDbContext db, MedicationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var visit = await db.Visits.AsNoTracking().Where(v => v.Id == request.VisitId).Select(v => new { v.Id, v.PatientId }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (visit is null)
        {
            return Refusal.Of<Medication>([Issue.Error(IssueCodes.UnknownVisit, "visit", "The visit is not in the registry.")]);
        }

        var issues = new List<Issue>();
        if (await VisitLock.FindSignedAsync(db, visit.Id, cancellationToken).ConfigureAwait(false) is { } signed)
        {
            issues.Add(signed.Refusal("visit"));
        }

        issues.AddRange(Check(request.Class, request.Drug, request.Dose, request.DoseUnit, request.Frequency, request.PrednisoneEquivalentMgPerDay, request.StartDate, request.StopDate));
        var drug = request.Drug?.Trim() ?? "";
        var unit = string.IsNullOrWhiteSpace(request.DoseUnit) ? null : request.DoseUnit.Trim();
        var frequency = string.IsNullOrWhiteSpace(request.Frequency) ? null : request.Frequency.Trim();
        if (issues.Count > 0)
        {
            return Refusal.Of<Medication>(issues);
        }

        var medication = new Medication
        {
            Id = Guid.CreateVersion7(),
            PatientId = visit.PatientId,
            VisitId = visit.Id,
            Class = request.Class,
            Drug = drug,
            Dose = request.Dose,
            DoseUnit = unit,
            Frequency = frequency,
            PrednisoneEquivalentMgPerDay = request.PrednisoneEquivalentMgPerDay,
            StartDate = request.StartDate,
            StopDate = request.StopDate,
        };
        db.Medications.Add(medication);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<Medication>(medication, []);
    }

    /// <summary>
    /// The rules a course must meet wherever it comes from (a visit, <c>stroma import odm</c>): a drug name of 1 to
    /// <see cref="MaxText"/> characters, a positive dose with its unit (and no unit without a dose), a prednisone
    /// equivalent only for a glucocorticoid and not negative, a stop date not before the start. Every problem is returned.
    /// </summary>
    public static IReadOnlyList<Issue> Check(MedicationClass medicationClass, string? drugName, decimal? doseGiven, string? doseUnit, string? frequencyText,
        decimal? prednisoneEquivalent, DateOnly startDate, DateOnly? stopDate)
    {
        var issues = new List<Issue>();
        var drug = drugName?.Trim() ?? "";
        if (drug.Length == 0 || drug.Length > MaxText)
        {
            issues.Add(Issue.Error(IssueCodes.MedicationDrugMissing, "drug", drug.Length == 0
                ? "Give the drug's name (its INN, e.g. prednisone, mycophenolate mofetil)."
                : $"The drug's name has {drug.Length} characters; at most {MaxText} are kept."));
        }

        var unit = string.IsNullOrWhiteSpace(doseUnit) ? null : doseUnit.Trim();
        var frequency = string.IsNullOrWhiteSpace(frequencyText) ? null : frequencyText.Trim();
        if (doseGiven is { } dose && dose <= 0)
        {
            issues.Add(Issue.Error(IssueCodes.MedicationDoseInvalid, "dose", $"The dose {dose} is not a positive number."));
        }
        else if (doseGiven is not null && unit is null)
        {
            issues.Add(Issue.Error(IssueCodes.MedicationDoseInvalid, "doseUnit", $"The dose {doseGiven} has no unit: give its UCUM unit (e.g. mg, g)."));
        }
        else if (doseGiven is null && unit is not null)
        {
            issues.Add(Issue.Error(IssueCodes.MedicationDoseInvalid, "dose", $"The unit {unit} is given without a dose."));
        }

        if (unit is { Length: > 32 })
        {
            issues.Add(Issue.Error(IssueCodes.MedicationDoseInvalid, "doseUnit", $"The unit \"{unit[..32]}…\" is longer than a UCUM unit of a dose (32 characters)."));
        }

        if (frequency is { Length: > MaxText })
        {
            issues.Add(Issue.Error(IssueCodes.MedicationDrugMissing, "frequency", $"The frequency has {frequency.Length} characters; at most {MaxText} are kept."));
        }

        if (prednisoneEquivalent is { } pred && (pred < 0 || medicationClass != MedicationClass.Glucocorticoid))
        {
            issues.Add(Issue.Error(IssueCodes.MedicationDoseInvalid, "prednisoneEquivalent", pred < 0
                ? $"The prednisone-equivalent dose {pred} mg/day is negative."
                : "A prednisone-equivalent dose is kept for a glucocorticoid only."));
        }

        if (stopDate is { } stop && stop < startDate)
        {
            issues.Add(Issue.Error(IssueCodes.MedicationStopBeforeStart, "stopDate", $"The stop date {stop:yyyy-MM-dd} is before the start date {startDate:yyyy-MM-dd}."));
        }

        return issues;
    }

    /// <summary>
    /// Records the stop date of the running course <paramref name="medicationId"/> of <paramref name="patientId"/>, with
    /// <paramref name="reason"/> (why it stopped; the audit trail keeps it).
    /// </summary>
    public static async Task<CellTherapyResult<Medication>> StopAsync(StromaDbContext db, Guid patientId, Guid medicationId, DateOnly stop, string? reason,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var medication = await db.Medications.SingleOrDefaultAsync(m => m.Id == medicationId && m.PatientId == patientId, cancellationToken).ConfigureAwait(false);
        if (medication is null || medication.StopDate is not null)
        {
            return Refusal.Of<Medication>([Issue.Error(IssueCodes.MedicationNotRunning, "medication", medication is null
                ? "No medication course with this id is recorded for the patient."
                : $"The course of {medication.Drug} was already stopped on {medication.StopDate:yyyy-MM-dd}.")]);
        }

        var issues = new List<Issue>();
        if (stop < medication.StartDate)
        {
            issues.Add(Issue.Error(IssueCodes.MedicationStopBeforeStart, "stopDate", $"The stop date {stop:yyyy-MM-dd} is before the course's start date {medication.StartDate:yyyy-MM-dd}."));
        }

        if (medication.VisitId is { } visitId && await VisitLock.FindSignedAsync(db, visitId, cancellationToken).ConfigureAwait(false) is { } signed && stop <= signed.Date)
        {
            // The guard allows a later stop of a course recorded at a signed visit, not one on or before the signed visit's date.
            issues.Add(signed.Refusal("stopDate"));
        }

        if (issues.Count > 0)
        {
            return Refusal.Of<Medication>(issues);
        }

        medication.StopDate = stop;
        db.ChangeReason = string.IsNullOrWhiteSpace(reason) ? $"course stopped on {stop:yyyy-MM-dd}" : $"course stopped on {stop:yyyy-MM-dd}: {reason.Trim()}";
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<Medication>(medication, []);
    }
}
