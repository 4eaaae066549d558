using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Web.Hosting;

/// <summary>
/// Scheduled anchoring of the audit chain (configuration section <c>Audit:Anchor</c>; off unless
/// <see cref="Interval"/> is set): every interval the app verifies the chain and writes a signed anchor of its head
/// (<see cref="AuditAnchor"/>) to <see cref="Path"/>, like <c>stroma audit anchor</c>. The key comes from a file or an
/// environment variable, never from the database. See docs/operations.md, "Anchors".
/// </summary>
public sealed class AuditAnchorOptions
{
    public const string Section = "Audit:Anchor";

    /// <summary>Time between anchors (e.g. <c>01:00:00</c>); null or zero leaves scheduled anchoring off.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>An existing directory (a new file per anchor) or a file (replaced by each anchor).</summary>
    public string? Path { get; set; }

    /// <summary>File holding the key (at least 32 bytes).</summary>
    public string? KeyFile { get; set; }

    /// <summary>Environment variable holding the key (at least 32 bytes), when <see cref="KeyFile"/> is not set.</summary>
    public string? KeyEnvironmentVariable { get; set; }

    public bool Enabled => Interval is { } interval && interval > TimeSpan.Zero;

    /// <summary>Registers <see cref="AuditAnchorService"/> when the configuration turns it on; refuses an incomplete configuration at start.</summary>
    internal static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<AuditAnchorOptions>() ?? new AuditAnchorOptions();
        if (!options.Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new InvalidOperationException($"{Section}:Interval is set but {Section}:Path is not: name a directory or file for the anchors.");
        }

        services.AddSingleton(new AuditAnchorSchedule(options.Interval!.Value, options.Path, options.LoadKey()));
        services.AddHostedService<AuditAnchorService>();
    }

    private AnchorKey LoadKey()
    {
        string? text;
        string source;
        if (KeyFile is { Length: > 0 } file)
        {
            source = $"{Section}:KeyFile ({file})";
            text = File.Exists(file) ? File.ReadAllText(file) : throw new InvalidOperationException($"{source} does not exist.");
        }
        else if (KeyEnvironmentVariable is { Length: > 0 } variable)
        {
            source = $"the environment variable {variable} ({Section}:KeyEnvironmentVariable)";
            text = Environment.GetEnvironmentVariable(variable);
        }
        else
        {
            throw new InvalidOperationException($"{Section}:Interval is set but no key is: set {Section}:KeyFile or {Section}:KeyEnvironmentVariable.");
        }

        return AnchorKey.FromText(text)
            ?? throw new InvalidOperationException($"{source} must hold a key of at least {AnchorKey.MinimumBytes} bytes.");
    }
}

/// <summary>What the scheduled anchoring was configured with, checked at start.</summary>
internal sealed record AuditAnchorSchedule(TimeSpan Interval, string Path, AnchorKey Key);

/// <summary>Writes a signed anchor of the audit chain's head every <see cref="AuditAnchorSchedule.Interval"/>.</summary>
internal sealed partial class AuditAnchorService(AuditAnchorSchedule schedule, DataConfiguration database, TimeProvider clock, ILogger<AuditAnchorService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(schedule.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await AnchorOnceAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One anchor; a failure is logged and the next tick tries again.</summary>
    internal async Task<string?> AnchorOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = StromaDatabase.CreateStreamingContext(database, "audit-anchor", clock);
            var (anchor, chain) = await AuditAnchor.CreateAsync(db, schedule.Key, cancellationToken).ConfigureAwait(false);
            if (anchor is null)
            {
                LogBroken(chain.Break!.Sequence, chain.Break.Problem);
                return null;
            }

            var file = await anchor.SaveAsync(schedule.Path, cancellationToken).ConfigureAwait(false);
            LogAnchored(anchor.Entries, anchor.Head, file);
            return file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            LogFailed(e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit anchor: {Entries} entries, head {Head}, written to {File}")]
    private partial void LogAnchored(long entries, string head, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit anchor not written: the audit chain is broken at entry {Sequence}: {Problem}")]
    private partial void LogBroken(long sequence, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit anchor not written")]
    private partial void LogFailed(Exception exception);
}
