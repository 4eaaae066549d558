// Source: issue #20 "CAR-T in lupus": the study report's CAR-T section on the web report page, in both languages, for the
// demo's CAR-T protocol (s2_car_t_sle, three SYNTHETIC patients at S2; the figures are derived by hand in
// tests/Stroma.Data.Tests/Report/CarTReportTests.cs); a protocol without CAR-T has no such section.
using System.Net;
using Stroma.Web.Hosting;
using Stroma.Web.Tests.Patients;

namespace Stroma.Web.Tests.Reports;

public sealed class CarTReportPageTests(DemoFactory demo) : IClassFixture<DemoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> PageAsync(string path, string language)
    {
        using var client = demo.Client();
        using var signedIn = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", DemoMode.UserName), ("Password", demo.Password));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("stroma.auth=", StringComparison.Ordinal)).Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await client.SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Theory]
    [InlineData("en", "CAR-T toxicity and long-term follow-up", "Patients infused with a CAR-T lot: 3.")]
    [InlineData("zh-CN", "CAR-T 毒性与长期随访", "输注 CAR-T 批次的患者：3。")]
    public async Task Report_CarTProtocol_ShowsTheSectionInTheReadersLanguage(string language, string heading, string infused)
    {
        var html = await PageAsync("/reports?protocol=s2_car_t_sle", language);

        html.ShouldContain("id=\"report-car-t\"");
        html.ShouldContain(heading);
        html.ShouldContain(infused);
        // Maximum CRS grade: one patient each at grades 0, 1 and 2; ICANS: two at 0, one at 1.
        html.ShouldContain("<tr data-toxicity=\"crs\"><th scope=\"row\">CRS");
        html.ShouldMatch(@"(?s)data-toxicity=""crs""><th scope=""row"">[^<]*</th><td>3</td>\s*<td>1</td>\s*<td>1</td>\s*<td>1</td>\s*<td>0</td>\s*<td>0</td>\s*<td>0</td>");
        html.ShouldMatch(@"(?s)data-toxicity=""icans""><th scope=""row"">[^<]*</th><td>3</td>\s*<td>2</td>\s*<td>1</td>\s*<td>0</td>");
        // Long-term follow-up: year 2 has one of three in follow-up (S2-CART-3).
        html.ShouldContain("<tr data-year=\"2\"><th scope=\"row\">2</th><td>3</td><td>1</td><td>0</td><td>0</td><td>2</td></tr>");
        html.ShouldNotContain("S2-CART-");
    }

    [Fact]
    public async Task Report_ProtocolWithoutCarT_HasNoCarTSection()
    {
        var html = await PageAsync("/reports?protocol=wang_2014", "en");

        html.ShouldContain("id=\"study-report\"");
        html.ShouldNotContain("id=\"report-car-t\"");
    }
}
