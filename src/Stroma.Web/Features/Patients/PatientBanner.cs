using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Model;

namespace Stroma.Web.Features.Patients;

/// <summary>
/// Who the patient is, at a glance, on every page about one patient (issue #19). <c>Age</c> is in whole years on
/// <c>Today</c> (or at death) from the full birth date, null when only the year is recorded; <c>Diagnosis</c> is the
/// latest biopsy-proven lupus nephritis with its ISN/RPS class, else the latest SLE classification; <c>Protocols</c> each
/// enrolment's protocol name (or key), version and whether its consent was withdrawn; <c>SevereOpenEvents</c> counts
/// adverse events without a resolution date graded CTCAE 3 or higher; <c>OpenQueries</c> queries not closed.
/// </summary>
public sealed record PatientBannerView(
    Guid PatientId, string StudyId, string SiteCode, string SiteName, Stroma.Clinical.Labs.Sex Sex, DateOnly Today, DateOnly? BirthDate, int? BirthYear, int? Age,
    Diagnosis? Diagnosis, IReadOnlyList<(string Name, string Version, bool ConsentWithdrawn)> Protocols,
    string? ConsentVersion, DateOnly? ConsentDate, DateOnly? WithdrawalDate, DateOnly? DeathDate, int SevereOpenEvents, int OpenQueries)
{
    /// <summary>Deceased when a death is recorded, withdrawn when registry consent was withdrawn, otherwise active.</summary>
    public string Status => DeathDate is not null ? "deceased" : WithdrawalDate is not null ? "withdrawn" : "active";
}

/// <summary>
/// The patient banner (<c>_PatientBanner</c>), shown by the layout on every page under <c>/patients/{id}</c> and
/// <c>/visits/{id}</c>. It reads the patient through <see cref="AccessQueries.PatientsFor"/> like the pages do, so a
/// patient the user may not read shows no banner (the page itself answers 404).
/// </summary>
public sealed class PatientBannerViewComponent(StromaDbContext db, UserAccess access, TimeProvider clock, PatientPageCache<PatientBannerViewComponent.BannerRecords> cache) : ViewComponent
{
    /// <summary>
    /// What the banner shows of one patient, the same for every reader of the patient: the patient with its site, death and
    /// alert counts (null when no such patient is stored), its diagnoses and its enrolments (with protocol names). Whether
    /// the user may read the patient is decided on every request from <see cref="BannerPatient.SiteId"/>.
    /// </summary>
    public sealed record BannerRecords(BannerPatient? Patient, IReadOnlyList<Diagnosis> Diagnoses, IReadOnlyList<(string Name, string Version, bool ConsentWithdrawn)> Protocols);

    /// <summary>The patient line of the banner: who, where (<paramref name="SiteId"/>), death, open grade ≥ 3 adverse events, open queries.</summary>
    public sealed record BannerPatient(Guid Id, Guid SiteId, string StudyId, string Code, string Name, Stroma.Clinical.Labs.Sex Sex, DateOnly? BirthDate, int? BirthYear,
        string? ConsentVersion, DateOnly? ConsentDate, DateOnly? WithdrawalDate, DateOnly? Death, int Severe, int Queries);

