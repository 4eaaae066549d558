// Source: issue #19 "Quality bar": "Accessibility: axe-core run through Playwright on every page in both languages
// reports 0 serious or critical violations (Deque.AxeCore.Playwright)".
using System.Net;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Web.Hosting;
using Stroma.Web.Tests.EndToEnd;
using Stroma.Web.Tests.Localization;
using Stroma.Web.Tests.Patients;

namespace Stroma.Web.Tests.Accessibility;

/// <summary>The key-leak walk's demo registry and users (<see cref="PageWalkFixture"/>) on a real socket, and one Chromium.</summary>
public sealed class AccessibilityFixture : PageWalkFixture
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    protected override void Start(DemoFactory demo)
    {
        demo.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        demo.StartServer();
        BaseAddress = new Uri(demo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        SocketAddress = BaseAddress;
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
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

    /// <summary>A browser context in <paramref name="language"/>, signed in as <paramref name="user"/> unless "anonymous".</summary>
    public async Task<(IBrowserContext Context, IPage Page)> SignedInAsync(string user, string language)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = language,
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        var page = await context.NewPageAsync();
        if (user != "anonymous")
        {
            // Signed in through the request API, not by clicking: the walk needs the session cookie, not the page the
            // sign-in redirects to, and navigates to each page itself (BrowserFixture.SignInByRequestAsync says why).
            await BrowserFixture.SignInByRequestAsync(context, user == "demo" ? DemoMode.UserName : user, user == "demo" ? Demo.Password : WebFactory.TestPassword);
        }

        return (context, page);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Every page the key-leak walk visits (<see cref="PageWalkFixture.Pages"/>), in English and Chinese, as the same users
/// (one browser context per user and language), checked with axe-core's rules (WCAG 2.x A/AA and best practices);
/// fails on any violation of impact serious or critical, naming page, rule and element. docs/web.md "Accessibility".
/// </summary>
public sealed class AccessibilityBrowserTests(AccessibilityFixture fixture) : IClassFixture<AccessibilityFixture>
{
    public static TheoryData<string> LanguagesData() => [.. PageWalkFixture.Languages];

    [Theory]
    [MemberData(nameof(LanguagesData))]
    public async Task EveryPage_Axe_NoSeriousOrCriticalViolations(string language)
    {
        var found = new List<string>();
        var pages = 0;
        // Written as the walk goes (a long walk on a loaded machine can be read before it ends).
        var log = Path.Combine(BrowserFixture.ScreenshotFolder, $"axe-{language}.txt");
        Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
        await File.WriteAllTextAsync(log, "", TestContext.Current.CancellationToken);
        foreach (var group in fixture.Pages().GroupBy(p => p.User))
        {
            var (context, page) = await fixture.SignedInAsync(group.Key, language);
            await using var _ = context;
            foreach (var (user, path) in group)
            {
                IResponse? response;
                try
                {
                    response = await page.GotoAsync(path);
                }
                catch (PlaywrightException e) when (e.Message.Contains("Download is starting", StringComparison.Ordinal))
                {
                    continue;
                }

                if (response is null || !(await response.HeaderValueAsync("content-type") ?? "").StartsWith("text/html", StringComparison.Ordinal))
                {
                    continue;
                }

                pages++;
                var result = await page.RunAxe();
                var lines = result.Violations.Where(v => v.Impact is "serious" or "critical")
                    .SelectMany(v => v.Nodes.Select(n => $"{language} {user} {path} ({response.Status}): {v.Id} ({v.Impact}) at {n.Target}: {n.Html}"))
                    .ToList();
                found.AddRange(lines);
                await File.AppendAllLinesAsync(log, [$"{path}: {lines.Count}", .. lines], TestContext.Current.CancellationToken);
            }
        }

        pages.ShouldBeGreaterThan(40);
        found.ShouldBeEmpty();
    }
}
