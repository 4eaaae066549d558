// Source: issue #21 "Reliability": the web app can anchor the audit chain on a schedule (off by default); docs/operations.md "Anchors".
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Web.Hosting;

namespace Stroma.Web.Tests.Hosting;

public sealed class AuditAnchoringTests
{
    private const string Key = "a web test key of at least thirty-two bytes";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Services_NotConfigured_NoScheduledAnchoring()
    {
        using var factory = new WebFactory();

        factory.Services.GetServices<IHostedService>().OfType<AuditAnchorService>().ShouldBeEmpty();
    }

    [Fact]
    public void Start_IntervalWithoutKey_IsRefusedNamingTheSetting()
    {
        using var factory = new WebFactory();
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("Audit:Anchor:Interval", "01:00:00").UseSetting("Audit:Anchor:Path", Path.GetTempPath()));

        var error = Should.Throw<Exception>(() => configured.Services).GetBaseException();

        error.ShouldBeOfType<InvalidOperationException>().Message.ShouldContain("Audit:Anchor:KeyFile");
    }

    [Fact]
    public async Task Schedule_Configured_WritesSignedAnchorsThatTheChainExtends()
    {
        var folder = Directory.CreateTempSubdirectory("stroma-web-anchor-").FullName;
        var keyFile = Path.Combine(folder, "anchor.key");
        var anchors = Directory.CreateDirectory(Path.Combine(folder, "anchors")).FullName;
        await File.WriteAllTextAsync(keyFile, Key + "\n", Token);
        try
        {
            using var factory = new WebFactory();
            using var configured = factory.WithWebHostBuilder(b => b
                .UseSetting("Audit:Anchor:Interval", "00:00:00.2")
                .UseSetting("Audit:Anchor:Path", anchors)
                .UseSetting("Audit:Anchor:KeyFile", keyFile));
            configured.Services.GetServices<IHostedService>().OfType<AuditAnchorService>().ShouldHaveSingleItem();
            await factory.AddUserAsync("anchored");

            AuditAnchor? latest = null;
            for (var i = 0; i < 300 && latest is not { Entries: > 0 }; i++)
            {
                await Task.Delay(100, Token);
                latest = Directory.GetFiles(anchors, "anchor-*.json")
                    .Select(f => AuditAnchor.Parse(File.ReadAllText(f), out _))
                    .OfType<AuditAnchor>().MaxBy(a => a.Entries);
            }

            latest.ShouldNotBeNull().Entries.ShouldBeGreaterThan(0);
            await using var db = StromaDatabase.CreateContext(configured.Services.GetRequiredService<DataConfiguration>());
            (await latest.CheckAsync(db, AnchorKey.FromText(Key)!, Token)).Status.ShouldBe(AnchorStatus.Extended);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
