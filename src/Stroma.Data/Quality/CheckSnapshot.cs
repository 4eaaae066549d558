using Microsoft.EntityFrameworkCore;
using Stroma.Data.Model;
using LabResult = Stroma.Data.Model.LabResult;

namespace Stroma.Data.Quality;

/// <summary>
/// The stored records a set of patients' checks read, loaded in one round trip per table and chunk of 1 000 patients
/// (the batch run loads a page of enrolments, a save the one patient, an import the patients its file names), and the
/// check queries already open on them. <see cref="Overlay"/> puts the
/// records a save is about to write over the stored ones, so a save's checks see the record as it will be stored.
/// </summary>
internal sealed class CheckSnapshot
{
    private Dictionary<Guid, (Patient Patient, string Site)> patients = [];
    private Dictionary<Guid, List<Visit>> visits = [];
    private Dictionary<Guid, List<LabResult>> labs = [];
    private Dictionary<Guid, List<Assessment>> assessments = [];
    private Dictionary<Guid, List<Infusion>> infusions = [];
    private Dictionary<Guid, List<AdverseEvent>> events = [];
    private Dictionary<Guid, Death> deaths = [];

    /// <summary>(protocol, check, record type, record id, field) of every query a check opened on these patients, whatever its state.</summary>
    public HashSet<(string ProtocolKey, string CheckKey, string RecordType, Guid RecordId, string Field)> ExistingQueries { get; private set; } = [];

    public static async Task<CheckSnapshot> LoadAsync(StromaDbContext db, IReadOnlyList<Guid> patientIds, IReadOnlyList<Guid> enrolmentIds, CancellationToken cancellationToken)
    {
        static Dictionary<Guid, List<T>> Group<T>(IEnumerable<T> rows, Func<T, Guid> key) => rows.GroupBy(key).ToDictionary(g => g.Key, g => g.ToList());

        // An import's checks may read many patients: every list goes in chunks (IdChunks; SQLite's parameter limit).
        Task<List<T>> ByPatient<T>(Func<Guid[], IQueryable<T>> query) => IdChunks.ToListAsync(patientIds, query, cancellationToken);

        var s = new CheckSnapshot
        {
            patients = (await ByPatient(chunk => db.Patients.AsNoTracking().Where(p => chunk.Contains(p.Id)).Select(p => new { Patient = p, Site = p.Site!.Code }))
                .ConfigureAwait(false)).ToDictionary(p => p.Patient.Id, p => (p.Patient, p.Site)),
            visits = Group(await ByPatient(chunk => db.Visits.AsNoTracking().Where(v => chunk.Contains(v.PatientId))).ConfigureAwait(false), v => v.PatientId),
            labs = Group(await ByPatient(chunk => db.LabResults.AsNoTracking().Where(l => chunk.Contains(l.PatientId) && l.VisitId != null)).ConfigureAwait(false),
                l => l.PatientId),
            assessments = Group(await ByPatient(chunk => db.Assessments.AsNoTracking().Where(a => chunk.Contains(a.PatientId) && a.VisitId != null)).ConfigureAwait(false),
                a => a.PatientId),
            infusions = Group(await IdChunks.ToListAsync(enrolmentIds, chunk => db.Infusions.AsNoTracking().Where(i => chunk.Contains(i.EnrolmentId)), cancellationToken)
                .ConfigureAwait(false), i => i.PatientId),
            events = Group(await ByPatient(chunk => db.AdverseEvents.AsNoTracking().Where(a => chunk.Contains(a.PatientId))).ConfigureAwait(false), a => a.PatientId),
            deaths = (await ByPatient(chunk => db.Deaths.AsNoTracking().Where(d => chunk.Contains(d.PatientId))).ConfigureAwait(false))
                .GroupBy(d => d.PatientId).ToDictionary(g => g.Key, g => g.OrderBy(d => d.DeathDate).First()),
            ExistingQueries = (await ByPatient(chunk => db.Queries.AsNoTracking().Where(q => chunk.Contains(q.PatientId) && q.CheckKey != null)
                .Select(q => new { q.ProtocolKey, q.CheckKey, q.RecordType, q.RecordId, q.Field })).ConfigureAwait(false))
                .Select(q => (q.ProtocolKey!, q.CheckKey!, q.RecordType, q.RecordId, q.Field)).ToHashSet(),
        };
        return s;
    }

    /// <summary>The site code of a loaded patient.</summary>
    public string SiteCode(Guid patientId) => patients[patientId].Site;

    /// <summary>What the checks of <paramref name="enrolment"/> see; null when its patient was not loaded.</summary>
    public CheckValues? For(ProtocolEnrolment enrolment)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        if (!patients.TryGetValue(enrolment.PatientId, out var patient))
        {
            return null;
        }

        var id = enrolment.PatientId;
        return new CheckValues
        {
            Patient = patient.Patient,
            Enrolment = enrolment,
            Visits = visits.GetValueOrDefault(id) ?? [],
            Labs = labs.GetValueOrDefault(id) ?? [],
            Assessments = assessments.GetValueOrDefault(id) ?? [],
            Infusions = infusions.GetValueOrDefault(id) ?? [],
            AdverseEvents = events.GetValueOrDefault(id) ?? [],
            Death = deaths.GetValueOrDefault(id),
        };
    }

    /// <summary>Puts records about to be saved (added or changed) over the stored ones with the same id.</summary>
    public void Overlay(IEnumerable<object> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        foreach (var entity in pending)
        {
            switch (entity)
            {
                case Patient p when patients.TryGetValue(p.Id, out var known):
                    patients[p.Id] = (p, known.Site);
                    break;
                case Visit v:
                    Put(visits, v.PatientId, v, x => x.Id == v.Id);
                    break;
                case LabResult l when l.VisitId is not null:
                    Put(labs, l.PatientId, l, x => x.Id == l.Id);
                    break;
                case Assessment a when a.VisitId is not null:
                    Put(assessments, a.PatientId, a, x => x.Id == a.Id);
                    break;
                case Infusion i:
                    Put(infusions, i.PatientId, i, x => x.Id == i.Id);
                    break;
                case AdverseEvent e:
                    Put(events, e.PatientId, e, x => x.Id == e.Id);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Takes a record put by <see cref="Overlay"/> out again (a refused import row).</summary>
    public void Remove(LabResult lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (labs.TryGetValue(lab.PatientId, out var list))
        {
            list.RemoveAll(l => l.Id == lab.Id);
        }
    }

    private static void Put<T>(Dictionary<Guid, List<T>> byPatient, Guid patientId, T record, Predicate<T> same)
    {
        if (!byPatient.TryGetValue(patientId, out var list))
        {
            byPatient[patientId] = list = [];
        }

        list.RemoveAll(same);
        list.Add(record);
    }
}
