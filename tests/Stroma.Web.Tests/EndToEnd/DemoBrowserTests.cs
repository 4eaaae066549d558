// Source: docs/web.md (demo mode, sign-in, patient list); the demo registry is Stroma.Data's DemoRegistry.
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Web.Tests.Patients;
using static Microsoft.Playwright.Assertions;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class DemoBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Demo_SignInWithTheOneTimePassword_PatientListFiltersBySite_SignOut()
    {
        await using var demo = new DemoFactory();
        demo.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        demo.StartServer();
        var address = demo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };

        await page.GotoAsync("/patients");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
        await page.GetByLabel("用户名").FillAsync("demo");
        await page.GetByLabel("密码").FillAsync(demo.Password);
        await page.GetByLabel("密码").PressAsync("Enter");

        await Expect(page.Locator("#patient-count")).ToHaveTextAsync("46 名患者");
        await page.Locator("#site").SelectOptionAsync("S2");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "筛选" }).ClickAsync();
        await Expect(page.Locator("table.patients tbody tr").First).ToContainTextAsync("S2-");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "patients-zh-demo.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "S2-002" }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("S2-002");
        await Expect(page.Locator("#sledai-chart")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "timeline-zh-demo.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "退出登录" }).ClickAsync();
        await page.GotoAsync("/patients");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/sign-in"));
        errors.ShouldBeEmpty();
    }
}
