// Source: issue #21 "Reliability": two coordinators saving at the same time must both succeed. 8 coordinators × 200
// adverse events on different patients through the web page, on SQLite and (when STROMA_TEST_POSTGRES is set)
// PostgreSQL: every save redirects (no 500), every event is stored, the audit chain is intact.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.CellTherapy;

public sealed class ConcurrentAdverseEventTests
{
    private const int Writers = 8;
    private const int SavesPerWriter = 200;

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

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Post_EightCoordinatorsOnDifferentPatients_EverySaveSucceedsAndChainIsIntact(string engine)
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
            var patients = new Guid[Writers];
            await using (var scope = factory.Scope())
            {
                var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
                var siteId = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = siteId, Code = "A", Name = "Site A" });
                for (var w = 0; w < Writers; w++)
                {
                    patients[w] = Guid.CreateVersion7();
                    db.Patients.Add(new Patient { Id = patients[w], SiteId = siteId, StudyId = $"A-{w:000}", Sex = Sex.Female, BirthYear = 1970 });
                }

                await db.SaveChangesAsync(Ct);
            }

            var clients = new List<HttpClient>();
            for (var w = 0; w < Writers; w++)
            {
                await factory.AddUserAsync($"coord{w}", false, ("A", SiteRole.Coordinator));
                clients.Add(await factory.SignedInAsync($"coord{w}"));
            }

            using var start = new Barrier(Writers);
            var failures = new List<string>();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var path = new Uri($"/patients/{patients[w]}/adverse-event", UriKind.Relative);
                var token = Html.Token(await clients[w].GetStringAsync(path, Ct));
                start.SignalAndWait(Ct);
                for (var n = 0; n < SavesPerWriter; n++)
                {
                    using var form = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["Term"] = "Headache",
                        ["Onset"] = "2024-05-01",
                        ["LateReason"] = "transcribed from the paper record",
                        ["Grade"] = "1",
                        ["Relatedness"] = "NotRelated",
                        ["Outcome"] = "Recovered",
                        ["__RequestVerificationToken"] = token,
                    });
                    using var response = await clients[w].PostAsync(path, form, Ct);
                    if (response.StatusCode != HttpStatusCode.Redirect)
                    {
                        lock (failures)
                        {
                            failures.Add($"coord{w} save {n}: {(int)response.StatusCode}");
                        }
                    }
                }
            }, Ct)).ToArray();
            await Task.WhenAll(writers);

            failures.ShouldBeEmpty(string.Join("\n", failures.Take(3)));
            await using var check = factory.Scope();
            var verify = check.ServiceProvider.GetRequiredService<StromaDbContext>();
            (await verify.AdverseEvents.CountAsync(Ct)).ShouldBe(Writers * SavesPerWriter);
            var verification = await AuditChain.VerifyAsync(verify, Ct);
            verification.IsIntact.ShouldBeTrue(verification.Break?.Problem);
            (await verify.AuditEntries.CountAsync(e => e.Entity == nameof(AdverseEvent) && e.Action == "insert", Ct)).ShouldBe(Writers * SavesPerWriter);
            clients.ForEach(c => c.Dispose());
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
