// Source: issue #19 "Words people use": "No internal key or code reaches a person ... A test walks every page in both
// languages and fails on any unmapped key pattern (snake_case or enum name in visible text) and on any English text
// left on a zh-CN page outside an allow-list of proper names."
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Hosting;
using Stroma.Web.Tests.Access;
using Stroma.Web.Tests.Patients;

namespace Stroma.Web.Tests.Localization;

/// <summary>
/// The demo registry with one signed-in client per kind of user and language: <c>demo</c> (administrator and
/// investigator at every site), a monitor and a cell-lab QA at every site; and the ids of the demo's records that
/// the route table's paths need, one set per patient walked.
/// </summary>
public class PageWalkFixture : IAsyncLifetime
{
    /// <summary>The patients walked: the seed article's two cases (case 2 has qualitative results), a cohort patient, the one in progress.</summary>
    public static readonly string[] StudyIds = ["CR-001", "CR-002", "S1-001", "DEMO-NOW-1"];

    public static readonly string[] Languages = ["en", "zh-CN"];

    private readonly Dictionary<(string User, string Language), HttpClient> clients = [];

    public DemoFactory Demo { get; } = new();

    /// <summary>Per study id: the ids the route table's paths take, keyed by the patient's site code as their "site".</summary>
    public Dictionary<string, (string Site, Dictionary<string, Guid> Ids)> Records { get; } = [];

    public Guid DemoUserId { get; private set; }

    /// <summary>
    /// Names the registry's people gave (protocol keys and names, site, laboratory and user names, lot numbers): shown as
    /// given in either language, so the checks skip them, longest first.
    /// </summary>
    public List<string> Identifiers { get; } = [];

    public HttpClient Client(string user, string language) => clients[(user, language)];

    /// <summary>
    /// The app's address when it listens on a real socket (set by <see cref="Start"/>; a browser then signs in, no
    /// <see cref="Client(string, string)"/>), or null in memory.
    /// </summary>
    protected Uri? SocketAddress { get; set; }

    /// <summary>Starts the app: in memory here; on a real socket for the browser walk (EndToEnd/AccessibilityBrowserTests).</summary>
    protected virtual void Start(DemoFactory demo) => _ = demo.Services;

