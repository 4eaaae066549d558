// Source: issue #15 "Checks run when data is saved (web, CLI, import: a soft check warns and opens a query; a hard check
// refuses)" and docs/data-quality.md "Save-time checks", on the web's new-visit form. The two visit checks are test-only
// study-declared examples (not clinical rules) added to docs/examples/protocol-checks.json.
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Quality;

public sealed class SaveCheckPageTests : IAsyncLifetime
{
    private const string Key = "visit_checks";
    private readonly WebFactory factory = new();
    private Guid patient;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Check(string key, string severity, string field, string when) => new()
    {
        ["key"] = key,
        ["kind"] = "cross_field",
        ["scope"] = "visit",
        ["severity"] = severity,
        ["field"] = field,
        ["when"] = when,
        ["message"] = new JsonObject { ["en"] = $"Study-declared check {key}.", ["zh-CN"] = $"研究定义的核查 {key}。" },
    };

    public async ValueTask InitializeAsync()
    {
        var protocol = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "examples", "protocol-checks.json"), Ct))!.AsObject();
        protocol["key"] = Key;
        protocol["checks"] = new JsonArray(
            Check("visit_type_unplanned", "soft", "visit.type", "visit.type = 'unplanned'"),
            Check("visit_before_enrolment", "hard", "visit.date", "visit.date < enrolment.start_date"));
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var defined = await ProtocolVersions.DefineAsync(db, protocol.ToJsonString(), null, Ct);
            defined.Succeeded.ShouldBeTrue(string.Join("; ", defined.Issues));
            (await ProtocolVersions.ApproveAsync(db, Key, 1, "approved", Ct)).Succeeded.ShouldBeTrue();
            var siteId = Guid.CreateVersion7();
            patient = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "V", Name = "Site V" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = "V-001", Sex = Sex.Female, BirthYear = 1985, ConsentDate = new DateOnly(2024, 1, 1) });
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
            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("coord", false, ("V", SiteRole.Coordinator));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task NewVisit_HardCheck_FieldErrorNothingSaved_SoftCheck_SavedWarnedAndQueryOpened()
    {
        using var client = await factory.SignedInAsync("coord");

        using var hard = await Html.PostFormAsync(client, $"/patients/{patient}/visits/new", ("VisitDate", "2024-02-01"), ("Kind", "Scheduled"), ("Type", "baseline"));
        var hardHtml = WebUtility.HtmlDecode(await hard.Content.ReadAsStringAsync(Ct));
        using var soft = await Html.PostFormAsync(client, $"/patients/{patient}/visits/new", ("VisitDate", "2024-04-02"), ("Kind", "Unscheduled"), ("Type", "unplanned"));

        hard.StatusCode.ShouldBe(HttpStatusCode.OK);
        hardHtml.ShouldContain("QLT005 [visit.date]: Study-declared check visit_before_enrolment.");
        hardHtml.ShouldMatch("(?s)id=\"VisitDate\".*QLT005"); // on the date field, after its input
        soft.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var visit = await db.Visits.AsNoTracking().SingleAsync(v => v.PatientId == patient, Ct);
        visit.Type.ShouldBe("unplanned");
        var query = await db.Queries.AsNoTracking().SingleAsync(Ct);
        (query.CheckKey, query.RecordId, query.VisitId, query.Field, query.Status).ShouldBe(("visit_type_unplanned", visit.Id, visit.Id, "visit.type", QueryStatus.Open));
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(soft.Headers.Location, Ct));
        page.ShouldContain("id=\"check-warnings\"");
        page.ShouldContain("QLT004 [visit.type]: Study-declared check visit_type_unplanned.");
        // The query shows the check's message in the reader's language, from the protocol version that declared it.
        using var chinese = await factory.SignedInAsync("coord", "zh-CN");
        WebUtility.HtmlDecode(await chinese.GetStringAsync(new Uri($"/queries?Patient={patient}", UriKind.Relative), Ct)).ShouldContain(": 研究定义的核查 visit_type_unplanned。");
        WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/queries?Patient={patient}", UriKind.Relative), Ct)).ShouldContain(": Study-declared check visit_type_unplanned.");
    }

    [Fact]
    public async Task NewVisit_ChinesePage_HardAndSoftFindingsInTheChineseMessageTheProtocolDeclares()
    {
        using var chinese = await factory.SignedInAsync("coord", "zh-CN");

        using var hard = await Html.PostFormAsync(chinese, $"/patients/{patient}/visits/new", ("VisitDate", "2024-02-01"), ("Kind", "Scheduled"), ("Type", "baseline"));
        var hardHtml = WebUtility.HtmlDecode(await hard.Content.ReadAsStringAsync(Ct));
        using var soft = await Html.PostFormAsync(chinese, $"/patients/{patient}/visits/new", ("VisitDate", "2024-04-03"), ("Kind", "Unscheduled"), ("Type", "unplanned"));

        hard.StatusCode.ShouldBe(HttpStatusCode.OK);
        hardHtml.ShouldContain("QLT005 [visit.date]: 研究定义的核查 visit_before_enrolment。");
        hardHtml.ShouldNotContain("Study-declared check visit_before_enrolment.");
        soft.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = WebUtility.HtmlDecode(await chinese.GetStringAsync(soft.Headers.Location, Ct));
        page.ShouldContain("QLT004 [visit.type]: 研究定义的核查 visit_type_unplanned。");
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        (await db.Queries.AsNoTracking().SingleAsync(Ct)).Text.ShouldBe("Study-declared check visit_type_unplanned.");
    }
}
