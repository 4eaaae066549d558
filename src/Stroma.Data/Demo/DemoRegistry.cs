using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Outcomes;
using Stroma.Clinical.Scoring;
using Stroma.Data.Audit;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using LabFlag = Stroma.Clinical.Labs.LabFlag;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Demo;

/// <summary>What <see cref="DemoRegistry.CreateAsync(StromaDbContext, DemoOptions, CancellationToken)"/> builds.</summary>
/// <param name="Patients">Size of the synthetic cohort (the study had 40).</param>
/// <param name="Seed">Seed of the deterministic generator.</param>
/// <param name="IncludeSeedCases">
/// Whether to add the two case-report patients of the seed article, and with them one synthetic patient in progress
/// at S1 (<c>DEMO-NOW-1</c>, dated relative to the day the demo is built) so that the worklist has something due.
/// </param>
/// <param name="IncludeLabs">Whether to write the cohort's lab results (off to prepare a lab-import benchmark).</param>
/// <param name="LabAnalytes">
/// The synthetic cohort's analytes to write (keys of <see cref="DemoRegistry.AnalyteKeys"/>); <c>null</c> writes all
/// fifteen (about 75 results a patient). Fewer analytes make a registry of many patients with few results each (two
/// give about 10 a patient, as a national registry's benchmark wants). The values drawn are the same either way: a
/// registry with fewer analytes is the full one without the others' rows.
/// </param>
public sealed record DemoOptions(int Patients = 40, int Seed = 2014, bool IncludeSeedCases = true, bool IncludeLabs = true,
    IReadOnlyCollection<string>? LabAnalytes = null);

/// <summary>Row counts written by the demo.</summary>
public sealed record DemoSummary(IReadOnlyDictionary<string, long> Rows);

/// <summary>
/// A demo registry: the two case-report patients of the seed article under pseudonymous ids, and a deterministic
/// synthetic cohort following the 2014 multicentre UC-MSC study (Wang D et al. Arthritis Res Ther 2014;16:R79):
/// 4 sites, UC-MSC infusions on days 0 and 7, visits at baseline and 1, 3, 6, 9 and 12 months. The template's 1-month
/// visit is UNCONFIRMED and the publication reports no figure at 1 month, so the demo records that visit (the schedule
/// is kept) but no assessment or lab result at it. Patients 1–13
/// take the published baseline rows of the paper's Table 1 (age, disease duration, baseline SLEDAI) and patients
/// 2, 3, 9, 12, 14 and 27 the published adverse events and deaths of Table 2, as they are; the rest is synthetic
/// and internally consistent (every SLEDAI-2K descriptor that depends on a lab agrees with that visit's lab result;
/// scores are computed by <c>Stroma.Clinical</c>). Response labels (MCR/PCR/relapse) are never computed: their
/// definitions are unconfirmed; trajectories only follow the published outcome category, and the labels are stored
/// as DEMO investigator adjudications (<see cref="ResponseAdjudication"/>, basis <see cref="DemoAdjudicationBasis"/>)
/// that reproduce the published counts. Everything is written
/// through the bulk path, with one audit entry per table and chunk.
/// </summary>
public static class DemoRegistry
{
    private const int ChunkSize = 2000;

    /// <summary>Published Table 1 rows 1–13: age (years), disease duration (months), baseline SLEDAI, outcome.</summary>
    private static readonly (int Age, int DurationMonths, int Sledai, Course Course)[] Table1 =
    [
        (46, 40, 17, Course.Partial), (37, 41, 12, Course.Partial), (21, 50, 11, Course.None), (28, 98, 9, Course.Major),
        (26, 120, 12, Course.None), (23, 15, 14, Course.None), (20, 62, 12, Course.Partial), (43, 26, 34, Course.PartialThenRelapse),
        (36, 97, 10, Course.MajorThenRelapse), (39, 60, 10, Course.Partial), (22, 40, 8, Course.None), (20, 50, 14, Course.None),
        (17, 75, 7, Course.None),
    ];

    /// <summary>Published Table 2: (patient, day after first infusion, term, death).</summary>
    private static readonly (int Patient, int Day, string Term, bool Death)[] Table2 =
    [
        (2, 291, "herpesvirus infection", false), (3, 135, "herpesvirus infection", false), (3, 187, "herpesvirus infection", false),
        (9, 7, "death", true), (12, 326, "tuberculosis", false), (14, 256, "death", true), (27, 192, "death", true),
    ];

    internal static readonly (string Type, int Day)[] Schedule =
    [
        ("baseline", 0), ("infusion_2", 7), ("month_1", 30), ("month_3", 91), ("month_6", 182), ("month_9", 273), ("month_12", 365),
    ];

    private enum Course
    {
        Major,
        Partial,
        None,
        MajorThenRelapse,
        PartialThenRelapse,
    }

    /// <summary>A synthetic laboratory's analytes (keys of <c>Stroma.Clinical.Labs.AnalyteCatalog</c>): key, UCUM unit, the synthetic lab's own range, decimals.</summary>
    private static readonly (string Key, string Unit, decimal Low, decimal High, int Decimals)[] Analytes =
    [
        ("creatinine", "umol/L", 45m, 84m, 0), ("urea", "mmol/L", 2.6m, 7.5m, 1), ("albumin", "g/L", 35m, 50m, 1),
        ("c3", "g/L", 0.9m, 1.8m, 2), ("c4", "g/L", 0.1m, 0.4m, 2), ("anti_dsdna", "[IU]/mL", 0m, 30m, 0),
        ("urine_protein_24h", "g/(24.h)", 0m, 0.15m, 2), ("hemoglobin", "g/L", 115m, 150m, 0), ("wbc", "10*9/L", 3.5m, 9.5m, 1),
        ("platelets", "10*9/L", 125m, 350m, 0), ("lymphocytes", "10*9/L", 1.1m, 3.2m, 2), ("ast", "U/L", 13m, 35m, 0),
        ("urine_rbc_hpf", "/[HPF]", 0m, 5m, 0), ("urine_wbc_hpf", "/[HPF]", 0m, 5m, 0), ("alt", "U/L", 7m, 40m, 0),
    ];

