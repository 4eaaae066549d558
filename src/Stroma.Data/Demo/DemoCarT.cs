using System.Globalization;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Scoring;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Demo;

/// <summary>
/// The demo's three SYNTHETIC CAR-T patients (issue #20), in a block of their own with their own generator so the rest
/// of the demo — the calibrated 40-patient MSC cohort above all — is unchanged. They are invented, not taken from any
/// publication: each is enrolled at demo hospital B on <see cref="CarTProtocolKey"/>, the site's copy of the
/// <c>car_t_sle</c> template with a cell dose and lymphodepletion the DEMO site chose (<see cref="CarTProtocol"/>), and
/// has a leukapheresis visit, an autologous CAR-T lot released against a FICTIONAL release specification, the
/// lymphodepletion given, one infusion, daily CRS and ICANS grading (ASTCT 2019, computed by the instruments) with the
/// neutrophil count to day 14, the clinician's ICAHT grade at day 28 (early) and month 3 (late), and visits to day 28
/// and months 3, 6 and 12 (and year 2 for the third); each recorded day and visit fulfils its schedule event. Later
/// yearly events are left to fall due. Dates are fixed, not relative to the day the demo is built. <c>S2-CART-1</c>
/// has grade 2 CRS and grade 1 ICANS, <c>S2-CART-2</c> grade 1 CRS only, <c>S2-CART-3</c> neither and is in long-term
/// follow-up at year 3 (infused 2023-09-04: the year-3 examination is due from 2026-08-28 and stays on the worklist,
/// overdue, until recorded).
/// </summary>
internal static partial class DemoCellTherapy
{
    /// <summary>The demo site's CAR-T protocol key (a copy of <c>car_t_sle</c>).</summary>
    internal const string CarTProtocolKey = "s2_car_t_sle";

    /// <summary>The demo CAR-T patients' study ids.</summary>
    internal static IReadOnlyList<string> CarTStudyIds { get; } = ["S2-CART-1", "S2-CART-2", "S2-CART-3"];

    private const string CarTFictional = "demo CAR-T release specification (fictional value)";

    /// <summary>The demo's CAR-T release specification: every limit FICTIONAL (the template leaves methods and limits to the site).</summary>
    internal static ReleaseSpecification CarTSpecification { get; } = new("Demo CAR-T release specification (fictional)", "demo-1",
    [
        new("viability", "Viable cells", CriterionKind.AtLeast, 70m, "%", ["viability"], CarTFictional),
        new("car_expression", "CAR+ T cells", CriterionKind.AtLeast, 10m, "%", ["car_expression"], CarTFictional),
        new("vector_copy_number", "Vector copy number per transduced cell", CriterionKind.AtMost, 5m, "copies/cell", ["vector_copy_number"], CarTFictional),
        new("sterility", "Sterility: no growth", CriterionKind.MustBeMet, null, "", ["sterility"], CarTFictional),
        new("endotoxin", "Endotoxin", CriterionKind.AtMost, 5m, "EU/kg", ["endotoxin"], CarTFictional),
        new("mycoplasma", "Mycoplasma: not detected", CriterionKind.MustBeMet, null, "", ["mycoplasma"], CarTFictional),
        new("replication_competent_virus", "Replication-competent lentivirus: not detected", CriterionKind.MustBeMet, null, "", ["replication_competent_virus"], CarTFictional),
    ]);

    private static readonly (string Key, ReleaseMeasurement Measurement)[] CarTResults =
    [
        ("viability", new(92m, null)), ("car_expression", new(38m, null)), ("vector_copy_number", new(1.6m, null)), ("sterility", new(null, true)),
        ("endotoxin", new(0.4m, null)), ("mycoplasma", new(null, true)), ("replication_competent_virus", new(null, true)),
    ];

