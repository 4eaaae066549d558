// Source: issue #17 "A read-only FHIR API ... with the same sign-in, roles and site isolation as the pages (a test tries
// another site's ids)"; FHIR R4 (4.0.1) RESTful API 3.1.0 (read, search, searchset Bundle, OperationOutcome,
// application/fhir+json).
using System.Net;
using System.Text.Json;
using Stroma.Web.Tests.Access;

namespace Stroma.Web.Tests.Fhir;

public sealed class FhirApiTests(RouteAccessFixture fixture) : IClassFixture<RouteAccessFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> GetAsync(string user, string path)
    {
        using var response = await fixture.Client(user).GetAsync(new Uri(path, UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/fhir+json", path);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    [Fact]
    public async Task Metadata_Anonymous_CapabilityStatementOfTheServedTypes()
    {
        var (status, body, _) = await GetAsync("anonymous", "/fhir/metadata");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("resourceType").GetString().ShouldBe("CapabilityStatement");
        body.GetProperty("fhirVersion").GetString().ShouldBe("4.0.1");
        body.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().Select(r => r.GetProperty("type").GetString())
            .ShouldContain("Observation");
    }

    [Theory]
    [InlineData("Patient", "patient")]
    [InlineData("Observation", "labresult")]
    [InlineData("Observation", "assessment")]
    [InlineData("QuestionnaireResponse", "assessment")]
    public async Task Read_OwnSiteAndOtherSitesId_OwnFoundOtherNotFound(string type, string record)
    {
        var (own, body, _) = await GetAsync("monitor", $"/fhir/{type}/{fixture.Ids[$"{record}.A"]}");
        var (other, outcome, text) = await GetAsync("monitor", $"/fhir/{type}/{fixture.Ids[$"{record}.B"]}");

        own.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("resourceType").GetString().ShouldBe(type);
        body.GetProperty("id").GetString().ShouldBe(fixture.Ids[$"{record}.A"].ToString());
        other.ShouldBe(HttpStatusCode.NotFound);
        outcome.GetProperty("resourceType").GetString().ShouldBe("OperationOutcome");
        text.ShouldNotContain("B-SECRET", Case.Sensitive);
    }

    [Theory]
    [InlineData("/fhir/Patient")]
    [InlineData("/fhir/Observation")]
    [InlineData("/fhir/Observation?code=c3")]
    [InlineData("/fhir/Observation?code=sledai2k&date=ge2024-01-01&date=le2024-12-31")]
    [InlineData("/fhir/ResearchSubject")]
    [InlineData("/fhir/Observation?patient=PATIENT_A")]
    [InlineData("/fhir/QuestionnaireResponse")]
    [InlineData("/fhir/QuestionnaireResponse?patient=PATIENT_A&authored=ge2024-01&authored=lt2024-02")]
    public async Task Search_AcrossSites_OnlyOwnSitesResources(string path)
    {
        var (status, bundle, text) = await GetAsync("investigator", path.Replace("PATIENT_A", fixture.Ids["patient.A"].ToString(), StringComparison.Ordinal));

        status.ShouldBe(HttpStatusCode.OK);
        bundle.GetProperty("type").GetString().ShouldBe("searchset");
        var entries = bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
        entries.ShouldNotBeEmpty();
        text.ShouldNotContain("B-SECRET", Case.Sensitive);
        entries.ShouldAllBe(r => r.GetRawText().Contains(fixture.Ids["patient.A"].ToString(), StringComparison.Ordinal));
        entries.ShouldAllBe(r => !r.GetRawText().Contains(fixture.Ids["patient.B"].ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Observation")]
    [InlineData("QuestionnaireResponse")]
    public async Task Search_OtherSitesPatient_EmptyBundle(string type)
    {
        var (status, bundle, _) = await GetAsync("investigator", $"/fhir/{type}?patient=Patient/{fixture.Ids["patient.B"]}");

        status.ShouldBe(HttpStatusCode.OK);
        bundle.TryGetProperty("entry", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Search_QuestionnaireResponseOutsideItsDate_EmptyBundle()
    {
        var (status, bundle, _) = await GetAsync("investigator", "/fhir/QuestionnaireResponse?authored=2024-02");

        status.ShouldBe(HttpStatusCode.OK);
        bundle.TryGetProperty("entry", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Read_QuestionnaireResponse_ItsQuestionnaireReadableAndTheScoreDerivedFromIt()
    {
        var id = fixture.Ids["assessment.A"];
        var (_, response, _) = await GetAsync("monitor", $"/fhir/QuestionnaireResponse/{id}");
        var (_, score, _) = await GetAsync("monitor", $"/fhir/Observation/{id}");
        var canonical = response.GetProperty("questionnaire").GetString()!;
        var (status, questionnaire, _) = await GetAsync("monitor", "/fhir/Questionnaire/" + canonical.Split('|')[0].Split(':')[^1] + "-" + canonical.Split('|')[1]);

        status.ShouldBe(HttpStatusCode.OK);
        $"{questionnaire.GetProperty("url").GetString()}|{questionnaire.GetProperty("version").GetString()}".ShouldBe(canonical);
        response.GetProperty("item").EnumerateArray().Select(i => i.GetProperty("linkId").GetString()).ShouldBe(["seizure"]);
        response.GetProperty("item")[0].GetProperty("answer")[0].GetProperty("valueBoolean").GetBoolean().ShouldBeTrue();
        score.GetProperty("derivedFrom")[0].GetProperty("reference").GetString().ShouldBe($"QuestionnaireResponse/{id}");
    }

    [Theory]
    [InlineData("/fhir/Medication", "FHR001")]
    [InlineData("/fhir/Observation?subject=x", "FHR002")]
    [InlineData("/fhir/Observation?date=2024-13", "FHR003")]
    [InlineData("/fhir/Observation?patient=S01-001", "FHR003")]
    public async Task Search_BadRequest_OperationOutcomeWithIssueCode(string path, string code)
    {
        var (status, outcome, _) = await GetAsync("investigator", path);

        status.ShouldBe(HttpStatusCode.BadRequest);
        outcome.GetProperty("resourceType").GetString().ShouldBe("OperationOutcome");
        outcome.GetProperty("issue")[0].GetProperty("details").GetProperty("coding")[0].GetProperty("code").GetString().ShouldBe(code);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("statistician", HttpStatusCode.Forbidden)]
    [InlineData("qa", HttpStatusCode.Forbidden)]
    public async Task Read_WithoutClinicalReadRole_RefusedAsOperationOutcome(string user, HttpStatusCode expected)
    {
        var (status, outcome, _) = await GetAsync(user, $"/fhir/Patient/{fixture.Ids["patient.A"]}");

        status.ShouldBe(expected);
        outcome.GetProperty("resourceType").GetString().ShouldBe("OperationOutcome");
    }
}
