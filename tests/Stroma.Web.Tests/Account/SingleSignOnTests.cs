// Source: issue #16 "Single sign-on with the hospital's identity provider via OpenID Connect, mapping a claim to a
// Stroma account"; docs/security.md, "Single sign-on". The provider is TestOpenIdProvider on 127.0.0.1.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Web.Tests.Account;

public sealed class SingleSignOnTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TestOpenIdProvider provider = new();

    public async ValueTask InitializeAsync() => await provider.StartAsync();

    public ValueTask DisposeAsync() => provider.DisposeAsync();

    private async Task<WebFactory> FactoryAsync(bool requireMfa = false)
    {
        var factory = new WebFactory { RequireMfa = requireMfa };
        foreach (var (key, value) in provider.Settings())
        {
            factory.Settings[key] = value;
        }

        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site one" });
        await db.SaveChangesAsync(Ct);
        return factory;
    }

    /// <summary>
    /// The code flow as a browser follows it: Stroma → provider (authorize) → Stroma's callback → the account page.
    /// Returns the account page's answer.
    /// </summary>
    private static async Task<HttpResponseMessage> SingleSignOnAsync(HttpClient app)
    {
        using var start = await app.GetAsync(new Uri("/account/sso", UriKind.Relative), Ct);
        start.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var authorize = start.Headers.Location!;
        authorize.IsAbsoluteUri.ShouldBeTrue();
        authorize.Query.ShouldContain("code_challenge_method=S256");

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var answer = await browser.GetAsync(authorize, Ct);
        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var callback = answer.Headers.Location!;
        callback.AbsolutePath.ShouldBe("/signin-oidc");

        using var handled = await app.GetAsync(new Uri(callback.PathAndQuery, UriKind.Relative), Ct);
        handled.StatusCode.ShouldBe(HttpStatusCode.Redirect, await handled.Content.ReadAsStringAsync(Ct));
        return await app.GetAsync(handled.Headers.Location!.IsAbsoluteUri ? new Uri(handled.Headers.Location.PathAndQuery, UriKind.Relative) : handled.Headers.Location, Ct);
    }

    [Fact]
    public async Task SingleSignOn_ClaimNamesAnActiveAccount_SignedInAsThatAccount()
    {
        await using var factory = await FactoryAsync();
        await factory.AddUserAsync("cole", false, ("S1", SiteRole.Coordinator));
        provider.NextUser = "cole";
        using var client = factory.Client();

        using var page = await SingleSignOnAsync(client);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<meta http-equiv=\"refresh\" content=\"0;url=/worklist\">");
        var worklist = await client.GetStringAsync(new Uri("/worklist", UriKind.Relative), Ct);
        worklist.ShouldContain("<span id=\"signed-in-as\" translate=\"no\">cole</span>");
        provider.IssuedTokens.Count.ShouldBe(1);
    }

    [Fact]
    public async Task SingleSignOn_UnknownName_ClearRefusalAndNoAccountCreated()
    {
        await using var factory = await FactoryAsync();
        await factory.AddUserAsync("cole", false, ("S1", SiteRole.Coordinator));
        provider.NextUser = "stranger";
        using var client = factory.Client();

        using var page = await SingleSignOnAsync(client);

        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("The hospital sign-in identified you as &quot;stranger&quot; (preferred_username), and Stroma has no active account by that name.");
        using var patients = await client.GetAsync(new Uri("/worklist", UriKind.Relative), Ct);
        patients.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        await using var scope = factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Users.AnyAsync(u => u.UserName == "stranger", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task SingleSignOn_DisabledAccount_Refused()
    {
        await using var factory = await FactoryAsync();
        var user = await factory.AddUserAsync("cole", false, ("S1", SiteRole.Coordinator));
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            (await db.Users.SingleAsync(u => u.Id == user.Id, Ct)).DisabledAt = DateTimeOffset.UnixEpoch;
            await db.SaveChangesAsync(Ct);
        }

        provider.NextUser = "cole";
        using var client = factory.Client();

        using var page = await SingleSignOnAsync(client);

        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("no active account by that name");
    }

    [Fact]
    public async Task SingleSignOn_EnrolledInvestigator_GivesTheTotpCodeUnlessTheProviderDidMfa()
    {
        await using var factory = await FactoryAsync(requireMfa: true);
        await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        using (var first = await factory.SignedInAsync("ivy"))
        {
            await TwoFactorTests.EnrolAsync(first);
        }

        provider.NextUser = "ivy";
        provider.NextMethods = ["pwd"];
        using var passwordOnly = factory.Client();
        var start = await passwordOnly.GetAsync(new Uri("/account/sso", UriKind.Relative), Ct);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var callback = (await browser.GetAsync(start.Headers.Location!, Ct)).Headers.Location!;
        var handled = await passwordOnly.GetAsync(new Uri(callback.PathAndQuery, UriKind.Relative), Ct);
        var step = await passwordOnly.GetAsync(handled.Headers.Location!, Ct);
        step.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        step.Headers.Location!.OriginalString.ShouldBe("/account/sign-in/code");

        provider.NextMethods = ["pwd", "mfa"];
        using var multiFactor = factory.Client();
        using var page = await SingleSignOnAsync(multiFactor);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var patients = await multiFactor.GetAsync(new Uri("/patients", UriKind.Relative), Ct);
        patients.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignInPage_OfferedOnlyWhenConfigured()
    {
        await using var configured = await FactoryAsync();
        await configured.AddUserAsync("cole", false, ("S1", SiteRole.Coordinator));
        (await configured.Client().GetStringAsync(new Uri("/account/sign-in", UriKind.Relative), Ct)).ShouldContain("Sign in with the hospital account");

        await using var plain = new WebFactory();
        await plain.AddUserAsync("cole");
        (await plain.Client().GetStringAsync(new Uri("/account/sign-in", UriKind.Relative), Ct)).ShouldNotContain("hospital account");
        (await plain.Client().GetAsync(new Uri("/account/sso", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Settings_HttpAuthorityWithoutOptOut_StartRefusedNamingTheSetting()
    {
        using var factory = new WebFactory();
        factory.Settings["Authentication:Oidc:Authority"] = "http://idp.example.org";
        factory.Settings["Authentication:Oidc:ClientId"] = "stroma";

        var error = Should.Throw<InvalidOperationException>(() => factory.CreateClient());

        error.Message.ShouldContain("Authentication:Oidc:Authority must use https");
    }
}
