// Source: issue #19 "Speed stays" (bench/web: the timeline at 10^5 patients under 50 clients) and docs/web.md "Patient
// pages in memory": a patient's timeline is read once per registry change and day; every write (audited) is seen by the
// next view, the access check and the read's audit entry happen on every view, and memory is bounded.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Stroma.Web.Features.Patients;
using Stroma.Web.Tests.LabEntry;

namespace Stroma.Web.Tests.Patients;

public sealed class PatientPageCacheTests
{
    private static readonly DateOnly Day = new(2026, 12, 7);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAsync_SameChangeAndDay_ReadOnce_NewChangeOrDay_ReadAgain()
    {
        var cache = new PatientPageCache<string>();
        var patient = Guid.NewGuid();
        var reads = 0;
        Task<string> Read() => Task.FromResult($"read {++reads}");

        (await cache.GetAsync(patient, 10, Day, Read)).ShouldBe("read 1");
        (await cache.GetAsync(patient, 10, Day, Read)).ShouldBe("read 1");
        (await cache.GetAsync(patient, 11, Day, Read)).ShouldBe("read 2");
        (await cache.GetAsync(patient, 11, Day.AddDays(1), Read)).ShouldBe("read 3");
        (await cache.GetAsync(Guid.NewGuid(), 11, Day.AddDays(1), Read)).ShouldBe("read 4");

        cache.Hits.ShouldBe(1);
    }

    [Fact]
    public async Task GetAsync_NewerChange_EntriesReadAtOlderChangesOrDaysDropped()
    {
        // A registry written to as it is read: each write moves the last change, and what was read before it is never
        // used again, so it must not stay in memory until the capacity is reached.
        var cache = new PatientPageCache<string>();
        for (var i = 0; i < 100; i++)
        {
            await cache.GetAsync(Guid.NewGuid(), 5, Day, () => Task.FromResult("at 5"));
        }

        cache.Count.ShouldBe(100);
        var kept = Guid.NewGuid();
        await cache.GetAsync(kept, 6, Day, () => Task.FromResult("at 6"));
        cache.Count.ShouldBe(1);
        (await cache.GetAsync(kept, 6, Day, () => Task.FromResult("read again"))).ShouldBe("at 6");

        // A request that read the older change (before the write) still gets a correct page, read afresh.
        (await cache.GetAsync(Guid.NewGuid(), 5, Day, () => Task.FromResult("late reader"))).ShouldBe("late reader");
        cache.Count.ShouldBe(1);

        // The next day: yesterday's entries go when the next change comes.
        await cache.GetAsync(Guid.NewGuid(), 7, Day.AddDays(1), () => Task.FromResult("tomorrow"));
        cache.Count.ShouldBe(1);
        cache.Hits.ShouldBe(1);
    }

    [Fact]
    public async Task GetAsync_PastCapacity_LeastRecentlyUsedDropped_CountBounded()
    {
        var cache = new PatientPageCache<string>();
        var first = Guid.NewGuid();
        await cache.GetAsync(first, 1, Day, () => Task.FromResult("first"));
        var others = Enumerable.Range(0, PatientPageCache<string>.Capacity).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in others)
        {
            await cache.GetAsync(id, 1, Day, () => Task.FromResult("other"));
        }

