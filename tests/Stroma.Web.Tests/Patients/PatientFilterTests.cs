// Source: issue #8 "Patient list": filters by protocol (through enrolments) and status (active, withdrawn, deceased),
// within the sites the user may read (docs/web.md).
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Patients;

public sealed class PatientFilterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<WebFactory> SeedAsync()
    {
        var factory = new WebFactory();
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var site in new[] { "A", "B" })
            {
                var siteId = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                Patient Add(string studyId, DateOnly? withdrawn = null)
                {
                    var p = new Patient { Id = Guid.CreateVersion7(), SiteId = siteId, StudyId = studyId, Sex = Sex.Female, BirthYear = 1980, WithdrawalDate = withdrawn };
                    db.Patients.Add(p);
                    return p;
                }

                var enrolled = Add($"{site}-ENROLLED");
                Add($"{site}-WITHDRAWN", new DateOnly(2024, 5, 1));
                var dead = Add($"{site}-DECEASED", new DateOnly(2024, 2, 1));
                Add($"{site}-PLAIN");
                db.Set<ProtocolEnrolment>().Add(new ProtocolEnrolment { Id = Guid.CreateVersion7(), PatientId = enrolled.Id, ProtocolKey = "wang_2014", ProtocolVersion = "1", StartDate = new DateOnly(2024, 1, 1) });
                db.Deaths.Add(new Death { Id = Guid.CreateVersion7(), PatientId = dead.Id, DeathDate = new DateOnly(2024, 6, 1), Causality = Causality.NotRelated });
            }

            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("coordinator", false, ("A", SiteRole.Coordinator));
        return factory;
    }

    [Theory]
    [InlineData("protocol=wang_2014", "A-ENROLLED")]
    [InlineData("status=Deceased", "A-DECEASED")]
    [InlineData("status=Withdrawn", "A-WITHDRAWN")]
    [InlineData("status=Active", "A-ENROLLED A-PLAIN")]
    [InlineData("status=Active&protocol=wang_2014", "A-ENROLLED")]
    public async Task List_Filter_OnlyMatchingPatientsOfOwnSite(string query, string expected)
    {
        await using var factory = await SeedAsync();
        using var client = await factory.SignedInAsync("coordinator");

        var html = await client.GetStringAsync(new Uri($"/patients?{query}", UriKind.Relative), Ct);

        var shown = new[] { "ENROLLED", "WITHDRAWN", "DECEASED", "PLAIN" }.SelectMany(s => new[] { $"A-{s}", $"B-{s}" })
            .Where(id => html.Contains($">{id}<", StringComparison.Ordinal)).Order().ToList();
        shown.ShouldBe(expected.Split(' ').Order().ToList());
        html.ShouldContain(">wang_2014<");
    }
}
