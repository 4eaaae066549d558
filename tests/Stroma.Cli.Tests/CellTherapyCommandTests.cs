// Source: issue #6 (stroma lot, enrol, schedule, infuse, trace) and docs/cell-therapy.md "Records, commands and trace";
// the seed's case 1 infusion dates 2017-08-04, 2017-09-14, 2017-10-12; Wang 2014 (day 0 and day 7, 1×10^6 cells/kg UNCONFIRMED).
using System.Text;
using System.Text.RegularExpressions;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed partial class CellTherapyCommandTests
{
    [GeneratedRegex(@"signed by (\S+) at \d{4}-\d\d-\d\d \d\d:\d\dZ")]
    private static partial Regex SignedNow();

    /// <summary>Runs each command and writes a transcript: the command, its stdout, its stderr lines prefixed "! ", its exit code.</summary>
    private sealed class Transcript(TestDatabase database, TimeProvider? clock = null)
    {
        private readonly StringBuilder text = new();

        public int Run(string user, params string[] args)
        {
            var outcome = CliRunner.RunAt(clock, "", [.. args, "--database", database.Configuration.ConnectionString, "--user", user]);
            text.Append("$ stroma ").AppendJoin(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)).Append('\n');
            text.Append(outcome.Out);
            foreach (var line in outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("! ").Append(line).Append('\n');
            }

            text.Append("exit ").Append(outcome.ExitCode).Append("\n\n");
            return outcome.ExitCode;
        }

        public override string ToString() => SignedNow().Replace(text.ToString().Replace(database.Configuration.Describe(), "<database>", StringComparison.Ordinal), "signed by $1 at <now>");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Demo_SeedCase1AndCohort_TraceAndScheduleShowLotsInfusionsAndMarks(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var t = new Transcript(database);
        t.Run("demo", "demo").ShouldBe(ExitCodes.Ok);

        t.Run("reader", "trace", "patient", "CR-001").ShouldBe(ExitCodes.Ok);
        t.Run("reader", "schedule", "CR-001", "--as-of", "2018-01-01").ShouldBe(ExitCodes.Ok);
        t.Run("reader", "trace", "lot", "DEMO-S1-2011Q2-1").ShouldBe(ExitCodes.Ok);
        t.Run("reader", "schedule", "S1-009", "--as-of", "2012-06-01").ShouldBe(ExitCodes.Ok);
        t.Run("reader", "trace", "lot", "NO-SUCH-LOT").ShouldBe(ExitCodes.InvalidInput);
        t.Run("reader", "trace", "patient", "S9-999").ShouldBe(ExitCodes.InvalidInput);

        Golden.Verify(t.ToString(), "celltherapy-demo-trace", "txt");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Workflow_RegisterTestReleaseEnrolInfuse_RefusalsListEveryIssueAndTraceShowsTheRecords(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var t = new Transcript(database);
        t.Run("demo", "demo", "--patients", "0").ShouldBe(ExitCodes.Ok);
        string[] register =
        [
            "lot", "register", "UC-2024-001", "--site", "CR", "--type", "uc_msc", "--donor", "D-0042", "--tissue", "umbilical cord", "--manufacturer", "GMP lab A",
            "--manufactured", "2024-01-10", "--expires", "2099-12-31", "--passage", "4", "--cells", "5e8", "--concentration", "5e6", "--viability", "94",
            "--volume", "100", "--location", "LN2 tank 2",
        ];
        string[] passing =
        [
            "cd73=98.5", "cd90=99.1", "cd105=96.2", "cd45=0.4", "cd34=0.3", "cd14=0.5", "cd19=0.2", "hla_dr=0.6", "plastic_adherence=met",
            "trilineage_differentiation=met", "viability=93", "sterility=met", "endotoxin=0.5", "mycoplasma=met",
        ];
        // The signature is dated by the real clock, so the lot must not have expired on the day the test runs.
        string[] release = ["lot", "release", "UC-2024-001", "--meaning", "QA release for clinical use", "--viability-limit", "70", "--endotoxin-limit", "5", "--spec-version", "site-1"];

        t.Run("qa.lee", register).ShouldBe(ExitCodes.Ok);
        t.Run("qa.lee", register).ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", ["lot", "test", "UC-2024-001", "--late-reason", "from the paper file", "--tested", "2024-01-17", .. passing.Select(p => p.StartsWith("cd73=", StringComparison.Ordinal) ? "cd73=90" : p)]).ShouldBe(ExitCodes.Ok);
        t.Run("qa.lee", "lot", "custody", "UC-2024-001", "--late-reason", "from the paper file", "--event", "shipped", "--at", "2024-02-20T08:00+08:00", "--place", "GMP lab A", "--person", "courier").ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", release).ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", "lot", "release", "UC-2024-001", "--meaning", "QA release for clinical use").ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", ["lot", "test", "UC-2024-001", "--late-reason", "from the paper file", "--tested", "2024-01-18", "cd73=98.5"]).ShouldBe(ExitCodes.Ok);
        t.Run("qa.lee", release).ShouldBe(ExitCodes.Ok);
        t.Run("qa.lee", "lot", "reject", "UC-2024-001", "--meaning", "QA rejection", "--reason", "second thoughts").ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", "lot", "custody", "UC-2024-001", "--late-reason", "from the paper file", "--event", "released", "--at", "2024-02-20T07:00+08:00", "--place", "GMP lab A", "--person", "qa.lee").ShouldBe(ExitCodes.Ok);
        t.Run("courier", "lot", "custody", "UC-2024-001", "--late-reason", "from the paper file", "--event", "administered", "--at", "2024-02-20T09:00+08:00", "--place", "Ward 3", "--person", "nurse").ShouldBe(ExitCodes.InvalidInput);
        t.Run("courier", "lot", "custody", "UC-2024-001", "--late-reason", "from the paper file", "--event", "shipped", "--at", "2024-02-20T08:00+08:00", "--place", "GMP lab A", "--person", "courier").ShouldBe(ExitCodes.Ok);
        t.Run("pharmacist", "lot", "custody", "UC-2024-001", "--late-reason", "from the paper file", "--event", "received", "--at", "2024-02-20T14:00+08:00", "--place", "CR pharmacy", "--person", "pharmacist", "--temperature", "-175").ShouldBe(ExitCodes.Ok);

        t.Run("coordinator", "enrol", "CR-002", "--protocol", "wang_2014", "--start", "2024-03-01", "--weight", "58", "--weighed", "2024-02-28", "--consent-signed", "2024-02-20").ShouldBe(ExitCodes.Ok);
        t.Run("coordinator", "enrol", "CR-002", "--protocol", "wang_2014", "--start", "2024-03-01").ShouldBe(ExitCodes.InvalidInput);
        t.Run("nurse", "infuse", "CR-002", "--protocol", "wang_2014", "--late-reason", "from the paper file", "--lot", "UC-2024-001", "--event", "administration_1", "--start", "2024-03-01T09:00+08:00", "--dose", "6.4e7", "--weight", "58", "--weighed", "2024-02-28").ShouldBe(ExitCodes.InvalidInput);
        t.Run("nurse", "infuse", "CR-002", "--protocol", "wang_2014", "--late-reason", "from the paper file", "--lot", "UC-2024-001", "--event", "administration_1", "--start", "2024-03-01T09:00+08:00", "--dose", "6.4e7", "--weight", "58").ShouldBe(ExitCodes.InvalidInput);
        t.Run("nurse", "infuse", "CR-002", "--protocol", "wang_2014", "--late-reason", "from the paper file", "--lot", "UC-2024-001", "--event", "administration_1", "--start", "2024-03-01T09:00+08:00", "--stop", "2024-03-01T09:40+08:00",
            "--dose", "5.8e7", "--weight", "58", "--pre", "at=2024-03-01T08:45+08:00;sbp=118;dbp=76;hr=72;temp=36.6;rr=16;spo2=98",
            "--post", "at=2024-03-01T10:30+08:00;sbp=120;dbp=78;hr=74;temp=36.9;rr=16;spo2=98", "--premed", "promethazine;25 mg IM;2024-03-01T08:30+08:00").ShouldBe(ExitCodes.Ok);
        t.Run("nurse", "infuse", "CR-002", "--protocol", "wang_2014", "--late-reason", "from the paper file", "--lot", "UC-2024-001", "--event", "administration_2", "--start", "2024-03-11T09:00+08:00", "--dose", "5.7e7", "--weight", "57").ShouldBe(ExitCodes.Ok);
        t.Run("coordinator", "schedule", "CR-002", "--protocol", "wang_2014", "--move", "month_3", "--to", "2024-06-10", "--reason", "patient travelling", "--as-of", "2024-07-01").ShouldBe(ExitCodes.Ok);
        t.Run("coordinator", "contact", "CR-002", "--late-reason", "from the paper file", "--date", "2024-04-02", "--mode", "phone", "--event", "month_1", "--rash", "better", "--sleep", "better",
            "--fatigue", "unchanged", "--pain", "worse").ShouldBe(ExitCodes.Ok);
        t.Run("coordinator", "contact", "CR-002", "--late-reason", "from the paper file", "--date", "2024-04-02", "--event", "month_2").ShouldBe(ExitCodes.InvalidInput);
        t.Run("coordinator", "schedule", "CR-002", "--as-of", "2024-07-01", "--record-deviations").ShouldBe(ExitCodes.Ok);
        t.Run("reader", "trace", "lot", "UC-2024-001").ShouldBe(ExitCodes.Ok);
        t.Run("reader", "trace", "patient", "CR-002").ShouldBe(ExitCodes.Ok);
        t.Run("reader", "audit", "verify").ShouldBe(ExitCodes.Ok);

        Golden.Verify(Regex.Replace(t.ToString(), "head [0-9a-f]{64}", "head <hash>"), "celltherapy-workflow", "txt");
    }

    [Fact]
    public void Infuse_TimeWithoutOffset_IsAUsageError()
    {
        var outcome = CliRunner.Run("", "infuse", "CR-002", "--lot", "L", "--event", "administration_1", "--start", "2024-03-01T09:00", "--dose", "5e7", "--database", "unused.db");

        outcome.ExitCode.ShouldBe(ExitCodes.Usage);
        outcome.Error.ShouldContain("UTC offset");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Release_NkLotAgainstTheSitesSpecificationFile_IsReleased_AndABadFileIsRefused(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var t = new Transcript(database);
        var folder = Directory.CreateTempSubdirectory("stroma-spec-");
        try
        {
            // A fictional site specification for NK cells (ISCT defines MSC only): the limits are the site's, not published.
            var spec = Path.Combine(folder.FullName, "nk-spec.csv");
            File.WriteAllText(spec,
                "key,label,kind,limit,unit,source\n" +
                "cd56,CD56+ CD3- cells,at_least,70,%,Site NK release SOP v3 (test fixture)\n" +
                "viability,Viable cells,at_least,80,%,Site NK release SOP v3 (test fixture)\n" +
                "sterility,Sterility: no growth,must_be_met,,,Site NK release SOP v3 (test fixture)\n");
            var bad = Path.Combine(folder.FullName, "bad-spec.csv");
            File.WriteAllText(bad,
                "key,label,kind,limit,unit,source\n" +
                "cd56,CD56+ CD3- cells,at_least,seventy,%,SOP\n" +
                "cd56,CD56+ again,more_than,70,%,SOP\n" +
                "viability,Viable cells,at_least,80,%,\n");
            t.Run("demo", "demo", "--patients", "0").ShouldBe(ExitCodes.Ok);
            t.Run("qa.lee",
                "lot", "register", "NK-2024-001", "--site", "CR", "--type", "nk_cells", "--donor", "D-0043", "--tissue", "peripheral blood", "--manufacturer", "GMP lab A",
                "--manufactured", "2024-01-10", "--expires", "2099-12-31", "--passage", "0", "--cells", "2e9", "--concentration", "2e7", "--viability", "92",
                "--volume", "100", "--location", "LN2 tank 3").ShouldBe(ExitCodes.Ok);
            t.Run("qa.lee", "lot", "test", "NK-2024-001", "--late-reason", "from the paper file", "--tested", "2024-01-17", "cd56=85", "viability=91", "sterility=met").ShouldBe(ExitCodes.Ok);

            t.Run("qa.lee", "lot", "release", "NK-2024-001", "--meaning", "QA release").ShouldBe(ExitCodes.InvalidInput);
            t.Run("qa.lee", "lot", "release", "NK-2024-001", "--meaning", "QA release", "--spec", bad, "--spec-version", "3").ShouldBe(ExitCodes.InvalidInput);
            t.Run("qa.lee", "lot", "release", "NK-2024-001", "--meaning", "QA release", "--spec", spec).ShouldBe(ExitCodes.Usage);
            t.Run("qa.lee", "lot", "release", "NK-2024-001", "--meaning", "QA release for clinical use", "--spec", spec, "--spec-version", "3",
                "--spec-name", "Site NK release SOP").ShouldBe(ExitCodes.Ok);

            var transcript = t.ToString().Replace(folder.FullName, "<folder>", StringComparison.Ordinal);
            transcript.ShouldContain("CTD009");
            transcript.ShouldContain("Specification line 2: limit \"seventy\" is not a number");
            transcript.ShouldContain("Specification line 3: kind \"more_than\" is not a kind");
            transcript.ShouldContain("Specification line 4: source key, label and source are required");
            transcript.ShouldContain("lot NK-2024-001 released: signed by qa.lee");
            transcript.ShouldContain("specification Site NK release SOP 3");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Ae_RecordsGradedEvents_RefusesInconsistentOnes_AndTraceShowsTheSuspectLot(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var t = new Transcript(database);
        t.Run("demo", "demo", "--patients", "0").ShouldBe(ExitCodes.Ok);

        t.Run("dr.li", "ae", "CR-001", "--late-reason", "from the paper file", "--term", "Herpes zoster", "--category", "infection", "--onset", "2017-09-01", "--grade", "2",
            "--relatedness", "not_related", "--outcome", "recovered", "--resolved", "2017-09-20").ShouldBe(ExitCodes.Ok);
        // Related events must name their lot; grade 5 needs a fatal outcome, the death criterion and a death date: refused, nothing written.
        t.Run("dr.li", "ae", "CR-001", "--late-reason", "from the paper file", "--term", "Fever", "--category", "infusion_related_reaction", "--onset", "2017-08-04", "--grade", "1",
            "--relatedness", "probable").ShouldBe(ExitCodes.InvalidInput);
        t.Run("dr.li", "ae", "CR-001", "--late-reason", "from the paper file", "--term", "Sepsis", "--onset", "2017-10-20", "--grade", "5", "--relatedness", "unlikely").ShouldBe(ExitCodes.InvalidInput);
        t.Run("dr.li", "ae", "CR-001", "--late-reason", "from the paper file", "--term", "Anaphylaxis", "--category", "infusion_related_reaction", "--onset", "2017-09-14", "--grade", "3",
            "--serious", "hospitalisation", "--relatedness", "probable", "--lot", "CR-001-UCMSC-2", "--unexpected", "--outcome", "recovered").ShouldBe(ExitCodes.Ok);
        t.Run("dr.li", "ae", "CR-001", "--late-reason", "from the paper file", "--term", "Rash", "--onset", "2017-08-05", "--grade", "7", "--relatedness", "maybe").ShouldBe(ExitCodes.Usage);
        t.Run("reader", "trace", "lot", "CR-001-UCMSC-2").ShouldBe(ExitCodes.Ok);

        var transcript = t.ToString();
        transcript.ShouldContain("adverse event recorded: patient CR-001, Herpes zoster, CTCAE grade 2");
        transcript.ShouldContain("adverse event recorded: patient CR-001, Anaphylaxis, CTCAE grade 3, onset 2017-09-14, serious, probable (lot CR-001-UCMSC-2); SUSAR");
        transcript.Split("$ stroma trace lot")[1].ShouldContain("Anaphylaxis");
        transcript.Split("$ stroma ae")[2].ShouldContain("! ");
        transcript.Split("$ stroma ae")[3].ShouldContain("! ");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RetrospectiveEntry_2017LotReleasedOnItsDecisionDateAndInfused_LateNeedsAReasonFutureRefused(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var t = new Transcript(database, ManualClock.At("2026-12-06T12:00:00Z"));
        t.Run("demo", "demo", "--patients", "0").ShouldBe(ExitCodes.Ok);
        string[] passing =
        [
            "cd73=98.5", "cd90=99.1", "cd105=96.2", "cd45=0.4", "cd34=0.3", "cd14=0.5", "cd19=0.2", "hla_dr=0.6", "plastic_adherence=met",
            "trilineage_differentiation=met", "viability=93", "sterility=met", "endotoxin=0.5", "mycoplasma=met",
        ];
        string[] release = ["lot", "release", "LOT-2017-A", "--meaning", "QA release for clinical use", "--viability-limit", "70", "--endotoxin-limit", "5", "--spec-version", "site-1"];

        t.Run("qa.lee", "lot", "register", "LOT-2017-A", "--site", "CR", "--type", "uc_msc", "--donor", "D-2017", "--tissue", "umbilical cord", "--manufacturer", "GMP lab A",
            "--manufactured", "2017-06-01", "--expires", "2017-12-31", "--cells", "5e8", "--concentration", "5e6", "--viability", "94", "--volume", "100", "--location", "LN2 tank 2").ShouldBe(ExitCodes.Ok);
        t.Run("qa.lee", ["lot", "test", "LOT-2017-A", "--tested", "2017-07-01", .. passing]).ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", ["lot", "test", "LOT-2017-A", "--tested", "2017-07-01", "--late-reason", "transcribed from the 2017 batch record", .. passing]).ShouldBe(ExitCodes.Ok);
        t.Run("qa.lee", release).ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", [.. release, "--on", "2026-12-07"]).ShouldBe(ExitCodes.InvalidInput);
        t.Run("qa.lee", [.. release, "--on", "2017-07-25", "--late-reason", "transcribed from the 2017 batch record"]).ShouldBe(ExitCodes.Ok);
        t.Run("coordinator", "enrol", "CR-002", "--protocol", "seed_case_1", "--start", "2017-08-04", "--consent-signed", "2017-07-30").ShouldBe(ExitCodes.Ok);
        t.Run("nurse", "infuse", "CR-002", "--protocol", "seed_case_1", "--lot", "LOT-2017-A", "--event", "administration_1", "--start", "2017-08-04T09:00+08:00", "--dose", "5e7", "--weight", "58",
            "--late-reason", "transcribed from the 2017 infusion chart").ShouldBe(ExitCodes.Ok);
        t.Run("coordinator", "contact", "CR-002", "--date", "2026-12-07", "--mode", "phone").ShouldBe(ExitCodes.InvalidInput);
        t.Run("coordinator", "contact", "CR-002", "--date", "2026-12-01", "--mode", "phone").ShouldBe(ExitCodes.Ok);
        t.Run("dr.li", "ae", "CR-002", "--term", "Fever", "--category", "infusion_related_reaction", "--onset", "2017-08-04", "--grade", "1",
            "--relatedness", "possible", "--lot", "LOT-2017-A", "--outcome", "recovered").ShouldBe(ExitCodes.InvalidInput);

        Golden.Verify(t.ToString(), "celltherapy-retrospective", "txt");
    }
}
