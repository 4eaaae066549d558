// Source: issue #16 "Medications": a course recorded at a visit (drug, class, dose with its UCUM unit, frequency, the
// prednisone-equivalent mg/day of a glucocorticoid, dates) and the stop of a running course with its reason, through the
// one writer VisitMedications (MED001-MED004; VIS001 under a signed visit); docs/web.md, docs/issue-codes.md.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Web.Tests.Visits;

public sealed class MedicationFormTests(VisitFixture fixture) : IClassFixture<VisitFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<T> QueryAsync<T>(Func<StromaDbContext, Task<T>> query)
    {
        await using var scope = fixture.Factory.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<StromaDbContext>());
    }

    // The token from the home page: a refused user cannot GET the visit page to take it from there.
    private static Task<HttpResponseMessage> AddAsync(HttpClient client, Guid visit, params (string Key, string Value)[] fields) =>
        Html.PostFormAsync(client, "/", $"/visits/{visit}?handler=Medication", fields);

    private static Task<HttpResponseMessage> StopAsync(HttpClient client, Guid visit, Guid medication, string date, string reason) =>
        Html.PostFormAsync(client, "/", $"/visits/{visit}?handler=StopMedication", ("StopId", medication.ToString()), ("StopDate", date), ("StopReason", reason));

    private static (string, string)[] Prednisone(string start = "2024-02-01") =>
        [("MedClass", "Glucocorticoid"), ("MedDrug", "prednisone"), ("MedDose", "10"), ("MedDoseUnit", "mg"), ("MedFrequency", "once daily"),
            ("MedPrednisone", "10"), ("MedStart", start)];

    private async Task SignAsync(Guid visit)
    {
        await using var scope = fixture.Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var row = await db.Visits.SingleAsync(v => v.Id == visit, Ct);
        (row.SignedBy, row.SignedByName, row.SignedAt, row.SignatureMeaning) = ("inv", "Dr Inv", new DateTimeOffset(2024, 2, 2, 9, 0, 0, TimeSpan.Zero), "accurate");
        db.ChangeReason = "signed: accurate";
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task Medication_AddedAtVisit_ListedThenStoppedWithReason_Audited()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var client = await fixture.Factory.SignedInAsync("coord");
        var empty = await client.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct);
        empty.ShouldContain("id=\"medications-none\"");
        empty.ShouldContain("<label for=\"MedPrednisone\">Prednisone-equivalent dose (mg/day, glucocorticoids only)</label>");
        empty.ShouldContain("<option value=\"Immunosuppressant\">Immunosuppressant</option>");

        using var added = await AddAsync(client, visit, Prednisone());

        added.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var course = await QueryAsync(db => db.Medications.SingleAsync(m => m.VisitId == visit, Ct));
        (course.Class, course.Drug, course.Dose, course.DoseUnit, course.Frequency, course.PrednisoneEquivalentMgPerDay, course.StartDate, course.StopDate)
            .ShouldBe((MedicationClass.Glucocorticoid, "prednisone", 10m, "mg", "once daily", 10m, new DateOnly(2024, 2, 1), (DateOnly?)null));
        var listed = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct));
        listed.ShouldContain("The course of prednisone was added.");
        listed.ShouldContain($"<tr data-medication=\"{course.Id}\">");
        listed.ShouldContain("<td>Glucocorticoid</td>");
        listed.ShouldContain("Stop this course");

        using var stopped = await StopAsync(client, visit, course.Id, "2024-03-01", "disease controlled, tapered off");

        stopped.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await QueryAsync(db => db.Medications.SingleAsync(m => m.Id == course.Id, Ct))).StopDate.ShouldBe(new DateOnly(2024, 3, 1));
        var audit = await QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Entity == "Medication" && a.EntityKey == course.Id.ToString() && a.Field == "StopDate", Ct));
        (audit.Reason, audit.UserName).ShouldBe(("course stopped on 2024-03-01: disease controlled, tapered off", "coord"));
        using var again = await StopAsync(client, visit, course.Id, "2024-03-02", "again");
        WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync(Ct)).ShouldContain("MED004");
    }

    [Fact]
    public async Task Medication_RefusedInChinese_ErrorsNextToTheFields_TypedValuesKept_NothingWritten()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        using var client = await fixture.Factory.SignedInAsync("coord", "zh-CN");
        var form = await client.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct);
        form.ShouldContain("<label for=\"MedDrug\">药物</label>");
        form.ShouldContain("<option value=\"Antimalarial\">抗疟药</option>");

        using var refused = await AddAsync(client, visit, ("MedClass", "Antimalarial"), ("MedDrug", "hydroxychloroquine"), ("MedDose", "-200"), ("MedDoseUnit", "mg"),
            ("MedPrednisone", "5"), ("MedStart", "2024-02-01"), ("MedStop", "2024-01-01"));

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await refused.Content.ReadAsStringAsync(Ct);
        html.ShouldMatch("id=\"MedDose-error\"[^>]*>MED002 \\[dose\\]");
        html.ShouldMatch("id=\"MedPrednisone-error\"[^>]*>MED002 \\[prednisoneEquivalent\\]");
        html.ShouldMatch("id=\"MedStop-error\"[^>]*>MED003 \\[stopDate\\]");
        html.ShouldContain("id=\"MedDrug\" name=\"MedDrug\" value=\"hydroxychloroquine\"");
        html.ShouldContain("id=\"MedDose\" name=\"MedDose\" value=\"-200\"");
        html.ShouldContain("<option value=\"Antimalarial\" selected=\"selected\">抗疟药</option>");
        (await QueryAsync(db => db.Medications.CountAsync(m => m.VisitId == visit, Ct))).ShouldBe(0);

        using var notNumber = await AddAsync(client, visit, ("MedClass", "Other"), ("MedDrug", "belimumab"), ("MedDose", "ten"), ("MedDoseUnit", "mg/kg"), ("MedStart", ""));
        var second = WebUtility.HtmlDecode(await notNumber.Content.ReadAsStringAsync(Ct));
        second.ShouldContain("“ten”不是数字。");
        second.ShouldContain("开始日期 为必填项。");
        (await QueryAsync(db => db.Medications.CountAsync(m => m.VisitId == visit, Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Medication_SignedVisit_RefusedWithVis001InBothLanguages_FormHidden_NothingWritten()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync());
        await SignAsync(visit);
        using var english = await fixture.Factory.SignedInAsync("coord");
        using var chinese = await fixture.Factory.SignedInAsync("coord", "zh-CN");
        (await english.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct)).ShouldNotContain("id=\"medication-form\"");

        using var refusedEn = await AddAsync(english, visit, Prednisone());
        using var refusedZh = await AddAsync(chinese, visit, Prednisone());

        refusedEn.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var en = WebUtility.HtmlDecode(await refusedEn.Content.ReadAsStringAsync(Ct));
        en.ShouldContain("This visit is signed and locked: a medication cannot be added at it until an investigator unlocks it.");
        en.ShouldContain("VIS001");
        refusedZh.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        WebUtility.HtmlDecode(await refusedZh.Content.ReadAsStringAsync(Ct)).ShouldContain("此访视已签名并锁定：在研究者解锁之前不能在此访视添加用药。");
        (await QueryAsync(db => db.Medications.CountAsync(m => m.VisitId == visit, Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Medication_CrossSitePost_NotFound_ReaderForbidden_NothingWritten()
    {
        var visit = await fixture.AddVisitAsync(await fixture.AddPatientAsync("A"));
        using var coord = await fixture.Factory.SignedInAsync("coord");
        using var added = await AddAsync(coord, visit, Prednisone());
        added.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var course = await QueryAsync(db => db.Medications.SingleAsync(m => m.VisitId == visit, Ct));
        using var otherSite = await fixture.Factory.SignedInAsync("coordb");
        using var monitor = await fixture.Factory.SignedInAsync("mon");
        (await monitor.GetStringAsync(new Uri($"/visits/{visit}", UriKind.Relative), Ct)).ShouldNotContain("id=\"medication-form\"");

        using var crossAdd = await AddAsync(otherSite, visit, Prednisone());
        using var crossStop = await StopAsync(otherSite, visit, course.Id, "2024-03-01", "cross-site");
        using var readerAdd = await AddAsync(monitor, visit, Prednisone());
        using var readerStop = await StopAsync(monitor, visit, course.Id, "2024-03-01", "monitor");

        crossAdd.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        crossStop.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        readerAdd.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        readerStop.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await QueryAsync(db => db.Medications.CountAsync(m => m.VisitId == visit, Ct))).ShouldBe(1);
        (await QueryAsync(db => db.Medications.SingleAsync(m => m.Id == course.Id, Ct))).StopDate.ShouldBeNull();
    }
}
