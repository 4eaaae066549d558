using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;
using Stroma.Data;
using Stroma.Data.Model;
using ModelPatient = Stroma.Data.Model.Patient;

namespace Stroma.Interop.Fhir;

/// <summary>
/// A search as the FHIR API reads it (FHIR R4 3.1.1 "Search"): <c>patient</c> (an id or <c>Patient/id</c>), <c>code</c>
/// (a token, <c>system|code</c> or <c>code</c>), <c>date</c> (repeatable, with a prefix <c>eq</c>, <c>ge</c>, <c>gt</c>,
/// <c>le</c>, <c>lt</c> on a date of year, month or day precision; <c>recorded-date</c> on Condition, <c>authored</c> on
/// QuestionnaireResponse), <c>_count</c> (1 to 1000, default 100) and <c>_offset</c>.
/// </summary>
public sealed record FhirSearch(Guid? Patient, string? Code, DateOnly? From, DateOnly? Until, int Count, int Offset)
{
    /// <summary>The parameters each type supports besides <c>_count</c> and <c>_offset</c>.</summary>
    public static IReadOnlyDictionary<string, string[]> Parameters { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Patient"] = ["_id"],
        ["Observation"] = ["patient", "code", "date"],
        ["Condition"] = ["patient", "code", "recorded-date"],
        ["Procedure"] = ["patient", "date"],
        ["AdverseEvent"] = ["patient", "date"],
        ["BiologicallyDerivedProduct"] = [],
        ["ResearchSubject"] = ["patient"],
        ["Consent"] = ["patient"],
        ["ResearchStudy"] = [],
        ["Questionnaire"] = [],
        ["QuestionnaireResponse"] = ["patient", "authored"],
    };

    /// <summary>Reads the query string; every problem is an issue (FHR001 to FHR003).</summary>
    public static (FhirSearch? Search, IReadOnlyList<Issue> Issues) Parse(string type, IEnumerable<KeyValuePair<string, string[]>> query)
    {
        var issues = new List<Issue>();
        if (!Parameters.TryGetValue(type, out var supported))
        {
            return (null, [Issue.Error(IssueCodes.FhirUnknownType, type, $"The FHIR API does not serve {type}; it serves {string.Join(", ", Parameters.Keys)}.")]);
        }

        Guid? patient = null;
        string? code = null;
        DateOnly? from = null, until = null;
        int count = 100, offset = 0;
        foreach (var (name, values) in query)
        {
            foreach (var value in values)
            {
                switch (name)
                {
                    case "_count" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 1000:
                        count = c;
                        break;
                    case "_offset" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var o):
                        offset = o;
                        break;
                    case "_count" or "_offset":
                        issues.Add(Issue.Error(IssueCodes.FhirBadValue, name, $"{name}={value}: expected a whole number ({(name == "_count" ? "1 to 1000" : "0 or more")})."));
                        break;
                    case "_format":
                        break;
                    case "patient" or "_id" when supported.Contains(name):
                        var id = value.StartsWith("Patient/", StringComparison.Ordinal) ? value["Patient/".Length..] : value;
                        if (Guid.TryParseExact(id, "D", out var g))
                        {
                            patient = g;
                        }
                        else
                        {
                            issues.Add(Issue.Error(IssueCodes.FhirBadValue, name, $"{name}={value}: expected a patient id (a UUID) or Patient/id."));
                        }

                        break;
                    case "code" when supported.Contains(name):
                        code = value.Contains('|', StringComparison.Ordinal) ? value[(value.IndexOf('|', StringComparison.Ordinal) + 1)..] : value;
                        break;
                    case "date" or "recorded-date" or "authored" when supported.Contains(name):
                        if (DateRange(value) is var (start, end, prefix))
                        {
                            // eq: the whole period; ge/gt from its start/end; le/lt until its end/start.
                            (DateOnly? From, DateOnly? Until) bounds = prefix switch
                            {
                                "ge" => (Later(from, start), until),
                                "gt" => (Later(from, end.AddDays(1)), until),
                                "le" => (from, Earlier(until, end)),
                                "lt" => (from, Earlier(until, start.AddDays(-1))),
                                _ => (Later(from, start), Earlier(until, end)),
                            };
                            (from, until) = bounds;
                        }
                        else
                        {
                            issues.Add(Issue.Error(IssueCodes.FhirBadValue, name, $"{name}={value}: expected YYYY, YYYY-MM or YYYY-MM-DD, optionally after eq, ge, gt, le or lt."));
                        }

                        break;
                    default:
                        issues.Add(Issue.Error(IssueCodes.FhirUnsupportedParameter, name,
                            $"{type} search does not support '{name}'; it supports {string.Join(", ", supported.Append("_count").Append("_offset"))}."));
                        break;
                }
            }
        }

