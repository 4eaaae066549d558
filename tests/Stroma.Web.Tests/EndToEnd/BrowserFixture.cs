using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Stroma.Web.Tests.EndToEnd;

/// <summary>
/// The app on a real loopback socket (Kestrel, port chosen by the OS) and Debian's Chromium driven by Playwright,
/// launched as docs/web.md says (never `playwright install`). Screenshots go to the test output folder.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>
    /// Signs <paramref name="context"/> in by posting the sign-in form through the context's own request API (it shares
    /// the context's cookies), then checks the session cookie. For tests that need a session, not the sign-in's
    /// navigation: waiting on that navigation after a click or Enter hung in CI, on the load event with the browser's
    /// network idle (the accessibility walk twice, the look test once). The keyboard test still signs in by typing.
    /// </summary>
    public static async Task SignInByRequestAsync(IBrowserContext context, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var form = await context.APIRequest.GetAsync("/account/sign-in");
        var token = Html.Token(await form.TextAsync());
        await using var answer = await context.APIRequest.PostAsync("/account/sign-in", new APIRequestContextOptions
        {
            Form = context.APIRequest.CreateFormData()
                .Set("UserName", userName)
                .Set("Password", password)
                .Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        (await context.CookiesAsync()).ShouldContain(c => c.Name == "stroma.auth", $"{userName} is not signed in (the sign-in answered {answer.Status})");
    }

    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public WebFactory Factory { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run `apt-get install -y chromium` (.ci/run does this).");
        }

        Factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        var addresses = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());
        Directory.CreateDirectory(ScreenshotFolder);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A fresh browser context (own cookies) with a page that records console errors (CSP violations land there).</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> ConsoleErrors)> NewPageAsync(string? locale = "en-GB")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return (context, page, errors);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Factory.DisposeAsync();
    }
}
