// Source: issue #8 (patient list over a 10^5-patient registry) and docs/web.md: pages in (site code, study id) order,
// a window of page links around the current page.
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Patients;

public sealed partial class PatientPagerTests
{
    [Fact]
    public async Task List_ManyPages_SiteCodeThenStudyIdOrder_AcrossSites_AndAWindowOfPageLinks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var factory = new WebFactory();
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            // Created in the opposite order of their codes, so id order and code order differ.
            foreach (var (code, count) in new[] { ("ZB", 230), ("AA", 270) })
            {
                var site = new Site { Id = Guid.CreateVersion7(), Code = code, Name = code };
                db.Sites.Add(site);
                for (var i = count; i >= 1; i--)
                {
                    db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = $"{code}-{i:000}", Sex = Sex.Female, BirthYear = 1990 });
                }
            }

            await db.SaveChangesAsync(ct);
        }

        await factory.AddUserAsync("inv", false, ("AA", SiteRole.Investigator), ("ZB", SiteRole.Investigator));
        using var client = await factory.SignedInAsync("inv");

        // Page 6 holds AA-251..AA-270 then ZB-001..ZB-030 (50 a page).
        var html = await client.GetStringAsync(new Uri("/patients?p=6", UriKind.Relative), ct);
        var ids = StudyIds().Matches(html).Select(m => m.Groups[1].Value).ToList();
        ids.Count.ShouldBe(50);
        ids[0].ShouldBe("AA-251");
        ids[19].ShouldBe("AA-270");
        ids[20].ShouldBe("ZB-001");
        ids[^1].ShouldBe("ZB-030");

        var pages = PageLinks().Matches(html).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        pages.ShouldBe([1, 3, 4, 5, 6, 7, 8, 9, 10]);
        html.ShouldContain("aria-current=\"page\">6</a>");

        var last = await client.GetStringAsync(new Uri("/patients?p=10", UriKind.Relative), ct);
        StudyIds().Matches(last).Select(m => m.Groups[1].Value).Last().ShouldBe("ZB-230");

        // A search is a part of the study id in any letter case, paged like the whole list: "b-2" matches ZB-200..ZB-230.
        var search = await client.GetStringAsync(new Uri("/patients?search=b-2", UriKind.Relative), ct);
        search.ShouldContain("<p id=\"patient-count\">31 patients</p>");
        StudyIds().Matches(search).Select(m => m.Groups[1].Value).ShouldBe([.. Enumerable.Range(200, 31).Select(i => $"ZB-{i}")]);
        var second = await client.GetStringAsync(new Uri("/patients?search=-1&p=2", UriKind.Relative), ct);
        StudyIds().Matches(second).Select(m => m.Groups[1].Value).First().ShouldBe("AA-150");
    }

    [Fact]
    public async Task List_CountsRemembered_ButNeverStale_AfterAPatientIsAddedOrDeleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var factory = new WebFactory();
        Guid siteId;
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            siteId = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "AA", Name = "AA" });
            db.Patients.Add(new Patient { Id = Guid.CreateVersion7(), SiteId = siteId, StudyId = "AA-001", Sex = Sex.Female, BirthYear = 1990 });
            await db.SaveChangesAsync(ct);
        }

        await factory.AddUserAsync("inv", false, ("AA", SiteRole.Investigator));
        using var client = await factory.SignedInAsync("inv");
        (await client.GetStringAsync(new Uri("/patients", UriKind.Relative), ct)).ShouldContain("<p id=\"patient-count\">1 patient</p>");
        (await client.GetStringAsync(new Uri("/patients", UriKind.Relative), ct)).ShouldContain("<p id=\"patient-count\">1 patient</p>");

        var added = Guid.CreateVersion7();
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Patients.Add(new Patient { Id = added, SiteId = siteId, StudyId = "AA-002", Sex = Sex.Male, BirthYear = 1991 });
            await db.SaveChangesAsync(ct);
        }

        var after = await client.GetStringAsync(new Uri("/patients", UriKind.Relative), ct);
        after.ShouldContain("<p id=\"patient-count\">2 patients</p>");
        after.ShouldContain("AA-002");

        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var patient = await db.Patients.SingleAsync(p => p.Id == added, ct);
            patient.DeletedAt = DateTimeOffset.UtcNow;
            patient.DeletionReason = "entered in error";
            db.ChangeReason = "entered in error";
            await db.SaveChangesAsync(ct);
        }

        (await client.GetStringAsync(new Uri("/patients", UriKind.Relative), ct)).ShouldContain("<p id=\"patient-count\">1 patient</p>");
    }

    [GeneratedRegex("<a href=\"/patients/[0-9a-f-]{36}\">([A-Z]{2}-\\d{3})</a>")]
    private static partial Regex StudyIds();

    [GeneratedRegex("&(?:amp;)?p=(\\d+)\"")]
    private static partial Regex PageLinks();
}
