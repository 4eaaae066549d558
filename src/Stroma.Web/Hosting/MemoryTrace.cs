using System.Globalization;
using System.Runtime.InteropServices;

namespace Stroma.Web.Hosting;

/// <summary>
/// An opt-in diagnostic for memory investigations (the soak test, bench/soak): when <c>STROMA_MEMORY_TRACE</c> names a
/// file, the web process appends one CSV line to it every 10 s with where its memory is: resident set (VmRSS), the
/// managed heap after the last collection and what the GC has committed, the bytes SQLite's allocator holds (page
/// caches, schemas, statements), glibc malloc's arenas (in use and free) and the thread count. Nothing is served over
/// HTTP and nothing runs when the variable is unset.
/// </summary>
internal sealed class MemoryTrace(string path, TimeProvider clock) : BackgroundService
{
    /// <summary>The environment variable naming the trace file.</summary>
    public const string EnvironmentVariable = "STROMA_MEMORY_TRACE";

    public const string Header = "utc,rss_mib,gc_heap_mib,gc_committed_mib,sqlite_mib,malloc_in_use_mib,malloc_free_mib,malloc_mmap_mib,threads";

    public static void Add(IServiceCollection services)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } path)
        {
            services.AddHostedService(sp => new MemoryTrace(path, sp.GetRequiredService<TimeProvider>()));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!File.Exists(path))
        {
            await File.WriteAllTextAsync(path, Header + "\n", stoppingToken).ConfigureAwait(false);
        }

        // Idempotent; the SQLite provider may not have been used yet when the first sample is taken.
        SQLitePCL.Batteries_V2.Init();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), clock);
        do
        {
            await File.AppendAllTextAsync(path, Sample() + "\n", stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private string Sample()
    {
        var gc = GC.GetGCMemoryInfo();
        var status = File.Exists("/proc/self/status") ? File.ReadAllLines("/proc/self/status") : [];
        var malloc = OperatingSystem.IsLinux() ? Native.mallinfo2() : default;
        static string MiB(double bytes) => (bytes / 1048576).ToString("F1", CultureInfo.InvariantCulture);
        return string.Join(',',
            clock.GetUtcNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            MiB(Kilobytes(status, "VmRSS:") * 1024.0),
            MiB(gc.HeapSizeBytes),
            MiB(gc.TotalCommittedBytes),
            MiB(SQLitePCL.raw.sqlite3_memory_used()),
            MiB(malloc.uordblks),
            MiB(malloc.fordblks),
            MiB(malloc.hblkhd),
            Kilobytes(status, "Threads:").ToString(CultureInfo.InvariantCulture));
    }

    private static long Kilobytes(string[] status, string key) =>
        status.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) is { } line
            ? long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
            : 0;

    private static class Native
    {
        /// <summary>glibc's <c>struct mallinfo2</c> (glibc 2.33+): totals over all arenas, in bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct MallInfo2
        {
            public nuint arena;
            public nuint ordblks;
            public nuint smblks;
            public nuint hblks;
            public nuint hblkhd;
            public nuint usmblks;
            public nuint fsmblks;
            public nuint uordblks;
            public nuint fordblks;
            public nuint keepcost;
        }

        [DllImport("libc", EntryPoint = "mallinfo2")]
        internal static extern MallInfo2 mallinfo2();
    }
}
