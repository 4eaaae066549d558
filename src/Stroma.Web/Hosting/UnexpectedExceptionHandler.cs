using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Stroma.Web.Hosting;

/// <summary>
/// The one handler for unexpected exceptions: logs the exception with a correlation id and answers without any
/// detail of it. JSON API calls get a ProblemDetails carrying the id; pages fall through to the /Error page, which
/// shows the same id (the request's trace identifier) so a user can quote it. A <see cref="DbUpdateConcurrencyException"/>
/// (someone else saved the same record between this user's read and save) is not a failure of the server: it answers
/// 409 Conflict, with the /Error page telling the user to reload and redo the change, or a ProblemDetails under /api.
/// </summary>
internal sealed partial class UnexpectedExceptionHandler(ILogger<UnexpectedExceptionHandler> logger) : IExceptionHandler
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var correlationId = httpContext.TraceIdentifier;
        // The middleware has already pointed Request.Path at /Error; the feature keeps the path that failed.
        var path = new PathString(httpContext.Features.Get<IExceptionHandlerFeature>()?.Path ?? httpContext.Request.Path.Value);
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

    /// <summary>Whether the exception is a concurrent edit (answered 409 Conflict, never 500).</summary>
    public static bool IsConflict(Exception? exception) => exception is DbUpdateConcurrencyException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error {CorrelationId} on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string correlationId, string method, string path);
}
