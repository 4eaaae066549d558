using System.IO.Compression;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Data.Export;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Exports;

/// <summary>
/// The tidy CSV export (as <c>stroma export</c> writes it) of the user's own sites
/// (<see cref="Capability.ReadDeidentified"/>), as one zip. It is de-identified (<see cref="CsvExportOptions.Deidentify"/>)
/// unless the user may read identifiable records (<see cref="Capability.ReadClinical"/>) at every chosen site and asks
/// for identifiable data; a statistician's export is always de-identified. A site outside the user's is refused (403).
/// The same export as FHIR R4 Bulk Data NDJSON (<see cref="Interop.Fhir.FhirExport"/>) when <see cref="Format"/> is <c>fhir</c>.
/// </summary>
[Authorize(Policy = Policies.ReadDeidentified)]
public sealed class IndexModel(StromaDbContext db, ReadDatabase reads, UserAccess access, DataConfiguration configuration) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "site")]
    public IReadOnlyList<string> Selected { get; set; } = [];

    /// <summary>True when the user asks for study ids and birth dates (honoured only with ReadClinical at every site).</summary>
    [BindProperty(SupportsGet = true)]
    public bool Identifiable { get; set; }

    /// <summary>
    /// <c>csv</c> (the tidy CSV tables) or <c>fhir</c> (FHIR R4 Bulk Data NDJSON, one file per resource type, as
    /// <c>stroma export --format fhir</c> writes it): the same sites, the same de-identification.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string Format { get; set; } = "csv";

    /// <summary>The user's sites for exports, and whether each allows an identifiable export.</summary>
    public IReadOnlyList<(string Code, bool Clinical)> Sites { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadSitesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetDownloadAsync(CancellationToken cancellationToken)
    {
        await LoadSitesAsync(cancellationToken);
        if (Format is not ("csv" or "fhir"))
        {
            return BadRequest();
        }

        var chosen = Selected.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (chosen.Any(code => !Sites.Any(s => s.Code == code)))
        {
            return Forbid();
        }

        // Never an empty site list: CsvExportOptions reads an empty list as "every site".
        var sites = chosen.Count > 0 ? chosen : [.. Sites.Select(s => s.Code)];
        if (sites.Count == 0)
        {
            return Forbid();
        }

        var deidentify = !Identifiable || !sites.All(code => Sites.Single(s => s.Code == code).Clinical);
        var folder = Directory.CreateTempSubdirectory("stroma-web-export-");
        var zipPath = folder.FullName + ".zip";
        try
        {
            var options = new CsvExportOptions(sites, deidentify, access.UserName, await reads.ReplicaConfigurationAsync(cancellationToken));
            if (Format == "fhir")
            {
                await Interop.Fhir.FhirExport.WriteAsync(configuration, folder.FullName, options, null, cancellationToken);
            }
            else
            {
                await CsvExport.WriteAsync(configuration, folder.FullName, options, cancellationToken);
            }

            await ZipFile.CreateFromDirectoryAsync(folder.FullName, zipPath, CompressionLevel.Optimal, includeBaseDirectory: false, cancellationToken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var zip = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return File(zip, "application/zip", $"stroma-{(Format == "fhir" ? "fhir" : "export")}-{string.Join('-', sites)}{(deidentify ? "-deidentified" : "")}.zip");
    }

    private async Task LoadSitesAsync(CancellationToken cancellationToken)
    {
        var rows = await db.SitesFor(access, Capability.ReadDeidentified).OrderBy(s => s.Code).Select(s => new { s.Id, s.Code }).ToListAsync(cancellationToken);
        Sites = [.. rows.Select(s => (s.Code, access.Can(Capability.ReadClinical, s.Id)))];
    }
}
