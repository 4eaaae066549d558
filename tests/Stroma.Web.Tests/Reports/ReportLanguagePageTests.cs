// Source: issue #18 "The report is bilingual ... (the web app follows the user's language)": the web report page's
// methods, survival definitions and chart captions, and its PDF download, in the reader's language (demo registry,
// SYNTHETIC patients).
using System.Net;
using Stroma.Web.Hosting;
using Stroma.Web.Tests.Patients;

namespace Stroma.Web.Tests.Reports;

public sealed class ReportLanguagePageTests(DemoFactory demo) : IClassFixture<DemoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string language)
    {
        using var signedIn = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", DemoMode.UserName), ("Password", demo.Password));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("stroma.auth=", StringComparison.Ordinal)).Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await client.SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return response;
    }

    [Theory]
    [InlineData("en", "Follow-up months are the scheduled visits", "<figcaption>Overall survival (Kaplan-Meier, 95% CI)</figcaption>", "Overall survival: time from baseline to death")]
    [InlineData("zh-CN", "随访月份即计划访视", "<figcaption>总生存（Kaplan-Meier，95% 置信区间）</figcaption>", "总生存：自基线至死亡的时间")]
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
}
