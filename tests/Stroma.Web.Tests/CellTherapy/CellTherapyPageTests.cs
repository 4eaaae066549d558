// Source: issue #8 (web pages: cell lab, infusion recording, adverse events) over the use cases of issue #6
// (Stroma.Data.CellTherapy: Lots, Infusions, FollowUps); the rules themselves are Stroma.Clinical's (ISCT 2006,
// CTCAE v5.0, ICH E2A), tested there. These tests check the pages call them, show them and refuse the wrong user.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Protocols;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.CellTherapy;

public sealed class CellTherapyPageTests : IAsyncLifetime
{
    private static readonly DateOnly Day0 = new(2024, 3, 1);

    private readonly WebFactory factory = new();

    private Guid patientA;
    private Guid patientB;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        foreach (var site in new[] { "A", "B" })
        {
            var siteId = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = site, Name = $"Site {site}" });
            var id = Guid.CreateVersion7();
            db.Patients.Add(new Patient { Id = id, SiteId = siteId, StudyId = $"{site}-001", Sex = Sex.Female, BirthYear = 1967 });
            if (site == "A")
            {
                patientA = id;
            }
            else
            {
                patientB = id;
            }
        }

        await db.SaveChangesAsync(Ct);
        foreach (var studyId in new[] { "A-001", "B-001" })
        {
            var enrolled = await Enrolments.EnrolAsync(db, studyId, ProtocolTemplates.SeedCase1Key, new EnrolmentRequest(Day0, Consent: new ConsentRecord(Day0.AddDays(-10), "1")), Ct);
            enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
        }

        await factory.AddUserAsync("qa", false, ("A", SiteRole.CellLabQa));
        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        await factory.AddUserAsync("monitor", false, ("A", SiteRole.Monitor));
    }

    public async ValueTask DisposeAsync() => await factory.DisposeAsync();

    private static CellLot Lot(string number) => new(number, CellProductType.UmbilicalCordMsc, "D-01", "umbilical cord", "cell lab", new DateOnly(2024, 1, 2), 3,
        CellCount.Cells(2e8m), CellConcentration.CellsPerMillilitre(1e6m), 95m, 200m, new LotStorage(StorageCondition.Cryopreserved, "tank 1"), new DateOnly(2099, 12, 31));

    private static Dictionary<string, ReleaseMeasurement> Passing() => new(StringComparer.Ordinal)
    {
        ["cd73"] = ReleaseMeasurement.Of(99m),
        ["cd90"] = ReleaseMeasurement.Of(99m),
        ["cd105"] = ReleaseMeasurement.Of(98m),
        ["cd45"] = ReleaseMeasurement.Of(0.5m),
        ["cd34"] = ReleaseMeasurement.Of(0.4m),
        ["cd14"] = ReleaseMeasurement.Of(0.3m),
        ["cd79a"] = ReleaseMeasurement.Of(0.2m),
        ["hla_dr"] = ReleaseMeasurement.Of(0.6m),
        ["plastic_adherence"] = ReleaseMeasurement.Outcome(true),
        ["trilineage_differentiation"] = ReleaseMeasurement.Outcome(true),
        ["viability"] = ReleaseMeasurement.Of(95m),
        ["sterility"] = ReleaseMeasurement.Outcome(true),
        ["endotoxin"] = ReleaseMeasurement.Of(0.5m),
        ["mycoplasma"] = ReleaseMeasurement.Outcome(true),
    };

    /// <summary>A lot registered through the use case; released (passing tests, signed by qa.lab) unless <paramref name="release"/> is false.</summary>
    private async Task ArrangeLotAsync(string number, bool release, string site = "A")
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        (await Lots.RegisterAsync(db, Lot(number), site, cancellationToken: Ct)).Succeeded.ShouldBeTrue();
        if (release)
        {
            await Lots.RecordTestsAsync(db, number, Passing(), new DateOnly(2024, 1, 20), "historical lot entered for the test", Ct);
            var spec = ReleaseSpecification.IsctMscDefault.WithLimit("viability", 70m, "site-1", "SOP 1").WithLimit("endotoxin", 5m, "site-1", "SOP 1");
            var decided = await Lots.DecideAsync(db, number, spec, new ReleaseDecision(ReleaseVerdict.Release, "qa.lab", DateTimeOffset.UtcNow, "QA release"), cancellationToken: Ct);
            decided.Succeeded.ShouldBeTrue(string.Join("; ", decided.Issues));
        }
    }

    private async Task<T> QueryAsync<T>(Func<StromaDbContext, Task<T>> query)
    {
        await using var scope = factory.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<StromaDbContext>());
    }

    private static (string, string)[] InfusionFields(string lot, string start = "2024-03-01T09:00") =>
    [
        ("Event", $"{ProtocolTemplates.SeedCase1Key}|administration_1"), ("Component", "msc"), ("LotNumber", lot), ("Start", start), ("Stop", "2024-03-01T09:40"),
        ("Offset", "+08:00"), ("Dose", "5e7"), ("DoseUnit", "cells"), ("Weight", "58"), ("Pre.At", "2024-03-01T08:45"), ("Pre.Sbp", "118"), ("Pre.Dbp", "76"),
        ("Pre.Hr", "72"), ("Pre.Temp", "36.6"), ("Post.At", "2024-03-01T10:00"), ("Post.Sbp", "120"), ("PremedDrug", "promethazine"), ("PremedDose", "25 mg IM"),
        ("PremedAt", "2024-03-01T08:30"), ("LateReason", "transcribed from the paper record"),
    ];

    [Fact]
    public async Task Lot_RegisterTestsRelease_WrongPasswordAndCoordinatorRefused_QaSigns()
    {
        using var qa = await factory.SignedInAsync("qa");
        using var registered = await Html.PostFormAsync(qa, "/lots/register", ("LotNumber", "UC-WEB-1"), ("Product", "uc_msc"), ("Donor", "D-07"),
            ("Tissue", "umbilical cord"), ("Manufacturer", "cell lab"), ("Manufactured", "2024-01-02"), ("Expires", "2099-12-31"), ("Passage", "3"),
            ("TotalCells", "2e8"), ("Concentration", "1e6"), ("Viability", "95"), ("Volume", "200"), ("Storage", "Cryopreserved"), ("Location", "tank 1"));
        registered.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var lotPath = registered.Headers.Location!.OriginalString;
        (await QueryAsync(db => db.CellLots.SingleAsync(l => l.LotNumber == "UC-WEB-1", Ct))).Status.ShouldBe(LotStatus.Quarantine);

        var results = Passing().Select(r => ($"Results[{r.Key}]", r.Value.Value is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : r.Value.Met == true ? "met" : "not_met"));
        // Tested in January 2024, entered now: a late entry, refused without its reason (RET002, the field then shown) ...
        using var late = await Html.PostFormAsync(qa, lotPath, lotPath + "?handler=Tests", [.. results, ("TestedOn", "2024-01-20")]);
        late.StatusCode.ShouldBe(HttpStatusCode.OK);
        var latePage = await late.Content.ReadAsStringAsync(Ct);
        latePage.ShouldContain(Stroma.Clinical.Issues.IssueCodes.LateEntryWithoutReason);
        latePage.ShouldContain("id=\"tests-late-reason-item\" data-late-for=\"TestedOn\"");
        latePage.ShouldContain("data-keep=\"1\">");
        (await QueryAsync(db => db.LotReleaseTests.CountAsync(Ct))).ShouldBe(0);

        // ... and recorded with it, marked entered late.
        using var tested = await Html.PostFormAsync(qa, lotPath, lotPath + "?handler=Tests", [.. results, ("TestedOn", "2024-01-20"), ("LateReason", "transcribed from the batch record")]);
        tested.StatusCode.ShouldBe(HttpStatusCode.Redirect, await tested.Content.ReadAsStringAsync(Ct));
        (await QueryAsync(db => db.LotReleaseTests.CountAsync(Ct))).ShouldBe(14);
        (await QueryAsync(db => db.LotReleaseTests.Select(t => new { t.EnteredLate, t.LateEntryReason }).Distinct().SingleAsync(Ct)))
            .ShouldBe(new { EnteredLate = true, LateEntryReason = (string?)"transcribed from the batch record" });

        // Before signing: the evaluation with the site's limits, criterion by criterion.
        using var evaluated = await Html.PostFormAsync(qa, lotPath, lotPath + "?handler=Evaluate", ("ViabilityLimit", "70"), ("EndotoxinLimit", "5"), ("SpecVersion", "site-1"));
        var evaluation = await evaluated.Content.ReadAsStringAsync(Ct);
        evaluation.ShouldContain("data-criterion=\"cd73\" class=\"outcome-Pass\"");
        evaluation.ShouldContain("data-criterion=\"viability\" class=\"outcome-Pass\"");
        evaluation.ShouldContain("site-1");

        (string, string)[] sign = [("ViabilityLimit", "70"), ("EndotoxinLimit", "5"), ("SpecVersion", "site-1"), ("Meaning", "QA release for clinical use")];
        using var wrong = await Html.PostFormAsync(qa, lotPath, lotPath + "?handler=Release", [.. sign, ("Password", "not-the-password")]);
        wrong.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await wrong.Content.ReadAsStringAsync(Ct)).ShouldContain("The password is not correct");

        using var coordinator = await factory.SignedInAsync("coord");
        using var refused = await Html.PostFormAsync(coordinator, lotPath, lotPath + "?handler=Release", [.. sign, ("Password", WebFactory.TestPassword)]);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await QueryAsync(db => db.LotDecisions.CountAsync(Ct))).ShouldBe(0);

        using var released = await Html.PostFormAsync(qa, lotPath, lotPath + "?handler=Release", [.. sign, ("Password", WebFactory.TestPassword)]);
        released.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await QueryAsync(db => db.CellLots.SingleAsync(l => l.LotNumber == "UC-WEB-1", Ct))).Status.ShouldBe(LotStatus.Released);
        var decision = await QueryAsync(db => db.LotDecisions.SingleAsync(Ct));
        (decision.SignedBy, decision.Meaning, decision.SpecificationVersion, decision.Verdict).ShouldBe(("qa", "QA release for clinical use", "site-1", ReleaseVerdict.Release));
        var audit = await QueryAsync(db => db.AuditEntries.Where(a => a.Entity == "CellLotRecord" && a.Action == "update").ToListAsync(Ct));
        audit.ShouldHaveSingleItem().UserName.ShouldBe("qa");
        audit[0].Reason.ShouldBe("lot released by qa: QA release for clinical use");
        (await qa.GetStringAsync(new Uri(lotPath, UriKind.Relative), Ct)).ShouldContain("id=\"lot-status\">Released");
    }

    [Fact]
    public async Task Lots_OtherSitesLot_NotFoundListedNowhere_ItsSignerSeesItReadOnly_RegisterAtAnotherSiteRefused()
    {
        // Issue #16: a site sees its own lots; the QA user who released a lot also sees it; anyone else gets the same 404
        // as for another site's patient, and the infusion form offers only the patient's site's lots.
        await ArrangeLotAsync("UC-A-1", release: true, site: "A");
        await ArrangeLotAsync("UC-B-1", release: true, site: "B");
        await factory.AddUserAsync("qa.lab", false, ("A", SiteRole.CellLabQa));
        var lotB = await QueryAsync(db => db.CellLots.Where(l => l.LotNumber == "UC-B-1").Select(l => l.Id).SingleAsync(Ct));
        var lotA = await QueryAsync(db => db.CellLots.Where(l => l.LotNumber == "UC-A-1").Select(l => l.Id).SingleAsync(Ct));

        foreach (var user in new[] { "qa", "coord", "monitor" })
        {
            using var client = await factory.SignedInAsync(user);
            (await client.GetAsync(new Uri($"/lots/{lotB}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound, user);
            (await client.GetAsync(new Uri($"/lots/{lotA}", UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, user);
            var list = await client.GetStringAsync(new Uri("/lots", UriKind.Relative), Ct);
            list.ShouldContain("UC-A-1");
            list.ShouldNotContain("UC-B-1");
        }

        using var coordinator = await factory.SignedInAsync("coord");
        var form = await coordinator.GetStringAsync(new Uri($"/patients/{patientA}/infusion", UriKind.Relative), Ct);
        form.ShouldContain("UC-A-1");
        form.ShouldNotContain("UC-B-1");
        var ae = await coordinator.GetStringAsync(new Uri($"/patients/{patientA}/adverse-event", UriKind.Relative), Ct);
        ae.ShouldContain("UC-A-1");
        ae.ShouldNotContain("UC-B-1");

        // qa.lab signed both releases (ArrangeLotAsync's signer): it sees B's lot, read-only (403 on every action).
        using var signer = await factory.SignedInAsync("qa.lab");
        var page = await signer.GetStringAsync(new Uri($"/lots/{lotB}", UriKind.Relative), Ct);
        page.ShouldContain("id=\"lot-site\">B<");
        (await signer.GetStringAsync(new Uri("/lots", UriKind.Relative), Ct)).ShouldContain("UC-B-1");
        using var custody = await Html.PostFormAsync(signer, $"/lots/{lotA}", $"/lots/{lotB}?handler=Custody", ("CustodyKind", "Shipped"), ("CustodyAt", "2024-02-01T08:00"),
            ("CustodyOffset", "+08:00"), ("CustodyPlace", "lab"), ("CustodyPerson", "courier"), ("LateReason", "paper record"));
        custody.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await QueryAsync(db => db.CustodyEvents.CountAsync(Ct))).ShouldBe(0);

        // Registering at a site where the user does not manage lots is refused with a field error, nothing written.
        using var qa = await factory.SignedInAsync("qa");
        using var elsewhere = await Html.PostFormAsync(qa, "/lots/register", ("Site", "B"), ("LotNumber", "UC-WEB-B"), ("Product", "uc_msc"), ("Donor", "D-07"),
            ("Tissue", "umbilical cord"), ("Manufacturer", "cell lab"), ("Manufactured", "2024-01-02"), ("Expires", "2099-12-31"), ("Passage", "3"),
            ("TotalCells", "2e8"), ("Concentration", "1e6"), ("Viability", "95"), ("Volume", "200"), ("Storage", "Cryopreserved"), ("Location", "tank 1"));
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await elsewhere.Content.ReadAsStringAsync(Ct)).ShouldMatch("data-valmsg-for=\"Site\"[^>]*>[^<]+</span>");
        (await QueryAsync(db => db.CellLots.AnyAsync(l => l.LotNumber == "UC-WEB-B", Ct))).ShouldBeFalse();
    }

    [Fact]
    public async Task Lot_TestForm_NamesEachMeasurementOnce_InTheUsersLanguage()
    {
        await ArrangeLotAsync("UC-NAMES-1", release: false);
        var id = (await QueryAsync(db => db.CellLots.SingleAsync(l => l.LotNumber == "UC-NAMES-1", Ct))).Id;
        using var english = await factory.SignedInAsync("qa");
        using var chinese = await factory.SignedInAsync("qa", "zh-CN");

        var en = await english.GetStringAsync(new Uri($"/lots/{id}", UriKind.Relative), Ct);
        var zh = await chinese.GetStringAsync(new Uri($"/lots/{id}", UriKind.Relative), Ct);

        en.ShouldContain("<label for=\"result-cd14\">CD14 positive <code>cd14</code> (%)</label>");
        en.ShouldNotContain("(cd14)");
        zh.ShouldContain("<label for=\"result-cd14\">CD14 阳性 <code>cd14</code> (%)</label>");
        zh.ShouldContain("<label for=\"result-plastic_adherence\">标准培养条件下贴壁生长 <code>plastic_adherence</code></label>");
        zh.ShouldNotContain("Plastic-adherent");
    }

    [Fact]
    public async Task Lot_RegisterInvalid_FieldErrorsNothingWritten()
    {
        using var qa = await factory.SignedInAsync("qa", "zh-CN");
        using var response = await Html.PostFormAsync(qa, "/lots/register", ("LotNumber", "UC-BAD"), ("Product", "uc_msc"), ("Manufactured", "2024-01-02"),
            ("Expires", "2099-12-31"), ("TotalCells", "lots"), ("Concentration", "1e6"), ("Viability", "95"), ("Volume", "200"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("细胞总数：“lots”不是数字");
        (await QueryAsync(db => db.CellLots.CountAsync(Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Infusion_UnreleasedLot_BlockedAndNotSaved()
    {
        await ArrangeLotAsync("UC-Q-1", release: false);
        using var coord = await factory.SignedInAsync("coord");
        var path = $"/patients/{patientA}/infusion";

        using var checkedPage = await Html.PostFormAsync(coord, path, path + "?handler=Check", InfusionFields("UC-Q-1"));
        var html = await checkedPage.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("data-check=\"lot_released\" data-outcome=\"block\"");
        html.ShouldContain("INF001");
        html.ShouldNotContain("id=\"save\"");

        using var saved = await Html.PostFormAsync(coord, path, path + "?handler=Save", [.. InfusionFields("UC-Q-1"), ("ConfirmWarnings", "true")]);
        saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await saved.Content.ReadAsStringAsync(Ct)).ShouldContain("cannot be saved");
        (await QueryAsync(db => db.Infusions.CountAsync(Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Infusion_NegativeDosePerKilogram_TheDoseMessage_NotNeedsTheWeight()
    {
        // Issue #16: a negative cells/kg dose was answered "A dose in cells/kg needs the weight".
        await ArrangeLotAsync("UC-NEG-1", release: true);
        using var coord = await factory.SignedInAsync("coord");
        var path = $"/patients/{patientA}/infusion";
        var fields = InfusionFields("UC-NEG-1").Where(f => f.Item1 is not ("Dose" or "DoseUnit")).Append(("Dose", "-1e6")).Append(("DoseUnit", "cells_per_kg")).ToArray();

        using var page = await Html.PostFormAsync(coord, path, path + "?handler=Check", fields);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Ct));
        html.ShouldContain("Dose -1e6 cannot be negative.");
        html.ShouldNotContain("needs the weight");
        (await QueryAsync(db => db.Infusions.CountAsync(Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Infusion_HappyPath_ChecksPassThenWritesInfusionAndAudit()
    {
        await ArrangeLotAsync("UC-R-1", release: true);
        using var coord = await factory.SignedInAsync("coord");
        var path = $"/patients/{patientA}/infusion";
        (await coord.GetStringAsync(new Uri(path, UriKind.Relative), Ct)).ShouldContain("UC-R-1");

        using var checkedPage = await Html.PostFormAsync(coord, path, path + "?handler=Check", InfusionFields("UC-R-1"));
        var html = await checkedPage.Content.ReadAsStringAsync(Ct);
        foreach (var check in new[] { "lot_released", "lot_not_expired", "product_type", "schedule_window", "dose", "consent" })
        {
            html.ShouldContain($"data-check=\"{check}\" data-outcome=\"pass\"");
        }

        html.ShouldContain("id=\"save\"");
        using var saved = await Html.PostFormAsync(coord, path, path + "?handler=Save", InfusionFields("UC-R-1"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var infusion = await QueryAsync(db => db.Infusions.SingleAsync(Ct));
        (infusion.PatientId, infusion.EventKey, infusion.DoseCells, infusion.InfusionDate, infusion.PrecheckOutcome).ShouldBe((patientA, "administration_1", 5e7m, Day0, "passed"));
        infusion.Start.ShouldBe(new DateTimeOffset(2024, 3, 1, 1, 0, 0, TimeSpan.Zero));
        (await QueryAsync(db => db.InfusionVitalSigns.CountAsync(Ct))).ShouldBe(2);
        (await QueryAsync(db => db.InfusionPremedications.CountAsync(Ct))).ShouldBe(1);
        var audit = await QueryAsync(db => db.AuditEntries.Where(a => a.Entity == "Infusion" && a.Action == "insert").ToListAsync(Ct));
        audit.ShouldNotBeEmpty();
        audit.Select(a => a.UserName).Distinct().ShouldBe(["coord"]);
    }

    [Fact]
    public async Task Infusion_StoredMscNkProtocol_OffersBothComponentsAndPrescribesTheNkDose()
    {
        // A stored copy of seed case 2 with test doses (the seed gives none: the site's choice), approved, and a patient on it.
        var nkDose = new DoseRule.Fixed(CellCount.Cells(1e8m));
        Guid patient;
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var doses = new Dictionary<string, DoseRule> { ["msc"] = new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)), ["nk"] = nkDose };
            (await ProtocolVersions.CopyAsync(db, ProtocolTemplates.SeedCase2Key, "site_case_2", doses, null, Ct)).Succeeded.ShouldBeTrue();
            var approved = await ProtocolVersions.ApproveAsync(db, "site_case_2", 1, "approved", Ct);
            approved.Succeeded.ShouldBeTrue(string.Join("; ", approved.Issues));
            var site = await db.Sites.SingleAsync(s => s.Code == "A", Ct);
            patient = Guid.CreateVersion7();
            db.Patients.Add(new Patient { Id = patient, SiteId = site.Id, StudyId = "A-002", Sex = Sex.Female, BirthYear = 1975 });
            await db.SaveChangesAsync(Ct);
            var enrolled = await Enrolments.EnrolAsync(db, "A-002", "site_case_2", new EnrolmentRequest(Day0, Consent: new ConsentRecord(Day0.AddDays(-10), "1")), Ct);
            enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
        }

        using var coord = await factory.SignedInAsync("coord");
        var path = $"/patients/{patient}/infusion";
        var page = System.Net.WebUtility.HtmlDecode(await coord.GetStringAsync(new Uri(path, UriKind.Relative), Ct));
        page.ShouldContain("<option value=\"msc\"");
        page.ShouldContain("<option value=\"nk\"");
        page.ShouldContain($"NK cells · {nkDose}");

        (string, string)[] fields = [.. InfusionFields("NK-NONE").Select(f => f.Item1 switch
        {
            "Event" => ("Event", "site_case_2|administration_1"),
            "Component" => ("Component", "nk"),
            "Dose" => ("Dose", "1e8"),
            _ => f,
        })];
        using var checkedPage = await Html.PostFormAsync(coord, path, path + "?handler=Check", fields);
        System.Net.WebUtility.HtmlDecode(await checkedPage.Content.ReadAsStringAsync(Ct)).ShouldContain($"{nkDose} → ");
    }

    [Fact]
    public async Task Infusion_OutsideWindow_WarningMustBeConfirmed()
    {
        await ArrangeLotAsync("UC-R-2", release: true);
        using var coord = await factory.SignedInAsync("coord");
        var path = $"/patients/{patientA}/infusion";
        var fields = InfusionFields("UC-R-2", start: "2024-03-02T09:00").Select(f => f.Item1 switch
        {
            "Stop" => ("Stop", "2024-03-02T09:40"),
            "Pre.At" => ("Pre.At", "2024-03-02T08:45"),
            "Post.At" => ("Post.At", "2024-03-02T10:00"),
            "PremedAt" => ("PremedAt", "2024-03-02T08:30"),
            _ => f,
        }).ToArray();

        using var checkedPage = await Html.PostFormAsync(coord, path, path + "?handler=Check", fields);
        (await checkedPage.Content.ReadAsStringAsync(Ct)).ShouldContain("data-check=\"schedule_window\" data-outcome=\"warn\"");
        using var unconfirmed = await Html.PostFormAsync(coord, path, path + "?handler=Save", fields);
        unconfirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await unconfirmed.Content.ReadAsStringAsync(Ct)).ShouldContain("Confirm the warnings before saving.");
        (await QueryAsync(db => db.Infusions.CountAsync(Ct))).ShouldBe(0);

        using var confirmed = await Html.PostFormAsync(coord, path, path + "?handler=Save", [.. fields, ("ConfirmWarnings", "true")]);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await QueryAsync(db => db.Infusions.CountAsync(Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task AdverseEvent_HappyPath_WritesEventAndAudit()
    {
        await ArrangeLotAsync("UC-R-3", release: true);
        using var coord = await factory.SignedInAsync("coord");
        var path = $"/patients/{patientA}/adverse-event";
        using var saved = await Html.PostFormAsync(coord, path, ("Term", "Infusion related reaction"), ("Category", "InfusionRelatedReaction"), ("Onset", "2024-03-01"),
            ("Resolved", "2024-03-02"), ("Grade", "2"), ("Relatedness", "Possible"), ("SuspectLot", "UC-R-3"), ("Outcome", "Recovered"),
            ("LateReason", "transcribed from the paper record"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var ae = await QueryAsync(db => db.AdverseEvents.Include(e => e.Lot).SingleAsync(Ct));
        (ae.PatientId, ae.Term, ae.CtcaeGrade, ae.Serious, ae.Causality, ae.Lot!.LotNumber).ShouldBe((patientA, "Infusion related reaction", 2, false, Causality.Possible, "UC-R-3"));
        (await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Entity == "AdverseEvent" && a.UserName == "coord", Ct))).ShouldBeGreaterThan(0);
        (await coord.GetStringAsync(new Uri(path, UriKind.Relative), Ct)).ShouldContain("Infusion related reaction");
    }

    [Fact]
    public async Task AdverseEvent_Invalid_ErrorsShownLocalisedNothingWritten()
    {
        using var coord = await factory.SignedInAsync("coord", "zh-CN");
        var path = $"/patients/{patientA}/adverse-event";
        using var missing = await Html.PostFormAsync(coord, path, ("Onset", "2024-03-01"), ("Grade", "2"), ("Relatedness", "NotRelated"), ("Outcome", "Recovered"));
        (await missing.Content.ReadAsStringAsync(Ct)).ShouldContain("术语 为必填项");

        // Grade 5 without a death: the Clinical check (AE001) refuses it.
        using var grade5 = await Html.PostFormAsync(coord, path, ("Term", "Sepsis"), ("Onset", "2024-03-01"), ("Grade", "5"), ("Relatedness", "NotRelated"), ("Outcome", "Recovered"));
        grade5.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await grade5.Content.ReadAsStringAsync(Ct)).ShouldContain(Stroma.Clinical.Issues.IssueCodes.Grade5WithoutDeath);
        (await QueryAsync(db => db.AdverseEvents.CountAsync(Ct))).ShouldBe(0);
    }

    [Theory]
    [InlineData("infusion", "Check")]
    [InlineData("infusion", "Save")]
    [InlineData("adverse-event", null)]
    public async Task PatientRoutes_OtherSitesPatient_NotFound_ReaderOnly_Forbidden(string page, string? handler)
    {
        await ArrangeLotAsync("UC-R-4", release: true);
        using var coord = await factory.SignedInAsync("coord");
        using var monitor = await factory.SignedInAsync("monitor");
        var other = $"/patients/{patientB}/{page}";
        var own = $"/patients/{patientA}/{page}";
        var token = Html.Token(await coord.GetStringAsync(new Uri(own, UriKind.Relative), Ct));

        (await coord.GetAsync(new Uri(other, UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var content = new FormUrlEncodedContent([.. InfusionFields("UC-R-4").Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)), new("__RequestVerificationToken", token)]);
        using var post = await coord.PostAsync(new Uri(other + (handler is null ? "" : "?handler=" + handler), UriKind.Relative), content, Ct);
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await monitor.GetAsync(new Uri(own, UriKind.Relative), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await QueryAsync(db => db.Infusions.CountAsync(Ct))).ShouldBe(0);
    }
}
