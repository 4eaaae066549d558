// Source: docs/web.md; expected totals from the SLEDAI-2K weights (Gladman 2002): seizure 8, arthritis 4, fever 1.
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Stroma.Web.Tests.EndToEnd;

public sealed class ScoreFormBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Sledai2k_TickingItems_TotalChangesLive_ThenServerScoresTheSubmit()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync("/score/sledai2k");
        var total = page.Locator("#live-total");
        await Expect(total).ToHaveTextAsync("0");

        await page.GetByLabel("Seizure").CheckAsync();
        await Expect(total).ToHaveTextAsync("8");

        // Keyboard only: focus the arthritis box and press Space.
        await page.GetByLabel("Arthritis").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(total).ToHaveTextAsync("12");

        await page.GetByLabel("Fever").CheckAsync();
        await Expect(total).ToHaveTextAsync("13");
        await page.GetByLabel("Seizure").UncheckAsync();
        await Expect(total).ToHaveTextAsync("5");
        await page.GetByLabel("Seizure").CheckAsync();
        await Expect(total).ToHaveTextAsync("13");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "sledai2k-en-live.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Score", Exact = true }).ClickAsync();
        await Expect(page.Locator("#result-total")).ToHaveTextAsync("13");
        await Expect(page.GetByLabel("Seizure")).ToBeCheckedAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "sledai2k-en-result.png"), FullPage = true });

        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task EveryPage_BothLanguages_RendersWithoutConsoleErrors()
    {
        foreach (var locale in new[] { "en-GB", "zh-CN" })
        {
            var (context, page, errors) = await browser.NewPageAsync(locale);
            await using var _ = context;
            var paths = new[] { "/", "/labs" }.Concat(Stroma.Clinical.Scoring.InstrumentCatalog.All.Select(i => $"/score/{i.Key}"));
            foreach (var path in paths)
            {
                var response = await page.GotoAsync(path);
                response!.Status.ShouldBe(200, path);
                await Expect(page.Locator("h1")).ToBeVisibleAsync();
                var name = path == "/" ? "home" : path.Replace("/score/", "", StringComparison.Ordinal).TrimStart('/');
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "pages", $"{name}-{locale}.png"), FullPage = true });
            }

            errors.ShouldBeEmpty(locale);
        }
    }

    [Fact]
    public async Task Sledai2k_LabPanel_SuggestsThenTheUserConfirmsByTicking()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync("/score/sledai2k");

        await page.Locator("#i-lab\\.platelets").FillAsync("80");
        await page.GetByLabel("Rash").CheckAsync();
        await Expect(page.Locator("#live-total")).ToHaveTextAsync("2");
        await Expect(page.Locator("#live-status")).ToHaveTextAsync(""); // lab fields are not sent as items

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Check labs" }).ClickAsync();
        await Expect(page.Locator("#s-thrombocytopenia")).ToContainTextAsync("Platelets < 100");
        await Expect(page.GetByLabel("Thrombocytopenia")).Not.ToBeCheckedAsync();
        await Expect(page.GetByLabel("Rash")).ToBeCheckedAsync();
        await page.GetByLabel("Thrombocytopenia").CheckAsync();
        await Expect(page.Locator("#live-total")).ToHaveTextAsync("3");
        await page.Locator("#s-thrombocytopenia").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "sledai2k-lab-suggestion.png") });

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Score", Exact = true }).ClickAsync();
        await Expect(page.Locator("#result-total")).ToHaveTextAsync("3");
        await Expect(page.Locator("#result")).ToContainTextAsync("suggested from lab results, confirmed");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "sledai2k-lab-result.png"), FullPage = true });
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task LanguageSwitch_ToChinese_FormInChinese_LiveTotalStillWorks()
    {
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await page.GotoAsync("/score/sledai2k");

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "中文" }).ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator("h1")).ToHaveTextAsync("SLE疾病活动度指数2000（SLEDAI-2K）");
        await page.GetByLabel("狼疮性头痛").CheckAsync();
        await page.GetByLabel("蛋白尿").CheckAsync();
        await page.GetByLabel("低补体").CheckAsync();
        await Expect(page.Locator("#live-total")).ToHaveTextAsync("14");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "sledai2k-zh-live.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByLabel("Lupus headache")).ToBeVisibleAsync();
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Pga_BadValue_LiveStatusAndSubmitShowTheIssue()
    {
        var (context, page, errors) = await browser.NewPageAsync("zh-CN");
        await using var _ = context;
        await page.GotoAsync("/score/pga");
        var field = page.Locator("#i-pga");

        await field.FillAsync("4");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("INP004");
        await Expect(page.Locator("#live-total")).ToHaveTextAsync("–");
        await field.FillAsync("1.5");
        await Expect(page.Locator("#live-total")).ToHaveTextAsync("1.5");
        await field.FillAsync("4");
        await field.PressAsync("Enter");

        await Expect(page.Locator("#error-summary")).ToContainTextAsync("应在 0 至 3 之间");
        await Expect(page.Locator("#error-summary")).ToBeFocusedAsync();
        await Expect(page.Locator("#e-pga")).ToContainTextAsync("INP004");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "pga-zh-error.png"), FullPage = true });
        errors.Where(e => !e.Contains("422", StringComparison.Ordinal)).ShouldBeEmpty();
    }
}
