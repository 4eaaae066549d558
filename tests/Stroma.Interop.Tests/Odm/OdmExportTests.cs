// Source: issue #17 "CDISC ODM and SDTM": the ODM export validates against the ODM 1.3.2 XML schema (CDISC, ODM 1.3.2
// Final, 2013-12-01; data/odm/1.3.2), on both engines, identifiable and de-identified.
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Demo;
using Stroma.Data.Export;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using Stroma.Interop.Odm;

namespace Stroma.Interop.Tests.Odm;

public sealed class OdmExportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly XNamespace Odm = OdmOids.Namespace;

    [Fact]
    public void Unresolved_DanglingReferences_Reported()
    {
        // The check itself can fail: a ClinicalData naming no MetaDataVersion, a StudyEventData naming no StudyEventDef.
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, $"""
                <ODM xmlns="{OdmOids.Namespace}" ODMVersion="1.3.2" FileType="Snapshot" CreationDateTime="2025-01-01T00:00:00Z">
                  <ClinicalData StudyOID="S" MetaDataVersionOID="M"><SubjectData SubjectKey="1"><StudyEventData StudyEventOID="SE.X"/></SubjectData></ClinicalData>
                </ODM>
                """);
            OdmSchema.Unresolved(path).ShouldBe(["ClinicalData/@MetaDataVersionOID=M", "StudyEventData/@StudyEventOID=SE.X"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task WriteAsync_DemoRegistry_EveryReferenceResolved(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        List<string> studyIds;
        (int Diagnoses, int Medications, int AdverseEvents) expected;
        (int Lots, int Tests, int Decisions, int Custody, int Enrolments, int Infusions, int InfusionChildren) cellTherapy;
        List<string> lotNumbers;
        (int Contacts, int Lymphodepletions) followUp;
        List<(string Key, string Number, string Json, string? Signer)> protocolVersions;
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 4, Seed: 5), Token);
            protocolVersions = [.. (await db.ProtocolVersions.AsNoTracking().ToListAsync(Token)).OrderBy(v => v.ProtocolKey, StringComparer.Ordinal).ThenBy(v => v.Number)
                .Select(v => (v.ProtocolKey, v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), v.DefinitionJson, v.ApprovedBy))];
            studyIds = [.. db.Patients.Select(p => p.StudyId)];
            expected = (db.Diagnoses.Count(), db.Medications.Count(), db.AdverseEvents.Count());
            cellTherapy = (db.CellLots.Count(), db.LotReleaseTests.Count(), db.LotDecisions.Count(), db.CustodyEvents.Count(), db.ProtocolEnrolments.Count(), db.Infusions.Count(),
                db.InfusionVitalSigns.Count() + db.InfusionPremedications.Count() + db.InfusionReactions.Count());
            lotNumbers = [.. db.CellLots.Select(l => l.LotNumber)];
            followUp = (db.FollowUpContacts.Count(), db.Lymphodepletions.Count());
        }

        // A death recorded, then corrected with a reason, by someone who entered nothing else: its AuditRecord names a user
        // the AdminData must list, and carries the reason.
        await using (var db = database.Open("coordinator.death"))
        {
            var patient = await db.Patients.OrderBy(p => p.StudyId).FirstAsync(Token);
            var death = new Stroma.Data.Model.Death
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient.Id,
                DeathDate = new DateOnly(2024, 3, 1),
                Cause = "Sepsis",
                Causality = Stroma.Data.Model.Causality.Unlikely,
            };
            db.Deaths.Add(death);
            await db.SaveChangesAsync(Token);
            death.DeathDate = new DateOnly(2024, 3, 2);
            db.ChangeReason = "test: date corrected from the death certificate";
            await db.SaveChangesAsync(Token);
        }

        // An infusion's vital signs, premedication and reaction, entered by a nurse: each must come out with its values and units.
        (string StudyId, string Protocol, string Event, string Lot, DateTimeOffset Start) infused;
        await using (var db = database.Open("nurse.infusion"))
        {
            var infusion = await db.Infusions.OrderBy(i => i.InfusionDate).ThenBy(i => i.EventKey).FirstAsync(Token);
            infused = (await db.Patients.Where(p => p.Id == infusion.PatientId).Select(p => p.StudyId).SingleAsync(Token),
                await db.ProtocolEnrolments.Where(e => e.Id == infusion.EnrolmentId).Select(e => e.ProtocolKey).SingleAsync(Token), infusion.EventKey,
                await db.CellLots.Where(l => l.Id == infusion.LotId).Select(l => l.LotNumber).SingleAsync(Token), infusion.Start);
            db.InfusionVitalSigns.Add(new InfusionVitalSigns { Id = Guid.CreateVersion7(), InfusionId = infusion.Id, Phase = VitalSignPhase.Pre, At = infusion.Start.AddMinutes(-10), SystolicMmHg = 118m, OxygenSaturationPercent = 97m });
            db.InfusionPremedications.Add(new InfusionPremedication { Id = Guid.CreateVersion7(), InfusionId = infusion.Id, Drug = "paracetamol", Dose = "1 g PO", GivenAt = infusion.Start.AddMinutes(-30) });
            db.InfusionReactions.Add(new InfusionReactionRecord { Id = Guid.CreateVersion7(), InfusionId = infusion.Id, Term = "Infusion related reaction", Grade = CtcaeGrade.Moderate, Onset = infusion.Start.AddMinutes(15) });
            await db.SaveChangesAsync(Token);
            cellTherapy.InfusionChildren += 3;
        }

        // A contact reporting an adverse reaction, linked to its adverse event, entered late with a reason and notes; and a
        // lymphodepletion record marked late with a reason: the link must name the event in the file, the free text must stay
        // out of de-identified exports.
        (string StudyId, string Term, DateOnly Onset) reported;
        await using (var db = database.Open("nurse.contact"))
        {
            var adverseEvent = await db.AdverseEvents.OrderBy(a => a.OnsetDate).ThenBy(a => a.Term).FirstAsync(Token);
            reported = (await db.Patients.Where(p => p.Id == adverseEvent.PatientId).Select(p => p.StudyId).SingleAsync(Token), adverseEvent.Term, adverseEvent.OnsetDate);
            db.FollowUpContacts.Add(new FollowUpContact
            {
                Id = Guid.CreateVersion7(),
                PatientId = adverseEvent.PatientId,
                ContactDate = adverseEvent.OnsetDate,
                Mode = ContactMode.PhoneCall,
                Rash = ReportedChange.Worse,
                Pain = ReportedChange.Unchanged,
                AdverseReaction = true,
                AdverseEventId = adverseEvent.Id,
                Notes = "test: reaction reported by phone",
                EnteredLate = true,
                LateEntryReason = "test: call noted on paper first",
            });
            var lymphodepletion = await db.Lymphodepletions.OrderBy(l => l.FirstGivenOn).ThenBy(l => l.DrugKey).FirstAsync(Token);
            lymphodepletion.EnteredLate = true;
            lymphodepletion.LateEntryReason = "test: entered from the infusion unit's chart";
            db.ChangeReason = "test: entered late";
            await db.SaveChangesAsync(Token);
            followUp.Contacts++;
        }

        // A reschedule (with its reason and who made it) and the deviations found as of today, through their writers: the
        // calendar and its history must come out per enrolment, and the reason, person and messages stay out of de-identified exports.
        (string StudyId, string Protocol, string Event, DateOnly From, DateOnly To) moved;
        (int Events, int Changes, int Deviations) calendars;
        await using (var db = database.Open("coordinator.schedule"))
        {
            var enrolment = await db.ProtocolEnrolments.SingleAsync(e => e.Patient!.StudyId == infused.StudyId && e.ProtocolKey == infused.Protocol, Token);
            var last = (await db.ScheduledEvents.Where(e => e.EnrolmentId == enrolment.Id).ToListAsync(Token)).OrderBy(e => e.Target).ThenBy(e => e.EventKey, StringComparer.Ordinal).Last();
            // Captured first: the writer moves the tracked row itself.
            moved = (infused.StudyId, infused.Protocol, last.EventKey, last.Target, last.Target.AddDays(9));
            var rescheduled = await Enrolments.RescheduleAsync(db, infused.StudyId, moved.Event, moved.To, "test: patient away that week", infused.Protocol, Token);
            rescheduled.Issues.ShouldBeEmpty();
            foreach (var studyId in studyIds)
            {
                await Deviations.DetectAsync(db, studyId, LateEntry.Today(db), Token);
            }

            calendars = (await db.ScheduledEvents.CountAsync(Token), await db.ScheduleChanges.CountAsync(Token), await db.ProtocolDeviations.CountAsync(Token));
        }

        // Queries with their steps, through their writer (one answered, re-opened and closed; one open): F.QUERY with its texts and people.
        (int Queries, int Steps) raised;
        await using (var db = database.Open("demo"))
        {
            await OdmImportTests.AddQueriesAsync(db);
            raised = (await db.Queries.CountAsync(Token), await db.QuerySteps.CountAsync(Token));
        }

        raised.Steps.ShouldBeGreaterThanOrEqualTo(6);
        calendars.Events.ShouldBeGreaterThan(0);
        calendars.Changes.ShouldBe(1);
        calendars.Deviations.ShouldBeGreaterThan(0);
        expected.Diagnoses.ShouldBeGreaterThan(0);
        expected.Medications.ShouldBeGreaterThan(0);
        expected.AdverseEvents.ShouldBeGreaterThan(0);
        cellTherapy.Lots.ShouldBeGreaterThan(0);
        cellTherapy.Tests.ShouldBeGreaterThan(0);
        cellTherapy.Decisions.ShouldBeGreaterThan(0);
        cellTherapy.Custody.ShouldBeGreaterThan(0);
        cellTherapy.Enrolments.ShouldBeGreaterThan(0);
        cellTherapy.Infusions.ShouldBeGreaterThan(0);
        followUp.Contacts.ShouldBeGreaterThan(1);
        followUp.Lymphodepletions.ShouldBeGreaterThan(0);

        // Contact and lymphodepletion dates of the identifiable export, to compare with the de-identified one's.
        List<string> identifiableDates = [];
        foreach (var deidentify in new[] { false, true })
        {
            var path = Path.Combine(Directory.CreateTempSubdirectory("stroma-odm-").FullName, "study.xml");
            try
            {
                var counts = await OdmExport.WriteAsync(database.Configuration, path, new CsvExportOptions([], Deidentify: deidentify), Token);

                OdmSchema.Unresolved(path).ShouldBeEmpty();
                var document = XDocument.Load(path);
                var subjects = document.Descendants(Odm + "SubjectData").ToList();
                subjects.Count.ShouldBe(studyIds.Count);
                counts.Subjects.ShouldBe(studyIds.Count);
                counts.Visits.ShouldBeGreaterThan(0);
                counts.Assessments.ShouldBeGreaterThan(0);
                counts.LabResults.ShouldBeGreaterThan(0);
                document.Descendants(Odm + "ItemGroupData").Count(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.LabGroup).ShouldBe((int)counts.LabResults);
                counts.Diagnoses.ShouldBe(expected.Diagnoses);
                counts.Medications.ShouldBe(expected.Medications);
                counts.AdverseEvents.ShouldBe(expected.AdverseEvents);
                document.Descendants(Odm + "ItemGroupData").Count(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.DiagnosisGroup).ShouldBe(expected.Diagnoses);
                document.Descendants(Odm + "ItemGroupData").Count(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.MedicationGroup).ShouldBe(expected.Medications);
                document.Descendants(Odm + "ItemGroupData").Count(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.AdverseEventGroup).ShouldBe(expected.AdverseEvents);
                counts.Deaths.ShouldBe(1);
                (counts.Lots, counts.ReleaseTests, counts.LotDecisions, counts.CustodyEvents, counts.Enrolments, counts.Infusions)
                    .ShouldBe((cellTherapy.Lots, cellTherapy.Tests, cellTherapy.Decisions, cellTherapy.Custody, cellTherapy.Enrolments, cellTherapy.Infusions));
                (counts.Contacts, counts.Lymphodepletions).ShouldBe((followUp.Contacts, followUp.Lymphodepletions));
                (counts.ScheduledEvents, counts.ScheduleChanges, counts.Deviations).ShouldBe(calendars);
                (counts.Queries, counts.QuerySteps).ShouldBe(raised);
                List<XElement> Groups(string oid) => [.. document.Descendants(Odm + "ItemGroupData").Where(g => (string?)g.Attribute("ItemGroupOID") == oid)];
                string? Value(XElement group, string oid) => (string?)group.Elements(Odm + "ItemData").SingleOrDefault(i => (string?)i.Attribute("ItemOID") == oid)?.Attribute("Value");

                // Protocol versions, then lots and their records, are ReferenceData (no patient's), before the ClinicalData; enrolments and
                // infusions are each subject's. Each version carries its definition as stored; its signer only when identifiable.
                var reference = document.Root!.Element(Odm + "ReferenceData")!;
                reference.ElementsAfterSelf(Odm + "ClinicalData").ShouldHaveSingleItem();
                reference.Elements(Odm + "ItemGroupData").Count().ShouldBe(protocolVersions.Count + cellTherapy.Lots + cellTherapy.Tests + cellTherapy.Decisions + cellTherapy.Custody);
                protocolVersions.Count.ShouldBeGreaterThan(0);
                counts.ProtocolVersions.ShouldBe(protocolVersions.Count);
                reference.Elements(Odm + "ItemGroupData").Take(protocolVersions.Count).Select(g => (Value(g, OdmOids.ProtocolVersionKey)!, Value(g, OdmOids.ProtocolVersionNumber)!,
                    Value(g, OdmOids.ProtocolVersionDefinition)!, Value(g, OdmOids.ProtocolVersionApprovedBy))).ToList()
                    .ShouldBe([.. protocolVersions.Select(v => (v.Key, v.Number, v.Json, deidentify ? null : v.Signer))]);
                protocolVersions.ShouldAllBe(v => v.Signer != null);
                Groups(OdmOids.LotGroup).Count.ShouldBe(cellTherapy.Lots);
                Groups(OdmOids.ReleaseTestGroup).Count.ShouldBe(cellTherapy.Tests);
                Groups(OdmOids.DecisionGroup).Count.ShouldBe(cellTherapy.Decisions);
                Groups(OdmOids.CustodyGroup).Count.ShouldBe(cellTherapy.Custody);
                Groups(OdmOids.EnrolmentGroup).Count.ShouldBe(cellTherapy.Enrolments);
                Groups(OdmOids.InfusionGroup).Count.ShouldBe(cellTherapy.Infusions);
                Groups(OdmOids.InfusionGroup).ShouldAllBe(g => (string?)g.Parent!.Parent!.Attribute("StudyEventOID") == OdmOids.NoVisit);
                Groups(OdmOids.ContactGroup).Count.ShouldBe(followUp.Contacts);
                Groups(OdmOids.LymphodepletionGroup).Count.ShouldBe(followUp.Lymphodepletions);
                Groups(OdmOids.ContactGroup).Concat(Groups(OdmOids.LymphodepletionGroup))
                    .ShouldAllBe(g => (string?)g.Parent!.Parent!.Attribute("StudyEventOID") == OdmOids.NoVisit && g.Parent!.Attribute("FormRepeatKey") != null);

                // The contact's adverse event is the IG.AE of its subject's F.AE with the repeat key it names, exactly one.
                var linked = Groups(OdmOids.ContactGroup).Where(g => Value(g, OdmOids.ContactAdverseEvent) is not null).ShouldHaveSingleItem();
                (Value(linked, OdmOids.ContactMode), Value(linked, OdmOids.ContactRash), Value(linked, OdmOids.ContactPain), Value(linked, OdmOids.ContactSleep),
                    Value(linked, OdmOids.ContactAdverseReaction)).ShouldBe(("phone", "worse", "unchanged", "not_asked", "true"));
                var linkedSubject = linked.Ancestors(Odm + "SubjectData").Single();
                var named = linkedSubject.Descendants(Odm + "ItemGroupData").Where(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.AdverseEventGroup
                    && (string?)g.Attribute("ItemGroupRepeatKey") == Value(linked, OdmOids.ContactAdverseEvent)).ShouldHaveSingleItem();
                (Value(named, OdmOids.AdverseEventTerm), Value(named, OdmOids.AdverseEventOnset)).ShouldBe((reported.Term, Value(linked, OdmOids.ContactDate)));

                // Lymphodepletion: its dates keep their intervals (day 0 + the days given), with the units of its quantities.
                foreach (var course in Groups(OdmOids.LymphodepletionGroup))
                {
                    var days = Value(course, OdmOids.LymphodepletionDays)!.Split(',').Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                    var zero = DateOnly.Parse(Value(course, OdmOids.LymphodepletionDayZero)!, System.Globalization.CultureInfo.InvariantCulture);
                    (Value(course, OdmOids.LymphodepletionFirst), Value(course, OdmOids.LymphodepletionLast))
                        .ShouldBe((OdmExport.Text(zero.AddDays(days[0])), OdmExport.Text(zero.AddDays(days[^1]))));
                    Value(course, OdmOids.LymphodepletionFormula).ShouldBeOneOf("mosteller", "du_bois");
                    course.Elements(Odm + "ItemData").Where(i => (string?)i.Attribute("ItemOID") is OdmOids.LymphodepletionDose or OdmOids.LymphodepletionBsa or OdmOids.LymphodepletionDailyDose)
                        .Select(i => (string?)i.Element(Odm + "MeasurementUnitRef")!.Attribute("MeasurementUnitOID")).ShouldBe(["MU.mg/m2", "MU.m2", "MU.mg"]);
                }

                // Calendars: one F.SCHED per enrolment naming its protocol, each event and reschedule a repeat; deviations one F.DEV each.
                Groups(OdmOids.ScheduleEventGroup).Count.ShouldBe(calendars.Events);
                Groups(OdmOids.ScheduleChangeGroup).Count.ShouldBe(calendars.Changes);
                Groups(OdmOids.DeviationGroup).Count.ShouldBe(calendars.Deviations);
                (Groups(OdmOids.QueryGroup).Count, Groups(OdmOids.QueryStepGroup).Count).ShouldBe(raised);
                Groups(OdmOids.QueryGroup).Where(g => (string?)g.Parent!.Parent!.Attribute("StudyEventOID") != OdmOids.NoVisit || Value(g, OdmOids.QueryRaisedAt) == null).ShouldBeEmpty();
                Groups(OdmOids.ScheduleGroup).Count.ShouldBe(cellTherapy.Enrolments);
                Groups(OdmOids.ScheduleGroup).Concat(Groups(OdmOids.DeviationGroup))
                    .ShouldAllBe(g => (string?)g.Parent!.Parent!.Attribute("StudyEventOID") == OdmOids.NoVisit && g.Parent!.Attribute("FormRepeatKey") != null);
                Groups(OdmOids.DeviationGroup).Where(g => Value(g, OdmOids.DeviationKind) == null || Value(g, OdmOids.DeviationCode) == null || Value(g, OdmOids.DeviationDetectedOn) == null)
                    .ShouldBeEmpty();
                var change = Groups(OdmOids.ScheduleChangeGroup).ShouldHaveSingleItem();
                var calendar = change.Parent!;
                Value(calendar.Elements(Odm + "ItemGroupData").First(), OdmOids.ScheduleProtocol).ShouldBe(moved.Protocol);
                var movedEvent = calendar.Elements(Odm + "ItemGroupData").Single(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.ScheduleEventGroup
                    && Value(g, OdmOids.ScheduleEventKey) == moved.Event);
                Value(change, OdmOids.ScheduleChangeEvent).ShouldBe(moved.Event);
                // The event's target is the reschedule's, its generated target the reschedule's from: 9 days apart, shifted or not.
                (Value(movedEvent, OdmOids.ScheduleEventTarget), Value(movedEvent, OdmOids.ScheduleEventOriginalTarget))
                    .ShouldBe((Value(change, OdmOids.ScheduleChangeTo), Value(change, OdmOids.ScheduleChangeFrom)));
                (DateOnly.Parse(Value(change, OdmOids.ScheduleChangeTo)!, System.Globalization.CultureInfo.InvariantCulture).DayNumber
                    - DateOnly.Parse(Value(change, OdmOids.ScheduleChangeFrom)!, System.Globalization.CultureInfo.InvariantCulture).DayNumber).ShouldBe(9);
                Groups(OdmOids.ScheduleEventGroup).Where(g => g != movedEvent && Value(g, OdmOids.ScheduleEventTarget) != Value(g, OdmOids.ScheduleEventOriginalTarget))
                    .ShouldBeEmpty();
                if (deidentify)
                {
                    Value(change, OdmOids.ScheduleChangeFrom).ShouldNotBe(OdmExport.Text(moved.From));
                }
                else
                {
                    (Value(change, OdmOids.ScheduleChangeFrom), Value(change, OdmOids.ScheduleChangeTo), Value(change, OdmOids.ScheduleChangeReason), Value(change, OdmOids.ScheduleChangeBy))
                        .ShouldBe((OdmExport.Text(moved.From), OdmExport.Text(moved.To), "test: patient away that week", "coordinator.schedule"));
                    ((string?)calendar.Ancestors(Odm + "SubjectData").Single().Attribute("SubjectKey")).ShouldBe(moved.StudyId);
                    Groups(OdmOids.DeviationGroup).Where(g => Value(g, OdmOids.DeviationMessage) == null).ShouldBeEmpty();
                }

                var followUpDates = Groups(OdmOids.ContactGroup).Select(g => Value(g, OdmOids.ContactDate)!)
                    .Concat(Groups(OdmOids.LymphodepletionGroup).Select(g => Value(g, OdmOids.LymphodepletionMeasuredOn)!)).Order(StringComparer.Ordinal).ToList();
                if (deidentify)
                {
                    // Moved by each patient's offset (-182 to +182 days, never 0): the same number of dates, not the same dates.
                    followUpDates.Count.ShouldBe(identifiableDates.Count);
                    followUpDates.ShouldNotBe(identifiableDates);
                }
                else
                {
                    identifiableDates = followUpDates;
                    (Value(linked, OdmOids.ContactNotes), Value(linked, OdmOids.ContactLateReason), Value(linked, OdmOids.ContactLate))
                        .ShouldBe(("test: reaction reported by phone", "test: call noted on paper first", "true"));
                    ((string?)linkedSubject.Attribute("SubjectKey")).ShouldBe(reported.StudyId);
                    Value(linked, OdmOids.ContactDate).ShouldBe(OdmExport.Text(reported.Onset));
                    Groups(OdmOids.LymphodepletionGroup).Select(g => Value(g, OdmOids.LymphodepletionLateReason)).ShouldContain("test: entered from the infusion unit's chart");
                }
                foreach (var lot in Groups(OdmOids.LotGroup))
                {
                    Value(lot, OdmOids.LotProduct).ShouldNotBeNull();
                    Value(lot, OdmOids.LotStatus).ShouldNotBeNull();
                    Value(lot, OdmOids.LotCells).ShouldNotBeNull();
                }

                foreach (var decision in Groups(OdmOids.DecisionGroup))
                {
                    Value(decision, OdmOids.DecisionVerdict).ShouldNotBeNull();
                    Value(decision, OdmOids.DecisionEvaluation)!.ShouldStartWith("[");
                }

                var lotOid = deidentify ? OdmOids.LotKey : OdmOids.LotNumber;
                var lotNames = Groups(OdmOids.LotGroup).Select(g => Value(g, lotOid)!).ToList();
                lotNames.Distinct().Count().ShouldBe(cellTherapy.Lots);
                // The infusion given above, in its subject's SE.NOVISIT, with its lot, vital signs, premedication and reaction.
                var subject = subjects.Single(x => (string?)x.Attribute("SubjectKey") == (deidentify ? (string?)x.Attribute("SubjectKey") : infused.StudyId)
                    && x.Descendants(Odm + "ItemGroupData").Any(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.VitalsGroup));
                var form = subject.Descendants(Odm + "FormData").Single(f => f.Elements(Odm + "ItemGroupData").Any(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.VitalsGroup));
                var given = form.Elements(Odm + "ItemGroupData").Single(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.InfusionGroup);
                (Value(given, OdmOids.InfusionProtocol), Value(given, OdmOids.InfusionEvent)).ShouldBe((infused.Protocol, infused.Event));
                if (!deidentify)
                {
                    (Value(given, OdmOids.LotNumber), Value(given, OdmOids.InfusionStart)).ShouldBe((infused.Lot, OdmExport.Text(infused.Start)));
                }

                var vitals = form.Elements(Odm + "ItemGroupData").Single(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.VitalsGroup);
                // Decimals are written as stored (PostgreSQL's numeric keeps its scale: 118.000000).
                (Value(vitals, OdmOids.VitalsPhase), decimal.Parse(Value(vitals, OdmOids.VitalsSystolic)!, System.Globalization.CultureInfo.InvariantCulture),
                    decimal.Parse(Value(vitals, OdmOids.VitalsOxygen)!, System.Globalization.CultureInfo.InvariantCulture), Value(vitals, OdmOids.VitalsHeartRate))
                    .ShouldBe(("pre", 118m, 97m, null));
                ((string?)vitals.Elements(Odm + "ItemData").Single(i => (string?)i.Attribute("ItemOID") == OdmOids.VitalsSystolic).Element(Odm + "MeasurementUnitRef")!
                    .Attribute("MeasurementUnitOID")).ShouldBe("MU.mm[Hg]");
                var premedication = form.Elements(Odm + "ItemGroupData").Single(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.PremedicationGroup);
                (Value(premedication, OdmOids.PremedicationDrug), Value(premedication, OdmOids.PremedicationDose)).ShouldBe(("paracetamol", "1 g PO"));
                var reaction = form.Elements(Odm + "ItemGroupData").Single(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.ReactionGroup);
                (Value(reaction, OdmOids.ReactionTerm), Value(reaction, OdmOids.ReactionGrade)).ShouldBe(("Infusion related reaction", "2"));
                subject.Descendants(Odm + "ItemGroupData").Where(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.EnrolmentGroup)
                    .Select(g => Value(g, OdmOids.EnrolmentProtocol)).ShouldContain(infused.Protocol);

                // Every release test, decision, custody event and infusion names a lot of the file, by the same name.
                foreach (var group in new[] { OdmOids.ReleaseTestGroup, OdmOids.DecisionGroup, OdmOids.CustodyGroup, OdmOids.InfusionGroup }.SelectMany(Groups))
                {
                    lotNames.ShouldContain(Value(group, lotOid)!);
                }
                var deathGroup = document.Descendants(Odm + "ItemGroupData").Single(g => (string?)g.Attribute("ItemGroupOID") == OdmOids.DeathGroup);
                if (deidentify)
                {
                    // Free text and lot labels stay out, as in the CSV export (diagnoses.notes, adverse_events.outcome and late_entry_reason, cell_lots.lot_number).
                    document.Descendants(Odm + "ItemData").ShouldAllBe(i => (string?)i.Attribute("ItemOID") != OdmOids.DiagnosisNotes
                        && (string?)i.Attribute("ItemOID") != OdmOids.AdverseEventOutcome && (string?)i.Attribute("ItemOID") != OdmOids.AdverseEventLot
                        && (string?)i.Attribute("ItemOID") != OdmOids.AdverseEventLateReason && (string?)i.Attribute("ItemOID") != OdmOids.DeathCause);
                }
                var keys = subjects.Select(s => (string)s.Attribute("SubjectKey")!).ToList();
                if (deidentify)
                {
                    keys.ShouldAllBe(k => !studyIds.Contains(k));
                    document.Descendants(Odm + "AuditRecord").ShouldBeEmpty();
                    document.Descendants(Odm + "User").ShouldBeEmpty();
                    document.Descendants(Odm + "ItemData").ShouldAllBe(i => (string?)i.Attribute("ItemOID") != OdmOids.BirthDate);
                    // As the CSV export: no lot label, no dates of records without a patient, no signer, custody person or late-entry reason.
                    string[] left = [OdmOids.LotNumber, OdmOids.LotManufactured, OdmOids.LotExpires, OdmOids.ReleaseTestDate, OdmOids.ReleaseTestLateReason, OdmOids.DecisionSignedBy,
                        OdmOids.DecisionSignedAt, OdmOids.DecisionDate, OdmOids.DecisionLateReason, OdmOids.CustodyPerson, OdmOids.CustodyLateReason, OdmOids.InfusionLateReason,
                        OdmOids.InfusionPrecheck, OdmOids.CustodyWarnings, OdmOids.ContactNotes, OdmOids.ContactLateReason, OdmOids.LymphodepletionLateReason,
                        OdmOids.ScheduleChangeReason, OdmOids.ScheduleChangeBy, OdmOids.DeviationMessage,
                        OdmOids.QueryText, OdmOids.QueryValue, OdmOids.QueryRaisedBy, OdmOids.QueryStepBy, OdmOids.QueryStepText];
                    document.Descendants(Odm + "ItemData").ShouldAllBe(i => !left.Contains((string?)i.Attribute("ItemOID")));
                    lotNames.ShouldAllBe(k => !lotNumbers.Contains(k));
                    // A custody event of an administration keeps its (shifted) instant and names the subject by its per-export key.
                    foreach (var administered in Groups(OdmOids.CustodyGroup).Where(g => Value(g, OdmOids.CustodySubject) is not null))
                    {
                        keys.ShouldContain(Value(administered, OdmOids.CustodySubject)!);
                        Value(administered, OdmOids.CustodyAt).ShouldNotBeNull();
                    }
                }
                else
                {
                    keys.Order(StringComparer.Ordinal).ShouldBe(studyIds.Order(StringComparer.Ordinal));
                    lotNames.Order(StringComparer.Ordinal).ShouldBe(lotNumbers.Order(StringComparer.Ordinal));
                    document.Descendants(Odm + "AuditRecord").Count().ShouldBe(studyIds.Count + (int)(counts.Visits + counts.Assessments + counts.LabResults + counts.Diagnoses + counts.Medications + counts.AdverseEvents + counts.Deaths
                        + counts.Lots + counts.ReleaseTests + counts.LotDecisions + counts.CustodyEvents + counts.Enrolments + counts.Infusions + counts.Contacts + counts.Lymphodepletions
                        + counts.ScheduledEvents + counts.ScheduleChanges + counts.Deviations + counts.Queries + counts.QuerySteps) + cellTherapy.InfusionChildren);
                    Groups(OdmOids.QueryStepGroup).Select(g => (Value(g, OdmOids.QueryStepText), Value(g, OdmOids.QueryStepBy)))
                        .ShouldContain(("test: corrected", "coordinator.queries"));
                    var audit = deathGroup.Element(Odm + "AuditRecord")!;
                    ((string?)audit.Element(Odm + "UserRef")!.Attribute("UserOID")).ShouldBe(OdmOids.User("coordinator.death"));
                    ((string?)audit.Element(Odm + "ReasonForChange")).ShouldBe("test: date corrected from the death certificate");
                }
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(path)!, true);
            }
        }
    }
}
