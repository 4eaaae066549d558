// Source: issue #15 "Checks run when data is saved (web, CLI, import: a soft check warns and opens a query; a hard check
// refuses)" and docs/data-quality.md "Save-time checks". The checks below are test-only, study-declared examples built on
// docs/examples/protocol-checks.json (its infusion weight checks, plus creatinine and adverse-event checks whose limits
// are this test's choice, not clinical rules).
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Stroma.Tests;
using ClinicalAdverseEvent = Stroma.Clinical.CellTherapy.AdverseEvent;

namespace Stroma.Data.Tests;

public sealed class SaveCheckTests
{
    private const string Key = "save_checks";
    private const string History = "entered from the paper record";
    private static readonly DateOnly Day0 = new(2024, 3, 1);

    private static ManualClock Clock() => ManualClock.At("2024-06-30T09:00:00Z");

    private static JsonObject Check(string key, string kind, string scope, string severity, string field, string? when = null, decimal? max = null)
    {
        var check = new JsonObject
        {
            ["key"] = key,
            ["kind"] = kind,
            ["scope"] = scope,
            ["severity"] = severity,
            ["field"] = field,
            ["message"] = new JsonObject { ["en"] = $"Study-declared check {key}.", ["zh-CN"] = $"研究定义的核查 {key}。" },
        };
        if (when is not null)
        {
            check["when"] = when;
        }

        if (max is not null)
        {
            check["max"] = max;
        }

        return check;
    }

