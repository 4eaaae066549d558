// Source: issue #15 "Data quality: edit checks as data, queries, source data verification" and docs/data-quality.md.
// The checks are those of docs/examples/protocol-checks.json (study-declared examples, not clinical rules).
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data.Access;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Stroma.Data.Quality;
using Stroma.Tests;

namespace Stroma.Data.Tests;

public sealed class QualityTests
{
    private const string Key = "site_wang_2014_checks";
    private static readonly DateOnly Today = new(2024, 9, 30);

    private static ManualClock Clock() => ManualClock.At("2024-09-30T09:00:00Z");

    private static string Example => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "examples", "protocol-checks.json"));

    /// <summary>
    /// S01-001 on the checks protocol, enrolment weight 50 kg, consent 2024-01-10, with one discrepancy per check kind:
    /// an infusion at 70 kg (a 40% change), an AE before consent, a grade-3 AE without outcome, a month-6 visit with
    /// creatinine but no 24-h protein, and a death before the last visit. S02-001 at another site has nothing wrong.
    /// </summary>
    private static async Task<(Patient Patient, Guid Infusion, Guid Visit)> ArrangeAsync(StromaDbContext db)
    {
        var defined = await ProtocolVersions.DefineAsync(db, Example, null);
        defined.Succeeded.ShouldBeTrue(string.Join("; ", defined.Issues));
        (await ProtocolVersions.ApproveAsync(db, Key, 1, "approved")).Succeeded.ShouldBeTrue();
        var lot = await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("UC-0001", new DateOnly(2024, 1, 2), new DateOnly(2024, 12, 31)),
            DateTimeOffset.Parse("2024-02-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var patient = await CellTherapyFixture.PatientAsync(db, "S01-001");
        var other = await CellTherapyFixture.PatientAsync(db, "S02-001", "S02");
        patient.ConsentDate = new DateOnly(2024, 1, 10);
        var enrolment = Enrol(db, patient.Id);
        Enrol(db, other.Id);
        var infusion = new Infusion
        {
            Id = Guid.NewGuid(),
            PatientId = patient.Id,
            EnrolmentId = enrolment.Id,
            EventKey = "administration_1",
            ComponentKey = "msc",
            LotId = lot.Id,
            InfusionDate = new DateOnly(2024, 2, 1),
            Start = DateTimeOffset.Parse("2024-02-01T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DoseCells = 7e7m,
            WeightKg = 70m,
            WeighedOn = new DateOnly(2024, 2, 1),
            PrecheckOutcome = "passed",
        };
        var visit = new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2024, 8, 1), Kind = VisitKind.Scheduled, Type = "month_6" };
        db.AddRange(infusion, visit,
            new LabResult
            {
                Id = Guid.NewGuid(),
                PatientId = patient.Id,
                VisitId = visit.Id,
                Analyte = "creatinine",
                ReportedValue = "80",
                ReportedUnit = "umol/L",
                NormalisedValue = 80m,
                NormalisedUnit = "umol/L",
                SpecimenTime = DateTimeOffset.Parse("2024-08-01T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            },
            new AdverseEvent { Id = Guid.NewGuid(), PatientId = patient.Id, Term = "Headache", OnsetDate = new DateOnly(2024, 1, 5), CtcaeGrade = 1, Outcome = "recovered" },
            new AdverseEvent { Id = Guid.NewGuid(), PatientId = patient.Id, Term = "Pneumonia", OnsetDate = new DateOnly(2024, 3, 5), CtcaeGrade = 3 },
            new Death { Id = Guid.NewGuid(), PatientId = patient.Id, DeathDate = new DateOnly(2024, 7, 1) });
        db.ChangeReason = "test history";
        await db.SaveChangesAsync();
        return (patient, infusion.Id, visit.Id);
    }

    private static ProtocolEnrolment Enrol(StromaDbContext db, Guid patientId)
    {
        var enrolment = new ProtocolEnrolment
        {
            Id = Guid.NewGuid(),
            PatientId = patientId,
            ProtocolKey = Key,
            ProtocolVersion = "1",
            StartDate = new DateOnly(2024, 2, 1),
            PlanningWeightKg = 50m,
            PlanningWeighedOn = new DateOnly(2024, 1, 20),
            ConsentSignedOn = new DateOnly(2024, 1, 10),
            ConsentProtocolVersion = "1",
        };
        db.ProtocolEnrolments.Add(enrolment);
        return enrolment;
    }

    private static async Task<UserAccess> UserAsync(StromaDbContext db, string name, string site, SiteRole role)
    {
        var user = new User { Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name };
        db.Users.Add(user);
        db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, SiteId = db.Sites.Single(s => s.Code == site).Id, Role = role, StartDate = new DateOnly(2024, 1, 1) });
        await db.SaveChangesAsync();
        return await UserAccess.LoadAsync(db, name, Today);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_EachCheckKind_FindsItsDiscrepancyAndOpensQueriesOnce(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "admin.wu", clock: Clock());
        var (patient, infusion, visit) = await ArrangeAsync(db);

        var first = await CheckRuns.RunAsync(db, null, null, null);
        var second = await CheckRuns.RunAsync(db, null, null, null);

        first.Issues.ShouldBeEmpty();
        (first.Enrolments, first.Checks).ShouldBe((2, 6));
        first.Findings.Select(f => (f.StudyId, f.CheckKey, f.Field, f.Value)).OrderBy(f => f.CheckKey, StringComparer.Ordinal).ShouldBe([
            ("S01-001", "ae_grade3_needs_outcome", "ae.outcome", "missing"),
            ("S01-001", "ae_onset_before_consent", "ae.onset", "2024-01-05"),
            ("S01-001", "death_after_last_visit", "death.date", "2024-07-01"),
            ("S01-001", "month_6_urine_protein", "lab.urine_protein_24h", "missing"),
            ("S01-001", "weight_change_from_enrolment", "infusion.weight", "70"),
        ]);
        first.QueriesOpened.ShouldBe(5);
        second.Findings.Count.ShouldBe(5);
        second.QueriesOpened.ShouldBe(0);
        var queries = await db.Queries.AsNoTracking().ToListAsync();
        queries.Count.ShouldBe(5);
        queries.ShouldAllBe(q => q.Status == QueryStatus.Open && q.RaisedBy == Queries.CheckActor && q.PatientId == patient.Id);
        queries.Single(q => q.Field == "infusion.weight").RecordId.ShouldBe(infusion);
        queries.Single(q => q.Field == "lab.urine_protein_24h").VisitId.ShouldBe(visit);
        (await Queries.OpenOnVisitAsync(db, visit)).ShouldBe(1);
        (await db.AuditEntries.CountAsync(a => a.Entity == nameof(QueryRecord))).ShouldBe(5);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_OtherSiteOrProtocol_FindsNothing(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "admin.wu", clock: Clock());
        await ArrangeAsync(db);

        var s02 = await CheckRuns.RunAsync(db, "S02", null, null);
        var wang = await CheckRuns.RunAsync(db, null, "wang_2014", null);
        var unknown = await CheckRuns.RunAsync(db, "S99", null, null);

        (s02.Enrolments, s02.Findings.Count).ShouldBe((1, 0));
        (wang.Enrolments, wang.Findings.Count).ShouldBe((0, 0));
        unknown.Issues.Select(i => i.Code).ShouldBe([IssueCodes.UnknownSite]);
        (await db.Queries.CountAsync()).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Query_LifeCycle_EachStepByItsRoleAuditedWithTime(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "admin.wu", clock: Clock());
        var (_, infusion, visit) = await ArrangeAsync(db);
        var monitor = await UserAsync(db, "mon.s01", "S01", SiteRole.Monitor);
        var coordinator = await UserAsync(db, "coord.s01", "S01", SiteRole.Coordinator);
        var otherMonitor = await UserAsync(db, "mon.s02", "S02", SiteRole.Monitor);

        var opened = await Queries.OpenAsync(db, monitor, new QueryTarget("visit", visit, "lab.creatinine"), "Creatinine 80: confirm the unit.");
        var byCoordinator = await Queries.OpenAsync(db, coordinator, new QueryTarget("visit", visit, "lab.creatinine"), "x");
        var hidden = await Queries.OpenAsync(db, otherMonitor, new QueryTarget("visit", visit, "lab.creatinine"), "x");
        var badField = await Queries.OpenAsync(db, monitor, new QueryTarget("infusion", infusion, "visit.date"), "");
        opened.Succeeded.ShouldBeTrue(string.Join("; ", opened.Issues));
        var id = opened.Value!.Id;
        byCoordinator.Issues.Select(i => i.Code).ShouldBe([IssueCodes.QueryStepNotAllowed]);
        hidden.Issues.Select(i => i.Code).ShouldBe([IssueCodes.QueryNotFound]);
        badField.Issues.Select(i => i.Code).ShouldBe([IssueCodes.QueryInputInvalid, IssueCodes.QueryInputInvalid]);
        (await Queries.OpenOnVisitAsync(db, visit)).ShouldBe(1);

        (await Queries.AnswerAsync(db, monitor, id, "answer")).Issues.Select(i => i.Code).ShouldBe([IssueCodes.QueryStepNotAllowed]);
        (await Queries.AnswerAsync(db, otherMonitor, id, "answer")).Issues.Select(i => i.Code).ShouldBe([IssueCodes.QueryNotFound]);
        (await Queries.AnswerAsync(db, coordinator, id, "Checked against the lab report: µmol/L.")).Succeeded.ShouldBeTrue();
        (await Queries.OpenOnVisitAsync(db, visit)).ShouldBe(0);
        (await Queries.CloseAsync(db, coordinator, id, null)).Issues.Select(i => i.Code).ShouldBe([IssueCodes.QueryStepNotAllowed]);
        (await Queries.ReopenAsync(db, monitor, id, "The report says mg/dL.")).Succeeded.ShouldBeTrue();
        (await Queries.AnswerAsync(db, coordinator, id, "Corrected.")).Succeeded.ShouldBeTrue();
        (await Queries.CloseAsync(db, monitor, id, "Resolved.")).Succeeded.ShouldBeTrue();
        (await Queries.AnswerAsync(db, coordinator, id, "late")).Issues.Select(i => i.Code).ShouldBe([IssueCodes.QueryStepNotAllowed]);

        var view = (await Queries.ListAsync(db, monitor)).Single();
        view.Status.ShouldBe(QueryStatus.Closed);
        view.Steps.Select(s => (s.Kind, s.By)).ShouldBe([
            (QueryStepKind.Opened, "mon.s01"), (QueryStepKind.Answered, "coord.s01"), (QueryStepKind.Reopened, "mon.s01"),
            (QueryStepKind.Answered, "coord.s01"), (QueryStepKind.Closed, "mon.s01"),
        ]);
        view.Steps.ShouldAllBe(s => s.At == Clock().GetUtcNow());
        (await Queries.ListAsync(db, otherMonitor)).ShouldBeEmpty();
        (await db.AuditEntries.CountAsync(a => a.Entity == nameof(QueryStepRecord))).ShouldBe(5);
    }
}
