// Source: issue #23 ("docs/web.md's 'Not yet built' lists pages that exist ... a test keeps docs true"): every page's
// route is described in docs/web.md.
using System.Text.RegularExpressions;

namespace Stroma.Web.Tests.Docs;

public sealed partial class WebDocsTests
{
    [Fact]
    public void WebDoc_EveryPageRoute_IsDescribed()
    {
        var features = Path.Combine(RepositoryRoot.Path, "src", "Stroma.Web", "Features");
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "web.md"));
        var routes = Directory.EnumerateFiles(features, "*.cshtml", SearchOption.AllDirectories)
            .Select(f => PageDirective().Match(File.ReadAllText(f)))
            .Where(m => m.Success)
            .Select(m => Constraint().Replace(m.Groups[1].Value, "$1$2}"))
            .ToList();

        routes.Count.ShouldBeGreaterThan(20);
        // The route as a whole word of the page: after a backtick or a space, before a backtick, a space or a query.
        routes.Where(r => !Regex.IsMatch(doc, $"(?<=[` ]){Regex.Escape(r)}(?=[` ?])"))
            .ShouldBeEmpty("pages missing from docs/web.md");
    }

    [GeneratedRegex("^@page\\s+\"([^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex PageDirective();

    // "{id:guid}" → "{id}", "{assessmentId:guid?}" → "{assessmentId?}", "{code:int}" → "{code}".
    [GeneratedRegex(@"(\{[A-Za-z]+):[a-z]+(\??)\}")]
    private static partial Regex Constraint();
}
