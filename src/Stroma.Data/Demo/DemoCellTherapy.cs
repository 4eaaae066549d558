using System.Globalization;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Demo;

/// <summary>
/// The demo's cell-therapy records, written through the bulk path after the patients: the seed's case 1 (three UC-MSC
/// lots of 5×10^7 cells, infused 2017-08-04, 2017-09-14 and 2017-10-12 on the <c>seed_case_1</c> template) and the
/// synthetic cohort on <c>wang_2014</c> (infusions on day 0 and day 7; 1×10^6 cells/kg as the template states, marked
/// UNCONFIRMED there), with released UC-MSC lots shared by up to three patients of the same site and quarter. The case
/// report and the paper give no lot attributes, release results, custody times, weights or consent dates for case 1:
/// those are demo values (fictional), like the demo site specification's viability and endotoxin limits. Schedules
/// come from <see cref="PatientSchedule.Generate"/>, doses from the template's <see cref="DoseRule"/>, and every
/// infusion is checked with <see cref="InfusionPrecheck.Run"/>; its outcome is stored as the use case would.
/// The seed's case 2 (MSC + NK cells, five sessions over about four months from her 2015-09-26 admission) is enrolled
/// on <see cref="Case2ProtocolKey"/>, the case-report site's copy of the <c>seed_case_2</c> template with doses the
/// demo site chose (the article gives none: <see cref="Case2MscDose"/>, <see cref="Case2NkDose"/>, labelled as the
/// site's choice in the protocol's notes), approved in 2015. Her consent date, session dates and lots are demo values
/// (the article says only that she consented and had five sessions). Every site also has one released lot in date
/// today (<see cref="CurrentLots"/>), so a newcomer can record an infusion in the demo and see it pass.
/// </summary>
internal static partial class DemoCellTherapy
{
    private const int FlushAt = 20000;

    /// <summary>A cohort patient as the cell-therapy part needs it.</summary>
    internal sealed record Member(Patient Patient, string SiteCode, DateOnly Baseline, DateOnly ConsentDate, int? DeathDay);

    /// <summary>The demo's site specification: ISCT 2006 plus viability and endotoxin limits that are FICTIONAL (ISCT gives none).</summary>
    internal static ReleaseSpecification Specification { get; } = ReleaseSpecification.IsctMscDefault
        .WithLimit("viability", 70m, "demo-1", "demo site specification (fictional value)")
        .WithLimit("endotoxin", 5m, "demo-1", "demo site specification (fictional value)");

    private static readonly (string Key, ReleaseMeasurement Measurement)[] Results =
    [
        ("cd73", new(98.6m, null)), ("cd90", new(99.2m, null)), ("cd105", new(97.1m, null)), ("cd45", new(0.4m, null)), ("cd34", new(0.3m, null)),
        ("cd14", new(0.5m, null)), ("cd19", new(0.2m, null)), ("hla_dr", new(0.6m, null)), ("plastic_adherence", new(null, true)),
        ("trilineage_differentiation", new(null, true)), ("viability", new(93m, null)), ("sterility", new(null, true)), ("endotoxin", new(0.5m, null)),
        ("mycoplasma", new(null, true)),
    ];

    private static readonly (string Key, ReleaseMeasurement Measurement)[] NkResults =
    [
        ("viability", new(91m, null)), ("sterility", new(null, true)), ("endotoxin", new(0.5m, null)), ("mycoplasma", new(null, true)),
    ];

    private const string Fictional = "demo site specification (fictional value)";

    /// <summary>
    /// The demo's NK-cell release specification: FICTIONAL safety limits (no published release criteria for NK-cell
    /// products are in Stroma; a site supplies its own with <c>stroma lot release --spec</c>).
    /// </summary>
    internal static ReleaseSpecification NkSpecification { get; } = new("Demo NK-cell release specification (fictional)", "demo-1",
    [
        new("viability", "Viable cells", CriterionKind.AtLeast, 70m, "%", ["viability"], Fictional),
        new("sterility", "Sterility: no growth", CriterionKind.MustBeMet, null, "", ["sterility"], Fictional),
        new("endotoxin", "Endotoxin", CriterionKind.AtMost, 5m, "EU/kg", ["endotoxin"], Fictional),
        new("mycoplasma", "Mycoplasma: not detected", CriterionKind.MustBeMet, null, "", ["mycoplasma"], Fictional),
    ]);

