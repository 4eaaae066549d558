using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Labs;
using Stroma.Web.Hosting;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.LabImport;

/// <summary>
/// Lab import upload (issue #8): a CSV in the <c>stroma import labs</c> format for ONE site the user may edit, run
/// through the same <see cref="Data.Labs.LabImport"/> (same normaliser, same rows, one transaction, one audit entry):
/// all or nothing unless "partial" is ticked. Site isolation: only the chosen site's patients, visits and laboratories
/// are looked up, and a row naming another site (or a patient not registered at the chosen site) is a reject, never
/// written. Shows the counts and the reject report (line, field, value, reason), downloadable as CSV. Files over the
/// <c>lab-import-max-bytes</c> setting (default <see cref="DefaultMaxBytes"/>) are refused with a clear message.
/// </summary>
[Authorize(Policy = Policies.EditClinical)]
[RequestSizeLimit(RequestLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestLimit)]
public sealed class UploadModel(StromaDbContext db, UserAccess access, IConfiguration configuration, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    /// <summary>The default largest file accepted: 20 MiB (about 200 000 rows).</summary>
    public const long DefaultMaxBytes = 20L * 1024 * 1024;

    /// <summary>The request limit, above any sensible file limit so that the page can say why a file is too large.</summary>
    private const long RequestLimit = 256L * 1024 * 1024;

    /// <summary>The reject rows shown on the page (the CSV has them all).</summary>
    public const int ShownRejects = 500;

    /// <summary>The chosen site's code.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Site { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public bool StorePartial { get; set; }

    public IReadOnlyList<(string Code, string Name)> Sites { get; private set; } = [];

    public LabImportResult? Result { get; private set; }

    public IReadOnlyList<LabImportReject> Rejects { get; private set; } = [];

    public Guid? RejectToken { get; private set; }

    public long MaxBytes => configuration.GetValue<long?>("lab-import-max-bytes") ?? DefaultMaxBytes;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadSitesAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var code = Site?.Trim() ?? "";
        var site = await db.SitesFor(access, Capability.ReadClinical).AsNoTracking().Where(s => s.Code == code)
            .Select(s => new { s.Id, s.Code }).SingleOrDefaultAsync(cancellationToken);
        await LoadSitesAsync(cancellationToken);
        if (site is null)
        {
            return code.Length == 0 ? Invalid(nameof(Site), text["labimport.site_required"]) : NotFound();
        }

        if (AccessRefusal.AtSite(access, site.Id) is { } refused)
        {
            return refused;
        }

        if (Upload is null || Upload.Length == 0)
        {
            return Invalid(nameof(Upload), text["labimport.file_required"]);
        }

        if (Upload.Length > MaxBytes)
        {
            return Invalid(nameof(Upload), text["labimport.too_large", Upload.FileName, Megabytes(Upload.Length), Megabytes(MaxBytes)]);
        }

        var rejects = new List<LabImportReject>();
        try
        {
            await using var stream = Upload.OpenReadStream();
            Result = await Data.Labs.LabImport.RunAsync(db, stream, Path.GetFileName(Upload.FileName), TextWriter.Null, SiteLabRanges.Normaliser(configuration["lab-ranges"]),
                new LabImportOptions { Partial = StorePartial, OnlySite = site.Code, Rejects = rejects, RangeLabId = SiteLabRanges.LabId }, null, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return Invalid(nameof(Upload), text["labimport.bad_file", Upload.FileName, e.Message]);
        }
        catch (CsvHelper.CsvHelperException e)
        {
            return Invalid(nameof(Upload), text["labimport.bad_file", Upload.FileName, e.Message.Split('\n')[0]]);
        }

        if (Result.Refused)
        {
            var problems = string.Join(" ", Result.FileIssues.Select(i => $"{i.Code}: {i.Message}"));
            Result = null;
            return Invalid(nameof(Upload), text["labimport.bad_file", Upload.FileName, problems]);
        }

        Rejects = rejects;
        if (rejects.Count > 0)
        {
            RejectToken = RejectReports.Keep(access.UserName, rejects, clock.GetUtcNow());
        }

        return Page();
    }

    private PageResult Invalid(string field, string message)
    {
        ModelState.AddModelError(field, message);
        return Page();
    }

    private static string Megabytes(long bytes) => (bytes / (1024m * 1024m)).ToString("0.##", CultureInfo.InvariantCulture);

    private async Task LoadSitesAsync(CancellationToken cancellationToken) =>
        Sites = [.. (await db.SitesFor(access, Capability.EditClinical).AsNoTracking().OrderBy(s => s.Code)
            .Select(s => new { s.Code, s.Name }).ToListAsync(cancellationToken)).Select(s => (s.Code, s.Name))];
}
