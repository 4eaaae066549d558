// Sources: the ORU^R01 lab result example of HL7 v2.5.1 Chapter 7 (Observation Reporting, 7.3.1 and its example
// message: MSH|^~\&|GHH LAB|ELAB-3|GHH OE|BLDG4|...||ORU^R01|CNTRL-3456|P|..., OBR with GHH OE / GHH LAB order numbers,
// OBX|1|SN|1554-5^GLUCOSE PRE 12 HOUR FASTING:MCNC:PT:SER/PLAS:QN^LN||^182|mg/dl|70_105|H|||F), and the HL7 v2.5.1
// Implementation Guide: Electronic Laboratory Reporting to Public Health, Release 1 (US Realm) examples (ORU^R01^ORU_R01,
// MSH-21 profile, PID-3 as CX with assigning authority and identifier type, OBX-2 SN with comparator, OBX-6 in UCUM,
// SPM after the OBX). The messages below are written from them: our patients, analytes of our catalogue, times to the
// minute with a UTC offset (the ELR guide requires the offset), and ranges written low-high as HL7 defines OBX-7.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Labs;
using Stroma.Data.Tests;
using Stroma.Interop.Hl7;
using LabFlag = Stroma.Clinical.Labs.LabFlag;

namespace Stroma.Interop.Tests.Hl7;

