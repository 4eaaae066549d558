// Source: issue #16 "Sessions and accounts"; OWASP ASVS 4.0.3 V3.3 (session termination); docs/security.md.
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Stroma.Web.Tests.Security;

public sealed class SessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The session cookie a response set (all chunks), as a browser would send it back.</summary>
    internal static string SessionCookie(HttpResponseMessage response)
    {
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        var session = (cookies ?? []).Where(c => c.StartsWith("stroma.auth", StringComparison.Ordinal)).Select(c => c.Split(';')[0]).ToList();
        return session.Count > 0 ? string.Join("; ", session) : throw new InvalidOperationException("The response set no session cookie.");
    }

    /// <summary>A fresh client that sends only the given cookie (a copied or stolen cookie replayed elsewhere).</summary>
    internal static async Task<HttpResponseMessage> ReplayAsync(WebFactory factory, string cookie, string path)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<(WebFactory Factory, Stroma.Data.Model.User User)> RegistryAsync()
    {
        var factory = new WebFactory();
        await factory.AddUserAsync("admin", administrator: true);
        var user = await factory.AddUserAsync("someone");
        return (factory, user);
    }

    [Fact]
    public async Task SignOut_CookieReplayedAfterwards_Refused()
    {
        var (factory, _) = await RegistryAsync();
        await using var _f = factory;
        using var client = factory.Client();
        using var signIn = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", "someone"), ("Password", WebFactory.TestPassword));
        var cookie = SessionCookie(signIn);
        using (var before = await ReplayAsync(factory, cookie, "/"))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var signOut = await Html.PostFormAsync(client, "/", "/account/sign-in?handler=SignOut");
        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var replay = await ReplayAsync(factory, cookie, "/account/password");
        replay.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        replay.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
    }

    [Fact]
    public async Task AdministratorResetsPassword_UsersOpenSessionEnds()
    {
        var (factory, user) = await RegistryAsync();
        await using var _f = factory;
        using var session = await factory.SignedInAsync("someone");
        using var admin = await factory.SignedInAsync("admin");
        (await session.GetAsync(new Uri("/account/password", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var reset = await Html.PostFormAsync(admin, $"/admin/users/{user.Id}", $"/admin/users/{user.Id}?handler=Password", ("NewPassword", "Another-Horse-8"));
        reset.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var afterwards = await session.GetAsync(new Uri("/account/password", UriKind.Relative), Ct);
        afterwards.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        afterwards.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
    }

    [Fact]
    public async Task Session_OlderThanTheAbsoluteLifetime_EndsEvenWhenActive()
    {
        await using var factory = new WebFactory { Settings = { ["Security:SessionLifetime"] = "00:00:05" } };
        await factory.AddUserAsync("someone");
        var started = DateTimeOffset.UtcNow;
        using var session = await factory.SignedInAsync("someone");
        using (var active = await session.GetAsync(new Uri("/account/password", UriKind.Relative), Ct))
        {
            active.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var wait = started.AddSeconds(6) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Ct);
        }

        using var expired = await session.GetAsync(new Uri("/account/password", UriKind.Relative), Ct);
        expired.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        expired.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
    }

    /// <summary>The system clock moved on by <see cref="Ahead"/>, for the session's expiry.</summary>
    private sealed class MovedClock : TimeProvider
    {
        public TimeSpan Ahead { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Ahead;
    }

    /// <summary>
    /// The cookie is written anew only once its ticket is a minute old (StromaWebHost.RenewAfter), not on every page,
    /// and the idle expiry still moves with activity: a cookie renewed at minute 2 is good at minute 31, while the
    /// cookie of the sign-in (minute 0, never renewed) has expired by then.
    /// </summary>
    [Fact]
    public async Task Cookie_RenewedOncePastAMinute_IdleExpiryMovesWithActivity()
    {
        var clock = new MovedClock();
        await using var factory = new WebFactory { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        await factory.AddUserAsync("someone");
        using var client = factory.Client();
        using var signIn = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", "someone"), ("Password", WebFactory.TestPassword));
        var first = SessionCookie(signIn);

        using (var fresh = await ReplayAsync(factory, first, "/account/password"))
        {
            fresh.StatusCode.ShouldBe(HttpStatusCode.OK);
            (fresh.Headers.TryGetValues("Set-Cookie", out var set) ? set : []).ShouldNotContain(c => c.StartsWith("stroma.auth", StringComparison.Ordinal),
                "a ticket under a minute old is not written again");
        }

        clock.Ahead = TimeSpan.FromMinutes(2);
        string renewed;
        using (var later = await ReplayAsync(factory, first, "/account/password"))
        {
            later.StatusCode.ShouldBe(HttpStatusCode.OK);
            renewed = SessionCookie(later);
        }

        clock.Ahead = TimeSpan.FromMinutes(31);
        using (var stale = await ReplayAsync(factory, first, "/account/password"))
        {
            stale.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            stale.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
        }

        using var kept = await ReplayAsync(factory, renewed, "/account/password");
        kept.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
