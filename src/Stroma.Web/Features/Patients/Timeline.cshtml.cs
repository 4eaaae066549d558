using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Audit;
using Stroma.Web.Hosting;
using LabFlag = Stroma.Clinical.Labs.LabFlag;

namespace Stroma.Web.Features.Patients;

public sealed record TimelineVisit(Guid Id, DateOnly Date, string Type, IReadOnlyList<TimelineScore> Scores, bool IsSigned);

public sealed record TimelineScore(string Instrument, decimal? Total, string? Grade);

/// <summary>One analyte's results: each point's value, or its text when reported as text (an empty text: value not reported).</summary>
public sealed record TimelineLab(string Analyte, string Unit, IReadOnlyList<(DateOnly Date, decimal? Value, string Flag, string? Text)> Points);

/// <summary>An adverse event or a death on the timeline; <paramref name="AdverseEventId"/> is the adverse event a query may be raised on.</summary>
/// <paramref name="Text"/> is the recorded term (or the cause of death) as entered.
public sealed record TimelineEvent(DateOnly Date, string Text, bool Serious, Guid? AdverseEventId = null, int? Grade = null, Stroma.Data.Model.Causality? Causality = null);

/// <summary>
/// One patient's timeline, read-only: visits with their scores, the SLEDAI-2K total and the lab trends of the analytes
/// issue #8 names over time (SVG charts drawn on the server by <see cref="TrendChart"/>, no script), medications,
/// adverse events and death.
/// Only for a user who may read clinical data at the patient's site; anyone else gets 404 (not even the existence of
/// another site's patient is revealed).
/// </summary>
[Authorize(Policy = Policies.ReadClinical)]
public sealed class TimelineModel(ReadDatabase reads, UserAccess access, PatientPageCache<TimelineModel.TimelineContent> cache, TimeProvider clock) : PageModel
{
    /// <summary>The analytes whose trends the timeline shows (catalog keys), in this order.</summary>
    public static IReadOnlyList<string> TrendAnalytes => TrendAnalyteKeys;

    /// <summary>The patient's infusions (date, product lot, dose), marked on every trend chart.</summary>
    public IReadOnlyList<(DateOnly Date, string Lot, decimal Cells, Guid Id)> Infusions { get; private set; } = [];

    /// <summary>One chart per analyte with values, on the shared time axis of <see cref="Labs"/> and infusions.</summary>
    public IReadOnlyList<(TimelineLab Lab, TrendChart Chart)> Charts { get; private set; } = [];

    public string Site { get; private set; } = "";

    public Guid SiteId { get; private set; }

    public Guid PatientId { get; private set; }

    public string StudyId { get; private set; } = "";

    /// <summary>True when the user may enter clinical data at the patient's site (links to the entry pages).</summary>
    public bool CanEdit { get; private set; }

    public IReadOnlyList<TimelineVisit> Visits { get; private set; } = [];

    /// <summary>True when the user may raise queries at the patient's site (a monitor or data manager).</summary>
    public bool CanRaiseQueries { get; private set; }

    /// <summary>The visits with a standing whole-visit source data verification mark (docs/data-quality.md).</summary>
    public IReadOnlySet<Guid> VerifiedVisits { get; private set; } = new HashSet<Guid>();

    /// <summary>The patient's protocol enrolments (id, protocol, version), for a monitor to raise a query on one's fields.</summary>
    public IReadOnlyList<(Guid Id, string Protocol, string Version)> Enrolments { get; private set; } = [];

    /// <summary>The patient's queries that are not closed (docs/data-quality.md), newest first.</summary>
    public IReadOnlyList<Stroma.Data.Quality.QueryView> OpenQueries { get; private set; } = [];

    public IReadOnlyList<(DateOnly Date, decimal Total)> Sledai { get; private set; } = [];

    /// <summary>The SLEDAI-2K totals as a chart on the same time axis as the lab charts, infusions marked; null without totals.</summary>
    public TrendChart? SledaiChart { get; private set; }

