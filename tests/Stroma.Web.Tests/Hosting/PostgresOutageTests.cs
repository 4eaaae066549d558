// Source: issue #21 "Reliability": PostgreSQL restarted in the middle of the load; requests during the outage fail
// cleanly (503 page, nothing half-written) and the app recovers by itself when the server is back. docs/operations.md
// "Database outage". PostgreSQL only: the test starts, kills and restarts its own throwaway server.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Stroma.Web.Hosting;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Hosting;

public sealed class PostgresOutageTests
{
    private const string PostgresBin = "/usr/lib/postgresql/15/bin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_ServerKilledAndRestarted_Answer503ThenRecoverWithoutRestart()
    {
        await using var server = await ThrowawayPostgres.StartAsync();
        await using var factory = new WebFactory { Database = server.ConnectionString };
        var patientId = Guid.CreateVersion7();
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            var siteId = Guid.CreateVersion7();
            db.Sites.Add(new Site { Id = siteId, Code = "A", Name = "Site A" });
            db.Patients.Add(new Patient { Id = patientId, SiteId = siteId, StudyId = "A-001", Sex = Sex.Female, BirthYear = 1970 });
            await db.SaveChangesAsync(Ct);
        }

        await factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        using var client = await factory.SignedInAsync("coord");
        var path = new Uri($"/patients/{patientId}/adverse-event", UriKind.Relative);
        var token = Html.Token(await client.GetStringAsync(path, Ct));
        (await SaveAsync(client, path, token, "Headache")).ShouldBe(HttpStatusCode.Redirect);
        (await CountAsync(factory, "Headache")).ShouldBe(1);

        await server.StopImmediateAsync();

        using (var page = await client.GetAsync(path, Ct))
        {
            await ShouldBeUnavailableAsync(page);
        }

        (await SaveAsync(client, path, token, "Nausea")).ShouldBe(HttpStatusCode.ServiceUnavailable);
        await server.StartServerAsync();

        // Nothing half-written: the save made during the outage left no event and no audit entry; the chain is intact.
        (await CountAsync(factory, "Nausea")).ShouldBe(0);
        using (var page = await client.GetAsync(path, Ct))
        {
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await SaveAsync(client, path, token, "Rash")).ShouldBe(HttpStatusCode.Redirect);
        (await CountAsync(factory, "Rash")).ShouldBe(1);
        await using (var scope = factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            (await db.AdverseEvents.CountAsync(Ct)).ShouldBe(2);
            (await db.AuditEntries.CountAsync(e => e.Entity == nameof(AdverseEvent) && e.Action == "insert", Ct)).ShouldBe(2);
            var verification = await AuditChain.VerifyAsync(db, Ct);
            verification.IsIntact.ShouldBeTrue(verification.Break?.Problem);
        }
    }

    private static async Task ShouldBeUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
        response.Headers.RetryAfter?.Delta.ShouldBe(TimeSpan.FromSeconds(UnexpectedExceptionHandler.RetryAfterSeconds));
        body.ShouldContain("The registry is unavailable, try again");
        body.ShouldNotContain("Exception");
        body.ShouldNotContain("Npgsql");
    }

    private static async Task<HttpStatusCode> SaveAsync(HttpClient client, Uri path, string token, string term)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Term"] = term,
            ["Onset"] = "2024-05-01",
            ["LateReason"] = "from the paper file",
            ["Grade"] = "1",
            ["Relatedness"] = "NotRelated",
            ["Outcome"] = "Recovered",
            ["__RequestVerificationToken"] = token,
        });
        using var response = await client.PostAsync(path, form, Ct);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            await ShouldBeUnavailableAsync(response);
        }

        return response.StatusCode;
    }

    private static async Task<int> CountAsync(WebFactory factory, string term)
    {
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        return await db.AdverseEvents.CountAsync(e => e.Term == term, Ct);
    }

    /// <summary>
    /// A PostgreSQL server of the test's own (initdb in a temporary folder, a free port), run as user postgres the way
    /// .ci/run does; it needs root and Debian's PostgreSQL 15 binaries, and says so when they are missing.
    /// </summary>
    private sealed class ThrowawayPostgres : IAsyncDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), $"stroma-outage-{Guid.NewGuid():N}");
        private readonly int port = FreePort();

        private string Data => Path.Combine(root, "data");

        public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=5";

        public static async Task<ThrowawayPostgres> StartAsync()
        {
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists(Path.Combine(PostgresBin, "pg_ctl")))
            {
                Assert.Fail($"This test starts its own PostgreSQL server: it must run as root (it is '{Environment.UserName}') "
                    + $"with PostgreSQL 15's binaries in {PostgresBin} (apt-get install -y postgresql).");
            }

            var server = new ThrowawayPostgres();
            Directory.CreateDirectory(server.root);
            await RunAsync("chown", "postgres:postgres", server.root);
            await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(PostgresBin, "initdb"), "-D", server.Data, "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            await server.StartServerAsync();
            return server;
        }

        public Task StartServerAsync() => RunAsync("runuser", "-u", "postgres", "--", Path.Combine(PostgresBin, "pg_ctl"), "-D", Data,
            "-l", Path.Combine(root, "server.log"), "-w", "-t", "30", "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off", "start");

        /// <summary>Kills the server the way a crash or power loss would: no checkpoint, clients cut off.</summary>
        public Task StopImmediateAsync() => RunAsync("runuser", "-u", "postgres", "--", Path.Combine(PostgresBin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                await StopImmediateAsync();
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }

            Directory.Delete(root, recursive: true);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task RunAsync(string file, params string[] arguments)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Ct);
            var error = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
            }
        }
    }
}
