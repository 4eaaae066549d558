// Source: issue #16 "Multi-factor sign-in: TOTP with recovery codes through ASP.NET Core Identity's own token providers,
// required for roles that sign or administer (configurable per role)"; docs/security.md, "Multi-factor sign-in".
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;

namespace Stroma.Web.Tests.Account;

public sealed partial class TwoFactorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeProvider Clock = TimeProvider.System;

    private static async Task<WebFactory> FactoryWithSiteAsync(Dictionary<string, string>? settings = null)
    {
        var factory = new WebFactory { RequireMfa = true };
        foreach (var (key, value) in settings ?? [])
        {
            factory.Settings[key] = value;
        }

        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site one" });
        await db.SaveChangesAsync(Ct);
        return factory;
    }

    /// <summary>Enrols the signed-in client: reads the key from the page, posts the current code; returns the key and the recovery codes.</summary>
    internal static async Task<(string Key, List<string> RecoveryCodes)> EnrolAsync(HttpClient client)
    {
        var page = await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), Ct);
        var key = KeyPattern().Match(page).Groups[1].Value;
        key.ShouldNotBeEmpty();
        using var enabled = await Html.PostFormAsync(client, "/account/two-factor", "/account/two-factor?handler=Enable", ("Code", Totp.Code(key, Clock)));
        var html = await enabled.Content.ReadAsStringAsync(Ct);
        enabled.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        var codes = CodePattern().Matches(html).Select(m => m.Groups[1].Value).ToList();
        return (key, codes);
    }

    private static async Task<HttpResponseMessage> PasswordAsync(HttpClient client, string userName) =>
        await Html.PostFormAsync(client, "/account/sign-in", ("UserName", userName), ("Password", WebFactory.TestPassword));

    [Fact]
    public async Task RequireMfaForRoles_InvestigatorWithoutAuthenticator_SentToEnrolBeforeAnyPage()
    {
        await using var factory = await FactoryWithSiteAsync();
        await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        using var client = await factory.SignedInAsync("ivy");

        using var patients = await client.GetAsync(new Uri("/patients", UriKind.Relative), Ct);
        patients.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        patients.Headers.Location!.OriginalString.ShouldBe("/account/two-factor?returnUrl=%2Fpatients");
        var page = await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), Ct);
        page.ShouldContain("Your role requires two-step sign-in.");
        page.ShouldContain("otpauth://totp/Stroma%3Aivy?secret=");
        using var api = await client.GetAsync(new Uri("/api/instruments", UriKind.Relative), Ct);
        api.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RequireMfaForRoles_Administrator_SentToEnrol_CoordinatorNot()
    {
        await using var factory = await FactoryWithSiteAsync();
        await factory.AddUserAsync("ada", administrator: true);
        await factory.AddUserAsync("cole", false, ("S1", SiteRole.Coordinator));

        using var admin = await factory.SignedInAsync("ada");
        using var users = await admin.GetAsync(new Uri("/admin/users", UriKind.Relative), Ct);
        users.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        users.Headers.Location!.OriginalString.ShouldStartWith("/account/two-factor");

        using var coordinator = await factory.SignedInAsync("cole");
        using var worklist = await coordinator.GetAsync(new Uri("/worklist", UriKind.Relative), Ct);
        worklist.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RequireMfaForRoles_ConfiguredPerRole_CoordinatorRequiredInvestigatorNot()
    {
        await using var factory = await FactoryWithSiteAsync(new() { ["Security:RequireMfaForRoles"] = "coordinator" });
        await factory.AddUserAsync("cole", false, ("S1", SiteRole.Coordinator));
        await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));

        using var coordinator = await factory.SignedInAsync("cole");
        using var worklist = await coordinator.GetAsync(new Uri("/worklist", UriKind.Relative), Ct);
        worklist.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var investigator = await factory.SignedInAsync("ivy");
        using var patients = await investigator.GetAsync(new Uri("/patients", UriKind.Relative), Ct);
        patients.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void RequireMfaForRoles_UnknownRole_StartRefusedNamingTheSetting()
    {
        using var factory = new WebFactory { RequireMfa = true };
        factory.Settings["Security:RequireMfaForRoles"] = "Investigator,Surgeon";

        var error = Should.Throw<InvalidOperationException>(() => factory.CreateClient());

        error.Message.ShouldContain("Security:RequireMfaForRoles: \"Surgeon\" is not a role");
    }

    [Fact]
    public async Task Enrol_CodeFromTheKey_TurnsOnWithTenRecoveryCodesStoredHashedAndAuditedRedacted()
    {
        await using var factory = await FactoryWithSiteAsync();
        var user = await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        using var client = await factory.SignedInAsync("ivy");

        using var wrong = await Html.PostFormAsync(client, "/account/two-factor", "/account/two-factor?handler=Enable", ("Code", "000000"));
        (await wrong.Content.ReadAsStringAsync(Ct)).ShouldContain("The code is not correct or has expired.");
        var (key, codes) = await EnrolAsync(client);

        codes.Count.ShouldBe(10);
        codes.Distinct().Count().ShouldBe(10);
        (await client.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Ct);
        stored.TwoFactorEnabled.ShouldBeTrue();
        stored.AuthenticatorKey.ShouldBe(key.Replace(" ", "", StringComparison.Ordinal));
        stored.RecoveryCodeHashes!.Split(';').Length.ShouldBe(10);
        foreach (var code in codes)
        {
            stored.RecoveryCodeHashes.ShouldNotContain(code, Case.Insensitive);
        }

        var audit = await db.AuditEntries.Where(e => e.Entity == nameof(User) && e.EntityKey == user.Id.ToString()
            && (e.Field == nameof(User.AuthenticatorKey) || e.Field == nameof(User.RecoveryCodeHashes))).ToListAsync(Ct);
        audit.Count.ShouldBeGreaterThanOrEqualTo(2);
        audit.ShouldAllBe(e => e.NewValue == null || e.NewValue == AuditRedactedAttribute.Placeholder);
    }

    [Fact]
    public async Task SignIn_Enrolled_PasswordAloneNotEnough_TotpCodeSignsIn()
    {
        await using var factory = await FactoryWithSiteAsync();
        await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        using (var first = await factory.SignedInAsync("ivy"))
        {
            await EnrolAsync(first);
        }

        var (key, _) = await ReadKeyAsync(factory, "ivy");
        using var client = factory.Client();
        using var password = await PasswordAsync(client, "ivy");
        password.Headers.Location!.OriginalString.ShouldBe("/account/sign-in/code");
        (await client.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");

        using var wrong = await Html.PostFormAsync(client, "/account/sign-in/code", ("Code", "123456"));
        wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await wrong.Content.ReadAsStringAsync(Ct)).ShouldContain("The code is not correct or has expired.");
        using var right = await Html.PostFormAsync(client, "/account/sign-in/code", ("Code", Totp.NextCode(key, Clock)));

        right.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        right.Headers.Location!.OriginalString.ShouldBe("/patients");
        (await client.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignIn_CodeAlreadyUsed_RefusedTheSecondTimeWithinItsWindow()
    {
        await using var factory = await FactoryWithSiteAsync();
        var user = await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        using (var first = await factory.SignedInAsync("ivy"))
        {
            await EnrolAsync(first);
        }

        var (key, _) = await ReadKeyAsync(factory, "ivy");
        var at = Clock.GetUtcNow().AddSeconds(30);
        var code = Totp.Code(Totp.Base32(key), at);
        using var client = factory.Client();
        await PasswordAsync(client, "ivy");
        using var used = await Html.PostFormAsync(client, "/account/sign-in/code", ("Code", code));
        used.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var replay = factory.Client();
        await PasswordAsync(replay, "ivy");
        using var again = await Html.PostFormAsync(replay, "/account/sign-in/code", ("Code", code));

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadAsStringAsync(Ct)).ShouldContain("The code is not correct or has expired.");
        (await replay.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        await using var scope = factory.Scope();
        var stored = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Ct);
        stored.AuthenticatorLastStep.ShouldBe(at.ToUnixTimeSeconds() / 30);
    }

    [Fact]
    public async Task SignIn_RecoveryCode_WorksOnceOnly()
    {
        await using var factory = await FactoryWithSiteAsync();
        await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        List<string> codes;
        using (var first = await factory.SignedInAsync("ivy"))
        {
            (_, codes) = await EnrolAsync(first);
        }

        using var client = factory.Client();
        await PasswordAsync(client, "ivy");
        using var used = await Html.PostFormAsync(client, "/account/sign-in/code", ("Code", codes[3]));
        used.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var again = factory.Client();
        await PasswordAsync(again, "ivy");
        using var reused = await Html.PostFormAsync(again, "/account/sign-in/code", ("Code", codes[3]));
        reused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await reused.Content.ReadAsStringAsync(Ct)).ShouldContain("The code is not correct or has expired.");
        (await client.GetStringAsync(new Uri("/account/two-factor", UriKind.Relative), Ct)).ShouldContain("Recovery codes left: 9.");
    }

    [Fact]
    public async Task SignIn_WrongCodes_CountTowardsTheLockout()
    {
        await using var factory = await FactoryWithSiteAsync();
        var user = await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        using (var first = await factory.SignedInAsync("ivy"))
        {
            await EnrolAsync(first);
        }

        var (key, _) = await ReadKeyAsync(factory, "ivy");
        using var client = factory.Client();
        await PasswordAsync(client, "ivy");
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await Html.PostFormAsync(client, "/account/sign-in/code", ("Code", "00000" + i));
        }

        using var right = await Html.PostFormAsync(client, "/account/sign-in/code", ("Code", Totp.NextCode(key, Clock)));
        right.StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var scope = factory.Scope();
        var stored = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Ct);
        stored.LockoutEnd.ShouldNotBeNull();
    }

    [Fact]
    public async Task Reset_NewPhone_OldKeyStopsAndRequiredUserMustEnrolAgain()
    {
        await using var factory = await FactoryWithSiteAsync();
        await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        using var client = await factory.SignedInAsync("ivy");
        var (oldKey, _) = await EnrolAsync(client);

        using var reset = await Html.PostFormAsync(client, "/account/two-factor", "/account/two-factor?handler=Reset", ("Code", Totp.NextCode(oldKey, Clock)));
        reset.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var patients = await client.GetAsync(new Uri("/patients", UriKind.Relative), Ct);
        patients.Headers.Location!.OriginalString.ShouldStartWith("/account/two-factor");
        var (newKey, codes) = await EnrolAsync(client);
        newKey.ShouldNotBe(oldKey);
        codes.Count.ShouldBe(10);
    }

    [Fact]
    public async Task RoleGrantedLater_SessionWithoutSecondFactor_MustEnrolAtOnce()
    {
        await using var factory = await FactoryWithSiteAsync();
        var user = await factory.AddUserAsync("cole", false, ("S1", SiteRole.Coordinator));
        using var client = await factory.SignedInAsync("cole");
        (await client.GetAsync(new Uri("/worklist", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var site = await db.Sites.SingleAsync(s => s.Code == "S1", Ct);
            db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), UserId = user.Id, SiteId = site.Id, Role = SiteRole.Investigator, StartDate = new DateOnly(2000, 1, 1) });
            await db.SaveChangesAsync(Ct);
        }

        using var after = await client.GetAsync(new Uri("/worklist", UriKind.Relative), Ct);
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.OriginalString.ShouldStartWith("/account/two-factor");
    }

    [Fact]
    public async Task AdminReset_UserLostPhoneAndCodes_SecondFactorOffSessionsEnd_EnrolsAgain_OwnResetRefused()
    {
        await using var factory = await FactoryWithSiteAsync(new() { ["Security:RequireMfaForRoles"] = "Investigator" });
        var ivy = await factory.AddUserAsync("ivy", false, ("S1", SiteRole.Investigator));
        var ada = await factory.AddUserAsync("ada", administrator: true);
        using var user = await factory.SignedInAsync("ivy");
        await EnrolAsync(user);
        using var admin = await factory.SignedInAsync("ada");

        using var reset = await Html.PostFormAsync(admin, $"/admin/users/{ivy.Id}", $"/admin/users/{ivy.Id}?handler=ResetTwoFactor");
        using var own = await Html.PostFormAsync(admin, $"/admin/users/{ada.Id}", $"/admin/users/{ada.Id}?handler=ResetTwoFactor");

        reset.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await own.Content.ReadAsStringAsync(Ct)).ShouldContain("You cannot reset your own two-step sign-in here");
        (await user.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        var (key, enabled) = await ReadKeyAsync(factory, "ivy");
        enabled.ShouldBeFalse();
        key.ShouldBeNull();
        using var again = await factory.SignedInAsync("ivy");
        (await again.GetAsync(new Uri("/patients", UriKind.Relative), Ct)).Headers.Location!.OriginalString.ShouldStartWith("/account/two-factor");
    }

    private static async Task<(string Key, bool Enabled)> ReadKeyAsync(WebFactory factory, string userName)
    {
        await using var scope = factory.Scope();
        var user = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Users.AsNoTracking().SingleAsync(u => u.UserName == userName, Ct);
        return (user.AuthenticatorKey!, user.TwoFactorEnabled);
    }

    [GeneratedRegex("<code id=\"mfa-key\">([A-Z2-7 ]+)</code>")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("<li><code>([A-Za-z0-9-]+)</code></li>")]
    private static partial Regex CodePattern();
}