    public virtual async ValueTask InitializeAsync()
    {
        Start(Demo);
        await using (var scope = Demo.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var siteIds = await db.Sites.Select(s => s.Id).ToListAsync();
            foreach (var (name, role) in new[] { ("monitor", SiteRole.Monitor), ("qa", SiteRole.CellLabQa) })
            {
                var user = new User { UserName = name, DisplayName = name };
                (await users.CreateAsync(user, WebFactory.TestPassword)).Succeeded.ShouldBeTrue();
                db.Memberships.AddRange(siteIds.Select(s => new Membership { Id = Guid.CreateVersion7(), UserId = user.Id, SiteId = s, Role = role, StartDate = new DateOnly(2000, 1, 1) }));
            }

            await db.SaveChangesAsync();
            DemoUserId = (await users.FindByNameAsync(DemoMode.UserName)).ShouldNotBeNull("the demo account").Id;
            Identifiers.AddRange(await db.Set<ProtocolRecord>().Select(p => p.Key).ToListAsync());
            Identifiers.AddRange(await db.Set<ProtocolRecord>().Select(p => p.Name).ToListAsync());
            Identifiers.AddRange(Stroma.Clinical.CellTherapy.ProtocolTemplates.All.SelectMany(p => new[] { p.Key, p.Name }));
            Identifiers.AddRange(await db.Sites.Select(s => s.Name).ToListAsync());
            Identifiers.AddRange(await db.Laboratories.Select(l => l.Name).ToListAsync());
            Identifiers.AddRange(await db.Users.Select(u => u.UserName!).ToListAsync());
            Identifiers.AddRange(await db.Users.Select(u => u.DisplayName).ToListAsync());
            Identifiers.AddRange(await db.CellLots.Select(l => l.LotNumber).ToListAsync());
            Identifiers.RemoveAll(string.IsNullOrEmpty);
            Identifiers.Sort((a, b) => b.Length.CompareTo(a.Length));
            var lot = await db.CellLots.OrderBy(l => l.LotNumber).Select(l => l.Id).FirstOrDefaultAsync();
            lot.ShouldNotBe(Guid.Empty, "the demo has lots");
            foreach (var studyId in StudyIds)
            {
                var patient = (await db.Patients.Where(p => p.StudyId == studyId).Select(p => new { p.Id, p.Site!.Code }).SingleOrDefaultAsync()).ShouldNotBeNull(studyId);
                var site = patient.Code;
                // A lot belongs to a site (issue #16): the walk opens one of the patient's site's lots.
                var siteLot = await db.CellLots.Where(l => l.Site!.Code == site).OrderBy(l => l.LotNumber).Select(l => l.Id).FirstOrDefaultAsync();
                var ids = new Dictionary<string, Guid> { [$"patient.{site}"] = patient.Id, [$"lot.{site}"] = siteLot == Guid.Empty ? lot : siteLot };
                var assessment = await db.Assessments.Where(a => a.PatientId == patient.Id && a.Instrument == "sledai2k" && a.VisitId != null)
                    .OrderBy(a => a.AssessmentDate).Select(a => new { a.Id, a.VisitId }).FirstOrDefaultAsync();
                var visit = assessment?.VisitId ?? await db.Visits.Where(v => v.PatientId == patient.Id).OrderBy(v => v.VisitDate).Select(v => v.Id).FirstOrDefaultAsync();
                ids[$"visit.{site}"] = visit;
                ids[$"assessment.{site}"] = assessment?.Id ?? Guid.Empty;
                ids[$"query.{site}"] = await db.Queries.Where(q => q.PatientId == patient.Id).Select(q => q.Id).FirstOrDefaultAsync();
                Records[studyId] = (site, ids);
            }
        }

        foreach (var language in SocketAddress is null ? Languages : [])
        {
            clients[("anonymous", language)] = Client(language);
            clients[("demo", language)] = await SignedIn(DemoMode.UserName, Demo.Password, language);
            clients[("monitor", language)] = await SignedIn("monitor", WebFactory.TestPassword, language);
            clients[("qa", language)] = await SignedIn("qa", WebFactory.TestPassword, language);
        }
    }

    /// <summary>Each GET page of the route table, as the first walked user allowed to see it, for each walked patient.</summary>
    public IEnumerable<(string User, string Path)> Pages()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var studyId in PageWalkFixture.StudyIds)
        {
            var (site, ids) = Records[studyId];
            foreach (var rule in RouteAccessTests.Rules.Where(r => r.Method == "GET" && r.Handler is null))
            {
                var path = rule.Path(ids, site);
                if (path.Contains(Guid.Empty.ToString(), StringComparison.Ordinal) && !path.StartsWith("/admin/users/", StringComparison.Ordinal))
                {
                    continue;
                }

                path = path.Replace(Guid.Empty.ToString(), DemoUserId.ToString(), StringComparison.Ordinal);
                var user = rule.Scope == Scope.Public ? "anonymous"
                    : rule.Allowed.Any(a => a is "admin" or "investigator" or "nobody") ? "demo"
                    : rule.Allowed.Contains("monitor") ? "monitor"
                    : rule.Allowed.Contains("qa") ? "qa"
                    : null;
                if (user is not null && seen.Add(path))
                {
                    yield return (user, path);
                }
            }
        }

        // Pages a route-table path does not reach: the unfiltered lists, the register form and the monitor's views.
        foreach (var (user, path) in new[] { ("demo", "/patients"), ("demo", "/worklist"), ("demo", "/queries"), ("qa", "/lots/register"), ("demo", "/reports"), ("demo", "/reports?protocol=s2_car_t_sle"), ("demo", "/score/bilag2004"), ("demo", "/score/sdi") })
        {
            if (seen.Add(path))
            {
                yield return (user, path);
            }
        }

        // The home page shows each role its own sections (issue #19): the monitor's and QA's too.
        yield return ("monitor", "/home");
        yield return ("qa", "/home");

        var (caseSite, caseIds) = Records["CR-002"];
        yield return ("monitor", $"/patients/{caseIds[$"patient.{caseSite}"]}");
    }

    private HttpClient Client(string language)
    {
        var client = Demo.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private async Task<HttpClient> SignedIn(string user, string password, string language)
    {
        var client = Client(language);
        using var response = await Html.PostFormAsync(client, "/account/sign-in", ("UserName", user), ("Password", password));
        ((int)response.StatusCode).ShouldBe(302, $"sign-in as {user}");
        return client;
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        await Demo.DisposeAsync();
    }
}