    /// <summary>The case-report site's MSC + NK protocol (a copy of the <c>seed_case_2</c> template).</summary>
    internal const string Case2ProtocolKey = "cr_msc_nk";

    /// <summary>MSC dose per session the demo site chose for case 2 (the article gives none): 5×10^7 cells, as in case 1.</summary>
    internal static DoseRule Case2MscDose { get; } = new DoseRule.Fixed(CellCount.Cells(5e7m));

    /// <summary>NK-cell dose per session the demo site chose for case 2 (the article gives none; a fictional demo value).</summary>
    internal static DoseRule Case2NkDose { get; } = new DoseRule.Fixed(CellCount.Cells(1e9m));

    /// <summary>Case 2's five session dates (demo values inside the article's "about four months" after admission).</summary>
    internal static IReadOnlyList<DateOnly> Case2Sessions { get; } = [new(2015, 10, 8), new(2015, 11, 9), new(2015, 12, 8), new(2016, 1, 8), new(2016, 2, 8)];

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private sealed class Rows
    {
        public List<ProtocolRecord> Protocols { get; } = [];

        public List<ProtocolVersionRecord> ProtocolVersions { get; } = [];

        public List<CellLotRecord> Lots { get; } = [];

        public List<LotReleaseTest> Tests { get; } = [];

        public List<LotDecision> Decisions { get; } = [];

        public List<CustodyEventRecord> Custody { get; } = [];

        public List<ProtocolEnrolment> Enrolments { get; } = [];

        public List<ScheduledEventRecord> Events { get; } = [];

        public List<Infusion> Infusions { get; } = [];

        public List<FollowUpContact> Contacts { get; } = [];

        public async Task FlushAsync(StromaDbContext db, DemoOptions options, Dictionary<string, long> rows, CancellationToken cancellationToken)
        {
            await DemoRegistry.WriteAsync(db, Protocols, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, ProtocolVersions, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Lots, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Tests, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Decisions, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Custody, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Enrolments, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Events, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Infusions, rows, options, cancellationToken).ConfigureAwait(false);
            await DemoRegistry.WriteAsync(db, Contacts, rows, options, cancellationToken).ConfigureAwait(false);
            Protocols.Clear();
            ProtocolVersions.Clear();
            Lots.Clear();
            Tests.Clear();
            Decisions.Clear();
            Custody.Clear();
            Enrolments.Clear();
            Events.Clear();
            Infusions.Clear();
            Contacts.Clear();
        }
    }

