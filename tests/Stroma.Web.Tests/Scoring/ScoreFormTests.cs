// Source: docs/web.md (forms); expected totals from the SLEDAI-2K weights (Gladman 2002).
using System.Net;
using Stroma.Clinical.Scoring;

namespace Stroma.Web.Tests.Scoring;

public sealed class ScoreFormTests(WebFactory factory) : IClassFixture<WebFactory>
{
    public static TheoryData<string> InstrumentKeys() => [.. InstrumentCatalog.All.Select(i => i.Key)];

    [Theory]
    [MemberData(nameof(InstrumentKeys))]
    public async Task Get_EveryInstrumentForm_RendersEveryItemWithAntiforgeryToken(string key)
    {
        using var client = factory.Client();

        using var response = await client.GetAsync(new Uri($"/score/{key}", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Html.Token(html).ShouldNotBeNullOrWhiteSpace();
        foreach (var item in InstrumentCatalog.Find(key)!.Items)
        {
            html.ShouldContain($"name=\"{item.Key}\"");
        }
    }

    [Fact]
    public async Task Get_Home_ListsEveryInstrument()
    {
        using var client = factory.Client();

        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);

        foreach (var instrument in InstrumentCatalog.All)
        {
            html.ShouldContain($"href=\"/score/{instrument.Key}\"");
        }
    }

    [Fact]
    public async Task Get_Sledai2k_ShowsEachDescriptorWithItsWeight()
    {
        using var client = factory.Client();

        var html = await client.GetStringAsync(new Uri("/score/sledai2k", UriKind.Relative), TestContext.Current.CancellationToken);

        html.ShouldContain("<label for=\"i-seizure\">Seizure");
        html.ShouldContain("8-point descriptors");
        html.ShouldContain("1-point descriptors");
        System.Text.RegularExpressions.Regex.Count(html, "type=\"checkbox\"").ShouldBe(Sledai2k.Descriptors.Count);
        html.ShouldContain("<output id=\"live-total\" form=\"score-form\" aria-live=\"polite\">0</output>");
    }

    [Fact]
    public async Task Post_TickedDescriptors_ServerScoresTheTotal()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, "/score/sledai2k", ("seizure", "true"), ("arthritis", "true"), ("fever", "true"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("<strong id=\"result-total\">13</strong>"); // 8 + 4 + 1
        html.ShouldContain("id=\"i-seizure\" name=\"seizure\" value=\"true\" checked=\"checked\"");
        html.ShouldNotContain("error-summary");
    }

    [Fact]
    public async Task Post_BadNumber_ErrorNextToTheItemAndInTheSummary()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, "/score/pga", ("pga", "1,5"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain("class=\"error-summary\"");
        html.ShouldContain("<a href=\"#i-pga\">INP003:");
        html.ShouldContain("<span class=\"field-error\" id=\"e-pga\">INP003:");
        html.ShouldContain("value=\"1,5\"");
        html.ShouldNotContain("id=\"result-total\"");
    }

    [Fact]
    public async Task Post_OutOfRange_InChinese_LocalizedMessageWithCode()
    {
        using var client = factory.Client("zh-CN");

        using var response = await Html.PostFormAsync(client, "/score/pga", ("pga", "4"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain("请更正以下问题");
        html.ShouldContain("INP004: “Physician Global Assessment”应在 0 至 3 之间。");
    }

    [Fact]
    public async Task Post_MissingRequiredItem_ReportsInp002()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, "/score/pga");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain("id=\"e-pga\">INP002:");
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = factory.Client();
        using var content = new FormUrlEncodedContent([new("seizure", "true")]);

        using var response = await client.PostAsync(new Uri("/score/sledai2k", UriKind.Relative), content, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("<h1>The request was refused</h1>");
        html.ShouldNotContain("id=\"result-total\"");
    }

    [Fact]
    public async Task Post_TokenFromAnotherClient_IsRefused()
    {
        using var attacker = factory.Client();
        using var victim = factory.Client();
        var token = Html.Token(await attacker.GetStringAsync(new Uri("/score/sledai2k", UriKind.Relative), TestContext.Current.CancellationToken));
        await victim.GetStringAsync(new Uri("/score/sledai2k", UriKind.Relative), TestContext.Current.CancellationToken);
        using var content = new FormUrlEncodedContent([new("seizure", "true"), new("__RequestVerificationToken", token)]);

        using var response = await victim.PostAsync(new Uri("/score/sledai2k", UriKind.Relative), content, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
