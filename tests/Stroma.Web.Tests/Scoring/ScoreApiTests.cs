// Source: docs/web.md (JSON API); expected totals from the SLEDAI-2K weights (Gladman 2002) and the instruments' own docs.
using System.Net;
using System.Text;
using System.Text.Json;
using Stroma.Clinical.Scoring;

namespace Stroma.Web.Tests.Scoring;

public sealed class ScoreApiTests(WebFactory factory) : IClassFixture<WebFactory>
{
    private static async Task<(HttpStatusCode Status, JsonElement Body, string? MediaType)> PostAsync(HttpClient client, string instrument, string json, string mediaType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8, mediaType);
        using var response = await client.PostAsync(new Uri($"/api/score/{instrument}", UriKind.Relative), content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Score_Sledai2kItems_ReturnsTotalAndContributions()
    {
        using var client = factory.Client();

        var (status, body, _) = await PostAsync(client, "sledai2k", """{"seizure": true, "proteinuria": "true", "low_complement": 1, "fever": false}""");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("instrument").GetString().ShouldBe("sledai2k");
        body.GetProperty("total").GetDecimal().ShouldBe(14m); // 8 + 4 + 2
        body.GetProperty("version").GetString().ShouldBe(Sledai2k.Version);
        body.GetProperty("contributions").EnumerateArray().Select(c => c.GetProperty("key").GetString()).ShouldBe(["seizure", "proteinuria", "low_complement"]);
        body.GetProperty("subtotals").EnumerateArray().First().GetProperty("value").GetDecimal().ShouldBe(12m);
    }

    [Fact]
    public async Task Score_EveryInstrumentInTheCatalog_IsReachable()
    {
        using var client = factory.Client();

        foreach (var instrument in InstrumentCatalog.All)
        {
            var (status, body, _) = await PostAsync(client, instrument.Key, "{}");

            // An empty record is either scored or refused with issues: never a server error.
            status.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity);
            body.GetProperty("instrument").GetString().ShouldBe(instrument.Key);
        }
    }

    [Fact]
    public async Task Score_UnknownItemAndBadValue_ProblemDetailsWithEveryIssueCode()
    {
        using var client = factory.Client();

        var (status, body, mediaType) = await PostAsync(client, "sledai2k", """{"seizur": true, "rash": "maybe"}""");

        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        mediaType.ShouldBe("application/problem+json");
        var issues = body.GetProperty("issues").EnumerateArray().ToList();
        issues.Select(i => (i.GetProperty("code").GetString(), i.GetProperty("path").GetString()))
            .ShouldBe([("INP001", "seizur"), ("INP003", "rash")], ignoreOrder: true);
        issues.ShouldAllBe(i => i.GetProperty("severity").GetString() == "error");
    }

    [Fact]
    public async Task Score_OutOfRange_InChinese_MessageLocalizedCodeStable()
    {
        using var client = factory.Client("zh-CN");

        var (status, body, _) = await PostAsync(client, "pga", """{"pga": 4}""");

        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var issue = body.GetProperty("issues")[0];
        issue.GetProperty("code").GetString().ShouldBe("INP004");
        issue.GetProperty("message").GetString()!.ShouldContain("应在 0 至 3 之间");
    }

    [Theory]
    [InlineData("""{"seizure": [true]}""", HttpStatusCode.UnprocessableEntity, "INP003")]
    [InlineData("""[1, 2]""", HttpStatusCode.BadRequest, "INP007")]
    [InlineData("""{"seizure": tru""", HttpStatusCode.BadRequest, "INP007")]
    public async Task Score_MalformedBody_RefusedWithIssue(string json, HttpStatusCode expected, string code)
    {
        using var client = factory.Client();

        var (status, body, _) = await PostAsync(client, "sledai2k", json);

        status.ShouldBe(expected);
        body.GetProperty("issues")[0].GetProperty("code").GetString().ShouldBe(code);
    }

    [Fact]
    public async Task Score_NotJson_Is415()
    {
        using var client = factory.Client();

        var (status, _, _) = await PostAsync(client, "sledai2k", "seizure=true", "application/x-www-form-urlencoded");

        status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Score_UnknownInstrument_Is404ProblemDetails()
    {
        using var client = factory.Client();

        var (status, body, mediaType) = await PostAsync(client, "nope", "{}");

        status.ShouldBe(HttpStatusCode.NotFound);
        mediaType.ShouldBe("application/problem+json");
        body.GetProperty("title").GetString().ShouldBe("Unknown instrument");
    }

    [Fact]
    public async Task Instruments_ListsEveryInstrumentWithItemKeys()
    {
        using var client = factory.Client();

        var json = await client.GetStringAsync(new Uri("/api/instruments", UriKind.Relative), TestContext.Current.CancellationToken);

        var listed = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        listed.Select(i => i.GetProperty("key").GetString()).ShouldBe(InstrumentCatalog.All.Select(i => i.Key));
        listed[0].GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString())
            .ShouldBe(Sledai2k.Instrument.Items.Select(i => i.Key));
    }
}
