// Source: docs/web.md (security headers, exception handling) and CONVENTIONS.md "Errors".
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Clinical.Scoring;
using Stroma.Web.Features.Scoring;

namespace Stroma.Web.Tests.Hosting;

public sealed class HostingTests(WebFactory factory) : IClassFixture<WebFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/score/sledai2k")]
    [InlineData("/Error")]
    [InlineData("/css/site.css")]
    [InlineData("/js/score.js")]
    [InlineData("/api/instruments")]
    [InlineData("/no/such/page")]
    public async Task AnyResponse_CarriesSecurityHeaders(string path)
    {
        using var client = factory.Client();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        var headers = response.Headers;
        headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
        headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self'");
        headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/score/sledai2k", true)]
    [InlineData("/api/instruments", true)]
    [InlineData("/css/site.css", false)]
    public async Task PagesAndApi_AreNotCached_StaticFilesMayBe(string path, bool noStore)
    {
        using var client = factory.Client();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        (response.Headers.CacheControl?.NoStore ?? false).ShouldBe(noStore);
    }

    [Fact]
    public async Task Pages_HaveNoInlineScript_SoTheCspHolds()
    {
        using var client = factory.Client();

        var html = await client.GetStringAsync(new Uri("/score/sledai2k", UriKind.Relative), TestContext.Current.CancellationToken);

        html.ShouldContain("<script src=\"/js/score.js");
        html.ShouldNotContain("<script>");
        html.ShouldNotContain(" onclick=");
    }

    [Fact]
    public async Task ApiFailure_IsProblemDetailsWithCorrelationId_AndNoStackTrace()
    {
        using var broken = Broken();
        using var client = broken.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/api/score/boom", UriKind.Relative), content, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.ShouldNotContain("secret detail");
        body.ShouldNotContain("at Stroma");
        var correlationId = JsonDocument.Parse(body).RootElement.GetProperty("correlationId").GetString();
        correlationId.ShouldNotBeNullOrWhiteSpace();
        response.Headers.GetValues("X-Correlation-Id").Single().ShouldBe(correlationId);
        response.Headers.Contains("Content-Security-Policy").ShouldBeTrue();
    }

    [Fact]
    public async Task PageFailure_ShowsErrorPageWithCorrelationId_AndNoStackTrace()
    {
        using var broken = Broken();
        using var client = broken.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/score/boom", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("Something went wrong");
        html.ShouldNotContain("secret detail");
        html.ShouldNotContain("InvalidOperationException");
        var correlationId = response.Headers.GetValues("X-Correlation-Id").Single();
        html.ShouldContain($"<code id=\"correlation-id\">{correlationId}</code>");
    }

    [Theory]
    [InlineData("/score/no_such_instrument", "en", "Page not found")]
    [InlineData("/no/such/page", "en", "Page not found")]
    [InlineData("/no/such/page", "zh-CN", "页面不存在")]
    [InlineData("/status/500", "en", "Page not found")]
    public async Task UnknownPage_Is404WithAPageInTheUsersLanguage(string path, string language, string title)
    {
        using var client = factory.Client(language);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain($"<h1>{title}</h1>");
    }

    [Fact]
    public async Task UnknownApiRoute_Is404ProblemDetails()
    {
        using var client = factory.Client();

        using var response = await client.GetAsync(new Uri("/api/nope", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Error_GetDirectly_RendersWithoutDetail()
    {
        using var client = factory.Client();

        var html = await client.GetStringAsync(new Uri("/Error", UriKind.Relative), TestContext.Current.CancellationToken);

        html.ShouldContain("Something went wrong");
        html.ShouldContain("id=\"correlation-id\"");
    }

    [Fact]
    public async Task Language_Get_RedirectsHome()
    {
        using var client = factory.Client();

        using var response = await client.GetAsync(new Uri("/language", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
    }

    private WebApplicationFactory<Program> Broken() =>
        factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(new Instruments([.. InstrumentCatalog.All, new Boom()]))));

    /// <summary>An instrument whose scoring fails unexpectedly, with a detail that must not reach the user.</summary>
    private sealed class Boom : IInstrument
    {
        public string Key => "boom";

        public string Name => "Boom";

        public string Version => "0";

        public string Citation => "none";

        public IReadOnlyList<ItemDefinition> Items { get; } = [];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items) => throw new InvalidOperationException("secret detail");
    }
}
