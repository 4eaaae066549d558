// Source: issue #21 (reliability), "Data fidelity across engines and backups": backup on one engine, restore on the
// other, export both: identical CSV exports and an intact audit trail (a test on both directions).
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Backup;
using Stroma.Data.Demo;
using Stroma.Data.Export;

namespace Stroma.Data.Tests;

public sealed class CrossEngineExportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// Every pair of engines (SQLite to PostgreSQL and back when <c>STROMA_TEST_POSTGRES</c> is set, as in CI; SQLite to
    /// SQLite always): the demo registry, with cell therapy, backed up, restored, and every CSV export compared byte for byte.
    /// </summary>
    [Theory]
    [MemberData(nameof(EnginePairs.All), MemberType = typeof(EnginePairs))]
    public async Task Restore_DemoRegistryOnAnotherEngine_EveryCsvExportIdenticalByteForByte(DatabaseEngine source, DatabaseEngine target)
    {
        await using var from = await TestDatabase.CreateAsync(source);
        await using (var db = from.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 6, Seed: 11), Token);

            // Values where engines could disagree: decimal scale and the edges of numeric(18,6), an instant finer than a
            // microsecond (PostgreSQL keeps microseconds), text with quotes, new lines and characters outside the BMP.
            var labs = await db.LabResults.OrderBy(l => l.Id).Take(4).ToListAsync(Token);
            labs[0].NormalisedValue = 1.5m;
            labs[1].NormalisedValue = 0.000001m;
            labs[2].NormalisedValue = 999999999999.999999m;
            labs[3].SpecimenTime = new DateTimeOffset(2012, 5, 1, 8, 30, 15, TimeSpan.Zero).AddTicks(1234567);
            var visit = await db.Visits.OrderBy(v => v.Id).FirstAsync(Token);
            visit.Notes = "Said: \"better\",\nsecond line 🧬 狼疮";
            db.ChangeReason = "Edge values for the cross-engine test";
            await db.SaveChangesAsync(Token);
        }

        using var backup = new MemoryStream();
        await RegistryBackup.BackupAsync(from.Configuration, backup, TimeProvider.System, Token);
        backup.Position = 0;
        await using var to = await TestDatabase.CreateAsync(target);
        var restored = await RegistryBackup.RestoreAsync(to.Configuration, backup, Token);
        restored.Audit.IsIntact.ShouldBeTrue();
        await using (var check = to.Open())
        {
            (await AuditChain.VerifyAsync(check, Token)).IsIntact.ShouldBeTrue();
        }

        var left = Directory.CreateTempSubdirectory("stroma-xengine-a-").FullName;
        var right = Directory.CreateTempSubdirectory("stroma-xengine-b-").FullName;
        try
        {
            await CsvExport.WriteAsync(from.Configuration, left, Token);
            await CsvExport.WriteAsync(to.Configuration, right, Token);

            var files = Directory.GetFiles(left).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            files.ShouldNotBeEmpty();
            Directory.GetFiles(right).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(files);
            var differences = new List<string>();
            foreach (var file in files)
            {
                var a = await File.ReadAllBytesAsync(Path.Combine(left, file!), Token);
                var b = await File.ReadAllBytesAsync(Path.Combine(right, file!), Token);
                if (!a.AsSpan().SequenceEqual(b))
                {
                    differences.Add($"{file}: {FirstDifference(a, b)}");
                }
            }

            // The edge values reached the export (a comparison of exports that left them out would prove nothing).
            var labsCsv = await File.ReadAllTextAsync(Path.Combine(left, "lab_results.csv"), Token);
            labsCsv.ShouldContain("999999999999.999999");
            labsCsv.ShouldContain("0.000001");
            (await File.ReadAllTextAsync(Path.Combine(left, "visits.csv"), Token)).ShouldContain("🧬 狼疮");
            differences.ShouldBeEmpty($"{source} -> {target}: {string.Join(" | ", differences)}");
        }
        finally
        {
            Directory.Delete(left, recursive: true);
            Directory.Delete(right, recursive: true);
        }
    }

    /// <summary>The first line that differs, from each side, to say what a mismatch is.</summary>
    private static string FirstDifference(byte[] a, byte[] b)
    {
        var left = System.Text.Encoding.UTF8.GetString(a).Split('\n');
        var right = System.Text.Encoding.UTF8.GetString(b).Split('\n');
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var l = i < left.Length ? left[i] : "(end)";
            var r = i < right.Length ? right[i] : "(end)";
            if (l != r)
            {
                return $"line {i + 1}: {l.TrimEnd('\r')} <> {r.TrimEnd('\r')} (header {left[0].TrimEnd('\r')})";
            }
        }

        return "same text, different bytes";
    }
}
