// Source: issue #20 "CAR-T in lupus": the study report's CAR-T section for a CAR-T protocol (the demo's s2_car_t_sle,
// demo hospital B's copy of car_t_sle, with its three SYNTHETIC patients). The golden files hold the section only
// (JSON property car_t, the HTML from its heading to Methods, the CSV car_t rows); the figures are derived by hand in
// tests/Stroma.Data.Tests/Report/CarTReportTests.cs.
using System.Text.Json;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class CarTReportCommandTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static CliRunner.Outcome Run(TestDatabase database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "cli-test"]);

    [Fact]
    public async Task ReportStudy_CarTProtocol_SectionMatchesGoldenFilesInEveryFormat()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        Run(database, "demo").ExitCode.ShouldBe(ExitCodes.Ok);
        var folder = Directory.CreateTempSubdirectory("stroma-report-cart-").FullName;
        try
        {
            string Report(string format)
            {
                var file = Path.Combine(folder, "report." + format);
                var outcome = Run(database, "report", "study", "--protocol", "s2_car_t_sle", "--format", format, "--out", file);
                outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
                return File.ReadAllText(file);
            }

            using var json = JsonDocument.Parse(Report("json"));
            var section = json.RootElement.GetProperty("car_t");
            Golden.Verify(JsonSerializer.Serialize(section, Indented) + "\n", "report-study-car-t", "json");

            var html = Report("html");
            var start = html.IndexOf("<h2>CAR-T toxicity and long-term follow-up</h2>", StringComparison.Ordinal);
            start.ShouldBeGreaterThan(0);
            Golden.Verify(html[start..html.IndexOf("<h2>Methods</h2>", start, StringComparison.Ordinal)], "report-study-car-t", "html");

            var csv = Report("csv").Split('\n').Where(line => line.StartsWith("car_t", StringComparison.Ordinal));
            Golden.Verify(string.Join('\n', csv) + "\n", "report-study-car-t", "csv");

            Report("pdf").ShouldStartWith("%PDF");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ReportStudy_ProtocolWithoutCarT_HasNoCarTSection()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        Run(database, "demo").ExitCode.ShouldBe(ExitCodes.Ok);
        var file = Path.Combine(Path.GetTempPath(), $"stroma-report-{Guid.NewGuid():N}.json");
        try
        {
            Run(database, "report", "study", "--protocol", "wang_2014", "--format", "json", "--out", file).ExitCode.ShouldBe(ExitCodes.Ok);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
            json.RootElement.TryGetProperty("car_t", out _).ShouldBeFalse();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