        return issues.Count > 0 ? (null, issues) : (new FhirSearch(patient, code, from, until, count, offset), []);
    }

    private static DateOnly Later(DateOnly? a, DateOnly b) => a is { } x && x > b ? x : b;

    private static DateOnly Earlier(DateOnly? a, DateOnly b) => a is { } x && x < b ? x : b;

    private static (DateOnly Start, DateOnly End, string Prefix)? DateRange(string value)
    {
        var prefix = value.Length > 2 && char.IsLetter(value[0]) ? value[..2] : "eq";
        var text = value.Length > 2 && char.IsLetter(value[0]) ? value[2..] : value;
        if (prefix is not ("eq" or "ge" or "gt" or "le" or "lt"))
        {
            return null;
        }

        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year >= 1)
        {
            return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), prefix);
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return (month, month.AddMonths(1).AddDays(-1), prefix);
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? (day, day, prefix) : null;
    }
}

/// <summary>
/// Reads and searches the registry as FHIR resources (identifiable, the registry's ids) within a set of readable
/// patients: a record of a patient outside it is not found, exactly as a record that does not exist (no site leaks).
/// Lots are those of the readable patients' sites and those given to a readable patient; protocols are the study's and readable by every reader.
/// </summary>
public sealed class FhirReader(StromaDbContext db, IQueryable<ModelPatient> readable)
{
    private readonly FhirMapper map = new(FhirIds.Identifiable);