        cache.Count.ShouldBeLessThanOrEqualTo(PatientPageCache<string>.Capacity);
        var reread = false;
        await cache.GetAsync(first, 1, Day, () => { reread = true; return Task.FromResult("first"); });
        reread.ShouldBeTrue();
        var recent = false;
        await cache.GetAsync(others[^1], 1, Day, () => { recent = true; return Task.FromResult("other"); });
        recent.ShouldBeFalse();
    }

    [Fact]
    public async Task Timeline_ViewedTwice_SecondFromMemory_ANewResultShownOnTheNextView_EveryViewAudited()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        var cache = factory.Services.GetRequiredService<PatientPageCache<TimelineModel.TimelineContent>>();
        using var monitor = await factory.SignedInAsync("monitor");
        var timeline = new Uri($"/patients/{seed.PatientA}", UriKind.Relative);

        var first = await monitor.GetStringAsync(timeline, Ct);
        var hits = cache.Hits;
        var second = await monitor.GetStringAsync(timeline, Ct);
        cache.Hits.ShouldBe(hits + 1);
        second.ShouldNotContain("Laboratory notes from a new result");

        await LabSeed.AddC3Async(factory, seed, new DateTimeOffset(2024, 3, 1, 0, 45, 0, TimeSpan.Zero), "Laboratory notes from a new result");

        var third = await monitor.GetStringAsync(timeline, Ct);
        third.ShouldContain("Laboratory notes from a new result");
        cache.Hits.ShouldBe(hits + 1);
        first.ShouldNotContain("Laboratory notes from a new result");

        await using var check = factory.Scope();
        var audit = check.ServiceProvider.GetRequiredService<StromaDbContext>();
        (await audit.AuditEntries.CountAsync(e => e.Entity == AuditTrail.AccessEntity && e.EntityKey == seed.PatientA.ToString(), Ct)).ShouldBe(3);
    }

    [Fact]
    public async Task Timeline_LabSectionWrittenOncePerLanguage_EachViewInItsOwnLanguage_ANewResultRewritesIt()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        Task AddC3Async(DateTimeOffset time, string note) => LabSeed.AddC3Async(factory, seed, time, note);

        static string Labs(string html)
        {
            var start = html.IndexOf("<section aria-labelledby=\"labs-title\">", StringComparison.Ordinal);
            start.ShouldBeGreaterThanOrEqualTo(0, "no laboratory section");
            return html[start..(html.IndexOf("</section>", start, StringComparison.Ordinal) + 10)];
        }

        await AddC3Async(new DateTimeOffset(2024, 3, 1, 0, 45, 0, TimeSpan.Zero), "The first note");
        using var english = await factory.SignedInAsync("monitor", "en");
        using var chinese = await factory.SignedInAsync("monitor", "zh-CN");
        var timeline = new Uri($"/patients/{seed.PatientA}", UriKind.Relative);

        var en1 = Labs(await english.GetStringAsync(timeline, Ct));
        var zh = Labs(await chinese.GetStringAsync(timeline, Ct));
        var en2 = Labs(await english.GetStringAsync(timeline, Ct));

        en1.ShouldContain("Lab trends (canonical units; flagged values highlighted)");
        en1.ShouldContain("<th scope=\"col\">Result</th>");
        en1.ShouldContain("The first note");
        zh.ShouldContain("化验趋势（标准单位；异常值高亮）");
        zh.ShouldContain("<th scope=\"col\">检验项目</th>");
        zh.ShouldNotContain("Lab trends");
        en2.ShouldBe(en1);

        await AddC3Async(new DateTimeOffset(2024, 4, 1, 0, 45, 0, TimeSpan.Zero), "A note written after the section was kept");
        Labs(await english.GetStringAsync(timeline, Ct)).ShouldContain("A note written after the section was kept");
        Labs(await chinese.GetStringAsync(timeline, Ct)).ShouldContain("A note written after the section was kept");
    }

    [Fact]
    public async Task Timeline_FromMemory_AnotherSitesUser_StillRefused()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        await factory.AddUserAsync("monitorB", false, ("B", SiteRole.Monitor));
        var timeline = new Uri($"/patients/{seed.PatientB}", UriKind.Relative);
        using var siteB = await factory.SignedInAsync("monitorB");
        (await siteB.GetAsync(timeline, Ct)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await siteB.GetAsync(timeline, Ct)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        factory.Services.GetRequiredService<PatientPageCache<TimelineModel.TimelineContent>>().Hits.ShouldBeGreaterThan(0);

        // Site A's monitor: the timeline of site B's patient is in memory, and still not shown.
        using var siteA = await factory.SignedInAsync("monitor");
        (await siteA.GetAsync(timeline, Ct)).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }
}
