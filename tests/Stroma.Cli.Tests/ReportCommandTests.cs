// Source: issue #7 "The study report" (stroma report study: html, pdf, csv, json) and the adjudication record it
// counts (stroma adjudicate). Golden files fix the CSV/JSON structure on the demo cohort (SQLite); the HTML and PDF
// are checked for their headings and embedded charts.
using PdfSharp.Pdf.IO;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class ReportCommandTests
{
    private static readonly string[] Headings =
    [
        "Study report", "Flow of patients", "Baseline characteristics", "Disease activity, renal and serological measures by month",
        "Clinical responses (investigator adjudications)", "Survival", "Adverse events", "Methods",
    ];

    private static CliRunner.Outcome Run(TestDatabase database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "cli-test"]);

    private static async Task<(TestDatabase Database, string Folder)> DemoAsync(DatabaseEngine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        Run(database, "demo").ExitCode.ShouldBe(ExitCodes.Ok);
        return (database, Directory.CreateTempSubdirectory("stroma-report-").FullName);
    }

    [Fact]
    public async Task ReportStudy_DemoCohortAsJsonAndCsv_MatchesGoldenFiles()
    {
        var (database, folder) = await DemoAsync(DatabaseEngine.Sqlite);
        await using var _ = database;
        try
        {
            foreach (var format in new[] { "json", "csv" })
            {
                var file = Path.Combine(folder, "report." + format);
                var outcome = Run(database, "report", "study", "--protocol", "wang_2014", "--format", format, "--out", file);

                outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
                Golden.Verify(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken), "report-study-demo", format);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ReportStudy_Html_HasEveryHeadingAndInlineSvgCharts(DatabaseEngine engine)
    {
        var (database, folder) = await DemoAsync(engine);
        await using var _ = database;
        try
        {
            var file = Path.Combine(folder, "report.html");
            var outcome = Run(database, "report", "study", "--site", "S1", "--site", "S2", "--out", file, "--charts", Path.Combine(folder, "charts"));

            outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
            var html = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            foreach (var heading in Headings)
            {
                html.ShouldContain(heading);
            }

            html.ShouldContain("Sites: S1, S2.");
            html.ShouldNotContain("S3-0");
            System.Text.RegularExpressions.Regex.Count(html, "<svg").ShouldBeGreaterThanOrEqualTo(5);
            var pngs = Directory.GetFiles(Path.Combine(folder, "charts"), "*.png");
            pngs.ShouldContain(p => p.EndsWith("km_overall_survival.png", StringComparison.Ordinal));
            pngs.ShouldAllBe(p => new FileInfo(p).Length > 10_000);
            File.ReadAllBytes(pngs[0]).Take(4).ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47 });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ReportStudy_Pdf_ParsesWithEveryHeadingAsAnOutlineAndChartImages()
    {
        var (database, folder) = await DemoAsync(DatabaseEngine.Sqlite);
        await using var _ = database;
        try
        {
            var file = Path.Combine(folder, "report.pdf");
            var outcome = Run(database, "report", "study", "--format", "pdf", "--out", file);

            outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
            using var document = PdfReader.Open(file, PdfDocumentOpenMode.Import);
            document.PageCount.ShouldBeGreaterThan(3);
            var outlines = document.Outlines.Select(o => o.Title).ToList();
            foreach (var heading in Headings)
            {
                outlines.ShouldContain(heading);
            }

            outlines.ShouldContain("Charts");
            var raw = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
            System.Text.RegularExpressions.Regex.Count(raw, "/Subtype\\s*/Image").ShouldBeGreaterThanOrEqualTo(5);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--format", "docx")]
    [InlineData("--protocol", "unknown_protocol")]
    public void ReportStudy_BadOption_IsAUsageError(string option, string value)
    {
        var outcome = CliRunner.Run("", "report", "study", option, value, "--out", "x.html", "--database", Path.Combine(Path.GetTempPath(), "never-created.db"));

        outcome.ExitCode.ShouldBe(ExitCodes.Usage);
    }

    [Fact]
    public void ReportStudy_UnknownProtocol_NamesTheValueAndTheKnownProtocols()
    {
        // Stored protocols are known only once the registry is open: an empty registry knows the templates alone.
        var folder = Directory.CreateTempSubdirectory("stroma-report-protocol-").FullName;
        try
        {
            var outcome = CliRunner.Run("", "report", "study", "--protocol", "wang_2041", "--out", Path.Combine(folder, "x.html"), "--database", Path.Combine(folder, "empty.db"));

            outcome.ExitCode.ShouldBe(ExitCodes.Usage);
            outcome.Error.ShouldContain("Unknown protocol 'wang_2041'; known protocols: seed_case_1, wang_2014, seed_case_2, car_t_sle.");
            File.Exists(Path.Combine(folder, "x.html")).ShouldBeFalse();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task ReportStudy_Protocol_ReportsOnlyThePatientsEnrolledOnIt(DatabaseEngine engine)
    {
        var (database, folder) = await DemoAsync(engine);
        await using var _ = database;
        try
        {
            var onCase1 = Path.Combine(folder, "case1.csv");
            var everyone = Path.Combine(folder, "all.csv");
            var outcome = Run(database, "report", "study", "--protocol", "seed_case_1", "--out", onCase1, "--timings");
            Run(database, "report", "study", "--out", everyone).ExitCode.ShouldBe(ExitCodes.Ok);

            outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
            outcome.Error.ShouldContain("lab values creatinine");
            var case1 = await File.ReadAllLinesAsync(onCase1, TestContext.Current.CancellationToken);
            case1.ShouldContain("flow,registered,,n,1");
            case1.ShouldContain("flow,enrolled,,n,0");
            (await File.ReadAllLinesAsync(everyone, TestContext.Current.CancellationToken)).ShouldContain("flow,registered,,n,43");
            var onCase2 = Path.Combine(folder, "case2.csv");
            var stored = Run(database, "report", "study", "--protocol", "cr_msc_nk", "--out", onCase2);
            stored.ExitCode.ShouldBe(ExitCodes.Ok, stored.Error);
            var case2 = await File.ReadAllLinesAsync(onCase2, TestContext.Current.CancellationToken);
            case2.ShouldContain("flow,registered,,n,1");
            case2.ShouldContain("flow,treated,,n,0", customMessage: "CR-002 has no baseline visit: registered, not enrolled, so not counted as treated");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Adjudicate_ValidAndInvalid_RecordsOneAndReportsTheOther(DatabaseEngine engine)
    {
        var (database, folder) = await DemoAsync(engine);
        await using var _ = database;
        Directory.Delete(folder);
        string[] common = ["adjudicate", "--site", "S1", "--patient", "S1-005", "--date", "2011-08-01", "--months", "6", "--visit", "month_6", "--at", "2011-08-02T09:00:00Z"];

        var ok = Run(database, [.. common, "--category", "pcr", "--basis", "Protocol criteria as applied by the investigator."]);
        var noBasis = Run(database, [.. common, "--category", "mcr"]);
        var badCategory = Run(database, [.. common, "--category", "great", "--basis", "x"]);
        var unknown = Run(database, ["adjudicate", "--site", "S1", "--patient", "S9-999", "--date", "2011-08-01", "--months", "6", "--category", "nr", "--basis", "x"]);

        ok.ExitCode.ShouldBe(ExitCodes.Ok, ok.Error);
        ok.Out.ShouldContain("S1/S1-005 2011-08-01 (month 6) PartialClinicalResponse by cli-test");
        noBasis.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        noBasis.Error.ShouldContain("has no basis");
        badCategory.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        badCategory.Error.ShouldContain("INP005");
        unknown.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        unknown.Error.ShouldContain("DAT002");
        await using var db = database.Open();
        (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.ResponseAdjudications, r => r.AdjudicatedBy == "cli-test", TestContext.Current.CancellationToken)).ShouldBe(1);
    }
}
