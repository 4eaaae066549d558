// Source: issue #8 "Visit forms for SLEDAI-2K, BILAG-2004, SDI, PGA with the score computed live" and "E-signature: an
// investigator signs a visit (re-entering the password, with the meaning of the signature); a signed visit is locked,
// and unlocking needs a reason, audited"; 21 CFR 11.50 (manifestation: printed name, time, meaning) and 11.200
// (password at signing); SLEDAI-2K weights from Gladman 2002 as in Stroma.Clinical's Sledai2k (seizure 8, arthritis 4).
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Web.Tests.Visits;

public sealed class VisitTests(VisitFixture fixture) : IClassFixture<VisitFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> QueryAsync<T>(Func<StromaDbContext, Task<T>> query)
    {
        await using var scope = fixture.Factory.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<StromaDbContext>());
    }

    private static Task<HttpResponseMessage> SignAsync(HttpClient client, Guid visit, string password, string meaning = "accurate") =>
        Html.PostFormAsync(client, $"/visits/{visit}/sign", ("Meaning", meaning), ("Confirm", "true"), ("Password", password));

    [Fact]
    public async Task NewVisit_FromTheTimeline_CreatedAndShown_FutureDateRefused()
    {
        var patient = await fixture.AddPatientAsync();
        using var client = await fixture.Factory.SignedInAsync("coord");

        using var future = await Html.PostFormAsync(client, $"/patients/{patient}/visits/new", ("VisitDate", "2999-01-01"), ("Kind", "Scheduled"), ("Type", "month_3"));
        WebUtility.HtmlDecode(await future.Content.ReadAsStringAsync(Ct)).ShouldContain("Visit date 2999-01-01 is after today");
        using var early = await Html.PostFormAsync(client, $"/patients/{patient}/visits/new", ("VisitDate", "2023-12-01"), ("Kind", "Scheduled"), ("Type", ""));
        var earlyHtml = WebUtility.HtmlDecode(await early.Content.ReadAsStringAsync(Ct));
        earlyHtml.ShouldContain("Visit date 2023-12-01 is before the consent date 2024-01-01");
        earlyHtml.ShouldContain("Type is required.");

        using var created = await Html.PostFormAsync(client, $"/patients/{patient}/visits/new", ("VisitDate", "2024-04-02"), ("Kind", "Unscheduled"), ("Type", "flare"));

        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var visit = await QueryAsync(db => db.Visits.SingleAsync(v => v.PatientId == patient, Ct));
        created.Headers.Location!.OriginalString.ShouldBe($"/visits/{visit.Id}");
        (visit.VisitDate, visit.Kind, visit.Type, visit.CreatedBy).ShouldBe((new DateOnly(2024, 4, 2), VisitKind.Unscheduled, "flare", "coord"));
        var page = await client.GetStringAsync(new Uri($"/visits/{visit.Id}", UriKind.Relative), Ct);
        page.ShouldContain($"href=\"/visits/{visit.Id}/assess/sledai2k\"");
        page.ShouldNotContain("id=\"sign-link\""); // a coordinator does not sign
        (await client.GetStringAsync(new Uri($"/patients/{patient}", UriKind.Relative), Ct)).ShouldContain($"<a href=\"/visits/{visit.Id}\">2024-04-02</a>");
    }

    [Fact]
    public async Task Assessment_SledaiSaved_TotalInputsAndVersionStored_ChangeNeedsReason_Audited()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var client = await fixture.Factory.SignedInAsync("coord");
        var form = await client.GetStringAsync(new Uri($"/visits/{visit}/assess/sledai2k", UriKind.Relative), Ct);
        form.ShouldContain("<label for=\"i-seizure\">Seizure");
        form.ShouldContain("data-score-url=\"/api/score/sledai2k\"");

        using var saved = await Html.PostFormAsync(client, $"/visits/{visit}/assess/sledai2k", ("seizure", "true"), ("arthritis", "true"));

        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.OriginalString.ShouldBe($"/visits/{visit}");
        var assessment = await QueryAsync(db => db.Assessments.SingleAsync(a => a.VisitId == visit, Ct));
        (assessment.Instrument, assessment.Total, assessment.AssessmentDate).ShouldBe(("sledai2k", 12m, new DateOnly(2024, 2, 1))); // 8 + 4
        assessment.AlgorithmVersion.ShouldNotBeNullOrEmpty();
        assessment.InputsJson.ShouldContain("\"seizure\":\"true\"");
        (await client.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct)).ShouldContain("<td class=\"total\">12</td>");

        var edit = $"/visits/{visit}/assess/sledai2k/{assessment.Id}";
        (await client.GetStringAsync(new Uri(edit, UriKind.Relative), Ct)).ShouldContain("id=\"i-seizure\" name=\"seizure\" value=\"true\" checked=\"checked\"");
        using var noReason = await Html.PostFormAsync(client, edit, ("seizure", "true"));
        WebUtility.HtmlDecode(await noReason.Content.ReadAsStringAsync(Ct)).ShouldContain("Reason for the change is required");
        (await QueryAsync(db => db.Assessments.SingleAsync(a => a.Id == assessment.Id, Ct))).Total.ShouldBe(12m);

        using var changed = await Html.PostFormAsync(client, edit, ("seizure", "true"), ("change.reason", "arthritis was not present on re-examination"));

        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await QueryAsync(db => db.Assessments.SingleAsync(a => a.Id == assessment.Id, Ct))).Total.ShouldBe(8m);
        var audit = await QueryAsync(db => db.AuditEntries.Where(a => a.Entity == "Assessment" && a.EntityKey == assessment.Id.ToString() && a.Field == "Total").ToListAsync(Ct));
        audit.ShouldHaveSingleItem();
        (audit[0].OldValue, audit[0].NewValue, audit[0].Reason, audit[0].UserName).ShouldBe(("12", "8", "arthritis was not present on re-examination", "coord"));
    }

    [Fact]
    public async Task Assessment_InvalidPga_ErrorOnTheItem_NothingSaved()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var client = await fixture.Factory.SignedInAsync("coord");

        using var response = await Html.PostFormAsync(client, $"/visits/{visit}/assess/pga", ("pga", "9"));

        var html = await response.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<a href=\"#i-pga\">INP");
        (await QueryAsync(db => db.Assessments.CountAsync(a => a.VisitId == visit, Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Sign_WrongPassword_RefusedClearly_NotSigned_CountsTowardsLockout()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var client = await fixture.Factory.SignedInAsync("inv");

        using var response = await SignAsync(client, visit, "Wrong-Password-1");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("The password is not correct: the visit was not signed.");
        (await QueryAsync(db => db.Visits.SingleAsync(v => v.Id == visit, Ct))).SignedAt.ShouldBeNull();
        // Counted like a failed sign-in (the sign-in just before reset the count), so a signature cannot be used to guess.
        (await QueryAsync(db => db.Users.SingleAsync(u => u.UserName == "inv", Ct))).AccessFailedCount.ShouldBe(1);

        using var signed = await SignAsync(client, visit, WebFactory.TestPassword);
        (await QueryAsync(db => db.Visits.SingleAsync(v => v.Id == visit, Ct))).SignedAt.ShouldNotBeNull();
        (await QueryAsync(db => db.Users.SingleAsync(u => u.UserName == "inv", Ct))).AccessFailedCount.ShouldBe(0);
    }

    [Fact]
    public async Task Sign_ByCoordinator_Forbidden_NothingWritten()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var investigator = await fixture.Factory.SignedInAsync("inv");
        var token = Html.Token(await investigator.GetStringAsync(new Uri($"/visits/{visit}/sign", UriKind.Relative), Ct));
        using var coordinator = await fixture.Factory.SignedInAsync("coord");

        using var page = await coordinator.GetAsync(new Uri($"/visits/{visit}/sign", UriKind.Relative), Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var coordinatorToken = Html.Token(await coordinator.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct));
        using var content = new FormUrlEncodedContent([new("Meaning", "accurate"), new("Confirm", "true"), new("Password", WebFactory.TestPassword),
            new("__RequestVerificationToken", coordinatorToken)]);
        using var post = await coordinator.PostAsync(new Uri($"/visits/{visit}/sign", UriKind.Relative), content, Ct);

        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        token.ShouldNotBeEmpty();
        (await QueryAsync(db => db.Visits.SingleAsync(v => v.Id == visit, Ct))).SignedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Sign_ThenLocked_NewAssessmentRefused_UnlockWithReason_Audited()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var investigator = await fixture.Factory.SignedInAsync("inv");
        var signPage = await investigator.GetStringAsync(new Uri($"/visits/{visit}/sign", UriKind.Relative), Ct);
        signPage.ShouldContain("I confirm that the data recorded for this visit are accurate and complete.");

        using var signed = await SignAsync(investigator, visit, WebFactory.TestPassword);

        signed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var row = await QueryAsync(db => db.Visits.SingleAsync(v => v.Id == visit, Ct));
        (row.SignedBy, row.SignedByName, row.SignatureMeaning).ShouldBe(("inv", "inv", "I confirm that the data recorded for this visit are accurate and complete."));
        row.SignedAt.ShouldNotBeNull();
        var page = await investigator.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct);
        page.ShouldContain("id=\"signature-manifestation\"");
        page.ShouldContain("<span id=\"signer\">inv (inv)</span>");
        page.ShouldContain("<q id=\"meaning\">I confirm that the data recorded for this visit are accurate and complete.</q>");
        page.ShouldNotContain($"href=\"/visits/{visit}/assess/sledai2k\"");

        using var coordinator = await fixture.Factory.SignedInAsync("coord");
        var token = Html.Token(await coordinator.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct));
        using var content = new FormUrlEncodedContent([new("pga", "1.5"), new("__RequestVerificationToken", token)]);
        using var refused = await coordinator.PostAsync(new Uri($"/visits/{visit}/assess/pga", UriKind.Relative), content, Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("is locked: assessments cannot be added or changed");
        (await QueryAsync(db => db.Assessments.CountAsync(a => a.VisitId == visit, Ct))).ShouldBe(0);

        using var noReason = await Html.PostFormAsync(investigator, $"/visits/{visit}/sign", $"/visits/{visit}/sign?handler=Unlock", ("Reason", " "));
        var noReasonHtml = await noReason.Content.ReadAsStringAsync(Ct);
        noReasonHtml.ShouldContain("Reason for unlocking is required");
        noReasonHtml.ShouldContain("Password is required.");
        (await QueryAsync(db => db.Visits.SingleAsync(v => v.Id == visit, Ct))).SignedAt.ShouldNotBeNull();
        // Unlocking is an e-signature (issue #16): a reason alone, or a wrong password, does not unlock.
        using var noPassword = await Html.PostFormAsync(investigator, $"/visits/{visit}/sign", $"/visits/{visit}/sign?handler=Unlock", ("Reason", "PGA was omitted"));
        (await noPassword.Content.ReadAsStringAsync(Ct)).ShouldContain("Password is required.");
        using var wrongPassword = await Html.PostFormAsync(investigator, $"/visits/{visit}/sign", $"/visits/{visit}/sign?handler=Unlock", ("Reason", "PGA was omitted"),
            ("Password", "Wrong-Password-1"));
        (await wrongPassword.Content.ReadAsStringAsync(Ct)).ShouldContain("The password is not correct: the visit was not unlocked.");
        (await QueryAsync(db => db.Visits.SingleAsync(v => v.Id == visit, Ct))).SignedAt.ShouldNotBeNull();

        using var unlocked = await Html.PostFormAsync(investigator, $"/visits/{visit}/sign", $"/visits/{visit}/sign?handler=Unlock", ("Reason", "PGA was omitted"),
            ("Password", WebFactory.TestPassword));

        unlocked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await QueryAsync(db => db.Visits.SingleAsync(v => v.Id == visit, Ct))).SignedAt.ShouldBeNull();
        var audit = await QueryAsync(db => db.AuditEntries.Where(a => a.Entity == "Visit" && a.EntityKey == visit.ToString() && a.Action == "update")
            .OrderBy(a => a.Sequence).ToListAsync(Ct));
        audit.Where(a => a.Reason!.StartsWith("signed: ", StringComparison.Ordinal)).Select(a => a.Field).ShouldBe(
            ["SignatureMeaning", "SignedAt", "SignedBy", "SignedByName"], ignoreOrder: true);
        var unlock = audit.Where(a => a.Reason == "unlocked: PGA was omitted [e-signature: meaning \"unlock\", signed by inv (inv)]").ToList();
        unlock.Select(a => a.Field).ShouldBe(["SignatureMeaning", "SignedAt", "SignedBy", "SignedByName"], ignoreOrder: true);
        unlock.ShouldAllBe(a => a.UserName == "inv" && a.NewValue == null);
        unlock.Single(a => a.Field == "SignedBy").OldValue.ShouldBe("inv");

        using var again = await Html.PostFormAsync(coordinator, $"/visits/{visit}/assess/pga", ("pga", "1.5"));
        again.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Assessment_SecondSledaiAtTheSameVisit_RefusedPointingAtCorrect_OneStored()
    {
        // Issue #16: a second SLEDAI-2K at the same visit saved silently and both totals plotted on the same day.
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var client = await fixture.Factory.SignedInAsync("coord");
        using var first = await Html.PostFormAsync(client, $"/visits/{visit}/assess/sledai2k", ("seizure", "true"));
        first.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var saved = await QueryAsync(db => db.Assessments.SingleAsync(a => a.VisitId == visit, Ct));

        using var second = await Html.PostFormAsync(client, $"/visits/{visit}/assess/sledai2k", ("arthritis", "true"));

        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await second.Content.ReadAsStringAsync(Ct));
        html.ShouldContain($"sledai2k is already recorded at this visit: correct the saved assessment (/visits/{visit}/assess/sledai2k/{saved.Id}), with a reason");
        (await QueryAsync(db => db.Assessments.Where(a => a.VisitId == visit).Select(a => a.Total).ToListAsync(Ct))).ShouldBe([8m]);
    }

    [Fact]
    public async Task NewVisit_Year0001_FieldError_AndAnOldVisitsFormStillOpens()
    {
        // Issue #16: a date of 0001-01-01 answered 500 (the SLEDAI-2K form looks 10 days back from the visit date).
        var patient = await fixture.AddPatientAsync();
        await using (var scope = fixture.Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var row = await db.Patients.SingleAsync(p => p.Id == patient, Ct);
            row.ConsentDate = null;
            db.ChangeReason = "consent date unknown (test)";
            await db.SaveChangesAsync(Ct);
        }

        using var client = await fixture.Factory.SignedInAsync("coord");
        using var refused = await Html.PostFormAsync(client, $"/patients/{patient}/visits/new", ("VisitDate", "0001-01-01"), ("Kind", "Scheduled"), ("Type", "baseline"));

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("Visit date 0001-01-01 is before 1900: check the year.");
        (await QueryAsync(db => db.Visits.CountAsync(v => v.PatientId == patient, Ct))).ShouldBe(0);
        var old = await fixture.AddVisitAsync(patient, new DateOnly(1, 1, 1));
        using var form = await client.GetAsync(new Uri($"/visits/{old}/assess/sledai2k", UriKind.Relative), Ct);
        form.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task VisitPages_OtherSite_NotFound_MonitorReadsButMayNotRecord()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync("B"));
        using var coordinator = await fixture.Factory.SignedInAsync("coord");
        foreach (var path in new[] { $"/visits/{visit}", $"/visits/{visit}/assess/sledai2k" })
        {
            using var response = await coordinator.GetAsync(new Uri(path, UriKind.Relative), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
        }

        var own = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var monitor = await fixture.Factory.SignedInAsync("mon");
        (await monitor.GetAsync(new Uri($"/visits/{own}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await monitor.GetAsync(new Uri($"/visits/{own}/assess/sledai2k", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
