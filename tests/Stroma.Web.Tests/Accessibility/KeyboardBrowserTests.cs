// Source: issue #19 "A clinician's screens": "Forms line up, work with the keyboard alone, show field errors next to the
// field, and keep what was typed when a save is refused." Sign-in, new visit, lab entry and adverse event in Chromium,
// driven by the keyboard only (Tab, typing, Space, Enter).
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Tests.EndToEnd;
using static Microsoft.Playwright.Assertions;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Accessibility;

public sealed class KeyboardBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>The id (or name; "radio:" and the group's name for a radio group, one tab stop) of the focused element, or null outside the form.</summary>
    private const string FocusedKey = """
        form => {
            const e = document.activeElement;
            if (!e || !e.closest(form)) return null;
            return e.type === 'radio' ? 'radio:' + e.name : (e.id || e.name || e.tagName);
        }
        """;

    /// <summary>Every control of the form a person can use: visible, enabled, one per radio group.</summary>
    private const string FormControls = """
        form => [...new Set([...document.querySelector(form).querySelectorAll('input:not([type=hidden]), select, textarea, button')]
            .filter(e => !e.disabled && e.offsetParent !== null)
            .map(e => e.type === 'radio' ? 'radio:' + e.name : (e.id || e.name || e.tagName)))]
        """;

    private const string FocusOutline = "() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; }";

    private static async Task<(Guid Patient, Guid Site)> ArrangeAsync(BrowserFixture browser, string code)
    {
        var patient = Guid.CreateVersion7();
        var siteId = Guid.CreateVersion7();
        await using (var scope = browser.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.Add(new Site { Id = siteId, Code = code, Name = $"Site {code}" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = $"{code}-001", Sex = Sex.Female, BirthYear = 1985, ConsentDate = new DateOnly(2024, 1, 1) });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await browser.Factory.AddUserAsync($"coord.{code.ToLowerInvariant()}", false, (code, SiteRole.Coordinator));
        return (patient, siteId);
    }

    /// <summary>
    /// Presses Tab from the focus' current place through <paramref name="form"/> until the focus leaves it; every control
    /// of the form must have had the focus, each with a visible outline. Returns the order in which they got it.
    /// </summary>
    private static async Task<List<string>> TabThroughAsync(IPage page, string form)
    {
        var expected = await page.EvaluateAsync<string[]>(FormControls, form);
        var order = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var key = await page.EvaluateAsync<string?>(FocusedKey, form);
            if (key is null)
            {
                if (order.Count > 0)
                {
                    break;
                }

                continue;
            }

            (await page.EvaluateAsync<string>(FocusOutline)).ShouldNotStartWith("none", customMessage: $"{form} {key} shows where the focus is");
            if (!order.Contains(key))
            {
                order.Add(key);
            }
        }

        order.ShouldBe(expected, ignoreOrder: true, $"Tab reaches every control of {form}");
        return order;
    }

    /// <summary>Presses Tab until the focus is on <paramref name="selector"/> (each focused element with a visible outline).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 200; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                (await page.EvaluateAsync<string>(FocusOutline)).ShouldNotStartWith("none", customMessage: $"{selector} shows where the focus is");
                return;
            }
        }

        throw new Shouldly.ShouldAssertException($"Tab never reached {selector}");
    }

    /// <summary>
    /// Presses Enter on the focused submit button and waits for the server's answer to the POST (a sign-in hashes a
    /// password: on a loaded build machine that took longer than an assertion's 5 s).
    /// </summary>
    private static async Task SubmitAsync(IPage page) =>
        await page.RunAndWaitForResponseAsync(() => page.Keyboard.PressAsync("Enter"), r => r.Request.Method == "POST", new PageRunAndWaitForResponseOptions { Timeout = 60_000 });

    private static async Task FocusIsOnErrorSummaryAsync(IPage page) =>
        (await page.EvaluateAsync<string?>("() => document.activeElement?.id")).ShouldBe("error-summary", "the focus moves to the error summary");

    private static async Task SignInByKeyboardAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/account/sign-in");
        await TabToAsync(page, "#UserName");
        await page.Keyboard.TypeAsync(user);
        await TabToAsync(page, "#Password");
        await page.Keyboard.TypeAsync(password);
        await TabToAsync(page, "main form button[type=submit]");
        await SubmitAsync(page);
    }

    [Fact]
    public async Task SignIn_KeyboardOnly_WrongPasswordErrorFocusedNameKept_ThenSignedIn()
    {
        await ArrangeAsync(browser, "K1");
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync("/account/sign-in");
        await TabThroughAsync(page, "main form");
        await SignInByKeyboardAsync(page, "coord.k1", "not-the-password");

        await Expect(page.Locator("#error-summary")).ToBeVisibleAsync();
        await FocusIsOnErrorSummaryAsync(page);
        await Expect(page.Locator("#UserName")).ToHaveValueAsync("coord.k1");

        await TabToAsync(page, "#Password");
        await page.Keyboard.TypeAsync(WebFactory.TestPassword);
        await TabToAsync(page, "main form button[type=submit]");
        await SubmitAsync(page);
        await Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("coord.k1");
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task NewVisit_KeyboardOnly_DateBeforeConsentErrorNextToFieldFocusedInputKept_ThenSaved()
    {
        var (patient, _) = await ArrangeAsync(browser, "K2");
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInByKeyboardAsync(page, "coord.k2", WebFactory.TestPassword);
        await Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("coord.k2");

        await page.GotoAsync($"/patients/{patient}/visits/new");
        await TabThroughAsync(page, "#visit-form");
        await page.GotoAsync($"/patients/{patient}/visits/new");

        // The date field starts at today; a date before the patient's consent (2024-01-01) is refused. Typed digit
        // by digit into the browser's date field, day and month alike: the field's order (day or month first) follows the
        // browser's language, not the page's.
        await TabToAsync(page, "#VisitDate");
        await page.Keyboard.TypeAsync("12122023");
        await Expect(page.Locator("#VisitDate")).ToHaveValueAsync("2023-12-12");
        await TabToAsync(page, "#visit-form input[name=Kind]");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "#Type");
        await page.Keyboard.TypeAsync("baseline");
        await TabToAsync(page, "#Notes");
        await page.Keyboard.TypeAsync("Typed by keyboard.");
        await TabToAsync(page, "#visit-form button[type=submit]");
        await SubmitAsync(page);

        var dateError = page.Locator("#visit-form .item:has(#VisitDate) .field-error");
        await Expect(dateError).Not.ToBeEmptyAsync();
        await FocusIsOnErrorSummaryAsync(page);
        await Expect(page.Locator("#visit-form input[name='Kind'][value='Scheduled']")).ToBeCheckedAsync();
        await Expect(page.Locator("#Type")).ToHaveValueAsync("baseline");
        await Expect(page.Locator("#Notes")).ToHaveValueAsync("Typed by keyboard.");
        await Expect(page.Locator("#VisitDate")).ToHaveValueAsync("2023-12-12");

        await TabToAsync(page, "#VisitDate");
        await page.Keyboard.TypeAsync("04042024");
        await Expect(page.Locator("#VisitDate")).ToHaveValueAsync("2024-04-04");
        await TabToAsync(page, "#visit-form button[type=submit]");
        await SubmitAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex("/visits/[0-9a-f-]{36}$"));
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task LabEntry_KeyboardOnly_BadUtcOffsetErrorNextToFieldFocusedValuesKept()
    {
        var (patient, _) = await ArrangeAsync(browser, "K3");
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInByKeyboardAsync(page, "coord.k3", WebFactory.TestPassword);
        await Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("coord.k3");

        await page.GotoAsync($"/patients/{patient}/labs?Panel=Complement");
        await TabThroughAsync(page, "#entry");
        await page.GotoAsync($"/patients/{patient}/labs?Panel=Complement");
        var firstValue = page.Locator("#entry .lab[data-analyte] input[type=text]").First;
        var id = await firstValue.GetAttributeAsync("id");
        await TabToAsync(page, $"[id='{id}']");
        await page.Keyboard.TypeAsync("0.85");
        await TabToAsync(page, "#i-Offset");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("+25:00");
        await TabToAsync(page, "#entry button[type=submit]");
        await SubmitAsync(page);

        await Expect(page.Locator("#entry .lab:has(#i-Offset) .field-error")).ToContainTextAsync("+25:00");
        await FocusIsOnErrorSummaryAsync(page);
        await Expect(page.Locator($"[id='{id}']")).ToHaveValueAsync("0.85");
        await Expect(page.Locator("#i-Offset")).ToHaveValueAsync("+25:00");
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task AdverseEvent_KeyboardOnly_MissingOnsetErrorNextToFieldFocusedTermKept()
    {
        var (patient, _) = await ArrangeAsync(browser, "K4");
        var (context, page, errors) = await browser.NewPageAsync();
        await using var _ = context;
        await SignInByKeyboardAsync(page, "coord.k4", WebFactory.TestPassword);
        await Expect(page.Locator("#signed-in-as")).ToHaveTextAsync("coord.k4");

        await page.GotoAsync($"/patients/{patient}/adverse-event");
        await TabThroughAsync(page, "main form.score-form");
        await page.GotoAsync($"/patients/{patient}/adverse-event");
        await TabToAsync(page, "#Term");
        await page.Keyboard.TypeAsync("Febrile neutropenia");
        await TabToAsync(page, "#save");
        await SubmitAsync(page);

        await Expect(page.Locator("#error-summary")).ToBeVisibleAsync();
        await Expect(page.Locator(".item:has(#Onset) .field-error")).Not.ToBeEmptyAsync();
        await Expect(page.Locator(".item:has(#Grade) .field-error")).Not.ToBeEmptyAsync();
        await FocusIsOnErrorSummaryAsync(page);
        await Expect(page.Locator("#Term")).ToHaveValueAsync("Febrile neutropenia");
        errors.ShouldBeEmpty();
    }
}
