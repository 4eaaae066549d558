// Source: issue #18 "The report is bilingual": stroma report study --lang zh-CN|en for HTML and PDF, every label,
// method sentence and chart text from the report's resources, a CJK font embedded in the PDF, methods text without
// implementation notes. The resources' keys and placeholders agree between the languages; the English Methods the
// HTML prints are the ones the JSON carries.
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;
using Stroma.Reporting;
using Stroma.Reporting.Localization;

namespace Stroma.Cli.Tests;

public sealed partial class ReportLanguageTests
{
    private static CliRunner.Outcome Run(TestDatabase database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", "cli-test"]);

    private static async Task<(TestDatabase Database, string Folder)> DemoAsync()
    {
        var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        Run(database, "demo").ExitCode.ShouldBe(ExitCodes.Ok);
        return (database, Directory.CreateTempSubdirectory("stroma-report-lang-").FullName);
    }

    [GeneratedRegex(@"\{(\d+)[^}]*\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void ReportText_EnglishAndChinese_HaveTheSameKeysAndPlaceholders()
    {
        var english = ReportText.Entries(ReportLanguage.English);
        var chinese = ReportText.Entries(ReportLanguage.SimplifiedChinese);

        chinese.Keys.Order(StringComparer.Ordinal).ShouldBe(english.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in english)
        {
            static string[] Holes(string text) => [.. Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal)];
            Holes(chinese[key]).ShouldBe(Holes(value), $"placeholders of '{key}'");
        }

        english.Count.ShouldBeGreaterThan(150);
        chinese["title"].ShouldBe("研究报告");
    }

    [Fact]
    public void Methods_EveryLanguage_CarryNoImplementationNotes()
    {
        // Code names, storage keys and engine notes the issue asks to keep out of the report's Methods.
        string[] notes = ["GROUP BY", "SQLite", "PostgreSQL", "hash-join", ".cs", "month_N", "bilag2004 ", "stored", "Σx", "visit types", "template"];
        foreach (var language in ReportLanguage.All)
        {
            var text = ReportText.Entries(language);
            foreach (var (key, sentence) in text.Where(e => e.Key.StartsWith("method.", StringComparison.Ordinal)))
            {
                foreach (var note in notes)
                {
                    sentence.ShouldNotContain(note, Case.Sensitive, $"{language.Code} {key}");
                }
            }
        }
    }

    [Fact]
    public async Task ReportStudy_EnglishHtml_PrintsTheMethodsTheJsonCarries()
    {
        var (database, folder) = await DemoAsync();
        await using var _ = database;
        try
        {
            foreach (var protocol in new[] { "wang_2014", "s2_car_t_sle" })
            {
                var json = Path.Combine(folder, protocol + ".json");
                var html = Path.Combine(folder, protocol + ".html");
                Run(database, "report", "study", "--protocol", protocol, "--out", json).ExitCode.ShouldBe(ExitCodes.Ok);
                Run(database, "report", "study", "--protocol", protocol, "--lang", "en", "--out", html).ExitCode.ShouldBe(ExitCodes.Ok);
                using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken));
                var expected = document.RootElement.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToList();
                var carT = document.RootElement.TryGetProperty("car_t", out var section)
                    ? section.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToList() : [];
                var page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);

                Items(page, page.IndexOf("<h2>Methods</h2>", StringComparison.Ordinal)).ShouldBe(expected);
                if (protocol == "s2_car_t_sle")
                {
                    carT.Count.ShouldBe(7);
                    Items(page, page.IndexOf("<h2>CAR-T toxicity and long-term follow-up</h2>", StringComparison.Ordinal)).ShouldBe(carT);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<string> Items(string page, int from)
    {
        from.ShouldBeGreaterThan(0);
        var list = page.IndexOf("<ul>", from, StringComparison.Ordinal);
        var end = page.IndexOf("</ul>", list, StringComparison.Ordinal);
        return [.. Regex.Matches(page[list..end], "<li>(.*?)</li>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];
    }

    [Fact]
    public async Task ReportStudy_ChineseHtml_MatchesGoldenFile()
    {
        var (database, folder) = await DemoAsync();
        await using var _ = database;
        try
        {
            var page = Path.Combine(folder, "report.html");
            var outcome = Run(database, "report", "study", "--protocol", "wang_2014", "--lang", "zh-CN", "--out", page);

            outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
            var html = await File.ReadAllTextAsync(page, TestContext.Current.CancellationToken);
            html.ShouldContain("<html lang=\"zh-CN\">");
            // The charts' own text is Chinese too (their drawing is ScottPlot's, left out of the golden file).
            html.ShouldContain("<figcaption>总生存（Kaplan-Meier，95% 置信区间）</figcaption>");
            html.ShouldContain("<span lang=\"en\" translate=\"no\">serum creatinine</span>");
            Golden.Verify(Regex.Replace(html, "<figure>.*?</figure>", "<figure></figure>", RegexOptions.Singleline), "report-study-demo-zh-CN", "html");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ReportStudy_ChinesePdf_EmbedsTheCjkFontAndHasTheChineseText()
    {
        var (database, folder) = await DemoAsync();
        await using var _ = database;
        try
        {
            var file = Path.Combine(folder, "report.pdf");
            var outcome = Run(database, "report", "study", "--protocol", "wang_2014", "--lang", "zh-CN", "--format", "pdf", "--out", file);

            outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error);
            var raw = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
            // A subset of WenQuanYi Zen Hei (fonts-wqy-zenhei), embedded: its font program is in the file.
            Regex.IsMatch(raw, @"/BaseFont\s*/[A-Z]{6}\+WenQuanYi").ShouldBeTrue("the CJK font is embedded as a subset");
            raw.ShouldContain("/FontFile2");
            raw.ShouldNotContain("DejaVu");
            // pdftotext (poppler-utils, installed by .ci/run) reads the text back through the font's Unicode map.
            var text = PdfToText(file);
            text.ShouldContain("研究报告");
            text.ShouldContain("患者流程");
            text.ShouldContain("方法");
            text.ShouldContain("所选中心登记并入组方案 wang_2014：40。");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ReportStudy_ChinesePdfFontMissing_ExitsThreeNamingTheFontAndPackageAndWritesNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        var folder = Directory.CreateTempSubdirectory("stroma-report-fonts-").FullName;
        try
        {
            // --fonts names a folder without WenQuanYi Zen Hei: the CJK font is looked for there only.
            var fonts = Directory.CreateDirectory(Path.Combine(folder, "fonts")).FullName;
            var file = Path.Combine(folder, "report.pdf");

            var outcome = Run(database, "report", "study", "--lang", "zh-CN", "--format", "pdf", "--out", file, "--fonts", fonts);

            outcome.ExitCode.ShouldBe(ExitCodes.Unexpected);
            outcome.Error.ShouldContain("needs the font 'wqy-zenhei'");
            outcome.Error.ShouldContain(Path.Combine(fonts, "wqy-zenhei.ttc"));
            outcome.Error.ShouldContain("install the Debian package fonts-wqy-zenhei");
            outcome.Error.ShouldNotContain("   at ");
            File.Exists(file).ShouldBeFalse("a missing font leaves no file behind");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ReportStudy_UnknownLanguage_IsAUsageErrorNamingTheValue()
    {
        // Refused before the registry is opened: the database is never created.
        var outcome = CliRunner.Run("", "report", "study", "--lang", "fr", "--out", "x.html", "--database", Path.Combine(Path.GetTempPath(), $"stroma-never-created-{Guid.NewGuid():N}.db"));

        outcome.ExitCode.ShouldBe(ExitCodes.Usage);
        outcome.Error.ShouldContain("Unknown language 'fr' for --lang; expected en or zh-CN.");
    }

    private static string PdfToText(string file)
    {
        using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-enc", "UTF-8", file, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, process.StandardError.ReadToEnd());
        return text;
    }
}
