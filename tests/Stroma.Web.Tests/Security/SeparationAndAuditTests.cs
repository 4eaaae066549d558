// Source: issue #16 "Sessions and accounts" (separation of duties) and "Exports and audit" (reads and exports audited);
// 21 CFR 11.10(e), 11.300(b); docs/security.md.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Security;

public sealed class SeparationAndAuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(Guid Site, Guid Patient)> SiteWithPatientAsync(WebFactory factory)
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var site = new Site { Id = Guid.CreateVersion7(), Code = "A", Name = "A" };
        db.Sites.Add(site);
        await db.SaveChangesAsync(Ct);
        var patient = new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "A-001", Sex = Sex.Female, BirthYear = 1980 };
        db.Patients.Add(patient);
        await db.SaveChangesAsync(Ct);
        return (site.Id, patient.Id);
    }

    private static async Task<List<AuditEntry>> AccessEntriesAsync(WebFactory factory)
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().AuditEntries
            .Where(e => e.Entity == AuditTrail.AccessEntity).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    [Fact]
    public async Task Administrator_GrantsThemselfARole_RefusedAndAudited_AnotherAdministratorMay()
    {
        await using var factory = new WebFactory();
        var (site, _) = await SiteWithPatientAsync(factory);
        var admin = await factory.AddUserAsync("admin", administrator: true);
        await factory.AddUserAsync("second", administrator: true);
        using var client = await factory.SignedInAsync("admin");

        using var self = await Html.PostFormAsync(client, $"/admin/users/{admin.Id}", $"/admin/users/{admin.Id}?handler=AddMembership",
            ("SiteId", site.ToString()), ("Role", nameof(SiteRole.Investigator)));

        self.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await self.Content.ReadAsStringAsync(Ct)).ShouldContain("You cannot give yourself a role at a site");
        var refused = (await AccessEntriesAsync(factory)).ShouldHaveSingleItem();
        (refused.Action, refused.UserName, refused.EntityKey).ShouldBe(("refused", "admin", admin.Id.ToString()));
        await using (var scope = factory.Scope())
        {
            (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Memberships.AnyAsync(m => m.UserId == admin.Id, Ct)).ShouldBeFalse();
        }

        using var second = await factory.SignedInAsync("second");
        using var granted = await Html.PostFormAsync(second, $"/admin/users/{admin.Id}", $"/admin/users/{admin.Id}?handler=AddMembership",
            ("SiteId", site.ToString()), ("Role", nameof(SiteRole.Investigator)));
        granted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task MembershipEnded_UsersOpenSessionEnds()
    {
        await using var factory = new WebFactory();
        await SiteWithPatientAsync(factory);
        await factory.AddUserAsync("admin", administrator: true);
        var user = await factory.AddUserAsync("inv", false, ("A", SiteRole.Investigator));
        using var session = await factory.SignedInAsync("inv");
        using var admin = await factory.SignedInAsync("admin");
        (await session.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        Guid membership;
        await using (var scope = factory.Scope())
        {
            membership = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Memberships.Where(m => m.UserId == user.Id).Select(m => m.Id).SingleAsync(Ct);
        }

        using var ended = await Html.PostFormAsync(admin, $"/admin/users/{user.Id}", $"/admin/users/{user.Id}?handler=EndMembership&membershipId={membership}");
        ended.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var afterwards = await session.GetAsync(new Uri("/patients", UriKind.Relative), Ct);
        afterwards.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        afterwards.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
    }

    [Fact]
    public async Task PatientPageAndExport_Read_AuditedWithWhoAndWhat_ShownToTheAdministrator()
    {
        await using var factory = new WebFactory();
        var (_, patient) = await SiteWithPatientAsync(factory);
        await factory.AddUserAsync("admin", administrator: true);
        await factory.AddUserAsync("inv", false, ("A", SiteRole.Investigator));
        using var inv = await factory.SignedInAsync("inv");

        (await inv.GetAsync(new Uri($"/patients/{patient}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await inv.GetAsync(new Uri($"/patients/{Guid.NewGuid()}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var export = await inv.GetAsync(new Uri("/exports?handler=Download&site=A", UriKind.Relative), Ct);
        export.StatusCode.ShouldBe(HttpStatusCode.OK);

        var entries = await AccessEntriesAsync(factory);
        entries.Count.ShouldBe(2);
        (entries[0].Action, entries[0].UserName, entries[0].EntityKey).ShouldBe(("read", "inv", patient.ToString()));
        entries[0].NewValue!.ShouldContain($"/patients/{patient}");
        (entries[1].Action, entries[1].UserName, entries[1].EntityKey).ShouldBe(("export", "inv", "csv-export"));
        entries[1].NewValue!.ShouldContain("\"deidentified\":true");
        await using (var scope = factory.Scope())
        {
            (await AuditChain.VerifyAsync(scope.ServiceProvider.GetRequiredService<StromaDbContext>(), Ct)).IsIntact.ShouldBeTrue();
        }

        using var admin = await factory.SignedInAsync("admin");
        var page = await admin.GetStringAsync(new Uri("/admin/audit?entity=Access", UriKind.Relative), Ct);
        page.ShouldContain(patient.ToString());
        page.ShouldContain("csv-export");
    }
}
