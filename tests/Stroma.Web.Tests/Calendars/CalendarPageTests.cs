// Source: issue #14 "Calendars and worklists" and docs/web.md ("Calendars and worklists"); calendars are Wang 2014's
// (day 0 and day 7, follow-up at 1, 3, 6, 9, 12 months) with Stroma's default windows (day 0 exact, day 7 ±1 day,
// monthly ±7 days). Dates are relative to today: the app's clock is the real one.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Calendars;

public sealed class CalendarPageTests : IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

    private readonly WebFactory factory = new();
    private readonly Dictionary<string, Guid> patients = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A-001 and B-001 enrolled on Wang 2014 three days ago: administration 1 missed, administration 2 due in
    /// four days, month 1 in about four weeks (beyond the 14-day horizon).</summary>
    public async ValueTask InitializeAsync()
    {
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var site in new[] { "A", "B" })
            {
                var siteId = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
                patients[site] = Guid.CreateVersion7();
                db.Patients.Add(new Patient { Id = patients[site], SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1980 });
            }

            await db.SaveChangesAsync(Ct);
            foreach (var studyId in new[] { "A-001", "B-001" })
            {
                var day0 = Today.AddDays(-3);
                var enrolled = await Enrolments.EnrolAsync(db, studyId, ProtocolTemplates.Wang2014Key,
                    new EnrolmentRequest(day0, Consent: new ConsentRecord(day0.AddDays(-10), "1")), Ct);
                enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
            }
        }

        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        await factory.AddUserAsync("inv", false, ("A", SiteRole.Investigator));
        await factory.AddUserAsync("monitor", false, ("A", SiteRole.Monitor));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private string Calendar(string site) => $"/patients/{patients[site]}/calendar";

    [Fact]
    public async Task SignIn_CoordinatorWithoutReturnAddress_LandsOnTheWorklist_InvestigatorOnPatients()
    {
        using var coord = factory.Client();
        using var inv = factory.Client();

        using var coordSignIn = await Html.PostFormAsync(coord, "/account/sign-in", ("UserName", "coord"), ("Password", WebFactory.TestPassword));
        using var invSignIn = await Html.PostFormAsync(inv, "/account/sign-in", ("UserName", "inv"), ("Password", WebFactory.TestPassword));

        coordSignIn.Headers.Location!.OriginalString.ShouldBe("/worklist");
        invSignIn.Headers.Location!.OriginalString.ShouldBe("/patients");
    }

    [Fact]
    public async Task Worklist_Coordinator_OwnSitesEventsWithinTheHorizonOnly()
    {
        using var client = await factory.SignedInAsync("coord");

        var html = await client.GetStringAsync(new Uri("/worklist", UriKind.Relative), Ct);
        var wide = await client.GetStringAsync(new Uri("/worklist?Within=40", UriKind.Relative), Ct);
        using var bad = await client.GetAsync(new Uri("/worklist?Within=900", UriKind.Relative), Ct);

        html.ShouldContain("A-001");
        html.ShouldNotContain("B-001");
        html.ShouldContain("data-event=\"administration_1\" data-status=\"Missed\"");
        html.ShouldContain("data-event=\"administration_2\" data-status=\"Upcoming\"");
        html.ShouldNotContain("data-event=\"month_1\"");
        html.ShouldContain("<p id=\"worklist-count\">2 events for 1 patient.</p>", customMessage: "counts agree in number");
        html.ShouldContain($"href=\"/patients/{patients["A"]}/infusion\"");
        html.ShouldContain($"href=\"/patients/{patients["A"]}/calendar\"");
        wide.ShouldContain("data-event=\"month_1\"");
        bad.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bad.Content.ReadAsStringAsync(Ct)).ShouldContain("Days ahead must be a whole number from 0 to 366.");
    }

    [Fact]
    public async Task Contact_FutureDateOrLateWithoutReason_RefusedWithTheReason_OtherSite404_NothingWritten()
    {
        using var client = await factory.SignedInAsync("coord");
        var page = $"/patients/{patients["A"]}/contact";
        var form = await client.GetStringAsync(new Uri(page, UriKind.Relative), Ct);
        form.ShouldContain("Record a follow-up contact");

        using var future = await Html.PostFormAsync(client, page, ("ContactDate", Day(Today.AddDays(2))), ("Mode", "PhoneCall"));
        using var late = await Html.PostFormAsync(client, page, ("ContactDate", Day(Today.AddDays(-20))), ("Mode", "ClinicVisit"));
        using var otherSite = await Html.PostFormAsync(client, page, $"/patients/{patients["B"]}/contact", ("ContactDate", Day(Today)), ("Mode", "PhoneCall"));
        using var hostile = await Html.PostFormAsync(client, page, ("ContactDate", "0001-01-01"), ("Mode", "Teleport"), ("event", "nowhere|month_99"));

        var futureHtml = await future.Content.ReadAsStringAsync(Ct);
        futureHtml.ShouldContain("RET001");
        futureHtml.ShouldContain("is in the future");
        (await late.Content.ReadAsStringAsync(Ct)).ShouldContain("RET002");
        otherSite.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        hostile.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await hostile.Content.ReadAsStringAsync(Ct)).ShouldContain("is not one of this patient&#x27;s open follow-ups");
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        (await db.FollowUpContacts.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Worklist_Chinese_StatusesAndHeadingsTranslated()
    {
        using var client = await factory.SignedInAsync("coord", "zh-CN");

        var html = await client.GetStringAsync(new Uri("/worklist", UriKind.Relative), Ct);

        html.ShouldContain("<h1>工作清单</h1>");
        html.ShouldContain("错过");
        html.ShouldContain("第 1 次输注");
        html.ShouldContain("<p id=\"worklist-count\">1 名患者共 2 项事件。</p>");
        html.ShouldNotContain("Administration 1");
    }

    [Fact]
    public async Task Calendar_OtherSiteOrReadOnly_NotFoundOrForbiddenAndNothingMoved()
    {
        using var coord = await factory.SignedInAsync("coord");
        using var monitor = await factory.SignedInAsync("monitor");

        using var other = await coord.GetAsync(new Uri(Calendar("B"), UriKind.Relative), Ct);
        var readOnly = await monitor.GetStringAsync(new Uri(Calendar("A"), UriKind.Relative), Ct);
        using var post = await Html.PostFormAsync(monitor, Calendar("A"), ("move", "wang_2014/month_1"), ("NewDate", Day(Today)), ("Reason", "x"));
        using var otherPost = await Html.PostFormAsync(coord, Calendar("A"), Calendar("B"), ("move", "wang_2014/month_1"), ("NewDate", Day(Today)), ("Reason", "x"));

        other.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        readOnly.ShouldContain("data-event=\"month_1\"");
        readOnly.ShouldNotContain("id=\"move-form\"");
        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        otherPost.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await using var scope = factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().ScheduleChanges.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Calendar_MoveWithoutDateOrReason_ErrorsNextToEachFieldAndNothingMoved()
    {
        using var client = await factory.SignedInAsync("coord");

        using var response = await Html.PostFormAsync(client, Calendar("A"), ("move", "wang_2014/no_such"), ("NewDate", "31/12/2024"), ("Reason", " "));
        var html = await response.Content.ReadAsStringAsync(Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("id=\"Event-error\" data-valmsg-for=\"Event\" data-valmsg-replace=\"true\">Choose an event of the calendar that is not done.");
        html.ShouldContain("id=\"NewDate-error\" data-valmsg-for=\"NewDate\" data-valmsg-replace=\"true\">New target date must be a date (YYYY-MM-DD).");
        html.ShouldContain("id=\"Reason-error\" data-valmsg-for=\"Reason\" data-valmsg-replace=\"true\">Reason is required.");
        await using var scope = factory.Scope();
        (await scope.ServiceProvider.GetRequiredService<StromaDbContext>().ScheduleChanges.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Calendar_Move_TargetChangedHistoryKeptAndWorklistShowsTheEvent()
    {
        using var client = await factory.SignedInAsync("coord");
        var page = await client.GetStringAsync(new Uri(Calendar("A"), UriKind.Relative), Ct);
        var newDate = Today.AddDays(5);

        using var response = await Html.PostFormAsync(client, Calendar("A"), ("move", "wang_2014/month_1"), ("NewDate", Day(newDate)), ("Reason", "patient travels next month"));
        var after = await client.GetStringAsync(new Uri(Calendar("A"), UriKind.Relative), Ct);
        var worklist = await client.GetStringAsync(new Uri("/worklist", UriKind.Relative), Ct);

        page.ShouldContain("<svg viewBox=");
        page.ShouldContain("data-event=\"administration_1\" data-status=\"Missed\"");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe(Calendar("A"));
        after.ShouldContain($"Follow-up month 1 moved from {Day(Today.AddDays(-3).AddMonths(1))} to {Day(newDate)}.");
        after.ShouldContain($"{Day(Today.AddDays(-3).AddMonths(1))} → {Day(newDate)}, by coord on");
        after.ShouldContain("patient travels next month");
        worklist.ShouldContain("data-event=\"month_1\"");
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var change = await db.ScheduleChanges.SingleAsync(Ct);
        (change.EventKey, change.ToDate, change.Reason, change.ChangedBy).ShouldBe(("month_1", newDate, "patient travels next month", "coord"));
        (await db.AuditEntries.CountAsync(a => a.Entity == "ScheduledEventRecord" && a.Field == "Target", Ct)).ShouldBe(1);
    }
}
