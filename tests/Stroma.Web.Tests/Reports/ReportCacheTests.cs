// Source: issue #21 "Load and faults" (the soak's only errors were study report requests timing out while 50 users each
// started a build) and docs/web.md "Report cache": identical concurrent requests share one build, an unchanged
// registry is not rebuilt, a write is seen by the next request, site sets are never shared, a cancelled waiter leaves
// the build to the others, builds are bounded. The cache's own rules with a controlled source; the page in process
// (the app as it runs, on SQLite and, when STROMA_TEST_POSTGRES is set, PostgreSQL) with the real builder.
using Microsoft.Extensions.Logging.Abstractions;
using Stroma.Data;
using Stroma.Data.Tests;
using Stroma.Web.Features.Reports;

namespace Stroma.Web.Tests.Reports;

public sealed class ReportCacheTests
{
    private static readonly ReportScope S1 = new(["S1"], ["S1"], null);
    private static readonly ReportScope S2 = new(["S2"], ["S2"], null);
    private static readonly RegistryMarker First = new(10, "a");
    private static readonly RegistryMarker Second = new(11, "b");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ReportCache Cache(ControlledSource source, int entries = 4, int concurrentBuilds = 1, TimeProvider? clock = null) =>
        new(source, new ReportCacheOptions { Entries = entries, ConcurrentBuilds = concurrentBuilds }, clock ?? TimeProvider.System, NullLogger<ReportCache>.Instance);

