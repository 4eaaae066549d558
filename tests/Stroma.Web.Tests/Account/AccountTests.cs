// Source: issue #8 "Accounts, roles, sites" (ASP.NET Core Identity, no default password, first start creates the
// administrator, lockout, password rules, per-user language) and docs/web.md.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Stroma.Web.Hosting;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Account;

public sealed class AccountTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> SetupAsync(HttpClient client, string code, string password, string confirm) =>
        await Html.PostFormAsync(client, "/setup", ("Code", code), ("UserName", "admin"), ("DisplayName", "Ada Admin"),
            ("Password", password), ("ConfirmPassword", confirm));

    [Fact]
    public async Task FirstStart_SignInLeadsToSetup_WrongCodeRefused_RightCodeCreatesTheAdministrator()
    {
        await using var factory = new WebFactory();
        using var client = factory.Client();

        using var signIn = await client.GetAsync(new Uri("/account/sign-in", UriKind.Relative), Ct);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.Location!.OriginalString.ShouldBe("/setup");

        using var wrong = await SetupAsync(client, "WRONGCODE123", WebFactory.TestPassword, WebFactory.TestPassword);
        (await wrong.Content.ReadAsStringAsync(Ct)).ShouldContain("The setup code is not correct");

        var code = factory.Services.GetRequiredService<FirstRun>().SetupCode;
        using var created = await SetupAsync(client, code.ToLowerInvariant(), WebFactory.TestPassword, WebFactory.TestPassword);
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        created.Headers.Location!.OriginalString.ShouldBe("/admin/sites");

        // Signed in as the new administrator, who manages sites but sees no patient without a membership.
        (await client.GetStringAsync(new Uri("/admin/sites", UriKind.Relative), Ct)).ShouldContain("<h1>Sites</h1>");
        using var patients = await client.GetAsync(new Uri("/patients", UriKind.Relative), Ct);
        patients.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The setup page is closed for good.
        using var again = await factory.Client().GetAsync(new Uri("/setup", UriKind.Relative), Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Setup_WeakOrMismatchedPassword_IdentityRulesExplained()
    {
        await using var factory = new WebFactory();
        using var client = factory.Client();
        var code = factory.Services.GetRequiredService<FirstRun>().SetupCode;

        using var weak = await SetupAsync(client, code, "short", "short");
        var html = await weak.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("Passwords need at least 10 characters.");
        html.ShouldContain("Passwords need at least one digit.");
        html.ShouldContain("Passwords need at least one upper-case letter.");

        using var mismatch = await SetupAsync(client, code, WebFactory.TestPassword, WebFactory.TestPassword + "x");
        (await mismatch.Content.ReadAsStringAsync(Ct)).ShouldContain("The two passwords are not the same.");
        factory.Services.GetRequiredService<FirstRun>().HasAccounts.ShouldBeFalse();
    }

    [Fact]
    public async Task AdminFromTheCommandLine_CreatedAtStart_NoSetupNeeded()
    {
        Environment.SetEnvironmentVariable("STROMA_ADMIN_PASSWORD", WebFactory.TestPassword);
        await using var factory = new WebFactory().WithWebHostBuilder(b => b.UseSetting("admin", "root"));
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", "root"), ("Password", WebFactory.TestPassword));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetStringAsync(new Uri("/admin/users", UriKind.Relative), Ct)).ShouldContain(">root</a>");
    }

    [Fact]
    public async Task SignIn_FiveFailures_LockTheAccount_EvenTheRightPassword_MessageInChinese()
    {
        await using var factory = new WebFactory();
        await factory.AddUserAsync("lockme");
        using var client = factory.Client("zh-CN");
        for (var i = 0; i < StromaWebHost.MaxFailedSignIns; i++)
        {
            using var _ = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", "lockme"), ("Password", "wrong"));
        }

        using var response = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", "lockme"), ("Password", WebFactory.TestPassword));

        // The same message as a wrong password: whether the account exists or is locked is not revealed.
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("用户名或密码不正确。多次失败后，将暂时拒绝登录。");
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).ShouldNotContain(c => c.StartsWith("stroma.auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Administrator_AddsSiteUserAndRole_TheUserSeesOnlyThatSite()
    {
        await using var factory = new WebFactory();
        await factory.AddUserAsync("admin", administrator: true);
        using var admin = await factory.SignedInAsync("admin");

        using var site = await Html.PostFormAsync(admin, "/admin/sites", ("Code", "nj-dt"), ("Name", "Nanjing Drum Tower"), ("Country", "cn"));
        site.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var duplicate = await Html.PostFormAsync(admin, "/admin/sites", ("Code", "NJ-DT"), ("Name", "Again"), ("Country", ""));
        (await duplicate.Content.ReadAsStringAsync(Ct)).ShouldContain("A site with code NJ-DT already exists.");

        using var user = await Html.PostFormAsync(admin, "/admin/users", ("UserName", "coord.nj"), ("DisplayName", "Coordinator NJ"),
            ("Password", WebFactory.TestPassword), ("IsAdministrator", "false"));
        user.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var userPage = user.Headers.Location!.OriginalString;
        Guid siteId;
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            siteId = await db.Sites.Where(s => s.Code == "NJ-DT").Select(s => s.Id).SingleAsync(Ct);
            db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "OTHER", Name = "Other" });
            db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = siteId, StudyId = "NJ-001", Sex = Sex.Female, BirthYear = 1980 });
            await db.SaveChangesAsync(Ct);
            var other = await db.Sites.Where(s => s.Code == "OTHER").Select(s => s.Id).SingleAsync(Ct);
            db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = other, StudyId = "OT-001", Sex = Sex.Female, BirthYear = 1981 });
            await db.SaveChangesAsync(Ct);
        }

        using var role = await Html.PostFormAsync(admin, userPage, userPage + "?handler=AddMembership",
            ("SiteId", siteId.ToString()), ("Role", nameof(SiteRole.Coordinator)));
        role.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.GetStringAsync(new Uri(userPage, UriKind.Relative), Ct)).ShouldContain("<td>NJ-DT</td><td>Coordinator</td>");

        using var coordinator = await factory.SignedInAsync("coord.nj");
        // The administrator chose the password: nothing opens until the user chose their own.
        using (var blocked = await coordinator.GetAsync(new Uri("/patients", UriKind.Relative), Ct))
        {
            blocked.Headers.Location!.OriginalString.ShouldBe("/account/password");
        }

        using (var changed = await Html.PostFormAsync(coordinator, "/account/password", ("CurrentPassword", WebFactory.TestPassword),
            ("NewPassword", "Own-Choice-Horse-9"), ("ConfirmPassword", "Own-Choice-Horse-9")))
        {
            changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        var list = await coordinator.GetStringAsync(new Uri("/patients", UriKind.Relative), Ct);
        list.ShouldContain("NJ-001");
        list.ShouldNotContain("OT-001");
        var filtered = await coordinator.GetStringAsync(new Uri("/patients?site=OTHER", UriKind.Relative), Ct);
        filtered.ShouldNotContain("OT-001");
        using var adminPage = await coordinator.GetAsync(new Uri("/admin/users", UriKind.Relative), Ct);
        adminPage.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DisabledAccount_CannotSignIn_AndAnOpenSessionLosesAccessAtOnce()
    {
        await using var factory = new WebFactory();
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "A", Name = "A" });
            await db.SaveChangesAsync(Ct);
        }

        var admin = await factory.AddUserAsync("admin", administrator: true);
        var user = await factory.AddUserAsync("inv.a", false, ("A", SiteRole.Investigator));
        using var session = await factory.SignedInAsync("inv.a");
        using var adminClient = await factory.SignedInAsync("admin");
        (await session.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var self = await Html.PostFormAsync(adminClient, $"/admin/users/{admin.Id}", $"/admin/users/{admin.Id}?handler=Disable", ("disable", "true"));
        (await self.Content.ReadAsStringAsync(Ct)).ShouldContain("You cannot disable your own account.");
        using var disabled = await Html.PostFormAsync(adminClient, $"/admin/users/{user.Id}", $"/admin/users/{user.Id}?handler=Disable", ("disable", "true"));
        disabled.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var afterwards = await session.GetAsync(new Uri("/patients", UriKind.Relative), Ct);
        afterwards.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        afterwards.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
        using var again = await Html.PostFormAsync(factory.Client(), "/account/sign-in", ("UserName", "inv.a"), ("Password", WebFactory.TestPassword));
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AuditTrail_RecordsAccountChanges_NeverThePasswordHash()
    {
        await using var factory = new WebFactory();
        var user = await factory.AddUserAsync("audited");

        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var entries = await db.AuditEntries.Where(e => e.Entity == nameof(User) && e.EntityKey == user.Id.ToString()).ToListAsync(Ct);
        var stored = await db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync(Ct);

        entries.ShouldNotBeEmpty();
        stored.ShouldNotBeNull();
        entries.ShouldAllBe(e => (e.NewValue == null || !e.NewValue.Contains(stored)) && (e.OldValue == null || !e.OldValue.Contains(stored)));
        string.Join("\n", entries.Select(e => e.NewValue)).ShouldContain(AuditRedactedAttribute.Placeholder);
    }

    [Fact]
    public async Task Language_ChosenWhileSignedIn_FollowsTheUserToTheNextSignIn()
    {
        await using var factory = new WebFactory();
        await factory.AddUserAsync("admin", administrator: true);
        using (var first = await factory.SignedInAsync("admin"))
        {
            using var _ = await Html.PostFormAsync(first, "/", "/language", ("culture", "zh-CN"), ("returnUrl", "/"));
        }

        using var second = await factory.SignedInAsync("admin");
        (await second.GetStringAsync(new Uri("/admin/users", UriKind.Relative), Ct)).ShouldContain("<h1>用户</h1>");
    }

    [Theory]
    [InlineData(SiteRole.Coordinator, "/worklist")]
    [InlineData(SiteRole.DataManager, "/patients")]
    [InlineData(SiteRole.CellLabQa, "/lots")]
    [InlineData(SiteRole.Statistician, "/reports")]
    public async Task SignIn_WithoutReturnAddress_LandsOnTheFirstPageTheRoleOpens(SiteRole role, string landing)
    {
        await using var factory = new WebFactory();
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "A", Name = "A" });
            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("someone", false, ("A", role));
        using var client = factory.Client();

        using var response = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", "someone"), ("Password", WebFactory.TestPassword));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe(landing);
        using var page = await client.GetAsync(response.Headers.Location, Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Administrator_SetsAWeakPassword_Refused_TheOldPasswordStillWorks()
    {
        await using var factory = new WebFactory();
        await factory.AddUserAsync("admin", administrator: true);
        var user = await factory.AddUserAsync("someone");
        using var admin = await factory.SignedInAsync("admin");

        using var weak = await Html.PostFormAsync(admin, $"/admin/users/{user.Id}", $"/admin/users/{user.Id}?handler=Password", ("NewPassword", "short"));

        (await weak.Content.ReadAsStringAsync(Ct)).ShouldContain("Passwords need at least 10 characters.");
        using var again = await factory.SignedInAsync("someone");
    }
}
