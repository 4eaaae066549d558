using System.Globalization;
using Stroma.Data;
using Stroma.Data.Replicas;

namespace Stroma.Web.Hosting;

/// <summary>
/// Where a page's reads that may lag a little go (the study report, exports, the patient list, the timeline, the FHIR
/// reads): the read replica when one is configured (<c>--read-database</c> or <c>ConnectionStrings:Replica</c>), is
/// reachable and has replayed the audit trail at least up to the head this browser last wrote
/// (<see cref="ReadYourWrites"/>); otherwise the request's own context on the primary. Writes (the read audit
/// included) always use the request's <see cref="StromaDbContext"/>. With no replica configured this is the primary
/// context, unchanged. docs/operations.md "Read replicas".
/// </summary>
public sealed class ReadDatabase(StromaDbContext primary, IHttpContextAccessor http, ReadReplica? replica = null) : IAsyncDisposable
{
    private StromaDbContext? chosen;
    private StromaDbContext? owned;

    /// <summary>Whether this request reads from the replica (known after <see cref="ContextAsync"/>).</summary>
    public bool FromReplica => owned is not null;

    /// <summary>The context to read from for this request (decided once, on first use).</summary>
    public async Task<StromaDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        if (chosen is not null)
        {
            return chosen;
        }

        if (replica is null)
        {
            return chosen = primary;
        }

        owned = await replica.TryOpenAsync(ReadYourWrites.RequiredHead(http.HttpContext), primary.Actor, cancellationToken);
        return chosen = owned ?? primary;
    }

    /// <summary>
    /// For readers that open their own connections (the CSV export): the replica's configuration when this request
    /// reads from it (caught up as <see cref="ContextAsync"/> checks), else null (read the registry itself).
    /// </summary>
    public async Task<DataConfiguration?> ReplicaConfigurationAsync(CancellationToken cancellationToken)
    {
        await ContextAsync(cancellationToken);
        return FromReplica ? replica!.Replica : null;
    }

    public ValueTask DisposeAsync() => owned?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>The replica configured for the web app, if any: <c>--read-database</c>, else <c>ConnectionStrings:Replica</c>.</summary>
    internal static DataConfiguration? Configured(IConfiguration configuration) =>
        (configuration["read-database"] ?? configuration.GetConnectionString("Replica")) is { Length: > 0 } value ? DataConfiguration.Parse(value) : null;
}

/// <summary>
/// Read-your-writes for a browser when reads may go to a replica: after a request that may have written (any method
/// but GET and HEAD) the primary's audit head is put in a cookie, and a later read from the replica waits until the
/// replica has replayed that far (or reads from the primary). The cookie holds only a sequence number; changing it can
/// only make that browser's own reads wait or go to the primary. Not added when no replica is configured.
/// </summary>
public sealed class ReadYourWrites(RequestDelegate next)
{
    public const string Cookie = "stroma.head";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.OnStarting(async () =>
            {
                if (context.Response.StatusCode >= 500)
                {
                    return;
                }

                var db = context.RequestServices.GetRequiredService<StromaDbContext>();
                var head = await ReadReplica.HeadAsync(db, context.RequestAborted);
                context.Response.Cookies.Append(Cookie, head.ToString(CultureInfo.InvariantCulture), new CookieOptions
                {
                    HttpOnly = true,
                    IsEssential = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps,
                    Path = "/",
                });
            });
        }

        return next(context);
    }

    /// <summary>The audit head this browser's reads must see (0 when it has written nothing here).</summary>
    internal static long RequiredHead(HttpContext? context) =>
        context?.Request.Cookies[Cookie] is { } value && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var head) ? head : 0;
}
