using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Audit;
using Stroma.Data.Report;
using Stroma.Reporting;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Reports;

/// <summary>
/// The study report (as <c>stroma report study</c> builds it) on screen with its charts, and as PDF or CSV, over the
/// sites where the user has <see cref="Capability.ReadDeidentified"/> only: by default all of them, or the ones chosen.
/// Asking for a site outside them is refused (403), never answered with an empty or a whole-registry report. A protocol
/// may be chosen (a template or a stored protocol): the cohort is then the patients enrolled on it; an unknown one is 400.
/// The report holds aggregates only; its per-patient chart is drawn without labels.
/// </summary>
[Authorize(Policy = Policies.ReadDeidentified)]
public sealed class IndexModel(StromaDbContext db, ReadDatabase reads, ReportCache cache, UserAccess access, IConfiguration configuration) : PageModel
{
    /// <summary>The configuration key naming the PDF's font folder (DejaVuSans.ttf, DejaVuSans-Bold.ttf, wqy-zenhei.ttc); unset: Debian's font folders.</summary>
    public const string FontsKey = "Reports:Fonts";

    /// <summary>Site codes chosen (query <c>site</c>, repeatable); empty: every site the user may report on.</summary>
    [BindProperty(SupportsGet = true, Name = "site")]
    public IReadOnlyList<string> Selected { get; set; } = [];

    /// <summary>Protocol chosen (query <c>protocol</c>): the cohort is the patients enrolled on it; empty: every patient.</summary>
    [BindProperty(SupportsGet = true, Name = "protocol")]
    public string? Protocol { get; set; }

    /// <summary>The protocols a report can be restricted to (templates, then the registry's stored protocols), key and name.</summary>
    public IReadOnlyList<(string Key, string Name)> Protocols { get; private set; } = [];

    /// <summary>The user's own sites (codes) for the report.</summary>
    public IReadOnlyList<string> Sites { get; private set; } = [];

    public StudyReport? Report { get; private set; }

    public IReadOnlyList<ReportChart> Charts { get; private set; } = [];

    private ReportBuild? built;

    /// <summary>The report's language: the user's (the culture cookie or the browser's), so the PDF, charts and methods read as the page does.</summary>
    public static ReportLanguage Language => ReportLanguage.For(System.Globalization.CultureInfo.CurrentUICulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await BuildAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        Charts = built!.Charts(Language);
        return Page();
    }

    public async Task<IActionResult> OnGetPdfAsync(CancellationToken cancellationToken) =>
        await DownloadAsync(ReportFormat.Pdf, "application/pdf", "pdf", cancellationToken);

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken) =>
        await DownloadAsync(ReportFormat.Csv, "text/csv; charset=utf-8", "csv", cancellationToken);

    private async Task<IActionResult> DownloadAsync(ReportFormat format, string contentType, string extension, CancellationToken cancellationToken)
    {
        if (await BuildAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        var output = new MemoryStream();
        try
        {
            await ReportWriters.WriteAsync(Report!, format, output, Language, configuration[FontsKey], cancellationToken);
        }
        catch (ReportFontMissingException missing)
        {
            // An installation problem, said plainly (which font, which package) rather than as an unexpected error.
            return new ObjectResult(new ProblemDetails { Title = "Report font not installed", Detail = missing.Message, Status = StatusCodes.Status503ServiceUnavailable })
            {
                StatusCode = StatusCodes.Status503ServiceUnavailable,
            };
        }

        await AuditTrail.AppendAccessAsync(db, "export", "study-report", new Dictionary<string, object?>
        {
            ["sites"] = Report!.Sites,
            ["format"] = extension,
        }, cancellationToken);
        output.Position = 0;
        return File(output, contentType, $"study-report-{string.Join('-', Report!.Sites)}.{extension}");
    }

    /// <summary>Checks the chosen sites against the user's, then builds the report; a refusal when any is not theirs.</summary>
    private async Task<IActionResult?> BuildAsync(CancellationToken cancellationToken)
    {
        // Reads may go to the read replica (docs/operations.md "Read replicas"); the export's audit entry goes to the primary.
        var data = await reads.ContextAsync(cancellationToken);
        Sites = await data.SitesFor(access, Capability.ReadDeidentified).OrderBy(s => s.Code).Select(s => s.Code).ToListAsync(cancellationToken);
        var chosen = Selected.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (chosen.Any(code => !Sites.Contains(code, StringComparer.Ordinal)))
        {
            return Forbid();
        }

        // Never an empty site list: StudyReportOptions reads an empty list as "every site".
        var sites = chosen.Count > 0 ? chosen : [.. Sites];
        if (sites.Count == 0)
        {
            return Forbid();
        }

        Selected = sites;
        var stored = await data.Protocols.AsNoTracking().ToDictionaryAsync(p => p.Key, p => p.Name, StringComparer.Ordinal, cancellationToken);
        Protocols = [.. (await StudyReportBuilder.KnownProtocolsAsync(data, cancellationToken))
            .Select(key => (key, stored.TryGetValue(key, out var name) ? name : Stroma.Clinical.CellTherapy.ProtocolTemplates.Find(key)?.Name ?? key))];
        Protocol = string.IsNullOrWhiteSpace(Protocol) ? null : Protocol.Trim();
        if (Protocol is not null && !Protocols.Any(p => p.Key == Protocol))
        {
            return BadRequest(StudyReportBuilder.UnknownProtocolMessage(Protocol, [.. Protocols.Select(p => p.Key)]));
        }

        // The report comes from the cache (ReportCache, docs/web.md "Report cache"): shared with identical requests, and
        // never older than the registry's state now, read on the primary, where this browser's own saves were committed.
        var marker = await RegistryMarker.ReadAsync(db, cancellationToken);
        built = await cache.GetAsync(new ReportScope(Sites, sites, Protocol), marker, cancellationToken);
        Report = built.Report;
        return null;
    }

    /// <summary>A number with <paramref name="decimals"/> decimals (invariant), or an en dash when missing.</summary>
    public static string Number(double? value, int decimals = 2) =>
        value is { } v ? v.ToString("F" + decimals.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) : "–";

    /// <summary>A p-value as reports print it (p &lt; 0.001 below that).</summary>
    public static string P(double? p) => p switch
    {
        null => "–",
        < 0.001 => "< 0.001",
        _ => Number(p, 3),
    };

    public static string Percent(double value) => (value * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    /// <summary>The query string of the current site selection, for the download links.</summary>
    public string SiteQuery() => string.Join('&', Selected.Select(s => "site=" + Uri.EscapeDataString(s))
        .Concat(Protocol is null ? [] : ["protocol=" + Uri.EscapeDataString(Protocol)]));
}
