// Source: issue #16 "Multi-factor sign-in (TOTP with recovery codes) ... Single sign-on via OpenID Connect ... browser
// tests for the web items"; docs/security.md, "Multi-factor sign-in" and "Single sign-on".
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Tests.Account;
using static Microsoft.Playwright.Assertions;

namespace Stroma.Web.Tests.EndToEnd;

/// <summary>
/// The app with its default MFA requirement and single sign-on pointed at <see cref="TestOpenIdProvider"/>, both on
/// loopback sockets, and Debian's Chromium (launched as <see cref="BrowserFixture"/> does).
/// </summary>
public sealed class SignInBrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public TestOpenIdProvider Provider { get; } = new();

    public WebFactory Factory { get; } = new() { RequireMfa = true };

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Provider.StartAsync();
        foreach (var (key, value) in Provider.Settings())
        {
            Factory.Settings[key] = value;
        }

        Factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        BaseAddress = new Uri(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        await using (var scope = Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site one" });
            await db.SaveChangesAsync();
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    public async Task<(IBrowserContext Context, IPage Page)> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), Locale = "en-GB" });
        return (context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await Factory.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class SignInBrowserTests(SignInBrowserFixture fixture) : IClassFixture<SignInBrowserFixture>
{
    private static async Task PasswordAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(WebFactory.TestPassword);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task Investigator_EnrolsAtFirstSignIn_ThenSignsInWithTheAppsCode()
    {
        await fixture.Factory.AddUserAsync("ivy.browser", false, ("S1", SiteRole.Investigator));
        var (context, page) = await fixture.NewPageAsync();
        try
        {
            // The password alone leads to enrolment before any other page.
            await PasswordAsync(page, "ivy.browser");
            await Expect(page).ToHaveURLAsync(new Regex("/account/two-factor\\?returnUrl=%2Fpatients$"));
            await Expect(page.Locator("#mfa-required")).ToBeVisibleAsync();
            var key = await page.Locator("#mfa-key").InnerTextAsync();
            (await page.Locator("#mfa-key-uri").InnerTextAsync()).ShouldStartWith("otpauth://totp/Stroma%3Aivy.browser?secret=");
            await page.GetByLabel("Code").FillAsync(Totp.Code(key, TimeProvider.System));
            await page.Locator("#mfa-enable").ClickAsync();

            await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
            await page.Locator("#mfa-continue").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/patients$"));
            await Expect(page.Locator("h1")).ToHaveTextAsync("Patients");

            // Next time: password, then the code from the app.
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign out" }).ClickAsync();
            await PasswordAsync(page, "ivy.browser");
            await Expect(page).ToHaveURLAsync(new Regex("/account/sign-in/code$"));
            await page.GetByLabel("Code").FillAsync(Totp.NextCode(key, TimeProvider.System));
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/patients$"));
            await Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("ivy.browser");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task SingleSignOn_KnownAccountSignedIn_UnknownNameRefusedWithAClearPage()
    {
        await fixture.Factory.AddUserAsync("cole.browser", false, ("S1", SiteRole.Coordinator));
        var (context, page) = await fixture.NewPageAsync();
        try
        {
            fixture.Provider.NextUser = "cole.browser";
            await page.GotoAsync("/account/sign-in");
            await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Sign in with the hospital account" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/worklist$"));
            await Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("cole.browser");

            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign out" }).ClickAsync();
            fixture.Provider.NextUser = "someone.else";
            await page.GotoAsync("/account/sign-in");
            await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Sign in with the hospital account" }).ClickAsync();
            await Expect(page.Locator("#sso-refused")).ToContainTextAsync("identified you as \"someone.else\" (preferred_username)");
            await Expect(page.Locator("#signed-in-as")).ToHaveCountAsync(0);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
