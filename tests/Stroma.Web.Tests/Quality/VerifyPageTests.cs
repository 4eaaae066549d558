// Source: issue #15 "Source data verification: a monitor marks fields or whole visits as verified; a later change
// un-verifies them" and docs/web.md, "Source data verification".
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Quality;

public sealed class VerifyPageTests : IAsyncLifetime
{
    private readonly WebFactory factory = new();
    private Guid patient;
    private Guid visit;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var siteId = Guid.CreateVersion7();
            var otherSite = Guid.CreateVersion7();
            patient = Guid.CreateVersion7();
            visit = Guid.CreateVersion7();
            db.Sites.AddRange(new Site { Id = siteId, Code = "Q", Name = "Site Q" }, new Site { Id = otherSite, Code = "R", Name = "Site R" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = "Q-001", Sex = Sex.Female, BirthYear = 1985 });
            db.Visits.Add(new Visit { Id = visit, PatientId = patient, VisitDate = new DateOnly(2025, 3, 5), Kind = VisitKind.Scheduled, Type = "month_3" });
            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("monitor", false, ("Q", SiteRole.Monitor));
        await factory.AddUserAsync("coord", false, ("Q", SiteRole.Coordinator));
        await factory.AddUserAsync("monitor.r", false, ("R", SiteRole.Monitor));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private static Task<HttpResponseMessage> VerifyAsync(HttpClient client, Guid visit, string password, string field = "", bool confirm = true) =>
        Html.PostFormAsync(client, $"/visits/{visit}/verify", ("Field", field), ("Confirm", confirm ? "true" : "false"), ("Password", password));

    [Fact]
    public async Task Verify_MonitorWithPassword_MarkedShownAndCountedALaterChangeClearsIt()
    {
        using var monitor = await factory.SignedInAsync("monitor");
        using var coord = await factory.SignedInAsync("coord");
        using var otherMonitor = await factory.SignedInAsync("monitor.r");

        using var wrongPassword = await VerifyAsync(monitor, visit, "Wrong-Password-1");
        using var unconfirmed = await VerifyAsync(monitor, visit, WebFactory.TestPassword, confirm: false);
        using var byCoordinator = await coord.GetAsync(new Uri($"/visits/{visit}/verify", UriKind.Relative), Ct);
        using var acrossSites = await otherMonitor.GetAsync(new Uri($"/visits/{visit}/verify", UriKind.Relative), Ct);
        using var marked = await VerifyAsync(monitor, visit, WebFactory.TestPassword);
        var details = await coord.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct);
        var timeline = await coord.GetStringAsync(new Uri($"/patients/{patient}", UriKind.Relative), Ct);
        var queries = await monitor.GetStringAsync(new Uri("/queries", UriKind.Relative), Ct);

        (await wrongPassword.Content.ReadAsStringAsync(Ct)).ShouldContain("The password is not right: nothing was marked.");
        (await unconfirmed.Content.ReadAsStringAsync(Ct)).ShouldContain("Confirm that you compared the data with the source documents.");
        byCoordinator.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        acrossSites.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        marked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        details.ShouldContain("<ul id=\"sdv-status\" data-verified=\"true\">");
        details.ShouldContain("Verified by monitor (monitor) at");
        timeline.ShouldContain("data-sdv=\"verified\"");
        queries.ShouldContain("data-site=\"Q\" data-verified=\"1\" data-visits=\"1\"");
        queries.ShouldNotContain("data-site=\"R\"");

        using var changed = await Html.PostFormAsync(coord, $"/visits/{visit}/assess/pga", ("pga", "1.5"));
        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var after = await coord.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct);
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var mark = await db.SdvMarks.AsNoTracking().SingleAsync(Ct);
        (mark.VerifiedBy, mark.Field, mark.ClearedBy).ShouldBe(("monitor", (string?)null, "coord"));
        mark.ClearedReason.ShouldBe("source data changed after verification: an assessment added");
        after.ShouldContain("<p id=\"sdv-status\" data-verified=\"false\">");
    }
}
