// Source: issue #19 "A clinician's screens": "A lot page shows the specification the lot was released under (a released
// demo lot says 'cannot be released' today because the site's limits changed after release)", and docs/cell-therapy.md
// ("What a lot page shows after the decision"). Runs on SQLite and, when STROMA_TEST_POSTGRES is set, PostgreSQL.
using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Web.Tests.CellTherapy;

public sealed class LotSpecificationPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Engines
    {
        get
        {
            var data = new TheoryData<string> { "sqlite" };
            if (Environment.GetEnvironmentVariable("STROMA_TEST_POSTGRES") is { Length: > 0 })
            {
                data.Add("postgres");
            }

            return data;
        }
    }

    private static Dictionary<string, ReleaseMeasurement> Results(decimal viability) => new(StringComparer.Ordinal)
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
        ["viability"] = ReleaseMeasurement.Of(viability),
        ["sterility"] = ReleaseMeasurement.Outcome(true),
        ["endotoxin"] = ReleaseMeasurement.Of(0.5m),
        ["mycoplasma"] = ReleaseMeasurement.Outcome(true),
    };

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Lot_ReleasedUnderSiteLimitsSinceRaised_ShowsTheSpecificationOfTheRelease(string engine)
    {
        var admin = Environment.GetEnvironmentVariable("STROMA_TEST_POSTGRES");
        var postgresName = engine == "postgres" ? $"stroma_web_{Guid.NewGuid():N}" : null;
        if (postgresName is not null)
        {
            await AdminAsync(admin!, $"CREATE DATABASE \"{postgresName}\"");
        }

        try
        {
            await using var factory = new WebFactory { Database = postgresName is null ? null : new NpgsqlConnectionStringBuilder(admin) { Database = postgresName }.ToString() };
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var lotId = Guid.CreateVersion7();
            await using (var scope = factory.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
                var siteId = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = "A", Name = "Site A" });
                db.CellLots.Add(new CellLotRecord
                {
                    Id = lotId,
                    SiteId = siteId,
                    LotNumber = "UC-SPEC-1",
                    ProductType = CellProductType.UmbilicalCordMsc,
                    DonorPseudonym = "D1",
                    TissueSource = "umbilical cord",
                    ManufacturingSite = "lab",
                    ManufacturedOn = today.AddDays(-5),
                    TotalCells = 2e8m,
                    CellsPerMillilitre = 1e6m,
                    ViabilityPercent = 75m,
                    VolumeMillilitres = 200m,
                    Storage = StorageCondition.Cryopreserved,
                    StorageLocation = "tank 1",
                    ExpiresOn = today.AddDays(300),
                    Status = LotStatus.Quarantine,
                });
                await db.SaveChangesAsync(Ct);
                // Viability 75 %: passes the site limit of 70 % QA entered at release; the default specification sets no viability limit.
                (await Lots.RecordTestsAsync(db, "UC-SPEC-1", Results(75m), today.AddDays(-2), cancellationToken: Ct)).Succeeded.ShouldBeTrue();
                var spec = ReleaseSpecification.IsctMscDefault.WithLimit("viability", 70m, "site-1", "SOP 1").WithLimit("endotoxin", 5m, "site-1", "SOP 1");
                var decided = await Lots.DecideAsync(db, "UC-SPEC-1", spec, new ReleaseDecision(ReleaseVerdict.Release, "qa", DateTimeOffset.UtcNow, "QA release"), cancellationToken: Ct);
                decided.Succeeded.ShouldBeTrue(string.Join("; ", decided.Issues));
            }

            await factory.AddUserAsync("qa", false, ("A", SiteRole.CellLabQa));
            using var english = await factory.SignedInAsync("qa");
            using var chinese = await factory.SignedInAsync("qa", "zh-CN");

            using var response = await english.GetAsync(new Uri($"/lots/{lotId}", UriKind.Relative), Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var page = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync(Ct), Ct);
            var chinesePage = await new HtmlParser().ParseDocumentAsync(await chinese.GetStringAsync(new Uri($"/lots/{lotId}", UriKind.Relative), Ct), Ct);

            page.QuerySelector("#specification")!.TextContent.ShouldContain($"Released on {today:yyyy-MM-dd} under");
            page.QuerySelector("#decided-specification")!.TextContent.ShouldBe($"{ReleaseSpecification.IsctMscDefault.Name} site-1");
            var viability = page.QuerySelector("#evaluation tr[data-criterion='viability']")!;
            viability.ClassName.ShouldBe("outcome-Pass");
            viability.TextContent.ShouldContain("≥ 70 %");
            viability.TextContent.ShouldContain("SOP 1");
            page.QuerySelectorAll("#evaluation tbody tr").Length.ShouldBe(ReleaseSpecification.IsctMscDefault.Criteria.Count);
            page.QuerySelectorAll("#evaluation tbody tr").Select(r => r.ClassName).Distinct().ShouldBe(["outcome-Pass"]);
            page.DocumentElement.TextContent.ShouldNotContain("cannot be released");
            page.DocumentElement.TextContent.ShouldNotContain("not set by site");
            chinesePage.QuerySelector("#specification")!.TextContent.ShouldContain($"于 {today:yyyy-MM-dd} 依据以下规格放行");
        }
        finally
        {
            if (postgresName is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await AdminAsync(admin!, $"DROP DATABASE IF EXISTS \"{postgresName}\" WITH (FORCE)");
            }
        }
    }

    private static async Task AdminAsync(string admin, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
