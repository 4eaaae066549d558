// Source: issue #21 "Reliability": a backup carries a content hash, and a backup that does not match is refused; a
// restore whose audit-chain check fails leaves the target empty, so it can be retried.
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Backup;
using Stroma.Data.Demo;

namespace Stroma.Data.Tests;

public sealed class BackupIntegrityTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<MemoryStream> BackupOfDemoAsync(TestDatabase from)
    {
        await using (var db = from.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 5), Token);
        }

        var backup = new MemoryStream();
        await RegistryBackup.BackupAsync(from.Configuration, backup, TimeProvider.System, Token);
        backup.Position = 0;
        return backup;
    }

    /// <summary>A copy of <paramref name="backup"/> with one table file changed, and its manifest hash updated or not.</summary>
    private static MemoryStream Altered(MemoryStream backup, string file, Func<string, string> change, bool updateManifestHash)
    {
        var copy = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(backup.ToArray()), ZipArchiveMode.Read))
        using (var target = new ZipArchive(copy, ZipArchiveMode.Create, leaveOpen: true))
        {
            var texts = source.Entries.ToDictionary(e => e.FullName, e =>
            {
                using var reader = new StreamReader(e.Open(), Encoding.UTF8);
                return reader.ReadToEnd();
            });
            var changed = change(texts[file]);
            changed.ShouldNotBe(texts[file]);
            texts[file] = changed;
            if (updateManifestHash)
            {
                var manifest = JsonNode.Parse(texts["manifest.json"])!;
                manifest["Sha256"]![file[..^".jsonl".Length]] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(changed)));
                texts["manifest.json"] = manifest.ToJsonString();
            }

            foreach (var (name, text) in texts)
            {
                using var writer = new StreamWriter(target.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }

        copy.Position = 0;
        return copy;
    }

    private static async Task ShouldBeEmptyAsync(TestDatabase database)
    {
        await using var db = database.Open();
        (await db.Sites.IgnoreQueryFilters().CountAsync(Token)).ShouldBe(0);
        (await db.Patients.IgnoreQueryFilters().CountAsync(Token)).ShouldBe(0);
        (await db.AuditEntries.CountAsync(Token)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Restore_TableFileEdited_RefusedNamingTheFileAndTargetStaysEmpty(DatabaseEngine engine)
    {
        await using var from = await TestDatabase.CreateAsync(engine);
        using var backup = await BackupOfDemoAsync(from);
        using var edited = Altered(backup, "patients.jsonl", t => Regex.Replace(t, "\"birth_year\":(\\d+)", m => $"\"birth_year\":{int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1}"),
            updateManifestHash: false);
        await using var to = await TestDatabase.CreateAsync(engine);

        var refused = await Should.ThrowAsync<InvalidDataException>(() => RegistryBackup.RestoreAsync(to.Configuration, edited, Token));

        refused.Message.ShouldStartWith("patients.jsonl does not match the SHA-256 in the backup's manifest");
        await ShouldBeEmptyAsync(to);
        backup.Position = 0;
        (await RegistryBackup.RestoreAsync(to.Configuration, backup, Token)).Audit.IsIntact.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Restore_AuditChainBroken_ReportsTheBreakAndTargetStaysEmptyForARetry(DatabaseEngine engine)
    {
        await using var from = await TestDatabase.CreateAsync(engine);
        using var backup = await BackupOfDemoAsync(from);
        // Hashes recomputed, as someone editing the file on purpose would: the audit chain still catches the edit.
        using var edited = Altered(backup, "audit_entries.jsonl", t => t.Replace("\"user_name\":\"demo\"", "\"user_name\":\"mallory\"", StringComparison.Ordinal),
            updateManifestHash: true);
        await using var to = await TestDatabase.CreateAsync(engine);

        var restored = await RegistryBackup.RestoreAsync(to.Configuration, edited, Token);

        restored.Audit.IsIntact.ShouldBeFalse();
        await ShouldBeEmptyAsync(to);
        backup.Position = 0;
        (await RegistryBackup.RestoreAsync(to.Configuration, backup, Token)).Audit.IsIntact.ShouldBeTrue();
    }
}