    public IReadOnlyList<TimelineLab> Labs { get; private set; } = [];

    /// <summary>The laboratory's notes on the patient's results (HL7 NTE, FHIR Observation.note), oldest first.</summary>
    public IReadOnlyList<(DateTimeOffset SpecimenTime, string Analyte, string Note)> LabNotes { get; private set; } = [];

    /// <summary>The dates of <see cref="Labs"/>, the columns of the lab table.</summary>
    public IReadOnlyList<DateOnly> LabDates { get; private set; } = [];

    public IReadOnlyList<TimelineEvent> Events { get; private set; } = [];

    /// <summary>The drug as recorded, and its dose and dates.</summary>
    public IReadOnlyList<(string Drug, string Dose)> Medications { get; private set; } = [];

    /// <summary>The CAR-T course (grades by day, neutrophils beside ICAHT), or null when the patient received no CAR-T lot.</summary>
    public CarTCourseView? CarT { get; private set; }

    /// <summary>What was read of the patient (shared with every reader of the patient while the registry is unchanged).</summary>
    private TimelineContent? content;

    /// <summary>
    /// The HTML of the laboratory section (<c>_TimelineLabs</c>) in the request's language: written by <paramref name="write"/>
    /// once per language and patient content, then kept with the content (it shows the patient's records only, nothing
    /// of the user), as each chart's SVG is (<see cref="TrendChart.Markup"/>).
    /// </summary>
    public Task<string> LabsMarkupAsync(Func<Task<string>> write) =>
        content is null ? write() : content.LabsMarkupAsync($"{System.Globalization.CultureInfo.CurrentCulture.Name}|{System.Globalization.CultureInfo.CurrentUICulture.Name}", write);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        // Reads may go to the read replica, caught up with this browser's own writes (docs/operations.md "Read replicas").
        var db = await reads.ContextAsync(cancellationToken);
        var patient = await Queries.Header(db, id, AccessQueries.SiteIds(access, Capability.ReadClinical)).SingleOrDefaultAsync(cancellationToken);
        if (patient is null)
        {
            return NotFound();
        }

