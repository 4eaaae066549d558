// Source: issue #8 "Pages": "Patient list with search and filters (site, protocol, status); enrolment with consent";
// the enrolment use case is Stroma.Data's Enrolments (as `stroma enrol`); docs/web.md "Enrolment, visits, e-signature".
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Protocols;

namespace Stroma.Web.Tests.Visits;

public sealed class EnrolTests(VisitFixture fixture) : IClassFixture<VisitFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (string, string)[] Form(string studyId, params (string, string)[] overrides)
    {
        var fields = new Dictionary<string, string>
        {
            ["SiteId"] = fixture.Sites["A"].ToString(),
            ["StudyId"] = studyId,
            ["Sex"] = "Female",
            ["BirthYear"] = "1988",
            ["ConsentVersion"] = "2.1",
            ["ConsentDate"] = "2024-03-01",
        };
        foreach (var (key, value) in overrides)
        {
            fields[key] = value;
        }

        return [.. fields.Select(f => (f.Key, f.Value))];
    }

    [Fact]
    public async Task Enrol_WithProtocol_PatientConsentAndCalendarSaved_RedirectsToTimeline()
    {
        using var client = await fixture.Factory.SignedInAsync("coord");
        (await client.GetStringAsync(new Uri("/patients", UriKind.Relative), Ct)).ShouldContain("href=\"/patients/enrol\"");

        using var response = await Html.PostFormAsync(client, "/patients/enrol",
            Form("A-ENR-001", ("Protocol", ProtocolTemplates.Wang2014Key), ("Start", "2024-03-05"), ("WeightKg", "58"), ("WeighedOn", "2024-03-04")));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await using var scope = fixture.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var patient = await db.Patients.SingleAsync(p => p.StudyId == "A-ENR-001", Ct);
        response.Headers.Location!.OriginalString.ShouldBe($"/patients/{patient.Id}");
        (patient.SiteId, patient.ConsentVersion, patient.ConsentDate, patient.BirthYear, patient.CreatedBy)
            .ShouldBe((fixture.Sites["A"], "2.1", new DateOnly(2024, 3, 1), 1988, "coord"));
        var enrolment = await db.ProtocolEnrolments.SingleAsync(e => e.PatientId == patient.Id, Ct);
        (enrolment.ProtocolKey, enrolment.StartDate, enrolment.PlanningWeightKg, enrolment.ConsentSignedOn)
            .ShouldBe((ProtocolTemplates.Wang2014Key, new DateOnly(2024, 3, 5), 58m, new DateOnly(2024, 3, 1)));
        (await db.ScheduledEvents.CountAsync(e => e.EnrolmentId == enrolment.Id, Ct)).ShouldBeGreaterThan(0);
        (await db.AuditEntries.CountAsync(a => a.Entity == "Patient" && a.EntityKey == patient.Id.ToString() && a.Action == "insert" && a.UserName == "coord", Ct)).ShouldBe(1);

        var timeline = await client.GetStringAsync(new Uri($"/patients/{patient.Id}", UriKind.Relative), Ct);
        timeline.ShouldContain($"href=\"/patients/{patient.Id}/visits/new\"");
    }

    [Fact]
    public async Task Enrol_StoredApprovedProtocol_OfferedAndEnrolledOnItsLatestApprovedVersion_DraftNotOffered()
    {
        await using (var arrange = fixture.Factory.Scope())
        {
            var db = arrange.ServiceProvider.GetRequiredService<StromaDbContext>();
            var doses = new Dictionary<string, DoseRule>
            {
                ["msc"] = new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)),
                ["nk"] = new DoseRule.Fixed(CellCount.Cells(1e8m)),
            };
            (await ProtocolVersions.CopyAsync(db, ProtocolTemplates.SeedCase2Key, "enrol_case_2", doses, null, Ct)).Succeeded.ShouldBeTrue();
            (await ProtocolVersions.ApproveAsync(db, "enrol_case_2", 1, "approved", Ct)).Succeeded.ShouldBeTrue();
            (await ProtocolVersions.CopyAsync(db, ProtocolTemplates.SeedCase2Key, "enrol_draft_only", doses, null, Ct)).Succeeded.ShouldBeTrue();
        }

        using var client = await fixture.Factory.SignedInAsync("coord");
        var page = await client.GetStringAsync(new Uri("/patients/enrol", UriKind.Relative), Ct);
        page.ShouldContain("<option value=\"enrol_case_2\"");
        page.ShouldContain($"<option value=\"{ProtocolTemplates.Wang2014Key}\"");
        page.ShouldNotContain("enrol_draft_only");

        using var response = await Html.PostFormAsync(client, "/patients/enrol", Form("A-STO-001", ("Protocol", "enrol_case_2"), ("Start", "2024-03-05")));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var refused = await Html.PostFormAsync(client, "/patients/enrol", Form("A-STO-002", ("Protocol", "enrol_draft_only"), ("Start", "2024-03-05")));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var scope = fixture.Factory.Scope();
        var check = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var enrolment = await check.ProtocolEnrolments.SingleAsync(e => e.Patient!.StudyId == "A-STO-001", Ct);
        (enrolment.ProtocolKey, enrolment.ProtocolVersion, enrolment.ConsentProtocolVersion).ShouldBe(("enrol_case_2", "1", "1"));
        (await check.ScheduledEvents.CountAsync(e => e.EnrolmentId == enrolment.Id, Ct)).ShouldBeGreaterThan(0);
        (await check.Patients.AnyAsync(p => p.StudyId == "A-STO-002", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Enrol_DuplicateStudyIdAtTheSite_RefusedNamingIdAndSite_NothingWritten()
    {
        using var client = await fixture.Factory.SignedInAsync("coord");
        using var first = await Html.PostFormAsync(client, "/patients/enrol", Form("A-DUP-001"));
        first.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var second = await Html.PostFormAsync(client, "/patients/enrol", Form("A-DUP-001", ("Sex", "Male")));

        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        WebUtility.HtmlDecode(await second.Content.ReadAsStringAsync(Ct)).ShouldContain("Study id \"A-DUP-001\" is already used at site A: choose another.");
        await using var scope = fixture.Factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Patients.CountAsync(p => p.StudyId == "A-DUP-001", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Enrol_MissingConsent_EachConsentFieldNamed_InTheUsersLanguage()
    {
        using var client = await fixture.Factory.SignedInAsync("coord");
        using var english = await Html.PostFormAsync(client, "/patients/enrol", Form("A-NOC-001", ("ConsentVersion", ""), ("ConsentDate", "")));
        var html = WebUtility.HtmlDecode(await english.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("Consent form version is required: a patient is registered only with documented consent.");
        html.ShouldContain("Consent date is required: a patient is registered only with documented consent.");

        using var chinese = await fixture.Factory.SignedInAsync("coord", "zh-CN");
        using var zh = await Html.PostFormAsync(chinese, "/patients/enrol", Form("A-NOC-001", ("ConsentDate", ""), ("BirthYear", "1850")));
        var zhHtml = WebUtility.HtmlDecode(await zh.Content.ReadAsStringAsync(Ct));
        zhHtml.ShouldContain("签署知情同意日期为必填项");
        zhHtml.ShouldContain("出生年份 1850 不可能");

        await using var scope = fixture.Factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Patients.CountAsync(p => p.StudyId == "A-NOC-001", Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Enrol_ProtocolWithoutDayZero_Refused_PatientNotSavedEither()
    {
        using var client = await fixture.Factory.SignedInAsync("coord");

        using var response = await Html.PostFormAsync(client, "/patients/enrol", Form("A-NOS-001", ("Protocol", ProtocolTemplates.Wang2014Key)));

        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)).ShouldContain($"Day 0 is required to enrol on {ProtocolTemplates.Wang2014Key}.");
        await using var scope = fixture.Factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Patients.CountAsync(p => p.StudyId == "A-NOS-001", Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Enrol_MonitorRefused403_OtherSiteNotFound404()
    {
        using var monitor = await fixture.Factory.SignedInAsync("mon");
        using var page = await monitor.GetAsync(new Uri("/patients/enrol", UriKind.Relative), Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var coordinator = await fixture.Factory.SignedInAsync("coord");
        using var other = await Html.PostFormAsync(coordinator, "/patients/enrol", Form("B-X-001", ("SiteId", fixture.Sites["B"].ToString())));
        other.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await using var scope = fixture.Factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Patients.CountAsync(p => p.StudyId == "B-X-001", Ct)).ShouldBe(0);
    }
}
