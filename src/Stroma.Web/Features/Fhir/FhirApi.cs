using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Audit;
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
                    Type = name switch { "date" or "recorded-date" => SearchParamType.Date, "patient" => SearchParamType.Reference, _ => SearchParamType.Token },
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
