// Source: issue #15 "Queries" (a query is attached to one field of one record) and docs/web.md, "Queries": a monitor
// raises a query from the timeline on a visit, an infusion or an adverse event; the field must be one of that record's.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Quality;

public sealed class QueryPageTests : IAsyncLifetime
{
    private readonly WebFactory factory = new();
    private Guid patient;
    private Guid adverseEvent;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var siteId = Guid.CreateVersion7();
            patient = Guid.CreateVersion7();
            adverseEvent = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "Q", Name = "Site Q" });
            db.Patients.Add(new Patient { Id = patient, SiteId = siteId, StudyId = "Q-001", Sex = Sex.Female, BirthYear = 1985 });
            db.AdverseEvents.Add(new AdverseEvent { Id = adverseEvent, PatientId = patient, Term = "fever", OnsetDate = new DateOnly(2025, 3, 5), CtcaeGrade = 1 });
            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("monitor", false, ("Q", SiteRole.Monitor));
        await factory.AddUserAsync("coord", false, ("Q", SiteRole.Coordinator));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task NewQuery_OnAnAdverseEventsGrade_OpenedFromTheTimeline_AFieldOfAnotherRecordRefused()
    {
        using var monitor = await factory.SignedInAsync("monitor");
        using var coord = await factory.SignedInAsync("coord");
        var raise = $"/queries/new?type=adverse_event&id={adverseEvent}";

        var monitorTimeline = await monitor.GetStringAsync(new Uri($"/patients/{patient}", UriKind.Relative), Ct);
        var coordTimeline = await coord.GetStringAsync(new Uri($"/patients/{patient}", UriKind.Relative), Ct);
        using var wrongField = await Html.PostFormAsync(monitor, raise, ("Field", "visit.date"), ("Question", "Which visit?"));
        using var noQuestion = await Html.PostFormAsync(monitor, raise, ("Field", "ae.grade"), ("Question", ""));
        using var raised = await Html.PostFormAsync(monitor, raise, ("Field", "ae.grade"), ("Question", "The nurse's note says 39.4 °C: grade 2?"));
        using var coordRaises = await Html.PostFormAsync(coord, raise, ("Field", "ae.grade"), ("Question", "Mine?"));

        monitorTimeline.ShouldContain(raise.Replace("&", "&amp;", StringComparison.Ordinal));
        coordTimeline.ShouldNotContain("class=\"raise-query\"");
        wrongField.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await wrongField.Content.ReadAsStringAsync(Ct)).ShouldContain("&#x27;visit.date&#x27; is not a field of a adverse_event record");
        (await noQuestion.Content.ReadAsStringAsync(Ct)).ShouldContain("The text is required");
        raised.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        raised.Headers.Location!.OriginalString.ShouldBe($"/queries?Patient={patient}");
        (await coordRaises.Content.ReadAsStringAsync(Ct)).ShouldContain("Only a monitor or a data manager of the site opens queries.");
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var query = await db.Queries.AsNoTracking().SingleAsync(Ct);
        (query.RecordType, query.RecordId, query.Field, query.RaisedBy, query.Status).ShouldBe(("adverse_event", adverseEvent, "ae.grade", "monitor", QueryStatus.Open));
        var list = await coord.GetStringAsync(new Uri($"/queries?Patient={patient}", UriKind.Relative), Ct);
        list.ShouldContain("The nurse&#x27;s note says 39.4 °C: grade 2?");
        list.ShouldContain("class=\"primary answer\"");
    }

    [Fact]
    public async Task NewQuery_OnThePatientAndAnEnrolment_LinkedFromTheTimelineAndOpened()
    {
        var enrolment = Guid.CreateVersion7();
        await using (var setup = factory.Scope())
        {
            var db = setup.ServiceProvider.GetRequiredService<StromaDbContext>();
            db.ProtocolEnrolments.Add(new ProtocolEnrolment
            {
                Id = enrolment,
                PatientId = patient,
                ProtocolKey = "wang_2014",
                ProtocolVersion = "1",
                StartDate = new DateOnly(2025, 3, 1),
                ConsentSignedOn = new DateOnly(2025, 2, 20),
                ConsentProtocolVersion = "1",
            });
            await db.SaveChangesAsync(Ct);
        }

        using var monitor = await factory.SignedInAsync("monitor");
        using var coord = await factory.SignedInAsync("coord");
        var onPatient = $"/queries/new?type=patient&id={patient}";
        var onEnrolment = $"/queries/new?type=enrolment&id={enrolment}";

        var monitorTimeline = await monitor.GetStringAsync(new Uri($"/patients/{patient}", UriKind.Relative), Ct);
        var coordTimeline = await coord.GetStringAsync(new Uri($"/patients/{patient}", UriKind.Relative), Ct);
        using var patientQuery = await Html.PostFormAsync(monitor, onPatient, ("Field", "consent.date"), ("Question", "The consent form is dated 2025-02-19?"));
        using var enrolmentQuery = await Html.PostFormAsync(monitor, onEnrolment, ("Field", "enrolment.weight"), ("Question", "No planning weight: where is it?"));
        using var wrongField = await Html.PostFormAsync(monitor, onPatient, ("Field", "ae.grade"), ("Question", "?"));

        monitorTimeline.ShouldContain(onPatient.Replace("&", "&amp;", StringComparison.Ordinal));
        monitorTimeline.ShouldContain(onEnrolment.Replace("&", "&amp;", StringComparison.Ordinal));
        coordTimeline.ShouldNotContain("id=\"raise-query-patient\"");
        patientQuery.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        enrolmentQuery.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await wrongField.Content.ReadAsStringAsync(Ct)).ShouldContain("&#x27;ae.grade&#x27; is not a field of a patient record");
        await using var scope = factory.Scope();
        var stored = await scope.ServiceProvider.GetRequiredService<StromaDbContext>().Queries.AsNoTracking().ToListAsync(Ct);
        stored.Select(q => (q.RecordType, q.RecordId, q.Field)).OrderBy(q => q.RecordType, StringComparer.Ordinal)
            .ShouldBe([("enrolment", enrolment, "enrolment.weight"), ("patient", patient, "consent.date")]);
    }
}
