using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Stroma.Data;
using Stroma.Data.Audit;

namespace Stroma.Web.Hosting;

/// <summary>
/// Puts every successful read of a patient's records on the audit trail (who, when, which page): a GET of a page under
/// <c>/patients/{id}</c> or <c>/visits/{id}</c> that answered with the page or a file. Refused and missing records
/// (403/404) write nothing. The entries are <see cref="AuditTrail.AccessEntity"/> entries keyed by the patient's or
/// visit's id, so they show on the patient's audit page and on the administrator's (docs/security.md).
/// </summary>
internal sealed class ReadAudit : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var executed = await next();
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) || executed.Exception is not null || executed.Result is not (PageResult or FileResult or null)
            || http.Response.StatusCode != StatusCodes.Status200OK)
        {
            return;
        }

        var template = context.ActionDescriptor.AttributeRouteInfo?.Template ?? "";
        if (!(template.StartsWith("patients/{id", StringComparison.Ordinal) || template.StartsWith("visits/{id", StringComparison.Ordinal))
            || context.RouteData.Values["id"] is not string id)
        {
            return;
        }

        var db = http.RequestServices.GetRequiredService<StromaDbContext>();
        await AuditTrail.AppendAccessAsync(db, "read", id, new Dictionary<string, object?>
        {
            ["page"] = http.Request.Path.Value,
            ["handler"] = context.HandlerMethod?.Name,
        }, http.RequestAborted);
    }
}
