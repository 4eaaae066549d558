// Source: issue #8 "Accounts, roles, sites": "A user sees and changes only what their role and sites allow, and this
// is enforced on the server for every page, API call, export and report, not by hiding links. A test walks every
// route for every role against a record of another site and expects refusal." The matrix is AccessPolicy's.
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using LabFlag = Stroma.Clinical.Labs.LabFlag;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Access;

/// <summary>
/// One registry with two sites, A and B, the same kinds of record at each (<see cref="Seed"/>), and one account per
/// kind of user, every membership at site A only. Ids of the seeded records are in <see cref="Ids"/> by name
/// (<c>patient.A</c>, <c>patient.B</c>, ...).
/// </summary>
public sealed class RouteAccessFixture : IAsyncLifetime
{
    /// <summary>Every kind of user the matrix checks: their role at site A (none for anonymous, nobody and admin).</summary>
    public static readonly IReadOnlyDictionary<string, SiteRole?> Users = new Dictionary<string, SiteRole?>
    {
        ["anonymous"] = null,
        ["nobody"] = null,
        ["admin"] = null,
        ["investigator"] = SiteRole.Investigator,
        ["coordinator"] = SiteRole.Coordinator,
        ["datamanager"] = SiteRole.DataManager,
        ["monitor"] = SiteRole.Monitor,
        ["qa"] = SiteRole.CellLabQa,
        ["statistician"] = SiteRole.Statistician,
    };

    private readonly Dictionary<string, HttpClient> clients = [];

    public WebFactory Factory { get; } = new();

    public Dictionary<string, Guid> Ids { get; } = [];

    public HttpClient Client(string user) => clients[user];

    public async ValueTask InitializeAsync()
    {
        await using (var scope = Factory.Scope())
        {
            await Seed(scope.ServiceProvider.GetRequiredService<StromaDbContext>());
        }

        foreach (var (name, role) in Users.Where(u => u.Key != "anonymous"))
        {
            await Factory.AddUserAsync(name, administrator: name == "admin", [.. role is { } r ? new[] { ("A", r) } : []]);
        }

        clients["anonymous"] = Factory.Client();
        foreach (var name in Users.Keys.Where(u => u != "anonymous"))
        {
            clients[name] = await Factory.SignedInAsync(name);
        }
    }

