// Source: issue #23 "One owner per concept": the same CSV got different flags from the web upload (site ranges) and
// from `stroma import labs` (default ranges only). One file is imported through the page and through the CLI (there
// is no HL7 lab import yet) and the stored rows are compared field by field. The ranges file holds illustrative test
// values (not clinical ones); creatinine 1 mg/dL = 88.4 µmol/L (AMA table, docs/labs.md).
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Web.Tests.LabEntry;
using LabFlag = Stroma.Clinical.Labs.LabFlag;

namespace Stroma.Web.Tests.LabImport;

public sealed class LabSurfacesTests
{
    private const string Header = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string File(string site) => Header
        + $"{site},{site}-001,2024-03-01,creatinine,1.5,mg/dL,,LAB,2024-03-01T08:30:00+08:00\n"
        + $"{site},{site}-001,2024-03-01,hemoglobin,16.1,g/dL,,LAB,2024-03-01T08:30:00+08:00\n"
        + $"{site},{site}-001,,c3,0.5,g/L,0.9-1.8,LAB,2024-03-01T08:30:00+08:00\n"
        + $"{site},{site}-001,,c4,\"<0.02\",g/L,,LAB,2024-03-01T08:30:00+08:00\n"
        + $"{site},{site}-001,,urine_protein_dipstick,2+,,,LAB,2024-03-01T08:30:00+08:00\n"
        + $"{site},{site}-001,,bun,12,mg/dL,,LAB,2024-03-01T08:30:00+08:00\n"
        + $"{site},{site}-001,,creatinine,11,mg/L,,,2024-03-02T08:30:00+08:00\n"
        + $"{site},{site}-001,,albumin,30,g/L,,,2024-03-02T08:30:00+08:00\n";

    [Fact]
    public async Task OneFile_ThroughTheUploadPageAndTheCli_StoresTheSameRowsFieldByField()
    {
        var ranges = Path.GetTempFileName();
        var cliFile = Path.GetTempFileName();
        try
        {
            await System.IO.File.WriteAllTextAsync(ranges, "lab,analyte,sex,unit,low,high,source\n"
                + "A/LAB,creatinine,,umol/L,45,84,test laboratory (illustrative)\nB/LAB,creatinine,,umol/L,45,84,test laboratory (illustrative)\n"
                + "A/LAB,hemoglobin,female,g/L,115,150,test laboratory (illustrative)\nB/LAB,hemoglobin,female,g/L,115,150,test laboratory (illustrative)\n", Ct);
            await using var factory = new WebFactory();
            factory.Settings["lab-ranges"] = ranges;
            var seed = await LabSeed.SeedAsync(factory);
            using var client = await factory.SignedInAsync("coord");

            // Site A through the upload page, site B (the same rows) through `stroma import labs` on the same registry.
            var page = await client.GetStringAsync(new Uri("/labs/import", UriKind.Relative), Ct);
            using var form = new MultipartFormDataContent
            {
                { new StringContent(Html.Token(page)), "__RequestVerificationToken" },
                { new StringContent("A"), "Site" },
                { new ByteArrayContent(Encoding.UTF8.GetBytes(File("A"))), "Upload", "labs.csv" },
            };
            using var upload = await client.PostAsync(new Uri("/labs/import", UriKind.Relative), form, Ct);
            (await upload.Content.ReadAsStringAsync(Ct)).ShouldContain("<dd data-count=\"inserted\">8</dd>");
            upload.StatusCode.ShouldBe(HttpStatusCode.OK);
            await System.IO.File.WriteAllTextAsync(cliFile, File("B"), Ct);
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = StromaCli.Run(["import", "labs", cliFile, "--ranges", ranges, "--database", factory.DatabaseFile, "--user", "cli"],
                new CliIo(new StringReader(""), output, error, IsTerminal: false));
            exit.ShouldBe(0, error.ToString());
            output.ToString().ShouldStartWith("read 8, inserted 8,");

            await using var scope = factory.Scope();
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var rows = await db.LabResults.AsNoTracking().ToListAsync(Ct);
            var web = rows.Where(r => r.PatientId == seed.PatientA).OrderBy(r => r.SpecimenTime).ThenBy(r => r.Analyte).ToList();
            var cli = rows.Where(r => r.PatientId == seed.PatientB).OrderBy(r => r.SpecimenTime).ThenBy(r => r.Analyte).ToList();
            web.Count.ShouldBe(8);
            cli.Count.ShouldBe(8);
            foreach (var (a, b) in web.Zip(cli))
            {
                var what = $"{a.Analyte} at {a.SpecimenTime:O}";
                b.Analyte.ShouldBe(a.Analyte, what);
                b.SpecimenTime.ShouldBe(a.SpecimenTime, what);
                b.ReportedValue.ShouldBe(a.ReportedValue, what);
                b.ReportedUnit.ShouldBe(a.ReportedUnit, what);
                b.ReportedRange.ShouldBe(a.ReportedRange, what);
                b.NormalisedValue.ShouldBe(a.NormalisedValue, what);
                b.NormalisedUnit.ShouldBe(a.NormalisedUnit, what);
                b.Flag.ShouldBe(a.Flag, what);
                b.Version.ShouldBe(a.Version, what);
                (b.VisitId is null).ShouldBe(a.VisitId is null, what);
                (b.LaboratoryId is null).ShouldBe(a.LaboratoryId is null, what);
                b.DeletedAt.ShouldBe(a.DeletedAt, what);
            }

            // Both used the site laboratory's ranges (creatinine and haemoglobin have no default range).
            web.Single(r => r.Analyte == "creatinine" && r.ReportedUnit == "mg/dL").Flag.ShouldBe(LabFlag.High);
            web.Single(r => r.Analyte == "hemoglobin").Flag.ShouldBe(LabFlag.High);
            web.Single(r => r.Analyte == "creatinine" && r.ReportedUnit == "mg/L").NormalisedValue.ShouldBe(97.24m);
            web.Single(r => r.Analyte == "c3").Flag.ShouldBe(LabFlag.Low);
            web.Single(r => r.Analyte == "albumin").Flag.ShouldBe(LabFlag.Low);
        }
        finally
        {
            System.IO.File.Delete(ranges);
            System.IO.File.Delete(cliFile);
        }
    }
}
