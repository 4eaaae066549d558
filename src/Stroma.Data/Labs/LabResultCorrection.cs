using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data.Quality;
using Stroma.Data.Visits;

namespace Stroma.Data.Labs;

/// <summary>A stored lab result's value, unit and printed range as they should have been, and why.</summary>
/// <param name="ResultId">The stored result (its id).</param>
/// <param name="Value">The corrected value as reported.</param>
/// <param name="Unit">The corrected unit as reported (null: none).</param>
/// <param name="Range">The corrected printed range (null: none).</param>
/// <param name="Reason">Why it is corrected; kept in the audit trail with the values it replaces.</param>
public sealed record LabCorrectionRequest(Guid ResultId, string Value, string? Unit, string? Range, string Reason);

/// <summary>A stored lab result found by its natural key: its id and what the laboratory reported.</summary>
public sealed record StoredLabResult(Guid Id, string Value, string? Unit);

/// <summary>
/// The outcome of <see cref="LabResultCorrection.CorrectAsync"/>: the corrected result's normalisation (null when the
/// result was not found), the issues, whether a change was saved, and the stored result's analyte.
/// </summary>
public sealed record LabCorrectionOutcome(LabNormalisation? Normalised, IReadOnlyList<Issue> Issues, bool Saved)
{
    /// <summary>True when the corrected value, unit and range equal the stored ones (nothing to change; <see cref="IssueCodes.LabCorrectionUnchanged"/>).</summary>
    public bool Unchanged { get; init; }
}

/// <summary>
/// The one path that corrects a stored lab result (docs/labs.md, "Correcting a stored result"): used by
/// <c>stroma labs correct</c> and by the HL7 import for a corrected result (OBX-11 C) of one already stored. The
/// result keeps its identity (patient, analyte, specimen time, visit, laboratory); its reported value, unit and range
/// are replaced and normalised again by the same normaliser and laboratory ranges as every lab writer
/// (<see cref="SiteLabRanges"/>), so the flag follows the corrected value. A correction needs a reason
/// (<see cref="IssueCodes.LabCorrectionWithoutReason"/>); the audit interceptor keeps the replaced values with it.
/// Nothing is changed under a signed visit (<see cref="IssueCodes.VisitLocked"/>). The protocol's edit checks run on
/// the corrected value as for a lab entry (<see cref="SaveChecks"/>: hard refuses, soft opens a query). Nothing is saved when
/// <c>save</c> is false (a caller that saves several changes in one transaction).
/// </summary>
public static class LabResultCorrection
{
    /// <summary>
    /// The stored results with a natural key (patient study id, analyte catalogue key, specimen time), optionally at one
    /// site: at most two, so a caller tells "none", "this one" and "more than one site's" apart.
    /// </summary>
    public static async Task<IReadOnlyList<StoredLabResult>> FindAsync(StromaDbContext db, string studyId, string analyte, DateTimeOffset specimenTime,
        Guid? siteId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var when = specimenTime.ToUniversalTime();
        var query = db.LabResults.AsNoTracking().Where(r => r.Patient!.StudyId == studyId && r.Analyte == analyte && r.SpecimenTime == when);
        if (siteId is { } site)
        {
            query = query.Where(r => r.Patient!.SiteId == site);
        }

        return await query.Select(r => new StoredLabResult(r.Id, r.ReportedValue, r.ReportedUnit)).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<LabCorrectionOutcome> CorrectAsync(StromaDbContext db, ILabNormaliser normaliser, LabCorrectionRequest request,
        bool save = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(normaliser);
        ArgumentNullException.ThrowIfNull(request);
        var row = await db.LabResults.SingleOrDefaultAsync(r => r.Id == request.ResultId, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return new LabCorrectionOutcome(null, [Issue.Error(IssueCodes.UnknownLabResult, "result", $"Lab result {request.ResultId} is not in the registry.")], false);
        }

        var patient = await db.Patients.AsNoTracking().Where(p => p.Id == row.PatientId)
            .Select(p => new { Site = p.Site!.Code, p.Sex, p.BirthYear, p.BirthDate }).SingleAsync(cancellationToken).ConfigureAwait(false);
        var issues = new List<Issue>();
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            issues.Add(Issue.Error(IssueCodes.LabCorrectionWithoutReason, "reason",
                $"A correction of the stored {row.Analyte} result needs the reason for it (kept in the audit trail with the values it replaces)."));
        }

        if (row.VisitId is { } visitId && await VisitLock.FindSignedAsync(db, visitId, cancellationToken).ConfigureAwait(false) is { } signed)
        {
            issues.Add(signed.Refusal("visit"));
        }

        string? rangeLab = null;
        if (row.LaboratoryId is { } labId)
        {
            var code = await db.Laboratories.AsNoTracking().Where(l => l.Id == labId).Select(l => l.Code).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            rangeLab = code is null ? null : SiteLabRanges.LabId(patient.Site, code);
        }

        var value = request.Value.Trim();
        var unit = Blank(request.Unit);
        var range = Blank(request.Range);
        var normalised = normaliser.Normalise(new LabReport(row.Analyte, value, unit, range, patient.Sex, patient.BirthYear ?? patient.BirthDate?.Year, row.SpecimenTime)
        {
            LabId = rangeLab,
        });
        issues.AddRange(normalised.Issues);
        if (issues.Any(i => i.IsError))
        {
            return new LabCorrectionOutcome(normalised, issues, false);
        }

        if (row.ReportedValue == value && row.ReportedUnit == unit && row.ReportedRange == range)
        {
            issues.Add(Issue.Info(IssueCodes.LabCorrectionUnchanged, "value",
                $"The stored {row.Analyte} result already reads {value}{(unit is null ? "" : " " + unit)}{(range is null ? "" : $" ({range})")}: nothing to correct."));
            return new LabCorrectionOutcome(normalised, issues, false) { Unchanged = true };
        }

        LabResultRows.Fill(row, row.PatientId, row.VisitId, row.LaboratoryId, row.SpecimenTime, value, unit, range, normalised);
        db.ChangeReason = request.Reason.Trim();
        // The protocol's edit checks on the visit with the corrected value, as for a lab entry (docs/data-quality.md,
        // "Save-time checks"): a hard finding refuses the correction (the row goes back to its stored values), a soft one
        // keeps it and adds a query, saved with it.
        var findings = await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false);
        issues.AddRange(findings);
        if (findings.Any(i => i.IsError))
        {
            db.ChangeReason = null;
            return new LabCorrectionOutcome(normalised, issues, false);
        }

        if (save)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return new LabCorrectionOutcome(normalised, issues, save);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