    /// <summary>The example protocol with one soft and one hard check per record type that is saved.</summary>
    public static string Protocol()
    {
        var protocol = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "examples", "protocol-checks.json")))!.AsObject();
        protocol["key"] = Key;
        var example = protocol["checks"]!.AsArray();
        protocol["checks"] = new JsonArray(
            example.Single(c => (string?)c!["key"] == "weight_plausible")!.DeepClone(),
            example.Single(c => (string?)c!["key"] == "weight_change_from_enrolment")!.DeepClone(),
            Check("creatinine_high", "range", "visit", "soft", "lab.creatinine", max: 500m),
            Check("creatinine_implausible", "range", "visit", "hard", "lab.creatinine", max: 3000m),
            Check("ae_before_enrolment", "cross_field", "adverse_event", "soft", "ae.onset", "ae.onset < enrolment.start_date"),
            Check("ae_before_consent", "cross_field", "adverse_event", "hard", "ae.onset", "ae.onset < enrolment.consent_date"));
        return protocol.ToJsonString();
    }

    /// <summary>S01-001 enrolled from <see cref="Day0"/> (58 kg, consent <see cref="Day0"/> − 10 days), a released lot and a visit.</summary>
    public static async Task<(Guid PatientId, Guid VisitId)> ArrangeAsync(StromaDbContext db)
    {
        var defined = await ProtocolVersions.DefineAsync(db, Protocol(), null);
        defined.Succeeded.ShouldBeTrue(string.Join("; ", defined.Issues));
        (await ProtocolVersions.ApproveAsync(db, Key, 1, "approved")).Succeeded.ShouldBeTrue();
        await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("UC-0001", new DateOnly(2024, 1, 2), new DateOnly(2024, 12, 31)),
            DateTimeOffset.Parse("2024-02-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var patient = await CellTherapyFixture.PatientAsync(db, "S01-001");
        var enrolled = await Enrolments.EnrolAsync(db, "S01-001", Key, new EnrolmentRequest(Day0, 58m, Day0, new ConsentRecord(Day0.AddDays(-10), "1")));
        enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
        var visit = new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2024, 6, 1), Kind = VisitKind.Scheduled, Type = "month_3" };
        db.Visits.Add(visit);
        await db.SaveChangesAsync();
        return (patient.Id, visit.Id);
    }

    private static InfusionRequest Infuse(decimal weight, bool confirmed = false)
    {
        var start = new DateTimeOffset(Day0.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        return new InfusionRequest("S01-001", "UC-0001", "administration_1", "msc", start, start.AddMinutes(40), 1e6m * weight, weight, Day0,
            [new VitalSigns(start.AddMinutes(-15), 118m, 76m, 72m, 36.6m, 16m, 98m)], [new VitalSigns(start.AddMinutes(60), 120m, 78m, 74m, 36.8m, 16m, 98m)],
            [], [], LateEntryReason: History, WeightConfirmed: confirmed);
    }

    private static ClinicalAdverseEvent Headache(DateOnly onset) =>
        new("headache", AdverseEventCategory.Other, onset, null, CtcaeGrade.Mild, SeriousnessCriteria.None, Relatedness.Unlikely,
            Expectedness.Expected, AdverseEventOutcome.Recovered, null);

    private static LabEntryRequest Creatinine(Guid patientId, Guid visitId, string value, int hour) =>
        new(patientId, visitId, null, new DateTimeOffset(2024, 6, 1, hour, 0, 0, TimeSpan.FromHours(8)), [new LabEntryValue("creatinine", value, "umol/L", null)]);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LabEntry_SoftCheck_SavesWarnsAndOpensOneQuery(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "coord.s01", clock: Clock());
        var (patientId, visitId) = await ArrangeAsync(db);

        var first = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default, Creatinine(patientId, visitId, "600", 8));
        var second = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default, Creatinine(patientId, visitId, "650", 9));

        first.Saved.ShouldBeTrue(string.Join("; ", first.Issues));
        var warning = first.Issues.ShouldHaveSingleItem();
        (warning.Code, warning.Severity, warning.Path).ShouldBe((IssueCodes.CheckSoftFinding, Severity.Warning, "lab.creatinine"));
        warning.Message.ShouldContain("creatinine_high");
        second.Saved.ShouldBeTrue();
        second.Issues.Select(i => i.Code).ShouldBe([IssueCodes.CheckSoftFinding]);
        (await db.LabResults.CountAsync()).ShouldBe(2);
        var query = await db.Queries.AsNoTracking().SingleAsync();
        (query.CheckKey, query.RecordType, query.RecordId, query.VisitId, query.Field, query.ValueWhenOpened, query.RaisedBy)
            .ShouldBe(("creatinine_high", "visit", visitId, visitId, "lab.creatinine", "600", Quality.Queries.CheckActor));
        (await db.AuditEntries.CountAsync(a => a.Entity == nameof(QueryRecord))).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LabEntry_HardCheck_RefusedWithFieldErrorAndWritesNothing(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "coord.s01", clock: Clock());
        var (patientId, visitId) = await ArrangeAsync(db);
        var audit = await db.AuditEntries.CountAsync();

        var refused = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default, Creatinine(patientId, visitId, "5000", 8));
        await db.SaveChangesAsync();

        refused.Saved.ShouldBeFalse();
        refused.Issues.Where(i => i.IsError).Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.CheckHardFinding, "lab.creatinine")]);
        refused.Issues.Single(i => i.IsError).Message.ShouldContain("creatinine_implausible");
        (await db.LabResults.CountAsync()).ShouldBe(0);
        (await db.Queries.CountAsync()).ShouldBe(0);
        (await db.AuditEntries.CountAsync()).ShouldBe(audit);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infuse_SoftAndHardChecks_SoftSavesWithQueryHardRefuses(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "coord.s01", clock: Clock());
        await ArrangeAsync(db);

        // 300 kg: outside the declared 20-250 kg (hard); 72 kg: 24% from the 58 kg enrolment weight (soft, > 20%).
        var hard = await Infusions.RecordAsync(db, Infuse(300m, confirmed: true));
        var soft = await Infusions.RecordAsync(db, Infuse(72m));

        hard.Succeeded.ShouldBeFalse();
        hard.Issues.Where(i => i.Code == IssueCodes.CheckHardFinding).Select(i => i.Path).ShouldBe(["infusion.weight"]);
        soft.Succeeded.ShouldBeTrue(string.Join("; ", soft.Issues));
        soft.Issues.Where(i => i.Code == IssueCodes.CheckSoftFinding).Select(i => (i.Path, i.Severity)).ShouldBe([("infusion.weight", Severity.Warning)]);
        var infusion = await db.Infusions.AsNoTracking().SingleAsync();
        infusion.WeightKg.ShouldBe(72m);
        var query = await db.Queries.AsNoTracking().SingleAsync();
        (query.CheckKey, query.RecordType, query.RecordId, query.ValueWhenOpened).ShouldBe(("weight_change_from_enrolment", "infusion", infusion.Id, "72"));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AdverseEvent_SoftAndHardChecks_SoftSavesWithQueryHardRefuses(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "coord.s01", clock: Clock());
        await ArrangeAsync(db);

        // Enrolment consent 2024-02-20, start 2024-03-01: an onset on 2024-02-10 is before both, on 2024-02-25 only before the start.
        var hard = await FollowUps.RecordAdverseEventAsync(db, "S01-001", Headache(new DateOnly(2024, 2, 10)), History);
        var soft = await FollowUps.RecordAdverseEventAsync(db, "S01-001", Headache(new DateOnly(2024, 2, 25)), History);
        var clean = await FollowUps.RecordAdverseEventAsync(db, "S01-001", Headache(new DateOnly(2024, 3, 5)), History);

        hard.Succeeded.ShouldBeFalse();
        hard.Issues.Where(i => i.IsError).Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.CheckHardFinding, "ae.onset")]);
        soft.Succeeded.ShouldBeTrue(string.Join("; ", soft.Issues));
        soft.Issues.Select(i => i.Code).ShouldBe([IssueCodes.CheckSoftFinding]);
        clean.Issues.ShouldBeEmpty();
        (await db.AdverseEvents.CountAsync()).ShouldBe(2);
        var query = await db.Queries.AsNoTracking().SingleAsync();
        (query.CheckKey, query.RecordType, query.RecordId, query.Field).ShouldBe(("ae_before_enrolment", "adverse_event", soft.Value!.Id, "ae.onset"));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LabImport_SoftAndHardChecks_HardRowRejectedSoftRowOpensQuery(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var setup = database.Open(actor: "coord.s01", clock: Clock()))
        {
            await ArrangeAsync(setup);
        }

        const string Header = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n";
        var soft = "S01,S01-001,2024-06-01,creatinine,600,umol/L,,,2024-06-01T08:00:00+08:00\n";
        var hard = "S01,S01-001,2024-06-01,creatinine,5000,umol/L,,,2024-06-01T09:00:00+08:00\n";
        var rejects = new List<LabImportReject>();
        await using var db = database.Open(actor: "importer", clock: Clock());
        async Task<LabImportResult> ImportAsync(string rows, bool partial)
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(Header + rows));
            return await LabImport.RunAsync(db, input, "labs.csv", TextWriter.Null, CatalogLabNormaliser.Default,
                new LabImportOptions { Partial = partial, Rejects = rejects });
        }

        var whole = await ImportAsync(soft + hard, partial: false);
        (whole.Committed, whole.Rejected, whole.QueriesOpened).ShouldBe((false, 1, 0));
        (await db.Queries.CountAsync(), await db.LabResults.CountAsync()).ShouldBe((0, 0));
        var partial = await ImportAsync(soft + hard, partial: true);
        var again = await ImportAsync(soft, partial: false);

        var reject = rejects.First();
        (reject.Line, reject.Field, reject.Value, reject.Issue.Code).ShouldBe((3, "value", "5000", IssueCodes.CheckHardFinding));
        reject.Issue.Message.ShouldContain("creatinine_implausible");
        (partial.Committed, partial.Inserted, partial.Rejected, partial.QueriesOpened).ShouldBe((true, 1, 1, 1));
        (again.Duplicates, again.QueriesOpened).ShouldBe((1, 0));
        (await db.LabResults.AsNoTracking().SingleAsync()).ReportedValue.ShouldBe("600");
        (await db.Queries.AsNoTracking().SingleAsync()).CheckKey.ShouldBe("creatinine_high");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task LabImport_MoreEnrolledPatientsThanSqliteTakesParameters_LoadsTheFilesPatientsAndStillChecks(DatabaseEngine engine)
    {
        // Issue #22: the import's checks loaded the records of every patient enrolled on a protocol with lab checks and
        // sent all their ids in one list (SQLite takes at most 32 766 parameters in a statement). 33 000 more patients
        // are enrolled here; the file names two. The checks must still fire for the patient that has a check.
        const int Enrolled = 33_000;
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var setup = database.Open(actor: "coord.s01", clock: Clock()))
        {
            await ArrangeAsync(setup);
            var template = await setup.ProtocolEnrolments.AsNoTracking().SingleAsync();
            var siteId = await setup.Patients.Select(p => p.SiteId).SingleAsync();
            var now = Clock().GetUtcNow();
            var ids = Enumerable.Range(0, Enrolled).Select(_ => Guid.NewGuid()).ToList();
            await using var transaction = await setup.Database.BeginTransactionAsync();
            await using (var patients = await BulkInsert.StartAsync<Patient>(setup, skipConflicts: false))
            {
                for (var i = 0; i < Enrolled; i++)
                {
                    await patients.AddAsync(new Patient { Id = ids[i], SiteId = siteId, StudyId = $"S01-B{i:D5}", Sex = Stroma.Clinical.Labs.Sex.Female, BirthYear = 1990, Version = 1, CreatedAt = now, CreatedBy = "bulk" });
                }

                await patients.CompleteAsync();
            }

            await using (var enrolments = await BulkInsert.StartAsync<ProtocolEnrolment>(setup, skipConflicts: false))
            {
                foreach (var id in ids)
                {
                    await enrolments.AddAsync(new ProtocolEnrolment
                    {
                        Id = Guid.NewGuid(),
                        PatientId = id,
                        ProtocolKey = template.ProtocolKey,
                        ProtocolVersion = template.ProtocolVersion,
                        StartDate = Day0,
                        Version = 1,
                        CreatedAt = now,
                        CreatedBy = "bulk",
                    });
                }

                await enrolments.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        await using var db = database.Open(actor: "importer", clock: Clock());
        (await db.ProtocolEnrolments.CountAsync()).ShouldBe(Enrolled + 1);
        var rows = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n"
            + "S01,S01-001,2024-06-01,creatinine,600,umol/L,,,2024-06-01T08:00:00+08:00\n"
            + "S01,S01-001,2024-06-01,creatinine,5000,umol/L,,,2024-06-01T09:00:00+08:00\n"
            + "S01,S01-B00042,,creatinine,80,umol/L,,,2024-06-01T08:00:00+08:00\n";
        var rejects = new List<LabImportReject>();
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(rows));

        var result = await LabImport.RunAsync(db, input, "labs.csv", TextWriter.Null, CatalogLabNormaliser.Default, new LabImportOptions { Partial = true, Rejects = rejects });

        (result.Committed, result.Inserted, result.Rejected, result.QueriesOpened).ShouldBe((true, 2, 1, 1));
        rejects.ShouldHaveSingleItem().Issue.Code.ShouldBe(IssueCodes.CheckHardFinding);
        (await db.Queries.AsNoTracking().SingleAsync()).CheckKey.ShouldBe("creatinine_high");
    }
}
