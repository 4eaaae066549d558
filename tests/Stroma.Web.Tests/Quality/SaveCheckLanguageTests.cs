// Source: issue #15 "Checks run when data is saved (web ...)": a zh-CN user gets the protocol's Chinese message on every
// form that runs save-time checks (docs/data-quality.md "Save-time checks": the refusal and the warning in the page's
// language). SaveCheckPageTests covers the new-visit form; this covers the lab entry and adverse event forms. The checks
// are test-only study-declared examples (their limits are this test's choice, not clinical rules).
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Quality;

public sealed class SaveCheckLanguageTests : IAsyncLifetime
{
    private const string Key = "language_checks";
    private readonly WebFactory factory = new();
    private Guid patient;
    private Guid visit;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Check(string key, string kind, string scope, string severity, string field, string? when = null, decimal? max = null)
    {
        var check = new JsonObject
        {
            ["key"] = key,
            ["kind"] = kind,
            ["scope"] = scope,
            ["severity"] = severity,
            ["field"] = field,
            ["message"] = new JsonObject { ["en"] = $"Study-declared check {key}.", ["zh-CN"] = $"研究定义的核查 {key}。" },
        };
        if (when is not null)
        {
            check["when"] = when;
        }

        if (max is not null)
        {
            check["max"] = max;
        }

        return check;
    }

    public async ValueTask InitializeAsync()
    {
        var protocol = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "examples", "protocol-checks.json"), Ct))!.AsObject();
        protocol["key"] = Key;
        protocol["checks"] = new JsonArray(
            Check("creatinine_high", "range", "visit", "soft", "lab.creatinine", max: 500m),
            Check("creatinine_implausible", "range", "visit", "hard", "lab.creatinine", max: 3000m),
            Check("ae_before_enrolment", "cross_field", "adverse_event", "soft", "ae.onset", "ae.onset < enrolment.start_date"),
            Check("ae_before_consent", "cross_field", "adverse_event", "hard", "ae.onset", "ae.onset < enrolment.consent_date"));
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var defined = await ProtocolVersions.DefineAsync(db, protocol.ToJsonString(), null, Ct);
            defined.Succeeded.ShouldBeTrue(string.Join("; ", defined.Issues));
            (await ProtocolVersions.ApproveAsync(db, Key, 1, "approved", Ct)).Succeeded.ShouldBeTrue();
            var siteId = Guid.CreateVersion7();
            patient = Guid.CreateVersion7();
            visit = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "L", Name = "Site L" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = "L-001", Sex = Sex.Female, BirthYear = 1985, ConsentDate = new DateOnly(2024, 1, 1) });
            db.ProtocolEnrolments.Add(new ProtocolEnrolment
            {
                Id = Guid.CreateVersion7(),
                PatientId = patient,
                ProtocolKey = Key,
                ProtocolVersion = "1",
                StartDate = new DateOnly(2024, 3, 1),
                ConsentSignedOn = new DateOnly(2024, 1, 1),
                ConsentProtocolVersion = "1",
            });
            db.Visits.Add(new Visit { Id = visit, PatientId = patient, VisitDate = new DateOnly(2024, 4, 1), Kind = VisitKind.Scheduled, Type = "month_1" });
            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("coord", false, ("L", SiteRole.Coordinator));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private Task<HttpResponseMessage> CreatinineAsync(HttpClient client, string value, string time) =>
        Html.PostFormAsync(client, $"/patients/{patient}/labs?Panel=Kidney", ("SpecimenTime", time), ("Offset", "+08:00"),
            ("VisitId", visit.ToString()), ("v.creatinine", value), ("u.creatinine", "umol/L"));

    [Fact]
    public async Task LabEntry_ChinesePage_HardAndSoftFindingsInTheChineseMessageTheProtocolDeclares()
    {
        using var chinese = await factory.SignedInAsync("coord", "zh-CN");

        using var hard = await CreatinineAsync(chinese, "5000", "2024-04-01T08:00");
        var hardHtml = WebUtility.HtmlDecode(await hard.Content.ReadAsStringAsync(Ct));
        using var soft = await CreatinineAsync(chinese, "600", "2024-04-01T09:00");
        var softHtml = WebUtility.HtmlDecode(await soft.Content.ReadAsStringAsync(Ct));

        hard.StatusCode.ShouldBe(HttpStatusCode.OK);
        hardHtml.ShouldContain("研究定义的核查 creatinine_implausible。");
        hardHtml.ShouldNotContain("Study-declared check creatinine_implausible.");
        soft.StatusCode.ShouldBe(HttpStatusCode.OK);
        softHtml.ShouldContain("研究定义的核查 creatinine_high。");
        softHtml.ShouldNotContain("Study-declared check creatinine_high.");
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        (await db.LabResults.AsNoTracking().SingleAsync(Ct)).ReportedValue.ShouldBe("600");
        (await db.Queries.AsNoTracking().SingleAsync(Ct)).Text.ShouldBe("Study-declared check creatinine_high.");
    }

    [Fact]
    public async Task AdverseEvent_ChinesePage_HardAndSoftFindingsInTheChineseMessageTheProtocolDeclares()
    {
        using var chinese = await factory.SignedInAsync("coord", "zh-CN");
        var page = $"/patients/{patient}/adverse-event";

        using var hard = await Html.PostFormAsync(chinese, page, ("Term", "headache"), ("Onset", "2023-12-01"), ("Grade", "1"), ("Relatedness", "Unlikely"),
            ("Outcome", "Recovered"), ("LateReason", "entered from the paper record"));
        var hardHtml = WebUtility.HtmlDecode(await hard.Content.ReadAsStringAsync(Ct));
        using var soft = await Html.PostFormAsync(chinese, page, ("Term", "headache"), ("Onset", "2024-02-01"), ("Grade", "1"), ("Relatedness", "Unlikely"),
            ("Outcome", "Recovered"), ("LateReason", "entered from the paper record"));

        hard.StatusCode.ShouldBe(HttpStatusCode.OK);
        hardHtml.ShouldContain("研究定义的核查 ae_before_consent。");
        hardHtml.ShouldNotContain("Study-declared check ae_before_consent.");
        soft.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var softHtml = WebUtility.HtmlDecode(await chinese.GetStringAsync(soft.Headers.Location, Ct));
        softHtml.ShouldContain("研究定义的核查 ae_before_enrolment。");
        softHtml.ShouldNotContain("Study-declared check ae_before_enrolment.");
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        (await db.AdverseEvents.AsNoTracking().CountAsync(Ct)).ShouldBe(1);
        (await db.Queries.AsNoTracking().SingleAsync(Ct)).Text.ShouldBe("Study-declared check ae_before_enrolment.");
    }
}