    [Fact]
    public async Task GetAsync_EightConcurrentIdenticalRequests_OneBuildEveryoneGetsIt()
    {
        using var source = new ControlledSource { Marker = First };
        using var cache = Cache(source);

        var requests = Enumerable.Range(0, 8).Select(_ => cache.GetAsync(S1, First, Ct)).ToList();
        await source.StartedAsync(1);
        source.Release();
        var reports = await Task.WhenAll(requests);

        source.Calls.ShouldBe(1);
        cache.Builds.ShouldBe(1);
        reports.Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task GetAsync_UnchangedMarker_NotRebuilt_NewMarker_Rebuilt()
    {
        using var source = new ControlledSource { Marker = First };
        source.Release();
        using var cache = Cache(source);

        var first = await cache.GetAsync(S1, First, Ct);
        var again = await cache.GetAsync(S1, First, Ct);
        source.Marker = Second;
        var afterWrite = await cache.GetAsync(S1, Second, Ct);

        again.ShouldBeSameAs(first);
        cache.Hits.ShouldBe(1);
        afterWrite.Marker.ShouldBe(Second);
        source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task GetAsync_RequestNewerThanTheRunningBuild_WaitsForABuildThatReadsTheNewMarker()
    {
        using var source = new ControlledSource { Marker = First };
        using var cache = Cache(source, concurrentBuilds: 2);
        var older = cache.GetAsync(S1, First, Ct);
        await source.StartedAsync(1);

        // A write lands while the first build runs: a request that read the new marker must not get the older report.
        source.Marker = Second;
        var newer = cache.GetAsync(S1, Second, Ct);
        var alsoNewer = cache.GetAsync(S1, Second, Ct);
        await source.StartedAsync(2);
        source.Release();

        (await older).Marker.ShouldBe(First);
        (await newer).Marker.ShouldBe(Second);
        (await alsoNewer).ShouldBeSameAs(await newer);
        source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task GetAsync_OneWaiterCancelled_TheBuildGoesOnForTheOthers()
    {
        using var source = new ControlledSource { Marker = First };
        using var cache = Cache(source);
        using var gone = new CancellationTokenSource();
        var cancelled = cache.GetAsync(S1, First, gone.Token);
        var staying = cache.GetAsync(S1, First, Ct);
        await source.StartedAsync(1);

        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        source.Release();

        (await staying).Marker.ShouldBe(First);
        source.Calls.ShouldBe(1);
        source.Cancelled.ShouldBe(0);
        cache.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GetAsync_EveryWaiterCancelled_BuildCancelledAndNothingKept()
    {
        using var source = new ControlledSource { Marker = First };
        using var cache = Cache(source);
        using var gone = new CancellationTokenSource();
        var only = cache.GetAsync(S1, First, gone.Token);
        await source.StartedAsync(1);

        await gone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => only);
        await source.CancelledAsync(1);
        cache.Count.ShouldBe(0);
        source.Release();
        (await cache.GetAsync(S1, First, Ct)).Marker.ShouldBe(First);
        source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task GetAsync_BuildFails_EachWaiterSeesTheErrorAndTheNextRequestBuildsAgain()
    {
        using var source = new ControlledSource { Marker = First, Failure = new InvalidOperationException("the registry is not reachable") };
        using var cache = Cache(source);
        var one = cache.GetAsync(S1, First, Ct);
        var two = cache.GetAsync(S1, First, Ct);
        await source.StartedAsync(1);
        source.Release();

        (await Should.ThrowAsync<InvalidOperationException>(() => one)).Message.ShouldBe("the registry is not reachable");
        (await Should.ThrowAsync<InvalidOperationException>(() => two)).Message.ShouldBe("the registry is not reachable");
        cache.Count.ShouldBe(0);
        source.Failure = null;
        (await cache.GetAsync(S1, First, Ct)).Marker.ShouldBe(First);
        source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task GetAsync_TwoSiteSets_TwoBuildsOneAtATime()
    {
        using var source = new ControlledSource { Marker = First };
        using var cache = Cache(source, concurrentBuilds: 1);

        var one = cache.GetAsync(S1, First, Ct);
        var two = cache.GetAsync(S2, First, Ct);
        var sameSitesOtherUser = cache.GetAsync(new ReportScope(["S1", "S2"], ["S1"], null), First, Ct);
        await source.StartedAsync(1);
        await Task.Delay(200, Ct);
        source.Running.ShouldBe(1);
        source.Release();
        await Task.WhenAll(one, two, sameSitesOtherUser);

        source.Calls.ShouldBe(3);
        source.MaxRunning.ShouldBe(1);
        source.Scopes.ShouldBe([S1, S2, new ReportScope(["S1", "S2"], ["S1"], null)], ignoreOrder: true);
        (await one).ShouldNotBeSameAs(await two);
    }

    [Fact]
    public async Task GetAsync_MoreScopesThanEntries_LeastRecentlyUsedDropped()
    {
        using var source = new ControlledSource { Marker = First };
        source.Release();
        using var cache = Cache(source, entries: 2);
        var s3 = new ReportScope(["S3"], ["S3"], null);

        await cache.GetAsync(S1, First, Ct);
        await cache.GetAsync(S2, First, Ct);
        await cache.GetAsync(S1, First, Ct);
        await cache.GetAsync(s3, First, Ct);
        await cache.GetAsync(S1, First, Ct);
        await cache.GetAsync(S2, First, Ct);

        cache.Count.ShouldBe(2);
        source.Scopes.ShouldBe([S1, S2, s3, S2]);
    }

    [Fact]
    public async Task GetAsync_OpenQueryAgeChanges_Rebuilt()
    {
        var clock = ManualClock.At("2026-12-06T10:00:00Z");
        using var source = new ControlledSource { Marker = First, ValidUntil = clock.Now.AddHours(2) };
        source.Release();
        using var cache = Cache(source, clock: clock);

        await cache.GetAsync(S1, First, Ct);
        clock.Advance(TimeSpan.FromHours(1));
        await cache.GetAsync(S1, First, Ct);
        source.Calls.ShouldBe(1);
        clock.Advance(TimeSpan.FromHours(1));
        await cache.GetAsync(S1, First, Ct);

        source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task QueryAgesChange_OpenQueries_FirstWholeDayAfterTheBuild()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        var builtAt = DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await using (var db = database.Open())
        {
            var site = new Stroma.Data.Model.Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site 1" };
            var patient = new Stroma.Data.Model.Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "S1-001", Sex = Stroma.Clinical.Labs.Sex.Female, BirthYear = 1980 };
            db.Sites.Add(site);
            db.Patients.Add(patient);
            foreach (var (raised, status) in new[] { ("2026-12-01T09:00:00Z", Stroma.Data.Model.QueryStatus.Open), ("2026-12-03T16:30:00Z", Stroma.Data.Model.QueryStatus.Open), ("2026-12-05T10:30:00Z", Stroma.Data.Model.QueryStatus.Closed) })
            {
                db.Queries.Add(new Stroma.Data.Model.QueryRecord
                {
                    Id = Guid.CreateVersion7(),
                    SiteId = site.Id,
                    PatientId = patient.Id,
                    RecordType = "patient",
                    RecordId = patient.Id,
                    Field = "patient.sex",
                    Text = "check",
                    RaisedBy = "monitor",
                    Status = status,
                    RaisedAt = DateTimeOffset.Parse(raised, System.Globalization.CultureInfo.InvariantCulture),
                });
            }

            await db.SaveChangesAsync(Ct);
        }

        await using var read = database.Open();
        var change = await StudyReportSource.QueryAgesChangeAsync(read, ["S1"], builtAt, Ct);
        var none = await StudyReportSource.QueryAgesChangeAsync(read, ["S2"], builtAt, Ct);

        // Raised 12-01 09:00 turns 6 days old at 12-07 09:00; raised 12-03 16:30 turns 3 days old at 12-06 16:30 (first).
        change.ShouldBe(DateTimeOffset.Parse("2026-12-06T16:30:00Z", System.Globalization.CultureInfo.InvariantCulture));
        none.ShouldBeNull();
    }

    /// <summary>A source whose builds wait until the test releases them; counts calls, concurrent builds and cancellations.</summary>
    private sealed class ControlledSource : IReportSource, IDisposable
    {
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim started = new(0);
        private readonly SemaphoreSlim cancelled = new(0);
        private int calls;
        private int running;
        private int maxRunning;
        private int cancellations;

        public RegistryMarker Marker { get; set; }

        public Exception? Failure { get; set; }

        public DateTimeOffset? ValidUntil { get; init; }

        public List<ReportScope> Scopes { get; } = [];

        public int Calls => Volatile.Read(ref calls);

        public int Running => Volatile.Read(ref running);

        public int MaxRunning => Volatile.Read(ref maxRunning);

        public int Cancelled => Volatile.Read(ref cancellations);

        public void Release() => release.TrySetResult();

        public void Dispose()
        {
            started.Dispose();
            cancelled.Dispose();
        }

        public async Task StartedAsync(int builds)
        {
            while (Calls < builds)
            {
                (await started.WaitAsync(TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue("the build did not start");
            }
        }

        public async Task CancelledAsync(int builds)
        {
            while (Cancelled < builds)
            {
                (await cancelled.WaitAsync(TimeSpan.FromSeconds(10), Ct)).ShouldBeTrue("the build was not cancelled");
            }
        }

        public async Task<ReportBuild> BuildAsync(ReportScope scope, Action<RegistryMarker> reading, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.Add(scope);
            }

            var marker = Marker;
            reading(marker);
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            Interlocked.Increment(ref calls);
            started.Release();
            try
            {
                await release.Task.WaitAsync(cancellationToken);
                return Failure is { } failure ? throw failure : new ReportBuild(marker, null!, ValidUntil);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancellations);
                cancelled.Release();
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
