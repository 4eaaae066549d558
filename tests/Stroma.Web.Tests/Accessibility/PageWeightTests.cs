// Source: issue #19 "Quality bar": "no page sends more than 500 KB (the study report page now sends 680 KB of inline
// PNGs: serve charts as SVG or cached images)".
using AngleSharp.Html.Parser;
using Stroma.Web.Tests.Localization;

namespace Stroma.Web.Tests.Accessibility;

/// <summary>
/// Every page the key-leak walk visits (<see cref="PageWalkFixture.Pages"/>, the demo registry, both languages), weighed
/// as a first visit with an empty cache: the document and each same-origin stylesheet, script and image it names.
/// </summary>
public sealed class PageWeightTests(PageWalkFixture fixture) : IClassFixture<PageWalkFixture>
{
    /// <summary>The bar: 500 KB (500 × 1024 bytes) per page.</summary>
    public const int Limit = 500 * 1024;

    public static TheoryData<string> LanguagesData() => [.. PageWalkFixture.Languages];

    [Theory]
    [MemberData(nameof(LanguagesData))]
    public async Task EveryPage_FirstVisit_SendsUnder500KB(string language)
    {
        var parser = new HtmlParser();
        var heavy = new List<string>();
        var pages = 0;
        var heaviest = (Path: "", Bytes: 0L);
        foreach (var (user, path) in fixture.Pages())
        {
            var client = fixture.Client(user, language);
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }

            pages++;
            var html = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            long bytes = html.Length;
            var document = await parser.ParseDocumentAsync(System.Text.Encoding.UTF8.GetString(html));
            var resources = document.QuerySelectorAll("img[src], script[src], link[rel=stylesheet][href]")
                .Select(e => e.GetAttribute("src") ?? e.GetAttribute("href")!)
                .Where(u => u.StartsWith('/') && !u.StartsWith("//", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal);
            foreach (var resource in resources)
            {
                using var sub = await client.GetAsync(new Uri(resource, UriKind.Relative), TestContext.Current.CancellationToken);
                ((int)sub.StatusCode).ShouldBe(200, $"{path} names {resource}");
                bytes += (await sub.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length;
            }

            if (bytes > heaviest.Bytes)
            {
                heaviest = (path, bytes);
            }

            if (bytes >= Limit)
            {
                heavy.Add($"{language} {user} {path}: {bytes / 1024} KB");
            }
        }

        pages.ShouldBeGreaterThan(40);
        TestContext.Current.TestOutputHelper?.WriteLine($"{pages} pages; heaviest {heaviest.Path}: {heaviest.Bytes / 1024} KB");
        heavy.ShouldBeEmpty();
    }
}