    public static async Task WriteAsync(StromaDbContext db, Patient? case1, Patient? case2, Patient? inProgress, List<Member> cohort, IReadOnlyList<Site> sites,
        DemoOptions options, Dictionary<string, long> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A generator of its own, so the rest of the demo stays exactly as it was for a given seed.
        var random = new Random(unchecked(options.Seed * 31 + 6));
        var batch = new Rows();
        if (case1 is not null)
        {
            SeedCase1(batch, case1, random, db, now);
        }

        if (case2 is not null)
        {
            // Its own generator too, so adding case 2 changed none of the other demo records.
            SeedCase2(batch, case2, new Random(unchecked(options.Seed * 31 + 7)), db, now);
        }

        var siteCodes = sites.Select(s => s.Code).ToList();
        var current = CurrentLots(batch, sites, case2 is not null, new Random(unchecked(options.Seed * 31 + 8)), db, now);
        if (inProgress is not null)
        {
            InProgress(batch, inProgress, current[siteCodes[0]], siteCodes[0], new Random(unchecked(options.Seed * 31 + 10)), db, now);
        }

        var groups = cohort
            .GroupBy(m => (m.SiteCode, m.Baseline.Year, Quarter: (m.Baseline.Month - 1) / 3))
            .OrderBy(g => g.Key.Year).ThenBy(g => g.Key.Quarter).ThenBy(g => g.Key.SiteCode, StringComparer.Ordinal);
        var protocol = ProtocolTemplates.Wang2014();
        foreach (var group in groups)
        {
            var quarterStart = new DateOnly(group.Key.Year, group.Key.Quarter * 3 + 1, 1);
            var members = group.ToList();
            for (var k = 0; k < members.Count; k += 3)
            {
                var lotNumber = string.Create(CultureInfo.InvariantCulture, $"DEMO-{group.Key.SiteCode}-{group.Key.Year}Q{group.Key.Quarter + 1}-{k / 3 + 1}");
                var lot = Lot(batch, members[0].Patient.SiteId, lotNumber, quarterStart.AddDays(-21), quarterStart.AddMonths(3).AddDays(60), 5e8m, random, db, now);
                var released = new DateTimeOffset(quarterStart.AddDays(-13).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
                Custody(batch, lot, CustodyEventKind.Released, released.AddHours(2), "Demo GMP facility", "qa.demo", null, random, db, now);
                Custody(batch, lot, CustodyEventKind.Shipped, released.AddDays(3), "Demo GMP facility", "courier.demo", null, random, db, now);
                Custody(batch, lot, CustodyEventKind.Received, released.AddDays(3).AddHours(6), $"Demo hospital {group.Key.SiteCode} cell therapy unit", "pharmacist.demo", null, random, db, now);
                foreach (var member in members.Skip(k).Take(3))
                {
                    var weight = BodyMass.FromKilograms(45m + random.Next(0, 61) / 2m);
                    var enrolment = Enrol(batch, member.Patient, protocol, member.Baseline, weight.Kilograms,
                        new ConsentRecord(member.ConsentDate, protocol.Version), random, db, now);
                    foreach (var (key, day) in new[] { ("administration_1", 0), ("administration_2", 7) })
                    {
                        if (member.DeathDay is { } death && day >= death)
                        {
                            break;
                        }

                        var date = member.Baseline.AddDays(day);
                        var dose = protocol.Components[0].Dose.Compute(weight).Dose!.Value;
                        Infuse(batch, member.Patient, enrolment, lot, protocol, key, date, dose, weight,
                            new ConsentRecord(member.ConsentDate, protocol.Version), random, db, now);
                    }

                    // The cohort's follow-up visits (the demo's month_N visits) fulfil the schedule's follow-up events.
                    foreach (var (type, day) in DemoRegistry.Schedule.Where(v => v.Type.StartsWith("month_", StringComparison.Ordinal)))
                    {
                        if (member.DeathDay is { } death && day >= death)
                        {
                            break;
                        }

                        batch.Contacts.Add(Contact(member.Patient, enrolment, type, member.Baseline.AddDays(day), ReportedChange.NotAsked, ReportedChange.NotAsked,
                            false, "Demo follow-up visit.", random, db, now));
                    }
                }
            }

            if (batch.Infusions.Count >= FlushAt)
            {
                await batch.FlushAsync(db, options, rows, cancellationToken).ConfigureAwait(false);
            }
        }

        await batch.FlushAsync(db, options, rows, cancellationToken).ConfigureAwait(false);
    }

    private static void SeedCase1(Rows batch, Patient case1, Random random, StromaDbContext db, DateTimeOffset now)
    {
        var protocol = ProtocolTemplates.SeedCase1();
        DateOnly[] infused = [new(2017, 8, 4), new(2017, 9, 14), new(2017, 10, 12)];
        // The case report gives no consent date: none is stored, and the stored pre-check outcome says so.
        var enrolment = Enrol(batch, case1, protocol, infused[0], null, null, random, db, now);
        for (var i = 0; i < infused.Length; i++)
        {
            var date = infused[i];
            var lot = Lot(batch, case1.SiteId, string.Create(CultureInfo.InvariantCulture, $"CR-001-UCMSC-{i + 1}"), date.AddDays(-28), date.AddDays(60), 5e7m, random, db, now);
            var start = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), China);
            var released = new DateTimeOffset(date.AddDays(-20).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
            Custody(batch, lot, CustodyEventKind.Released, released.AddHours(2), "Demo GMP facility", "qa.demo", null, random, db, now);
            Custody(batch, lot, CustodyEventKind.Shipped, start.AddDays(-1).AddHours(-1), "Demo GMP facility", "courier.demo", null, random, db, now);
            Custody(batch, lot, CustodyEventKind.Received, start.AddDays(-1).AddHours(5), "Case-report hospital cell therapy unit", "pharmacist.demo", null, random, db, now);
            Custody(batch, lot, CustodyEventKind.Thawed, start.AddMinutes(-60), "Case-report hospital cell therapy unit", "pharmacist.demo", null, random, db, now);
            Custody(batch, lot, CustodyEventKind.Prepared, start.AddMinutes(-30), "Case-report hospital cell therapy unit", "pharmacist.demo", null, random, db, now);
            Custody(batch, lot, CustodyEventKind.Administered, start, "Case-report hospital ward", "nurse.demo", case1.Id, random, db, now);
            Infuse(batch, case1, enrolment, lot, protocol, string.Create(CultureInfo.InvariantCulture, $"administration_{i + 1}"), date,
                CellCount.Cells(5e7m), null, null, random, db, now);
        }

        // What the case report says at the second and third infusions (sleep, fatigue and pain are not reported for the second).
        batch.Contacts.Add(Contact(case1, enrolment, null, infused[1], ReportedChange.Better, ReportedChange.NotAsked, false,
            "Case report: no adverse reaction after the first infusion; skin improved, rash clearly reduced.", random, db, now));
        batch.Contacts.Add(Contact(case1, enrolment, null, infused[2], ReportedChange.Better, ReportedChange.Better, false,
            "Case report: after two infusions skin clearly better, rash essentially gone, sleep improved.", random, db, now));
    }

