// Source: issue #8 "lab import upload with the reject report"; the file format is `stroma import labs`
// (src/Stroma.Data/Labs/LabImport.cs; docs/web.md "Lab entry and lab import"). Creatinine 1 mg/dL = 88.4 µmol/L
// (AMA table, docs/labs.md).
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Tests.LabEntry;
using LabFlag = Stroma.Clinical.Labs.LabFlag;

namespace Stroma.Web.Tests.LabImport;

public sealed partial class LabImportUploadTests
{
    private const string Header = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string site, string csv, bool partial = false)
    {
        var page = await client.GetStringAsync(new Uri("/labs/import", UriKind.Relative), Ct);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Html.Token(page)), "__RequestVerificationToken" },
            { new StringContent(site), "Site" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "Upload", "labs.csv" },
        };
        if (partial)
        {
            form.Add(new StringContent("true"), "StorePartial");
        }

        return await client.PostAsync(new Uri("/labs/import", UriKind.Relative), form, Ct);
    }

    private static async Task<List<LabResult>> ResultsAsync(WebFactory factory)
    {
        await using var scope = factory.Scope();
        return await scope.ServiceProvider.GetRequiredService<StromaDbContext>().LabResults.AsNoTracking().ToListAsync(Ct);
    }

    [Fact]
    public async Task Upload_HappyPath_StoresConvertedRowsAndOneAuditEntry()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        (await client.GetStringAsync(new Uri("/labs/import", UriKind.Relative), Ct)).ShouldContain("<option value=\"A\">A · Site A</option>");

        using var response = await UploadAsync(client, "A", Header
            + "A,A-001,2024-03-01,creatinine,1.5,mg/dL,0.6-1.2,LAB,2024-03-01T08:30:00+08:00\n"
            + "A,A-001,,c3,0.5,g/L,,,2024-03-01T08:30:00+08:00\n");
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("Import stored");
        html.ShouldContain("<dd data-count=\"inserted\">2</dd>");
        html.ShouldContain("<dd data-count=\"rejected\">0</dd>");

        var rows = await ResultsAsync(factory);
        rows.Count.ShouldBe(2);
        var creatinine = rows.Single(r => r.Analyte == "creatinine");
        creatinine.NormalisedValue.ShouldBe(132.6m);
        creatinine.Flag.ShouldBe(LabFlag.High);
        creatinine.VisitId.ShouldBe(seed.VisitA);
        creatinine.LaboratoryId.ShouldBe(seed.LabA);
        rows.Single(r => r.Analyte == "c3").Flag.ShouldBe(LabFlag.Low);

        await using var scope = factory.Scope();
        var audit = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().AuditEntries.AsNoTracking()
            .Where(a => a.Entity == nameof(LabResult)).ToListAsync(Ct);
        audit.ShouldNotBeEmpty();
        audit.ShouldContain(a => a.UserName == "coord" && a.Action == "import" && a.EntityKey == "import labs.csv" && a.NewValue!.Contains("\"inserted\":2"));
    }

    [Fact]
    public async Task Upload_BadRow_AllOrNothingWritesNothing_RejectReportListsIt()
    {
        await using var factory = new WebFactory();
        await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        using var response = await UploadAsync(client, "A", Header
            + "A,A-001,,creatinine,90,umol/L,,,2024-03-01T08:30:00+08:00\n"
            + "A,A-001,,c3,abc,g/L,,,2024-03-01T08:30:00+08:00\n");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("Nothing stored");
        html.ShouldContain("<dd data-count=\"rejected\">1</dd>");
        html.ShouldContain("<tr><td>3</td><td lang=\"en\">value</td><td>abc</td><td lang=\"en\">LAB004:");
        (await ResultsAsync(factory)).ShouldBeEmpty();

        var link = RejectLink().Match(html);
        link.Success.ShouldBeTrue();
        var csv = await client.GetStringAsync(new Uri(link.Groups[1].Value, UriKind.Relative), Ct);
        csv.ShouldStartWith("line,field,value,reason");
        csv.ShouldContain("3,value,abc,\"LAB004: Complement C3");

        // Only its uploader may download it.
        using var other = await factory.SignedInAsync("coord2");
        using var refused = await other.GetAsync(new Uri(link.Groups[1].Value, UriKind.Relative), Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Upload_OtherSitesPatient_RejectedNeverWritten_EvenPartial()
    {
        await using var factory = new WebFactory();
        await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        using var response = await UploadAsync(client, "A", Header
            + "A,A-001,,c3,0.9,g/L,,,2024-03-01T08:30:00+08:00\n"
            + "B,B-001,,c3,0.9,g/L,,,2024-03-01T08:30:00+08:00\n"
            + "A,B-001,,c3,0.9,g/L,,,2024-03-01T08:30:00+08:00\n", partial: true);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("<dd data-count=\"inserted\">1</dd>");
        html.ShouldContain("<dd data-count=\"rejected\">2</dd>");
        html.ShouldContain("this import is for site A only");
        html.ShouldContain("Patient \"B-001\" is not registered at site A.");
        var rows = await ResultsAsync(factory);
        rows.Count.ShouldBe(1);
        await using var scope = factory.Scope();
        var a001 = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Patients.Where(p => p.StudyId == "A-001").Select(p => p.Id).SingleAsync(Ct);
        rows.Single().PatientId.ShouldBe(a001);
    }

    [Fact]
    public async Task Upload_ForASiteTheUserMayNotEdit_RefusedAndNothingWritten()
    {
        await using var factory = new WebFactory();
        await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync("coord");
        using var response = await UploadAsync(client, "B", Header + "B,B-001,,c3,0.9,g/L,,,2024-03-01T08:30:00+08:00\n");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ResultsAsync(factory)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("monitor")]
    [InlineData("stats")]
    public async Task Upload_WithoutEditRights_Forbidden(string user)
    {
        await using var factory = new WebFactory();
        await LabSeed.SeedAsync(factory);
        using var client = await factory.SignedInAsync(user);
        using var get = await client.GetAsync(new Uri("/labs/import", UriKind.Relative), Ct);
        get.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var token = Html.Token(await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("A"), "Site" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(Header + "A,A-001,,c3,0.9,g/L,,,2024-03-01T08:30:00+08:00\n")), "Upload", "labs.csv" },
        };
        using var post = await client.PostAsync(new Uri("/labs/import", UriKind.Relative), form, Ct);
        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ResultsAsync(factory)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_TooLarge_ClearMessage()
    {
        await using var factory = new WebFactory();
        await LabSeed.SeedAsync(factory);
        await using var limited = factory.WithWebHostBuilder(b => b.UseSetting("lab-import-max-bytes", "100"));
        using var client = limited.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using (await Html.PostFormAsync(client, "/account/sign-in", ("UserName", "coord"), ("Password", WebFactory.TestPassword)))
        {
        }

        using var response = await UploadAsync(client, "A", Header + string.Concat(Enumerable.Repeat("A,A-001,,c3,0.9,g/L,,,2024-03-01T08:30:00+08:00\n", 5)));
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("File \"labs.csv\" is 0 MB; the largest file accepted is 0 MB.");
        (await ResultsAsync(factory)).ShouldBeEmpty();
    }

    [GeneratedRegex("href=\"(/labs/import/rejects/[0-9a-f-]+)\"")]
    private static partial Regex RejectLink();
}