/// <summary>
/// Walks every page of the route table (<see cref="RouteAccessTests.Rules"/>, each GET page) on the demo registry as a
/// user allowed to see it, in English and Chinese, and reads the text a person sees (text nodes, titles, labels,
/// placeholders; not scripts, styles or form values). Fails on an internal key (snake_case, a PascalCase enum name)
/// in either language, and on English words on a Chinese page, except proper names and abbreviations
/// (<see cref="ProperNames"/>), what a user typed or a source names (inside <c>translate="no"</c>, the HTML way to
/// mark text not to translate) and instrument items still awaiting a reviewed Chinese name (marked
/// <c>untranslated</c>, docs/web.md).
/// </summary>
public sealed partial class KeyLeakTests(PageWalkFixture fixture) : IClassFixture<PageWalkFixture>
{
    /// <summary>Words that stay as they are in Chinese: names of instruments, standards, products, units and abbreviations.</summary>
    private static readonly HashSet<string> ProperNames = new(StringComparer.Ordinal)
    {
        "English", "Stroma", "SLEDAI", "BILAG", "LOINC", "UCUM", "MSC", "CTCAE", "MedDRA", "PostgreSQL", "SQLite", "FHIR", "HL7",
        "eGFR", "CKD", "EPI", "UPCR", "dsDNA", "mmol", "µmol", "umol", "min", "TOTP", "SSO", "OpenID", "Connect", "SpO2",
        "mEq", "kat", "µkat", "ukat", "fL", "pg", "kg", "cm", "IgG", "IgA", "IgM", "CAR", "HEp", "otpauth",
        "Clopper", "Pearson", "Wilcoxon", "Kaplan", "Meier", "Etc", "mg", "mm", "mmHg", "mL", "dL",
        // Cell doses are written in cells (5×10^7 cells, cells/kg), as protocols state them.
        "cells",
        // The SDI's documented input word for "more than one" event (Stroma.Clinical Sdi), typed by the user.
        "more_than_one",
    };

    public static TheoryData<string> LanguagesData() => [.. PageWalkFixture.Languages];

    [Theory]
    [MemberData(nameof(LanguagesData))]
    public async Task EveryPage_VisibleText_NoInternalKeys(string language)
    {
        var found = new List<string>();
        var pages = 0;
        await foreach (var (page, texts) in WalkAsync(language))
        {
            pages++;
            foreach (var (text, _, _) in texts.Where(t => !t.Code))
            {
                foreach (Match m in KeyPattern().Matches(WithoutIdentifiers(text)))
                {
                    if (!ProperNames.Contains(m.Value))
                    {
                        found.Add($"{page}: {m.Value} in \"{Shorten(text)}\"");
                    }
                }
            }
        }

        pages.ShouldBeGreaterThan(40);
        found.Distinct().ShouldBeEmpty();
    }

