// Source: SLEDAI-2K definitions (Gladman 2002) as coded in Stroma.Clinical.Labs.LabSuggestions: thrombocytopenia
// < 100×10^9/L, proteinuria > 0.5 g/24 h; docs/web.md (lab suggestions on the SLEDAI-2K form).
using System.Net;

namespace Stroma.Web.Tests.Scoring;

public sealed class SledaiLabPanelTests(WebFactory factory) : IClassFixture<WebFactory>
{
    private const string Page = "/score/sledai2k";
    private const string CheckLabs = "/score/sledai2k?handler=Labs";

    [Fact]
    public async Task CheckLabs_LowPlatelets_SuggestsThrombocytopenia_WithoutTickingIt()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, Page, CheckLabs, ("lab.platelets", "80"), ("lab_unit.platelets", "10*9/L"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("<p class=\"suggestion\" id=\"s-thrombocytopenia\">");
        html.ShouldContain("Exclude drug causes.");
        var checkbox = System.Text.RegularExpressions.Regex.Match(html, "<input type=\"checkbox\" id=\"i-thrombocytopenia\"[^>]*>").Value;
        checkbox.ShouldNotBeEmpty();
        checkbox.ShouldNotContain("checked");
        html.ShouldNotContain("id=\"result-total\"");
        html.ShouldContain("value=\"80\"");
    }

    [Fact]
    public async Task CheckLabs_PlateletsAtTheThreshold_NoSuggestion()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, Page, CheckLabs, ("lab.platelets", "100"), ("lab_unit.platelets", "10*9/L"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldNotContain("class=\"suggestion\"");
    }

    [Fact]
    public async Task Score_TickedSuggestedDescriptor_RecordedAsConfirmedLabSuggestion()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, Page, Page,
            ("lab.urine_protein_24h", "800"), ("lab_unit.urine_protein_24h", "mg/d"), ("proteinuria", "true"), ("rash", "true"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain("<strong id=\"result-total\">6</strong>"); // proteinuria 4 + rash 2
        html.ShouldContain("<td lang=\"en\">suggested from lab results, confirmed</td>");
    }

    [Fact]
    public async Task Score_BadLabValue_ShownOnTheLabField_ScoreStillComputed()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, Page, Page, ("lab.wbc", "lots"), ("lab_unit.wbc", "10*9/L"), ("fever", "true"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain("<span class=\"field-error\" id=\"e-lab.wbc\">");
        html.ShouldContain("<strong id=\"result-total\">1</strong>");
    }

    [Fact]
    public async Task OtherInstruments_HaveNoLabPanel()
    {
        using var client = factory.Client();

        var html = await client.GetStringAsync(new Uri("/score/sdi", UriKind.Relative), TestContext.Current.CancellationToken);

        html.ShouldNotContain("name=\"lab.");
    }
}