    /// <summary>The synthetic laboratory's analyte keys, in the order the demo draws them.</summary>
    public static IReadOnlyList<string> AnalyteKeys { get; } = [.. Analytes.Select(a => a.Key)];

    public static Task<DemoSummary> CreateAsync(StromaDbContext db, DemoOptions options, CancellationToken cancellationToken = default) =>
        CreateAsync(db, options, null, cancellationToken);

    /// <summary>
    /// As <see cref="CreateAsync(StromaDbContext, DemoOptions, CancellationToken)"/>, reporting the synthetic patients written
    /// so far (done, of <see cref="DemoOptions.Patients"/>) after each block of them is written, for a long run's progress.
    /// </summary>
    public static async Task<DemoSummary> CreateAsync(StromaDbContext db, DemoOptions options, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Patients);
        var unknown = options.LabAnalytes?.Where(k => !AnalyteKeys.Contains(k, StringComparer.Ordinal)).ToList() ?? [];
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Unknown demo analyte '{unknown[0]}'; the demo's analytes are {string.Join(", ", AnalyteKeys)}.");
        }

        // The published proteinuria figures are reproduced from the first 40 patients' 24-h proteinuria: without that
        // analyte there is nothing to calibrate.
        var calibrate = options.IncludeLabs && (options.LabAnalytes is null || options.LabAnalytes.Contains("urine_protein_24h", StringComparer.Ordinal));
        if (await db.Sites.IgnoreQueryFilters().AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The database already holds a registry; the demo needs an empty one.");
        }

        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        var now = db.Clock.GetUtcNow();
        var random = new Random(options.Seed);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Marked synthetic before any record is written, in the same transaction: no demo row exists without it.
        await AuditTrail.AppendProvenanceAsync(db, new Dictionary<string, object?>
        {
            ["synthetic"] = true,
            ["generator"] = "stroma demo",
            ["seed"] = options.Seed,
            ["patients"] = options.Patients,
            ["statement"] = SyntheticStatement(options),
        }, cancellationToken).ConfigureAwait(false);

        var sites = Enumerable.Range(1, 4).Select(i => Stamp(new Site
        {
            Id = NewId(random),
            Code = $"S{i}",
            Name = $"Demo hospital {(char)('A' + i - 1)}",
            Country = "CN",
        }, db, now)).ToList();
        var caseSite = Stamp(new Site { Id = NewId(random), Code = "CR", Name = "Case reports (seed article)", Country = "CN" }, db, now);
        var allSites = options.IncludeSeedCases ? [.. sites, caseSite] : sites;
        var labs = allSites.Select(s => Stamp(new Laboratory { Id = NewId(random), SiteId = s.Id, Code = "LAB", Name = $"{s.Name} laboratory" }, db, now)).ToList();
        var users = allSites.Select(s => Stamp(new User { Id = NewId(random), UserName = $"investigator.{s.Code.ToLowerInvariant()}", NormalizedUserName = $"INVESTIGATOR.{s.Code.ToUpperInvariant()}", DisplayName = $"Investigator {s.Code}" }, db, now)).ToList();
        var memberships = users.Select((u, i) => Stamp(new Membership
        {
            Id = NewId(random),
            UserId = u.Id,
            SiteId = allSites[i].Id,
            Role = SiteRole.Investigator,
            StartDate = new DateOnly(2010, 1, 1),
        }, db, now)).ToList();
        await WriteAsync(db, allSites, rows, options, cancellationToken).ConfigureAwait(false);
        await WriteAsync(db, labs, rows, options, cancellationToken).ConfigureAwait(false);
        await WriteAsync(db, users, rows, options, cancellationToken).ConfigureAwait(false);
        await WriteAsync(db, memberships, rows, options, cancellationToken).ConfigureAwait(false);

        var chunk = new Bundle();
        Patient? case1 = null;
        Patient? case2 = null;
        Patient? inProgress = null;
        // Adjudication ids come from their own generator so the rest of the cohort stays as it was before adjudications existed.
        var adjudicationIds = new Random(unchecked(options.Seed + 7919));
        if (options.IncludeSeedCases)
        {
            (case1, case2) = SeedCases(chunk, caseSite, labs[^1], random, db, now);
            inProgress = InProgressPatient(chunk, sites[0], new Random(unchecked(options.Seed * 31 + 9)), db, now);
        }

        var cohort = new List<DemoCellTherapy.Member>(options.Patients);
        var calibrated = DemoCalibration.Proteinuria.ToDictionary(p => p.VisitType, _ => new List<DemoCalibration.Value>(), StringComparer.Ordinal);

        for (var n = 1; n <= options.Patients; n++)
        {
            var site = sites[(n - 1) % sites.Count];
            cohort.Add(Synthetic(chunk, n, site, labs[(n - 1) % sites.Count], random, db, now, adjudicationIds, n <= 40 && calibrate ? calibrated : null,
                options.LabAnalytes));
            if (n == Math.Min(40, options.Patients) && options.Patients >= 40 && calibrate)
            {
                // The published cohort is complete: its nephritis patients' proteinuria takes the published mean and SD.
                foreach (var (type, mean, sd) in DemoCalibration.Proteinuria)
                {
                    DemoCalibration.Apply(calibrated[type], mean, sd);
                }
            }

            if (!options.IncludeLabs)
            {
                chunk.LabResults.Clear();
            }

            if (chunk.Patients.Count >= ChunkSize)
            {
                await chunk.WriteAsync(db, rows, options, cancellationToken).ConfigureAwait(false);
                chunk = new Bundle();
                progress?.Report((n, options.Patients));
            }
        }

        await chunk.WriteAsync(db, rows, options, cancellationToken).ConfigureAwait(false);
        progress?.Report((options.Patients, options.Patients));
        await DemoCellTherapy.WriteAsync(db, case1, case2, inProgress, cohort, allSites, options, rows, now, cancellationToken).ConfigureAwait(false);
        if (options.IncludeSeedCases)
        {
            // The three synthetic CAR-T patients at S2: a block of their own (own generator), after everything else.
            await DemoCellTherapy.WriteCarTAsync(db, sites[1], labs[1], options, rows, now, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new DemoSummary(rows);
    }

    /// <summary>The sentence every report of a demo registry shows on its first page.</summary>
    public static string SyntheticStatement(DemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"SYNTHETIC DATA: this registry was generated by the stroma demo command (seed {options.Seed.ToString(CultureInfo.InvariantCulture)}). "
            + $"Its {options.Patients.ToString(CultureInfo.InvariantCulture)} study patients are invented, made to reproduce the published figures of "
            + "Wang D et al. Arthritis Res Ther 2014;16:R79; they are not observations of real patients"
            + (options.IncludeSeedCases ? ", and the two case-report patients of the seed article hold only what their case reports state; "
                + "the patient in progress today and the three CAR-T patients are invented too." : ".");
    }

    internal static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // RFC 9562 version 4 layout (random).
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    internal static T Stamp<T>(T record, StromaDbContext db, DateTimeOffset now)
        where T : TrackedRecord
    {
        record.Version = 1;
        record.CreatedAt = now;
        record.CreatedBy = db.Actor;
        return record;
    }

    internal static async Task WriteAsync<T>(StromaDbContext db, List<T> items, Dictionary<string, long> rows, DemoOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (items.Count == 0)
        {
            return;
        }

        await using (var inserter = await BulkInsert.StartAsync<T>(db, skipConflicts: false, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in items)
            {
                await inserter.AddAsync(item, cancellationToken).ConfigureAwait(false);
            }

            await inserter.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        var name = typeof(T).Name;
        rows[name] = rows.GetValueOrDefault(name) + items.Count;
        var details = new Dictionary<string, object?>
        {
            ["source"] = "stroma demo",
            ["patients"] = options.Patients,
            ["seed"] = options.Seed,
            ["rows"] = items.Count,
        };
        if (items is IReadOnlyCollection<TrackedRecord> tracked)
        {
            // The ledger check's cover for rows without an audit entry each (LedgerDigest).
            details["ledger"] = LedgerDigest.Of(db, typeof(T), tracked);
        }

        await AuditTrail.AppendBatchAsync(db, name, $"demo seed {options.Seed}", details, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Bundle
    {
        public List<Patient> Patients { get; } = [];

        public List<Diagnosis> Diagnoses { get; } = [];

        public List<Visit> Visits { get; } = [];

        public List<Assessment> Assessments { get; } = [];

        public List<LabResult> LabResults { get; } = [];

        public List<Medication> Medications { get; } = [];

        public List<AdverseEvent> AdverseEvents { get; } = [];

        public List<Death> Deaths { get; } = [];

        public List<ResponseAdjudication> Adjudications { get; } = [];

        public async Task WriteAsync(StromaDbContext db, Dictionary<string, long> rows, DemoOptions options, CancellationToken cancellationToken)
        {
            await DemoRegistry.WriteAsync(db, Patients, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Diagnoses, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Visits, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Assessments, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, LabResults, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Medications, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, AdverseEvents, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Deaths, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Adjudications, rows, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The seed article's two case reports, with only what the article states.</summary>
    /// <summary>
    /// A SYNTHETIC patient in progress at <paramref name="site"/>, <see cref="DemoCellTherapy.InProgressStudyId"/>: a woman of
    /// 34 with SLE, enrolled 20 days before the demo is built (her cell-therapy records: <see cref="DemoCellTherapy"/>).
    /// Its own generator, so the rest of the demo is unchanged. No visit is recorded, so the study report's enrolled
    /// count (a baseline visit) is unchanged; she is registered at her site.
    /// </summary>
    private static Patient InProgressPatient(Bundle bundle, Site site, Random random, StromaDbContext db, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var patient = Stamp(new Patient
        {
            Id = NewId(random),
            SiteId = site.Id,
            StudyId = DemoCellTherapy.InProgressStudyId,
            Sex = Sex.Female,
            BirthYear = today.Year - 34,
        }, db, now);
        bundle.Patients.Add(patient);
        bundle.Diagnoses.Add(Stamp(new Diagnosis
        {
            Id = NewId(random),
            PatientId = patient.Id,
            Kind = DiagnosisKind.Classification,
            DiagnosisDate = today.AddYears(-3),
            Notes = "SYNTHETIC demo patient in progress (not from the seed article): enrolled 20 days before the demo was built, "
                + "first UC-MSC infusion given, the second due within the next two weeks.",
        }, db, now));
        return patient;
    }

    private static (Patient Case1, Patient Case2) SeedCases(Bundle bundle, Site site, Laboratory lab, Random random, StromaDbContext db, DateTimeOffset now)
    {
        // Case 1: woman, 57 in 2017, SLE since 2008 with rash; three monthly IV infusions of 5×10^7 UC-MSC.
        var case1 = Stamp(new Patient
        {
            Id = NewId(random),
            SiteId = site.Id,
            StudyId = "CR-001",
            Sex = Sex.Female,
            BirthYear = 2017 - 57,
        }, db, now);
        bundle.Patients.Add(case1);
        bundle.Diagnoses.Add(Stamp(new Diagnosis
        {
            Id = NewId(random),
            PatientId = case1.Id,
            Kind = DiagnosisKind.Classification,
            DiagnosisDate = new DateOnly(2008, 1, 1),
            Notes = "SLE since 2008 (year only in the case report; day and criteria set not given). History: repeated " +
                "cyclophosphamide and glucocorticoids, bowel obstruction, skin inflammation, allergies.",
        }, db, now));
        string[] followUp =
        [
            "First UC-MSC infusion (5×10^7 cells IV).",
            "Second infusion. Follow-up: no adverse reaction after the first infusion; skin improved, rash clearly reduced.",
            "Third infusion. Follow-up: after two infusions skin clearly better, rash essentially gone, sleep improved.",
        ];
        DateOnly[] infusions = [new(2017, 8, 4), new(2017, 9, 14), new(2017, 10, 12)];
        for (var i = 0; i < infusions.Length; i++)
        {
            bundle.Visits.Add(Stamp(new Visit
            {
                Id = NewId(random),
                PatientId = case1.Id,
                VisitDate = infusions[i],
                Kind = VisitKind.Scheduled,
                Type = $"infusion_{i + 1}",
                Notes = followUp[i],
            }, db, now));
        }

        // Case 2: woman, 40, SLE with lupus nephritis, admitted 2015-09-26; the article gives directions, not values.
        var case2 = Stamp(new Patient { Id = NewId(random), SiteId = site.Id, StudyId = "CR-002", Sex = Sex.Female, BirthYear = 2015 - 40 }, db, now);
        bundle.Patients.Add(case2);
        bundle.Diagnoses.Add(Stamp(new Diagnosis
        {
            Id = NewId(random),
            PatientId = case2.Id,
            Kind = DiagnosisKind.Classification,
            DiagnosisDate = new DateOnly(2015, 9, 26),
            Notes = "SLE with lupus nephritis (no biopsy class reported). MSC + NK cell therapy, 5 sessions over about 4 months; " +
                "by the fifth, symptoms essentially resolved and tests essentially normal (dates not given).",
        }, db, now));
        var admission = Stamp(new Visit
        {
            Id = NewId(random),
            PatientId = case2.Id,
            VisitDate = new DateOnly(2015, 9, 26),
            Kind = VisitKind.Unscheduled,
            Type = "admission",
            Notes = "Work-up: CBC, urine, liver and kidney function, electrolytes, coagulation (4 items), T-lymphocyte subsets, rheumatology and immunology panels, C3, C4.",
        }, db, now);
        bundle.Visits.Add(admission);
        (string Analyte, LabFlag Flag)[] reported =
        [
            ("lymphocytes", LabFlag.Low), ("platelets", LabFlag.Low), ("alp", LabFlag.Low),
            ("total_protein", LabFlag.Low), ("igg", LabFlag.Low), ("c3", LabFlag.Low),
            ("neutrophils", LabFlag.High), ("hemoglobin", LabFlag.High), ("urine_protein_dipstick", LabFlag.High),
            ("fibrinogen", LabFlag.High), ("urine_blood_dipstick", LabFlag.High),
        ];
        foreach (var (analyte, flag) in reported)
        {
            bundle.LabResults.Add(Stamp(new LabResult
            {
                Id = NewId(random),
                PatientId = case2.Id,
                VisitId = admission.Id,
                LaboratoryId = lab.Id,
                Analyte = analyte,
                SpecimenTime = new DateTimeOffset(2015, 9, 26, 0, 0, 0, TimeSpan.Zero),
                ReportedValue = flag == LabFlag.Low ? "low (value not reported)" : "high (value not reported)",
                Flag = flag,
            }, db, now));
        }

        return (case1, case2);
    }

    private static DemoCellTherapy.Member Synthetic(Bundle bundle, int number, Site site, Laboratory lab, Random random, StromaDbContext db, DateTimeOffset now, Random adjudicationIds,
        Dictionary<string, List<DemoCalibration.Value>>? calibrated, IReadOnlyCollection<string>? analytes)
    {
        var published = number <= Table1.Length ? Table1[number - 1] : ((int, int, int, Course)?)null;
        var age = published?.Item1 ?? random.Next(17, 56);
        var duration = published?.Item2 ?? random.Next(12, 121);
        var baselineSledai = published?.Item3 ?? random.Next(8, 23);
        var course = published?.Item4 ?? PickCourse(number, random);
        var baseline = new DateOnly(2011, 1, 1).AddDays(random.Next(0, 540));
        var deathDay = Table2.Where(t => t.Patient == number && t.Death).Select(t => (int?)t.Day).FirstOrDefault();
        var drawnNephritis = random.NextDouble() < 0.85;
        // The published cohort: 38 of 40 with active lupus nephritis (which two without it is the demo's choice).
        var lupusNephritis = number <= 40 ? !DemoCalibration.WithoutNephritis.Contains(number) : drawnNephritis;

        var patient = Stamp(new Patient
        {
            Id = NewId(random),
            SiteId = site.Id,
            StudyId = $"{site.Code}-{number:D3}",
            Sex = random.NextDouble() < 0.9 ? Sex.Female : Sex.Male,
            BirthYear = baseline.Year - age,
            ConsentVersion = "1.0",
            ConsentDate = baseline.AddDays(-random.Next(1, 15)),
        }, db, now);
        bundle.Patients.Add(patient);
        bundle.Diagnoses.Add(Stamp(new Diagnosis
        {
            Id = NewId(random),
            PatientId = patient.Id,
            Kind = DiagnosisKind.Classification,
            DiagnosisDate = baseline.AddMonths(-duration),
            Criteria = "acr_1997",
            CriteriaMet = true,
            Notes = "Synthetic demo record.",
        }, db, now));
        if (lupusNephritis)
        {
            string[] classes = ["III", "IV", "V", "III+V", "IV+V"];
            bundle.Diagnoses.Add(Stamp(new Diagnosis
            {
                Id = NewId(random),
                PatientId = patient.Id,
                Kind = DiagnosisKind.LupusNephritisBiopsy,
                DiagnosisDate = baseline.AddMonths(-random.Next(1, Math.Max(2, duration))),
                IsnRpsClass = classes[random.Next(classes.Length)],
                Notes = "Synthetic demo record.",
            }, db, now));
        }

        var descriptors = PickDescriptors(baselineSledai, lupusNephritis, random);
        var instrument = Sledai2k.Instrument;
        var prednisone = baselineSledai >= 12 ? 30m : 20m;
        string[] immunosuppressants = ["cyclophosphamide", "mycophenolate mofetil", "leflunomide"];
        var immunosuppressant = immunosuppressants[random.Next(immunosuppressants.Length)];
        bundle.Medications.Add(Stamp(immunosuppressant switch
        {
            "cyclophosphamide" => new Medication { Class = MedicationClass.Immunosuppressant, Drug = immunosuppressant, Dose = 0.8m, DoseUnit = "g", Frequency = "monthly IV" },
            "mycophenolate mofetil" => new Medication { Class = MedicationClass.Immunosuppressant, Drug = immunosuppressant, Dose = random.Next(2) == 0 ? 1.5m : 2m, DoseUnit = "g", Frequency = "daily" },
            _ => new Medication { Class = MedicationClass.Immunosuppressant, Drug = immunosuppressant, Dose = 20m, DoseUnit = "mg", Frequency = "daily" },
        }, db, now).With(m =>
        {
            m.Id = NewId(random);
            m.PatientId = patient.Id;
            m.StartDate = baseline.AddMonths(-Math.Min(duration, random.Next(3, 24)));
        }));
        if (random.NextDouble() < 0.6)
        {
            bundle.Medications.Add(Stamp(new Medication
            {
                Id = NewId(random),
                PatientId = patient.Id,
                Class = MedicationClass.Antimalarial,
                Drug = "hydroxychloroquine",
                Dose = 400m,
                DoseUnit = "mg",
                Frequency = "daily",
                StartDate = baseline.AddMonths(-Math.Min(duration, 6)),
            }, db, now));
        }

        Medication? steroid = null;
        var sledaiTargets = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (type, day) in Schedule)
        {
            var date = baseline.AddDays(day);
            if (deathDay is not null && day >= deathDay)
            {
                break;
            }

            var visit = Stamp(new Visit
            {
                Id = NewId(random),
                PatientId = patient.Id,
                VisitDate = date,
                Kind = VisitKind.Scheduled,
                Type = type,
                Notes = day is 0 or 7 ? "UC-MSC infusion (demo)." : null,
            }, db, now);
            bundle.Visits.Add(visit);
            if (type is "infusion_2" or "month_1")
            {
                continue;
            }

            var target = Target(course, baselineSledai, type, random);
            var present = Trim(descriptors, target);
            var items = Sledai2k.Descriptors.ToDictionary(d => d.Key, d => ItemValue.Of(present.Contains(d.Descriptor)), StringComparer.Ordinal);
            var assessment = AssessmentScoring.Score(instrument.Key, items, patient.Id, visit.Id, date)!;
            assessment.Id = NewId(random);
            bundle.Assessments.Add(Stamp(assessment, db, now));
            sledaiTargets[type] = target;
            AddLabs(bundle, patient, visit, lab, present, lupusNephritis, target, baselineSledai, random, db, now,
                lupusNephritis && calibrated is not null && calibrated.TryGetValue(type, out var list) ? list : null, analytes);
            var bilag = AssessmentScoring.Score(Bilag2004.Instrument.Key, BilagEntries(descriptors, present, lupusNephritis, course, baselineSledai, type, site),
                patient.Id, visit.Id, date)!;
            if (bilag.Total is null)
            {
                throw new InvalidOperationException($"The demo's BILAG-2004 entry for {patient.StudyId} at {type} is refused: {bilag.ResultJson}");
            }

            bilag.Id = NewId(random);
            bundle.Assessments.Add(Stamp(bilag, db, now));

            // Glucocorticoid: prednisone-equivalent mg/day, tapered with activity from this visit to the next.
            var dose = type == "baseline" ? prednisone : Math.Max(5m, Math.Round(prednisone * Math.Max(0.25m, (decimal)target / Math.Max(1, baselineSledai)) / 2.5m) * 2.5m);
            if (steroid is null || steroid.PrednisoneEquivalentMgPerDay != dose)
            {
                if (steroid is not null)
                {
                    steroid.StopDate = date.AddDays(-1);
                }

                steroid = Stamp(new Medication
                {
                    Id = NewId(random),
                    PatientId = patient.Id,
                    Class = MedicationClass.Glucocorticoid,
                    Drug = "prednisone",
                    Dose = dose,
                    DoseUnit = "mg",
                    Frequency = "daily",
                    PrednisoneEquivalentMgPerDay = dose,
                    StartDate = date,
                }, db, now);
                bundle.Medications.Add(steroid);
            }
        }

        foreach (var (_, day, term, death) in Table2.Where(t => t.Patient == number))
        {
            bundle.AdverseEvents.Add(Stamp(new AdverseEvent
            {
                Id = NewId(random),
                PatientId = patient.Id,
                Term = death ? "death (cause not given in the published table)" : term,
                OnsetDate = baseline.AddDays(day),
                Serious = death,
                Causality = Causality.NotRelated,
                Outcome = death ? "fatal" : null,
            }, db, now));
            if (death)
            {
                bundle.Deaths.Add(Stamp(new Death
                {
                    Id = NewId(random),
                    PatientId = patient.Id,
                    DeathDate = baseline.AddDays(day),
                    Causality = Causality.NotRelated,
                }, db, now));
            }
        }

        if (number > 40 && random.NextDouble() < 0.05)
        {
            bundle.AdverseEvents.Add(Stamp(new AdverseEvent
            {
                Id = NewId(random),
                PatientId = patient.Id,
                Term = "herpesvirus infection",
                OnsetDate = baseline.AddDays(random.Next(30, 360)),
                Causality = Causality.NotRelated,
                CtcaeGrade = 2,
            }, db, now));
        }

        Adjudicate(bundle, number, course, patient, site, baseline, deathDay, adjudicationIds, db, now);
        return new DemoCellTherapy.Member(patient, site.Code, baseline, patient.ConsentDate!.Value, deathDay);
    }

    /// <summary>Wording stored as the basis of every demo adjudication, so nobody mistakes it for a real judgement or a computation.</summary>
    public const string DemoAdjudicationBasis =
        "DEMO adjudication by the demo investigator: entered by 'stroma demo' to reproduce the published counts of Wang 2014 " +
        "(MCR 13/40, PCR 11/40, relapses 3 at 9 and 4 at 12 months). Not a clinical judgement and not computed by Stroma " +
        "(the MCR/PCR/relapse definitions are UNCONFIRMED).";

    /// <summary>
    /// The demo investigator's adjudications for patients 1–40, chosen to reproduce the published totals: 13 MCR and
    /// 11 PCR within 12 months, relapses after a response in 3 patients at 9 months and 4 at 12 months. Patient 9
    /// (Table 1: MCR then relapse) died on day 7 in Table 2 as transcribed, before any response visit, so the demo
    /// investigator cannot adjudicate a response for them (counted as NR, intention to treat); synthetic patient 40
    /// takes that PCR-then-relapse place. Later patients (scale cohorts) follow their synthetic course.
    /// </summary>
    private static void Adjudicate(Bundle bundle, int number, Course course, Patient patient, Site site, DateOnly baseline, int? deathDay,
        Random ids, StromaDbContext db, DateTimeOffset now)
    {
        if (number == 9)
        {
            return;
        }

        (ClinicalResponseCategory Response, int? RelapseMonth) plan = number switch
        {
            40 => (ClinicalResponseCategory.PartialClinicalResponse, 9),
            8 or 20 => (course == Course.MajorThenRelapse ? ClinicalResponseCategory.MajorClinicalResponse : ClinicalResponseCategory.PartialClinicalResponse, 9),
            _ => course switch
            {
                Course.Major => (ClinicalResponseCategory.MajorClinicalResponse, null),
                Course.MajorThenRelapse => (ClinicalResponseCategory.MajorClinicalResponse, 12),
                Course.Partial => (ClinicalResponseCategory.PartialClinicalResponse, null),
                Course.PartialThenRelapse => (ClinicalResponseCategory.PartialClinicalResponse, 12),
                _ => (ClinicalResponseCategory.NoResponse, null),
            },
        };

        var by = $"investigator.{site.Code.ToLowerInvariant()}";
        void Add(ClinicalResponseCategory category, int month, string visit)
        {
            var day = Schedule.Single(s => s.Type == visit).Day;
            if (deathDay is not null && day >= deathDay)
            {
                return;
            }

            var date = baseline.AddDays(day);
            bundle.Adjudications.Add(Stamp(new ResponseAdjudication
            {
                Id = NewId(ids),
                PatientId = patient.Id,
                AssessmentDate = date,
                MonthsSinceStart = month,
                Category = category,
                Basis = DemoAdjudicationBasis,
                VisitKeys = $"baseline;{visit}",
                AdjudicatedBy = by,
                AdjudicatedAt = new DateTimeOffset(date.AddDays(1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero),
            }, db, now));
        }

        if (plan.Response == ClinicalResponseCategory.NoResponse)
        {
            Add(ClinicalResponseCategory.NoResponse, deathDay is null ? 12 : 6, deathDay is null ? "month_12" : "month_6");
            return;
        }

        Add(plan.Response, 6, "month_6");
        if (plan.RelapseMonth is { } month)
        {
            Add(ClinicalResponseCategory.Relapse, month, $"month_{month}");
        }
    }

    /// <summary>Patients 14–40 fill the published totals (13 MCR, 11 PCR, 7 relapses among responders); later ones cycle.</summary>
    private static Course PickCourse(int number, Random random)
    {
        if (number <= 40)
        {
            // Rows 1–13 hold 2 MCR (1 relapsing), 6 PCR (1 relapsing), 5 NR; rows 14–40 add the rest.
            Course[] rest =
            [
                Course.Major, Course.Major, Course.Major, Course.Major, Course.Major, Course.Major, Course.MajorThenRelapse,
                Course.MajorThenRelapse, Course.MajorThenRelapse, Course.Major, Course.Major, Course.MajorThenRelapse,
                Course.Partial, Course.Partial, Course.Partial, Course.PartialThenRelapse, Course.Partial,
                Course.None, Course.None, Course.None, Course.None, Course.None, Course.None, Course.None, Course.None, Course.None, Course.None,
            ];
            return rest[number - 14];
        }

        var roll = random.NextDouble();
        return roll < 0.3 ? Course.Major : roll < 0.55 ? Course.Partial : roll < 0.6 ? Course.MajorThenRelapse : roll < 0.65 ? Course.PartialThenRelapse : Course.None;
    }

    private static int Target(Course course, int baseline, string type, Random random)
    {
        var fraction = (course, type) switch
        {
            (_, "baseline") => 1.0,
            (Course.Major or Course.MajorThenRelapse, "month_3") => 0.5,
            (Course.Major or Course.MajorThenRelapse, "month_6") => 0.2,
            (Course.Major, _) => 0.1,
            (Course.MajorThenRelapse, "month_9") => 0.15,
            (Course.Partial or Course.PartialThenRelapse, "month_3") => 0.7,
            (Course.Partial or Course.PartialThenRelapse, "month_6") => 0.5,
            (Course.Partial, _) => 0.45,
            (Course.PartialThenRelapse, "month_9") => 0.5,
            (Course.MajorThenRelapse or Course.PartialThenRelapse, "month_12") => 0.9,
            _ => 0.8 + (random.NextDouble() * 0.3),
        };
        return (int)Math.Round(baseline * fraction, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The demo investigator's BILAG-2004 entry at a visit: nine system grades entered, never derived (the per-system
    /// grading rules are UNCONFIRMED; Stroma stores physician-entered grades, see docs/instruments/bilag2004.md). The
    /// grades are the demo's choice. Renal, for a nephritis patient: A at baseline when baseline SLEDAI-2K is 12 or more,
    /// otherwise B; then following the patient's published outcome category (major response: B, C, D by months 3, 6, 9;
    /// partial: B then C; relapse: B again at 12 months; no response: unchanged); E without nephritis. Every other
    /// system: C where this visit's SLEDAI-2K descriptors show activity of that organ, D where they did at baseline
    /// only, E otherwise (serology has no BILAG system).
    /// </summary>
    private static Dictionary<string, ItemValue> BilagEntries(List<Sledai2kDescriptor> baselineDescriptors, HashSet<Sledai2kDescriptor> present, bool nephritis,
        Course course, int baselineSledai, string visitType, Site site)
    {
        static BilagSystem? SystemOf(Sledai2kDescriptor descriptor) => Sledai2k.Definition(descriptor).Domain switch
        {
            SledaiDomain.CentralNervousSystem => BilagSystem.Neuropsychiatric,
            SledaiDomain.Vascular or SledaiDomain.Mucocutaneous => BilagSystem.Mucocutaneous,
            SledaiDomain.Musculoskeletal => BilagSystem.Musculoskeletal,
            SledaiDomain.Renal => BilagSystem.Renal,
            SledaiDomain.Serosal => BilagSystem.Cardiorespiratory,
            SledaiDomain.Constitutional => BilagSystem.Constitutional,
            SledaiDomain.Haematological => BilagSystem.Haematological,
            _ => null,
        };

        var everActive = baselineDescriptors.Select(SystemOf).Where(x => x is not null).Select(x => x!.Value).ToHashSet();
        var activeNow = present.Select(SystemOf).Where(x => x is not null).Select(x => x!.Value).ToHashSet();
        var entries = new Dictionary<string, ItemValue>(StringComparer.Ordinal) { ["graded_by"] = ItemValue.Of($"investigator.{site.Code.ToLowerInvariant()}") };
        foreach (var system in Enum.GetValues<BilagSystem>())
        {
            var key = Bilag2004.SystemKey(system);
            var involved = system == BilagSystem.Renal ? nephritis : everActive.Contains(system);
            var grade = system == BilagSystem.Renal
                ? (nephritis ? RenalGrade(course, baselineSledai, visitType) : BilagGrade.E)
                : activeNow.Contains(system) ? BilagGrade.C : involved ? BilagGrade.D : BilagGrade.E;
            entries["grade_" + key] = ItemValue.Of(grade.ToString().ToLowerInvariant());
            entries["ever_involved_" + key] = ItemValue.Of(involved);
        }

        return entries;
    }

    /// <summary>The demo's renal grade for a nephritis patient (see <see cref="BilagEntries"/>).</summary>
    private static BilagGrade RenalGrade(Course course, int baselineSledai, string visitType)
    {
        var atBaseline = baselineSledai >= 12 ? BilagGrade.A : BilagGrade.B;
        return (course, visitType) switch
        {
            (_, "baseline") => atBaseline,
            (Course.None, _) => atBaseline,
            (_, "month_3") => BilagGrade.B,
            (_, "month_6") => BilagGrade.C,
            (Course.Major, _) => BilagGrade.D,
            (Course.MajorThenRelapse, "month_9") => BilagGrade.D,
            (Course.MajorThenRelapse or Course.PartialThenRelapse, "month_12") => BilagGrade.B,
            _ => BilagGrade.C,
        };
    }

    /// <summary>An ordered set of descriptors whose SLEDAI-2K weights add up exactly to <paramref name="target"/>.</summary>
    private static List<Sledai2kDescriptor> PickDescriptors(int target, bool lupusNephritis, Random random)
    {
        // Active nephritis: proteinuria (> 0.5 g/24 h) at baseline in every nephritis patient; no renal descriptor without nephritis.
        var pool = Sledai2k.Descriptors
            .Where(d => d.Weight < 8 || d.Descriptor == Sledai2kDescriptor.Vasculitis)
            .Where(d => lupusNephritis ? d.Descriptor != Sledai2kDescriptor.Proteinuria : d.Domain != SledaiDomain.Renal)
            .OrderBy(d => (lupusNephritis && d.Domain == SledaiDomain.Renal ? 0 : 1) + random.NextDouble())
            .ToList();
        var chosen = new List<Sledai2kDescriptorDefinition>();
        if (lupusNephritis)
        {
            chosen.Add(Sledai2k.Definition(Sledai2kDescriptor.Proteinuria));
        }

        if (!Search(pool, 0, target - chosen.Sum(d => d.Weight), chosen))
        {
            throw new InvalidOperationException($"No SLEDAI-2K descriptor set adds up to {target}.");
        }

        // Later entries are dropped first as activity falls: keep renal and serological activity longest.
        return [.. chosen.OrderBy(d => d.Descriptor == Sledai2kDescriptor.Proteinuria ? 0 : d.Domain is SledaiDomain.Renal or SledaiDomain.Immunological ? 1 : 2).Select(d => d.Descriptor)];
    }

    private static bool Search(List<Sledai2kDescriptorDefinition> pool, int start, int remaining, List<Sledai2kDescriptorDefinition> chosen)
    {
        if (remaining == 0)
        {
            return true;
        }

        for (var i = start; i < pool.Count; i++)
        {
            if (pool[i].Weight > remaining)
            {
                continue;
            }

            chosen.Add(pool[i]);
            if (Search(pool, i + 1, remaining - pool[i].Weight, chosen))
            {
                return true;
            }

            chosen.RemoveAt(chosen.Count - 1);
        }

        return false;
    }

    private static HashSet<Sledai2kDescriptor> Trim(List<Sledai2kDescriptor> ordered, int target)
    {
        var kept = new List<Sledai2kDescriptor>();
        var total = 0;
        foreach (var descriptor in ordered)
        {
            var weight = Sledai2k.Definition(descriptor).Weight;
            if (total + weight <= target)
            {
                kept.Add(descriptor);
                total += weight;
            }
        }

        return [.. kept];
    }

    private static void AddLabs(Bundle bundle, Patient patient, Visit visit, Laboratory lab, HashSet<Sledai2kDescriptor> present, bool nephritis,
        int activity, int baseline, Random random, StromaDbContext db, DateTimeOffset now, List<DemoCalibration.Value>? calibrated,
        IReadOnlyCollection<string>? analytes)
    {
        var specimen = new DateTimeOffset(visit.VisitDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(random.Next(0, 180));
        var severity = baseline == 0 ? 0.0 : Math.Clamp((double)activity / baseline, 0, 1);
        foreach (var (key, unit, low, high, decimals) in Analytes)
        {
            var span = (double)(high - low);
            double value = (double)low + (span * (0.2 + (random.NextDouble() * 0.6)));
            switch (key)
            {
                case "c3" when present.Contains(Sledai2kDescriptor.LowComplement):
                    value = (double)low * (0.45 + (random.NextDouble() * 0.4));
                    break;
                case "c4" when present.Contains(Sledai2kDescriptor.LowComplement):
                    value = (double)low * (0.3 + (random.NextDouble() * 0.6));
                    break;
                case "anti_dsdna" when present.Contains(Sledai2kDescriptor.IncreasedDnaBinding):
                    value = (double)high * (1.5 + (random.NextDouble() * 8));
                    break;
                case "urine_protein_24h" when present.Contains(Sledai2kDescriptor.Proteinuria):
                    value = 0.6 + (random.NextDouble() * 3.0 * Math.Max(0.3, severity));
                    break;
                case "urine_protein_24h" when nephritis:
                    value = 0.1 + (random.NextDouble() * 0.35);
                    break;
                case "urine_rbc_hpf" when present.Contains(Sledai2kDescriptor.Hematuria):
                    value = 6 + random.Next(0, 40);
                    break;
                case "urine_rbc_hpf":
                    value = random.Next(0, 4);
                    break;
                case "urine_wbc_hpf" when present.Contains(Sledai2kDescriptor.Pyuria):
                    value = 6 + random.Next(0, 30);
                    break;
                case "urine_wbc_hpf":
                    value = random.Next(0, 4);
                    break;
                case "platelets" when present.Contains(Sledai2kDescriptor.Thrombocytopenia):
                    value = 40 + (random.NextDouble() * 55);
                    break;
                case "wbc" when present.Contains(Sledai2kDescriptor.Leukopenia):
                    value = 1.8 + (random.NextDouble() * 1.1);
                    break;
                case "lymphocytes" when present.Contains(Sledai2kDescriptor.Leukopenia):
                    value = 0.4 + (random.NextDouble() * 0.5);
                    break;
                case "creatinine" when nephritis:
                    value = 60 + (severity * 80) + (random.NextDouble() * 20);
                    break;
                case "urea" when nephritis:
                    // Urea follows renal activity as creatinine does (the study: both significantly lower at 6 months).
                    value = 3.5 + (severity * 5) + (random.NextDouble() * 1.5);
                    break;
                case "albumin" when nephritis && present.Contains(Sledai2kDescriptor.Proteinuria):
                    value = 24 + (random.NextDouble() * 10);
                    break;
                default:
                    break;
            }

            if (analytes is not null && !analytes.Contains(key, StringComparer.Ordinal))
            {
                // Drawn all the same (value and id), so that everything else the demo writes does not depend on the selection.
                _ = NewId(random);
                continue;
            }

            var rounded = Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero);
            var text = rounded.ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), CultureInfo.InvariantCulture);
            var range = $"{low.ToString(CultureInfo.InvariantCulture)}-{high.ToString(CultureInfo.InvariantCulture)}";
            // The synthetic laboratory's report goes through the normaliser and row mapping of every lab writer
            // (Stroma.Data/Labs): its printed range flags it, as it would flag an imported row.
            var normalised = CatalogLabNormaliser.Default.Normalise(new LabReport(key, text, unit, range, patient.Sex, patient.BirthYear, specimen));
            if (!normalised.IsValid)
            {
                throw new InvalidOperationException($"The demo's {key} result {text} {unit} is refused: {string.Join("; ", normalised.Issues)}");
            }

            var row = LabResultRows.ForBulk(db, now);
            row.Id = NewId(random);
            LabResultRows.Fill(row, patient.Id, visit.Id, lab.Id, specimen, text, unit, range, normalised);
            bundle.LabResults.Add(row);
            if (key == "urine_protein_24h" && calibrated is not null)
            {
                calibrated.Add(new DemoCalibration.Value((double)rounded, present.Contains(Sledai2kDescriptor.Proteinuria), v =>
                {
                    var calibratedText = v.ToString("0.00", CultureInfo.InvariantCulture);
                    var again = CatalogLabNormaliser.Default.Normalise(new LabReport(key, calibratedText, unit, range, patient.Sex, patient.BirthYear, specimen));
                    LabResultRows.Fill(row, patient.Id, visit.Id, lab.Id, specimen, calibratedText, unit, range, again);
                }));
            }
        }
    }

    private static T With<T>(this T item, Action<T> set)
    {
        set(item);
        return item;
    }
}
