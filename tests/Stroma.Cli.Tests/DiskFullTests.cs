// Source: issue #21 (reliability): a full disk during an import and during a backup ends with a clear error (exit 1,
// DAT006, no stack trace), leaves the registry unchanged and openable, and leaves no partial backup file. The tests
// mount a small tmpfs (CI runs them as root); if mounting is refused they fail, they do not skip.
using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Cli.Tests;

public sealed class DiskFullTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImportLabs_RegistryDiskFills_ExitsOneWithDat006AndLeavesTheRegistryUnchanged()
    {
        await using var disk = SmallDisk.Mount();
        var registry = Path.Combine(disk.Path, "registry.db");
        CliRunner.Run("", "db", "migrate", "--database", registry).ExitCode.ShouldBe(ExitCodes.Ok);
        var configuration = DataConfiguration.Parse(registry);
        await using (var db = StromaDatabase.CreateContext(configuration, "seed"))
        {
            var site = new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site 1" };
            var patient = new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "P1", Sex = Sex.Female, BirthYear = 1980 };
            db.Sites.Add(site);
            db.Laboratories.Add(new Laboratory { Id = Guid.CreateVersion7(), SiteId = site.Id, Code = "LAB", Name = "Lab" });
            db.Patients.Add(patient);
            db.Visits.Add(new Visit { Id = Guid.CreateVersion7(), PatientId = patient.Id, VisitDate = new DateOnly(2012, 5, 1), Type = "baseline" });
            await db.SaveChangesAsync(Token);
        }

        var before = await CountsAsync(configuration);
        var csv = Path.Combine(Path.GetTempPath(), $"stroma-diskfull-{Guid.NewGuid():N}.csv");
        try
        {
            await WriteLargeCsvAsync(csv, rows: 150_000);
            disk.Fill(leave: 256 * 1024);

            var outcome = Run(registry, "import", "labs", csv);

            outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
            outcome.Error.ShouldContain("error DAT006");
            outcome.Error.ShouldContain("no space left on the disk");
            outcome.Error.ShouldNotContain("   at ");
            outcome.Error.ShouldNotContain("unexpected");
            File.Exists(csv + ".rejects.csv").ShouldBeFalse();
            (await CountsAsync(configuration)).ShouldBe(before);
            var verify = Run(registry, "audit", "verify");
            verify.ExitCode.ShouldBe(ExitCodes.Ok, verify.Error);
            verify.Out.ShouldContain("intact");
        }
        finally
        {
            File.Delete(csv);
            File.Delete(csv + ".rejects.csv");
        }
    }

    [Fact]
    public async Task Backup_TargetDiskFull_ExitsOneWithDat006AndRemovesThePartialFile()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        Run(database.Configuration.ConnectionString, "demo", "--patients", "3").ExitCode.ShouldBe(ExitCodes.Ok);
        await using var disk = SmallDisk.Mount();
        disk.Fill(leave: 0);
        var file = Path.Combine(disk.Path, "registry-backup.zip");

        var outcome = Run(database.Configuration.ConnectionString, "backup", file);

        outcome.ExitCode.ShouldBe(ExitCodes.InvalidInput, outcome.Error);
        outcome.Error.ShouldContain("error DAT006");
        outcome.Error.ShouldContain("no space left on the disk");
        outcome.Error.ShouldNotContain("   at ");
        File.Exists(file).ShouldBeFalse();
        File.Exists(file + ".partial").ShouldBeFalse();
        Directory.GetFiles(disk.Path).ShouldBe([disk.FillerPath]);
    }

    private static CliRunner.Outcome Run(string database, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database, "--user", "cli-test"]);

    private static async Task<(int Labs, int Audit, int Patients)> CountsAsync(DataConfiguration configuration)
    {
        await using var db = StromaDatabase.CreateContext(configuration);
        return (await db.LabResults.IgnoreQueryFilters().CountAsync(Token), await db.AuditEntries.CountAsync(Token),
            await db.Patients.IgnoreQueryFilters().CountAsync(Token));
    }

    private static async Task WriteLargeCsvAsync(string path, int rows)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteLineAsync("site,patient,visit_date,analyte,value,unit,range,lab,specimen_time");
        var start = new DateTimeOffset(2012, 5, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteLineAsync($"S1,P1,2012-05-01,creatinine,{50 + (i % 100)},umol/L,,LAB,{start.AddSeconds(i):yyyy-MM-ddTHH:mm:ssZ}");
        }
    }

    /// <summary>An 8 MiB tmpfs under /tmp, unmounted on dispose.</summary>
    private sealed class SmallDisk : IAsyncDisposable
    {
        private SmallDisk(string path) => Path = path;

        public string Path { get; }

        public string FillerPath => System.IO.Path.Combine(Path, "filler");

        public static SmallDisk Mount()
        {
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"stroma-small-disk-{Guid.NewGuid():N}");
            Directory.CreateDirectory(path);
            var (code, error) = Execute("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", path);
            if (code != 0)
            {
                Directory.Delete(path);
                Assert.Fail($"These disk-full tests need to mount a tmpfs (run them as root, as CI does): 'mount -t tmpfs' exited {code}: {error}");
            }

            return new SmallDisk(path);
        }

        /// <summary>Writes a filler file until only <paramref name="leave"/> bytes stay free (0: until the disk refuses).</summary>
        public void Fill(long leave)
        {
            using var filler = new FileStream(FillerPath, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            var chunk = new byte[64 * 1024];
            Random.Shared.NextBytes(chunk);
            try
            {
                while (true)
                {
                    var free = new DriveInfo(Path).AvailableFreeSpace - leave;
                    if (leave > 0 && free <= 0)
                    {
                        return;
                    }

                    filler.Write(chunk, 0, leave > 0 ? (int)Math.Min(chunk.Length, free) : chunk.Length);
                }
            }
            catch (IOException) when (leave == 0)
            {
                // Full.
            }
        }

        public ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            var (code, error) = Execute("umount", Path);
            code.ShouldBe(0, error);
            Directory.Delete(Path);
            return ValueTask.CompletedTask;
        }

        private static (int Code, string Error) Execute(string command, params string[] arguments)
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEnd();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, error);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (-1, e.Message);
            }
        }
    }
}