        (Site, SiteId, StudyId, PatientId) = (patient.Site, patient.SiteId, patient.StudyId, id);
        CanEdit = access.Can(Capability.EditClinical, patient.SiteId);
        CanRaiseQueries = access.Can(Capability.RaiseQueries, patient.SiteId);
        // The patient's records as every reader of them sees them, remembered while the registry is unchanged (the
        // access check above runs on every request).
        RequestLastChange.Remember(HttpContext, db, patient.LastChange);
        content = await cache.GetAsync(id, patient.LastChange, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
            () => TimelineContent.LoadAsync(db, id, cancellationToken));
        VerifiedVisits = content.VerifiedVisits;
        Enrolments = CanRaiseQueries ? content.Enrolments : [];
        // The queries are read for the user on every request: which ones a user sees depends on the user's sites.
        OpenQueries = !patient.HasOpenQueries ? [] : [.. (await Stroma.Data.Quality.Queries.ListAsync(db, access, patientId: id, cancellationToken: cancellationToken))
            .Where(q => q.Status != Stroma.Data.Model.QueryStatus.Closed)];
        Visits = content.Visits;
        Sledai = content.Sledai;
        Labs = content.Labs;
        LabDates = content.LabDates;
        LabNotes = content.LabNotes;
        Infusions = content.Infusions;
        Charts = content.Charts;
        SledaiChart = content.SledaiChart;
        CarT = content.CarT;
        Events = content.Events;
        Medications = content.Medications;
        return Page();
    }

    /// <summary>
    /// What the timeline shows of one patient, the same for every user who may read the patient (all but the open queries,
    /// which depend on the user's sites): read once per registry change by <see cref="LoadAsync"/>.
    /// </summary>
    public sealed record TimelineContent(
        IReadOnlySet<Guid> VerifiedVisits,
        IReadOnlyList<(Guid Id, string Protocol, string Version)> Enrolments,
        IReadOnlyList<TimelineVisit> Visits,
        IReadOnlyList<(DateOnly Date, decimal Total)> Sledai,
        IReadOnlyList<TimelineLab> Labs,
        IReadOnlyList<DateOnly> LabDates,
        IReadOnlyList<(DateTimeOffset SpecimenTime, string Analyte, string Note)> LabNotes,
        IReadOnlyList<(DateOnly Date, string Lot, decimal Cells, Guid Id)> Infusions,
        IReadOnlyList<(TimelineLab Lab, TrendChart Chart)> Charts,
        TrendChart? SledaiChart,
        CarTCourseView? CarT,
        IReadOnlyList<TimelineEvent> Events,
        IReadOnlyList<(string Drug, string Dose)> Medications)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> labsMarkup = new(StringComparer.Ordinal);

        /// <summary>The laboratory section's HTML in <paramref name="culture"/>, written by <paramref name="write"/> the first time.</summary>
        public async Task<string> LabsMarkupAsync(string culture, Func<Task<string>> write)
        {
            ArgumentNullException.ThrowIfNull(write);
            return labsMarkup.TryGetValue(culture, out var markup) ? markup : labsMarkup.GetOrAdd(culture, await write());
        }

        /// <summary>Reads the patient's records (the caller has checked that the user may read the patient).</summary>
        public static async Task<TimelineContent> LoadAsync(StromaDbContext db, Guid id, CancellationToken cancellationToken)
        {
            var verified = (await Queries.VerifiedVisits(db, id).ToListAsync(cancellationToken)).ToHashSet();
            IReadOnlyList<(Guid, string, string)> enrolments = [.. (await db.ProtocolEnrolments.AsNoTracking().Where(e => e.PatientId == id)
                .Select(e => new { e.Id, e.ProtocolKey, e.ProtocolVersion, e.StartDate }).ToListAsync(cancellationToken))
                .OrderBy(e => e.StartDate).Select(e => (e.Id, e.ProtocolKey, e.ProtocolVersion))];
            var visitRows = await Queries.Visits(db, id).ToListAsync(cancellationToken);
            var assessments = await Queries.Assessments(db, id).ToListAsync(cancellationToken);
            IReadOnlyList<TimelineVisit> visits = [.. visitRows.Select(v => new TimelineVisit(v.Id, v.VisitDate, v.Type,
                [.. assessments.Where(a => a.VisitId == v.Id).OrderBy(a => a.Instrument).Select(a => new TimelineScore(a.Instrument, a.Total, a.Grade))], v.Signed))];
            IReadOnlyList<(DateOnly Date, decimal Total)> sledai = [.. assessments.Where(a => a.Instrument == "sledai2k" && a.Total is not null)
                .OrderBy(a => a.AssessmentDate).Select(a => (a.AssessmentDate, a.Total!.Value))];

            // Every result, the trend analytes first: qualitative ones and those reported without a value too (issue #19).
            var labRows = await Queries.Labs(db, id).ToListAsync(cancellationToken);
            var order = TrendAnalyteKeys.Concat(Stroma.Clinical.Labs.AnalyteCatalog.All.Select(a => a.Key)).Concat(labRows.Select(l => l.Analyte).Order(StringComparer.Ordinal)).Distinct();
            IReadOnlyList<TimelineLab> labs = [.. order.Select(key => labRows.Where(l => l.Analyte == key).OrderBy(l => l.SpecimenTime).ToList())
                .Where(list => list.Count > 0)
                .Select(list => new TimelineLab(list[0].Analyte, list[0].NormalisedUnit ?? list[0].ReportedUnit ?? "",
                    [.. list.Select(l => (DateOnly.FromDateTime(l.SpecimenTime.UtcDateTime), l.NormalisedValue, l.Flag.ToString(), (string?)(l.NormalisedValue is null ? l.ReportedValue ?? "" : "")))]))];
            IReadOnlyList<DateOnly> labDates = [.. labs.SelectMany(l => l.Points.Select(p => p.Date)).Distinct().Order()];
            IReadOnlyList<(DateTimeOffset, string, string)> labNotes = [.. labRows.Where(l => l.Note is not null).OrderBy(l => l.SpecimenTime).Select(l => (l.SpecimenTime, l.Analyte, l.Note!))];

            IReadOnlyList<(DateOnly Date, string Lot, decimal Cells, Guid Id)> infusions = [.. (await Queries.Infusions(db, id).ToListAsync(cancellationToken))
                .Select(i => (i.InfusionDate, i.LotNumber, i.DoseCells, i.Id))];
            // One time axis for every chart (labs, SLEDAI-2K, infusions), so that an infusion sits at the same x in each.
            var dates = labs.SelectMany(l => l.Points.Select(p => p.Date)).Concat(infusions.Select(i => i.Date)).Concat(sledai.Select(s => s.Date)).ToList();
            IReadOnlyList<(TimelineLab, TrendChart)> charts = [];
            TrendChart? sledaiChart = null;
            if (dates.Count > 0)
            {
                var (first, last) = (dates.Min(), dates.Max());
                charts = [.. labs.Where(lab => TrendAnalyteKeys.Contains(lab.Analyte) && lab.Points.Any(p => p.Value is not null)).Select(lab => (lab, TrendChart.Create(
                    lab.Points.Where(p => p.Value is not null).Select(p => (p.Date, p.Value!.Value, p.Flag is not "Normal" and not "None" and not "")),
                    infusions.Select(i => i.Date), first, last)))];
                sledaiChart = sledai.Count == 0 ? null : TrendChart.Create(sledai.Select(s => (s.Date, s.Total, false)), infusions.Select(i => i.Date), first, last);
            }

            var carT = await CarTCourse.LoadAsync(db, id, cancellationToken);
            var events = await Queries.AdverseEvents(db, id).ToListAsync(cancellationToken);
            var deaths = await Queries.Deaths(db, id).ToListAsync(cancellationToken);
            IReadOnlyList<TimelineEvent> timelineEvents = [.. events.Select(e => new TimelineEvent(e.OnsetDate, e.Term, e.Serious, e.Id, e.CtcaeGrade, e.Causality))
                .Concat(deaths.Select(d => new TimelineEvent(d.DeathDate, d.Cause is null ? "" : ": " + d.Cause, true)))
                .OrderBy(e => e.Date)];
            IReadOnlyList<(string, string)> medications = [.. (await Queries.Medications(db, id).ToListAsync(cancellationToken))
                .Select(m => (m.Drug, $"{Stroma.Web.Localization.Words.Number(m.Dose)} {m.DoseUnit} · {m.StartDate:yyyy-MM-dd} – {m.StopDate:yyyy-MM-dd}"))];
            return new TimelineContent(verified, enrolments, visits, sledai, labs, labDates, labNotes, infusions, charts, sledaiChart, carT,
                timelineEvents, medications);
        }
    }

    /// <summary>The keys of <see cref="TrendAnalytes"/>, as the array the labs query takes.</summary>
    private static readonly string[] TrendAnalyteKeys = ["urine_protein_24h", "creatinine", "egfr", "c3", "c4", "anti_dsdna", "platelets"];

    /// <summary>
    /// The timeline's reads of the patient's records as compiled queries: EF Core translates each once rather than on every
    /// page view (its query cache lookup was about a sixth of the page's time under load, bench/web), the patient itself
    /// among them, narrowed to the user's sites as <see cref="AccessQueries.PatientsFor"/> narrows.
    /// </summary>
    private static class Queries
    {
        /// <summary>
        /// The patient if it is of the user's sites (<see cref="AccessQueries.SiteIds"/>, as <see cref="AccessQueries.PatientsFor"/>
        /// narrows), with, in the same round trip, the registry's last change (the key of what is remembered; the newest
        /// entry that is not an access entry, as <see cref="AuditTrail.Changes"/> reads it, its filter a constant so that
        /// the partial index answers) and whether the patient has open queries at all (most have none: then no query list to read).
        /// </summary>
        public static readonly Func<StromaDbContext, Guid, Guid[], IAsyncEnumerable<PatientHeader>> Header = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id, Guid[] sites) => db.Patients.AsNoTracking().Where(p => p.Id == id && sites.Contains(p.SiteId))
                .Select(p => new PatientHeader(p.SiteId, p.Site!.Code, p.StudyId,
                    db.AuditEntries.Where(e => e.Entity != AuditTrail.AccessEntity).OrderByDescending(e => e.Sequence).Select(e => e.Sequence).FirstOrDefault(),
                    db.Queries.Any(q => q.PatientId == p.Id && q.Status != Stroma.Data.Model.QueryStatus.Closed))));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<Guid>> VerifiedVisits = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.SdvMarks.AsNoTracking().Where(m => m.PatientId == id && m.Field == null && m.ClearedAt == null).Select(m => m.VisitId));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<VisitRow>> Visits = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Visits.AsNoTracking().Where(v => v.PatientId == id).OrderBy(v => v.VisitDate)
                .Select(v => new VisitRow(v.Id, v.VisitDate, v.Type, v.SignedAt != null)));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<AssessmentRow>> Assessments = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Assessments.AsNoTracking().Where(a => a.PatientId == id)
                .Select(a => new AssessmentRow(a.VisitId, a.AssessmentDate, a.Instrument, a.Total, a.Grade)));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<LabRow>> Labs = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.LabResults.AsNoTracking().Where(l => l.PatientId == id)
                .Select(l => new LabRow(l.Analyte, l.SpecimenTime, l.NormalisedValue, l.NormalisedUnit, l.ReportedUnit, l.Flag, l.ReportedValue, l.Note)));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<InfusionRow>> Infusions = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Infusions.AsNoTracking().Where(i => i.PatientId == id).OrderBy(i => i.InfusionDate)
                .Select(i => new InfusionRow(i.Id, i.InfusionDate, i.Lot!.LotNumber, i.DoseCells)));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<EventRow>> AdverseEvents = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.AdverseEvents.AsNoTracking().Where(e => e.PatientId == id)
                .Select(e => new EventRow(e.Id, e.OnsetDate, e.Term, e.CtcaeGrade, e.Serious, e.Causality)));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<DeathRow>> Deaths = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Deaths.AsNoTracking().Where(d => d.PatientId == id).Select(d => new DeathRow(d.DeathDate, d.Cause)));

        public static readonly Func<StromaDbContext, Guid, IAsyncEnumerable<MedicationRow>> Medications = CompiledPerModel.Compile(
            (StromaDbContext db, Guid id) => db.Medications.AsNoTracking().Where(m => m.PatientId == id).OrderBy(m => m.StartDate)
                .Select(m => new MedicationRow(m.Drug, m.Dose, m.DoseUnit, m.StartDate, m.StopDate)));
    }

    private sealed record PatientHeader(Guid SiteId, string Site, string StudyId, long LastChange, bool HasOpenQueries);

    private sealed record VisitRow(Guid Id, DateOnly VisitDate, string Type, bool Signed);

    private sealed record AssessmentRow(Guid? VisitId, DateOnly AssessmentDate, string Instrument, decimal? Total, string? Grade);

    private sealed record LabRow(string Analyte, DateTimeOffset SpecimenTime, decimal? NormalisedValue, string? NormalisedUnit, string? ReportedUnit, LabFlag Flag, string? ReportedValue, string? Note);

    private sealed record InfusionRow(Guid Id, DateOnly InfusionDate, string LotNumber, decimal DoseCells);

    private sealed record EventRow(Guid Id, DateOnly OnsetDate, string Term, int? CtcaeGrade, bool Serious, Stroma.Data.Model.Causality Causality);

    private sealed record DeathRow(DateOnly DeathDate, string? Cause);

    private sealed record MedicationRow(string Drug, decimal? Dose, string? DoseUnit, DateOnly StartDate, DateOnly? StopDate);
}