    /// <summary>
    /// The demo site's CAR-T protocol: <c>car_t_sle</c> with 1×10^6 CAR+ cells/kg (the dose of Mackensen 2022) and
    /// fludarabine 25 mg/m² on days −5 to −3 and cyclophosphamide 1000 mg/m² on day −3 — the DEMO site's choice, after
    /// a secondary summary of the Erlangen protocol (UNCONFIRMED; the template sets none).
    /// </summary>
    internal static Protocol CarTProtocol()
    {
        var template = ProtocolTemplates.CarTSle();
        return template with
        {
            Key = CarTProtocolKey,
            Name = "Demo hospital B: CD19 CAR-T in refractory SLE (demo site's protocol)",
            Components = [template.Components[0] with { Dose = new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)) }],
            Notes =
            [
                .. template.Notes.Where(n => !n.StartsWith("SITE MUST SET", StringComparison.Ordinal)),
                "Copied from the built-in template car_t_sle version 1 (demo). DEMO SITE'S CHOICE: 1×10^6 CAR+ cells/kg; fludarabine 25 mg/m² on days -5 to -3 and cyclophosphamide 1000 mg/m² on day -3 (after a secondary summary of the Erlangen protocol, UNCONFIRMED).",
            ],
            CarT = template.CarT! with
            {
                Lymphodepletion =
                [
                    new LymphodepletionAgent("fludarabine", "Fludarabine", DrugDosePerSquareMetre.MilligramsPerM2(25m), [-5, -4, -3]),
                    new LymphodepletionAgent("cyclophosphamide", "Cyclophosphamide", DrugDosePerSquareMetre.MilligramsPerM2(1000m), [-3]),
                ],
            },
        };
    }

    /// <summary>One synthetic CAR-T patient: day 0, body size, the CRS and ICANS grade of each day 1–14, the neutrophil count (10^9/L) of each day 1–14, ICAHT grades, visits done.</summary>
    private sealed record CarTCase(string StudyId, Sex Sex, int Age, DateOnly Infusion, decimal HeightCm, decimal WeightKg, int[] Crs, int[] Icans, decimal[] Neutrophils,
        int EarlyIcaht, string[] Visits);

    private static readonly CarTCase[] CarTCases =
    [
        new("S2-CART-1", Sex.Female, 24, new DateOnly(2025, 3, 10), 162m, 55m,
            [1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [1.9m, 1.1m, 0.45m, 0.32m, 0.28m, 0.41m, 0.66m, 0.9m, 1.2m, 1.5m, 1.8m, 2.1m, 2.3m, 2.6m], 1,
            ["day_21", "day_28", "month_3", "month_6", "month_12"]),
        new("S2-CART-2", Sex.Female, 31, new DateOnly(2025, 5, 12), 158m, 61m,
            [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [2.4m, 1.6m, 1.0m, 0.8m, 0.7m, 0.9m, 1.3m, 1.7m, 2.0m, 2.2m, 2.5m, 2.7m, 2.9m, 3.1m], 0,
            ["day_21", "day_28", "month_3", "month_6", "month_12"]),
        new("S2-CART-3", Sex.Male, 28, new DateOnly(2023, 9, 4), 175m, 68m,
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            [2.8m, 2.0m, 1.4m, 1.1m, 0.9m, 1.0m, 1.4m, 1.9m, 2.3m, 2.6m, 2.9m, 3.2m, 3.4m, 3.5m], 0,
            ["day_21", "day_28", "month_3", "month_6", "month_12", "year_2"]),
    ];

    /// <summary>What the CAR-T block writes besides the cell-therapy rows (patients, visits, assessments, labs).</summary>
    internal sealed class CarTClinical
    {
        public List<Patient> Patients { get; } = [];

        public List<Diagnosis> Diagnoses { get; } = [];

        public List<Visit> Visits { get; } = [];

        public List<Assessment> Assessments { get; } = [];

        public List<LabResult> LabResults { get; } = [];
    }

    /// <summary>Writes the three CAR-T patients at <paramref name="site"/> (see the class summary).</summary>
    internal static async Task WriteCarTAsync(StromaDbContext db, Site site, Laboratory lab, DemoOptions options, Dictionary<string, long> rows, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var random = new Random(unchecked(options.Seed * 31 + 20));
        var clinical = new CarTClinical();
        var batch = new Rows();
        var protocol = CarTProtocol();
        var definition = new ProtocolDefinition(protocol, protocol.Version, ProtocolDefinition.DefaultLateEntryDays);
        var parsed = Store(batch, definition, ProtocolDefinitions.ToJson(definition), $"investigator.{site.Code.ToLowerInvariant()}",
            new DateTimeOffset(2023, 6, 1, 2, 0, 0, TimeSpan.Zero), random, db, now);
        var lymphodepletions = new List<LymphodepletionRecord>();
        foreach (var c in CarTCases)
        {
            CarTPatient(c, site, lab, parsed, batch, clinical, lymphodepletions, random, db, now);
        }

        await DemoRegistry.WriteAsync(db, clinical.Patients, rows, options, cancellationToken).ConfigureAwait(false);
        await DemoRegistry.WriteAsync(db, clinical.Diagnoses, rows, options, cancellationToken).ConfigureAwait(false);
        await DemoRegistry.WriteAsync(db, clinical.Visits, rows, options, cancellationToken).ConfigureAwait(false);
        await DemoRegistry.WriteAsync(db, clinical.Assessments, rows, options, cancellationToken).ConfigureAwait(false);
        await DemoRegistry.WriteAsync(db, clinical.LabResults, rows, options, cancellationToken).ConfigureAwait(false);
        await batch.FlushAsync(db, options, rows, cancellationToken).ConfigureAwait(false);
        await DemoRegistry.WriteAsync(db, lymphodepletions, rows, options, cancellationToken).ConfigureAwait(false);
    }

    private static void CarTPatient(CarTCase c, Site site, Laboratory lab, Protocol protocol, Rows batch, CarTClinical clinical, List<LymphodepletionRecord> lymphodepletions,
        Random random, StromaDbContext db, DateTimeOffset now)
    {
        var day0 = c.Infusion;
        var patient = DemoRegistry.Stamp(new Patient { Id = DemoRegistry.NewId(random), SiteId = site.Id, StudyId = c.StudyId, Sex = c.Sex, BirthYear = day0.Year - c.Age }, db, now);
        clinical.Patients.Add(patient);
        clinical.Diagnoses.Add(DemoRegistry.Stamp(new Diagnosis
        {
            Id = DemoRegistry.NewId(random),
            PatientId = patient.Id,
            Kind = DiagnosisKind.Classification,
            DiagnosisDate = day0.AddYears(-5),
            Notes = "SYNTHETIC demo CAR-T patient (invented, not from any publication): refractory SLE treated with CD19 CAR-T on the demo site's protocol.",
        }, db, now));

        Visit AddVisit(DateOnly date, string type, VisitKind kind = VisitKind.Scheduled, string? notes = null)
        {
            var visit = DemoRegistry.Stamp(new Visit { Id = DemoRegistry.NewId(random), PatientId = patient.Id, VisitDate = date, Kind = kind, Type = type, Notes = notes }, db, now);
            clinical.Visits.Add(visit);
            return visit;
        }

        void Score(Visit visit, string instrument, Dictionary<string, ItemValue> items, string expected)
        {
            var assessment = AssessmentScoring.Score(instrument, items, patient.Id, visit.Id, visit.VisitDate)!;
            if (assessment.Grade != expected)
            {
                throw new InvalidOperationException($"The demo's {instrument} for {c.StudyId} on {visit.VisitDate:yyyy-MM-dd} grades '{assessment.Grade}', not '{expected}': {assessment.ResultJson}");
            }

            assessment.Id = DemoRegistry.NewId(random);
            clinical.Assessments.Add(DemoRegistry.Stamp(assessment, db, now));
        }

        void Neutrophils(Visit visit, decimal value)
        {
            var text = value.ToString("0.00", CultureInfo.InvariantCulture);
            var specimen = new DateTimeOffset(visit.VisitDate.ToDateTime(new TimeOnly(6, 30)), TimeSpan.Zero);
            var normalised = CatalogLabNormaliser.Default.Normalise(new LabReport("neutrophils", text, "10*9/L", "1.8-6.3", patient.Sex, patient.BirthYear, specimen));
            if (!normalised.IsValid)
            {
                throw new InvalidOperationException($"The demo's neutrophil count {text} is refused: {string.Join("; ", normalised.Issues)}");
            }

            var row = LabResultRows.ForBulk(db, now);
            row.Id = DemoRegistry.NewId(random);
            LabResultRows.Fill(row, patient.Id, visit.Id, lab.Id, specimen, text, "10*9/L", "1.8-6.3", normalised);
            clinical.LabResults.Add(row);
        }

        // Leukapheresis 5 weeks before day 0, the baseline visit before lymphodepletion, consent before both.
        var apheresis = day0.AddDays(-35);
        var consent = new ConsentRecord(apheresis.AddDays(-7), protocol.Version);
        AddVisit(apheresis, "leukapheresis", VisitKind.Unscheduled, "Leukapheresis (synthetic): autologous T cells collected for CAR-T manufacture.");
        var baseline = AddVisit(day0.AddDays(-7), "baseline");
        Neutrophils(baseline, c.Neutrophils[0] + 2m);
        var enrolment = Enrol(batch, patient, protocol, day0, c.WeightKg, consent, random, db, now);

        var lot = Lot(batch, site.Id, $"DEMO-{c.StudyId}-CART", apheresis.AddDays(1), apheresis.AddDays(1).AddYears(1), 1e8m, random, db, now, CellProductType.CarT,
            (CarTSpecification, CarTResults));
        var start = new DateTimeOffset(day0.ToDateTime(new TimeOnly(10, 0)), China);
        Custody(batch, lot, CustodyEventKind.Shipped, start.AddDays(-2), "Demo GMP facility", "courier.demo", null, random, db, now);
        Custody(batch, lot, CustodyEventKind.Received, start.AddDays(-2).AddHours(5), $"Demo hospital {site.Code} cell therapy unit", "pharmacist.demo", null, random, db, now);
        Custody(batch, lot, CustodyEventKind.Thawed, start.AddMinutes(-40), $"Demo hospital {site.Code} cell therapy unit", "pharmacist.demo", null, random, db, now);
        Custody(batch, lot, CustodyEventKind.Administered, start, $"Demo hospital {site.Code} ward", "nurse.demo", patient.Id, random, db, now);
        var weight = BodyMass.FromKilograms(c.WeightKg);
        Infuse(batch, patient, enrolment, lot, protocol, "administration_1", day0, protocol.Components[0].Dose.Compute(weight).Dose!.Value, weight, consent, random, db, now,
            component: "car_t", at: start);

        // Lymphodepletion as the protocol gives it, with the BSA by its formula from the measurement a week before day 0.
        var plan = protocol.CarT!;
        var bsa = BodySurfaceArea.Calculate(BodyHeight.FromCentimetres(c.HeightCm), weight, plan.BsaFormula);
        foreach (var agent in plan.Lymphodepletion)
        {
            var days = agent.DaysRelativeToInfusion;
            lymphodepletions.Add(DemoRegistry.Stamp(new LymphodepletionRecord
            {
                Id = DemoRegistry.NewId(random),
                PatientId = patient.Id,
                EnrolmentId = enrolment.Id,
                DrugKey = agent.Key,
                Drug = agent.Drug,
                DoseMgPerSquareMetre = agent.DosePerSquareMetre!.Value.MilligramsPerSquareMetre,
                DaysRelativeToInfusion = string.Join(",", days.Select(d => d.ToString(CultureInfo.InvariantCulture))),
                InfusionDate = day0,
                FirstGivenOn = day0.AddDays(days[0]),
                LastGivenOn = day0.AddDays(days[^1]),
                HeightCm = c.HeightCm,
                WeightKg = c.WeightKg,
                MeasuredOn = baseline.VisitDate,
                BsaFormula = BodySurfaceArea.Key(bsa.Formula),
                BsaSquareMetres = bsa.SquareMetres,
                DailyDoseMg = (agent.DosePerSquareMetre!.Value * bsa).Milligrams,
            }, db, now));
        }

        // Daily CRS and ICANS grading with the neutrophil count, days 1-14.
        for (var day = 1; day <= 14; day++)
        {
            var visit = AddVisit(day0.AddDays(day), $"day_{day}");
            var crs = c.Crs[day - 1];
            Score(visit, CrsAstct2019.Instrument.Key, new Dictionary<string, ItemValue>(StringComparer.Ordinal)
            {
                ["max_temperature_c"] = ItemValue.Of(crs switch { 0 => 37.0m, 1 => 38.4m, _ => 39.1m }),
                ["hypotension"] = ItemValue.Of(crs >= 2 && day % 2 == 0 ? "without_vasopressors" : "none"),
                ["oxygen"] = ItemValue.Of(crs >= 2 && day % 2 == 1 ? "low_flow_nasal_cannula" : "none"),
            }, CrsAstct2019.GradeText(crs));
            var icans = c.Icans[day - 1];
            Score(visit, IcansAstct2019.Instrument.Key, new Dictionary<string, ItemValue>(StringComparer.Ordinal)
            {
                ["ice_orientation"] = ItemValue.Of(icans == 0 ? 4m : 3m),
                ["ice_naming"] = ItemValue.Of(3m),
                ["ice_commands"] = ItemValue.Of(1m),
                ["ice_writing"] = ItemValue.Of(icans == 0 ? 1m : 0m),
                ["ice_attention"] = ItemValue.Of(1m),
                ["consciousness"] = ItemValue.Of("awake"),
                ["seizure"] = ItemValue.Of("none"),
                ["deep_focal_motor_weakness"] = ItemValue.Of(false),
                ["raised_icp"] = ItemValue.Of("none"),
            }, IcansAstct2019.GradeText(icans));
            Neutrophils(visit, c.Neutrophils[day - 1]);
            batch.Contacts.Add(Contact(patient, enrolment, visit.Type, visit.VisitDate, ReportedChange.NotAsked, ReportedChange.NotAsked, false,
                "Demo CAR-T daily assessment (synthetic).", random, db, now));
        }

        // Visits, each fulfilling its schedule event; ICAHT by the demo clinician at day 28 (early) and month 3 (late).
        foreach (var key in c.Visits)
        {
            var date = key switch
            {
                "day_21" => day0.AddDays(21),
                "day_28" => day0.AddDays(28),
                _ when key.StartsWith("month_", StringComparison.Ordinal) => day0.AddMonths(int.Parse(key[6..], CultureInfo.InvariantCulture)),
                _ => day0.AddMonths(12 * int.Parse(key[5..], CultureInfo.InvariantCulture)),
            };
            var visit = AddVisit(date, key);
            if (key is "day_21" or "day_28" or "month_3")
            {
                Neutrophils(visit, key == "month_3" ? 3.4m : 2.9m);
            }

            if (key is "day_28" or "month_3")
            {
                var early = key == "day_28";
                var grade = early ? c.EarlyIcaht : 0;
                Score(visit, IcahtClinician.Instrument.Key, new Dictionary<string, ItemValue>(StringComparer.Ordinal)
                {
                    ["phase"] = ItemValue.Of(early ? "early" : "late"),
                    ["grade"] = ItemValue.Of((decimal)grade),
                    ["day_after_infusion"] = ItemValue.Of((decimal)(date.DayNumber - day0.DayNumber)),
                    ["basis"] = ItemValue.Of("Demo clinician's grade from the neutrophil course (synthetic)."),
                }, grade == 0 ? $"No {(early ? "early" : "late")} ICAHT" : $"{(early ? "Early" : "Late")} ICAHT grade {grade.ToString(CultureInfo.InvariantCulture)}");
            }

            batch.Contacts.Add(Contact(patient, enrolment, key, date, ReportedChange.NotAsked, ReportedChange.NotAsked, false, "Demo CAR-T follow-up visit (synthetic).",
                random, db, now));
        }
    }
}
