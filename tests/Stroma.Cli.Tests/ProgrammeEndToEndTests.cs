// Source: issue #14 "Done when", first bullet: the seed's case 1 and case 2 built from an empty registry through the CLI
// alone (site add → patient register → protocol define/copy → approve → lot register/test/release with past dates → enrol with consent → infusions →
// contacts), audit verify passes, and `stroma trace patient CR-002` lists five administrations between 2015-09-26 and
// 2016-02-29. The seed article's facts: case 1, UC-MSC 5×10^7 cells IV on 2017-08-04, 2017-09-14 and 2017-10-12, the
// patient reporting no adverse reaction, then rash and sleep better; case 2, a 40-year-old woman with lupus nephritis
// admitted 2015-09-26 who consented and had five MSC + NK sessions over about four months (no dose, no dates given).
// Lot attributes, release results, limits, session dates and the case 2 doses are the test site's fictional values.
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed partial class ProgrammeEndToEndTests
{
    private const string Late = "entered from the paper file";

    private static readonly string[] MscResults =
    [
        "cd73=98.5", "cd90=99.1", "cd105=96.2", "cd45=0.4", "cd34=0.3", "cd14=0.5", "cd19=0.2", "hla_dr=0.6", "plastic_adherence=met",
        "trilineage_differentiation=met", "viability=93", "sterility=met", "endotoxin=0.5", "mycoplasma=met",
    ];

    [GeneratedRegex(@"signed by (\S+) at \d{4}-\d\d-\d\d \d\d:\d\dZ")]
    private static partial Regex SignedNow();

    [GeneratedRegex(@"now is \d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:\d\d)")]
    private static partial Regex NowIs();

    [GeneratedRegex(@"today( \(| is | )\d{4}-\d\d-\d\d")]
    private static partial Regex Today();

    [GeneratedRegex(@"head [0-9a-f]{64}")]
    private static partial Regex AuditHead();

    [GeneratedRegex(@"^    infused (\d{4}-\d\d-\d\d)  (administration_\d) \((msc|nk)\)", RegexOptions.Multiline)]
    private static partial Regex TracedInfusion();

    /// <summary>Runs each command and writes a transcript: the command, its stdout, its stderr lines prefixed "! ", its exit code.</summary>
    private sealed class Transcript(TestDatabase database, string folder, string fixtures)
    {
        private readonly StringBuilder text = new();

        public string LastOut { get; private set; } = "";

        public int Run(string user, params string[] args)
        {
            var outcome = CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", user]);
            LastOut = outcome.Out;
            text.Append("$ stroma ").AppendJoin(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)).Append('\n');
            text.Append(outcome.Out);
            foreach (var line in outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("! ").Append(line).Append('\n');
            }

            text.Append("exit ").Append(outcome.ExitCode).Append("\n\n");
            return outcome.ExitCode;
        }

        /// <summary>
        /// The transcript with what depends on the real clock masked: the signatures (lot release, protocol approval),
        /// "now" and "today" in the late-entry and future-event refusals, and the audit head (it hashes entry times).
        /// </summary>
        public override string ToString()
        {
            var masked = text.ToString()
                .Replace(database.Configuration.Describe(), "<database>", StringComparison.Ordinal)
                .Replace(folder, "<folder>", StringComparison.Ordinal)
                .Replace(fixtures, "<tests>", StringComparison.Ordinal);
            masked = SignedNow().Replace(masked, "signed by $1 at <now>");
            masked = NowIs().Replace(masked, "now is <now>");
            masked = Today().Replace(masked, "today$1<today>");
            return AuditHead().Replace(masked, "head <hash>");
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Programme_SeedCases1And2FromAnEmptyRegistry_RecordsEverythingThroughTheCliAndTraceListsCase2sFiveSessions(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var folder = Directory.CreateTempSubdirectory("stroma-e2e-");
        try
        {
            // A fictional site release specification for NK cells (ISCT defines MSC only): the limits are the site's.
            var nkSpec = Path.Combine(folder.FullName, "nk-spec.csv");
            await File.WriteAllTextAsync(nkSpec,
                "key,label,kind,limit,unit,source\n" +
                "cd56,CD56+ CD3- cells,at_least,70,%,Site NK release SOP v3 (test fixture)\n" +
                "viability,Viable cells,at_least,80,%,Site NK release SOP v3 (test fixture)\n" +
                "sterility,Sterility: no growth,must_be_met,,,Site NK release SOP v3 (test fixture)\n", TestContext.Current.CancellationToken);
            var t = new Transcript(database, folder.FullName, Fixture(""));

            // The site and the two patients, with their consent (the case reports give none for case 1: test values).
            t.Run("admin", "site", "add", "CR", "--name", "Case-report hospital", "--country", "CN").ShouldBe(ExitCodes.Ok);
            t.Run("admin", "site", "add", "cr", "--name", "Again").ShouldBe(ExitCodes.InvalidInput);
            t.Run("coordinator", "patient", "register", "CR-001", "--site", "CR", "--sex", "female", "--birth-year", "1960",
                "--consent-version", "1", "--consent-date", "2017-08-01").ShouldBe(ExitCodes.Ok);
            t.Run("coordinator", "patient", "register", "CR-002", "--site", "CR", "--sex", "female", "--birth-year", "1975",
                "--consent-version", "1", "--consent-date", "2115-09-28").ShouldBe(ExitCodes.InvalidInput);
            t.Run("coordinator", "patient", "register", "CR-002", "--site", "CR", "--sex", "female", "--birth-year", "1975",
                "--consent-version", "1", "--consent-date", "2015-09-28").ShouldBe(ExitCodes.Ok);
            t.Run("coordinator", "patient", "register", "CR-002", "--site", "XX", "--sex", "x", "--consent-date", "2015-09-28").ShouldBe(ExitCodes.Usage);
            t.Run("coordinator", "patient", "register", "CR-002", "--site", "CR", "--sex", "female", "--birth-year", "1975").ShouldBe(ExitCodes.InvalidInput);

            // Case 1: the site's protocol defined from a file (seed_case_1's content with the site's windows), approved.
            t.Run("investigator", "protocol", "define", Fixture("Protocols/cr-uc-msc.yaml")).ShouldBe(ExitCodes.Ok);
            t.Run("investigator", "protocol", "approve", "cr_uc_msc", "--version", "1", "--meaning", "approved").ShouldBe(ExitCodes.Ok);
            DateOnly[] case1 = [new(2017, 8, 4), new(2017, 9, 14), new(2017, 10, 12)];
            for (var i = 0; i < case1.Length; i++)
            {
                var lot = Invariant($"CR-001-UCMSC-{i + 1}");
                var day = case1[i];
                t.Run("qa.lee", "lot", "register", lot, "--site", "CR", "--type", "uc_msc", "--donor", Invariant($"D-17{i + 1:00}"), "--tissue", "umbilical cord",
                    "--manufacturer", "GMP lab A", "--manufactured", Date(day.AddDays(-28)), "--expires", Date(day.AddDays(60)), "--passage", "4",
                    "--cells", "5e7", "--concentration", "5e6", "--viability", "94", "--volume", "10", "--location", "LN2 tank 1").ShouldBe(ExitCodes.Ok);
                t.Run("qa.lee", ["lot", "test", lot, "--tested", Date(day.AddDays(-21)), "--late-reason", Late, .. MscResults]).ShouldBe(ExitCodes.Ok);
                t.Run("qa.lee", "lot", "release", lot, "--meaning", "QA release for clinical use", "--viability-limit", "70", "--endotoxin-limit", "5",
                    "--spec-version", "site-1", "--on", Date(day.AddDays(-20)), "--late-reason", Late).ShouldBe(ExitCodes.Ok);
            }

            // The article states no consent date for case 1: 2017-08-01 is the test site's record (fictional).
            t.Run("coordinator", "enrol", "CR-001", "--protocol", "cr_uc_msc", "--start", "2017-08-04", "--consent-signed", "2017-08-01").ShouldBe(ExitCodes.Ok);
            // Refused: an infusion entered years after it happened needs its late-entry reason; nothing is written.
            t.Run("nurse", "infuse", "CR-001", "--lot", "CR-001-UCMSC-1", "--event", "administration_1", "--start", "2017-08-04T09:00+08:00", "--dose", "5e7")
                .ShouldBe(ExitCodes.InvalidInput);
            for (var i = 0; i < case1.Length; i++)
            {
                t.Run("nurse", "infuse", "CR-001", "--lot", Invariant($"CR-001-UCMSC-{i + 1}"), "--event", Invariant($"administration_{i + 1}"),
                    "--start", Date(case1[i]) + "T09:00+08:00", "--dose", "5e7", "--late-reason", Late).ShouldBe(ExitCodes.Ok);
            }

            t.Run("coordinator", "contact", "CR-001", "--date", "2017-09-14", "--mode", "clinic", "--rash", "better", "--late-reason", Late,
                "--notes", "No adverse reaction after the first infusion; skin improved, rash clearly reduced.").ShouldBe(ExitCodes.Ok);
            t.Run("coordinator", "contact", "CR-001", "--date", "2017-10-12", "--mode", "clinic", "--rash", "better", "--sleep", "better", "--late-reason", Late,
                "--notes", "After two infusions skin clearly better, rash essentially gone, sleep improved.").ShouldBe(ExitCodes.Ok);

            // Case 2: the site's copy of seed_case_2. Refused while a dose is not set; the doses (MSC 5×10^7 cells, NK
            // 1×10^9 cells per session) are the test site's choice: the article gives none.
            t.Run("investigator", "protocol", "copy", "seed_case_2", "cr_msc_nk", "--dose", "msc=5e7").ShouldBe(ExitCodes.Ok);
            t.Run("investigator", "protocol", "approve", "cr_msc_nk", "--version", "1", "--meaning", "approved").ShouldBe(ExitCodes.InvalidInput);
            t.Run("investigator", "protocol", "copy", "seed_case_2", "cr_msc_nk", "--dose", "msc=5e7", "--dose", "nk=1e9",
                "--reason", "site's doses: MSC 5e7 and NK 1e9 cells per session").ShouldBe(ExitCodes.Ok);
            t.Run("investigator", "protocol", "approve", "cr_msc_nk", "--version", "1", "--meaning", "approved").ShouldBe(ExitCodes.Ok);

            t.Run("qa.lee", "lot", "register", "CR-002-MSC-1", "--site", "CR", "--type", "uc_msc", "--donor", "D-1501", "--tissue", "umbilical cord",
                "--manufacturer", "GMP lab A", "--manufactured", "2015-09-10", "--expires", "2016-03-31", "--passage", "4",
                "--cells", "3e8", "--concentration", "5e6", "--viability", "94", "--volume", "60", "--location", "LN2 tank 1").ShouldBe(ExitCodes.Ok);
            t.Run("qa.lee", ["lot", "test", "CR-002-MSC-1", "--tested", "2015-09-17", "--late-reason", Late, .. MscResults]).ShouldBe(ExitCodes.Ok);
            t.Run("qa.lee", "lot", "release", "CR-002-MSC-1", "--meaning", "QA release for clinical use", "--viability-limit", "70", "--endotoxin-limit", "5",
                "--spec-version", "site-1", "--on", "2015-09-18", "--late-reason", Late).ShouldBe(ExitCodes.Ok);
            t.Run("qa.lee", "lot", "register", "CR-002-NK-1", "--site", "CR", "--type", "nk_cells", "--donor", "D-1502", "--tissue", "peripheral blood",
                "--manufacturer", "GMP lab A", "--manufactured", "2015-09-10", "--expires", "2016-03-31", "--passage", "0",
                "--cells", "6e9", "--concentration", "2e7", "--viability", "92", "--volume", "300", "--location", "LN2 tank 3").ShouldBe(ExitCodes.Ok);
            t.Run("qa.lee", "lot", "test", "CR-002-NK-1", "--tested", "2015-09-17", "--late-reason", Late, "cd56=85", "viability=91", "sterility=met").ShouldBe(ExitCodes.Ok);
            t.Run("qa.lee", "lot", "release", "CR-002-NK-1", "--meaning", "QA release for clinical use", "--spec", nkSpec, "--spec-version", "3",
                "--spec-name", "Site NK release SOP", "--on", "2015-09-18", "--late-reason", Late).ShouldBe(ExitCodes.Ok);

            t.Run("coordinator", "enrol", "CR-002", "--protocol", "cr_msc_nk", "--version", "1", "--start", "2015-10-08", "--consent-signed", "2015-09-28")
                .ShouldBe(ExitCodes.Ok);
            DateOnly[] case2 = [new(2015, 10, 8), new(2015, 11, 9), new(2015, 12, 8), new(2016, 1, 8), new(2016, 2, 8)];
            for (var i = 0; i < case2.Length; i++)
            {
                var session = Invariant($"administration_{i + 1}");
                t.Run("nurse", "infuse", "CR-002", "--lot", "CR-002-MSC-1", "--event", session, "--component", "msc",
                    "--start", Date(case2[i]) + "T09:00+08:00", "--dose", "5e7", "--late-reason", Late).ShouldBe(ExitCodes.Ok);
                t.Run("nurse", "infuse", "CR-002", "--lot", "CR-002-NK-1", "--event", session, "--component", "nk",
                    "--start", Date(case2[i]) + "T10:00+08:00", "--dose", "1e9", "--late-reason", Late).ShouldBe(ExitCodes.Ok);
            }

            // Refused: an event in the future (here a typo of the year, 2105 for 2015) is never recorded.
            t.Run("coordinator", "contact", "CR-002", "--date", "2105-11-09", "--mode", "phone", "--late-reason", Late).ShouldBe(ExitCodes.InvalidInput);
            t.Run("coordinator", "contact", "CR-002", "--date", "2016-02-08", "--mode", "clinic", "--late-reason", Late,
                "--notes", "By the fifth session clinical symptoms essentially resolved and tests essentially normal.").ShouldBe(ExitCodes.Ok);

            // With the site's windows case 1's infusions are in window; case 2's five sessions are all done.
            t.Run("reader", "schedule", "CR-001", "--as-of", "2018-01-01").ShouldBe(ExitCodes.Ok);
            t.LastOut.ShouldNotContain("OUT OF WINDOW");
            t.Run("reader", "schedule", "CR-002", "--as-of", "2016-03-01").ShouldBe(ExitCodes.Ok);
            t.LastOut.ShouldNotContain("MISSED");
            t.Run("reader", "trace", "patient", "CR-001").ShouldBe(ExitCodes.Ok);
            t.Run("reader", "trace", "patient", "CR-002").ShouldBe(ExitCodes.Ok);
            var trace = t.LastOut;
            t.Run("auditor", "audit", "verify").ShouldBe(ExitCodes.Ok);

            var transcript = t.ToString();
            transcript.Split("$ stroma infuse CR-001")[1].ShouldContain("! error RET002 [late_reason]");
            transcript.Split("$ stroma protocol approve cr_msc_nk")[1].ShouldContain("! error PRT009 [components[1].dose]");
            transcript.Split("$ stroma contact CR-002")[1].ShouldContain("! error RET001 [contact_date]");
            // The commands run on the real clock (TimeProvider.System): the golden transcript must not carry today's date.
            transcript.ShouldNotContain(Date(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime)));

            var sessions = TracedInfusion().Matches(trace)
                .Select(m => (Date: DateOnly.ParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture), Event: m.Groups[2].Value, Component: m.Groups[3].Value))
                .ToList();
            sessions.Count.ShouldBe(10);
            sessions.Select(s => s.Event).Distinct().Count().ShouldBe(5);
            sessions.GroupBy(s => s.Event).ShouldAllBe(g => g.Select(s => s.Component).Order().SequenceEqual(new[] { "msc", "nk" }));
            sessions.ShouldAllBe(s => s.Date >= new DateOnly(2015, 9, 26) && s.Date <= new DateOnly(2016, 2, 29));
            Golden.Verify(transcript, "programme-end-to-end", "txt");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A fixture file beside this source file (the golden files are found the same way).</summary>
    private static string Fixture(string relative, [CallerFilePath] string callerFile = "") => Path.Combine(Path.GetDirectoryName(callerFile)!, relative);

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
