// Source: HL7 v2.5.1 Chapter 2, 2.10.3 (batch protocol: FHS, BHS, BTS-1 batch message count, FTS-1 file batch count)
// and 2.14/2.15 (MSA, ERR; ERR-1 "error code and location" in versions 2.3 and 2.4).
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Tests;
using Stroma.Interop.Hl7;

namespace Stroma.Interop.Tests.Hl7;

public sealed class Hl7FileImportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Message(string controlId, string version, string obx) => string.Join("\r",
        $"MSH|^~\\&|GHH LAB|ELAB-3|STROMA|S1|202501050930+0800||ORU^R01|{controlId}|P|{version}",
        "PID|1||S1-001^^^S1^PI",
        "OBR|1|845439^GHH OE|1045813^GHH LAB|24323-8^CMP^LN|||202501050830+0800",
        obx);

    private static async Task<(TestDatabase Database, string File)> ArrangeAsync(DatabaseEngine engine, string content)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 1, IncludeSeedCases: false, IncludeLabs: false), Token);
        }

        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, content, Token);
        return (database, file);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportFileAsync_Batch_EachMessageOnItsOwnWithItsOwnAck(DatabaseEngine engine)
    {
        var (database, file) = await ArrangeAsync(engine, string.Join("\n",
            "FHS|^~\\&|GHH LAB|ELAB-3|||202501051000+0800", "BHS|^~\\&|GHH LAB|ELAB-3|||202501051000+0800",
            Message("B-1", "2.5.1", "OBX|1|NM|2160-0^Creatinine^LN||1.2|mg/dL|0.6-1.1|H|||F"),
            Message("B-2", "2.3", "OBX|1|NM|2160-0^Creatinine^LN||95|U/L|||||F"),
            "BTS|2", "FTS|1", ""));
        await using var _ = database;
        try
        {
            var outcome = await Hl7FileImport.ImportFileAsync(database.Configuration, "hl7", TimeProvider.System, file, new Hl7ImportOptions("S1"), Token);

            outcome.FileIssues.ShouldBeEmpty();
            outcome.Messages.Select(m => m.Outcome.Ack).ShouldBe([Hl7AckCode.AA, Hl7AckCode.AE]);
            var ack23 = outcome.Messages[1].Ack.Split('\r');
            ack23[0].ShouldEndWith("||ACK^R01|ACKB-2|P|2.3");
            ack23[1].ShouldStartWith("MSA|AE|B-2|error LAB003 [OBX[4]-6]: ");
            ack23[2].ShouldStartWith("ERR|OBX^4^6^103&LAB003: ");
            ack23[2].ShouldEndWith("&HL70357");
            await using var db = database.Open();
            (await db.LabResults.CountAsync(Token)).ShouldBe(1);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ImportFileAsync_BatchCountDisagrees_FileRefusedNothingStored(DatabaseEngine engine)
    {
        var (database, file) = await ArrangeAsync(engine, string.Join("\r",
            "BHS|^~\\&|GHH LAB|ELAB-3", Message("B-1", "2.5.1", "OBX|1|NM|2160-0^Creatinine^LN||1.2|mg/dL|0.6-1.1|H|||F"), "BTS|2"));
        await using var _ = database;
        try
        {
            var outcome = await Hl7FileImport.ImportFileAsync(database.Configuration, "hl7", TimeProvider.System, file, new Hl7ImportOptions("S1"), Token);

            outcome.Messages.ShouldBeEmpty();
            outcome.FileIssues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.Hl7SegmentOrder);
            await using var db = database.Open();
            (await db.LabResults.CountAsync(Token)).ShouldBe(0);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
