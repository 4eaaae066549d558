// Source: issue #17 "CDISC ODM and SDTM": `stroma import odm FILE.xml` into an empty registry gives the same export
// back (round trip), all or nothing, with clear errors (docs/interop.md "CDISC ODM 1.3.2", docs/issue-codes.md ODM001–ODM008,
// PRT015), protocol definitions included.
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Export;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using Stroma.Interop.Odm;

namespace Stroma.Interop.Tests.Odm;

public sealed class OdmImportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly XNamespace Odm = OdmOids.Namespace;

    /// <summary>
    /// An export with what cannot be equal after an import removed, exactly (docs/interop.md, "Round trip"): the file's own
    /// identity and time (FileOID, CreationDateTime); every AuditRecord and the AdminData users (the import's records were
    /// entered by whoever imported, when they did); and each location's EffectiveDate (the day its site was added).
    /// </summary>
    internal static string Comparable(string path)
    {
        var document = XDocument.Load(path);
        var root = document.Root!;
        root.Attribute("FileOID")!.Remove();
        root.Attribute("CreationDateTime")!.Remove();
        document.Descendants(Odm + "AuditRecord").Remove();
        document.Descendants(Odm + "User").Remove();
        document.Descendants(Odm + "MetaDataVersionRef").Attributes("EffectiveDate").Remove();
        return document.ToString();
    }

    /// <summary>
    /// Two queries through their writer (<see cref="Stroma.Data.Quality.Queries"/>), at the first infused patient's site: one on
    /// the patient's first visit, opened by a monitor, answered, re-opened, answered again and closed (five steps), and one on
    /// the infusion, still open. Returns (queries, steps).
    /// </summary>
    internal static async Task<(int Queries, int Steps)> AddQueriesAsync(StromaDbContext db)
    {
        var infusion = await db.Infusions.OrderBy(i => i.InfusionDate).ThenBy(i => i.EventKey).FirstAsync(Token);
        var patient = await db.Patients.SingleAsync(p => p.Id == infusion.PatientId, Token);
        var visit = await db.Visits.Where(v => v.PatientId == patient.Id).OrderBy(v => v.VisitDate).ThenBy(v => v.Id).FirstAsync(Token);
        async Task<Stroma.Data.Access.UserAccess> UserAsync(string name, SiteRole role)
        {
            var user = new User { Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = name };
            db.Users.Add(user);
            db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, SiteId = patient.SiteId, Role = role, StartDate = new DateOnly(2000, 1, 1) });
            await db.SaveChangesAsync(Token);
            return await Stroma.Data.Access.UserAccess.LoadAsync(db, name, Stroma.Data.CellTherapy.LateEntry.Today(db), Token);
        }

        var monitor = await UserAsync("monitor.queries", SiteRole.Monitor);
        var coordinator = await UserAsync("coordinator.queries", SiteRole.Coordinator);
        var opened = await Stroma.Data.Quality.Queries.OpenAsync(db, monitor, new Stroma.Data.Quality.QueryTarget("visit", visit.Id, "lab.creatinine"),
            "test: creatinine 80, confirm the unit", Token);
        opened.Issues.ShouldBeEmpty();
        var id = opened.Value!.Id;
        (await Stroma.Data.Quality.Queries.AnswerAsync(db, coordinator, id, "test: umol/L per the lab report", Token)).Issues.ShouldBeEmpty();
        (await Stroma.Data.Quality.Queries.ReopenAsync(db, monitor, id, "test: the report says mg/dL", Token)).Issues.ShouldBeEmpty();
        (await Stroma.Data.Quality.Queries.AnswerAsync(db, coordinator, id, "test: corrected", Token)).Issues.ShouldBeEmpty();
        (await Stroma.Data.Quality.Queries.CloseAsync(db, monitor, id, null, Token)).Issues.ShouldBeEmpty();
        (await Stroma.Data.Quality.Queries.OpenAsync(db, monitor, new Stroma.Data.Quality.QueryTarget("infusion", infusion.Id, "infusion.weight"), "test: weight of the day?", Token))
            .Issues.ShouldBeEmpty();
        return (2, 6);
    }

    private static async Task<string> DemoExportAsync(TestDatabase database, string directory)
    {
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 4, Seed: 5), Token);
            // The demo's seed case reports carry no consent; the registry registers nobody without one (REG006), so they get
            // one here, dated at their first visit, before the export that the import must accept.
            foreach (var patient in await db.Patients.Where(p => p.ConsentDate == null || p.ConsentVersion == null).ToListAsync(Token))
            {
                var first = await db.Visits.Where(v => v.PatientId == patient.Id).Select(v => (DateOnly?)v.VisitDate).MinAsync(Token);
                patient.ConsentVersion = "v1";
                patient.ConsentDate = first ?? new DateOnly(2020, 1, 1);
            }

            // ... and some of their results were recorded only as "low (value not reported)", which the lab path refuses
            // (LAB004): they are removed (a soft delete, audited) so the export holds only what the registry's writers accept.
            foreach (var lab in await db.LabResults.Where(l => l.ReportedValue.Contains("not reported")).ToListAsync(Token))
            {
                db.MarkDeleted(lab, "test: a result without a value");
            }

            // At least one death, with a cause, so that the round trip carries one (F.DTH).
            if (!await db.Deaths.AnyAsync(Token))
            {
                var patient = await db.Patients.OrderBy(p => p.StudyId).FirstAsync(Token);
                var last = await db.Visits.Where(v => v.PatientId == patient.Id).MaxAsync(v => v.VisitDate, Token);
                db.Deaths.Add(new Stroma.Data.Model.Death
                {
                    Id = Guid.CreateVersion7(),
                    PatientId = patient.Id,
                    DeathDate = last.AddDays(30),
                    Cause = "Sepsis",
                    Causality = Stroma.Data.Model.Causality.Unlikely,
                });
            }

            // A suspect lot on one adverse event (the file's lots are imported before the events that name them), and one infusion
            // with vital signs before and after, a premedication and a reaction, so that the round trip carries each of them.
            var infusion = await db.Infusions.OrderBy(i => i.InfusionDate).ThenBy(i => i.EventKey).FirstAsync(Token);
            var adverseEvent = await db.AdverseEvents.OrderBy(a => a.OnsetDate).FirstAsync(Token);
            adverseEvent.LotId = await db.Infusions.Where(i => i.PatientId == adverseEvent.PatientId).Select(i => (Guid?)i.LotId).FirstOrDefaultAsync(Token)
                ?? await db.CellLots.Where(l => l.SiteId == db.Patients.Where(p => p.Id == adverseEvent.PatientId).Select(p => p.SiteId).First()).Select(l => l.Id).FirstAsync(Token);
            adverseEvent.Causality = Stroma.Data.Model.Causality.Possible;
            var start = infusion.Start;
            var stop = infusion.Stop ?? start.AddMinutes(40);
            db.InfusionVitalSigns.Add(new InfusionVitalSigns
            {
                Id = Guid.CreateVersion7(),
                InfusionId = infusion.Id,
                Phase = VitalSignPhase.Pre,
                At = start.AddMinutes(-15),
                SystolicMmHg = 118m,
                DiastolicMmHg = 76m,
                HeartRatePerMinute = 72m,
                TemperatureCelsius = 36.8m,
                RespiratoryRatePerMinute = 14m,
                OxygenSaturationPercent = 98m,
            });
            db.InfusionVitalSigns.Add(new InfusionVitalSigns { Id = Guid.CreateVersion7(), InfusionId = infusion.Id, Phase = VitalSignPhase.Post, At = stop.AddMinutes(15), TemperatureCelsius = 37.9m });
            db.InfusionPremedications.Add(new InfusionPremedication { Id = Guid.CreateVersion7(), InfusionId = infusion.Id, Drug = "chlorphenamine", Dose = "10 mg IV", GivenAt = start.AddMinutes(-30) });
            db.InfusionReactions.Add(new InfusionReactionRecord
            {
                Id = Guid.CreateVersion7(),
                InfusionId = infusion.Id,
                Term = "Infusion related reaction",
                Grade = CtcaeGrade.Mild,
                Onset = start.AddMinutes(20),
                Action = "infusion slowed",
            });

            // A contact reporting that adverse event as a reaction (linked by its F.AE repeat key), entered late with a reason;
            // the demo's contacts and its CAR-T patients' lymphodepletion carry the rest of F.CONTACT and F.LD.
            db.FollowUpContacts.Add(new FollowUpContact
            {
                Id = Guid.CreateVersion7(),
                PatientId = adverseEvent.PatientId,
                ContactDate = adverseEvent.OnsetDate,
                Mode = ContactMode.PhoneCall,
                Rash = ReportedChange.Worse,
                Fatigue = ReportedChange.Better,
                AdverseReaction = true,
                AdverseEventId = adverseEvent.Id,
                Notes = "test: reaction reported by phone",
                EnteredLate = true,
                LateEntryReason = "test: call noted on paper first",
            });

            db.ChangeReason = "test: consent for the seed case reports; results without a value; a suspect lot";
            await db.SaveChangesAsync(Token);

            // A reschedule of the infused patient's last event, and the deviations found as of today, through their writers, so that
            // the round trip carries a calendar that is not only what the protocol gives (F.SCHED) and recorded deviations (F.DEV).
            var studyId = await db.Patients.Where(p => p.Id == infusion.PatientId).Select(p => p.StudyId).SingleAsync(Token);
            var protocol = await db.ProtocolEnrolments.Where(e => e.Id == infusion.EnrolmentId).Select(e => e.ProtocolKey).SingleAsync(Token);
            var latest = (await db.ScheduledEvents.AsNoTracking().Where(e => e.EnrolmentId == infusion.EnrolmentId).ToListAsync(Token))
                .OrderBy(e => e.Target).ThenBy(e => e.EventKey, StringComparer.Ordinal).Last();
            (await Stroma.Data.CellTherapy.Enrolments.RescheduleAsync(db, studyId, latest.EventKey, latest.Target.AddDays(9), "test: patient away that week", protocol, Token))
                .Issues.ShouldBeEmpty();
            foreach (var patient in await db.Patients.Select(p => p.StudyId).ToListAsync(Token))
            {
                await Stroma.Data.CellTherapy.Deviations.DetectAsync(db, patient, Stroma.Data.CellTherapy.LateEntry.Today(db), Token);
            }

            // Queries with their steps, through their writer, so that the round trip carries F.QUERY.
            await AddQueriesAsync(db);

            // A second version of one of the demo's protocols, still a draft, with its reason, through its writer, so that the
            // round trip carries an unsigned version after a signed one (IG.PROTOCOL).
            var revised = await db.ProtocolVersions.OrderBy(v => v.ProtocolKey).FirstAsync(Token);
            (await Stroma.Data.Protocols.ProtocolVersions.DefineAsync(db, revised.DefinitionJson, "test: a second version, not yet approved", Token)).Issues.ShouldBeEmpty();
        }

        var path = Path.Combine(directory, "a.xml");
        await OdmExport.WriteAsync(database.Configuration, path, CsvExportOptions.Everything, Token);
        return path;
    }

    /// <summary>
    /// A registry that defined and approved the source's protocol versions itself before the import (as a site would, by
    /// hand): the target gets the source's, as stored, so that the file's <c>IG.PROTOCOL</c> finds them already held.
    /// </summary>
    private static async Task CopyProtocolsAsync(TestDatabase source, TestDatabase target)
    {
        await using var from = source.Open();
        await using var to = target.Open("protocols");
        foreach (var p in await from.Protocols.AsNoTracking().ToListAsync(Token))
        {
            to.Protocols.Add(new ProtocolRecord { Id = p.Id, Key = p.Key, Name = p.Name });
        }

        foreach (var v in await from.ProtocolVersions.AsNoTracking().ToListAsync(Token))
        {
            to.ProtocolVersions.Add(new ProtocolVersionRecord
            {
                Id = v.Id,
                ProtocolId = v.ProtocolId,
                ProtocolKey = v.ProtocolKey,
                Number = v.Number,
                Status = v.Status,
                Name = v.Name,
                DefinitionJson = v.DefinitionJson,
                ConsentVersion = v.ConsentVersion,
                LateEntryDays = v.LateEntryDays,
                ChangeReason = v.ChangeReason,
                ApprovedBy = v.ApprovedBy,
                ApprovedAt = v.ApprovedAt,
                ApprovalMeaning = v.ApprovalMeaning,
            });
        }

        await to.SaveChangesAsync(Token);
    }

    /// <summary>
    /// Imports each case into <paramref name="target"/>: refused, with its code in a message that names the file, and nothing
    /// written (no site, patient or record of any kind; the protocol versions still <paramref name="heldProtocols"/>).
    /// </summary>
    private static async Task RefusesEachAsync(TestDatabase target, string directory, IEnumerable<(string Name, string Content, string Code)> cases,
        List<(string Key, int Number, ProtocolVersionStatus Status, string Json, string? ChangeReason, string? ApprovedBy, DateTimeOffset? ApprovedAt, string? ApprovalMeaning)> heldProtocols)
    {
        foreach (var (name, content, code) in cases)
        {
            var path = Path.Combine(directory, name);
            await File.WriteAllTextAsync(path, content, Token);
            await using (var db = target.Open("importer"))
            {
                var result = await OdmImport.RunAsync(db, path, Token);
                result.Refused.ShouldBeTrue(name);
                result.Issues.ShouldContain(i => i.Code == code && i.Message.StartsWith(name, StringComparison.Ordinal), name);
            }

            (await CountsAsync(target)).ShouldBe((0, 0, 0, 0, 0, 0, 0, 0, 0), name);
            (await CellTherapyCountsAsync(target)).ShouldBe((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), name);
            (await CalendarCountsAsync(target)).ShouldBe((0, 0, 0), name);
            (await QueryCountsAsync(target)).ShouldBe((0, 0), name);
            (await ProtocolVersionsAsync(target)).ShouldBe(heldProtocols, name);
            await using var read = target.Open();
            (await read.Protocols.CountAsync(Token)).ShouldBe(heldProtocols.Select(v => v.Key).Distinct().Count(), name);
        }
    }

    private static async Task<List<(string Key, int Number, ProtocolVersionStatus Status, string Json, string? ChangeReason, string? ApprovedBy, DateTimeOffset? ApprovedAt, string? ApprovalMeaning)>>
        ProtocolVersionsAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return [.. (await db.ProtocolVersions.AsNoTracking().ToListAsync(Token)).OrderBy(v => v.ProtocolKey, StringComparer.Ordinal).ThenBy(v => v.Number)
            .Select(v => (v.ProtocolKey, v.Number, v.Status, v.DefinitionJson, v.ChangeReason, v.ApprovedBy, v.ApprovedAt, v.ApprovalMeaning))];
    }

    private static async Task<(int Lots, int Tests, int Decisions, int Custody, int Enrolments, int Infusions, int Vitals, int Premedications, int Reactions, int Contacts, int Lymphodepletions)>
        CellTherapyCountsAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return (await db.CellLots.IgnoreQueryFilters().CountAsync(Token), await db.LotReleaseTests.IgnoreQueryFilters().CountAsync(Token),
            await db.LotDecisions.IgnoreQueryFilters().CountAsync(Token), await db.CustodyEvents.IgnoreQueryFilters().CountAsync(Token),
            await db.ProtocolEnrolments.IgnoreQueryFilters().CountAsync(Token), await db.Infusions.IgnoreQueryFilters().CountAsync(Token),
            await db.InfusionVitalSigns.IgnoreQueryFilters().CountAsync(Token), await db.InfusionPremedications.IgnoreQueryFilters().CountAsync(Token),
            await db.InfusionReactions.IgnoreQueryFilters().CountAsync(Token), await db.FollowUpContacts.IgnoreQueryFilters().CountAsync(Token),
            await db.Lymphodepletions.IgnoreQueryFilters().CountAsync(Token));
    }

    private static async Task<(int Queries, int QuerySteps)> QueryCountsAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return (await db.Queries.IgnoreQueryFilters().CountAsync(Token), await db.QuerySteps.IgnoreQueryFilters().CountAsync(Token));
    }

    private static async Task<(int Events, int Changes, int Deviations)> CalendarCountsAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return (await db.ScheduledEvents.IgnoreQueryFilters().CountAsync(Token), await db.ScheduleChanges.IgnoreQueryFilters().CountAsync(Token),
            await db.ProtocolDeviations.IgnoreQueryFilters().CountAsync(Token));
    }

    private static async Task<(int Sites, int Patients, int Visits, int Assessments, int Labs, int Diagnoses, int Medications, int AdverseEvents, int Deaths)> CountsAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return (await db.Sites.CountAsync(Token), await db.Patients.IgnoreQueryFilters().CountAsync(Token), await db.Visits.IgnoreQueryFilters().CountAsync(Token),
            await db.Assessments.IgnoreQueryFilters().CountAsync(Token), await db.LabResults.IgnoreQueryFilters().CountAsync(Token),
            await db.Diagnoses.IgnoreQueryFilters().CountAsync(Token), await db.Medications.IgnoreQueryFilters().CountAsync(Token),
            await db.AdverseEvents.IgnoreQueryFilters().CountAsync(Token), await db.Deaths.IgnoreQueryFilters().CountAsync(Token));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RunAsync_DemoExportIntoEmptyRegistry_ExportsTheSameFileBack(DatabaseEngine engine)
    {
        var directory = Directory.CreateTempSubdirectory("stroma-odm-").FullName;
        try
        {
            await using var source = await TestDatabase.CreateAsync(engine);
            var a = await DemoExportAsync(source, directory);
            await using var target = await TestDatabase.CreateAsync(engine);

            OdmImportResult result;
            await using (var db = target.Open("importer"))
            {
                result = await OdmImport.RunAsync(db, a, Token);
            }

            result.Issues.ShouldBeEmpty();
            result.Subjects.ShouldBeGreaterThan(0);
            result.LabResults.ShouldBeGreaterThan(0);
            // The protocol versions, defined from the file before anyone is enrolled on them, as the source stored them.
            var protocols = await ProtocolVersionsAsync(source);
            result.ProtocolVersions.ShouldBe(protocols.Count);
            (await ProtocolVersionsAsync(target)).ShouldBe(protocols);
            protocols.ShouldContain(v => v.Status == ProtocolVersionStatus.Approved && v.ApprovedBy != null);
            protocols.ShouldContain(v => v.Number == 2 && v.Status == ProtocolVersionStatus.Draft && v.ChangeReason == "test: a second version, not yet approved");
            var (_, _, _, _, _, diagnoses, medications, adverseEvents, deaths) = await CountsAsync(source);
            (result.Diagnoses, result.Medications, result.AdverseEvents, result.Deaths).ShouldBe((diagnoses, medications, adverseEvents, deaths));
            deaths.ShouldBeGreaterThan(0);
            XDocument.Load(a).Descendants(Odm + "ItemGroupData").Count(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.DeathGroup).ShouldBe(deaths);
            diagnoses.ShouldBeGreaterThan(0);
            medications.ShouldBeGreaterThan(0);
            adverseEvents.ShouldBeGreaterThan(0);
            var cellTherapy = await CellTherapyCountsAsync(source);
            (result.Lots, result.ReleaseTests, result.LotDecisions, result.CustodyEvents, result.Enrolments, result.Infusions)
                .ShouldBe((cellTherapy.Lots, cellTherapy.Tests, cellTherapy.Decisions, cellTherapy.Custody, cellTherapy.Enrolments, cellTherapy.Infusions));
            (await CellTherapyCountsAsync(target)).ShouldBe(cellTherapy);
            cellTherapy.Lots.ShouldBeGreaterThan(0);
            cellTherapy.Tests.ShouldBeGreaterThan(0);
            cellTherapy.Decisions.ShouldBeGreaterThan(0);
            cellTherapy.Custody.ShouldBeGreaterThan(0);
            cellTherapy.Enrolments.ShouldBeGreaterThan(0);
            cellTherapy.Infusions.ShouldBeGreaterThan(0);
            (cellTherapy.Vitals, cellTherapy.Premedications, cellTherapy.Reactions).ShouldBe((2, 1, 1));
            (result.Contacts, result.Lymphodepletions).ShouldBe((cellTherapy.Contacts, cellTherapy.Lymphodepletions));
            cellTherapy.Contacts.ShouldBeGreaterThan(1);
            cellTherapy.Lymphodepletions.ShouldBeGreaterThan(0);
            // Each enrolment's calendar, with the reschedule and its history, and the recorded deviations.
            var calendars = await CalendarCountsAsync(source);
            (result.ScheduledEvents, result.ScheduleChanges, result.Deviations).ShouldBe(calendars);
            (await CalendarCountsAsync(target)).ShouldBe(calendars);
            calendars.Events.ShouldBeGreaterThan(0);
            calendars.Changes.ShouldBe(1);
            calendars.Deviations.ShouldBeGreaterThan(0);
            await using (var db = target.Open())
            {
                var change = await db.ScheduleChanges.SingleAsync(Token);
                (change.Reason, change.ChangedBy, change.ToDate.DayNumber - change.FromDate.DayNumber).ShouldBe(("test: patient away that week", "demo", 9));
                (await db.ScheduledEvents.SingleAsync(e => e.EnrolmentId == change.EnrolmentId && e.EventKey == change.EventKey, Token)).Target.ShouldBe(change.ToDate);
                (await db.ScheduledEvents.CountAsync(e => e.Target != e.OriginalTarget, Token)).ShouldBe(1);
            }

            await using (var db = target.Open())
            {
                // The adverse event names its suspect lot, imported from the file's ReferenceData.
                (await db.AdverseEvents.CountAsync(a => a.LotId != null, Token)).ShouldBe(1);
                // The contact names its adverse event: the same patient's event that was linked in the source.
                var linked = await db.FollowUpContacts.Where(c => c.AdverseEventId != null).Select(c => new { c.PatientId, Event = c.AdverseEvent!.PatientId, c.AdverseEvent.Term, c.AdverseEvent.LotId })
                    .ToListAsync(Token);
                linked.ShouldHaveSingleItem();
                (linked[0].Event, linked[0].LotId is not null).ShouldBe((linked[0].PatientId, true));
                // Contacts of a schedule event keep their enrolment, lymphodepletion the BSA and amount computed again.
                (await db.FollowUpContacts.CountAsync(c => c.EventKey != null && c.EnrolmentId == null, Token)).ShouldBe(0);
                (await db.FollowUpContacts.CountAsync(c => c.EnrolmentId != null, Token)).ShouldBeGreaterThan(0);
            }

            // The queries and every step, in order, on the same records; the import opened none of its own.
            var queries = await QueryCountsAsync(source);
            (result.Queries, result.QuerySteps).ShouldBe(queries);
            (await QueryCountsAsync(target)).ShouldBe(queries);
            queries.Queries.ShouldBeGreaterThanOrEqualTo(2);
            await using (var db = target.Open())
            {
                var closed = await db.Queries.SingleAsync(q => q.Text == "test: creatinine 80, confirm the unit", Token);
                (closed.Status, closed.RecordType, closed.RaisedBy).ShouldBe((QueryStatus.Closed, "visit", "monitor.queries"));
                (await db.Visits.AnyAsync(v => v.Id == closed.RecordId && v.PatientId == closed.PatientId, Token)).ShouldBeTrue();
                (await db.QuerySteps.Where(x => x.QueryId == closed.Id).OrderBy(x => x.Number).Select(x => x.Kind).ToListAsync(Token))
                    .ShouldBe([QueryStepKind.Opened, QueryStepKind.Answered, QueryStepKind.Reopened, QueryStepKind.Answered, QueryStepKind.Closed]);
            }

            var b = Path.Combine(directory, "b.xml");
            await OdmExport.WriteAsync(target.Configuration, b, CsvExportOptions.Everything, Token);

            Comparable(b).ShouldBe(Comparable(a));
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RunAsync_MalformedOrInvalidFiles_RefusedWithCodeAndNothingWritten(DatabaseEngine engine)
    {
        var directory = Directory.CreateTempSubdirectory("stroma-odm-").FullName;
        try
        {
            await using var source = await TestDatabase.CreateAsync(engine);
            var a = await DemoExportAsync(source, directory);
            var text = await File.ReadAllTextAsync(a, Token);
            var document = XDocument.Parse(text);
            var lastLab = document.Descendants(Odm + "ItemData").Last(i => (string?)i.Attribute("ItemOID") == OdmOids.LabUnit);
            lastLab.Attribute("Value")!.Value = "U/L";
            var badDate = XDocument.Parse(text);
            badDate.Descendants(Odm + "ItemData").Last(i => (string?)i.Attribute("ItemOID") == OdmOids.VisitDate).Attribute("Value")!.Value = "2024-02-30";
            var meddra = XDocument.Parse(text);
            var term = meddra.Descendants(Odm + "ItemData").First(i => (string?)i.Attribute("ItemOID") == OdmOids.AdverseEventTerm);
            term.AddAfterSelf(new XElement(Odm + "ItemData", new XAttribute("ItemOID", OdmOids.AdverseEventMeddra), new XAttribute("Value", "10000000")));
            var lot = XDocument.Parse(text);
            lot.Descendants(Odm + "ItemData").First(i => (string?)i.Attribute("ItemOID") == OdmOids.AdverseEventTerm)
                .AddAfterSelf(new XElement(Odm + "ItemData", new XAttribute("ItemOID", OdmOids.AdverseEventLot), new XAttribute("Value", "LOT-NOT-HERE")));
            var dose = XDocument.Parse(text);
            dose.Descendants(Odm + "ItemData").First(i => (string?)i.Attribute("ItemOID") == OdmOids.MedicationDose).Attribute("Value")!.Value = "-5";
            var diagnosis = XDocument.Parse(text);
            diagnosis.Descendants(Odm + "ItemData").First(i => (string?)i.Attribute("ItemOID") == OdmOids.DiagnosisKind).Attribute("Value")!.Value = "rumour";
            var twoDeaths = XDocument.Parse(text);
            var death = twoDeaths.Descendants(Odm + "ItemGroupData").First(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.DeathGroup);
            death.AddAfterSelf(new XElement(death));
            death.ElementsAfterSelf().First().Attribute("ItemGroupRepeatKey")!.Value = "2";
            var deathCausality = XDocument.Parse(text);
            deathCausality.Descendants(Odm + "ItemData").First(i => (string?)i.Attribute("ItemOID") == OdmOids.DeathCausality).Attribute("Value")!.Value = "fate";
            // One broken record of each cell-therapy kind: the file is refused with the rule's code.
            XDocument Broken(Action<XDocument> change)
            {
                var copy = XDocument.Parse(text);
                change(copy);
                return copy;
            }

            XElement FirstItem(XDocument d, string oid) => d.Descendants(Odm + "ItemData").First(i => (string?)i.Attribute("ItemOID") == oid);
            XElement FirstGroup(XDocument d, string oid) => d.Descendants(Odm + "ItemGroupData").First(g => (string?)g.Attribute("ItemGroupOID") == oid);
            var lotViability = Broken(d => FirstItem(d, OdmOids.LotViability).Attribute("Value")!.Value = "150");
            var lotStatus = Broken(d => FirstItem(d, OdmOids.LotStatus).Attribute("Value")!.Value = "quarantine");
            var releaseTest = Broken(d => FirstGroup(d, OdmOids.ReleaseTestGroup).Elements(Odm + "ItemData")
                .Where(i => (string?)i.Attribute("ItemOID") is OdmOids.ReleaseTestValue or OdmOids.ReleaseTestMet).Remove());
            var decision = Broken(d =>
            {
                var evaluation = FirstGroup(d, OdmOids.DecisionGroup).Elements(Odm + "ItemData").Single(i => (string?)i.Attribute("ItemOID") == OdmOids.DecisionEvaluation);
                var json = evaluation.Attribute("Value")!.Value;
                var pass = json.IndexOf("\"Pass\"", StringComparison.Ordinal);
                evaluation.Attribute("Value")!.Value = json[..pass] + "\"Fail\"" + json[(pass + 6)..];
            });
            var custodyPlace = Broken(d => FirstGroup(d, OdmOids.CustodyGroup).Elements(Odm + "ItemData").Single(i => (string?)i.Attribute("ItemOID") == OdmOids.CustodyPlace).Remove());
            var enrolment = Broken(d => FirstItem(d, OdmOids.EnrolmentVersion).Attribute("Value")!.Value = "99");
            var infusionEvent = Broken(d => FirstItem(d, OdmOids.InfusionEvent).Attribute("Value")!.Value = "administration_99");
            var contactEvent = Broken(d => FirstItem(d, OdmOids.ContactEvent).Attribute("Value")!.Value = "month_99");
            var contactAdverseEvent = Broken(d => FirstItem(d, OdmOids.ContactAdverseEvent).Attribute("Value")!.Value = "99");
            var contactReaction = Broken(d => FirstItem(d, OdmOids.ContactAdverseEvent).Parent!.Elements(Odm + "ItemData")
                .Single(i => (string?)i.Attribute("ItemOID") == OdmOids.ContactAdverseReaction).Attribute("Value")!.Value = "false");
            var lymphodepletionBsa = Broken(d => FirstItem(d, OdmOids.LymphodepletionBsa).Attribute("Value")!.Value = "1.9999");
            var lymphodepletionDrug = Broken(d => FirstItem(d, OdmOids.LymphodepletionDrugKey).Attribute("Value")!.Value = "bendamustine");
            var lymphodepletionDays = Broken(d => FirstItem(d, OdmOids.LymphodepletionDays).Attribute("Value")!.Value = "-3,-4");
            // Calendars: an event the protocol does not give, or gives otherwise, or leaves out; a reschedule from a target the
            // event did not have, or without its reason; a target the reschedules do not give. Deviations: an event not in the
            // calendar, the same deviation twice.
            var scheduleLabel = Broken(d => FirstItem(d, OdmOids.ScheduleEventLabel).Attribute("Value")!.Value = "Month 99");
            var scheduleWindow = Broken(d => FirstItem(d, OdmOids.ScheduleEventWindowAfter).Attribute("Value")!.Value = "99");
            var scheduleMissing = Broken(d => FirstGroup(d, OdmOids.ScheduleEventGroup).Remove());
            var scheduleUnknown = Broken(d => FirstItem(d, OdmOids.ScheduleEventKey).Attribute("Value")!.Value = "month_99");
            var changeFrom = Broken(d => FirstItem(d, OdmOids.ScheduleChangeFrom).Attribute("Value")!.Value = "2001-01-01");
            var changeReason = Broken(d => FirstItem(d, OdmOids.ScheduleChangeReason).Remove());
            var scheduleTarget = Broken(d => FirstItem(d, OdmOids.ScheduleChangeEvent).Parent!.Parent!.Elements(Odm + "ItemGroupData")
                .First(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.ScheduleEventGroup).Elements(Odm + "ItemData")
                .Single(i => (string?)i.Attribute("ItemOID") == OdmOids.ScheduleEventTarget).Attribute("Value")!.Value = "2001-01-01");
            var deviationEvent = Broken(d => FirstItem(d, OdmOids.DeviationEvent).Attribute("Value")!.Value = "month_99");
            var deviationTwice = Broken(d =>
            {
                var form = FirstGroup(d, OdmOids.DeviationGroup).Parent!;
                form.AddAfterSelf(new XElement(form));
                form.ElementsAfterSelf().First().Attribute("FormRepeatKey")!.Value = "99";
            });
            // Queries: a step the status does not allow (a re-opening of an open query, by the site), a record the subject does not have.
            var queryTransition = Broken(d => d.Descendants(Odm + "ItemData").Where(i => (string?)i.Attribute("ItemOID") == OdmOids.QueryStepAction).Skip(1).First()
                .Attribute("Value")!.Value = "reopened");
            var queryTarget = Broken(d => FirstItem(d, OdmOids.QueryRecord).Attribute("Value")!.Value = "SE.NOT_HERE:1");
            var infusionLot = Broken(d => FirstGroup(d, OdmOids.InfusionGroup).Elements(Odm + "ItemData").Single(i => (string?)i.Attribute("ItemOID") == OdmOids.LotNumber)
                .Attribute("Value")!.Value = "LOT-NOT-HERE");
            // Protocol versions: a definition that does not read, a built-in template's key, a version the registry holds otherwise.
            XElement ProtocolItem(XDocument d, string oid) => FirstGroup(d, OdmOids.ProtocolVersionGroup).Elements(Odm + "ItemData").Single(i => (string?)i.Attribute("ItemOID") == oid);
            var protocolDefinition = Broken(d => ProtocolItem(d, OdmOids.ProtocolVersionDefinition).Attribute("Value")!.Value = "{\"format\": \"stroma-protocol/1\",");
            var protocolTemplate = Broken(d => ProtocolItem(d, OdmOids.ProtocolVersionKey).Attribute("Value")!.Value = ProtocolTemplates.All[0].Key);
            var protocolDiffers = Broken(d => ProtocolItem(d, OdmOids.ProtocolVersionMeaning).Attribute("Value")!.Value = "reviewed");
            // A de-identified export names lots by a per-export key, not their labels: it cannot be imported.
            var deidentified = Path.Combine(directory, "deidentified-export.xml");
            await OdmExport.WriteAsync(source.Configuration, deidentified, new CsvExportOptions([], Deidentify: true), Token);
            var cases = new (string Name, string Content, string Code)[]
            {
                ("deidentified.xml", await File.ReadAllTextAsync(deidentified, Token), IssueCodes.OdmUnknownOid),
                ("lot-viability.xml", lotViability.ToString(), IssueCodes.OutOfRange),
                ("lot-status.xml", lotStatus.ToString(), IssueCodes.OdmScoreMismatch),
                ("release-test.xml", releaseTest.ToString(), IssueCodes.MissingItem),
                ("decision.xml", decision.ToString(), IssueCodes.LotReleaseWithoutPassedSpecification),
                ("custody.xml", custodyPlace.ToString(), IssueCodes.CustodyMissingPlaceOrPerson),
                ("enrolment.xml", enrolment.ToString(), IssueCodes.ProtocolVersionNotFound),
                ("protocol-definition.xml", protocolDefinition.ToString(), IssueCodes.ProtocolUnreadable),
                ("protocol-template.xml", protocolTemplate.ToString(), IssueCodes.ProtocolTemplateReadOnly),
                ("protocol-differs.xml", protocolDiffers.ToString(), IssueCodes.ProtocolVersionDiffers),
                ("infusion-event.xml", infusionEvent.ToString(), IssueCodes.NotAnAdministration),
                ("infusion-lot.xml", infusionLot.ToString(), IssueCodes.OdmLotNotInRegistry),
                ("contact-event.xml", contactEvent.ToString(), IssueCodes.ScheduleUnknownEvent),
                ("contact-ae.xml", contactAdverseEvent.ToString(), IssueCodes.OdmBadValue),
                ("contact-reaction.xml", contactReaction.ToString(), IssueCodes.Contradiction),
                ("ld-bsa.xml", lymphodepletionBsa.ToString(), IssueCodes.OdmScoreMismatch),
                ("ld-drug.xml", lymphodepletionDrug.ToString(), IssueCodes.LymphodepletionUnknownDrug),
                ("ld-days.xml", lymphodepletionDays.ToString(), IssueCodes.LymphodepletionDaysInvalid),
                ("schedule-label.xml", scheduleLabel.ToString(), IssueCodes.OdmScoreMismatch),
                ("schedule-window.xml", scheduleWindow.ToString(), IssueCodes.OdmScoreMismatch),
                ("schedule-missing.xml", scheduleMissing.ToString(), IssueCodes.OdmScoreMismatch),
                ("schedule-unknown.xml", scheduleUnknown.ToString(), IssueCodes.OdmScoreMismatch),
                ("schedule-target.xml", scheduleTarget.ToString(), IssueCodes.OdmScoreMismatch),
                ("reschedule-from.xml", changeFrom.ToString(), IssueCodes.OdmScoreMismatch),
                ("reschedule-reason.xml", changeReason.ToString(), IssueCodes.RescheduleWithoutReason),
                ("deviation-event.xml", deviationEvent.ToString(), IssueCodes.ScheduleUnknownEvent),
                ("deviation-twice.xml", deviationTwice.ToString(), IssueCodes.OdmBadValue),
                ("query-transition.xml", queryTransition.ToString(), IssueCodes.QueryStepNotAllowed),
                ("query-target.xml", queryTarget.ToString(), IssueCodes.OdmBadValue),
                ("two-deaths.xml", twoDeaths.ToString(), IssueCodes.OdmBadValue),
                ("death-causality.xml", deathCausality.ToString(), IssueCodes.OdmBadValue),
                ("meddra.xml", meddra.ToString(), IssueCodes.OdmScoreMismatch),
                ("lot.xml", lot.ToString(), IssueCodes.OdmLotNotInRegistry),
                ("dose.xml", dose.ToString(), IssueCodes.MedicationDoseInvalid),
                ("diagnosis.xml", diagnosis.ToString(), IssueCodes.OdmBadValue),
                ("truncated.xml", text[..(text.Length / 2)], IssueCodes.OdmNotOdm),
                ("version.xml", text.Replace("ODMVersion=\"1.3.2\"", "ODMVersion=\"1.3.1\"", StringComparison.Ordinal), IssueCodes.OdmNotOdm),
                ("unit.xml", document.ToString(), "LAB003"),
                ("date.xml", badDate.ToString(), IssueCodes.OdmBadValue),
                ("item.xml", text.Replace($"ItemOID=\"{OdmOids.VisitNotes}\"", "ItemOID=\"IT.VISIT.WEATHER\"", StringComparison.Ordinal)
                    .Replace($"ItemOID=\"{OdmOids.VisitDate}\"", "ItemOID=\"IT.VISIT.WHEN\"", StringComparison.Ordinal), IssueCodes.OdmUnknownOid),
            };
            await using var target = await TestDatabase.CreateAsync(engine);
            await CopyProtocolsAsync(source, target);
            var heldProtocols = await ProtocolVersionsAsync(target);
            await RefusesEachAsync(target, directory, cases, heldProtocols);

            // Into a registry that is not empty: refused before reading.
            await using (var db = target.Open("importer"))
            {
                (await OdmImport.RunAsync(db, a, Token)).Issues.ShouldBeEmpty();
            }

            await using (var db = target.Open("importer"))
            {
                var again = await OdmImport.RunAsync(db, a, Token);
                again.Issues.Select(i => i.Code).ShouldBe([IssueCodes.OdmRegistryNotEmpty]);
            }
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    /// <summary>
    /// Into a registry holding no protocols, each version comes from the file with the rules it met where it was stored:
    /// an approved version without its signer (PRT011), a version whose predecessor the file does not carry (PRT003), a
    /// reason missing from version 2 (PRT012), a definition of another key (PRT003); an enrolment on a version neither
    /// the file nor the registry holds (PRT008). Refused whole, nothing written, not even the versions before the error.
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RunAsync_ProtocolVersionsBrokenInTheFile_RefusedWithCodeAndNothingWritten(DatabaseEngine engine)
    {
        var directory = Directory.CreateTempSubdirectory("stroma-odm-").FullName;
        try
        {
            await using var source = await TestDatabase.CreateAsync(engine);
            var text = await File.ReadAllTextAsync(await DemoExportAsync(source, directory), Token);
            IEnumerable<XElement> Versions(XDocument d) => d.Descendants(Odm + "ItemGroupData").Where(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.ProtocolVersionGroup);
            XElement Item(XElement group, string oid) => group.Elements(Odm + "ItemData").Single(i => (string?)i.Attribute("ItemOID") == oid);
            XElement Second(XDocument d) => Versions(d).Single(g => Item(g, OdmOids.ProtocolVersionNumber).Attribute("Value")!.Value == "2");
            string Broken(Action<XDocument> change)
            {
                var copy = XDocument.Parse(text);
                change(copy);
                return copy.ToString();
            }

            var second = Item(Second(XDocument.Parse(text)), OdmOids.ProtocolVersionKey).Attribute("Value")!.Value;
            var cases = new (string Name, string Content, string Code)[]
            {
                ("unsigned.xml", Broken(d => Item(Versions(d).First(), OdmOids.ProtocolVersionApprovedBy).Remove()), IssueCodes.ProtocolApprovalIncomplete),
                ("gap.xml", Broken(d => Versions(d).Single(g => Item(g, OdmOids.ProtocolVersionKey).Attribute("Value")!.Value == second
                    && Item(g, OdmOids.ProtocolVersionNumber).Attribute("Value")!.Value == "1").Remove()), IssueCodes.ProtocolFieldInvalid),
                ("reason.xml", Broken(d => Item(Second(d), OdmOids.ProtocolVersionReason).Remove()), IssueCodes.ProtocolChangeReasonMissing),
                ("other-key.xml", Broken(d => Item(Versions(d).First(), OdmOids.ProtocolVersionKey).Attribute("Value")!.Value = "another_protocol"), IssueCodes.ProtocolFieldInvalid),
                ("not-carried.xml", Broken(d => Versions(d).Remove()), IssueCodes.ProtocolVersionNotFound),
            };
            await using var target = await TestDatabase.CreateAsync(engine);
            await RefusesEachAsync(target, directory, cases, []);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    /// <summary>
    /// A registry that defined the protocols itself before the import: the file's versions are found there, the same, and
    /// nothing is defined again; a version held otherwise (another approval signature) refuses the file (PRT015).
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RunAsync_ProtocolVersionsAlreadyHeld_SameAcceptedOtherRefused(DatabaseEngine engine)
    {
        var directory = Directory.CreateTempSubdirectory("stroma-odm-").FullName;
        try
        {
            await using var source = await TestDatabase.CreateAsync(engine);
            var a = await DemoExportAsync(source, directory);
            var protocols = await ProtocolVersionsAsync(source);

            await using (var same = await TestDatabase.CreateAsync(engine))
            {
                await CopyProtocolsAsync(source, same);
                await using var db = same.Open("importer");
                var result = await OdmImport.RunAsync(db, a, Token);
                result.Issues.ShouldBeEmpty();
                (result.ProtocolVersions, result.Subjects > 0).ShouldBe((0, true));
                (await ProtocolVersionsAsync(same)).ShouldBe(protocols);
            }

            await using var other = await TestDatabase.CreateAsync(engine);
            await CopyProtocolsAsync(source, other);
            await using (var db = other.Open("admin"))
            {
                var signed = await db.ProtocolVersions.FirstAsync(v => v.Status == ProtocolVersionStatus.Approved, Token);
                await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE protocol_versions SET approval_meaning = 'reviewed' WHERE id = {signed.Id}", Token);
            }

            await using (var db = other.Open("importer"))
            {
                var result = await OdmImport.RunAsync(db, a, Token);
                result.Issues.ShouldContain(i => i.Code == IssueCodes.ProtocolVersionDiffers && i.Message.Contains("approval signature", StringComparison.Ordinal));
            }

            (await ProtocolVersionsAsync(other)).Count.ShouldBe(protocols.Count);
            (await CountsAsync(other)).ShouldBe((0, 0, 0, 0, 0, 0, 0, 0, 0));
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }
}
