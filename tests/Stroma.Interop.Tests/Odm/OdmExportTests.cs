// Source: issue #17 "CDISC ODM and SDTM": the ODM export validates against the ODM 1.3.2 XML schema (CDISC, ODM 1.3.2
// Final, 2013-12-01; data/odm/1.3.2), on both engines, identifiable and de-identified.
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Export;
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
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 4, Seed: 5), Token);
            studyIds = [.. db.Patients.Select(p => p.StudyId)];
            expected = (db.Diagnoses.Count(), db.Medications.Count(), db.AdverseEvents.Count());
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

        expected.Diagnoses.ShouldBeGreaterThan(0);
        expected.Medications.ShouldBeGreaterThan(0);
        expected.AdverseEvents.ShouldBeGreaterThan(0);

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
                }
                else
                {
                    keys.Order(StringComparer.Ordinal).ShouldBe(studyIds.Order(StringComparer.Ordinal));
                    document.Descendants(Odm + "AuditRecord").Count().ShouldBe(studyIds.Count + (int)(counts.Visits + counts.Assessments + counts.LabResults + counts.Diagnoses + counts.Medications + counts.AdverseEvents + counts.Deaths));
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
