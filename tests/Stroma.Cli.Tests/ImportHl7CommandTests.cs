// Source: issue #17 "HL7 v2 lab results in": `stroma import hl7 FILE|DIR` with a summary and an ACK per message,
// `stroma hl7 link` for hospital identifiers. Messages written from the HL7 v2.5.1 Chapter 7 ORU^R01 example.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Cli.Tests;

public sealed class ImportHl7CommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Message(string controlId, string pid, string obx) => string.Join("\r",
        $"MSH|^~\\&|GHH LAB|ELAB-3|STROMA|S1|201205010930+0800||ORU^R01^ORU_R01|{controlId}|P|2.5.1",
        pid,
        "OBR|1|845439^GHH OE|1045813^GHH LAB|24323-8^Comprehensive metabolic panel^LN|||201205010830+0800",
        obx) + "\r";

    private const string Creatinine = "OBX|1|NM|2160-0^Creatinine^LN||97|umol/L^^UCUM|45-84|H|||F";

    private static async Task<TestDatabase> RegistryAsync()
    {
        var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var db = database.Open("seed");
        var site = new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site 1" };
        db.Sites.Add(site);
        db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "P1", Sex = Sex.Female, BirthYear = 1980 });
        await db.SaveChangesAsync(Token);
        return database;
    }

    private static CliRunner.Outcome Run(TestDatabase database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "cli-test"]);

    [Fact]
    public async Task ImportHl7_CorrectedResultThenLabsCorrect_EachReplacesTheStoredValueWithItsReason()
    {
        await using var database = await RegistryAsync();
        var dir = Directory.CreateTempSubdirectory("stroma-hl7-");
        try
        {
            var first = Path.Combine(dir.FullName, "a.hl7");
            await File.WriteAllTextAsync(first, Message("MSG-1", "PID|1||P1^^^S1^PI", Creatinine), Token);
            Run(database, "import", "hl7", first, "--site", "S1").ExitCode.ShouldBe(ExitCodes.Ok);
            var correction = Path.Combine(dir.FullName, "b.hl7");
            await File.WriteAllTextAsync(correction, Message("MSG-2", "PID|1||P1^^^S1^PI", "OBX|1|NM|2160-0^Creatinine^LN||79|umol/L^^UCUM|45-84|N|||C"), Token);

            var corrected = Run(database, "import", "hl7", correction, "--site", "S1");
            var byHand = Run(database, "labs", "correct", "P1", "--analyte", "creatinine", "--specimen-time", "2012-05-01T08:30+08:00",
                "--value", "80", "--unit", "umol/L", "--range", "45-84", "--reason", "re-read from the paper report");
            var noReason = Run(database, "labs", "correct", "P1", "--analyte", "creatinine", "--specimen-time", "2012-05-01T08:30+08:00",
                "--value", "81", "--unit", "umol/L");
            var missing = Run(database, "labs", "correct", "P1", "--analyte", "c3", "--specimen-time", "2012-05-01T08:30+08:00",
                "--value", "0.8", "--unit", "g/L", "--reason", "typo");

            corrected.ExitCode.ShouldBe(ExitCodes.Ok, corrected.Error);
            corrected.Out.Trim().ShouldEndWith("results loaded 0, corrected 1, duplicates 0, held 0, cancelled 0");
            corrected.Error.ShouldContain("HLV014");
            byHand.ExitCode.ShouldBe(ExitCodes.Ok, byHand.Error);
            byHand.Out.Trim().ShouldBe("corrected: patient P1, creatinine at 2012-05-01T00:30Z now 80 umol/L, flag N");
            noReason.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            noReason.Error.ShouldContain("LAB017");
            missing.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            missing.Error.ShouldContain("LAB016");
            await using var db = database.Open();
            (await db.LabResults.SingleAsync(Token)).ReportedValue.ShouldBe("80");
            var reasons = await db.AuditEntries.Where(e => e.Entity == "LabResult" && e.Field == "ReportedValue").OrderBy(e => e.Sequence)
                .Select(e => new { e.OldValue, e.NewValue, e.Reason }).ToListAsync(Token);
            reasons.Select(r => (r.OldValue, r.NewValue)).ShouldBe([("97", "79"), ("79", "80")]);
            reasons[0].Reason.ShouldNotBeNull().ShouldContain("HL7 message MSG-2");
            reasons[1].Reason.ShouldBe("re-read from the paper report");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ImportHl7_DirectoryWithAGoodAndABadMessage_LoadsTheGoodOneWritesAcksAndExitsOne()
    {
        await using var database = await RegistryAsync();
        var dir = Directory.CreateTempSubdirectory("stroma-hl7-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "a.hl7"), Message("MSG-1", "PID|1||P1^^^S1^PI", Creatinine), Token);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "b.hl7"), Message("MSG-2", "PID|1||P1^^^S1^PI", "OBX|1|NM|2160-0^Creatinine^LN||97|U/L|||||F"), Token);
            var acks = Path.Combine(dir.FullName, "acks");

            var outcome = Run(database, "import", "hl7", dir.FullName, "--site", "S1", "--ack-dir", acks);

            outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
            outcome.Out.Trim().ShouldBe("files 2 (refused 0), messages 2: accepted 1, errors 1, rejected 0; results loaded 1, corrected 0, duplicates 0, held 0, cancelled 0");
            outcome.Error.ShouldContain("b.hl7 message 1 (MSG-2): AE");
            outcome.Error.ShouldContain("error LAB003 [OBX[4]-6]");
            (await File.ReadAllTextAsync(Path.Combine(acks, "a.1.MSG-1.ack.hl7"), Token)).Split('\r')[1].ShouldBe("MSA|AA|MSG-1");
            var error = (await File.ReadAllTextAsync(Path.Combine(acks, "b.1.MSG-2.ack.hl7"), Token)).Split('\r');
            error[1].ShouldBe("MSA|AE|MSG-2");
            error[2].ShouldStartWith("ERR||OBX^4^6|103^Table value not found^HL70357|E||||LAB003: ");
            await using var db = database.Open();
            (await db.LabResults.SingleAsync(Token)).ReportedValue.ShouldBe("97");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Hl7Link_HospitalIdentifier_ThenImportResolvesIt()
    {
        await using var database = await RegistryAsync();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, Message("MSG-3", "PID|1||MRN-77^^^GHH^MR", Creatinine), Token);

            var before = Run(database, "import", "hl7", file, "--site", "S1");
            var link = Run(database, "hl7", "link", "--site", "S1", "--patient", "P1", "--identifier", "MRN-77", "--authority", "GHH");
            var after = Run(database, "import", "hl7", file, "--site", "S1");

            before.ExitCode.ShouldBe(ExitCodes.InvalidInput);
            before.Error.ShouldContain("HLV008");
            link.ExitCode.ShouldBe(ExitCodes.Ok, link.Error);
            link.Out.Trim().ShouldBe("linked MRN-77 (GHH) to P1 at site S1");
            after.ExitCode.ShouldBe(ExitCodes.Ok, after.Error);
            after.Out.ShouldContain("results loaded 1");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ImportHl7_UnknownSite_ExitsOneWithTheReason()
    {
        await using var database = await RegistryAsync();

        var outcome = Run(database, "import", "hl7", Path.GetTempPath(), "--site", "S9");

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        outcome.Error.Trim().ShouldBe("stroma: Site \"S9\" is not in the registry.");
    }
}
