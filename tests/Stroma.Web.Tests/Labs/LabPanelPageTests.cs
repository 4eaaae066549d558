// Source: docs/web.md (lab panel); rules from Stroma.Clinical.Labs (SLEDAI-2K thrombocytopenia < 100×10^9/L,
// creatinine 1 mg/dL = 88.4 µmol/L (AMA Manual of Style, as AnalyteCatalog cites), CKD-EPI 2021 eGFR).
using System.Net;
using Stroma.Clinical.Labs;

namespace Stroma.Web.Tests.Labs;

public sealed class LabPanelPageTests(WebFactory factory) : IClassFixture<WebFactory>
{
    [Fact]
    public async Task Get_RendersEveryCatalogAnalyteWithItsUnits()
    {
        using var client = factory.Client();

        var html = await client.GetStringAsync(new Uri("/labs", UriKind.Relative), TestContext.Current.CancellationToken);

        Html.Token(html).ShouldNotBeNullOrWhiteSpace();
        foreach (var analyte in AnalyteCatalog.All)
        {
            html.ShouldContain($"name=\"v.{analyte.Key}\"");
        }

        html.ShouldContain("<option value=\"mg/dL\"");
    }

    [Fact]
    public async Task Post_Panel_ConvertsFlagsDerivesAndSuggests()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, "/labs",
            ("Sex", "Female"), ("Age", "40"),
            ("v.platelets", "80"), ("u.platelets", "10*9/L"),
            ("v.creatinine", "1.0"), ("u.creatinine", "mg/dL"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("<tr data-analyte=\"creatinine\">");
        html.ShouldContain("88.4 umol/L");
        html.ShouldContain("data-derived=\"egfr_ckd_epi_2021\"");
        html.ShouldContain("<li data-descriptor=\"thrombocytopenia\">");
    }

    [Fact]
    public async Task Post_UnreadableValue_ErrorOnItsRow()
    {
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, "/labs", ("v.platelets", "eighty"), ("u.platelets", "10*9/L"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain("<a href=\"#i-v.platelets\">");
        html.ShouldNotContain("<tr data-analyte=\"platelets\">");
    }

    [Theory]
    [InlineData("en", "Age (years) must be between 0 and 130.")]
    [InlineData("zh-CN", "年龄（岁） 应在 0 至 130 之间。")]
    public async Task Post_AgeOutOfRange_LocalizedValidationMessage(string language, string message)
    {
        using var client = factory.Client(language);

        using var response = await Html.PostFormAsync(client, "/labs", ("Age", "200"), ("v.platelets", "80"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        html.ShouldContain(message);
        html.ShouldNotContain("id=\"result\"");
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefused()
    {
        using var client = factory.Client();
        using var content = new FormUrlEncodedContent([new("v.platelets", "80")]);

        using var response = await client.PostAsync(new Uri("/labs", UriKind.Relative), content, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
