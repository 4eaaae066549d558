// Source: issue #20 "CAR-T in lupus" and docs/cell-therapy.md "Correcting a recorded drug": the web page corrects a
// recorded lymphodepletion drug with a reason, as stroma lymphodepletion-correct does. Data: the demo's SYNTHETIC
// S2-CART-1 (fludarabine 25 mg/m² on days -5 to -3, 162 cm, 55 kg: Mosteller 1.5732 m²; 30 mg/m² × 1.5732 = 47.20 mg).
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Web.Hosting;

namespace Stroma.Web.Tests.Patients;

public sealed class LymphodepletionCorrectionTests(DemoFactory demo) : IClassFixture<DemoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Correct_WithAndWithoutReason_SavesWithAuditReasonOrShowsCar010()
    {
        using var client = demo.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await Html.PostFormAsync(client, "/account/sign-in", ("UserName", DemoMode.UserName), ("Password", demo.Password))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        Guid id;
        using (var scope = demo.Services.CreateScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<Stroma.Data.StromaDbContext>().Patients.Where(p => p.StudyId == "S2-CART-1").Select(p => p.Id).SingleAsync(Ct);
        }

        var page = $"/patients/{id}/lymphodepletion";
        using var refused = await Html.PostFormAsync(client, page, page + "?handler=Correct", ("CorrectDrug", "fludarabine"), ("CorrectDose", "30"), ("CorrectReason", ""));
        var refusedHtml = await refused.Content.ReadAsStringAsync(Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        refusedHtml.ShouldContain("CAR010");

        using var saved = await Html.PostFormAsync(client, page, page + "?handler=Correct", ("CorrectDrug", "fludarabine"), ("CorrectDose", "30"),
            ("CorrectReason", "transcription error: the chart says 30 mg/m²"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var scope2 = demo.Services.CreateScope();
        var db = scope2.ServiceProvider.GetRequiredService<Stroma.Data.StromaDbContext>();
        var row = await db.Lymphodepletions.AsNoTracking().SingleAsync(l => l.PatientId == id && l.DrugKey == "fludarabine", Ct);
        (row.DoseMgPerSquareMetre, row.DailyDoseMg).ShouldBe((30m, 47.20m));
        (await db.AuditEntries.AsNoTracking().Where(a => a.Entity == "LymphodepletionRecord" && a.EntityKey == row.Id.ToString() && a.Action == "update").Select(a => a.Reason).Distinct().ToListAsync(Ct))
            .ShouldBe(["transcription error: the chart says 30 mg/m²"]);
    }
}