    /// <summary>One resource, or null when it does not exist or lies outside the readable patients.</summary>
    public async Task<Resource?> ReadAsync(string type, string id, CancellationToken cancellationToken)
    {
        if (type == "ResearchStudy")
        {
            return (await StudiesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.Id == id);
        }

        if (type == "Questionnaire")
        {
            return (await QuestionnairesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(q => q.Id == id);
        }

        if (!Guid.TryParseExact(id, "D", out var key))
        {
            return null;
        }

        var ids = readable.Select(p => p.Id);
        return type switch
        {
            "Patient" => await PatientAsync(key, cancellationToken).ConfigureAwait(false),
            "Condition" => One(await db.Diagnoses.AsNoTracking().Where(d => d.Id == key && ids.Contains(d.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.Condition),
            "Observation" => One(await db.LabResults.AsNoTracking().Where(l => l.Id == key && ids.Contains(l.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.Lab)
                ?? One(await db.Assessments.AsNoTracking().Where(a => a.Id == key && ids.Contains(a.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.Instrument)
                ?? One(await db.Infusions.AsNoTracking().Where(i => i.Id == key && ids.Contains(i.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.InfusionDose),
            "QuestionnaireResponse" => One(await Scored().Where(a => a.Id == key && ids.Contains(a.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), a => map.QuestionnaireResponse(a)!),
            "Procedure" => One(await db.Infusions.AsNoTracking().Where(i => i.Id == key && ids.Contains(i.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.Infusion),
            "AdverseEvent" => One(await db.AdverseEvents.AsNoTracking().Where(a => a.Id == key && ids.Contains(a.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.AdverseEvent),
            "BiologicallyDerivedProduct" => One(await Lots().Where(l => l.Id == key).ToListAsync(cancellationToken).ConfigureAwait(false), map.Lot),
            "ResearchSubject" => One(await db.ProtocolEnrolments.AsNoTracking().Where(e => e.Id == key && ids.Contains(e.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.Subject),
            "Consent" => One(await db.ProtocolEnrolments.AsNoTracking().Where(e => e.Id == key && e.ConsentSignedOn != null && ids.Contains(e.PatientId)).ToListAsync(cancellationToken).ConfigureAwait(false), map.EnrolmentConsent)
                ?? One(await readable.AsNoTracking().Where(p => p.Id == key && p.ConsentDate != null).ToListAsync(cancellationToken).ConfigureAwait(false), map.PatientConsent),
            _ => null,
        };
    }

    /// <summary>The matches of a search, in id order, one page of them.</summary>
    public async Task<IReadOnlyList<Resource>> SearchAsync(string type, FhirSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        var patients = search.Patient is { } only ? readable.Where(p => p.Id == only) : readable;
        var ids = patients.Select(p => p.Id);
        DateTimeOffset? fromInstant = search.From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
        DateTimeOffset? untilInstant = search.Until is { } u ? new DateTimeOffset(u.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
        switch (type)
        {
            case "Patient":
                var sites = await patients.AsNoTracking().Select(p => new { Patient = p, p.Site!.Code }).OrderBy(p => p.Patient.Id)
                    .Skip(search.Offset).Take(search.Count).ToListAsync(cancellationToken).ConfigureAwait(false);
                return [.. sites.Select(p => map.Patient(p.Patient, p.Code))];
            case "Condition":
                var diagnoses = db.Diagnoses.AsNoTracking().Where(d => ids.Contains(d.PatientId));
                if (search.Code is { } conditionCode)
                {
                    var kind = conditionCode == "M32.14" ? DiagnosisKind.LupusNephritisBiopsy : conditionCode == "M32.9" ? DiagnosisKind.Classification : (DiagnosisKind?)null;
                    diagnoses = kind is { } k ? diagnoses.Where(d => d.Kind == k) : diagnoses.Where(d => false);
                }

                diagnoses = search.From is { } df ? diagnoses.Where(d => d.DiagnosisDate >= df) : diagnoses;
                diagnoses = search.Until is { } du ? diagnoses.Where(d => d.DiagnosisDate <= du) : diagnoses;
                return Page(await Paged(diagnoses, search, cancellationToken).ConfigureAwait(false), map.Condition);
            case "Observation":
                return await ObservationsAsync(ids, search, fromInstant, untilInstant, cancellationToken).ConfigureAwait(false);
            case "Procedure":
                var infusions = db.Infusions.AsNoTracking().Where(i => ids.Contains(i.PatientId));
                infusions = search.From is { } pf ? infusions.Where(i => i.InfusionDate >= pf) : infusions;
                infusions = search.Until is { } pu ? infusions.Where(i => i.InfusionDate <= pu) : infusions;
                return Page(await Paged(infusions, search, cancellationToken).ConfigureAwait(false), map.Infusion);
            case "AdverseEvent":
                var events = db.AdverseEvents.AsNoTracking().Where(a => ids.Contains(a.PatientId));
                events = search.From is { } af ? events.Where(a => a.OnsetDate >= af) : events;
                events = search.Until is { } au ? events.Where(a => a.OnsetDate <= au) : events;
                return Page(await Paged(events, search, cancellationToken).ConfigureAwait(false), map.AdverseEvent);
            case "BiologicallyDerivedProduct":
                return Page(await Paged(Lots(), search, cancellationToken).ConfigureAwait(false), map.Lot);
            case "ResearchSubject":
                return Page(await Paged(db.ProtocolEnrolments.AsNoTracking().Where(e => ids.Contains(e.PatientId)), search, cancellationToken).ConfigureAwait(false), map.Subject);
            case "Consent":
                var consents = Page(await Paged(db.ProtocolEnrolments.AsNoTracking().Where(e => e.ConsentSignedOn != null && ids.Contains(e.PatientId)), search, cancellationToken)
                    .ConfigureAwait(false), map.EnrolmentConsent);
                var registry = Page(await Paged(patients.AsNoTracking().Where(p => p.ConsentDate != null), search, cancellationToken).ConfigureAwait(false), map.PatientConsent);
                return [.. consents.Concat(registry).Take(search.Count)];
            case "ResearchStudy":
                return [.. (await StudiesAsync(cancellationToken).ConfigureAwait(false)).Skip(search.Offset).Take(search.Count)];
            case "Questionnaire":
                return [.. (await QuestionnairesAsync(cancellationToken).ConfigureAwait(false)).Skip(search.Offset).Take(search.Count)];
            case "QuestionnaireResponse":
                var responses = Scored().Where(a => ids.Contains(a.PatientId));
                responses = search.From is { } qf ? responses.Where(a => a.AssessmentDate >= qf) : responses;
                responses = search.Until is { } qu ? responses.Where(a => a.AssessmentDate <= qu) : responses;
                return Page(await Paged(responses, search, cancellationToken).ConfigureAwait(false), a => map.QuestionnaireResponse(a)!);
            default:
                return [];
        }
    }

    private async Task<IReadOnlyList<Resource>> ObservationsAsync(IQueryable<Guid> ids, FhirSearch search, DateTimeOffset? from, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        // A code names a lab analyte (LOINC or Stroma key), an instrument key, or the cell dose; no code: all three kinds.
        var analyte = search.Code is { } c ? AnalyteCatalog.Find(c)?.Key : null;
        var results = new List<Resource>();
        if (search.Code is null || analyte is not null)
        {
            var labs = db.LabResults.AsNoTracking().Where(l => ids.Contains(l.PatientId));
            labs = analyte is { } a ? labs.Where(l => l.Analyte == a) : labs;
            labs = from is { } f ? labs.Where(l => l.SpecimenTime >= f) : labs;
            labs = until is { } u ? labs.Where(l => l.SpecimenTime < u) : labs;
            results.AddRange(Page(await Paged(labs, search, cancellationToken).ConfigureAwait(false), map.Lab));
        }

        if (analyte is null && search.Code != "dose-cells")
        {
            var scores = db.Assessments.AsNoTracking().Where(a => ids.Contains(a.PatientId));
            scores = search.Code is { } instrument ? scores.Where(a => a.Instrument == instrument) : scores;
            scores = search.From is { } f ? scores.Where(a => a.AssessmentDate >= f) : scores;
            scores = search.Until is { } u ? scores.Where(a => a.AssessmentDate <= u) : scores;
            results.AddRange(Page(await Paged(scores, search, cancellationToken).ConfigureAwait(false), map.Instrument));
        }

        if (search.Code is null or "dose-cells")
        {
            var doses = db.Infusions.AsNoTracking().Where(i => ids.Contains(i.PatientId));
            doses = search.From is { } f ? doses.Where(i => i.InfusionDate >= f) : doses;
            doses = search.Until is { } u ? doses.Where(i => i.InfusionDate <= u) : doses;
            results.AddRange(Page(await Paged(doses, search, cancellationToken).ConfigureAwait(false), map.InfusionDose));
        }

        return [.. results.Take(search.Count)];
    }

    /// <summary>The assessments of instruments Stroma knows (each has a Questionnaire, so a QuestionnaireResponse).</summary>
    private IQueryable<Assessment> Scored()
    {
        var known = InstrumentCatalog.All.Select(i => i.Key).ToList();
        return db.Assessments.AsNoTracking().Where(a => known.Contains(a.Instrument));
    }

    /// <summary>Every instrument at its current version and each other version that scored a readable assessment.</summary>
    private async Task<List<Questionnaire>> QuestionnairesAsync(CancellationToken cancellationToken)
    {
        var ids = readable.Select(p => p.Id);
        var stored = await db.Assessments.AsNoTracking().Where(a => ids.Contains(a.PatientId)).Select(a => new { a.Instrument, a.AlgorithmVersion }).Distinct()
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. FhirQuestionnaire.Versions(stored.Select(s => (s.Instrument, s.AlgorithmVersion))).Select(v => FhirQuestionnaire.For(v.Instrument, v.Version))];
    }

    private IQueryable<CellLotRecord> Lots()
    {
        // The readable patients' sites' lots (issue #16), and any lot one of them received.
        var ids = readable.Select(p => p.Id);
        var sites = readable.Select(p => p.SiteId);
        var lots = db.Infusions.Where(i => ids.Contains(i.PatientId)).Select(i => i.LotId);
        return db.CellLots.AsNoTracking().Where(l => sites.Contains(l.SiteId) || lots.Contains(l.Id));
    }

    private async Task<ModelPatient?> PatientRowAsync(Guid key, CancellationToken cancellationToken) =>
        await readable.AsNoTracking().Include(p => p.Site).FirstOrDefaultAsync(p => p.Id == key, cancellationToken).ConfigureAwait(false);

    private async Task<Resource?> PatientAsync(Guid key, CancellationToken cancellationToken) =>
        await PatientRowAsync(key, cancellationToken).ConfigureAwait(false) is { } p ? map.Patient(p, p.Site!.Code) : null;

    private async Task<List<ResearchStudy>> StudiesAsync(CancellationToken cancellationToken)
    {
        var titles = Stroma.Clinical.CellTherapy.ProtocolTemplates.All.ToDictionary(t => t.Key, t => t.Name, StringComparer.Ordinal);
        foreach (var p in await db.Protocols.AsNoTracking().Select(p => new { p.Key, p.Name }).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            titles[p.Key] = p.Name;
        }

        return [.. titles.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => FhirMapper.Study(t.Key, t.Value))];
    }

    private static Task<List<T>> Paged<T>(IQueryable<T> rows, FhirSearch search, CancellationToken cancellationToken)
        where T : TrackedRecord =>
        rows.OrderBy(r => r.Id).Skip(search.Offset).Take(search.Count).ToListAsync(cancellationToken);

    private static List<Resource> Page<T>(List<T> rows, Func<T, Resource> map) => [.. rows.Select(map)];

    private static Resource? One<T>(List<T> rows, Func<T, Resource> map) => rows.Count == 1 ? map(rows[0]) : null;
}
