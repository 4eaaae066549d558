// Source: issue #16 "Sessions and accounts" (a security reviewer's probes); OWASP ASVS 4.0.3 V2.2, V3.3, V14.3, V14.4;
// docs/security.md. Every probe runs against the app on a real loopback socket (Kestrel), with the real defaults.
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Stroma.Web.Tests.Security;

public sealed class SecurityProbeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The app on a loopback socket with its real rate limits, and an address to reach it.</summary>
    private static Uri Start(WebFactory factory)
    {
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    private static HttpClient Browser(Uri address, string? language = null, CookieContainer? cookies = null)
    {
#pragma warning disable CA2000 // the client owns and disposes the handler
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() };
#pragma warning restore CA2000
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = address };
        if (language is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        }

        return client;
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password) =>
        Html.PostFormAsync(client, "/account/sign-in", ("UserName", userName), ("Password", password));

    [Fact]
    public async Task RateLimit_RealDefaults_SignInPerAccountThenPerAddress_429InTheUsersLanguage()
    {
        await using var factory = new WebFactory { RealRateLimits = true };
        var address = Start(factory);
        await factory.AddUserAsync("admin", administrator: true);
        using var client = Browser(address, "zh-CN", new CookieContainer());

        // Ten attempts a minute at one account name, whoever sends them; the eleventh is refused before any check.
        for (var i = 0; i < 10; i++)
        {
            using var attempt = await SignInAsync(client, "admin", "Wrong-Horse-" + i);
            attempt.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var eleventh = await SignInAsync(client, "admin", WebFactory.TestPassword);
        eleventh.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await eleventh.Content.ReadAsStringAsync(Ct)).ShouldContain("请求过多");

        // Twenty sign-in posts a minute from one address, whatever the names: nine more pass, the next is refused.
        for (var i = 0; i < 9; i++)
        {
            using var attempt = await SignInAsync(client, "guess" + i, "Wrong-Horse-1");
            attempt.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var refused = await SignInAsync(client, "guess-last", "Wrong-Horse-1");
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task RateLimit_RealDefaults_PostsPerSignedInUser_429AfterTheLimit()
    {
        await using var factory = new WebFactory { RealRateLimits = true };
        var address = Start(factory);
        await factory.AddUserAsync("someone");
        using var client = Browser(address, cookies: new CookieContainer());
        using (var signIn = await SignInAsync(client, "someone", WebFactory.TestPassword))
        {
            signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        var page = await client.GetStringAsync(new Uri("/account/password", UriKind.Relative), Ct);
        var token = Html.Token(page);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 121; i++)
        {
            using var form = new FormUrlEncodedContent([new("culture", "en"), new("returnUrl", "/"), new("__RequestVerificationToken", token)]);
            using var response = await client.PostAsync(new Uri("/language", UriKind.Relative), form, Ct);
            statuses.Add(response.StatusCode);
        }

        statuses.Take(120).ShouldAllBe(s => s == HttpStatusCode.Redirect);
        statuses[120].ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Probes_SessionReplayEnumerationAndBanner_AllRefused()
    {
        await using var factory = new WebFactory { RealRateLimits = true };
        var address = Start(factory);
        await factory.AddUserAsync("someone");
        var jar = new CookieContainer();
        using var client = Browser(address, cookies: jar);
        using var signIn = await SignInAsync(client, "someone", WebFactory.TestPassword);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var stolen = SessionTests.SessionCookie(signIn);

        // No product banner.
        signIn.Headers.Contains("Server").ShouldBeFalse();

        // A stolen cookie works until the owner signs out, never after.
        using var thief = Browser(address);
        async Task<HttpStatusCode> ReplayAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/account/password", UriKind.Relative));
            request.Headers.Add("Cookie", stolen);
            using var response = await thief.SendAsync(request, Ct);
            return response.StatusCode;
        }

        (await ReplayAsync()).ShouldBe(HttpStatusCode.OK);
        using (var signOut = await Html.PostFormAsync(client, "/account/password", "/account/sign-in?handler=SignOut"))
        {
            signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        (await ReplayAsync()).ShouldBe(HttpStatusCode.Redirect);

        // The same words for a real account with a wrong password and for a name that does not exist.
        using var fresh = Browser(address, cookies: new CookieContainer());
        using var real = await SignInAsync(fresh, "someone", "Wrong-Horse-1");
        using var unknown = await SignInAsync(fresh, "no-such-user", "Wrong-Horse-1");
        static string Summary(string html) => html[html.IndexOf("error-summary", StringComparison.Ordinal)..][..300];
        Summary(await unknown.Content.ReadAsStringAsync(Ct)).ShouldBe(Summary(await real.Content.ReadAsStringAsync(Ct)));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task ForwardedHttps_OnlyFromAConfiguredProxy_SecureCookiesAndHsts(bool proxyConfigured, bool expectHttps)
    {
        await using var factory = new WebFactory();
        if (proxyConfigured)
        {
            factory.Settings["Security:KnownProxies:0"] = "127.0.0.1";
        }

        var address = Start(factory);
        await factory.AddUserAsync("someone");
        using var client = Browser(address);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/account/sign-in", UriKind.Relative));
        request.Headers.Host = "stroma.hospital.example";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request, Ct);

        response.Headers.Contains("Strict-Transport-Security").ShouldBe(expectHttps);
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        var antiforgery = (cookies ?? []).Single(c => c.StartsWith("stroma.af=", StringComparison.Ordinal));
        antiforgery.Contains("secure", StringComparison.OrdinalIgnoreCase).ShouldBe(expectHttps);
        response.Headers.Contains("Server").ShouldBeFalse();
    }
}