    [Fact]
    public async Task EveryChinesePage_VisibleText_NoEnglishOutsideProperNames()
    {
        var found = new List<string>();
        var pages = 0;
        await foreach (var (page, texts) in WalkAsync("zh-CN"))
        {
            pages++;
            foreach (var (text, _, _) in texts.Where(t => !t.Exempt && !t.Code))
            {
                foreach (Match m in EnglishWord().Matches(WithoutIdentifiers(text)))
                {
                    if (!ProperNames.Contains(m.Value))
                    {
                        found.Add($"{page}: {m.Value} in \"{Shorten(text)}\"");
                    }
                }
            }
        }

        pages.ShouldBeGreaterThan(40);
        found.Distinct().ShouldBeEmpty();
    }

    private async IAsyncEnumerable<(string Page, List<(string Text, bool Exempt, bool Code)> Texts)> WalkAsync(string language)
    {
        var parser = new HtmlParser();
        foreach (var (user, path) in fixture.Pages())
        {
            var client = fixture.Client(user, language);
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }

            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var document = await parser.ParseDocumentAsync(html);
            yield return ($"{language} {user} {path} ({(int)response.StatusCode})", [.. VisibleText(document)]);
        }
    }

    /// <summary>What a person reads: text nodes outside scripts and styles, and the title, label, placeholder and alt attributes.</summary>
    private static IEnumerable<(string Text, bool Exempt, bool Code)> VisibleText(AngleSharp.Html.Dom.IHtmlDocument document)
    {
        foreach (var node in document.Descendants())
        {
            if (node is IText text && text.ParentElement is { } parent && !Hidden(parent) && !string.IsNullOrWhiteSpace(text.Data))
            {
                yield return (text.Data, Exempt(parent), parent.Closest("code, pre, kbd, samp, textarea") is not null);
            }
            else if (node is IElement element && !Hidden(element))
            {
                foreach (var name in new[] { "title", "aria-label", "placeholder", "alt" })
                {
                    if (element.GetAttribute(name) is { Length: > 0 } value)
                    {
                        yield return (value, Exempt(element), false);
                    }
                }
            }
        }
    }

    private static bool Hidden(IElement element) =>
        element.Closest("script, style, noscript, template") is not null || (element.Closest("head") is not null && element.LocalName != "title");

    /// <summary>Text marked not to translate (user data, names a source gives), or an item marked as awaiting review.</summary>
    private static bool Exempt(IElement element) =>
        element.Closest("[translate=no]") is not null || element.Children.Any(c => c.ClassList.Contains("untranslated")) || element.ClassList.Contains("untranslated");

    private string WithoutIdentifiers(string text)
    {
        // File names and paths (analysis_visits.csv, docs/cell-therapy.md) and the CLI's commands (docs/cli.md) are names.
        text = FileOrCommand().Replace(text, " ");
        foreach (var identifier in fixture.Identifiers.Where(i => text.Contains(i, StringComparison.Ordinal)))
        {
            text = text.Replace(identifier, " ", StringComparison.Ordinal);
        }

        return text;
    }

    private static string Shorten(string text)
    {
        var line = WhiteSpace().Replace(text.Trim(), " ");
        return line.Length <= 80 ? line : line[..80] + "…";
    }

    /// <summary>
    /// snake_case (two or more lowercase parts joined by underscores) or a PascalCase name of two or more words; not a file
    /// name (<c>analysis_visits.csv</c>).
    /// </summary>
    [GeneratedRegex(@"(?<![\w-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+)(?![\w-])(?!\.[a-z]{2,4}\b)")]
    private static partial Regex KeyPattern();

    /// <summary>A word in Latin letters with at least two lowercase letters (abbreviations such as SAE, mL or AE pass).</summary>
    [GeneratedRegex(@"(?<![\p{L}])[A-Za-zµ]*[a-z][A-Za-z]*[a-z][A-Za-z]*(?![\p{L}])")]
    private static partial Regex EnglishWord();

    [GeneratedRegex(@"[\w./-]+\.(?:csv|md|json|zip|pdf)\b|\bstroma(?: [a-z-]+){1,2}(?=”|"")")]
    private static partial Regex FileOrCommand();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