    private static void SeedCase2(Rows batch, Patient case2, Random random, StromaDbContext db, DateTimeOffset now)
    {
        var template = ProtocolTemplates.SeedCase2(new SeedCase2Parameters(Case2MscDose, Case2NkDose, ScheduleOffset.Months(1)));
        var protocol = template with
        {
            Key = Case2ProtocolKey,
            Name = "Case-report hospital: MSC + NK cells, five monthly sessions (demo site's protocol)",
            Notes =
            [
                .. template.Notes,
                $"SITE'S CHOICE (demo, fictional): MSC {Case2MscDose} and NK cells {Case2NkDose} per session; the article gives no dose.",
                "Copied from the built-in template seed_case_2 version 1.",
            ],
        };
        var definition = new ProtocolDefinition(protocol, protocol.Version, ProtocolDefinition.DefaultLateEntryDays) { Checks = Case2Checks() };
        var parsed = Store(batch, definition, ProtocolDefinitions.ToJson(definition), "investigator.cr", new DateTimeOffset(2015, 9, 1, 2, 0, 0, TimeSpan.Zero), random, db, now);

        var consent = new ConsentRecord(new DateOnly(2015, 9, 28), protocol.Version);
        var enrolment = Enrol(batch, case2, parsed, Case2Sessions[0], null, consent, random, db, now);
        for (var i = 0; i < Case2Sessions.Count; i++)
        {
            var date = Case2Sessions[i];
            var key = string.Create(CultureInfo.InvariantCulture, $"administration_{i + 1}");
            var start = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), China);
            foreach (var (component, product, cells, at) in new[] { ("msc", CellProductType.UmbilicalCordMsc, 5e7m, start), ("nk", CellProductType.NkCells, 1e9m, start.AddHours(1)) })
            {
                var lot = Lot(batch, case2.SiteId, string.Create(CultureInfo.InvariantCulture, $"CR-002-{component.ToUpperInvariant()}-{i + 1}"), date.AddDays(-28), date.AddDays(60), cells,
                    random, db, now, product);
                Custody(batch, lot, CustodyEventKind.Released, new DateTimeOffset(date.AddDays(-20).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), "Demo GMP facility", "qa.demo", null, random, db, now);
                Custody(batch, lot, CustodyEventKind.Shipped, at.AddDays(-1).AddHours(-6), "Demo GMP facility", "courier.demo", null, random, db, now);
                Custody(batch, lot, CustodyEventKind.Received, at.AddDays(-1), "Case-report hospital cell therapy unit", "pharmacist.demo", null, random, db, now);
                Custody(batch, lot, CustodyEventKind.Administered, at, "Case-report hospital ward", "nurse.demo", case2.Id, random, db, now);
                Infuse(batch, case2, enrolment, lot, parsed, key, date, CellCount.Cells(cells), null, consent, random, db, now, component, at);
            }
        }

        batch.Contacts.Add(Contact(case2, enrolment, null, Case2Sessions[^1], ReportedChange.NotAsked, ReportedChange.NotAsked, false,
            "Case report: by the fifth session clinical symptoms essentially resolved and tests essentially normal; later phone follow-ups (dates not given) found her well.",
            random, db, now));
    }

    /// <summary>The synthetic in-progress patient's study id (a demo value, never a real patient's).</summary>
    internal const string InProgressStudyId = "DEMO-NOW-1";

    /// <summary>The S1 demo hospital's protocol: a copy of the <c>seed_case_1</c> template, unchanged (doses from the case report).</summary>
    internal const string InProgressProtocolKey = "s1_ucmsc_monthly";

    /// <summary>
    /// The synthetic in-progress patient (<see cref="InProgressStudyId"/>): enrolled on <see cref="InProgressProtocolKey"/>
    /// (approved 60 days before the demo is built) with consent 25 days before, her first infusion 20 days before from
    /// the site's lot in date, and the second (one month after the first) due within the coming two weeks, so that the
    /// worklist (<c>stroma due</c>, /worklist) shows it. Every date is relative to the day the demo is built.
    /// </summary>
    private static void InProgress(Rows batch, Patient patient, CellLotRecord lot, string siteCode, Random random, StromaDbContext db, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var template = ProtocolTemplates.SeedCase1();
        var protocol = template with
        {
            Key = InProgressProtocolKey,
            Name = "Demo hospital A: UC-MSC 5×10^7 cells IV, three infusions one month apart (demo site's protocol)",
            Notes = [.. template.Notes, "Copied from the built-in template seed_case_1 version 1 (demo)."],
        };
        var definition = new ProtocolDefinition(protocol, protocol.Version, ProtocolDefinition.DefaultLateEntryDays);
        var approvedAt = new DateTimeOffset(today.AddDays(-60).ToDateTime(new TimeOnly(2, 0)), TimeSpan.Zero);
        var parsed = Store(batch, definition, ProtocolDefinitions.ToJson(definition), $"investigator.{siteCode.ToLowerInvariant()}", approvedAt, random, db, now);

        var consent = new ConsentRecord(today.AddDays(-25), protocol.Version);
        var first = today.AddDays(-20);
        var enrolment = Enrol(batch, patient, parsed, first, null, consent, random, db, now);
        var start = new DateTimeOffset(first.ToDateTime(new TimeOnly(9, 0)), China);
        var hospital = $"Demo hospital {siteCode} cell therapy unit";
        Custody(batch, lot, CustodyEventKind.Shipped, start.AddDays(-1).AddHours(-6), "Demo GMP facility", "courier.demo", null, random, db, now);
        Custody(batch, lot, CustodyEventKind.Received, start.AddDays(-1), hospital, "pharmacist.demo", null, random, db, now);
        Custody(batch, lot, CustodyEventKind.Administered, start, $"Demo hospital {siteCode} ward", "nurse.demo", patient.Id, random, db, now);
        Infuse(batch, patient, enrolment, lot, parsed, "administration_1", first, CellCount.Cells(5e7m), null, consent, random, db, now);
    }

    /// <summary>A site's copy of a template, stored as its approved version 1 (read back through the protocol reader).</summary>
    private static Protocol Store(Rows batch, ProtocolDefinition definition, string json, string approvedBy, DateTimeOffset approvedAt, Random random,
        StromaDbContext db, DateTimeOffset now)
    {
        var protocol = definition.Protocol;
        var (parsed, problems) = ProtocolDefinitions.Parse(json, protocol.Version);
        if (parsed is null)
        {
            throw new InvalidOperationException($"The demo's protocol {protocol.Key} does not read back: {string.Join("; ", problems)}");
        }

        var record = DemoRegistry.Stamp(new ProtocolRecord { Id = DemoRegistry.NewId(random), Key = protocol.Key, Name = protocol.Name }, db, now);
        batch.Protocols.Add(record);
        batch.ProtocolVersions.Add(DemoRegistry.Stamp(new ProtocolVersionRecord
        {
            Id = DemoRegistry.NewId(random),
            ProtocolId = record.Id,
            ProtocolKey = protocol.Key,
            Number = 1,
            Status = ProtocolVersionStatus.Approved,
            Name = protocol.Name,
            DefinitionJson = json,
            ConsentVersion = definition.ConsentVersion,
            LateEntryDays = definition.LateEntryDays,
            ApprovedBy = approvedBy,
            ApprovedAt = approvedAt,
            ApprovalMeaning = "approved (demo)",
        }, db, now));
        return parsed.Protocol;
    }

    /// <summary>
    /// The demo site's edit checks on its case-2 protocol (docs/data-quality.md "The demo"): DEMO choices, not clinical
    /// rules. The case report gives no body weights, so the demo leaves them blank and both checks find that on purpose:
    /// <c>stroma checks run</c> on the demo reports the enrolment without a planning weight and each session without the
    /// weight of the day, and opens a query on each.
    /// </summary>
    internal static IReadOnlyList<Stroma.Clinical.Quality.CheckDefinition> Case2Checks()
    {
        var drafts = new Stroma.Clinical.Quality.CheckDefinition[]
        {
            new("planning_weight_recorded", Stroma.Clinical.Quality.CheckKind.RequiredWhen, Stroma.Clinical.Quality.CheckScope.Enrolment,
                Stroma.Clinical.Quality.CheckSeverity.Soft,
                new("Demo site's check: the enrolment has no planning weight.", "演示站点核查：入组记录缺少计划体重。"),
                "enrolment.weight", null, null, "enrolment.start_date is present", null, []),
            new("infusion_weight_recorded", Stroma.Clinical.Quality.CheckKind.RequiredWhen, Stroma.Clinical.Quality.CheckScope.Infusion,
                Stroma.Clinical.Quality.CheckSeverity.Soft,
                new("Demo site's check: the infusion has no weight of the day.", "演示站点核查：输注记录缺少当日体重。"),
                "infusion.weight", null, null, "infusion.dose > 0", null, []),
        };
        return [.. drafts.Select((d, i) => Stroma.Clinical.Quality.CheckDefinitions.Create(d, [], $"checks[{i}]") is ({ } c, _)
            ? c : throw new InvalidOperationException($"The demo check {d.Key} does not compile."))];
    }

    /// <summary>
    /// One released UC-MSC lot per demo site in date today (manufactured 30 days before the demo is built, expiring a
    /// year after), and an NK-cell lot at the case-report site, so that an infusion recorded in the demo today passes.
    /// </summary>
    private static Dictionary<string, CellLotRecord> CurrentLots(Rows batch, IReadOnlyList<Site> sites, bool nk, Random random, StromaDbContext db, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var lots = new Dictionary<string, CellLotRecord>(StringComparer.Ordinal);
        foreach (var site in sites)
        {
            lots[site.Code] = Lot(batch, site.Id, $"DEMO-{site.Code}-CURRENT-MSC", today.AddDays(-30), today.AddDays(365), 5e8m, random, db, now);
        }

        if (nk)
        {
            Lot(batch, sites.Single(s => s.Code == "CR").Id, "DEMO-CR-CURRENT-NK", today.AddDays(-30), today.AddDays(365), 2e9m, random, db, now, CellProductType.NkCells);
        }

        return lots;
    }

    private static FollowUpContact Contact(Patient patient, ProtocolEnrolment enrolment, string? eventKey, DateOnly date, ReportedChange rash, ReportedChange sleep,
        bool adverseReaction, string notes, Random random, StromaDbContext db, DateTimeOffset now) =>
        DemoRegistry.Stamp(new FollowUpContact
        {
            Id = DemoRegistry.NewId(random),
            PatientId = patient.Id,
            EnrolmentId = enrolment.Id,
            EventKey = eventKey,
            ContactDate = date,
            Mode = ContactMode.ClinicVisit,
            Rash = rash,
            Sleep = sleep,
            Fatigue = ReportedChange.NotAsked,
            Pain = ReportedChange.NotAsked,
            AdverseReaction = adverseReaction,
            Notes = notes,
        }, db, now);

    private static CellLotRecord Lot(Rows batch, Guid siteId, string number, DateOnly manufactured, DateOnly expires, decimal cells, Random random, StromaDbContext db, DateTimeOffset now,
        CellProductType product = CellProductType.UmbilicalCordMsc, (ReleaseSpecification Specification, (string Key, ReleaseMeasurement Measurement)[] Results)? releaseTests = null)
    {
        var id = DemoRegistry.NewId(random);
        var donor = string.Create(CultureInfo.InvariantCulture, $"DD-{random.Next(1000, 10000)}");
        var msc = product == CellProductType.UmbilicalCordMsc;
        var lot = DemoRegistry.Stamp(Lots.LotRecord(id, new CellLot(number, product, donor, msc ? "umbilical cord" : "peripheral blood", "Demo GMP facility",
            manufactured, msc ? 4 : null, CellCount.Cells(cells), CellConcentration.CellsPerMillilitre(cells / 100m), 93m, 100m,
            new LotStorage(StorageCondition.Cryopreserved, "demo LN2 tank 1"), expires), LotStatus.Released, siteId), db, now);
        batch.Lots.Add(lot);
        var tested = manufactured.AddDays(7);
        var (specification, results) = releaseTests ?? (msc ? (Specification, Results) : (NkSpecification, NkResults));
        foreach (var (key, measurement) in results)
        {
            batch.Tests.Add(DemoRegistry.Stamp(Lots.TestRecord(DemoRegistry.NewId(random), lot.Id, key, measurement, tested), db, now));
        }

        var evaluation = specification.Evaluate(results.ToDictionary(r => r.Key, r => r.Measurement, StringComparer.Ordinal));
        var signedAt = new DateTimeOffset(manufactured.AddDays(8).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        var release = new ReleaseDecision(ReleaseVerdict.Release, "qa.demo", signedAt, "QA release for clinical use (demo)");
        var decision = LotRelease.Decide(lot.ToLot(), LotStatus.Quarantine, evaluation, release, manufactured.AddDays(8));
        if (!decision.Accepted)
        {
            throw new InvalidOperationException($"Demo lot {number} would not be released: {string.Join("; ", decision.Issues)}");
        }

        batch.Decisions.Add(DemoRegistry.Stamp(Lots.DecisionRecord(DemoRegistry.NewId(random), lot.Id, release, manufactured.AddDays(8), evaluation), db, now));
        return lot;
    }

    private static void Custody(Rows batch, CellLotRecord lot, CustodyEventKind kind, DateTimeOffset at, string place, string person, Guid? patient,
        Random random, StromaDbContext db, DateTimeOffset now) =>
        batch.Custody.Add(DemoRegistry.Stamp(Lots.CustodyRecord(DemoRegistry.NewId(random), lot.Id, new CustodyEvent(kind, at, place, person), patient, null), db, now));

    private static ProtocolEnrolment Enrol(Rows batch, Patient patient, Protocol protocol, DateOnly start, decimal? weightKg, ConsentRecord? consent,
        Random random, StromaDbContext db, DateTimeOffset now)
    {
        var (enrolment, events) = Enrolments.Records(() => DemoRegistry.NewId(random), patient.Id, protocol,
            new EnrolmentRequest(start, weightKg, weightKg is null ? null : start, consent));
        batch.Enrolments.Add(DemoRegistry.Stamp(enrolment, db, now));
        batch.Events.AddRange(events.Select(e => DemoRegistry.Stamp(e, db, now)));
        return enrolment;
    }

    private static void Infuse(Rows batch, Patient patient, ProtocolEnrolment enrolment, CellLotRecord lot, Protocol protocol, string eventKey, DateOnly date,
        CellCount dose, BodyMass? weight, ConsentRecord? consent, Random random, StromaDbContext db, DateTimeOffset now, string component = "msc",
        DateTimeOffset? at = null)
    {
        var issues = InfusionPrecheck.Run(new InfusionPrecheckInput(protocol, component, lot.ToLot(), lot.Status, date, weight, weight is null ? null : date, dose, consent));
        if (issues.Any(i => i.IsError && i.Code != Clinical.Issues.IssueCodes.ConsentNotCurrent))
        {
            throw new InvalidOperationException($"Demo infusion of {patient.StudyId} fails its pre-check: {string.Join("; ", issues)}");
        }

        var start = at ?? new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), China);
        batch.Infusions.Add(DemoRegistry.Stamp(new Infusion
        {
            Id = DemoRegistry.NewId(random),
            PatientId = patient.Id,
            EnrolmentId = enrolment.Id,
            EventKey = eventKey,
            ComponentKey = component,
            LotId = lot.Id,
            InfusionDate = date,
            Start = start.ToUniversalTime(),
            Stop = start.AddMinutes(40).ToUniversalTime(),
            DoseCells = dose.Value,
            WeightKg = weight?.Kilograms,
            WeighedOn = weight is null ? null : date,
            PrecheckOutcome = issues.Count == 0 ? "passed"
                : "recorded from the case report; pre-check: " + string.Join("; ", issues.Select(i => $"{i.Code} {i.Message}")),
        }, db, now));
    }
}
