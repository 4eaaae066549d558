// Source: issue #8 "Reports, exports, audit" and docs/web.md (Reports, Exports, Audit trail, Patient list): the study
// report and the CSV export only over the user's own sites; a statistician's export de-identified; the audit trail of a
// patient's records for ReadAudit at its site, 404 elsewhere. Data: Stroma.Data's DemoRegistry (sites S1–S4, CR).
using System.IO.Compression;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Model;

namespace Stroma.Web.Tests.Reports;

/// <summary>A demo registry (8 cohort patients over sites S1–S4) and one account per role at site S1.</summary>
public sealed class DemoRegistryFixture : IAsyncLifetime
{
    public WebFactory Factory { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await using (var scope = Factory.Scope())
        {
            await DemoRegistry.CreateAsync(scope.ServiceProvider.GetRequiredService<StromaDbContext>(), new DemoOptions(Patients: 8, Seed: 3));
        }

        await Factory.AddUserAsync("investigator", false, ("S1", SiteRole.Investigator));
        await Factory.AddUserAsync("monitor", false, ("S1", SiteRole.Monitor));
        await Factory.AddUserAsync("statistician", false, ("S1", SiteRole.Statistician));
        await Factory.AddUserAsync("admin", administrator: true);
    }

    public async Task<List<(Guid Id, string Site, string StudyId)>> PatientsAsync()
    {
        await using var scope = Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        return [.. (await db.Patients.Select(p => new { p.Id, p.Site!.Code, p.StudyId }).ToListAsync()).Select(p => (p.Id, p.Code, p.StudyId))];
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class ReportsExportsAuditTests(DemoRegistryFixture fixture) : IClassFixture<DemoRegistryFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Uri U(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task Report_OwnSite_RendersWithChartsAndOnlyThatSite()
    {
        using var client = await fixture.Factory.SignedInAsync("statistician");

        var html = await client.GetStringAsync(U("/reports"), Ct);

        html.ShouldContain("id=\"study-report\"");
        html.ShouldContain("Sites: S1.");
        html.ShouldContain("<img src=\"data:image/svg+xml;base64,");
        html.ShouldContain("data-chart=\"km_overall_survival\"");
        foreach (var p in await fixture.PatientsAsync())
        {
            html.ShouldNotContain(p.StudyId);
        }
    }

    [Theory]
    [InlineData("/reports?site=S2")]
    [InlineData("/reports?site=S1&site=S2")]
    [InlineData("/reports?site=S2&handler=Pdf")]
    [InlineData("/reports?site=S2&handler=Csv")]
    [InlineData("/reports?site=NOSUCH")]
    [InlineData("/exports?site=S2&handler=Download")]
    public async Task ReportOrExport_OtherSite_Refused(string path)
    {
        using var client = await fixture.Factory.SignedInAsync("investigator");

        using var response = await client.GetAsync(U(path), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Report_Protocol_CohortIsItsEnrolmentsAndUnknownIsBadRequest()
    {
        using var client = await fixture.Factory.SignedInAsync("statistician");
        int enrolledOnWang;
        await using (var scope = fixture.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            enrolledOnWang = await db.ProtocolEnrolments.Where(e => e.ProtocolKey == "wang_2014" && e.Patient!.Site!.Code == "S1").Select(e => e.PatientId).Distinct().CountAsync(Ct);
        }

        var page = await client.GetStringAsync(U("/reports?site=S1&protocol=seed_case_1"), Ct);
        var wang = await client.GetStringAsync(U("/reports?site=S1&protocol=wang_2014&handler=Csv"), Ct);
        var case1 = await client.GetStringAsync(U("/reports?site=S1&protocol=seed_case_1&handler=Csv"), Ct);
        using var unknown = await client.GetAsync(U("/reports?site=S1&protocol=wang_2041"), Ct);

        enrolledOnWang.ShouldBeGreaterThan(0);
        wang.ShouldContain($"flow,registered,,n,{enrolledOnWang}");
        wang.ShouldContain($"flow,treated,,n,{enrolledOnWang}");
        case1.ShouldContain("flow,registered,,n,0");
        page.ShouldContain("<option value=\"seed_case_1\" selected=\"selected\">");
        page.ShouldContain("protocol=seed_case_1", Case.Sensitive, "the download links keep the chosen protocol");
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadAsStringAsync(Ct)).ShouldContain("Unknown protocol 'wang_2041'");
    }

    [Fact]
    public async Task Report_PdfAndCsv_DownloadedForOwnSite()
    {
        using var client = await fixture.Factory.SignedInAsync("monitor");

        using var pdf = await client.GetAsync(U("/reports?site=S1&handler=Pdf"), Ct);
        using var csv = await client.GetAsync(U("/reports?site=S1&handler=Csv"), Ct);

        pdf.StatusCode.ShouldBe(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        (await pdf.Content.ReadAsByteArrayAsync(Ct))[..5].ShouldBe("%PDF-"u8.ToArray());
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await csv.Content.ReadAsStringAsync(Ct)).ShouldStartWith("section,");
    }

    [Fact]
    public async Task Export_Statistician_DeidentifiedOwnSiteOnlyNoStudyIds()
    {
        using var client = await fixture.Factory.SignedInAsync("statistician");

        // Asking for identifiable data changes nothing for a statistician.
        var files = await DownloadAsync(client, "/exports?handler=Download&identifiable=true");

        var patients = await fixture.PatientsAsync();
        var all = string.Join("\n", files.Values);
        foreach (var p in patients)
        {
            all.ShouldNotContain(p.StudyId);
            all.ShouldNotContain(p.Id.ToString("D"));
        }

        files["visits.csv"].ShouldStartWith("site,patient_key,id,");
        files["visits.csv"].Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ShouldAllBe(l => l.StartsWith("S1,", StringComparison.Ordinal));
        files["patients.csv"].Split("\r\n")[0].Split(',').ShouldNotContain("birth_date");
        files["patients.csv"].Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1 + patients.Count(p => p.Site == "S1"));
    }

    [Fact]
    public async Task Export_InvestigatorAsksIdentifiable_StudyIdsOfOwnSiteOnly()
    {
        using var client = await fixture.Factory.SignedInAsync("investigator");

        var files = await DownloadAsync(client, "/exports?handler=Download&site=S1&identifiable=true");

        var all = string.Join("\n", files.Values);
        foreach (var p in await fixture.PatientsAsync())
        {
            if (p.Site == "S1")
            {
                all.ShouldContain(p.StudyId);
            }
            else
            {
                all.ShouldNotContain(p.StudyId);
            }
        }
    }

    [Fact]
    public async Task Export_FhirFormat_BulkNdjsonOfOwnSiteDeidentifiedForStatistician()
    {
        using var statistician = await fixture.Factory.SignedInAsync("statistician");
        using var investigator = await fixture.Factory.SignedInAsync("investigator");

        var deidentified = await DownloadAsync(statistician, "/exports?handler=Download&format=fhir&identifiable=true");
        var identifiable = await DownloadAsync(investigator, "/exports?handler=Download&format=fhir&site=S1&identifiable=true");

        var patients = await fixture.PatientsAsync();
        var own = patients.Where(p => p.Site == "S1").ToList();
        deidentified.Keys.ShouldContain("Patient.ndjson");
        deidentified.Keys.ShouldAllBe(k => k.EndsWith(".ndjson", StringComparison.Ordinal));
        deidentified["Patient.ndjson"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(own.Count);
        var all = string.Join("\n", deidentified.Values);
        patients.ShouldAllBe(p => !all.Contains(p.StudyId, StringComparison.Ordinal) && !all.Contains(p.Id.ToString("D"), StringComparison.Ordinal));
        var named = string.Join("\n", identifiable.Values);
        own.ShouldAllBe(p => named.Contains(p.Id.ToString("D"), StringComparison.Ordinal));
        patients.Where(p => p.Site != "S1").ShouldAllBe(p => !named.Contains(p.Id.ToString("D"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_MonitorOwnSitePatient_ShowsEntriesWithReason_OtherSite404()
    {
        var patients = await fixture.PatientsAsync();
        var own = patients.First(p => p.Site == "S1" && p.StudyId.StartsWith("S1-", StringComparison.Ordinal));
        var other = patients.First(p => p.Site == "S2");
        await using (var scope = fixture.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var visit = await db.Visits.FirstAsync(v => v.PatientId == own.Id, Ct);
            visit.Notes = "note for the audit test";
            db.ChangeReason = "Source document check 42";
            await db.SaveChangesAsync(Ct);
        }

        using var client = await fixture.Factory.SignedInAsync("monitor");

        var timeline = await client.GetStringAsync(U($"/patients/{own.Id}"), Ct);
        var html = await client.GetStringAsync(U($"/patients/{own.Id}/audit"), Ct);
        using var refused = await client.GetAsync(U($"/patients/{other.Id}/audit"), Ct);

        timeline.ShouldContain($"href=\"/patients/{own.Id}/audit\"");
        html.ShouldContain("Source document check 42");
        html.ShouldContain("note for the audit test");
        html.ShouldContain(">Visit<");
        html.ShouldContain(">Changed<"); // the action "update" in words (issue #19)
        refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Audit_Statistician_Refused()
    {
        var own = (await fixture.PatientsAsync()).First(p => p.Site == "S1");
        using var client = await fixture.Factory.SignedInAsync("statistician");

        using var response = await client.GetAsync(U($"/patients/{own.Id}/audit"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AdminAudit_Administrator_SeesMembershipsNotClinicalRecords()
    {
        using var client = await fixture.Factory.SignedInAsync("admin");

        var html = await client.GetStringAsync(U("/admin/audit?entity=Membership"), Ct);

        html.ShouldContain(">Membership<");
        html.ShouldNotContain(">Visit<");
        html.ShouldNotContain(">Patient<");
    }

    private static async Task<Dictionary<string, string>> DownloadAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(U(path), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/zip");
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        var files = new Dictionary<string, string>();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            files[entry.FullName] = await reader.ReadToEndAsync(Ct);
        }

        return files;
    }
}
