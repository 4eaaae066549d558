// Source: issue #17 "personal API tokens with an expiry for scripts"; RFC 6750 (Bearer tokens: the Authorization
// header, 401 with WWW-Authenticate); OWASP ASVS 4.0.3 V2.2.1 (rate limits), V3.5.2/V3.5.3 (tokens stored hashed,
// revocable, expiring), V7.1.1 (no credentials in logs). docs/security.md, "API tokens".
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Fhir;

public sealed partial class ApiTokenTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly AllLogs log = new();
    private readonly WebFactory factory;
    private readonly Dictionary<string, Guid> ids = [];

    public ApiTokenTests()
    {
        factory = new WebFactory { TestServices = services => services.AddSingleton<ILoggerProvider>(log) };
        // Everything the app and ASP.NET Core log, at every level, goes to the test's log.
        foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore" })
        {
            factory.Settings[$"Logging:LogLevel:{category}"] = "Trace";
        }
    }

    public async ValueTask InitializeAsync()
    {
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var site in new[] { "A", "B" })
            {
                var siteId = ids[$"site.{site}"] = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                db.Patients.Add(new Patient { Id = ids[$"patient.{site}"] = Guid.CreateVersion7(), SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1980 });
            }

            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("inv", false, ("A", SiteRole.Investigator));
        await factory.AddUserAsync("invb", false, ("B", SiteRole.Investigator));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private async Task<string> CreateTokenAsync(string user, string name = "nightly pull", string days = "30")
    {
        using var client = await factory.SignedInAsync(user);
        using var response = await Html.PostFormAsync(client, "/account/tokens", "/account/tokens?handler=Create", ("Name", name), ("Days", days));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl?.NoStore.ShouldBeTrue();
        var match = NewToken().Match(await response.Content.ReadAsStringAsync(Ct));
        match.Success.ShouldBeTrue("the page shows the new token");
        return match.Groups[1].Value;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (client is not null)
        {
            return await client.SendAsync(request, Ct);
        }

        using var anonymous = factory.Client();
        return await anonymous.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Bearer_ValidToken_ReadsOwnSiteAndOtherSitesIdIsNotFound()
    {
        var token = await CreateTokenAsync("inv");

        using var own = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", token);
        using var other = await GetAsync($"/fhir/Patient/{ids["patient.B"]}", token);
        using var search = await GetAsync("/fhir/Patient", token);

        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        other.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var found = await search.Content.ReadAsStringAsync(Ct);
        found.ShouldContain(ids["patient.A"].ToString());
        found.ShouldNotContain(ids["patient.B"].ToString());
        token.ShouldMatch("^stp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$");
    }

    [Fact]
    public async Task Bearer_NoOrMalformedOrUnknownToken_401WithBearerChallenge()
    {
        var token = await CreateTokenAsync("inv");
        var wrongSecret = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        foreach (var presented in new string?[] { null, "nonsense", wrongSecret, "stp_0000000000000000_" + new string('A', 43) })
        {
            using var response = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", presented);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, presented ?? "(none)");
            response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
            (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("OperationOutcome");
        }
    }

    [Fact]
    public async Task Bearer_RevokedOrExpiredToken_401AtOnce()
    {
        var revoked = await CreateTokenAsync("inv", "to revoke");
        var expired = await CreateTokenAsync("inv", "to expire");
        using (var before = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", revoked))
        {
            before.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var client = await factory.SignedInAsync("inv");
        var revokedId = await TokenIdAsync(revoked);
        using (var revoke = await Html.PostFormAsync(client, "/account/tokens", $"/account/tokens?handler=Revoke&id={revokedId}"))
        {
            revoke.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var expiredId = await TokenIdAsync(expired);
            await db.ApiTokens.Where(t => t.Id == expiredId).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)), Ct);
        }

        using var afterRevoke = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", revoked);
        using var afterExpiry = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", expired);
        afterRevoke.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        afterExpiry.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var page = await client.GetStringAsync(new Uri("/account/tokens", UriKind.Relative), Ct);
        page.ShouldContain("Revoked");
        page.ShouldContain("Expired");
    }

    [Fact]
    public async Task Revoke_AnotherUsersToken_NotFoundAndTokenStillWorks()
    {
        var theirs = await CreateTokenAsync("invb");
        using var client = await factory.SignedInAsync("inv");

        using var revoke = await Html.PostFormAsync(client, "/account/tokens", $"/account/tokens?handler=Revoke&id={await TokenIdAsync(theirs)}");

        revoke.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetStringAsync(new Uri("/account/tokens", UriKind.Relative), Ct)).ShouldNotContain(theirs[..20]);
        using var stillWorks = await GetAsync($"/fhir/Patient/{ids["patient.B"]}", theirs);
        stillWorks.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bearer_UserDisabledOrRoleEnded_RefusedOnTheNextRequest()
    {
        var token = await CreateTokenAsync("inv");
        var other = await CreateTokenAsync("invb");
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var user = await db.Users.SingleAsync(u => u.UserName == "inv", Ct);
            user.DisabledAt = DateTimeOffset.UtcNow;
            var membership = await db.Memberships.SingleAsync(m => m.User!.UserName == "invb", Ct);
            membership.EndDate = new DateOnly(2001, 1, 1);
            await db.SaveChangesAsync(Ct);
        }

        using var disabled = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", token);
        using var roleEnded = await GetAsync($"/fhir/Patient/{ids["patient.B"]}", other);

        disabled.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        roleEnded.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Bearer_OnAPage_NotAcceptedSignInRequired()
    {
        var token = await CreateTokenAsync("inv");

        using var page = await GetAsync($"/patients/{ids["patient.A"]}", token);

        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
    }

    [Fact]
    public async Task Bearer_WithAnotherUsersSessionCookie_TheTokenDecides()
    {
        var tokenOfB = await CreateTokenAsync("invb");
        using var sessionOfA = await factory.SignedInAsync("inv");

        using var response = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", tokenOfB, sessionOfA);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Token_NeverInClear_InTheDatabaseAuditTrailOrLogs()
    {
        var token = await CreateTokenAsync("inv");
        using (var read = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", token))
        {
            read.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var bad = await GetAsync($"/fhir/Patient/{ids["patient.A"]}", token + "x"))
        {
            bad.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var secret = token[21..];
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var stored = await db.ApiTokens.SingleAsync(Ct);
        var audit = await db.AuditEntries.Select(a => (a.EntityKey ?? "") + "|" + (a.OldValue ?? "") + "|" + (a.NewValue ?? "")).ToListAsync(Ct);
        stored.Prefix.ShouldBe(token[..20]);
        stored.SecretHash.ShouldNotContain(secret);
        audit.ShouldNotBeEmpty();
        audit.ShouldAllBe(a => !a.Contains(secret, StringComparison.Ordinal) && !a.Contains(stored.SecretHash, StringComparison.Ordinal));
        audit.ShouldContain(a => a.Contains("GET /fhir/Patient/", StringComparison.Ordinal) && a.Contains(stored.Prefix, StringComparison.Ordinal));
        log.Messages.ShouldNotBeEmpty();
        log.Messages.ShouldAllBe(m => !m.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_BadNameOrLifetime_RefusedWithCodeAndNothingStored()
    {
        using var client = await factory.SignedInAsync("inv");

        using var noName = await Html.PostFormAsync(client, "/account/tokens", "/account/tokens?handler=Create", ("Name", " "), ("Days", "30"));
        using var tooLong = await Html.PostFormAsync(client, "/account/tokens", "/account/tokens?handler=Create", ("Name", "script"), ("Days", "366"));

        (await noName.Content.ReadAsStringAsync(Ct)).ShouldContain("TOK001");
        (await tooLong.Content.ReadAsStringAsync(Ct)).ShouldContain("TOK002");
        await using var scope = factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().ApiTokens.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Create_DefaultLifetime_ThirtyDays()
    {
        var token = await CreateTokenAsync("inv", days: "");

        await using var scope = factory.Scope();
        var stored = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().ApiTokens.SingleAsync(t => t.Prefix == token.Substring(0, 20), Ct);
        (stored.ExpiresAt - stored.CreatedAt).ShouldBe(TimeSpan.FromDays(30), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Bearer_RepeatedBadTokens_AddressLimitedLikeSignIn()
    {
        await using var limited = new WebFactory { RealRateLimits = true };
        using var client = limited.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 21; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/fhir/Patient", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"stp_{i:x16}_" + new string('A', 43));
            using var response = await client.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
        }

        // docs/security.md: 20 sign-in attempts per client address per minute.
        statuses.Take(20).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        statuses[20].ShouldBe(HttpStatusCode.TooManyRequests);
    }

    private async Task<Guid> TokenIdAsync(string token)
    {
        await using var scope = factory.Scope();
        var prefix = token[..20];
        return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().ApiTokens.Where(t => t.Prefix == prefix).Select(t => t.Id).SingleAsync(Ct);
    }

    [GeneratedRegex("<code id=\"new-token\" translate=\"no\">([^<]+)</code>")]
    private static partial Regex NewToken();

    /// <summary>Every log message of the app, at every level.</summary>
    private sealed class AllLogs : ILoggerProvider, ILogger
    {
        private readonly List<string> messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (messages)
                {
                    return [.. messages];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (messages)
            {
                messages.Add(formatter(state, exception) + " " + state + " " + exception);
            }
        }

        public void Dispose()
        {
        }
    }
}
