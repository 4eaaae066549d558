// Source: issue #17 "POST /fhir/Observation (or a transaction Bundle of Observations) loads lab results through the same
// lab path as the imports"; FHIR R4 (4.0.1) RESTful API 3.1.0.7 (create: 201 and Location), 3.1.0.11.2 (transaction:
// all or nothing, transaction-response), OperationOutcome. Creatinine 1.2 mg/dL = 106.08 µmol/L (× 88.4, docs/labs.md).
// Runs on SQLite and, when STROMA_TEST_POSTGRES is set, PostgreSQL.
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Fhir;

public sealed class FhirWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Engines
    {
        get
        {
            var data = new TheoryData<string> { "sqlite" };
            if (Environment.GetEnvironmentVariable("STROMA_TEST_POSTGRES") is { Length: > 0 })
            {
                data.Add("postgres");
            }

            return data;
        }
    }

    /// <summary>A registry with sites A and B, a patient at each, a signed visit of A's patient, and users of site A.</summary>
    private sealed class Registry : IAsyncDisposable
    {
        private readonly string? postgresName;

        private Registry(WebFactory factory, string? postgresName) => (Factory, this.postgresName) = (factory, postgresName);

        public WebFactory Factory { get; }

        public Dictionary<string, Guid> Ids { get; } = [];

        public static async Task<Registry> CreateAsync(string engine)
        {
            var admin = Environment.GetEnvironmentVariable("STROMA_TEST_POSTGRES");
            var name = engine == "postgres" ? $"stroma_web_{Guid.NewGuid():N}" : null;
            if (name is not null)
            {
                await AdminAsync(admin!, $"CREATE DATABASE \"{name}\"");
            }

            var registry = new Registry(new WebFactory { Database = name is null ? null : new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString() }, name);
            await using (var scope = registry.Factory.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
                foreach (var site in new[] { "A", "B" })
                {
                    var siteId = registry.Ids[$"site.{site}"] = Guid.CreateVersion7();
                    db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                    var patient = registry.Ids[$"patient.{site}"] = Guid.CreateVersion7();
                    db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1980 });
                }

                db.Visits.Add(new Visit
                {
                    Id = registry.Ids["visit.signed"] = Guid.CreateVersion7(),
                    PatientId = registry.Ids["patient.A"],
                    VisitDate = new DateOnly(2025, 1, 5),
                    Type = "follow-up",
                    SignedAt = new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero),
                    SignedBy = "someone",
                    SignedByName = "Dr Someone",
                });
                await db.SaveChangesAsync(Ct);
            }

            await registry.Factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
            await registry.Factory.AddUserAsync("monitor", false, ("A", SiteRole.Monitor));
            return registry;
        }

        public async Task<int> LabCountAsync()
        {
            await using var scope = Factory.Scope();
            return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().LabResults.CountAsync(Ct);
        }

        public async ValueTask DisposeAsync()
        {
            await Factory.DisposeAsync();
            if (postgresName is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await AdminAsync(Environment.GetEnvironmentVariable("STROMA_TEST_POSTGRES")!, $"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)");
            }
        }
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static string Observation(Guid patient, string value = "1.2", string unit = "mg/dL", string time = "2025-01-05T08:30:00+08:00",
        string status = "final", string? encounter = null, string loinc = "2160-0") =>
        "{\"resourceType\": \"Observation\", \"status\": \"" + status + "\", "
        + "\"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"" + loinc + "\"}]}, "
        + "\"subject\": {\"reference\": \"Patient/" + patient + "\"}, "
        + (encounter is null ? "" : "\"encounter\": {\"reference\": \"Encounter/" + encounter + "\"}, ")
        + "\"effectiveDateTime\": \"" + time + "\", "
        + "\"valueQuantity\": {\"value\": " + value + ", \"system\": \"http://unitsofmeasure.org\", \"code\": \"" + unit + "\"}, "
        + "\"referenceRange\": [{\"low\": {\"value\": 0.6}, \"high\": {\"value\": 1.1}}], "
        + "\"note\": [{\"text\": \"Specimen slightly haemolysed\"}]}";

    private static string Transaction(params string[] observations) =>
        "{\"resourceType\": \"Bundle\", \"type\": \"transaction\", \"entry\": ["
        + string.Join(",", observations.Select(o => "{\"resource\": " + o + ", \"request\": {\"method\": \"POST\", \"url\": \"Observation\"}}"))
        + "]}";

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(HttpClient client, string path, string body,
        string contentType = "application/fhir+json")
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
    }

    private static string Code(JsonElement outcome, int issue = 0) =>
        outcome.GetProperty("issue")[issue].GetProperty("details").GetProperty("coding")[0].GetProperty("code").GetString()!;

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task PostObservation_NewResult_201WithLocationNormalisedAndAudited_AgainIs200(string engine)
    {
        await using var registry = await Registry.CreateAsync(engine);
        using var client = await registry.Factory.SignedInAsync("coord");

        var (status, body, response) = await PostAsync(client, "/fhir/Observation", Observation(registry.Ids["patient.A"]));
        var (again, _, againResponse) = await PostAsync(client, "/fhir/Observation", Observation(registry.Ids["patient.A"]));

        status.ShouldBe(HttpStatusCode.Created, body.ToString());
        body.GetProperty("resourceType").GetString().ShouldBe("Observation");
        body.GetProperty("valueQuantity").GetProperty("value").GetDecimal().ShouldBe(106.08m);
        body.GetProperty("valueQuantity").GetProperty("code").GetString().ShouldBe("umol/L");
        body.GetProperty("interpretation")[0].GetProperty("coding")[0].GetProperty("code").GetString().ShouldBe("H");
        response.Headers.Location!.AbsolutePath.ShouldBe($"/fhir/Observation/{body.GetProperty("id").GetString()}");
        again.ShouldBe(HttpStatusCode.OK);
        againResponse.Headers.Location.ShouldBe(response.Headers.Location);
        (await registry.LabCountAsync()).ShouldBe(1);
        await using var scope = registry.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        // One import entry per request, naming the user: the second records that it stored nothing (a duplicate), as a CSV re-run does.
        (await db.AuditEntries.CountAsync(a => a.Action == "import" && a.EntityKey == "import fhir A" && a.UserName == "coord", Ct)).ShouldBe(2);
        response.Dispose();
        againResponse.Dispose();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task PostObservation_UnitAcrossDimensions_422NamingTheElementNothingStored(string engine)
    {
        await using var registry = await Registry.CreateAsync(engine);
        using var client = await registry.Factory.SignedInAsync("coord");

        var (status, outcome, response) = await PostAsync(client, "/fhir/Observation", Observation(registry.Ids["patient.A"], unit: "U/L"));

        status.ShouldBe((HttpStatusCode)422);
        Code(outcome).ShouldBe("LAB003");
        outcome.GetProperty("issue")[0].GetProperty("expression")[0].GetString().ShouldBe("Observation.valueQuantity.code");
        (await registry.LabCountAsync()).ShouldBe(0);
        response.Dispose();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task PostTransaction_OneBadEntry_NothingStored_AllGood_AllStored(string engine)
    {
        await using var registry = await Registry.CreateAsync(engine);
        using var client = await registry.Factory.SignedInAsync("coord");
        var patient = registry.Ids["patient.A"];

        var (refused, outcome, r1) = await PostAsync(client, "/fhir", Transaction(
            Observation(patient), Observation(patient, value: "0.62", unit: "g/L", loinc: "4485-9", time: "2025-01-05T08:45:00+08:00", status: "preliminary")));
        var countAfterRefusal = await registry.LabCountAsync();
        var (accepted, bundle, r2) = await PostAsync(client, "/fhir", Transaction(
            Observation(patient), Observation(patient, value: "0.62", unit: "g/L", loinc: "4485-9", time: "2025-01-05T08:45:00+08:00")));

        refused.ShouldBe((HttpStatusCode)422);
        Code(outcome).ShouldBe("FHR005");
        outcome.GetProperty("issue")[0].GetProperty("expression")[0].GetString().ShouldBe("Bundle.entry[1].resource.status");
        countAfterRefusal.ShouldBe(0);
        accepted.ShouldBe(HttpStatusCode.OK, bundle.ToString());
        bundle.GetProperty("type").GetString().ShouldBe("transaction-response");
        bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("response").GetProperty("status").GetString()).ShouldBe(["201 Created", "201 Created"]);
        (await registry.LabCountAsync()).ShouldBe(2);
        r1.Dispose();
        r2.Dispose();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task PostObservation_SignedVisit_422Vis001(string engine)
    {
        await using var registry = await Registry.CreateAsync(engine);
        using var client = await registry.Factory.SignedInAsync("coord");

        var (status, outcome, response) = await PostAsync(client, "/fhir/Observation",
            Observation(registry.Ids["patient.A"], encounter: registry.Ids["visit.signed"].ToString()));

        status.ShouldBe((HttpStatusCode)422);
        Code(outcome).ShouldBe("VIS001");
        outcome.GetProperty("issue")[0].GetProperty("expression")[0].GetString().ShouldBe("Observation.encounter");
        (await registry.LabCountAsync()).ShouldBe(0);
        response.Dispose();
    }

    [Fact]
    public async Task PostObservation_AccessAndBody_RefusedAsThePagesWould()
    {
        await using var registry = await Registry.CreateAsync("sqlite");
        using var coordinator = await registry.Factory.SignedInAsync("coord");
        using var monitor = await registry.Factory.SignedInAsync("monitor");
        using var anonymous = registry.Factory.Client();

        var (otherSite, _, a) = await PostAsync(coordinator, "/fhir/Observation", Observation(registry.Ids["patient.B"]));
        var (readOnly, _, b) = await PostAsync(monitor, "/fhir/Observation", Observation(registry.Ids["patient.A"]));
        var (signedOut, _, c) = await PostAsync(anonymous, "/fhir/Observation", Observation(registry.Ids["patient.A"]));
        var (form, _, d) = await PostAsync(coordinator, "/fhir/Observation", "status=final", "application/x-www-form-urlencoded");
        var (notObservation, outcome, e) = await PostAsync(coordinator, "/fhir/Observation", """{"resourceType": "Patient"}""");
        var (broken, brokenOutcome, f) = await PostAsync(coordinator, "/fhir/Observation", """{"resourceType": "Observation", """);

        otherSite.ShouldBe(HttpStatusCode.NotFound);
        readOnly.ShouldBe(HttpStatusCode.Forbidden);
        signedOut.ShouldBe(HttpStatusCode.Unauthorized);
        form.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        notObservation.ShouldBe(HttpStatusCode.BadRequest);
        Code(outcome).ShouldBe("FHR004");
        broken.ShouldBe(HttpStatusCode.BadRequest);
        Code(brokenOutcome).ShouldBe("FHR004");
        (await registry.LabCountAsync()).ShouldBe(0);
        foreach (var response in new[] { a, b, c, d, e, f })
        {
            response.Dispose();
        }
    }
}
