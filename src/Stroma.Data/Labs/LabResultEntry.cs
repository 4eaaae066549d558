using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using Stroma.Data.Visits;

namespace Stroma.Data.Labs;

/// <summary>One result as entered: the analyte, the value, its unit and the laboratory's printed range.</summary>
public sealed record LabEntryValue(string Analyte, string Value, string? Unit, string? Range);

/// <summary>Results of one specimen of one patient, optionally at a visit and from one of the site's laboratories.</summary>
public sealed record LabEntryRequest(Guid PatientId, Guid? VisitId, Guid? LaboratoryId, DateTimeOffset SpecimenTime, IReadOnlyList<LabEntryValue> Values);

/// <summary>One entered result, normalised, with its own issues (errors refuse the whole entry; notes such as LAB010 do not).</summary>
public sealed record LabEntryResult(LabEntryValue Entered, LabNormalisation Normalised, IReadOnlyList<Issue> Issues);

/// <summary>
/// The outcome of <see cref="LabResultEntry.RecordAsync"/>: each value's normalisation and issues, and the issues
/// of the request itself (path <c>visit</c>, <c>laboratory</c>, <c>specimen_time</c>, <c>patient</c>).
/// </summary>
public sealed record LabEntryOutcome(IReadOnlyList<LabEntryResult> Results, IReadOnlyList<Issue> Issues, bool Saved);

/// <summary>
/// The use case that records lab results entered by a person (the web's lab entry): the patient's visit and
/// laboratory are checked, each value is normalised by the normaliser of every lab writer (<see cref="SiteLabRanges"/>:
/// the site laboratory's ranges, else the sourced defaults) with the laboratory id <c>SITE/LAB</c>, the specimen time
/// is checked for plausibility (<see cref="LabText.SpecimenTimeProblem"/>), a result already stored for the
/// patient, analyte and specimen time is refused (LAB013), a signed visit is locked (VIS001), and the rows are mapped by <see cref="LabResultRows.Fill"/>.
/// All values are checked before any is written: one error stores nothing. The audit interceptor stamps and audits
/// each row. Who may do this is the caller's decision (site access).
/// </summary>
public static class LabResultEntry
{
    public static async Task<LabEntryOutcome> RecordAsync(StromaDbContext db, ILabNormaliser normaliser, LabEntryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(normaliser);
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        var patient = await db.Patients.AsNoTracking().Where(p => p.Id == request.PatientId)
            .Select(p => new { p.SiteId, Site = p.Site!.Code, p.Sex, p.BirthYear, p.BirthDate }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (patient is null)
        {
            return new LabEntryOutcome([], [Issue.Error(IssueCodes.UnknownPatient, "patient", "The patient is not in the registry.")], false);
        }

        if (request.VisitId is { } visitId
            && !await db.Visits.AsNoTracking().AnyAsync(v => v.Id == visitId && v.PatientId == request.PatientId, cancellationToken).ConfigureAwait(false))
        {
            issues.Add(Issue.Error(IssueCodes.UnknownVisit, "visit", "The visit is not one of this patient's visits."));
        }
        else if (request.VisitId is { } lockedId && await VisitLock.FindSignedAsync(db, lockedId, cancellationToken).ConfigureAwait(false) is { } signed)
        {
            issues.Add(signed.Refusal("visit"));
        }

        string? rangeLab = null;
        if (request.LaboratoryId is { } labId)
        {
            var code = await db.Laboratories.AsNoTracking().Where(l => l.Id == labId && l.SiteId == patient.SiteId).Select(l => l.Code)
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (code is null)
            {
                issues.Add(Issue.Error(IssueCodes.UnknownLaboratory, "laboratory", "The laboratory is not one of the patient's site."));
            }
            else
            {
                rangeLab = SiteLabRanges.LabId(patient.Site, code);
            }
        }

        var birthYear = patient.BirthYear ?? patient.BirthDate?.Year;
        if (LabText.SpecimenTimeProblem(request.SpecimenTime, birthYear, db.Clock.GetUtcNow()) is { } implausible)
        {
            issues.Add(implausible);
        }

        if (request.Values.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.MissingItem, "value", "No result was entered."));
        }

        var results = new List<LabEntryResult>();
        foreach (var value in request.Values)
        {
            var normalised = normaliser.Normalise(new LabReport(value.Analyte, value.Value, value.Unit, value.Range, patient.Sex, birthYear, request.SpecimenTime) { LabId = rangeLab });
            results.Add(new LabEntryResult(value, normalised, normalised.Issues));
        }

        if (issues.Any(i => i.IsError) || results.Any(r => r.Issues.Any(i => i.IsError)))
        {
            return new LabEntryOutcome(results, issues, false);
        }

        var keys = results.Select(r => r.Normalised.Analyte).ToList();
        var existing = await db.LabResults.AsNoTracking()
            .Where(l => l.PatientId == request.PatientId && l.SpecimenTime == request.SpecimenTime && keys.Contains(l.Analyte))
            .Select(l => l.Analyte).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            results = [.. results.Select(r => existing.Contains(r.Normalised.Analyte)
                ? r with { Issues = [.. r.Issues, Issue.Error(IssueCodes.DuplicateLabResult, "value", $"A {r.Normalised.Analyte} result at this specimen time is already stored.")] }
                : r)];
            return new LabEntryOutcome(results, issues, false);
        }

        foreach (var r in results)
        {
            var row = new LabResult { Id = Guid.CreateVersion7() };
            LabResultRows.Fill(row, request.PatientId, request.VisitId, request.LaboratoryId, request.SpecimenTime, r.Entered.Value, r.Entered.Unit, r.Entered.Range, r.Normalised);
            db.LabResults.Add(row);
        }

        // The protocol's edit checks on the visit with these results (docs/data-quality.md "Save-time checks").
        var findings = await SaveChecks.RunAsync(db, cancellationToken).ConfigureAwait(false);
        issues.AddRange(findings);
        if (findings.Any(i => i.IsError))
        {
            return new LabEntryOutcome(results, issues, false);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new LabEntryOutcome(results, issues, true);
    }
}
