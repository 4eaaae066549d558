using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Stroma.Web.Hosting;

/// <summary>
/// The one handler for unexpected exceptions: logs the exception with a correlation id and answers without any
/// detail of it. JSON API calls get a ProblemDetails carrying the id; pages fall through to the /Error page, which
/// shows the same id (the request's trace identifier) so a user can quote it.
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

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Unexpected error",
            Detail = "The server failed unexpectedly. Quote the correlation id when reporting this.",
            Extensions = { ["correlationId"] = correlationId },
        };
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await httpContext.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error {CorrelationId} on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string correlationId, string method, string path);
}