    /// <summary>The same records at site A and at site B. Add the records your pages show, for both sites.</summary>
    private async Task Seed(StromaDbContext db)
    {
        foreach (var site in new[] { "A", "B" })
        {
            var siteId = Add($"site.{site}");
            db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
            db.Laboratories.Add(new Laboratory { Id = Add($"lab.{site}"), SiteId = siteId, Code = "LAB", Name = $"Lab {site}" });
            var patientId = Add($"patient.{site}");
            db.Patients.Add(new Patient { Id = patientId, SiteId = siteId, StudyId = $"{site}-SECRET-001", Sex = Sex.Female, BirthYear = 1985 });
            // Reports and exports need an enrolled patient (a baseline visit); its note carries the secret too.
            db.Visits.Add(new Visit { Id = Add($"visit.{site}"), PatientId = patientId, VisitDate = new DateOnly(2024, 1, 10), Type = "baseline", Notes = $"{site}-SECRET visit" });
            var assessment = AssessmentScoring.Score("sledai2k", new Dictionary<string, Stroma.Clinical.Scoring.ItemValue> { ["seizure"] = Stroma.Clinical.Scoring.ItemValue.Of(true) },
                patientId, Ids[$"visit.{site}"], new DateOnly(2024, 1, 10))!;
            assessment.Id = Add($"assessment.{site}");
            db.Assessments.Add(assessment);
            db.LabResults.Add(new LabResult
            {
                Id = Add($"labresult.{site}"),
                PatientId = Ids[$"patient.{site}"],
                VisitId = Ids[$"visit.{site}"],
                LaboratoryId = Ids[$"lab.{site}"],
                Analyte = "c3",
                SpecimenTime = new DateTimeOffset(2024, 1, 10, 0, 30, 0, TimeSpan.Zero),
                ReportedValue = "0.5",
                ReportedUnit = "g/L",
                NormalisedValue = 0.5m,
                NormalisedUnit = "g/L",
                Flag = LabFlag.Low,
            });
            // An edit check's open query on the visit (issue #15): the queries page's steps act on it.
            var queryId = Add($"query.{site}");
            db.Queries.Add(new QueryRecord
            {
                Id = queryId,
                SiteId = siteId,
                PatientId = patientId,
                RecordType = "visit",
                RecordId = Ids[$"visit.{site}"],
                Field = "visit.date",
                VisitId = Ids[$"visit.{site}"],
                Status = QueryStatus.Open,
                Text = $"{site}-SECRET query",
                RaisedBy = Stroma.Data.Quality.Queries.CheckActor,
                RaisedAt = new DateTimeOffset(2024, 1, 11, 0, 0, 0, TimeSpan.Zero),
            });
            db.QuerySteps.Add(new QueryStepRecord
            {
                Id = Guid.CreateVersion7(),
                QueryId = queryId,
                Number = 1,
                Kind = QueryStepKind.Opened,
                Text = $"{site}-SECRET query",
                By = Stroma.Data.Quality.Queries.CheckActor,
                At = new DateTimeOffset(2024, 1, 11, 0, 0, 0, TimeSpan.Zero),
            });
        }

        // A released lot at each site (issue #16: a site sees its own lots; the lot pick lists offer only the patient's site's).
        foreach (var site in new[] { "A", "B" })
        {
            db.CellLots.Add(new CellLotRecord
            {
                Id = Add($"lot.{site}"),
                SiteId = Ids[$"site.{site}"],
                LotNumber = $"{site}-SECRET-LOT",
                ProductType = Stroma.Clinical.CellTherapy.CellProductType.UmbilicalCordMsc,
                DonorPseudonym = "D1",
                TissueSource = "umbilical cord",
                ManufacturingSite = "lab",
                ManufacturedOn = new DateOnly(2024, 1, 2),
                TotalCells = 2e8m,
                CellsPerMillilitre = 1e6m,
                ViabilityPercent = 95m,
                VolumeMillilitres = 200m,
                Storage = Stroma.Clinical.CellTherapy.StorageCondition.Cryopreserved,
                StorageLocation = "tank 1",
                ExpiresOn = new DateOnly(2099, 12, 31),
                Status = Stroma.Clinical.CellTherapy.LotStatus.Released,
            });
        }

        await db.SaveChangesAsync();
        // Calendars and the worklist (issue #14) read enrolments: one at each site, with events missed and due.
        foreach (var site in new[] { "A", "B" })
        {
            var enrolled = await Stroma.Data.CellTherapy.Enrolments.EnrolAsync(db, $"{site}-SECRET-001", Stroma.Clinical.CellTherapy.ProtocolTemplates.Wang2014Key,
                new Stroma.Data.CellTherapy.EnrolmentRequest(new DateOnly(2024, 1, 10)));
            enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
        }
    }

    private Guid Add(string name) => Ids[name] = Guid.CreateVersion7();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        await Factory.DisposeAsync();
    }
}

/// <summary>
/// One row of the route table: a route (as its template), a handler, the path to one of site <c>A</c>'s or <c>B</c>'s
/// records, and the users allowed at their own site (A). Site B's records are refused to everyone; public routes are
/// open to all; admin routes to the administrator only.
/// </summary>
public sealed record RouteRule(string Template, string Method, string? Handler, Func<IReadOnlyDictionary<string, Guid>, string, string> Path,
    Scope Scope, params string[] Allowed)
{
    public override string ToString() => $"{Method} {Template}{(Handler is null ? "" : "?handler=" + Handler)}";
}

public enum Scope
{
    /// <summary>Open to anyone (the calculators, sign-in, errors).</summary>
    Public,

    /// <summary>Not about any site's records (administration): only <see cref="RouteRule.Allowed"/> users.</summary>
    Global,

    /// <summary>A site's record: allowed users at their own site only; site B's record refused (403/404) to all.</summary>
    Site,

    /// <summary>A list across sites (filtered by the path to site B): it may answer, but never with site B's data.</summary>
    SiteList,
}

