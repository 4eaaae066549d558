// Source: issue #8 "Accounts" (demo mode with one-time credentials on loopback only, lockout, secure cookies,
// session timeout) and docs/web.md; the demo registry is Stroma.Data's DemoRegistry (40 cohort patients, 2 case reports and the synthetic in-progress DEMO-NOW-1).
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Web.Hosting;

namespace Stroma.Web.Tests.Patients;

/// <summary>The app started with <c>--demo</c>.</summary>
public sealed class DemoFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseEnvironment("Production").UseSetting("demo", "true");

    public string Password => Services.GetRequiredService<DemoMode>().Password;

    public HttpClient Client() => CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
}

public sealed class DemoModeTests(DemoFactory demo) : IClassFixture<DemoFactory>
{
    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password) =>
        Html.PostFormAsync(client, "/account/sign-in", ("UserName", userName), ("Password", password));

    [Fact]
    public async Task Timeline_DemoCarTPatient_ShowsGradesByDayWithNeutrophils()
    {
        using var client = demo.Client();
        using var signedIn = await SignInAsync(client, DemoMode.UserName, demo.Password);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("stroma.auth=", StringComparison.Ordinal)).Split(';')[0];
        Guid id;
        using (var scope = demo.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Stroma.Data.StromaDbContext>();
            id = db.Patients.Single(p => p.StudyId == "S2-CART-1").Id;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/patients/{id}", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("id=\"cart-grades\"");
        html.ShouldContain("highest CRS grade 2, highest ICANS grade 1");
        // Day 2: CRS grade 2, no ICANS, neutrophils 1.10 × 10^9/L.
        html.ShouldContain("<td>2</td>\n                    <td class=\"grade-2\">2</td>\n                    <td class=\"grade-0\">0</td>\n                    <td></td>\n                    <td>1.10</td>");
    }

    [Fact]
    public async Task Patients_Anonymous_RedirectedToSignIn()
    {
        using var client = demo.Client();

        using var response = await client.GetAsync(new Uri("/patients", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldStartWith("http://localhost/account/sign-in?ReturnUrl=%2Fpatients");
    }

    [Fact]
    public async Task SignIn_OneTimePassword_ThenPatientListOfTheDemoRegistry()
    {
        using var client = demo.Client();

        using var signedIn = await SignInAsync(client, DemoMode.UserName, demo.Password);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("stroma.auth=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=strict");

        var html = await client.GetStringAsync(new Uri("/patients", UriKind.Relative), TestContext.Current.CancellationToken);
        html.ShouldContain("<p id=\"patient-count\">46 patients</p>");
        html.ShouldContain("<span id=\"signed-in-as\" translate=\"no\">demo</span>");

        var filtered = await client.GetStringAsync(new Uri("/patients?site=CR", UriKind.Relative), TestContext.Current.CancellationToken);
        filtered.ShouldContain("<p id=\"patient-count\">2 patients</p>");
    }

    [Fact]
    public async Task Timeline_DemoPatient_VisitsScoresChartLabTrends()
    {
        using var client = demo.Client();
        using var _ = await SignInAsync(client, DemoMode.UserName, demo.Password);
        var list = await client.GetStringAsync(new Uri("/patients?search=S1-001", UriKind.Relative), TestContext.Current.CancellationToken);
        var link = System.Text.RegularExpressions.Regex.Match(list, "<a href=\"(/patients/[0-9a-f-]{36})\">S1-001</a>").Groups[1].Value;
        link.ShouldNotBeEmpty();

        var html = await client.GetStringAsync(new Uri(link, UriKind.Relative), TestContext.Current.CancellationToken);

        html.ShouldContain("<h1>S1-001");
        html.ShouldContain("<svg id=\"sledai-chart\"");
        html.ShouldContain("<td>Baseline</td>");
        // Scores as the instrument prints them ("SLEDAI-2K 17"), not "sledai2k 17.0".
        html.ShouldContain("SLEDAI-2K ");
        html.ShouldNotContain("sledai2k ");
        System.Text.RegularExpressions.Regex.IsMatch(html, @"SLEDAI-2K \d+\.0[;<]").ShouldBeFalse();
        html.ShouldContain("<tr data-analyte=\"platelets\">");
        html.ShouldContain("<figure class=\"trend\" data-analyte=\"urine_protein_24h\">");
        html.ShouldContain("<ul id=\"infusions\">");
        // Every listed infusion is marked on every chart: each lab chart and the SLEDAI-2K chart, on one time axis.
        var infusions = System.Text.RegularExpressions.Regex.Count(
            System.Text.RegularExpressions.Regex.Match(html, "<ul id=\"infusions\">(.*?)</ul>", System.Text.RegularExpressions.RegexOptions.Singleline).Value, "<li>");
        var charts = System.Text.RegularExpressions.Regex.Count(html, "<figure class=\"trend\"") + 1;
        infusions.ShouldBeGreaterThan(0);
        System.Text.RegularExpressions.Regex.Count(html, "<line class=\"infusion\"").ShouldBe(infusions * charts);
    }

    // Source: issue #19: "the seed's case 2 shows two empty charts and none of her eleven abnormal findings today".
    [Fact]
    public async Task Timeline_SeedCase2_EveryFindingWithoutValue_NoEmptyChart_DateHeader()
    {
        using var client = demo.Client();
        using var _ = await SignInAsync(client, DemoMode.UserName, demo.Password);
        var list = await client.GetStringAsync(new Uri("/patients?search=CR-002", UriKind.Relative), TestContext.Current.CancellationToken);
        var link = System.Text.RegularExpressions.Regex.Match(list, "<a href=\"(/patients/[0-9a-f-]{36})\">CR-002</a>").Groups[1].Value;

        var html = await client.GetStringAsync(new Uri(link, UriKind.Relative), TestContext.Current.CancellationToken);

        System.Text.RegularExpressions.Regex.Count(html, "<tr data-analyte=").ShouldBe(11);
        System.Text.RegularExpressions.Regex.Count(html, "Low \\(value not reported\\)").ShouldBe(6);
        System.Text.RegularExpressions.Regex.Count(html, "High \\(value not reported\\)").ShouldBe(5);
        html.ShouldNotContain("<figure class=\"trend\"");
        html.ShouldContain("<th scope=\"col\">2015-09-26</th>");
        html.ShouldContain("<tr data-analyte=\"c3\"><th scope=\"row\">Complement C3</th>");
        html.ShouldContain("id=\"banner-diagnosis\"");
    }

    [Fact]
    public async Task Timeline_Anonymous_RedirectedToSignIn_UnknownPatient404()
    {
        using var anonymous = demo.Client();
        using var response = await anonymous.GetAsync(new Uri($"/patients/{Guid.NewGuid()}", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var client = demo.Client();
        using var _ = await SignInAsync(client, DemoMode.UserName, demo.Password);
        using var missing = await client.GetAsync(new Uri($"/patients/{Guid.NewGuid()}", UriKind.Relative), TestContext.Current.CancellationToken);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SignIn_WrongPassword_RefusedWithoutSayingWhy()
    {
        using var client = demo.Client();

        using var response = await SignInAsync(client, DemoMode.UserName, "not-the-password");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("The user name or password is not correct.");
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).ShouldNotContain(c => c.StartsWith("stroma.auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_EmptyFields_LocalizedRequiredMessages()
    {
        using var client = demo.Client();

        using var response = await SignInAsync(client, "", "");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain("User name is required.");
        html.ShouldContain("Password is required.");
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://192.168.1.10:5000")]
    [InlineData("http://*:5000")]
    [InlineData("http://127.0.0.1:5000;http://example.org:80")]
    public void Demo_NonLoopbackAddress_RefusedAtStart(string urls)
    {
        var builder = WebApplication.CreateBuilder(["--demo", "true", "--urls", urls]);

        Should.Throw<ArgumentException>(() => builder.AddStromaWeb()).Message.ShouldContain("loopback");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    public void Demo_LoopbackAddress_Accepted(string urls) => DemoMode.RequireLoopback(urls);

    [Fact]
    public void NormaliseArgs_BareDemoSwitch_BecomesTrue() =>
        StromaWebHost.NormaliseArgs(["--demo", "--port", "8080"]).ShouldBe(["--demo=true", "--port", "8080"]);
}
