using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Stroma.Web.Features.Errors;

/// <summary>
/// Shown after an unexpected error: no detail of it, only the correlation id that the log carries. After a concurrent
/// edit (409, <see cref="Hosting.UnexpectedExceptionHandler.IsConflict"/>) it says that someone else saved the record
/// first and that nothing was saved, with a link back to the page to read it again.
/// </summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[AllowAnonymous]
public sealed class IndexModel : PageModel
{
    public string CorrelationId => HttpContext.TraceIdentifier;

    public bool Conflict => Hosting.UnexpectedExceptionHandler.IsConflict(HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error);

    /// <summary>The page the failed request came from (local paths only), to read the record again.</summary>
    public string? Back => HttpContext.Features.Get<IExceptionHandlerFeature>()?.Path is { } path && path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal)
        ? path
        : null;

    public void OnGet()
    {
        // Rendered for re-executed requests of any method (the failing request may have been a POST).
    }

    public void OnPost()
    {
    }
}
