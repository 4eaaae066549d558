// Source: issue #21 "Reliability": every concurrent edit in the web app gets a conflict page, never a 500. A
// DbUpdateConcurrencyException (another user saved the record between this user's read and save) answers 409 with a
// page that says nothing was saved and links back, or a ProblemDetails under /api.
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Clinical.Scoring;
using Stroma.Web.Features.Scoring;

namespace Stroma.Web.Tests.Hosting;

public sealed class ConflictTests(WebFactory factory) : IClassFixture<WebFactory>
{
    [Theory]
    [InlineData("en", "Someone else saved this record first")]
    [InlineData("zh-CN", "其他用户已先保存了此记录")]
    public async Task PageConcurrencyConflict_Is409ConflictPageInTheUsersLanguage_Not500(string language, string title)
    {
        using var conflicting = Conflicting();
        using var client = conflicting.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        using var response = await client.GetAsync(new Uri("/score/conflict", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain(title);
        html.ShouldContain("<a id=\"conflict-back\" href=\"/score/conflict\">");
        html.ShouldNotContain("DbUpdateConcurrencyException");
        html.ShouldContain($"<code id=\"correlation-id\">{response.Headers.GetValues("X-Correlation-Id").Single()}</code>");
    }

    [Fact]
    public async Task ApiConcurrencyConflict_Is409ProblemDetails_Not500()
    {
        using var conflicting = Conflicting();
        using var client = conflicting.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/api/score/conflict", UriKind.Relative), content, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        body.RootElement.GetProperty("status").GetInt32().ShouldBe(409);
        body.RootElement.GetProperty("title").GetString().ShouldBe("Conflict");
        body.RootElement.GetProperty("detail").GetString()!.ShouldContain("changed by someone else");
    }

    private WebApplicationFactory<Program> Conflicting() =>
        factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(new Instruments([.. InstrumentCatalog.All, new ConflictingInstrument()]))));

    /// <summary>Stands in for a save that lost a race: the exception EF Core throws when a row's version moved on.</summary>
    private sealed class ConflictingInstrument : IInstrument
    {
        public string Key => "conflict";

        public string Name => "Conflict";

        public string Version => "0";

        public string Citation => "none";

        public IReadOnlyList<ItemDefinition> Items { get; } = [];

        public ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items) =>
            throw new DbUpdateConcurrencyException("The database operation was expected to affect 1 row(s), but actually affected 0 row(s).");
    }
}