public sealed class Hl7LabImportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private const string Header = "MSH|^~\\&|GHH LAB|ELAB-3|STROMA|S1|202501050930+0800||ORU^R01^ORU_R01|CNTRL-3456|P|2.5.1|||AL|NE|||||PHLabReport-NoAck^ELR_Receiver^2.16.840.1.113883.9.11^ISO";

    private const string Patient = "PID|1||S1-001^^^S1^PI||EVERYWOMAN^EVE^E^^^^L||19620320|F";

    private const string Request = "OBR|1|845439^GHH OE|1045813^GHH LAB|24323-8^Comprehensive metabolic panel^LN|||202501050830+0800";

    /// <summary>Creatinine in mg/dL with the laboratory's range and flag, C3 with its own observation time, a note.</summary>
    private static readonly string[] Results =
    [
        "OBX|1|NM|2160-0^Creatinine [Mass/volume] in Serum or Plasma^LN||1.2|mg/dL^milligram per deciliter^UCUM|0.6-1.1|H|||F",
        "OBX|2|NM|4485-9^Complement C3 [Mass/volume] in Serum or Plasma^LN||0.62|g/L^gram per liter^UCUM|0.9-1.8|L|||F|||202501050845+0800",
        "NTE|1||Specimen slightly haemolysed\\.br\\repeat advised",
        "OBX|3|SN|718-7^Hemoglobin [Mass/volume] in Blood^LN||<^70|g/L^^UCUM|115-150||||F",
        "SPM|1|^1045813&GHH LAB||119297000^Blood specimen (specimen)^SCT|||||||||||||202501050830+0800",
    ];

    /// <summary>The same results as a <c>stroma import labs</c> file.</summary>
    private const string SameAsCsv = """
        site,patient,visit_date,analyte,value,unit,range,lab,specimen_time
        S1,S1-001,,2160-0,1.2,mg/dL,0.6-1.1,,2025-01-05T08:30:00+08:00
        S1,S1-001,,4485-9,0.62,g/L,0.9-1.8,,2025-01-05T08:45:00+08:00
        S1,S1-001,,718-7,<70,g/L,115-150,,2025-01-05T08:30:00+08:00

        """;

    private static string Message(params string[] segments) => string.Join("\r", segments) + "\r";

    private static string Standard() => Message([Header, Patient, Request, .. Results]);

    private static async Task<TestDatabase> RegistryAsync(DatabaseEngine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("demo");
        await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 1, IncludeSeedCases: false, IncludeLabs: false), Token);
        return database;
    }

    private static async Task<Hl7MessageOutcome> ImportAsync(TestDatabase database, string text)
    {
        await using var db = database.Open("hl7");
        return await Hl7LabImport.ImportAsync(db, Er7.ReadMessage(text), new Hl7ImportOptions("S1"), Token);
    }

    private static async Task<List<(string Analyte, DateTimeOffset Time, string Value, string? Unit, string? Range, decimal? Normalised, string? NormalisedUnit, LabFlag Flag)>> StoredAsync(TestDatabase database)
    {
        await using var db = database.Open();
        var rows = await db.LabResults.AsNoTracking().Where(l => l.Patient!.StudyId == "S1-001").ToListAsync(Token);
        return [.. rows.Select(l => (l.Analyte, l.SpecimenTime.ToUniversalTime(), l.ReportedValue, l.ReportedUnit, l.ReportedRange, l.NormalisedValue, l.NormalisedUnit, l.Flag))
            .OrderBy(r => r.Analyte, StringComparer.Ordinal)];
    }

    private static async Task<int> CountAsync(TestDatabase database)
    {
        await using var db = database.Open();
        return await db.LabResults.CountAsync(Token);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_StandardExample_LoadsEachObxConvertedAndFlaggedWithAA(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Standard());

        outcome.Ack.ShouldBe(Hl7AckCode.AA, string.Join("; ", outcome.Issues));
        outcome.Loaded.ShouldBe(3);
        outcome.ControlId.ShouldBe("CNTRL-3456");
        outcome.Notes.ShouldBe(["Specimen slightly haemolysed\nrepeat advised"]);
        var stored = await StoredAsync(database);
        var creatinine = stored.Single(r => r.Analyte == "creatinine");
        creatinine.Time.ShouldBe(new DateTimeOffset(2025, 1, 5, 0, 30, 0, TimeSpan.Zero));
        creatinine.Normalised.ShouldBe(106.08m); // 1.2 mg/dL × 88.4 µmol/L per mg/dL
        creatinine.NormalisedUnit.ShouldBe("umol/L");
        creatinine.Flag.ShouldBe(LabFlag.High);
        var c3 = stored.Single(r => r.Analyte == "c3");
        c3.Time.ShouldBe(new DateTimeOffset(2025, 1, 5, 0, 45, 0, TimeSpan.Zero)); // OBX-14 over OBR-7
        c3.Flag.ShouldBe(LabFlag.Low);
        stored.Single(r => r.Analyte == "hemoglobin").Value.ShouldBe("<70");
        await using var db = database.Open();
        (await db.AuditEntries.OrderBy(e => e.Sequence).LastAsync(Token)).NewValue!.ShouldContain("hl7 S1 CNTRL-3456");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_NteAfterObx_StoredAsThatResultsNoteAndMappedToObservationNote(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        (await ImportAsync(database, Standard())).Ack.ShouldBe(Hl7AckCode.AA);

        await using var db = database.Open();
        var rows = await db.LabResults.AsNoTracking().Where(l => l.Patient!.StudyId == "S1-001").ToListAsync(Token);
        var c3 = rows.Single(r => r.Analyte == "c3");
        c3.Note.ShouldBe("Specimen slightly haemolysed\nrepeat advised"); // HL7 v2.5.1 2.7: \.br\ is a line break
        rows.Where(r => r.Analyte != "c3").ShouldAllBe(r => r.Note == null);
        var observation = new Stroma.Interop.Fhir.FhirMapper(Stroma.Interop.Fhir.FhirIds.Identifiable).Lab(c3);
        observation.Note.Select(n => n.Text).ShouldBe(["Specimen slightly haemolysed\nrepeat advised"]);
        new Stroma.Interop.Fhir.FhirMapper(Stroma.Interop.Fhir.FhirIds.Identifiable).Lab(rows.Single(r => r.Analyte == "creatinine")).Note.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_NoteLongerThanAResultKeeps_AENothingStored(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Message([Header, Patient, Request, Results[0], "NTE|1||" + new string('x', 4001)]));

        outcome.Ack.ShouldBe(Hl7AckCode.AE);
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.LabNoteTooLong);
        (await CountAsync(database)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_SameResultsAsCsvImport_IdenticalStoredRowsAndFlags(DatabaseEngine engine)
    {
        await using var viaHl7 = await RegistryAsync(engine);
        await using var viaCsv = await RegistryAsync(engine);

        (await ImportAsync(viaHl7, Standard())).Ack.ShouldBe(Hl7AckCode.AA);
        await using (var db = viaCsv.Open("csv"))
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(SameAsCsv));
            var result = await LabImport.RunAsync(db, input, "labs.csv", TextWriter.Null, CatalogLabNormaliser.Default,
                new LabImportOptions { RangeLabId = SiteLabRanges.LabId }, null, Token);
            result.Inserted.ShouldBe(3);
        }

        var hl7 = await StoredAsync(viaHl7);
        hl7.Count.ShouldBe(3);
        hl7.ShouldBe(await StoredAsync(viaCsv));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_SameMessageTwice_SecondSkipsDuplicatesAsTheCsvImportDoes(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        await ImportAsync(database, Standard());

        var again = await ImportAsync(database, Standard());

        again.Ack.ShouldBe(Hl7AckCode.AA);
        (again.Loaded, again.Duplicates).ShouldBe((0, 3));
        (await CountAsync(database)).ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_UnknownLoincFromTheStandardsGlucoseExample_AENothingStored(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Message(Header, Patient, Request, Results[0],
            "OBX|2|SN|1554-5^GLUCOSE PRE 12 HOUR FASTING:MCNC:PT:SER/PLAS:QN^LN||^182|mg/dL|70-105|H|||F"));

        outcome.Ack.ShouldBe(Hl7AckCode.AE);
        var issue = outcome.Issues.ShouldHaveSingleItem();
        issue.Code.ShouldBe(IssueCodes.UnknownAnalyte);
        issue.Path.ShouldBe("OBX[5]-3");
        issue.Message.ShouldContain("1554-5");
        (await CountAsync(database)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_UnitAcrossDimensions_AENothingStored(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Message(Header, Patient, Request, Results[1],
            "OBX|2|NM|2160-0^Creatinine^LN||95|U/L^^UCUM|||||F"));

        outcome.Ack.ShouldBe(Hl7AckCode.AE);
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.UnitNotForAnalyte && i.Path == "OBX[5]-6");
        (await CountAsync(database)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_StructurallyBroken_ARWithTheReasonAndNothingStored(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        var cases = new (string Text, string Code, string Path)[]
        {
            (Message(Header, Patient, Results[0], Request), IssueCodes.Hl7SegmentOrder, "OBX[3]"),
            (Message(Header.Replace("ORU^R01^ORU_R01", "", StringComparison.Ordinal), Patient, Request, Results[0]), IssueCodes.Hl7RequiredField, "MSH-9"),
            (Message(Header.Replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01", StringComparison.Ordinal), Patient, Request, Results[0]), IssueCodes.Hl7Unsupported, "MSH-9"),
            (Message(Header.Replace("|2.5.1|", "|2.6|", StringComparison.Ordinal), Patient, Request, Results[0]), IssueCodes.Hl7Unsupported, "MSH-12"),
            (Message(Header, Patient, Request, Results[0], "NTE|1||bad \\Q\\ escape"), IssueCodes.Hl7BadEscape, "NTE[5]-3"),
        };

        foreach (var (text, code, path) in cases)
        {
            var outcome = await ImportAsync(database, text);

            outcome.Ack.ShouldBe(Hl7AckCode.AR);
            outcome.Issues.ShouldContain(i => i.Code == code && i.Path == path, string.Join("; ", outcome.Issues));
        }

        (await CountAsync(database)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_PreliminaryAndCancelled_HeldOrSkippedFinalLoaded(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Message(Header, Patient, Request, Results[0],
            "OBX|2|NM|4485-9^Complement C3^LN||0.62|g/L|0.9-1.8|L|||P",
            "OBX|3|NM|718-7^Hemoglobin^LN|||g/L|115-150||||X",
            "OBX|4|NM|777-3^Platelets^LN||250|10*9/L|150-400|N|||D"));

        outcome.Ack.ShouldBe(Hl7AckCode.AA);
        (outcome.Loaded, outcome.Held, outcome.Cancelled).ShouldBe((1, 1, 2));
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.Hl7ResultHeld && i.Path == "OBX[5]-11");
        outcome.Issues.Count(i => i.Code == IssueCodes.Hl7ResultCancelled).ShouldBe(2);
        (await StoredAsync(database)).Select(r => r.Analyte).ShouldBe(["creatinine"]);
    }

    /// <summary>The laboratory's correction of the standard message's creatinine (1.2 → 0.9 mg/dL), as a new message.</summary>
    private static string Correction(string obx) =>
        Message(Header.Replace("CNTRL-3456", "CNTRL-3457", StringComparison.Ordinal), Patient, Request, obx);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_CorrectedResultOfAStoredOne_ReplacesItsValueReflagsAndAuditsTheMessageAsReason(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        await ImportAsync(database, Standard());

        var outcome = await ImportAsync(database, Correction("OBX|1|NM|2160-0^Creatinine^LN||0.9|mg/dL^^UCUM|0.6-1.1|N|||C"));

        outcome.Ack.ShouldBe(Hl7AckCode.AA, string.Join("; ", outcome.Issues));
        (outcome.Loaded, outcome.Corrected, outcome.Duplicates).ShouldBe((0, 1, 0));
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.Hl7ResultCorrected && i.Path == "OBX[4]-11" && i.Message.Contains("1.2 mg/dL"));
        var stored = await StoredAsync(database);
        stored.Count.ShouldBe(3);
        var creatinine = stored.Single(r => r.Analyte == "creatinine");
        (creatinine.Value, creatinine.Normalised, creatinine.Flag).ShouldBe(("0.9", 79.56m, LabFlag.Normal)); // 0.9 × 88.4
        await using var db = database.Open();
        var change = await db.AuditEntries.Where(e => e.Entity == "LabResult" && e.Field == "ReportedValue").SingleAsync(Token);
        (change.OldValue, change.NewValue).ShouldBe(("1.2", "0.9"));
        change.Reason.ShouldNotBeNull().ShouldContain("HL7 message CNTRL-3457");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_CorrectedResultEqualToTheStoredOne_IsADuplicateNothingChanged(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        await ImportAsync(database, Standard());
        var before = await StoredAsync(database);

        var outcome = await ImportAsync(database, Correction("OBX|1|NM|2160-0^Creatinine^LN||1.2|mg/dL^^UCUM|0.6-1.1|H|||C"));

        (outcome.Ack, outcome.Loaded, outcome.Corrected, outcome.Duplicates).ShouldBe((Hl7AckCode.AA, 0, 0, 1));
        (await StoredAsync(database)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_CorrectedResultWithNoStoredOriginal_LoadsAsANewResult(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Correction("OBX|1|NM|2160-0^Creatinine^LN||0.9|mg/dL^^UCUM|0.6-1.1|N|||C"));

        (outcome.Ack, outcome.Loaded, outcome.Corrected).ShouldBe((Hl7AckCode.AA, 1, 0));
        (await StoredAsync(database)).Single().Value.ShouldBe("0.9");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_CorrectionInAUnitAcrossDimensions_AENothingChangedOrLoaded(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        await ImportAsync(database, Standard());
        var before = await StoredAsync(database);

        var outcome = await ImportAsync(database, Message(Header.Replace("CNTRL-3456", "CNTRL-3458", StringComparison.Ordinal), Patient, Request,
            "OBX|1|NM|2160-0^Creatinine^LN||0.9|U/L^^UCUM|0.6-1.1|N|||C",
            "OBX|2|NM|777-3^Platelets^LN||250|10*9/L|150-400|N|||F"));

        outcome.Ack.ShouldBe(Hl7AckCode.AE);
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.UnitNotForAnalyte && i.Path.StartsWith("OBX[4]", StringComparison.Ordinal));
        (await StoredAsync(database)).ShouldBe(before);
        await using var db = database.Open();
        (await db.AuditEntries.CountAsync(e => e.Entity == "LabResult" && e.Field == "ReportedValue", Token)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_NoOffsetWithTheLaboratorysTimeZone_LoadsAtThatZonesOffset(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        await using var db = database.Open("hl7");

        var outcome = await Hl7LabImport.ImportAsync(db, Er7.ReadMessage(Message(Header, Patient,
            "OBR|1|845439^GHH OE|1045813^GHH LAB|24323-8^CMP^LN|||202501050830", Results[0])),
            new Hl7ImportOptions("S1") { TimeZone = Hl7Time.Zone("Asia/Shanghai") }, Token);

        outcome.Ack.ShouldBe(Hl7AckCode.AA, string.Join("; ", outcome.Issues));
        (await StoredAsync(database)).Single().Time.ShouldBe(new DateTimeOffset(2025, 1, 5, 0, 30, 0, TimeSpan.Zero));
    }

    /// <summary>
    /// Local times without an offset, read in a named zone: a fixed offset, China's zone (no clock changes since 1991),
    /// and New York's, whose 2024 clock changes (10 March 02:00 → 03:00, 3 November 02:00 → 01:00; US Energy Policy
    /// Act of 2005) skip 02:30 and repeat 01:30.
    /// </summary>
    [Theory]
    [InlineData("202501050830", "+08:00", "2025-01-05T08:30:00+08:00")]
    [InlineData("202501050830", "-03:30", "2025-01-05T08:30:00-03:30")]
    [InlineData("20250105083015.25", "Asia/Shanghai", "2025-01-05T08:30:15.25+08:00")]
    [InlineData("202407010830", "America/New_York", "2024-07-01T08:30:00-04:00")]
    [InlineData("202401150830", "America/New_York", "2024-01-15T08:30:00-05:00")]
    [InlineData("202501050830+0100", "Asia/Shanghai", "2025-01-05T08:30:00+01:00")]
    public void ToIso_NoOffsetInANamedZone_TheZonesOffsetAtThatLocalTime(string hl7, string zone, string expected) =>
        Hl7Time.ToIso(hl7, "OBR[3]-7", Hl7Time.Zone(zone).ShouldNotBeNull()).ShouldBe((expected, null));

    [Theory]
    [InlineData("202403100230", "skips")]
    [InlineData("202411030130", "repeats")]
    public void ToIso_LocalTimeAClockChangeSkipsOrRepeats_RefusedNotGuessed(string hl7, string what)
    {
        var (iso, problem) = Hl7Time.ToIso(hl7, "OBX[4]-14", Hl7Time.Zone("America/New_York"));

        iso.ShouldBeNull();
        problem.ShouldNotBeNull().Code.ShouldBe(IssueCodes.Hl7FieldValue);
        problem.Message.ShouldContain(what);
    }

    [Theory]
    [InlineData("UTC+8")]
    [InlineData("+8:00")]
    [InlineData("+15:00")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    public void Zone_NeitherAnOffsetNorAnIanaId_Null(string text) => Hl7Time.Zone(text).ShouldBeNull();

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_UnsupportedStatusAndNoOffset_AENothingStored(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Message(Header, Patient, "OBR|1|845439^GHH OE|1045813^GHH LAB|24323-8^CMP^LN|||202501050830",
            Results[0], "OBX|2|NM|4485-9^Complement C3^LN||0.62|g/L|0.9-1.8|L|||W"));

        outcome.Ack.ShouldBe(Hl7AckCode.AE);
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.Hl7FieldValue && i.Path == "OBR[3]-7" && i.Message.Contains("no UTC offset"));
        outcome.Issues.ShouldContain(i => i.Code == IssueCodes.Hl7ResultStatus && i.Path == "OBX[5]-11");
        (await CountAsync(database)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_HospitalIdentifier_UnknownUntilLinkedThenLoads(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        var byMrn = Message(Header, "PID|1||MRN-0042^^^GHH^MR||EVERYWOMAN^EVE", Request, Results[0]);

        var before = await ImportAsync(database, byMrn);
        await using (var db = database.Open("coordinator"))
        {
            (await Hl7Links.LinkPatientAsync(db, "S1", "S1-001", "MRN-0042", "GHH", Token)).ShouldBeEmpty();
            (await Hl7Links.LinkPatientAsync(db, "S1", "S1-002", "MRN-0042", "GHH", Token)).ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.Hl7IdentifierLink);
        }

        var after = await ImportAsync(database, byMrn);

        before.Ack.ShouldBe(Hl7AckCode.AE);
        before.Issues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.Hl7PatientIdentifier);
        after.Ack.ShouldBe(Hl7AckCode.AA);
        (await StoredAsync(database)).Select(r => r.Analyte).ShouldBe(["creatinine"]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_LocalCodeMapped_LoadsAsItsAnalyte(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        var local = Message(Header, Patient, Request, "OBX|1|NM|CREA^Creatinine^99GHH||1.2|mg/dL|0.6-1.1|H|||F");

        var before = await ImportAsync(database, local);
        await using (var db = database.Open("coordinator"))
        {
            (await Hl7Links.MapCodeAsync(db, "S1", "CREA", "99GHH", "creatinine", Token)).ShouldBeEmpty();
        }

        var after = await ImportAsync(database, local);

        before.Issues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.Hl7UnknownCode);
        after.Ack.ShouldBe(Hl7AckCode.AA);
        (await StoredAsync(database)).Single().Normalised.ShouldBe(106.08m);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_LaboratoryFlagDiffers_WarnsAndStoresOurs(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var outcome = await ImportAsync(database, Message(Header, Patient, Request, "OBX|1|NM|2160-0^Creatinine^LN||1.0|mg/dL|0.6-1.1|H|||F"));

        outcome.Ack.ShouldBe(Hl7AckCode.AA);
        var warning = outcome.Issues.ShouldHaveSingleItem();
        (warning.Code, warning.Severity, warning.Path).ShouldBe((IssueCodes.Hl7FlagDiffers, Severity.Warning, "OBX[4]-8"));
        (await StoredAsync(database)).Single().Flag.ShouldBe(LabFlag.Normal);
    }

    [Fact]
    public void Write_ApplicationError_AckAddressedBackWithMsaAndErr()
    {
        var read = Er7.ReadMessage(Standard());
        var outcome = new Hl7MessageOutcome("CNTRL-3456", Hl7AckCode.AE,
            [Issue.Error(IssueCodes.UnitNotForAnalyte, "OBX[5]-6", "Creatinine is not reported in U/L | ^ here.")], 0, 0, 0, 0);

        var ack = Hl7Ack.Write(read, outcome, new DateTimeOffset(2025, 1, 5, 9, 31, 0, TimeSpan.FromHours(8)));

        ack.Split('\r').ShouldBe([
            "MSH|^~\\&|STROMA|S1|GHH LAB|ELAB-3|20250105093100+0800||ACK^R01^ACK|ACKCNTRL-3456|P|2.5.1",
            "MSA|AE|CNTRL-3456",
            "ERR||OBX^5^6|103^Table value not found^HL70357|E||||LAB003: Creatinine is not reported in U/L \\F\\ \\S\\ here.",
            "",
        ]);
        Er7.ReadMessage(ack).Message!.Segments[2].Value(8).ShouldBe("LAB003: Creatinine is not reported in U/L | ^ here.");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Listener_MllpClient_GetsEachAckOnTheWire(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        await using var listener = new Hl7Listener(database.Configuration, "hl7", new Hl7ImportOptions("S1"), TimeProvider.System);
        listener.Start(IPAddress.Loopback, 0);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var serving = listener.RunAsync(stop.Token);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, listener.LocalEndpoint!.Port, Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Mllp.Frame(Standard()), Token);
            var first = await Mllp.ReadAsync(stream, Token);
            await stream.WriteAsync(Mllp.Frame(Message(Header.Replace("CNTRL-3456", "CNTRL-3457", StringComparison.Ordinal), Patient, Results[0], Request)), Token);
            var second = await Mllp.ReadAsync(stream, Token);

            first!.Split('\r')[1].ShouldBe("MSA|AA|CNTRL-3456");
            second!.Split('\r')[1].ShouldBe("MSA|AR|CNTRL-3457");
            second.Split('\r')[2].ShouldStartWith("ERR||OBX^3^|100^Segment sequence error^HL70357|E");
        }

        await stop.CancelAsync();
        await serving;
        (await CountAsync(database)).ShouldBe(3);
    }

    /// <summary>
    /// Issue #15: a corrected result (OBX-11 C) that trips a soft save-time check (creatinine above 500 µmol/L, a test-only
    /// study check) of the visit the stored result belongs to is saved, opens its query, and the ACK is AA with an ERR of
    /// severity W (HL7 v2.5.1 ERR-4). (A first result from HL7 names no visit, so no visit check runs on it.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportAsync_CorrectionTrippingASoftCheck_SavedAAWithAWarningErrInTheAck(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open("coord.s01"))
        {
            await SoftCreatinineCheckAsync(db);
        }

        const string header = "MSH|^~\\&|GHH LAB|ELAB-3|STROMA|S01|202406010930+0800||ORU^R01^ORU_R01|MSG-2|P|2.5.1";
        const string patient = "PID|1||S01-001^^^S01^PI||EVERYWOMAN^EVE||1980|F";
        const string request = "OBR|1|845439^GHH OE|1045813^GHH LAB|2160-0^Creatinine^LN|||202406010800+0800";
        var read = Er7.ReadMessage(Message(header, patient, request, "OBX|1|NM|2160-0^Creatinine^LN||600|umol/L^^UCUM|||||C"));
        Hl7MessageOutcome outcome;
        await using (var db = database.Open("hl7"))
        {
            outcome = await Hl7LabImport.ImportAsync(db, read, new Hl7ImportOptions("S01"), Token);
        }

        var ack = Hl7Ack.Write(read, outcome, new DateTimeOffset(2024, 6, 1, 9, 31, 0, TimeSpan.FromHours(8))).Split('\r');

        (outcome.Ack, outcome.Corrected).ShouldBe((Hl7AckCode.AA, 1), string.Join("; ", outcome.Issues));
        ack[1].ShouldBe("MSA|AA|MSG-2");
        ack[2].ShouldBe("ERR||OBX^4^5|0^Message accepted^HL70357|W||||QLT004: OBX 1 (2160-0 Creatinine): " + outcome.Issues.Single(i => i.Code == IssueCodes.CheckSoftFinding).Message.Split(": ", 2)[1]);
        ack[2].ShouldContain("Study-declared check creatinine_high.");
        ack.Count(l => l.StartsWith("ERR", StringComparison.Ordinal)).ShouldBe(1);
        await using var check = database.Open();
        (await check.LabResults.AsNoTracking().SingleAsync(Token)).ReportedValue.ShouldBe("600");
        (await check.Queries.AsNoTracking().CountAsync(q => q.CheckKey == "creatinine_high", Token)).ShouldBe(1);
    }

    [Fact]
    public void Write_Version24WithAWarning_AAWithoutErr()
    {
        var read = Er7.ReadMessage(Message(Header.Replace("|2.5.1|", "|2.4|", StringComparison.Ordinal), Patient, Request, Results[0]));
        var outcome = new Hl7MessageOutcome("CNTRL-3456", Hl7AckCode.AA,
            [Issue.Warning(IssueCodes.CheckSoftFinding, "OBX[4]-5", "Study-declared check.")], 1, 0, 0, 0);

        var ack = Hl7Ack.Write(read, outcome, new DateTimeOffset(2025, 1, 5, 9, 31, 0, TimeSpan.FromHours(8)));

        ack.Split('\r').ShouldBe(["MSH|^~\\&|STROMA|S1|GHH LAB|ELAB-3|20250105093100+0800||ACK^R01|ACKCNTRL-3456|P|2.4", "MSA|AA|CNTRL-3456", ""]);
    }

    /// <summary>
    /// S01-001 enrolled on the example protocol (docs/examples/protocol-checks.json) with one test-only soft visit check,
    /// creatinine above 500 µmol/L (the limit is this test's choice), a visit on 2024-06-01 and, entered at it, creatinine
    /// 90 µmol/L of 2024-06-01 08:00 +08:00.
    /// </summary>
    private static async Task SoftCreatinineCheckAsync(StromaDbContext db)
    {
        var protocol = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Stroma.Tests.RepositoryRoot.Path, "docs", "examples", "protocol-checks.json")))!.AsObject();
        protocol["key"] = "hl7_checks";
        protocol["checks"] = System.Text.Json.Nodes.JsonNode.Parse("""
            [{ "key": "creatinine_high", "kind": "range", "scope": "visit", "severity": "soft", "field": "lab.creatinine", "max": 500,
               "message": { "en": "Study-declared check creatinine_high.", "zh-CN": "研究定义的核查 creatinine_high。" } }]
            """);
        var defined = await Stroma.Data.Protocols.ProtocolVersions.DefineAsync(db, protocol.ToJsonString(), null);
        defined.Succeeded.ShouldBeTrue(string.Join("; ", defined.Issues));
        (await Stroma.Data.Protocols.ProtocolVersions.ApproveAsync(db, "hl7_checks", 1, "approved")).Succeeded.ShouldBeTrue();
        var site = new Stroma.Data.Model.Site { Id = Guid.NewGuid(), Code = "S01", Name = "Site 01" };
        var patient = new Stroma.Data.Model.Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = "S01-001", Sex = Stroma.Clinical.Labs.Sex.Female, BirthYear = 1980 };
        db.AddRange(site, patient);
        await db.SaveChangesAsync(Token);
        var day0 = new DateOnly(2024, 3, 1);
        var enrolled = await Stroma.Data.CellTherapy.Enrolments.EnrolAsync(db, "S01-001", "hl7_checks",
            new Stroma.Data.CellTherapy.EnrolmentRequest(day0, 58m, day0, new Stroma.Clinical.CellTherapy.ConsentRecord(day0.AddDays(-10), "1")));
        enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
        var visit = new Stroma.Data.Model.Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2024, 6, 1), Kind = Stroma.Data.Model.VisitKind.Scheduled, Type = "month_3" };
        db.Visits.Add(visit);
        await db.SaveChangesAsync(Token);
        var entry = await LabResultEntry.RecordAsync(db, CatalogLabNormaliser.Default, new LabEntryRequest(patient.Id, visit.Id, null,
            new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)), [new LabEntryValue("creatinine", "90", "umol/L", null)]));
        entry.Saved.ShouldBeTrue(string.Join("; ", entry.Issues));
    }
}
