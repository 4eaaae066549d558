using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Audit;
using Stroma.Data.Labs;
using Stroma.Interop.Fhir;
using Stroma.Web.Features.Account;
using Stroma.Web.Hosting;
using Task = System.Threading.Tasks.Task;

namespace Stroma.Web.Features.Fhir;

/// <summary>
/// The read-only FHIR R4 API under <c>/fhir</c> (docs/interop.md, "FHIR API"): <c>GET /fhir/metadata</c> (the
/// CapabilityStatement, open), <c>GET /fhir/{type}/{id}</c> (read) and <c>GET /fhir/{type}?patient=&amp;code=&amp;date=</c>
/// (search, a searchset Bundle), as <c>application/fhir+json</c>. Reads need a signed-in user with
/// <see cref="Capability.ReadClinical"/>; every answer is narrowed to the patients of the sites where they have it, so
/// another site's id is 404 and a search never returns another site's records. Errors are OperationOutcomes. Every
/// successful read and search is an access entry on the audit trail, as page reads are.
/// </summary>
public static class FhirApi
{
    public const string ContentType = "application/fhir+json";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        // Anonymous at the routing level so that a script without a session gets a 401 OperationOutcome rather than the
        // sign-in page; each endpoint checks the user itself.
        var fhir = app.MapGroup("/fhir").AllowAnonymous();
        fhir.MapGet("/metadata", Metadata).WithName("FhirMetadata").WithSummary("The CapabilityStatement");
        fhir.MapGet("/{type}", SearchAsync).WithName("FhirSearch").WithSummary("Search by patient, code and date");
        fhir.MapGet("/{type}/{id}", ReadAsync).WithName("FhirRead").WithSummary("Read one resource");
        fhir.MapPost("/Observation", CreateObservationAsync).WithName("FhirCreateObservation")
            .WithSummary("Load one lab result (an Observation) through the lab path");
        fhir.MapPost("/", TransactionAsync).WithName("FhirTransaction")
            .WithSummary("Load a transaction Bundle of lab results (Observations), all or nothing");
        return app;
    }

    private static IResult Metadata(TimeProvider clock)
    {
        var rest = new CapabilityStatement.RestComponent { Mode = CapabilityStatement.RestfulCapabilityMode.Server };
        foreach (var (type, parameters) in FhirSearch.Parameters)
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction =
                [
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                ],
            };
            foreach (var name in parameters)
            {
                resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent
                {
                    Name = name,
                    Type = name switch { "date" or "recorded-date" or "authored" => SearchParamType.Date, "patient" => SearchParamType.Reference, _ => SearchParamType.Token },
                });
            }

            rest.Resource.Add(resource);
        }

        return Fhir(new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = FhirIds.Text(clock.GetUtcNow()),
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "Stroma" },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest = [rest],
        });
    }

    private static async Task<IResult> ReadAsync(string type, string id, HttpContext http, AccessHolder access, StromaDbContext db, ReadDatabase reads)
    {
        if (Refusal(http, access) is { } refused)
        {
            return refused;
        }

        if (!FhirSearch.Parameters.ContainsKey(type))
        {
            return Outcome(StatusCodes.Status400BadRequest, [Issue.Error(IssueCodes.FhirUnknownType, type, $"The FHIR API does not serve {type}.")]);
        }

        // Reads may go to the read replica (docs/operations.md "Read replicas"); the access entry goes to the primary.
        var data = await reads.ContextAsync(http.RequestAborted);
        var reader = new FhirReader(data, data.PatientsFor(access.Current, Capability.ReadClinical));
        if (await reader.ReadAsync(type, id, http.RequestAborted) is not { } resource)
        {
            return Outcome(StatusCodes.Status404NotFound, [Issue.Error("", $"{type}/{id}", $"No {type} with id {id} that you may read.")], "not-found");
        }

        await AuditAsync(db, $"{type}/{id}", http);
        return Fhir(resource);
    }

    private static async Task<IResult> SearchAsync(string type, HttpContext http, AccessHolder access, StromaDbContext db, ReadDatabase reads)
    {
        if (Refusal(http, access) is { } refused)
        {
            return refused;
        }

        var (search, issues) = FhirSearch.Parse(type, http.Request.Query.Select(q => new KeyValuePair<string, string[]>(q.Key, [.. q.Value.OfType<string>()])));
        if (search is null)
        {
            return Outcome(StatusCodes.Status400BadRequest, issues);
        }

        // Reads may go to the read replica (docs/operations.md "Read replicas"); the access entry goes to the primary.
        var data = await reads.ContextAsync(http.RequestAborted);
        var reader = new FhirReader(data, data.PatientsFor(access.Current, Capability.ReadClinical));
        var found = await reader.SearchAsync(type, search, http.RequestAborted);
        var self = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}{http.Request.QueryString}";
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Link = [new Bundle.LinkComponent { Relation = "self", Url = self }] };
        foreach (var resource in found)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{http.Request.Scheme}://{http.Request.Host}/fhir/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }

        if (found.Count > 0)
        {
            // A search that found nothing read no record: like a refused page, it leaves the trail alone.
            await AuditAsync(db, $"{type}{http.Request.QueryString}", http);
        }

        return Fhir(bundle);
    }

    /// <summary>
    /// <c>POST /fhir/Observation</c>: one lab result through the lab path (<see cref="FhirLabImport"/>). 201 with
    /// <c>Location</c> and the stored Observation; 200 when the same result (patient, analyte, specimen time) is already
    /// stored; else an OperationOutcome: 400 (not an Observation), 404/403 (the subject), 422 (why it cannot be loaded).
    /// </summary>
    private static async Task<IResult> CreateObservationAsync(HttpContext http, AccessHolder access, StromaDbContext db, IConfiguration configuration)
    {
        if (WriteRefusal(http, access) is { } refusedUser)
        {
            return refusedUser;
        }

        if (await BodyAsync(http) is not { } parsed)
        {
            return BadBody(http);
        }

        if (parsed is not Observation observation)
        {
            return Outcome(StatusCodes.Status400BadRequest, [Issue.Error(IssueCodes.FhirBadBody, "", $"POST /fhir/Observation takes an Observation, not a {parsed.TypeName}.")]);
        }

        var result = await FhirLabImport.ImportAsync(db, access.Current, [new FhirLabInput("Observation", observation)],
            SiteLabRanges.Normaliser(configuration["lab-ranges"]), http.RequestAborted);
        if (Refused(result) is { } refused)
        {
            return refused;
        }

        var stored = result.Stored[0];
        var resource = await new FhirReader(db, db.PatientsFor(access.Current, Capability.ReadClinical)).ReadAsync("Observation", stored.Id.ToString(), http.RequestAborted);
        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}/fhir/Observation/{stored.Id}";
        return Fhir(resource!, stored.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>
    /// <c>POST /fhir</c> with a <c>transaction</c> Bundle whose entries each <c>POST</c> an Observation: all loaded in one
    /// transaction or none (FHIR R4 3.1.0.11.2). The answer is a <c>transaction-response</c> Bundle (one entry per entry,
    /// <c>201 Created</c> or <c>200 OK</c> with its location), or one OperationOutcome naming each problem by its entry.
    /// </summary>
    private static async Task<IResult> TransactionAsync(HttpContext http, AccessHolder access, StromaDbContext db, IConfiguration configuration)
    {
        if (WriteRefusal(http, access) is { } refusedUser)
        {
            return refusedUser;
        }

        if (await BodyAsync(http) is not { } parsed)
        {
            return BadBody(http);
        }

        if (parsed is not Bundle { Type: Bundle.BundleType.Transaction } bundle)
        {
            return Outcome(StatusCodes.Status400BadRequest, [Issue.Error(IssueCodes.FhirBadBody, "",
                $"POST /fhir takes a Bundle of type transaction, not {(parsed is Bundle b ? $"a {b.Type?.ToString().ToLowerInvariant() ?? "untyped"} Bundle" : "a " + parsed.TypeName)}.")]);
        }

        var issues = new List<Issue>();
        var inputs = new List<FhirLabInput>();
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var entry = bundle.Entry[i];
            if (entry.Resource is not Observation observation || entry.Request?.Method != Bundle.HTTPVerb.POST || entry.Request.Url?.TrimStart('/') != "Observation")
            {
                issues.Add(Issue.Error(IssueCodes.FhirBadBody, $"Bundle.entry[{i}]",
                    "Each entry must POST an Observation (request.method POST, request.url Observation): Stroma loads lab results here and nothing else."));
                continue;
            }

            inputs.Add(new FhirLabInput($"Bundle.entry[{i}].resource", observation));
        }

        if (inputs.Count == 0 && issues.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.FhirBadBody, "Bundle.entry", "The Bundle has no entries."));
        }

        if (issues.Count > 0)
        {
            return Outcome(StatusCodes.Status400BadRequest, issues);
        }

        var result = await FhirLabImport.ImportAsync(db, access.Current, inputs, SiteLabRanges.Normaliser(configuration["lab-ranges"]), http.RequestAborted);
        if (Refused(result) is { } refused)
        {
            return refused;
        }

        var answer = new Bundle { Type = Bundle.BundleType.TransactionResponse };
        foreach (var stored in result.Stored)
        {
            answer.Entry.Add(new Bundle.EntryComponent
            {
                Response = new Bundle.ResponseComponent { Status = stored.Created ? "201 Created" : "200 OK", Location = $"Observation/{stored.Id}" },
            });
        }

        return Fhir(answer);
    }

    /// <summary>401 without a user (as for reads), 403 without the right to enter lab results at any site; else null.</summary>
    private static IResult? WriteRefusal(HttpContext http, AccessHolder access) =>
        http.User.Identity?.IsAuthenticated != true || access.Current.UserId is null
            ? Refusal(http, access)
            : !access.Current.CanAnywhere(Capability.EditClinical)
                ? Outcome(StatusCodes.Status403Forbidden, [Issue.Error("", "", "Your roles do not include entering lab results at any site.")], "forbidden")
                : null;

    private static IResult? Refused(FhirLabImportResult result) => result.Refusal switch
    {
        FhirLabRefusal.None => null,
        FhirLabRefusal.NotFound => Outcome(StatusCodes.Status404NotFound, result.Issues, "not-found"),
        FhirLabRefusal.Forbidden => Outcome(StatusCodes.Status403Forbidden, result.Issues, "forbidden"),
        _ => Outcome(StatusCodes.Status422UnprocessableEntity, result.Issues, "processing"),
    };

    /// <summary>The request body as a FHIR resource, or null when it is not JSON FHIR (<see cref="BadBody"/> says why).</summary>
    private static async Task<Resource?> BodyAsync(HttpContext http)
    {
        if (!JsonBody(http.Request))
        {
            return null;
        }

        try
        {
            var resource = await JsonSerializer.DeserializeAsync<Resource>(http.Request.Body, Json, http.RequestAborted);
            http.Items[ParsedKey] = resource;
            return resource;
        }
        catch (Exception e) when (e is JsonException or DeserializationFailedException or NotSupportedException or InvalidOperationException)
        {
            http.Items[ParsedKey] = e.Message;
            return null;
        }
    }

    private const string ParsedKey = "stroma.fhir.body";

    private static bool JsonBody(HttpRequest request) =>
        request.ContentType is { } type && (type.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase));

    private static IResult BadBody(HttpContext http) => !JsonBody(http.Request)
        ? Outcome(StatusCodes.Status415UnsupportedMediaType, [Issue.Error(IssueCodes.FhirBadBody, "",
            $"The body must be FHIR JSON (Content-Type {ContentType}), not {http.Request.ContentType ?? "(none)"}.")])
        : Outcome(StatusCodes.Status400BadRequest, [Issue.Error(IssueCodes.FhirBadBody, "",
            $"The body is not a FHIR R4 resource in JSON: {http.Items[ParsedKey] as string ?? "it is empty"}")]);

    /// <summary>
    /// 401 without a signed-in user or a valid API token (with <c>WWW-Authenticate: Bearer</c>, RFC 6750 section 3), 403
    /// without <see cref="Capability.ReadClinical"/> at any site; else null.
    /// </summary>
    private static IResult? Refusal(HttpContext http, AccessHolder access)
    {
        if (http.User.Identity?.IsAuthenticated != true || access.Current.UserId is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"stroma\"";
            return Outcome(StatusCodes.Status401Unauthorized,
                [Issue.Error("", "", "Sign in, or send a valid personal API token (made at /account/tokens) as Authorization: Bearer.")], "login");
        }

        return !access.Current.CanAnywhere(Capability.ReadClinical)
            ? Outcome(StatusCodes.Status403Forbidden, [Issue.Error("", "", "Your roles do not include reading clinical records at any site.")], "forbidden")
            : null;
    }

    /// <summary>An access entry for a read or search; a token-authenticated request names the token by its prefix (never the token).</summary>
    private static Task AuditAsync(StromaDbContext db, string what, HttpContext http)
    {
        var details = new Dictionary<string, object?> { ["request"] = "GET /fhir/" + what };
        if (http.User.FindFirst(ApiTokenAuthentication.PrefixClaim)?.Value is { } prefix)
        {
            details["token"] = prefix;
        }

        return AuditTrail.AppendAccessAsync(db, "read", "fhir", details, http.RequestAborted);
    }

    private static IResult Fhir(Resource resource, int status = StatusCodes.Status200OK) =>
        Results.Text(JsonSerializer.Serialize(resource, Json), ContentType, System.Text.Encoding.UTF8, status);

    /// <summary>Issues as an OperationOutcome: each with its Stroma code (system <c>urn:stroma:issue</c>) and message.</summary>
    private static IResult Outcome(int status, IEnumerable<Issue> issues, string type = "invalid")
    {
        var outcome = new OperationOutcome();
        foreach (var issue in issues)
        {
            var details = new CodeableConcept { Text = issue.Message };
            if (issue.Code.Length > 0)
            {
                details.Coding.Add(new Coding("urn:stroma:issue", issue.Code));
            }

            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = issue.IsError ? OperationOutcome.IssueSeverity.Error : OperationOutcome.IssueSeverity.Warning,
                Code = Enum.Parse<OperationOutcome.IssueType>(type.Replace("-", "", StringComparison.Ordinal), ignoreCase: true),
                Details = details,
                Expression = issue.Path.Length > 0 ? [issue.Path] : [],
            });
        }

        return Fhir(outcome, status);
    }
}
