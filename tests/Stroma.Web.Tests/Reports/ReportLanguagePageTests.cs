// Source: issue #18 "The report is bilingual ... (the web app follows the user's language)": the web report page's
// methods, survival definitions and chart captions, and its PDF download, in the reader's language (demo registry,
// SYNTHETIC patients).
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Web.Hosting;
using Stroma.Web.Tests.Patients;

namespace Stroma.Web.Tests.Reports;

public sealed class ReportLanguagePageTests(DemoFactory demo) : IClassFixture<DemoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string language) => GetAsync(client, demo.Password, path, language, HttpStatusCode.OK);

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string password, string path, string language, HttpStatusCode expected)
    {
        using var signedIn = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", DemoMode.UserName), ("Password", password));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("stroma.auth=", StringComparison.Ordinal)).Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await client.SendAsync(request, Ct);
        response.StatusCode.ShouldBe(expected);
        return response;
    }

    [Theory]
    [InlineData("en", "Time points are the schedule of protocol wang_2014 version 1:", "<figcaption>Overall survival (Kaplan-Meier, 95% CI)</figcaption>", "Overall survival: time from baseline to death")]
    [InlineData("zh-CN", "时间点为方案 wang_2014 第 1 版的访视计划", "<figcaption>总生存（Kaplan-Meier，95% 置信区间）</figcaption>", "总生存：自基线至死亡的时间")]
    public async Task Report_ReadersLanguage_MethodsChartsAndDefinitionsInIt(string language, string method, string caption, string definition)
    {
        using var client = demo.Client();
        using var response = await GetAsync(client, "/reports?protocol=wang_2014", language);
        var html = await response.Content.ReadAsStringAsync(Ct);

        html.ShouldContain(method);
        html.ShouldContain(caption);
        html.ShouldContain(definition);
        html.ShouldNotContain("GROUP BY");
    }

    [Theory]
    [InlineData("en", "(visit type: number of visits: Infusion 2: ")]
    [InlineData("zh-CN", "（访视类型：访视次数：第2次输注: ")]
    public async Task Report_ProtocolLeavesOutVisitTypes_FootnoteNamesThemInReadersLanguage(string language, string named)
    {
        // The demo's infusion_2 visits are not in wang_2014's schedule: the footnote counts them by type, in words (issue #19).
        using var client = demo.Client();
        using var response = await GetAsync(client, "/reports?protocol=wang_2014", language);
        var html = await response.Content.ReadAsStringAsync(Ct);

        var footnote = html[html.IndexOf("<p id=\"report-left-out\">", StringComparison.Ordinal)..];
        footnote = footnote[..footnote.IndexOf("</p>", StringComparison.Ordinal)];
        footnote.ShouldContain(named);
        footnote.ShouldNotContain("infusion_2");
    }

    [Fact]
    public async Task ReportPdf_ChineseReader_IsInChineseWithTheCjkFontEmbedded()
    {
        using var client = demo.Client();
        using var response = await GetAsync(client, "/reports?handler=Pdf&protocol=wang_2014", "zh-CN");
        var raw = System.Text.Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync(Ct));

        raw.ShouldStartWith("%PDF");
        raw.ShouldMatch(@"/BaseFont\s*/[A-Z]{6}\+WenQuanYi");
        raw.ShouldNotContain("DejaVu");
    }

    [Fact]
    public async Task ReportPdf_CjkFontMissing_Is503NamingTheFontAndItsPackage()
    {
        var fonts = Directory.CreateTempSubdirectory("stroma-no-fonts-").FullName;
        try
        {
            // Reports:Fonts names a folder without wqy-zenhei.ttc: an installation problem, said plainly, never a 500.
            using var missing = demo.WithWebHostBuilder(b => b.UseSetting(Stroma.Web.Features.Reports.IndexModel.FontsKey, fonts));
            using var client = missing.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            var password = missing.Services.GetRequiredService<DemoMode>().Password;
            using var response = await GetAsync(client, password, "/reports?handler=Pdf&protocol=wang_2014", "zh-CN", HttpStatusCode.ServiceUnavailable);
            var body = await response.Content.ReadAsStringAsync(Ct);

            body.ShouldContain("Report font not installed");
            body.ShouldContain("wqy-zenhei");
            body.ShouldContain("fonts-wqy-zenhei");
            body.ShouldContain(Path.Combine(fonts, "wqy-zenhei.ttc"), Case.Sensitive, "the file looked for");
        }
        finally
        {
            Directory.Delete(fonts, recursive: true);
        }
    }
}
