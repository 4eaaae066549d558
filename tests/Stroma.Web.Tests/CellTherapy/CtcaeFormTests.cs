// Source: issue #19 "A clinician's screens": "Adverse events are coded: a CTCAE v5.0 term pick list (with its MedDRA
// code, which CTCAE publishes), grade limited to the grades the term allows"; CTCAE v5.0 (NCI, 2017): febrile
// neutropenia, MedDRA 10016288, grades 3 to 5 only (data/ctcae/README.md).
using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.CellTherapy;

public sealed class CtcaeFormTests : IAsyncLifetime
{
    private readonly WebFactory factory = new();
    private Guid patient;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var siteId = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "A", Name = "Site A" });
            patient = Guid.CreateVersion7();
            db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = "A-001", Sex = Sex.Female, BirthYear = 1980 });
            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private string Path => $"/patients/{patient}/adverse-event";

    private Task<HttpResponseMessage> PostAsync(HttpClient client, string term, string grade) => Html.PostFormAsync(client, Path, Path,
        ("Term", term), ("Onset", "2024-05-01"), ("LateReason", "transcribed from the paper record"), ("Grade", grade), ("Relatedness", "NotRelated"),
        ("Outcome", "Recovered"), ("Resolved", "2024-05-06"));

    [Fact]
    public async Task AdverseEventForm_OffersEveryCtcaeTermWithCodeAndGrades()
    {
        using var client = await factory.SignedInAsync("coord");

        var page = await new HtmlParser().ParseDocumentAsync(await client.GetStringAsync(new Uri(Path, UriKind.Relative), Ct), Ct);

        page.QuerySelector("#Term")!.GetAttribute("list").ShouldBe("ctcae-terms");
        page.QuerySelectorAll("#ctcae-terms option").Length.ShouldBe(837);
        var febrile = page.QuerySelector("#ctcae-terms option[value='Febrile neutropenia']")!;
        (febrile.GetAttribute("data-code"), febrile.GetAttribute("data-soc"), febrile.GetAttribute("data-grades"))
            .ShouldBe(("10016288", "Blood and lymphatic system disorders", "345"));
    }

    [Fact]
    public async Task Post_CtcaeTermWithAGradeItDoesNotDefine_RefusedOnTheGradeAndKept_DefinedGradeSaved()
    {
        using var client = await factory.SignedInAsync("coord");
        using var chinese = await factory.SignedInAsync("coord", "zh-CN");

        using var refused = await PostAsync(client, "febrile neutropenia", "2");
        using var refusedChinese = await PostAsync(chinese, "Febrile neutropenia", "1");
        var page = await new HtmlParser().ParseDocumentAsync(await refused.Content.ReadAsStringAsync(Ct), Ct);
        var chinesePage = await new HtmlParser().ParseDocumentAsync(await refusedChinese.Content.ReadAsStringAsync(Ct), Ct);
        await using (var scope = factory.Scope())
        {
            (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().AdverseEvents.CountAsync(Ct)).ShouldBe(0);
        }

        using var saved = await PostAsync(client, "Febrile neutropenia", "3");

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.QuerySelector("#Grade-error")!.TextContent.ShouldBe("Febrile neutropenia (CTCAE v5.0, MedDRA 10016288) has no grade 2: its grades are 3, 4, 5.");
        page.QuerySelector("#Term")!.GetAttribute("value").ShouldBe("febrile neutropenia");
        page.QuerySelector("#Term-ctcae")!.TextContent.ShouldBe("CTCAE v5.0 · MedDRA 10016288 · Blood and lymphatic system disorders");
        page.QuerySelectorAll("#Grade option[disabled]").Select(o => o.GetAttribute("value")).ShouldBe(["1", "2"]);
        chinesePage.QuerySelector("#Grade-error")!.TextContent.ShouldBe("Febrile neutropenia（CTCAE v5.0，MedDRA 10016288）没有 1 级，其分级为 3, 4, 5 级。");
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await using (var scope = factory.Scope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().AdverseEvents.SingleAsync(Ct);
            (stored.Term, stored.CtcaeGrade).ShouldBe(("Febrile neutropenia", (int?)3));
        }
    }
}
