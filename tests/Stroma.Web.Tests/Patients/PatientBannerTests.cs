// Source: issue #19 "A patient banner on every patient page: study id, site, age, sex, diagnosis (lupus nephritis class),
// protocol and version, consent status, status (active, withdrawn, deceased), alerts (open AEs grade ≥ 3, open queries)."
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Web.Features.Patients;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Patients;

/// <summary>A clock fixed at one instant, so ages are exact in the test.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

public sealed class PatientBannerTests : IAsyncLifetime
{
    private readonly WebFactory factory = new()
    {
        TestServices = s => s.AddSingleton<TimeProvider>(new FixedClock(new DateTimeOffset(2026, 6, 14, 9, 0, 0, TimeSpan.Zero))),
    };

    private readonly Dictionary<string, Guid> ids = [];

    public async ValueTask InitializeAsync()
    {
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var site = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = site, Code = "A", Name = "Alpha hospital" });
            // Active: born 1985-06-15, so 40 on 2026-06-14 (41 the next day); biopsy class IV after an SLE classification.
            var active = ids["active"] = Guid.CreateVersion7();
            db.Patients.Add(new Patient { Id = active, SiteId = site, StudyId = "A-001", Sex = Sex.Female, BirthDate = new DateOnly(1985, 6, 15), BirthYear = 1985, ConsentVersion = "2.1", ConsentDate = new DateOnly(2024, 1, 5) });
            db.Diagnoses.Add(new Diagnosis { Id = Guid.CreateVersion7(), PatientId = active, Kind = DiagnosisKind.Classification, DiagnosisDate = new DateOnly(2020, 3, 1), Criteria = "eular_acr_2019" });
            db.Diagnoses.Add(new Diagnosis { Id = Guid.CreateVersion7(), PatientId = active, Kind = DiagnosisKind.LupusNephritisBiopsy, DiagnosisDate = new DateOnly(2021, 4, 2), IsnRpsClass = "IV" });
            // Open grade 3 counts; open grade 2 and a resolved grade 4 do not.
            db.AdverseEvents.Add(new AdverseEvent { Id = Guid.CreateVersion7(), PatientId = active, Term = "Neutropenia", OnsetDate = new DateOnly(2024, 3, 1), CtcaeGrade = 3, Causality = Causality.Possible });
            db.AdverseEvents.Add(new AdverseEvent { Id = Guid.CreateVersion7(), PatientId = active, Term = "Fever", OnsetDate = new DateOnly(2024, 3, 2), CtcaeGrade = 2, Causality = Causality.Possible });
            db.AdverseEvents.Add(new AdverseEvent { Id = Guid.CreateVersion7(), PatientId = active, Term = "Sepsis", OnsetDate = new DateOnly(2024, 2, 1), ResolutionDate = new DateOnly(2024, 2, 20), CtcaeGrade = 4, Causality = Causality.Unlikely });
            var visit = ids["visit"] = Guid.CreateVersion7();
            db.Visits.Add(new Visit { Id = visit, PatientId = active, VisitDate = new DateOnly(2024, 1, 10), Type = "month_3" });
            foreach (var status in new[] { QueryStatus.Open, QueryStatus.Closed })
            {
                db.Queries.Add(new QueryRecord
                {
                    Id = Guid.CreateVersion7(),
                    SiteId = site,
                    PatientId = active,
                    RecordType = "visit",
                    RecordId = visit,
                    Field = "visit.date",
                    VisitId = visit,
                    Status = status,
                    Text = "Check the date",
                    RaisedBy = "monitor",
                    RaisedAt = new DateTimeOffset(2024, 1, 11, 0, 0, 0, TimeSpan.Zero),
                });
            }

            // Deceased: only the birth year is known, so no age is claimed; withdrawn earlier, death wins.
            var deceased = ids["deceased"] = Guid.CreateVersion7();
            db.Patients.Add(new Patient { Id = deceased, SiteId = site, StudyId = "A-002", Sex = Sex.Male, BirthYear = 1970, ConsentVersion = "1", ConsentDate = new DateOnly(2023, 1, 1), WithdrawalDate = new DateOnly(2024, 5, 1) });
            db.Deaths.Add(new Death { Id = Guid.CreateVersion7(), PatientId = deceased, DeathDate = new DateOnly(2025, 1, 1), Causality = Causality.NotRelated });
            var withdrawn = ids["withdrawn"] = Guid.CreateVersion7();
            db.Patients.Add(new Patient { Id = withdrawn, SiteId = site, StudyId = "A-003", Sex = Sex.Female, BirthYear = 1990, ConsentVersion = "1", ConsentDate = new DateOnly(2023, 1, 1), WithdrawalDate = new DateOnly(2024, 5, 1) });
            await db.SaveChangesAsync();
            var enrolled = await Stroma.Data.CellTherapy.Enrolments.EnrolAsync(db, "A-001", Stroma.Clinical.CellTherapy.ProtocolTemplates.Wang2014Key,
                new Stroma.Data.CellTherapy.EnrolmentRequest(new DateOnly(2024, 1, 10)));
            enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
        }

        await factory.AddUserAsync("coordinator", false, ("A", SiteRole.Coordinator));
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.Sites.Add(new Site { Id = Guid.CreateVersion7(), Code = "B", Name = "Beta hospital" });
            await db.SaveChangesAsync();
        }

        await factory.AddUserAsync("other", false, ("B", SiteRole.Coordinator));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private async Task<string> BannerAsync(string path, string language = "en")
    {
        using var client = await factory.SignedInAsync("coordinator", language);
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var start = html.IndexOf("<section class=\"patient-banner\"", StringComparison.Ordinal);
        start.ShouldBeGreaterThanOrEqualTo(0, $"no banner on {path}");
        return html[start..(html.IndexOf("</section>", start, StringComparison.Ordinal) + 10)];
    }

    [Fact]
    public async Task Banner_ActivePatient_AllFactsAndAlerts()
    {
        var banner = await BannerAsync($"/patients/{ids["active"]}");

        banner.ShouldContain("data-status=\"active\"");
        banner.ShouldContain(">A-001</a>");
        banner.ShouldContain("A · Alpha hospital");
        banner.ShouldContain("Female · 40 years");
        banner.ShouldContain("Lupus nephritis, ISN/RPS class IV · 2021-04-02");
        banner.ShouldContain("Wang 2014");
        banner.ShouldContain("version 1");
        banner.ShouldContain("version 2.1, signed 2024-01-05");
        banner.ShouldContain("1 open adverse event of grade 3 or higher");
        banner.ShouldContain("1 open query");
    }

    [Fact]
    public async Task Banner_DeceasedWithOnlyBirthYear_StatusDeceasedNoAgeClaimed()
    {
        var banner = await BannerAsync($"/patients/{ids["deceased"]}");

        banner.ShouldContain("data-status=\"deceased\"");
        banner.ShouldContain(">Deceased</span>");
        banner.ShouldContain("Male · born 1970");
        banner.ShouldContain("withdrawn 2024-05-01");
        banner.ShouldContain("not enrolled");
        banner.ShouldNotContain("banner-alerts");
    }

    [Fact]
    public async Task Banner_Withdrawn_Chinese()
    {
        var banner = await BannerAsync($"/patients/{ids["withdrawn"]}", "zh-CN");

        banner.ShouldContain("data-status=\"withdrawn\"");
        banner.ShouldContain(">已退出</span>");
        banner.ShouldContain("女 · 1990 年出生");
        banner.ShouldContain("于 2024-05-01 撤回");
    }

    [Fact]
    public async Task Banner_PatientOfAnotherSite_NoneEvenWhenRemembered()
    {
        // A reader of site A opens the patient: the banner's records are now remembered for every reader.
        await BannerAsync($"/patients/{ids["active"]}");
        var token = TestContext.Current.CancellationToken;
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var cache = scope.ServiceProvider.GetRequiredService<PatientPageCache<PatientBannerViewComponent.BannerRecords>>();
        var (lastChange, _) = await Stroma.Data.Audit.AuditTrail.LastChangeAsync(db, token);
        var today = new DateOnly(2026, 6, 14);
        Task<PatientBannerViewComponent.BannerRecords> Remembered(Guid id, DateOnly day, Func<Task<PatientBannerViewComponent.BannerRecords>> read) =>
            cache.GetAsync(id, lastChange, day, read);
        var hits = cache.Hits;

        var other = await Stroma.Data.Access.UserAccess.LoadAsync(db, "other", today, token);
        (await PatientBannerViewComponent.LoadAsync(db, other, ids["active"], today, token, Remembered)).ShouldBeNull();
        (await PatientBannerViewComponent.LoadAsync(db, other, ids["active"], today, token)).ShouldBeNull();
        var coordinator = await Stroma.Data.Access.UserAccess.LoadAsync(db, "coordinator", today, token);
        (await PatientBannerViewComponent.LoadAsync(db, coordinator, ids["active"], today, token, Remembered)).ShouldNotBeNull().StudyId.ShouldBe("A-001");

        cache.Hits.ShouldBe(hits + 2, "both remembered reads were answered from memory");
        (await PatientBannerViewComponent.LoadAsync(db, coordinator, Guid.CreateVersion7(), today, token, Remembered)).ShouldBeNull();
    }

    [Theory]
    [InlineData("/patients/{active}/calendar")]
    [InlineData("/patients/{active}/audit")]
    [InlineData("/patients/{active}/labs")]
    [InlineData("/patients/{active}/infusion")]
    [InlineData("/patients/{active}/adverse-event")]
    [InlineData("/patients/{active}/contact")]
    [InlineData("/patients/{active}/visits/new")]
    [InlineData("/visits/{visit}")]
    public async Task Banner_EveryPatientPage_ShowsThePatient(string template)
    {
        var path = template.Replace("{active}", ids["active"].ToString(), StringComparison.Ordinal).Replace("{visit}", ids["visit"].ToString(), StringComparison.Ordinal);
        var banner = await BannerAsync(path);

        banner.ShouldContain(">A-001</a>");
        banner.ShouldContain("Lupus nephritis, ISN/RPS class IV");
    }
}
