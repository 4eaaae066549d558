using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Labs;

namespace Stroma.Interop.Fhir;

/// <summary>One Observation to load, with the FHIRPath of where it sits in the request (for the issues).</summary>
public sealed record FhirLabInput(string Path, Observation Observation);

/// <summary>How a stored (or already stored) lab result of the request ended: its id, and whether this request created it.</summary>
public sealed record FhirLabStored(Guid Id, bool Created);

/// <summary>Why a request stored nothing, as an HTTP status: the caller maps it.</summary>
public enum FhirLabRefusal
{
    /// <summary>Stored (or found already stored).</summary>
    None,

    /// <summary>A subject that is not a patient the user may read (or does not exist): 404, as the pages answer.</summary>
    NotFound,

    /// <summary>A patient the user may read but whose labs they may not enter: 403.</summary>
    Forbidden,

    /// <summary>The Observations cannot be loaded (a missing element, an unknown code, a unit across dimensions, a signed visit): 422.</summary>
    Unprocessable,
}

/// <summary>How a request of one or more Observations ended: the stored results in request order, or the refusal and its issues.</summary>
public sealed record FhirLabImportResult(FhirLabRefusal Refusal, IReadOnlyList<Issue> Issues, IReadOnlyList<FhirLabStored> Stored);

/// <summary>
/// Lab results in through FHIR (<c>POST /fhir/Observation</c>, a transaction Bundle of Observations; docs/interop.md,
/// "FHIR lab results in"): each Observation becomes the row a <c>stroma import labs</c> file holds and goes through the
/// one lab path (<see cref="LabImport.RunRowsAsync"/>: the catalogue by LOINC code, UCUM units, the range and flags,
/// the duplicate rule, the rejects, the save-time checks and the signed-visit lock), all Observations of a request in
/// one transaction: any problem stores nothing. The mapping: <c>subject</c> <c>Patient/{id}</c> (a patient of a site
/// where the user may enter lab results); <c>code</c> a LOINC coding (<c>http://loinc.org</c>) or Stroma's analyte key
/// (<c>urn:stroma:analyte</c>); <c>valueQuantity</c> (value, <c>comparator</c>, the UCUM <c>code</c> or else <c>unit</c>)
/// or <c>valueString</c>; <c>effectiveDateTime</c> with a time and UTC offset (the specimen time); <c>referenceRange</c>
/// (<c>low</c>/<c>high</c>, else its <c>text</c>); <c>encounter</c> <c>Encounter/{visit id}</c> (optional: the visit,
/// whose signature locks it); <c>status</c> final (a correction of a stored result has its own path, with a reason);
/// <c>note</c> the laboratory's comments.
/// </summary>
public static class FhirLabImport
{
    public static async Task<FhirLabImportResult> ImportAsync(StromaDbContext db, UserAccess access, IReadOnlyList<FhirLabInput> inputs, ILabNormaliser normaliser,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(normaliser);
        var issues = new List<Issue>();
        var read = inputs.Select(i => Read(i, issues)).ToList();

        // The subjects: readable patients (else 404, as a page would answer), with lab entry at their site (else 403).
        var subjectIds = read.Where(r => r.Patient is not null).Select(r => r.Patient!.Value).Distinct().ToList();
        var patients = await db.PatientsFor(access, Capability.ReadClinical).AsNoTracking().Where(p => subjectIds.Contains(p.Id))
            .Select(p => new { p.Id, p.SiteId, Site = p.Site!.Code, p.StudyId }).ToDictionaryAsync(p => p.Id, cancellationToken).ConfigureAwait(false);
        var unknown = read.Where(r => r.Patient is { } id && !patients.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            return new FhirLabImportResult(FhirLabRefusal.NotFound, [.. unknown.Select(r => Issue.Error("", r.Input.Path + ".subject",
                $"Patient/{r.Patient} is not a patient you may read."))], []);
        }

        var notPermitted = read.Where(r => r.Patient is { } id && !access.Can(Capability.EditClinical, patients[id].SiteId)).ToList();
        if (notPermitted.Count > 0)
        {
            return new FhirLabImportResult(FhirLabRefusal.Forbidden, [.. notPermitted.Select(r => Issue.Error("", r.Input.Path + ".subject",
                $"Your roles do not include entering lab results at site {patients[r.Patient!.Value].Site}."))], []);
        }

        // The visit named by `encounter`: one of the subject's visits; its date goes in the row, so its signature locks it.
        var visitIds = read.Where(r => r.Visit is not null).Select(r => r.Visit!.Value).Distinct().ToList();
        var visits = await db.Visits.AsNoTracking().Where(v => visitIds.Contains(v.Id)).Select(v => new { v.Id, v.PatientId, v.VisitDate })
            .ToDictionaryAsync(v => v.Id, cancellationToken).ConfigureAwait(false);
        foreach (var r in read.Where(r => r.Visit is { } v && (!visits.TryGetValue(v, out var visit) || visit.PatientId != r.Patient)))
        {
            issues.Add(Issue.Error(IssueCodes.FhirUnloadable, r.Input.Path + ".encounter", $"Encounter/{r.Visit} is not a visit of the subject Patient/{r.Patient}."));
        }

        if (issues.Count > 0)
        {
            return new FhirLabImportResult(FhirLabRefusal.Unprocessable, issues, []);
        }

        var rows = read.Select(r =>
        {
            var patient = patients[r.Patient!.Value];
            var visitDate = r.Visit is { } v ? visits[v].VisitDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
            return (Read: r, Site: patient.Site, SiteId: patient.SiteId, Row: new LabImportRow(patient.Site, patient.StudyId, visitDate, r.Analyte!, r.Value!, r.Unit, r.Range, null, r.Time!)
            {
                Note = r.Note,
            });
        }).ToList();

        // Already stored (the same patient, analyte and specimen time): the import skips it as a duplicate; the answer names it.
        var existing = new Dictionary<int, Guid>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (await StoredAsync(db, rows[i].Read.Patient!.Value, rows[i].Row, cancellationToken).ConfigureAwait(false) is { } id)
            {
                existing[i] = id;
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var group in rows.Select((r, index) => (r, index)).GroupBy(x => x.r.Site, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var rejects = new List<LabImportReject>();
            var result = await LabImport.RunRowsAsync(db, [.. members.Select(m => m.r.Row)], $"fhir {group.Key}", normaliser, new LabImportOptions
            {
                OnlySite = group.Key,
                Rejects = rejects,
                RangeLabId = SiteLabRanges.LabId,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var reject in rejects)
            {
                var path = members[(int)reject.Line - 2].r.Read.Input.Path;
                issues.Add(reject.Issue with { Path = path + Element(reject.Field) });
            }

            if (!result.Committed && rejects.Count == 0)
            {
                issues.AddRange(result.FileIssues);
            }
        }

        if (issues.Any(i => i.IsError))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new FhirLabImportResult(FhirLabRefusal.Unprocessable, issues, []);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var stored = new List<FhirLabStored>();
        for (var i = 0; i < rows.Count; i++)
        {
            stored.Add(existing.TryGetValue(i, out var id)
                ? new FhirLabStored(id, false)
                : new FhirLabStored((await StoredAsync(db, rows[i].Read.Patient!.Value, rows[i].Row, cancellationToken).ConfigureAwait(false))!.Value, true));
        }

        return new FhirLabImportResult(FhirLabRefusal.None, issues, stored);
    }

    private sealed record ReadObservation(FhirLabInput Input, Guid? Patient, Guid? Visit, string? Analyte, string? Value, string? Unit, string? Range, string? Time, string? Note);

    /// <summary>The row's fields from the Observation; a missing or unusable element is an issue naming it.</summary>
    private static ReadObservation Read(FhirLabInput input, List<Issue> issues)
    {
        var o = input.Observation;
        var at = input.Path;
        if (o.Status is not ObservationStatus.Final)
        {
            issues.Add(Issue.Error(IssueCodes.FhirUnloadable, at + ".status", $"status is \"{o.Status?.ToString().ToLowerInvariant() ?? "(none)"}\": "
                + "Stroma loads final results here; a correction of a stored result goes through stroma labs correct or an HL7 corrected result (OBX-11 C)."));
        }

        var patient = Reference(o.Subject?.Reference, "Patient");
        if (patient is null)
        {
            issues.Add(Issue.Error(IssueCodes.FhirUnloadable, at + ".subject", $"subject \"{o.Subject?.Reference ?? ""}\" is not a reference Patient/{{id}} to a registry patient."));
        }

        Guid? visit = null;
        if (o.Encounter?.Reference is { Length: > 0 } encounter)
        {
            visit = Reference(encounter, "Encounter");
            if (visit is null)
            {
                issues.Add(Issue.Error(IssueCodes.FhirUnloadable, at + ".encounter", $"encounter \"{encounter}\" is not a reference Encounter/{{id}} to a visit."));
            }
        }

        var coding = o.Code?.Coding ?? [];
        var analyte = coding.FirstOrDefault(c => c.System == FhirSystems.Loinc && !string.IsNullOrWhiteSpace(c.Code))?.Code
            ?? coding.FirstOrDefault(c => c.System == FhirSystems.Analyte && !string.IsNullOrWhiteSpace(c.Code))?.Code;
        if (analyte is null)
        {
            issues.Add(Issue.Error(IssueCodes.FhirUnloadable, at + ".code",
                $"code has no LOINC coding (system {FhirSystems.Loinc}) nor a Stroma analyte key (system {FhirSystems.Analyte})."));
        }

        string? value = null, unit = null;
        switch (o.Value)
        {
            case Quantity { Value: { } number } quantity:
                value = Comparator(quantity.Comparator) + number.ToString(CultureInfo.InvariantCulture);
                unit = quantity.Code is { Length: > 0 } code && (quantity.System is null || quantity.System == FhirSystems.Ucum) ? code : quantity.Unit;
                if (unit is null or "")
                {
                    issues.Add(Issue.Error(IssueCodes.FhirUnloadable, at + ".valueQuantity.code", "valueQuantity has no unit: give the UCUM code (system http://unitsofmeasure.org)."));
                }

                break;
            case FhirString { Value: { Length: > 0 } text }:
                value = text;
                break;
            default:
                issues.Add(Issue.Error(IssueCodes.FhirUnloadable, at + ".value[x]", "The Observation has no valueQuantity (with a value) or valueString."));
                break;
        }

        string? time = null;
        if (o.Effective is FhirDateTime { Value: { Length: > 0 } effective })
        {
            time = effective;
        }
        else
        {
            issues.Add(Issue.Error(IssueCodes.FhirUnloadable, at + ".effectiveDateTime", "effectiveDateTime (the specimen time, with a time and UTC offset) is missing."));
        }

        string? range = null;
        if (o.ReferenceRange.FirstOrDefault() is { } referenceRange)
        {
            var low = referenceRange.Low?.Value?.ToString(CultureInfo.InvariantCulture);
            var high = referenceRange.High?.Value?.ToString(CultureInfo.InvariantCulture);
            range = (low, high) switch
            {
                ({ } l, { } h) => $"{l}-{h}",
                (null, { } h) => $"<{h}",
                ({ } l, null) => $">{l}",
                _ => referenceRange.Text is { Length: > 0 } text ? text : null,
            };
        }

        var notes = o.Note.Select(n => n.Text?.Trim()).Where(t => !string.IsNullOrEmpty(t)).ToList();
        var note = notes.Count > 0 ? string.Join("\n", notes) : null;
        return new ReadObservation(input, patient, visit, analyte, value, unit, range, time, note);
    }

    private static Guid? Reference(string? reference, string type) =>
        reference is { } r && r.StartsWith(type + "/", StringComparison.Ordinal) && Guid.TryParseExact(r[(type.Length + 1)..], "D", out var id) ? id : null;

    private static string Comparator(Quantity.QuantityComparator? comparator) => comparator switch
    {
        Quantity.QuantityComparator.LessThan => "<",
        Quantity.QuantityComparator.LessOrEqual => "<=",
        Quantity.QuantityComparator.GreaterOrEqual => ">=",
        Quantity.QuantityComparator.GreaterThan => ">",
        _ => "",
    };

    /// <summary>The Observation element a lab import column came from.</summary>
    private static string Element(string column) => column switch
    {
        "analyte" => ".code",
        "value" => ".value[x]",
        "unit" => ".valueQuantity.code",
        "range" => ".referenceRange",
        "specimen_time" => ".effectiveDateTime",
        "visit_date" => ".encounter",
        "patient" or "site" => ".subject",
        _ => "",
    };

    /// <summary>The stored result with the row's natural key (patient, catalogue analyte, specimen time), if any.</summary>
    private static async Task<Guid?> StoredAsync(StromaDbContext db, Guid patientId, LabImportRow row, CancellationToken cancellationToken)
    {
        var parsed = Clinical.Time.InstantPattern.Parse(row.SpecimenTime, "specimen_time");
        if (Stroma.Clinical.Labs.AnalyteCatalog.Find(row.Analyte) is not { } analyte || !parsed.Success)
        {
            return null;
        }

        var (key, time) = (analyte.Key, parsed.Value.ToUniversalTime());
        var ids = await db.LabResults.AsNoTracking().Where(l => l.PatientId == patientId && l.Analyte == key && l.SpecimenTime == time)
            .Select(l => l.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return ids.Count > 0 ? ids[0] : null;
    }
}
