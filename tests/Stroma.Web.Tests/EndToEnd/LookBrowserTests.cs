// Source: issue #19 "Looks" (one stylesheet with a small design system, responsive down to a tablet; screenshots of the
// main pages in both languages in docs/web.md). The pages are the demo registry's (docs/web.md "Look and feel").
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Web.Tests.Patients;
using static Microsoft.Playwright.Assertions;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class LookBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>A desktop and a tablet held upright (iPad-class, 768 CSS pixels wide).</summary>
    private static readonly (string Name, int Width, int Height)[] Viewports = [("desktop", 1280, 900), ("tablet", 768, 1024)];

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task MainPages_DesktopAndTablet_StyledByTheDesignSystem_NoSidewaysScrollOfThePage(string locale)
    {
        await using var demo = new DemoFactory();
        demo.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        demo.StartServer();
        var address = demo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var folder = Path.Combine(BrowserFixture.ScreenshotFolder, "look");
        Directory.CreateDirectory(folder);
        var problems = new List<string>();

        foreach (var (viewport, width, height) in Viewports)
        {
            await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = address,
                Locale = locale,
                ViewportSize = new ViewportSize { Width = width, Height = height },
            });
            var page = await context.NewPageAsync();
            page.Console += (_, m) =>
            {
                if (m.Type == "error")
                {
                    problems.Add($"{viewport} {page.Url}: console error {m.Text}");
                }
            };
            // Signed in through the request API: this test looks at the pages, not at the sign-in's navigation, whose
            // wait for the load event hung once in CI (BrowserFixture.SignInByRequestAsync).
            await BrowserFixture.SignInByRequestAsync(context, "demo", demo.Password);

            await page.GotoAsync("/patients?search=S2-002");
            var timeline = await page.Locator("table.patients tbody a").First.GetAttributeAsync("href");
            await page.GotoAsync("/lots");
            var lot = await page.Locator("main table tbody a").First.GetAttributeAsync("href");
            string[] pages = ["/home", "/patients", timeline!, timeline + "/adverse-event", "/worklist", "/lots", lot!, "/queries", "/labs/import"];

            foreach (var path in pages)
            {
                var response = await page.GotoAsync(path);
                if (response?.Status != 200)
                {
                    problems.Add($"{viewport} {path}: HTTP {response?.Status}");
                    continue;
                }

                // The design system is in force: table headers take its surface colour, headings its type scale.
                if (await page.Locator("main th").CountAsync() > 0)
                {
                    var header = await page.Locator("main th").First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
                    if (header != "rgb(241, 244, 248)")
                    {
                        problems.Add($"{viewport} {path}: table header background {header}, not the design system's surface");
                    }
                }

                var h1 = await page.Locator("h1").First.EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
                if (h1 != "28px")
                {
                    problems.Add($"{viewport} {path}: h1 is {h1}, not the type scale's 28px");
                }

                // Responsive: the page itself never scrolls sideways; a wide table scrolls inside its own box.
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                if (overflow > 1)
                {
                    problems.Add($"{viewport} {path}: the page is {overflow} px wider than the window");
                }

                var name = path switch
                {
                    _ when path == timeline => "timeline",
                    _ when path == timeline + "/adverse-event" => "adverse-event",
                    _ when path == lot => "lot",
                    _ => path.Trim('/').Replace('/', '-'),
                };
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-{locale}-{viewport}.png"), FullPage = true });
            }

            await Expect(page.Locator("header.top")).ToBeVisibleAsync();
        }

        problems.ShouldBeEmpty();
    }
}
