using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Stroma.Web.Hosting;

/// <summary>
/// The one handler for unexpected exceptions: logs the exception with a correlation id and answers without any
/// detail of it. JSON API calls get a ProblemDetails carrying the id; pages fall through to the /Error page, which
/// shows the same id (the request's trace identifier) so a user can quote it. A <see cref="DbUpdateConcurrencyException"/>
/// (someone else saved the same record between this user's read and save) is not a failure of the server: it answers
/// 409 Conflict, with the /Error page telling the user to reload and redo the change, or a ProblemDetails under /api.
/// A registry that cannot be reached (see <see cref="IsRegistryUnavailable"/>) is not a bug: it answers 503 with a
/// <c>Retry-After</c> header and a short page ("the registry is unavailable, try again"), or a ProblemDetails under
/// <c>/api</c>, written here without touching the database (the /Error page and the layout might).
/// </summary>
internal sealed partial class UnexpectedExceptionHandler(ILogger<UnexpectedExceptionHandler> logger) : IExceptionHandler
{
    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>Seconds a client is asked to wait before trying again when the registry is unavailable.</summary>
    public const int RetryAfterSeconds = 10;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var correlationId = httpContext.TraceIdentifier;
        // The middleware has already pointed Request.Path at /Error; the feature keeps the path that failed.
        var path = new PathString(httpContext.Features.Get<IExceptionHandlerFeature>()?.Path ?? httpContext.Request.Path.Value);
        if (IsRegistryUnavailable(exception))
        {
            LogUnavailable(logger, correlationId, httpContext.Request.Method, path.Value ?? "", Describe(exception));
            // Pooled PostgreSQL connections opened before the outage are dead; drop them so the first requests after the
            // server is back open fresh ones instead of failing on a stale socket.
            NpgsqlConnection.ClearAllPools();
            await WriteUnavailableAsync(httpContext, path, correlationId, cancellationToken);
            return true;
        }

        LogUnexpected(logger, exception, correlationId, httpContext.Request.Method, path.Value ?? "");
        httpContext.Response.OnStarting(() =>
        {
            httpContext.Response.Headers[CorrelationHeader] = correlationId;
            return Task.CompletedTask;
        });
        if (!path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var conflict = IsConflict(exception);
        var problem = new ProblemDetails
        {
            Status = conflict ? StatusCodes.Status409Conflict : StatusCodes.Status500InternalServerError,
            Title = conflict ? "Conflict" : "Unexpected error",
            Detail = conflict
                ? "The record was changed by someone else after you read it; nothing was saved. Read it again and repeat the change."
                : "The server failed unexpectedly. Quote the correlation id when reporting this.",
            Extensions = { ["correlationId"] = correlationId },
        };
        httpContext.Response.StatusCode = problem.Status.Value;
        await httpContext.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    /// <summary>
    /// Whether the exception is a concurrent edit (answered 409 Conflict, never 500): a record saved by someone else
    /// meanwhile, or a visit signed meanwhile (the data layer's lock guard, <see cref="Stroma.Data.Visits.VisitLockedException"/>).
    /// </summary>
    public static bool IsConflict(Exception? exception) => exception is DbUpdateConcurrencyException or Stroma.Data.Visits.VisitLockedException;

    /// <summary>
    /// Whether the exception (or one it wraps) means the registry cannot be reached for now, rather than a bug: a
    /// transient PostgreSQL failure (connection refused or dropped, server shutting down or starting, timeouts), EF
    /// Core's retrying strategy giving up (<see cref="RetryLimitExceededException"/>), or SQLite busy or locked.
    /// </summary>
    internal static bool IsRegistryUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case RetryLimitExceededException:
                case NpgsqlException { IsTransient: true }:
                case SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsRegistryUnavailable):
                    return true;
            }
        }

        return false;
    }

    private static async Task WriteUnavailableAsync(HttpContext httpContext, PathString path, string correlationId, CancellationToken cancellationToken)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Registry unavailable",
                Detail = $"The registry is unavailable. A save is stored whole or not at all; try again in {RetryAfterSeconds} seconds.",
                Extensions = { ["correlationId"] = correlationId },
            };
            await response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
            return;
        }

        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Registry unavailable - Stroma</title></head>
            <body>
            <main>
            <h1>The registry is unavailable, try again</h1>
            <p>The database cannot be reached at the moment. A save is stored whole or not at all: if you were saving a change, try again in {{RetryAfterSeconds}} seconds and check that it is there.</p>
            <p>Reference: <code>{{System.Net.WebUtility.HtmlEncode(correlationId)}}</code></p>
            </main>
            </body>
            </html>
            """, cancellationToken);
    }

    private static string Describe(Exception exception) =>
        exception.InnerException is { } inner && exception is RetryLimitExceededException or InvalidOperationException
            ? $"{exception.GetType().Name}: {inner.GetType().Name}: {inner.Message}"
            : $"{exception.GetType().Name}: {exception.Message}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry unavailable {CorrelationId} on {Method} {Path}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string correlationId, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error {CorrelationId} on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string correlationId, string method, string path);
}