    public async Task<IViewComponentResult> InvokeAsync(Guid? patientId, Guid? visitId)
    {
        if (patientId is null && visitId is { } visit)
        {
            patientId = await db.Visits.AsNoTracking().Where(v => v.Id == visit).Select(v => (Guid?)v.PatientId).SingleOrDefaultAsync(HttpContext.RequestAborted);
        }

        var view = patientId is { } id
            ? await LoadAsync(db, access, id, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), HttpContext.RequestAborted, RememberedAsync)
            : null;
        return view is null ? Content("") : View("~/Features/Patients/_PatientBanner.cshtml", view);
    }

    // The patient's diagnoses and enrolments as last read, while the registry is unchanged (PatientPageCache).
    private async Task<BannerRecords> RememberedAsync(Guid patientId, DateOnly today, Func<Task<BannerRecords>> read) =>
        await cache.GetAsync(patientId, await RequestLastChange.GetAsync(HttpContext, db, HttpContext.RequestAborted), today, read);

    /// <summary>
    /// The banner of one patient the user may read clinically, or null. The banner is on every patient page (bench/web), so
    /// what it shows is read through <paramref name="remember"/> when given (the web page's cache, one entry per registry
    /// change): the patient with its site, death, severe open events and open queries (one round trip), its diagnoses and
    /// its enrolments with their protocols' names (three compiled queries). Site isolation is decided on every call, in
    /// memory, by the rule <see cref="AccessQueries.PatientsFor"/> applies in SQL: the patient's site is one where the user
    /// may read clinical data (<see cref="UserAccess.Can"/>); a patient of another site gives null, cached or not.
    /// </summary>
    public static async Task<PatientBannerView?> LoadAsync(StromaDbContext db, UserAccess access, Guid patientId, DateOnly today, CancellationToken cancellationToken,
        Func<Guid, DateOnly, Func<Task<BannerRecords>>, Task<BannerRecords>>? remember = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        async Task<BannerRecords> ReadAsync()
        {
            var patient = await BannerQueries.Patient(db, patientId).SingleOrDefaultAsync(cancellationToken);
            if (patient is null)
            {
                return new BannerRecords(null, [], []);
            }

            var diagnoses = await BannerQueries.Diagnoses(db, patientId).ToListAsync(cancellationToken);
            var enrolments = await BannerQueries.Enrolments(db, patientId).ToListAsync(cancellationToken);
            return new BannerRecords(patient, diagnoses,
                [.. enrolments.Select(e => (e.Name ?? Stroma.Clinical.CellTherapy.ProtocolTemplates.Find(e.ProtocolKey)?.Name ?? e.ProtocolKey, e.ProtocolVersion, e.ConsentWithdrawnOn is not null))]);
        }

        var records = remember is null ? await ReadAsync() : await remember(patientId, today, ReadAsync);
        if (records.Patient is not { } patient || !access.Can(Capability.ReadClinical, patient.SiteId))
        {
            return null;
        }

        // A biopsy-proven lupus nephritis names the class; otherwise the latest classification.
        var diagnosis = records.Diagnoses.Where(d => d.Kind == DiagnosisKind.LupusNephritisBiopsy).MaxBy(d => d.DiagnosisDate)
            ?? records.Diagnoses.MaxBy(d => d.DiagnosisDate);
        var on = patient.Death is { } died && died < today ? died : today;
        int? age = patient.BirthDate is { } born ? on.Year - born.Year - (on < born.AddYears(on.Year - born.Year) ? 1 : 0) : null;
        return new PatientBannerView(patient.Id, patient.StudyId, patient.Code, patient.Name, patient.Sex, today, patient.BirthDate, patient.BirthYear, age, diagnosis,
            records.Protocols, patient.ConsentVersion, patient.ConsentDate, patient.WithdrawalDate, patient.Death, patient.Severe, patient.Queries);
    }

    /// <summary>The banner's reads after the access check, compiled once per model (<see cref="CompiledPerModel"/>).</summary>
    private static class BannerQueries
    {
        /// <summary>
        /// The patient with its site, its death, its open adverse events of grade 3 or more and its open queries, in one
        /// round trip; whoever reads it (the caller checks the site, <see cref="LoadAsync"/>).
        /// </summary>
        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<BannerPatient>> Patient = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Patients.AsNoTracking().Where(p => p.Id == id)
                .Select(p => new BannerPatient(p.Id, p.SiteId, p.StudyId, p.Site!.Code, p.Site.Name, p.Sex, p.BirthDate, p.BirthYear, p.ConsentVersion, p.ConsentDate,
                    p.WithdrawalDate,
                    db.Deaths.Where(d => d.PatientId == p.Id && d.DeletedAt == null).OrderBy(d => d.DeathDate).Select(d => (DateOnly?)d.DeathDate).FirstOrDefault(),
                    db.AdverseEvents.Count(e => e.PatientId == p.Id && e.DeletedAt == null && e.ResolutionDate == null && e.CtcaeGrade >= 3),
                    db.Queries.Count(q => q.PatientId == p.Id && q.Status != QueryStatus.Closed))));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<Diagnosis>> Diagnoses = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Diagnoses.AsNoTracking().Where(d => d.PatientId == id && d.DeletedAt == null));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<EnrolmentRow>> Enrolments = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Set<ProtocolEnrolment>().AsNoTracking().Where(e => e.PatientId == id && e.DeletedAt == null).OrderBy(e => e.StartDate)
                .Select(e => new EnrolmentRow(e.ProtocolKey, e.ProtocolVersion, e.ConsentWithdrawnOn,
                    db.Set<ProtocolRecord>().Where(r => r.Key == e.ProtocolKey).Select(r => r.Name).FirstOrDefault())));
    }

    private sealed record EnrolmentRow(string ProtocolKey, string ProtocolVersion, DateOnly? ConsentWithdrawnOn, string? Name);
}