public sealed class RouteAccessTests(RouteAccessFixture fixture) : IClassFixture<RouteAccessFixture>
{
    private const string ClinicalReaders = "investigator coordinator datamanager monitor";
    private const string ClinicalEditors = "investigator coordinator datamanager";

    private static string AssessmentPath(IReadOnlyDictionary<string, Guid> ids, string site) =>
        $"/visits/{ids[$"visit.{site}"]}/assess/sledai2k/{ids[$"assessment.{site}"]}";
    private const string AuditReaders = "investigator coordinator datamanager monitor";
    private const string DeidentifiedReaders = "investigator coordinator datamanager monitor statistician";
    private const string LotReaders = "investigator coordinator datamanager monitor qa";
    private const string SignedIn = "nobody admin investigator coordinator datamanager monitor qa statistician";

    private static string[] Who(string names) => names.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Every route of the app, each handler once. A new page or endpoint must be added here (a test checks).</summary>
    public static readonly RouteRule[] Rules =
    [
        new("", "GET", null, (_, _) => "/", Scope.Public),
        new("score/{instrument}", "GET", null, (_, _) => "/score/sledai2k", Scope.Public),
        new("score/{instrument}", "POST", null, (_, _) => "/score/sledai2k", Scope.Public),
        new("score/{instrument}", "POST", "Labs", (_, _) => "/score/sledai2k", Scope.Public),
        new("labs", "GET", null, (_, _) => "/labs", Scope.Public),
        new("labs", "POST", null, (_, _) => "/labs", Scope.Public),
        new("api/instruments", "GET", null, (_, _) => "/api/instruments", Scope.Public),
        new("api/score/{instrument}", "POST", null, (_, _) => "/api/score/pga", Scope.Public),
        new("account/sign-in", "GET", null, (_, _) => "/account/sign-in", Scope.Public),
        new("account/sign-in", "POST", null, (_, _) => "/account/sign-in", Scope.Public),
        new("account/sign-in", "POST", "SignOut", (_, _) => "/account/sign-in", Scope.Public),
        new("account/password", "GET", null, (_, _) => "/account/password", Scope.Global, Who(SignedIn)),
        new("account/password", "POST", null, (_, _) => "/account/password", Scope.Global, Who(SignedIn)),
        new("account/sign-in/code", "GET", null, (_, _) => "/account/sign-in/code", Scope.Public),
        new("account/sign-in/code", "POST", null, (_, _) => "/account/sign-in/code", Scope.Public),
        new("account/sso", "GET", null, (_, _) => "/account/sso", Scope.Public),
        new("account/sso", "GET", "Callback", (_, _) => "/account/sso", Scope.Public),
        new("account/two-factor", "GET", null, (_, _) => "/account/two-factor", Scope.Global, Who(SignedIn)),
        new("account/two-factor", "POST", "Enable", (_, _) => "/account/two-factor", Scope.Global, Who(SignedIn)),
        new("account/two-factor", "POST", "Confirm", (_, _) => "/account/two-factor", Scope.Global, Who(SignedIn)),
        new("account/two-factor", "POST", "RecoveryCodes", (_, _) => "/account/two-factor", Scope.Global, Who(SignedIn)),
        new("account/two-factor", "POST", "Reset", (_, _) => "/account/two-factor", Scope.Global, Who(SignedIn)),
        new("account/tokens", "GET", null, (_, _) => "/account/tokens", Scope.Global, Who(SignedIn)),
        new("account/tokens", "POST", "Create", (_, _) => "/account/tokens", Scope.Global, Who(SignedIn)),
        new("account/tokens", "POST", "Revoke", (_, _) => $"/account/tokens?id={Guid.Empty}", Scope.Global, Who(SignedIn)),
        new("setup", "GET", null, (_, _) => "/setup", Scope.Public),
        new("setup", "POST", null, (_, _) => "/setup", Scope.Public),
        new("language", "GET", null, (_, _) => "/language", Scope.Public),
        new("language", "POST", null, (_, _) => "/language", Scope.Public),
        new("Error", "GET", null, (_, _) => "/Error", Scope.Public),
        new("Error", "POST", null, (_, _) => "/Error", Scope.Public),
        new("status/{code:int}", "GET", null, (_, _) => "/status/404", Scope.Public),
        new("status/{code:int}", "POST", null, (_, _) => "/status/404", Scope.Public),

        new("admin/sites", "GET", null, (_, _) => "/admin/sites", Scope.Global, "admin"),
        new("admin/sites", "POST", null, (_, _) => "/admin/sites", Scope.Global, "admin"),
        new("admin/users", "GET", null, (_, _) => "/admin/users", Scope.Global, "admin"),
        new("admin/users", "POST", null, (_, _) => "/admin/users", Scope.Global, "admin"),
        new("admin/users/{id:guid}", "GET", null, (_, _) => $"/admin/users/{Guid.Empty}", Scope.Global, "admin"),
        new("admin/users/{id:guid}", "POST", "AddMembership", (_, _) => $"/admin/users/{Guid.Empty}", Scope.Global, "admin"),
        new("admin/users/{id:guid}", "POST", "EndMembership", (_, _) => $"/admin/users/{Guid.Empty}", Scope.Global, "admin"),
        new("admin/users/{id:guid}", "POST", "Disable", (_, _) => $"/admin/users/{Guid.Empty}", Scope.Global, "admin"),
        new("admin/users/{id:guid}", "POST", "Password", (_, _) => $"/admin/users/{Guid.Empty}", Scope.Global, "admin"),
        new("admin/users/{id:guid}", "POST", "ResetTwoFactor", (_, _) => $"/admin/users/{Guid.Empty}", Scope.Global, "admin"),
        new("admin/protocols/{key?}/{version:int?}", "GET", null, (_, _) => "/admin/protocols", Scope.Global, "admin"),
        new("admin/protocols/{key?}/{version:int?}", "POST", "Define", (_, _) => "/admin/protocols", Scope.Global, "admin"),
        new("admin/protocols/{key?}/{version:int?}", "POST", "Copy", (_, _) => "/admin/protocols", Scope.Global, "admin"),
        new("admin/protocols/{key?}/{version:int?}", "POST", "Approve", (_, _) => "/admin/protocols/seed_case_1/1", Scope.Global, "admin"),

        new("patients", "GET", null, (_, site) => $"/patients?site={site}", Scope.SiteList, Who(ClinicalReaders)),
        new("patients/{id:guid}", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}", Scope.Site, Who(ClinicalReaders)),

        // Enrolment: the site is chosen in the form (a site the user may not edit is refused: EnrolTests).
        new("patients/enrol", "GET", null, (_, _) => "/patients/enrol", Scope.Global, Who(ClinicalEditors)),
        new("patients/enrol", "POST", null, (_, _) => "/patients/enrol", Scope.Global, Who(ClinicalEditors)),
        new("patients/{id:guid}/visits/new", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/visits/new", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/visits/new", "POST", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/visits/new", Scope.Site, Who(ClinicalEditors)),
        new("visits/{id:guid}", "GET", null, (ids, site) => $"/visits/{ids[$"visit.{site}"]}", Scope.Site, Who(ClinicalReaders)),
        new("visits/{id:guid}", "POST", "Medication", (ids, site) => $"/visits/{ids[$"visit.{site}"]}", Scope.Site, Who(ClinicalEditors)),
        new("visits/{id:guid}", "POST", "StopMedication", (ids, site) => $"/visits/{ids[$"visit.{site}"]}", Scope.Site, Who(ClinicalEditors)),
        new("visits/{id:guid}/assess/{instrument}/{assessmentId:guid?}", "GET", null, AssessmentPath, Scope.Site, Who(ClinicalEditors)),
        new("visits/{id:guid}/assess/{instrument}/{assessmentId:guid?}", "POST", null, AssessmentPath, Scope.Site, Who(ClinicalEditors)),
        new("visits/{id:guid}/assess/{instrument}/{assessmentId:guid?}", "POST", "Labs", AssessmentPath, Scope.Site, Who(ClinicalEditors)),
        new("visits/{id:guid}/sign", "GET", null, (ids, site) => $"/visits/{ids[$"visit.{site}"]}/sign", Scope.Site, "investigator"),
        new("visits/{id:guid}/sign", "POST", null, (ids, site) => $"/visits/{ids[$"visit.{site}"]}/sign", Scope.Site, "investigator"),
        new("visits/{id:guid}/sign", "POST", "Unlock", (ids, site) => $"/visits/{ids[$"visit.{site}"]}/sign", Scope.Site, "investigator"),
        // Source data verification (issue #15): monitors of the visit's site only.
        new("visits/{id:guid}/verify", "GET", null, (ids, site) => $"/visits/{ids[$"visit.{site}"]}/verify", Scope.Site, "monitor"),
        new("visits/{id:guid}/verify", "POST", null, (ids, site) => $"/visits/{ids[$"visit.{site}"]}/verify", Scope.Site, "monitor"),
        new("patients/{id:guid}/audit", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/audit", Scope.Site, Who(AuditReaders)),
        new("admin/audit", "GET", null, (_, _) => "/admin/audit", Scope.Global, "admin"),
        new("reports", "GET", null, (_, site) => $"/reports?site={site}", Scope.Site, Who(DeidentifiedReaders)),
        new("reports", "GET", "Pdf", (_, site) => $"/reports?site={site}", Scope.Site, Who(DeidentifiedReaders)),
        new("reports", "GET", "Csv", (_, site) => $"/reports?site={site}", Scope.Site, Who(DeidentifiedReaders)),
        new("exports", "GET", null, (_, site) => $"/exports?site={site}", Scope.SiteList, Who(DeidentifiedReaders)),
        new("exports", "GET", "Download", (_, site) => $"/exports?site={site}", Scope.Site, Who(DeidentifiedReaders)),
        // Lots belong to a site (issue #16): another site's lot answers 404 like its patients; the list shows none of it.
        new("lots", "GET", null, (_, _) => "/lots", Scope.SiteList, Who(LotReaders)),
        new("lots/register", "GET", null, (_, _) => "/lots/register", Scope.Global, "qa"),
        new("lots/register", "POST", null, (_, _) => "/lots/register", Scope.Global, "qa"),
        new("lots/{id:guid}", "GET", null, (ids, site) => $"/lots/{ids[$"lot.{site}"]}", Scope.Site, Who(LotReaders)),
        new("lots/{id:guid}", "POST", "Tests", (ids, site) => $"/lots/{ids[$"lot.{site}"]}", Scope.Site, "qa"),
        new("lots/{id:guid}", "POST", "Evaluate", (ids, site) => $"/lots/{ids[$"lot.{site}"]}", Scope.Site, "qa"),
        new("lots/{id:guid}", "POST", "Release", (ids, site) => $"/lots/{ids[$"lot.{site}"]}", Scope.Site, "qa"),
        new("lots/{id:guid}", "POST", "Reject", (ids, site) => $"/lots/{ids[$"lot.{site}"]}", Scope.Site, "qa"),
        new("lots/{id:guid}", "POST", "Custody", (ids, site) => $"/lots/{ids[$"lot.{site}"]}", Scope.Site, "qa"),
        new("patients/{id:guid}/infusion", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/infusion", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/infusion", "POST", "Check", (ids, site) => $"/patients/{ids[$"patient.{site}"]}/infusion", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/infusion", "POST", "Save", (ids, site) => $"/patients/{ids[$"patient.{site}"]}/infusion", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/adverse-event", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/adverse-event", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/adverse-event", "POST", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/adverse-event", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/labs", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/labs?Panel=Complement", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/labs", "POST", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/labs?Panel=Complement", Scope.Site, Who(ClinicalEditors)),
        new("labs/import", "GET", null, (_, site) => $"/labs/import?site={site}", Scope.SiteList, Who(ClinicalEditors)),
        new("labs/import", "POST", null, (_, site) => $"/labs/import?site={site}", Scope.SiteList, Who(ClinicalEditors)),
        new("patients/{id:guid}/calendar", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/calendar", Scope.Site, Who(ClinicalReaders)),
        new("patients/{id:guid}/calendar", "POST", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/calendar", Scope.Site, Who(ClinicalEditors)),
        new("worklist", "GET", null, (_, site) => $"/worklist?site={site}", Scope.SiteList, Who(ClinicalReaders)),
        new("patients/{id:guid}/contact", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/contact", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/contact", "POST", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/contact", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/lymphodepletion", "GET", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/lymphodepletion", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/lymphodepletion", "POST", null, (ids, site) => $"/patients/{ids[$"patient.{site}"]}/lymphodepletion", Scope.Site, Who(ClinicalEditors)),
        new("patients/{id:guid}/lymphodepletion", "POST", "Correct", (ids, site) => $"/patients/{ids[$"patient.{site}"]}/lymphodepletion", Scope.Site, Who(ClinicalEditors)),
        // Queries: the page lists the user's sites' queries; who may take which step is the use case's rule (Queries),
        // shown as a refusal on the page; another site's query is 404.
        new("queries", "GET", null, (ids, site) => $"/queries?Patient={ids[$"patient.{site}"]}", Scope.SiteList, Who(ClinicalReaders)),
        new("queries", "POST", "Answer", (ids, site) => $"/queries?query={ids[$"query.{site}"]}", Scope.Site, Who(ClinicalReaders)),
        new("queries", "POST", "Close", (ids, site) => $"/queries?query={ids[$"query.{site}"]}", Scope.Site, Who(ClinicalReaders)),
        new("queries", "POST", "Reopen", (ids, site) => $"/queries?query={ids[$"query.{site}"]}", Scope.Site, Who(ClinicalReaders)),
        new("queries/new", "GET", null, (ids, site) => $"/queries/new?type=visit&id={ids[$"visit.{site}"]}", Scope.Site, Who(ClinicalReaders)),
        new("queries/new", "POST", null, (ids, site) => $"/queries/new?type=visit&id={ids[$"visit.{site}"]}", Scope.Site, Who(ClinicalReaders)),
        new("labs/import/rejects/{token:guid}", "GET", null, (_, _) => $"/labs/import/rejects/{Guid.Empty}", Scope.Global, Who(ClinicalEditors)),
        // FHIR API: the capability statement is open; reads and searches are the clinical readers' at their own sites.
        // The home page per role (issue #19): every signed-in user; each section covers only the sites of its role.
        new("home", "GET", null, (_, site) => $"/home?site={site}", Scope.SiteList, Who(SignedIn)),
        new("fhir/metadata", "GET", null, (_, _) => "/fhir/metadata", Scope.Public),
        new("fhir/{type}/{id}", "GET", null, (ids, site) => $"/fhir/Patient/{ids[$"patient.{site}"]}", Scope.Site, Who(ClinicalReaders)),
        new("fhir/{type}", "GET", null, (ids, site) => $"/fhir/Patient?_id={ids[$"patient.{site}"]}", Scope.SiteList, Who(ClinicalReaders)),
        // Lab results in: the patient named in the body decides the site (FhirWriteTests probes other sites' patients).
        new("fhir/Observation", "POST", null, (_, _) => "/fhir/Observation", Scope.Global, Who(ClinicalEditors)),
        new("fhir", "POST", null, (_, _) => "/fhir", Scope.Global, Who(ClinicalEditors)),
    ];

    public static TheoryData<string, string> RuleAndUser()
    {
        var data = new TheoryData<string, string>();
        foreach (var rule in Rules)
        {
            foreach (var user in RouteAccessFixture.Users.Keys)
            {
                data.Add(rule.ToString(), user);
            }
        }

        return data;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void EveryRouteAndHandler_IsInTheTable()
    {
        var endpoints = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var missing = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var template = endpoint.RoutePattern.RawText?.Trim('/') ?? "";
            var page = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>();
            var handlers = page is null
                ? endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Select(m => (m, (string?)null)).ToList() ?? []
                : Handlers(page.ViewEnginePath);
            foreach (var (method, handler) in handlers)
            {
                if (!Rules.Any(r => r.Template == template && r.Method == method && r.Handler == handler))
                {
                    missing.Add($"{method} {template}{(handler is null ? "" : "?handler=" + handler)}");
                }
            }
        }

        missing.ShouldBeEmpty($"Add these routes to RouteAccessTests.Rules with who may use them: {string.Join(", ", missing)}");
        Rules.Length.ShouldBeGreaterThan(20);
    }

    [Theory]
    [MemberData(nameof(RuleAndUser))]
    public async Task Route_OtherSitesRecord_RefusedToEveryone_OwnSiteAsThePolicySays(string ruleName, string user)
    {
        var rule = Rules.Single(r => r.ToString() == ruleName);
        var client = fixture.Client(user);
        var auditBefore = await AuditCountAsync();

        if (rule.Scope == Scope.Public)
        {
            // A fresh anonymous client: public routes include signing out, which would end the shared sessions.
            using var anonymous = fixture.Factory.Client();
            using var open = await SendAsync(anonymous, rule, "A");
            ((int)open.StatusCode).ShouldBeLessThan(500, $"{rule}");
            return;
        }

        if (rule.Scope is Scope.Site or Scope.SiteList)
        {
            using var other = await SendAsync(client, rule, "B");
            if (rule.Scope == Scope.Site || !rule.Allowed.Contains(user))
            {
                ShouldBeRefused(other, rule, user, "B");
            }

            (await other.Content.ReadAsStringAsync(Ct)).ShouldNotContain("B-SECRET", Case.Sensitive, $"{rule} as {user} showed site B's data");
            (await AuditCountAsync()).ShouldBe(auditBefore, $"{rule} as {user} changed site B's records");
        }

        using var own = await SendAsync(client, rule, "A");
        (await own.Content.ReadAsStringAsync(Ct)).ShouldNotContain("B-SECRET", Case.Sensitive, $"{rule} as {user} at their own site showed site B's data");
        if (rule.Allowed.Contains(user))
        {
            if (rule.Method == "GET")
            {
                // A global route given no real record (Guid.Empty) answers 404; one given a seeded record (a lot) answers 200.
                own.StatusCode.ShouldBe(rule.Path(fixture.Ids, "A").Contains(Guid.Empty.ToString(), StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK,
                    $"{rule} as {user} at their own site");
            }
        }
        else
        {
            ShouldBeRefused(own, rule, user, "A");
            (await AuditCountAsync()).ShouldBe(auditBefore, $"{rule} as {user} changed records it may not");
        }
    }

    private static void ShouldBeRefused(HttpResponseMessage response, RouteRule rule, string user, string site)
    {
        var status = (int)response.StatusCode;
        var toSignIn = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/sign-in", StringComparison.Ordinal) == true;
        (status is 401 or 403 or 404 || toSignIn).ShouldBeTrue($"{rule} as {user} at site {site}: {status} {response.Headers.Location}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, RouteRule rule, string site)
    {
        var path = rule.Path(fixture.Ids, site);
        if (rule.Handler is not null)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=" + rule.Handler;
        }

        if (rule.Method == "GET")
        {
            return await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        }

        // A real antiforgery token for this client (tokens are per user, not per form), so refusal is about access.
        var token = Html.Token(await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct));
        using var content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
        return await client.PostAsync(new Uri(path, UriKind.Relative), content, Ct);
    }

    private async Task<int> AuditCountAsync()
    {
        await using var scope = fixture.Factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().AuditEntries.CountAsync(Ct);
    }

    /// <summary>The handlers of a page, by our convention Features/{Folder}/{Page} → Stroma.Web.Features.{Folder}.{Page}Model.</summary>
    private static List<(string Method, string? Handler)> Handlers(string viewEnginePath)
    {
        var parts = viewEnginePath.Trim('/').Split('/');
        var typeName = $"Stroma.Web.Features.{string.Join('.', parts[..^1])}.{parts[^1]}Model";
        var type = typeof(Program).Assembly.GetType(typeName)
            ?? throw new InvalidOperationException($"Page {viewEnginePath} has no model {typeName} (convention: Features/Folder/Page → Folder.PageModel).");
        return [.. type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^5] : m.Name)
            .Where(n => n.StartsWith("OnGet", StringComparison.Ordinal) || n.StartsWith("OnPost", StringComparison.Ordinal))
            .Select(n => n.StartsWith("OnGet", StringComparison.Ordinal) ? ("GET", n[5..]) : ("POST", n[6..]))
            .Select(x => (x.Item1, x.Item2.Length == 0 ? null : x.Item2))
            .Distinct()];
    }
}
